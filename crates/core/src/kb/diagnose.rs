//! From failures to findings: each failure in the paste gets the knowledge-base entry that
//! explains it best; identical explanations are grouped; a root cause that a config check
//! confirmed turns "likely" into "found in your config".

use super::{ranked, Entry, Probe};
use crate::facts::{Facts, Failure};
use crate::report::{Finding, Fix, SegmentKind, Severity, Side};
use crate::tables::{enhanced_status_title, reply_code_meaning};
use std::collections::HashMap;

/// The entry used when no other entry explains a failure that has a reply code or status.
pub const GENERIC_ID: &str = "smtp/reply-explained";

/// Evidence spans kept per finding; a log with thousands of identical rejections says no more
/// with all of them.
const MAX_EVIDENCE: usize = 12;

/// One finding per distinct explanation of the failures in `facts`. `from_checks` are the config
/// checks' findings: when one of them has the id an entry's root cause names, that cause is
/// confirmed and the finding carries evidence from both the failure and the config.
pub fn diagnose(facts: &Facts, from_checks: &[Finding]) -> Vec<Finding> {
    let mut groups: Vec<Group> = Vec::new();
    // Many log lines differ only in addresses and queue ids; match each distinct text once.
    let mut memo: HashMap<String, Option<(&'static Entry, f32)>> = HashMap::new();
    for failure in &facts.failures {
        let probe = probe_of(failure);
        let memo_key = format!(
            "{:?}|{:?}|{:?}|{}",
            probe.source,
            probe.reply_code,
            probe.status,
            without_addresses(&probe.lower)
        );
        let best = *memo
            .entry(memo_key)
            .or_insert_with(|| ranked(&probe).into_iter().next());
        let key = match best {
            Some((e, _)) => e.id.to_owned(),
            None if failure.reply_code.is_none() && failure.status.is_none() => continue,
            None => format!("{GENERIC_ID}|{:?}|{:?}", failure.reply_code, failure.status),
        };
        let score = best.map(|(_, s)| s).unwrap_or(0.5);
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                g.failures.push(failure);
                g.score = g.score.max(score);
            }
            None => groups.push(Group {
                key,
                entry: best.map(|(e, _)| e),
                failures: vec![failure],
                score,
            }),
        }
    }
    groups
        .iter()
        .map(|g| match g.entry {
            Some(e) => explained(e, g, facts, from_checks),
            None => generic(g),
        })
        .collect()
}

struct Group<'a> {
    key: String,
    entry: Option<&'static Entry>,
    failures: Vec<&'a Failure>,
    score: f32,
}

fn probe_of(f: &Failure) -> Probe {
    let mut lower = String::new();
    if let Some(c) = f.reply_code {
        lower.push_str(&c.to_string());
        lower.push(' ');
    }
    if let Some(s) = &f.status {
        lower.push_str(s);
        lower.push(' ');
    }
    lower.push_str(&f.text.to_lowercase());
    Probe {
        lower,
        reply_code: f.reply_code,
        status: f.status.clone(),
        source: f.source.map(hint_source),
    }
}

/// The hint key for a kind of input.
fn hint_source(kind: SegmentKind) -> &'static str {
    match kind {
        SegmentKind::Bounce => "bounce",
        SegmentKind::ClientError | SegmentKind::SmtpTranscript => "client",
        _ => "log",
    }
}

/// The text with `<…>` address parts removed, so rejections of different recipients share one
/// match.
fn without_addresses(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn source_label(f: &Failure) -> &'static str {
    match f.source {
        Some(SegmentKind::Bounce) => "bounce",
        Some(SegmentKind::ClientError) => "mail client error",
        Some(SegmentKind::SmtpTranscript) => "SMTP reply",
        Some(SegmentKind::MailLog) => "log line",
        _ => "failure",
    }
}

fn count_phrase(failures: &[&Failure]) -> String {
    let label = failures
        .first()
        .map(|f| source_label(f))
        .unwrap_or("failure");
    match failures.len() {
        1 => format!("One {label}"),
        n => format!("{n} {label}s"),
    }
}

fn reply_label(f: &Failure) -> String {
    match (f.reply_code, &f.status) {
        (Some(c), Some(s)) => format!(" ({c} {s})"),
        (Some(c), None) => format!(" ({c})"),
        (None, Some(s)) => format!(" ({s})"),
        (None, None) => String::new(),
    }
}

