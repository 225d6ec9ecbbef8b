//! Whole-paste snapshot tests.
//!
//! Every `tests/fixtures/**/*.txt` (written for this project) is analysed; its report, reduced to
//! a stable outline (segments with line ranges, findings with ids, params and evidence lines,
//! bounce records, notes, secrets by line and kind), must equal the `.snap` file beside it. The seeds in
//! `../shared/seeds` are run the same way when that folder exists (their snapshots live in
//! `tests/seeds/`, holding line numbers and ids only, never seed text); without it those cases
//! are skipped.
//!
//! `BLESS=1 cargo test -p mailtriage-core --test fixtures` rewrites the snapshots; review the diff.

mod common;

use common::{collect, compare_snapshot, outline, repo};
use mailtriage::{analyze, Options};
use std::path::{Path, PathBuf};

fn check_case(input_path: &Path, snap_path: &Path, failures: &mut Vec<String>) {
    let bytes = std::fs::read(input_path).unwrap();
    let input = String::from_utf8_lossy(&bytes).into_owned();
    let report = analyze(&input, &Options::default());
    for e in report.findings.iter().flat_map(|f| &f.evidence) {
        assert!(
            e.start <= e.end && e.end <= input.len(),
            "{}: evidence span out of range",
            input_path.display()
        );
    }
    let got = outline(&report, &input);
    compare_snapshot(&input_path.display().to_string(), snap_path, &got, failures);
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    collect(dir, out, &|p| {
        p.extension()
            .is_some_and(|x| x == "txt" || x == "eml" || x == "log" || x == "cf")
    });
}

#[test]
fn project_fixtures_match_their_snapshots() {
    let mut cases = Vec::new();
    walk(&repo().join("tests/fixtures"), &mut cases);
    cases.sort();
    let mut failures = Vec::new();
    for c in &cases {
        check_case(c, &c.with_extension("snap"), &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Reads ../shared/seeds (present beside the clone in CI); skipped when absent.
#[test]
fn seeds_match_their_snapshots() {
    let seeds = repo().join("../shared/seeds");
    let Ok(rd) = std::fs::read_dir(&seeds) else {
        eprintln!("skipped: {} not present", seeds.display());
        return;
    };
    let mut cases: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for c in &cases {
        let name = c.file_stem().unwrap().to_string_lossy().into_owned();
        check_case(
            c,
            &repo().join("tests/seeds").join(format!("{name}.snap")),
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} seeds differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
