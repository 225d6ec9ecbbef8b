//! Entry of the engine's wasm module, loaded by `web/worker.js` (never by the page itself): the
//! worker calls [`analyze_page`] for each analysis, [`markdown_page`] for "Copy as Markdown"
//! and [`redacted_page`] for a share link that carries the paste.

use mailtriage_engine::Session;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

/// The report of `text` as the page's JSON; the report is kept for [`markdown_page`].
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

fn main() {}