/// What the failure tells about the session, in a short clause, when it tells anything.
fn session_context(f: &Failure) -> String {
    let mut parts = Vec::new();
    match (&f.client_host, &f.client_ip) {
        (Some(h), Some(ip)) if h != ip => parts.push(format!("client {h}[{ip}]")),
        (_, Some(ip)) => parts.push(format!("client {ip}")),
        (Some(h), None) => parts.push(format!("client {h}")),
        _ => {}
    }
    if let Some(p) = f.port {
        parts.push(format!("port {p}"));
    }
    if let Some(s) = &f.service {
        parts.push(format!("service {s}"));
    }
    match f.tls {
        Some(true) => parts.push("TLS".into()),
        Some(false) => parts.push("no TLS".into()),
        None => {}
    }
    if let Some(u) = &f.sasl_username {
        parts.push(format!("authenticated as {u}"));
    }
    if let Some(st) = &f.stage {
        parts.push(format!("at {st}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" Seen: {}.", parts.join(", "))
    }
}

fn recipients(failures: &[&Failure]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for r in failures.iter().filter_map(|f| f.recipient.as_deref()) {
        if !seen.contains(&r) {
            seen.push(r);
        }
    }
    match seen.len() {
        0 => String::new(),
        n if n <= 3 => format!(" Recipients: {}.", seen.join(", ")),
        n => format!(" Recipients: {} and {} more.", seen[..3].join(", "), n - 3),
    }
}

fn is_temporary(failures: &[&Failure]) -> bool {
    let class = |f: &&Failure| {
        f.reply_code
            .map(|c| c / 100)
            .or_else(|| f.status.as_deref().and_then(|s| s.get(..1)?.parse().ok()))
    };
    !failures.is_empty() && failures.iter().all(|f| class(f) == Some(4))
}

fn add_failure_evidence(mut finding: Finding, failures: &[&Failure]) -> Finding {
    for f in failures.iter().take(MAX_EVIDENCE) {
        finding = finding.evidence(f.span, format!("the {}", source_label(f)));
        if let Some(r) = f.reply_span.filter(|r| *r != f.span) {
            finding = finding.evidence(r, "the server's reply");
        }
    }
    finding
}

fn percent(x: f32) -> u32 {
    (x * 100.0).round() as u32
}

fn missing_inputs(entry: &Entry, facts: &Facts) -> bool {
    entry.needs.iter().any(|n| match *n {
        "postfix" => facts.postfix.is_empty(),
        "master" => facts.master.is_empty(),
        "dovecot" => facts.dovecot.is_empty(),
        "log" => facts.log.is_empty(),
        "bounce" => facts.bounces.is_empty(),
        _ => false,
    })
}

fn explained(entry: &'static Entry, g: &Group, facts: &Facts, from_checks: &[Finding]) -> Finding {
    let first = g.failures.first().copied();
    let hint = first
        .and_then(|f| f.source)
        .and_then(|k| entry.hint(hint_source(k)));
    let side = hint.and_then(|h| h.side).unwrap_or(entry.side);
    let mut severity = entry.severity;
    if severity == Severity::Error && is_temporary(&g.failures) {
        severity = Severity::Warning;
    }

    // Causes a config check confirmed, each with the check's finding.
    let confirmed: Vec<(&super::Cause, &Finding)> = entry
        .causes
        .iter()
        .filter(|c| !c.check.is_empty())
        .filter_map(|c| from_checks.iter().find(|f| f.id == c.check).map(|f| (c, f)))
        .collect();

    let mut summary = format!(
        "{} {}: {}{}.",
        count_phrase(&g.failures),
        if g.failures.len() == 1 {
            "reports"
        } else {
            "report"
        },
        entry.title,
        first.map(reply_label).unwrap_or_default()
    );
    if let Some(f) = first {
        summary.push_str(&session_context(f));
    }
    summary.push_str(&recipients(&g.failures));
    if g.failures.len() > MAX_EVIDENCE {
        summary.push_str(&format!(
            " Evidence shows the first {MAX_EVIDENCE} of {}.",
            g.failures.len()
        ));
    }
    if confirmed.is_empty() {
        let mut causes: Vec<&super::Cause> = entry.causes.iter().collect();
        causes.sort_by(|a, b| b.likelihood.total_cmp(&a.likelihood));
        let ranked: Vec<String> = causes
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, c)| format!("{}. {} ({}%)", i + 1, c.text, percent(c.likelihood)))
            .collect();
        summary.push_str(&format!(" Likely causes: {}", ranked.join(" ")));
        if !entry.paste_next.is_empty() && (entry.needs.is_empty() || missing_inputs(entry, facts))
        {
            summary.push_str(&format!(" To decide: {}", entry.paste_next));
        }
    } else {
        for (cause, f) in &confirmed {
            summary.push_str(&format!(
                " Confirmed in your config by {}: {} — {}",
                f.id, f.title, cause.text
            ));
        }
    }

    let mut finding = Finding::new(entry.id, severity, entry.title)
        .summary(summary)
        .side(side)
        .confidence(if confirmed.is_empty() { g.score } else { 1.0 });
    finding.why = match hint {
        Some(h) => format!("{}\n\n{}", entry.summary, h.text),
        None => entry.summary.to_owned(),
    };
    for (_, f) in &confirmed {
        severity_at_least(&mut finding, f.severity);
        for e in &f.evidence {
            finding.evidence.push(e.clone());
        }
    }
    finding = add_failure_evidence(finding, &g.failures);
    for p in entry.params {
        finding = finding.param(*p);
    }
    for (_, f) in &confirmed {
        for p in &f.params {
            finding = finding.param(p.clone());
        }
    }
    finding.fix = confirmed
        .iter()
        .find_map(|(_, f)| f.fix.clone())
        .or_else(|| {
            entry.best_fix().map(|x| Fix {
                text: format!(
                    "{} (resolves it in about {}% of cases)",
                    x.text,
                    percent(x.success)
                ),
                snippet: (!x.snippet.is_empty()).then(|| x.snippet.to_owned()),
            })
        });
    for d in entry.dead_ends {
        finding = finding.dead_end(d.attempt, d.why);
    }
    for r in entry.references {
        finding = finding.reference(r.title, (!r.url.is_empty()).then_some(r.url));
    }
    finding
}

