//! The mailtriage page (Yew). The only crate that knows the DOM; everything about mail is the
//! core's. `model` reads the report, `lines`/`hover`/`markdown` are pure and tested natively,
//! `editor` and `app` are the components.

pub mod app;
pub mod editor;
pub mod examples;
pub mod hover;
pub mod lines;
pub mod markdown;
pub mod model;

/// Mounts the page on `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
