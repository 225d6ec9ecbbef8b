//! Entry of the page's wasm module. The same module runs in two places: on the page, where it
//! mounts the app, and in `web/worker.js`, where only [`analyze_page`] is called for large pastes.

use wasm_bindgen::prelude::*;

/// The core's report of `text` as the page's JSON (report + Markdown), for the worker.
#[wasm_bindgen]
pub fn analyze_page(text: &str) -> String {
    mailtriage_web::model::analyze_to_json(text)
}

fn main() {
    // In the worker there is no window: nothing to mount.
    if web_sys::window().is_some() {
        mailtriage_web::start();
    }
}
