//! Build step: turns the data under `kb/` into static Rust data, so neither the CLI nor the page
//! ships a parser for those formats.
//!
//! - `kb/data/*.tsv` (fact tables imported from the reference data by `tools/import-data.py`)
//!   become `pub static NAME: &[[&str; COLUMNS]]`, rows in file order, header dropped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let kb = manifest.join("../../kb");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", kb.join("data").display());

    let mut code = String::new();
    for (file, name) in [
        ("postfix-params.tsv", "POSTFIX_PARAMS"),
        ("postfix-deprecated.tsv", "POSTFIX_DEPRECATED"),
        ("postfix-compat-defaults.tsv", "POSTFIX_COMPAT_DEFAULTS"),
        ("dovecot-settings.tsv", "DOVECOT_SETTINGS"),
        ("dnsbl-status.tsv", "DNSBL_STATUS"),
        ("bounce-reasons.tsv", "BOUNCE_REASONS"),
        ("enhanced-status-codes.tsv", "ENHANCED_STATUS_CODES"),
        ("smtp-reply-codes.tsv", "SMTP_REPLY_CODES"),
    ] {
        emit_tsv(&kb.join("data").join(file), name, &mut code);
    }
    std::fs::write(out.join("tables.rs"), code).unwrap();
}

/// One TSV file as a static table of string cells. Fails the build on a ragged row.
fn emit_tsv(path: &Path, name: &str, code: &mut String) {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let n = header.len();
    writeln!(code, "/// Columns: {}.", header.join(", ")).unwrap();
    writeln!(code, "pub static {name}: &[[&str; {n}]] = &[").unwrap();
    for (i, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cells.len(),
            n,
            "{}: row {} has {} cells, header has {n}",
            path.display(),
            i + 2,
            cells.len()
        );
        code.push_str("    [");
        for c in cells {
            write!(code, "{c:?}, ").unwrap();
        }
        code.push_str("],\n");
    }
    code.push_str("];\n");
}
