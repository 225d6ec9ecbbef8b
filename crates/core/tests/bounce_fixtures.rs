//! Per-recipient snapshots of the bounce fixtures.
//!
//! Every message in `tests/fixtures/bounce/` (written for this project: one per MTA family, plus
//! encodings, ARF, an auto-reply and an mbox) is read by `bounce::parse_message` (an `.mbox` is
//! first split by `bounce::mbox_messages`); each record, every field, must equal the
//! `.records` file beside it. The whole-paste snapshots of the same files (`.snap`, from
//! `tests/fixtures.rs`) cover what the report shows; these cover what `mailtriage bounces` prints.
//!
//! Text outside ASCII is written as `…` (one per run), so the snapshot is the same with and
//! without the `charsets` feature (the page decodes ISO-2022-JP or KOI8-R approximately, the
//! CLI exactly; classification reads the ASCII either way). The messages in those charsets are
//! `.raw` files: the whole-paste harness, whose notes differ with the feature, skips them.
//!
//! `BLESS=1 cargo test -p mailtriage-core --test bounce_fixtures` rewrites the snapshots.

use mailtriage::bounce::{mbox_messages, parse_message, BounceRecord};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bounce")
}

fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else if c.is_ascii_whitespace() {
            out.push(' ');
        } else if !out.ends_with('…') {
            out.push('…');
        }
    }
    out
}

fn render(r: &BounceRecord, out: &mut String) {
    let _ = writeln!(out, "recipient {}", r.recipient);
    for (k, v) in [
        ("action", r.action.as_str()),
        ("reason", r.reason.as_str()),
        ("hard", if r.hard { "true" } else { "false" }),
        ("status", &r.status),
        ("reply_code", &r.reply_code),
        ("command", &r.command),
        ("remote_mta", &r.remote_mta),
        ("reporting_mta", &r.reporting_mta),
        ("side", &r.side),
        ("sender", r.sender.as_deref().unwrap_or("")),
        ("subject", r.subject.as_deref().unwrap_or("")),
        ("diagnostic", &r.diagnostic),
    ] {
        let _ = writeln!(out, "  {k} {}", ascii(v));
    }
}

#[test]
fn bounce_fixtures_match_their_records() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/fixtures/bounce")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "eml" || x == "txt" || x == "mbox" || x == "raw")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "expected the family fixtures");
    let mut failures = Vec::new();
    for case in &cases {
        let bytes = std::fs::read(case).unwrap();
        let mut got = String::new();
        for msg in mbox_messages(&bytes) {
            let (bounce, _) = parse_message(msg, 0);
            assert!(!bounce.records.is_empty(), "{}: no record", case.display());
            for r in &bounce.records {
                render(r, &mut got);
            }
        }
        let snap = case.with_extension("records");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&snap, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&snap) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{}: records differ\n--- want\n{want}--- got\n{got}",
                case.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no {} (run with BLESS=1)\n{got}",
                case.display(),
                snap.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The CLI decodes the Japanese and Cyrillic fixtures exactly.
#[cfg(feature = "charsets")]
#[test]
fn encoded_fixtures_decode_exactly() {
    let read = |name: &str| {
        let bytes = std::fs::read(dir().join(name)).unwrap();
        parse_message(&bytes, 0).0.records.remove(0)
    };
    let jp = read("iso2022jp_unknown_user.raw");
    assert!(jp.diagnostic.contains("存在しません"), "{}", jp.diagnostic);
    let ru = read("koi8r_mailbox_full.raw");
    assert!(
        ru.diagnostic.contains("Ящик переполнен"),
        "{}",
        ru.diagnostic
    );
}

/// The family variants' reason, status and side as written by hand in `expected.tsv` (not
/// blessed): the generalisation check for hosts, wordings and languages the corpus lacks.
#[test]
fn family_variants_match_hand_written_expectations() {
    let tsv = std::fs::read_to_string(dir().join("expected.tsv")).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, reason, status, side] = cols[..] else {
            panic!("expected.tsv: four columns wanted: {line}");
        };
        let bytes = std::fs::read(dir().join(file)).unwrap();
        let (bounce, _) = parse_message(&bytes, 0);
        let r = &bounce.records[0];
        let got = (r.reason.as_str(), r.status.as_str(), r.side.as_str());
        if got != (reason, status, side) {
            wrong.push(format!(
                "{file}: want {reason}/{status}/{side}, got {got:?}"
            ));
        }
        checked += 1;
    }
    assert!(checked >= 10, "expected.tsv lists the variants");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
