//! `mailtriage analyze`: everything given is one paste.

use crate::Format;
use mailtriage::relay::RelayQuery;
use mailtriage::{render, Options};
use std::process::ExitCode;

/// What-if questions to the relay trace: instead of the report, trace one recipient through the
/// paste's Postfix configuration for a client described by these flags.
#[derive(clap::Args, Debug, Default)]
pub struct WhatIfArgs {
    /// Trace this recipient address through the pasted config (prints the relay trace only).
    #[arg(long, value_name = "ADDRESS")]
    pub relay_to: Option<String>,
    /// The client's IP address (checked against mynetworks).
    #[arg(long, value_name = "IP", requires = "relay_to")]
    pub client_ip: Option<String>,
    /// The port the client connects to (587 → submission, 465 → submissions, else smtp).
    #[arg(long, requires = "relay_to")]
    pub port: Option<u16>,
    /// The session is encrypted (STARTTLS or implicit TLS).
    #[arg(long, requires = "relay_to")]
    pub tls: bool,
    /// The client logs in with SMTP AUTH.
    #[arg(long, requires = "relay_to")]
    pub authenticated: bool,
}

impl WhatIfArgs {
    pub fn query(&self) -> Option<RelayQuery> {
        Some(RelayQuery {
            recipient: self.relay_to.clone()?,
            client_ip: self.client_ip.clone(),
            port: self.port,
            tls: Some(self.tls),
            authenticated: self.authenticated,
            ..Default::default()
        })
    }
}

/// `analyze --relay-to`: the trace alone.
pub fn relay(
    files: &[String],
    format: Format,
    opts: &Options,
    query: &RelayQuery,
) -> Result<ExitCode, String> {
    let input = read_all(files)?;
    let Some(t) = mailtriage::relay::what_if(&input, opts, query) else {
        return Err("--relay-to: the input holds no Postfix configuration".into());
    };
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&t).map_err(|e| e.to_string())?,
        Format::Markdown => render::relay_trace_markdown(&t, &input),
        Format::Text => render::relay_trace_text(&t, &input),
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn read_all(files: &[String]) -> Result<String, String> {
    let mut input = String::new();
    let stdin = ["-".to_owned()];
    let files = if files.is_empty() { &stdin[..] } else { files };
    for (i, f) in files.iter().enumerate() {
        if i > 0 && !input.ends_with('\n') {
            input.push('\n');
        }
        input.push_str(&crate::read_input(f)?);
    }
    Ok(input)
}

pub fn run(files: &[String], format: Format, opts: &Options) -> Result<ExitCode, String> {
    let input = read_all(files)?;
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
