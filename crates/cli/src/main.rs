//! The native command line. The only code that knows files, stdin and terminals.
//!
//! Exit codes: 0 analysed, 1 analysed with critical findings, 2 usage or I/O error.

mod analyze;
mod bounces;
mod kb;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mailtriage",
    version,
    about = "Offline diagnostic for mail servers: configs, bounces, logs."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse everything given (files, or - for stdin) as one paste.
    Analyze {
        /// Files to read; `-` or nothing reads standard input.
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Postfix version to assume when the paste does not state one (e.g. 3.7).
        #[arg(long)]
        postfix_version: Option<String>,
        /// Dovecot version to assume when the paste does not state one (e.g. 2.4).
        #[arg(long)]
        dovecot_version: Option<String>,
        #[command(flatten)]
        what_if: analyze::WhatIfArgs,
    },
    /// Classify bounces in bulk: one record per failed recipient (files, mboxes, folders).
    Bounces {
        /// Messages, mbox files, or folders (maildirs; walked recursively).
        paths: Vec<String>,
        #[arg(long, value_enum, default_value_t = bounces::BounceFormat::Jsonl)]
        format: bounces::BounceFormat,
        /// Worker threads (default: all cores).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
    },
    /// Explain a knowledge-base entry or a config check by its id.
    Explain {
        /// KB id (`smtp/554-5.7.1-relay-access-denied`) or check id (`postfix/...`).
        id: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The knowledge base: list entries, or search them by a failure's text.
    Kb {
        /// List every entry's id and title.
        #[arg(long)]
        list: bool,
        /// Entries matching this text (a log line, a bounce's diagnostic), best first.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Like every Unix filter, end quietly when the reader of our output goes away
/// (`mailtriage bounces ~/Maildir | head`): Rust ignores SIGPIPE by default, which turns a closed
/// pipe into a panic inside `println!`. Restoring the default action lets the kernel end us.
#[cfg(unix)]
fn die_quietly_on_closed_pipe() {
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    // SAFETY: resetting a signal to its default action before any thread starts.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn die_quietly_on_closed_pipe() {}

fn main() -> ExitCode {
    die_quietly_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Analyze {
            files,
            format,
            postfix_version,
            dovecot_version,
            what_if,
        } => {
            let opts = mailtriage::Options {
                postfix_version,
                dovecot_version,
            };
            match what_if.query() {
                Some(q) => analyze::relay(&files, format, &opts, &q),
                None => analyze::run(&files, format, &opts),
            }
        }
        Command::Bounces {
            paths,
            format,
            jobs,
        } => bounces::run(&paths, format, jobs),
        Command::Explain { id, format } => kb::explain(&id, format),
        Command::Kb {
            list,
            search,
            format,
        } => {
            if list || search.is_some() {
                kb::list(search.as_deref(), format)
            } else {
                Err("kb: give --list or --search TEXT".to_owned())
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("mailtriage: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Reads a file, or standard input for `-`, as text (invalid UTF-8 replaced, never rejected).
pub fn read_input(path: &str) -> Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}
