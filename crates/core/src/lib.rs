//! mailtriage core: paste → segments → facts → checks + knowledge base → [`Report`].
//!
//! No I/O, no DOM, no panics on any input. Compiles to native and `wasm32-unknown-unknown`.
//! See ARCHITECTURE.md for the codemap and invariants.

pub mod bounce;
pub mod checks;
pub mod client_error;
pub mod dovecot;
pub mod facts;
pub mod kb;
pub mod log;
pub mod postfix;
pub mod relay;
pub mod render;
pub mod report;
pub mod secrets;
pub mod segment;
pub mod smtp;
pub mod tables;
pub mod text;

pub use facts::{Facts, Failure, Options};
pub use report::{Finding, Report, Segment, SegmentKind, Severity};
pub use text::Span;

/// Analyses one paste (which may hold several kinds of text) and reports what it found.
pub fn analyze(input: &str, opts: &Options) -> Report {
    analyze_with_facts(input, opts).0
}

/// [`analyze`], handing back as well the facts the report was read from (less the bounce records
/// and secrets, which moved into the report): for a caller that shows more of a segment than the
/// report says, such as the page's hover texts (the release and `compatibility_level` each
/// Postfix configuration was read with), without parsing it again.
pub fn analyze_with_facts(input: &str, opts: &Options) -> (Report, Facts) {
    let (segments, mut notes) = segment::segment(input);
    let (mut facts, parse_notes) = facts::gather(input, &segments, opts);
    notes.extend(parse_notes);
    // One finding per distinct problem: a check repeating itself per pasted config is grouped.
    // A check listing thousands of names is capped, with a count of the rest.
    let from_checks = report::cap_per_check(report::group_repeats(checks::run_all(&facts)));
    // Knowledge-base findings first: a failure whose cause a check confirmed carries that check's
    // evidence too, and at equal severity and confidence the stable sort keeps it on top.
    let mut joins = relay::Joins::default();
    let mut findings = kb::diagnose_in(&facts, &from_checks, &mut joins);
    findings.extend(from_checks);
    let relay_trace = relay::paste_trace_in(&facts, &mut joins);
    // The facts are read: their bounce records and secrets move into the report.
    let mut report = Report {
        input_len: input.len(),
        segments,
        findings,
        bounces: std::mem::take(&mut facts.bounces)
            .into_iter()
            .flat_map(|b| b.records)
            .collect(),
        notes,
        relay_trace,
        secrets: std::mem::take(&mut facts.secrets),
        smtp_sessions: facts
            .transcripts
            .iter()
            .take(report::MAX_SESSIONS)
            .map(report::SmtpSession::of)
            .collect(),
    };
    report.sort_findings();
    secrets::scrub(&mut report, input);
    (report, facts)
}
