//! Snapshot per check: every registered check's `fail` examples are analysed as whole pastes and
//! the check's own findings (severity, id, params, evidence lines and labels, summary, fix) are
//! written to `tests/checks/<group>/<name>.snap`, so a change in what a check says shows up in
//! review. Every finding of a check must name the config it concerns (`params`), point into the
//! paste (evidence) and say what to do (fix). That pass examples stay silent is tested beside the
//! registry (`checks::tests`).
//!
//! `BLESS=1 cargo test -p mailtriage-core --test check_snapshots` rewrites the snapshots.

mod common;

use common::{compare_snapshot, finding_detail, repo, stale_snapshots};
use mailtriage::checks::CHECKS;
use mailtriage::{analyze, Options};
use std::fmt::Write as _;

#[test]
fn every_check_matches_its_snapshot() {
    let dir = repo().join("tests/checks");
    let mut failures = Vec::new();
    let mut defects = Vec::new();
    let mut written = Vec::new();
    for c in CHECKS {
        let mut got = String::new();
        for (i, ex) in c.fail.iter().enumerate() {
            let report = analyze(ex, &Options::default());
            let _ = writeln!(got, "# fail example {}", i + 1);
            let own: Vec<_> = report.findings.iter().filter(|f| f.id == c.id).collect();
            if own.is_empty() {
                defects.push(format!("{}: fail example {} yields nothing", c.id, i + 1));
            }
            for f in own {
                if f.params.is_empty() {
                    defects.push(format!(
                        "{}: example {}: finding without params",
                        c.id,
                        i + 1
                    ));
                }
                if f.evidence.is_empty() {
                    defects.push(format!(
                        "{}: example {}: finding without evidence",
                        c.id,
                        i + 1
                    ));
                }
                if f.evidence
                    .iter()
                    .any(|e| e.start > e.end || e.end > ex.len() || !ex.is_char_boundary(e.start))
                {
                    defects.push(format!(
                        "{}: example {}: evidence outside the paste",
                        c.id,
                        i + 1
                    ));
                }
                if f.fix.as_ref().is_none_or(|x| x.text.trim().is_empty()) {
                    defects.push(format!(
                        "{}: example {}: finding without a fix",
                        c.id,
                        i + 1
                    ));
                }
                if f.summary.trim().is_empty() {
                    defects.push(format!(
                        "{}: example {}: finding without a summary",
                        c.id,
                        i + 1
                    ));
                }
                finding_detail(&mut got, f, ex);
            }
        }
        let path = dir.join(format!("{}.snap", c.id));
        compare_snapshot(c.id, &path, &got, &mut failures);
        written.push(path);
    }
    stale_snapshots(&dir, "snap", &written, &mut failures);
    assert!(
        defects.is_empty(),
        "{} defects:\n{}",
        defects.len(),
        defects.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} of {} checks differ:\n{}",
        failures.len(),
        CHECKS.len(),
        failures.join("\n")
    );
}
