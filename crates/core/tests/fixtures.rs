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

use mailtriage::{analyze, text::line_number, Options, Report};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The stable outline of a report that snapshots compare.
pub fn outline(report: &Report, input: &str) -> String {
    let ln = |o: usize| line_number(input, o);
    let mut s = String::new();
    for g in &report.segments {
        let _ = writeln!(
            s,
            "segment {} lines {}-{}{}",
            g.kind.as_str(),
            ln(g.start),
            ln(g.end.saturating_sub(1).max(g.start)),
            g.version
                .as_deref()
                .map(|v| format!(" version {v}"))
                .unwrap_or_default()
        );
    }
    for f in &report.findings {
        let _ = writeln!(
            s,
            "finding {} {} conf {:.2} params [{}]",
            f.severity.as_str(),
            f.id,
            f.confidence,
            f.params.join(", ")
        );
        for e in &f.evidence {
            let _ = writeln!(s, "  evidence line {} {}", ln(e.start), e.label);
        }
    }
    for b in &report.bounces {
        let _ = writeln!(
            s,
            "bounce {} action={} reason={} hard={} status={} reply={} side={}",
            b.recipient, b.action, b.reason, b.hard, b.status, b.reply_code, b.side
        );
    }
    for n in &report.notes {
        let _ = writeln!(s, "note line {} [{}] {}", ln(n.start), n.source, n.message);
    }
    // Where secrets are and what they are; never their values.
    for x in &report.secrets {
        let _ = writeln!(
            s,
            "secret lines {}-{} {}{} ({})",
            ln(x.span.start),
            ln(x.span.end.saturating_sub(1).max(x.span.start)),
            x.kind.as_str(),
            x.setting
                .as_deref()
                .map(|n| format!(" in {n}"))
                .unwrap_or_default(),
            x.label
        );
    }
    s
}

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
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(snap_path.parent().unwrap()).unwrap();
        std::fs::write(snap_path, &got).unwrap();
        return;
    }
    match std::fs::read_to_string(snap_path) {
        Ok(want) if want == got => {}
        Ok(want) => failures.push(format!(
            "{}: snapshot differs\n--- want\n{want}--- got\n{got}",
            input_path.display()
        )),
        Err(_) => failures.push(format!(
            "{}: no snapshot {} (run with BLESS=1)\n{got}",
            input_path.display(),
            snap_path.display()
        )),
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "txt" || x == "eml" || x == "log" || x == "cf")
        {
            out.push(p);
        }
    }
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
