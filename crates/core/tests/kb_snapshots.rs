//! Snapshot per knowledge-base entry: each entry's `examples.match` texts are analysed as
//! pastes and the top finding (id, side, confidence) is recorded in `tests/kb/examples.snap`, so
//! a change in ranking shows up in review. An example whose own entry is not the top finding is
//! a defect (the entry would lose its failures in a real paste), not a line to record.
//!
//! `BLESS=1 cargo test -p mailtriage-core --test kb_snapshots` rewrites the snapshot.

mod common;

use common::{compare_snapshot, repo};
use mailtriage::kb::ENTRIES;
use mailtriage::{analyze, Options};
use std::fmt::Write as _;

fn side_name(f: &mailtriage::Finding) -> String {
    f.side.map_or("-".to_owned(), |s| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    })
}

#[test]
fn every_entry_example_leads_its_report() {
    let mut got = String::new();
    let mut lost = Vec::new();
    let mut count = 0;
    for e in ENTRIES.iter().filter(|e| !e.generic) {
        for (i, ex) in e.examples_match.iter().enumerate() {
            count += 1;
            let report = analyze(ex, &Options::default());
            let line = match report.findings.first() {
                Some(f) => format!(
                    "{} #{} -> {} side {} conf {:.2}",
                    e.id,
                    i + 1,
                    f.id,
                    side_name(f),
                    f.confidence
                ),
                None => format!("{} #{} -> nothing", e.id, i + 1),
            };
            if report.findings.first().is_none_or(|f| f.id != e.id) {
                lost.push(format!("{line}   ({ex:?})"));
            }
            let _ = writeln!(got, "{line}");
        }
    }
    let mut failures = Vec::new();
    compare_snapshot(
        "kb examples",
        &repo().join("tests/kb/examples.snap"),
        &got,
        &mut failures,
    );
    assert!(
        lost.is_empty(),
        "{} of {count} examples are not led by their own entry:\n{}",
        lost.len(),
        lost.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
