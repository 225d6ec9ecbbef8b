//! `mailtriage bounces` end to end: a folder of the project's bounce fixtures (walked
//! recursively, an mbox split), both output formats, one worker or several, and a path that
//! cannot be read (a record with a note, never an abort). When `../shared/corpus/bounces` is
//! present, the whole development corpus must also give a record per file; without it that
//! part is skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> (String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_mailtriage"))
        .arg("bounces")
        .args(args)
        .output()
        .expect("run mailtriage");
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        out.status.success(),
    )
}

fn records(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn fixtures_folder_gives_one_record_per_recipient() {
    let dir = repo().join("tests/fixtures/bounce");
    let dir = dir.to_str().unwrap();
    let (one, ok) = run(&["--jobs", "1", dir]);
    assert!(ok);
    let (many, ok) = run(&["--jobs", "3", dir]);
    assert!(ok);
    assert_eq!(
        one, many,
        "output order must not depend on the number of jobs"
    );
    let recs = records(&one);
    let reason_of = |file: &str, rcpt: &str| {
        recs.iter()
            .find(|r| r["file"].as_str().unwrap().ends_with(file) && r["recipient"] == rcpt)
            .map(|r| r["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(
        reason_of("postfix_dsn_relay.eml", "tomas@example.org").as_deref(),
        Some("norelaying")
    );
    assert_eq!(
        reason_of("postfix_dsn_relay.eml", "irene@example.com").as_deref(),
        Some("userunknown")
    );
    assert_eq!(
        reason_of("mbox_two_bounces.mbox", "lea@example.org").as_deref(),
        Some("mesgtoobig")
    );
    assert_eq!(
        reason_of("arf_abuse_report.eml", "zoe@example.com").as_deref(),
        Some("feedback")
    );
    assert_eq!(
        reason_of("koi8r_mailbox_full.raw", "olga@example.ru").as_deref(),
        Some("mailboxfull")
    );
    for r in &recs {
        for key in [
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
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    // The Japanese and Cyrillic texts arrive decoded.
    assert!(one.contains("存在しません") && one.contains("Ящик переполнен"));

    let (tsv, ok) = run(&["--format", "tsv", dir]);
    assert!(ok);
    let mut lines = tsv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("file\trecipient\taction\treason"));
    assert_eq!(lines.count(), recs.len());
}

#[test]
fn unreadable_paths_give_a_record_not_an_abort() {
    let missing = repo().join("tests/fixtures/bounce/does-not-exist.eml");
    let fixture = repo().join("tests/fixtures/bounce/qmail_no_host.eml");
    let (out, _) = run(&[missing.to_str().unwrap(), fixture.to_str().unwrap()]);
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["reason"], "undefined");
    assert!(recs[0]["note"].as_str().unwrap().contains("cannot read"));
    assert_eq!(recs[1]["reason"], "hostunknown");
}

#[test]
fn development_corpus_gives_a_record_per_file_when_present() {
    let corpus = repo().join("../shared/corpus/bounces");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let (out, ok) = run(&[corpus.to_str().unwrap()]);
    assert!(ok);
    let files: std::collections::BTreeSet<String> = records(&out)
        .iter()
        .map(|r| r["file"].as_str().unwrap().to_string())
        .collect();
    let on_disk = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(files.len(), on_disk);
}
