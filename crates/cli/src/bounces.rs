//! `mailtriage bounces PATH…`: classifies bounces in bulk, one record per recipient.
//!
//! PATH is a message, an mbox, or a folder (maildir or any tree, walked recursively). Files are
//! walked lazily and classified in batches, so memory stays flat however many files there are,
//! and output keeps the walk's order whatever the number of jobs.

use mailtriage::bounce::{mbox_messages, parse_message, BounceRecord};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BounceFormat {
    Jsonl,
    Tsv,
}

/// Files classified per batch: enough to keep every core busy, small enough to stay flat.
const BATCH: usize = 512;

const TSV_COLUMNS: &[&str] = &[
    "file",
    "recipient",
    "action",
    "reason",
    "hard",
    "status",
    "reply_code",
    "command",
    "remote_mta",
    "reporting_mta",
    "diagnostic",
    "side",
];

pub fn run(paths: &[String], format: BounceFormat, jobs: usize) -> Result<ExitCode, String> {
    if paths.is_empty() {
        return Err("bounces: give at least one file or folder".into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| format!("cannot start {jobs} worker threads: {e}"))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if matches!(format, BounceFormat::Tsv) {
        writeln!(out, "{}", TSV_COLUMNS.join("\t")).map_err(|e| e.to_string())?;
    }
    let mut batch: Vec<PathBuf> = Vec::with_capacity(BATCH);
    let mut failed_reads = 0usize;
    let mut flush = |batch: &mut Vec<PathBuf>, out: &mut dyn Write| -> Result<(), String> {
        let rendered: Vec<(String, bool)> =
            pool.install(|| batch.par_iter().map(|p| classify_file(p, format)).collect());
        for (text, ok) in rendered {
            if !ok {
                failed_reads += 1;
            }
            out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        }
        batch.clear();
        Ok(())
    };
    for root in paths {
        let mut walk_error = None;
        walk(Path::new(root), &mut |p| {
            batch.push(p);
            if batch.len() >= BATCH {
                if let Err(e) = flush(&mut batch, &mut out) {
                    walk_error = Some(e);
                }
            }
        });
        if let Some(e) = walk_error {
            return Err(e);
        }
    }
    flush(&mut batch, &mut out)?;
    out.flush().map_err(|e| e.to_string())?;
    if failed_reads > 0 {
        eprintln!("mailtriage: {failed_reads} file(s) could not be read (see above)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Calls `visit` for every file under `path` (or `path` itself), in sorted order, depth first.
/// Unreadable folders are reported and skipped.
fn walk(path: &Path, visit: &mut dyn FnMut(PathBuf)) {
    let Ok(meta) = std::fs::metadata(path) else {
        // Reading it fails the same way and gives the file its "cannot read" record.
        visit(path.to_path_buf());
        return;
    };
    if !meta.is_dir() {
        visit(path.to_path_buf());
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd.flatten().map(|e| e.path()).collect(),
        Err(e) => {
            eprintln!("mailtriage: cannot list {}: {e}", path.display());
            return;
        }
    };
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if !hidden {
            walk(&p, visit);
        }
    }
}

/// Classifies one file (a message or an mbox) and renders its records. The flag is false when
/// the file could not be read (the reason went to stderr).
fn classify_file(path: &Path, format: BounceFormat) -> (String, bool) {
    let name = path.display().to_string();
    let mut text = String::new();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("mailtriage: cannot read {name}: {e}");
            let rec = BounceRecord::unreadable(name, format!("cannot read the file: {e}"));
            render(&rec, format, &mut text);
            return (text, false);
        }
    };
    for msg in mbox_messages(&bytes) {
        let (bounce, notes) = parse_message(msg, 0);
        let note = (!notes.is_empty()).then(|| {
            notes
                .iter()
                .map(|n| n.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        });
        for (i, mut rec) in bounce.records.into_iter().enumerate() {
            rec.file = Some(name.clone());
            if i == 0 {
                rec.note.clone_from(&note);
            }
            render(&rec, format, &mut text);
        }
    }
    (text, true)
}

fn render(rec: &BounceRecord, format: BounceFormat, out: &mut String) {
    match format {
        BounceFormat::Jsonl => {
            if let Ok(s) = serde_json::to_string(rec) {
                out.push_str(&s);
                out.push('\n');
            }
        }
        BounceFormat::Tsv => {
            let cells = [
                rec.file.as_deref().unwrap_or(""),
                &rec.recipient,
                &rec.action,
                &rec.reason,
                if rec.hard { "1" } else { "0" },
                &rec.status,
                &rec.reply_code,
                &rec.command,
                &rec.remote_mta,
                &rec.reporting_mta,
                &rec.diagnostic,
                &rec.side,
            ];
            let line: Vec<String> = cells
                .iter()
                .map(|c| c.replace(['\t', '\n', '\r'], " "))
                .collect();
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
    }
}