fn severity_at_least(f: &mut Finding, s: Severity) {
    // `Severity` orders critical first.
    if s < f.severity {
        f.severity = s;
    }
}

/// No entry fits: say what the reply code and enhanced status mean, from the registries.
fn generic(g: &Group) -> Finding {
    let first = g.failures.first().copied();
    let code = first.and_then(|f| f.reply_code);
    let status = first.and_then(|f| f.status.clone());
    let status_title = status.as_deref().and_then(enhanced_status_title);
    let code_meaning = code.and_then(reply_code_meaning);
    let label = [code.map(|c| c.to_string()), status.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let title = match status_title.or(code_meaning) {
        Some(m) => format!("SMTP reply {label}: {m}"),
        None => format!("SMTP reply {label}"),
    };
    let class = code
        .map(|c| c / 100)
        .or_else(|| status.as_deref().and_then(|s| s.get(..1)?.parse().ok()));
    let (severity, lasting) = match class {
        Some(5) => (
            Severity::Error,
            "A 5xx reply is permanent: sending the same message again fails the same way until the cause is fixed.",
        ),
        Some(4) => (
            Severity::Warning,
            "A 4xx reply is temporary: the sending server keeps the message queued and retries until its queue lifetime ends.",
        ),
        _ => (Severity::Info, "The reply does not report a failure."),
    };
    let mut summary = format!(
        "{} {}{}.",
        count_phrase(&g.failures),
        if g.failures.len() == 1 {
            "carries"
        } else {
            "carry"
        },
        reply_label_of(code, status.as_deref())
    );
    if let (Some(c), Some(m)) = (code, code_meaning) {
        summary.push_str(&format!(" {c} means: {m}."));
    }
    if let (Some(s), Some(t)) = (status.as_deref(), status_title) {
        summary.push_str(&format!(" {s} means: {t}."));
    }
    summary.push(' ');
    summary.push_str(lasting);
    if let Some(f) = first {
        if !f.text.trim().is_empty() {
            summary.push_str(&format!(" The server's own words: \"{}\".", f.text.trim()));
        }
    }
    let entry = super::find(GENERIC_ID);
    let mut finding = Finding::new(GENERIC_ID, severity, title)
        .summary(summary)
        .side(entry.map(|e| e.side).unwrap_or(Side::Unknown))
        .confidence(g.score.min(0.5));
    if let Some(e) = entry {
        finding.why = e.summary.to_owned();
        if let Some(x) = e.best_fix() {
            finding = finding.fix(
                x.text,
                (!x.snippet.is_empty()).then(|| x.snippet.to_owned()),
            );
        }
        for r in e.references {
            finding = finding.reference(r.title, (!r.url.is_empty()).then_some(r.url));
        }
    }
    add_failure_evidence(finding, &g.failures)
}

fn reply_label_of(code: Option<u16>, status: Option<&str>) -> String {
    match (code, status) {
        (Some(c), Some(s)) => format!(" the reply {c} {s}"),
        (Some(c), None) => format!(" the reply {c}"),
        (None, Some(s)) => format!(" the status {s}"),
        (None, None) => String::new(),
    }
}
