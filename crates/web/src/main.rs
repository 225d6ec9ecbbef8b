//! Entry of the page's one wasm module. Both of the page's threads instantiate it (web/boot.js,
//! web/worker.js): the main thread calls [`start_ui`] and nothing else, so it never analyses;
//! the worker calls the analysis exports below and never touches the DOM. One module means one
//! download and one compilation for both (the worker compiles it and posts it to the page).

use mailtriage_engine::Session;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

/// Mounts the page (main thread only).
#[wasm_bindgen]
pub fn start_ui() {
    mailtriage_web::start();
}

/// The report of `text` as the page's JSON; the report is kept for [`markdown_page`] (worker
/// only).
#[wasm_bindgen]
pub fn analyze_page(text: &str) -> String {
    SESSION.with(|s| s.borrow_mut().analyze(text))
}

/// The last analysed report as Markdown (empty before the first analysis).
#[wasm_bindgen]
pub fn markdown_page() -> String {
    SESSION.with(|s| s.borrow().markdown())
}

/// The last analysed paste with its secrets masked (empty before the first analysis).
#[wasm_bindgen]
pub fn redacted_page() -> String {
    SESSION.with(|s| s.borrow().redacted())
}

// Nothing runs at instantiation: each thread calls what it needs.
fn main() {}
