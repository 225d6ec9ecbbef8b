//! Snapshot helpers shared by the snapshot tests (`fixtures.rs`, `check_snapshots.rs`,
//! `kb_snapshots.rs`): the stable outline of a report and the compare-or-bless step.
//!
//! `BLESS=1` rewrites a snapshot instead of comparing it; review the diff.

#![allow(dead_code)]

use mailtriage::{text::line_number, Finding, Report};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One finding's outline line and its evidence lines (line numbers and labels, never text).
pub fn finding_outline(s: &mut String, f: &Finding, input: &str) {
    let ln = |o: usize| line_number(input, o);
    let _ = writeln!(
        s,
        "finding {}{} {} conf {:.2} params [{}]",
        f.severity.as_str(),
        if f.root_cause { " root_cause" } else { "" },
        f.id,
        f.confidence,
        f.params.join(", ")
    );
    for e in &f.evidence {
        let _ = writeln!(s, "  evidence line {} {}", ln(e.start), e.label);
    }
}

/// Like [`finding_outline`], with the words a reader sees: summary and fix.
pub fn finding_detail(s: &mut String, f: &Finding, input: &str) {
    finding_outline(s, f, input);
    let _ = writeln!(s, "  summary: {}", f.summary);
    if let Some(fix) = &f.fix {
        let _ = writeln!(s, "  fix: {}", fix.text);
        if let Some(snippet) = &fix.snippet {
            for l in snippet.lines() {
                let _ = writeln!(s, "    | {l}");
            }
        }
    }
}

/// The stable outline of a report that whole-paste snapshots compare.
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
        finding_outline(&mut s, f, input);
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
    if let Some(t) = &report.relay_trace {
        let deciding = t.deciding_step().map_or("-".to_owned(), |d| {
            let at = d
                .span()
                .map_or("default".to_owned(), |sp| format!("line {}", ln(sp.start)));
            format!("{} {} ({at})", d.list, d.restriction)
        });
        let _ = writeln!(
            s,
            "relay_trace service={} decision={} deciding={deciding}",
            t.service,
            t.decision.as_str()
        );
        for w in &t.what_if {
            let _ = writeln!(s, "  what_if {} -> {}", w.label, w.decision.as_str());
        }
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

/// Whether this run rewrites snapshots.
pub fn blessing() -> bool {
    std::env::var_os("BLESS").is_some()
}

/// Compares `got` with the snapshot at `snap_path` (or writes it when blessing); a difference
/// or a missing snapshot is pushed to `failures`, named by `case`.
pub fn compare_snapshot(case: &str, snap_path: &Path, got: &str, failures: &mut Vec<String>) {
    if blessing() {
        std::fs::create_dir_all(snap_path.parent().unwrap()).unwrap();
        std::fs::write(snap_path, got).unwrap();
        return;
    }
    match std::fs::read_to_string(snap_path) {
        Ok(want) if want == got => {}
        Ok(want) => failures.push(format!(
            "{case}: snapshot differs\n--- want\n{want}--- got\n{got}"
        )),
        Err(_) => failures.push(format!(
            "{case}: no snapshot {} (run with BLESS=1)\n{got}",
            snap_path.display()
        )),
    }
}

/// Snapshots under `dir` (recursively, by extension `ext`) that no case wrote: stale files a
/// rename or removal left behind. Blessing deletes them.
pub fn stale_snapshots(dir: &Path, ext: &str, written: &[PathBuf], failures: &mut Vec<String>) {
    let mut found = Vec::new();
    collect(dir, &mut found, &|p| {
        p.extension().is_some_and(|x| x == ext)
    });
    for p in found {
        if written.iter().any(|w| w == &p) {
            continue;
        }
        if blessing() {
            let _ = std::fs::remove_file(&p);
        } else {
            failures.push(format!(
                "{}: stale snapshot (run with BLESS=1)",
                p.display()
            ));
        }
    }
}

/// Files under `dir` (recursively) that `keep` accepts.
pub fn collect(dir: &Path, out: &mut Vec<PathBuf>, keep: &dyn Fn(&Path) -> bool) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out, keep);
        } else if keep(&p) {
            out.push(p);
        }
    }
}
