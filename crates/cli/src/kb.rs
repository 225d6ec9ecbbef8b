//! `mailtriage explain ID` and `mailtriage kb --list`: the knowledge base and the check docs.

use crate::Format;
use mailtriage::{checks, kb};
use std::process::ExitCode;

/// Prints one KB entry, or a check's documentation when the id is a check id.
pub fn explain(id: &str, format: Format) -> Result<ExitCode, String> {
    if let Some(entry) = kb::find(id) {
        let out = match format {
            Format::Json => serde_json::to_string_pretty(entry).map_err(|e| e.to_string())?,
            Format::Text | Format::Markdown => kb::explain_text(entry),
        };
        println!("{}", out.trim_end());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(check) = checks::find(id) {
        let out = match format {
            Format::Json => serde_json::to_string_pretty(&serde_json::json!({
                "id": check.id,
                "title": check.title,
                "severity": check.severity,
                "doc": check.doc,
            }))
            .map_err(|e| e.to_string())?,
            Format::Text | Format::Markdown => format!(
                "{}\n{} ({})\n\n{}",
                check.id,
                check.title,
                check.severity.as_str(),
                check.doc.trim()
            ),
        };
        println!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    let near: Vec<&str> = kb::ENTRIES
        .iter()
        .map(|e| e.id)
        .chain(checks::CHECKS.iter().map(|c| c.id))
        .filter(|x| x.contains(id) || id.contains(x.split('/').next_back().unwrap_or(x)))
        .take(5)
        .collect();
    let hint = if near.is_empty() {
        "run `mailtriage kb --list` for every id".to_owned()
    } else {
        format!("did you mean: {}", near.join(", "))
    };
    Err(format!(
        "no knowledge-base entry or check with id `{id}` ({hint})"
    ))
}

/// Lists every entry (id and title), or those matching a free text, best first.
pub fn list(search: Option<&str>, format: Format) -> Result<ExitCode, String> {
    let entries: Vec<&kb::Entry> = match search {
        Some(text) => kb::search(text),
        None => kb::ENTRIES.iter().collect(),
    };
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = entries
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "id": e.id,
                        "title": e.title,
                        "category": e.category,
                        "reply_codes": e.reply_codes,
                        "statuses": e.statuses,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
            );
        }
        Format::Text | Format::Markdown => {
            let width = entries.iter().map(|e| e.id.len()).max().unwrap_or(0);
            for e in &entries {
                println!("{:width$}  {}", e.id, e.title);
            }
            if search.is_none() {
                println!("\n{} entries", entries.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
