//! Entry of the page's wasm module: mounts the app. The analysis runs elsewhere, in the engine's
//! own module inside the page's worker (`crates/engine`, `web/worker.js`).

fn main() {
    mailtriage_web::start();
}
