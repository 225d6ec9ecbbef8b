//! `mailtriage analyze`: everything given is one paste.

use crate::Format;
use mailtriage::{render, Options};
use std::process::ExitCode;

pub fn run(files: &[String], format: Format, opts: &Options) -> Result<ExitCode, String> {
    let mut input = String::new();
    let stdin = ["-".to_owned()];
    let files = if files.is_empty() { &stdin[..] } else { files };
    for (i, f) in files.iter().enumerate() {
        if i > 0 && !input.ends_with('\n') {
            input.push('\n');
        }
        input.push_str(&crate::read_input(f)?);
    }
    let report = mailtriage::analyze(&input, opts);
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
        Format::Markdown => render::markdown(&report, &input),
        Format::Text => render::text(&report, &input),
    };
    println!("{out}");
    Ok(if report.has_critical() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
