//! Plain-text and Markdown renderings of a report (CLI output, "Copy as Markdown" on the page).
//! Pure functions of the report and the analysed text.

use crate::relay::{RelayStep, RelayTrace};
use crate::report::{Finding, Report};
use crate::text::{clip, LineIndex, Span};
use std::fmt::Write as _;

/// The most characters of an evidence excerpt in the text and Markdown renderings.
const EXCERPT_CHARS: usize = 160;

pub use crate::secrets::{mask, redact, Redactor, MASK};

/// The report as Markdown, ready to paste into a support ticket reply.
pub fn markdown(report: &Report, input: &str) -> String {
    let red = Redactor::for_report(report, input);
    let idx = LineIndex::new(input);
    let mut s = String::new();
    s.push_str("## mailtriage report\n\n");
    if !report.segments.is_empty() {
        s.push_str("**Detected:** ");
        let kinds: Vec<String> = report
            .segments
            .iter()
            .filter(|g| g.kind != crate::SegmentKind::Prose)
            .map(|g| {
                let (a, b) = lines_of(&idx, g.span());
                match &g.version {
                    Some(v) => format!("{} {v} (lines {a}–{b})", g.kind.label()),
                    None => format!("{} (lines {a}–{b})", g.kind.label()),
                }
            })
            .collect();
        s.push_str(&if kinds.is_empty() {
            "prose only".to_owned()
        } else {
            kinds.join(", ")
        });
        s.push_str("\n\n");
    }
    if report.findings.is_empty() {
        s.push_str("No findings.\n");
    }
    for (i, f) in report.findings.iter().enumerate() {
        let _ = writeln!(
            s,
            "### {}. {} ({}{})\n",
            i + 1,
            f.title,
            f.severity.as_str(),
            if f.root_cause { ", root cause" } else { "" }
        );
        if !f.summary.is_empty() {
            let _ = writeln!(s, "{}\n", f.summary);
        }
        evidence_lines(&mut s, f, &idx, "> ", &red);
        if let Some(fix) = &f.fix {
            let _ = writeln!(s, "**Fix:** {}\n", fix.text);
            if let Some(snippet) = &fix.snippet {
                let _ = writeln!(s, "```\n{}\n```\n", snippet.trim_end());
            }
        }
        if !f.dead_ends.is_empty() {
            s.push_str("**What will not help:**\n");
            for d in &f.dead_ends {
                let _ = writeln!(s, "- {} — {}", d.attempt, d.why);
            }
            s.push('\n');
        }
        if !f.references.is_empty() {
            let refs: Vec<String> = f
                .references
                .iter()
                .map(|r| match &r.url {
                    Some(u) => format!("[{}]({u})", r.title),
                    None => r.title.clone(),
                })
                .collect();
            let _ = writeln!(s, "References: {}\n", refs.join(", "));
        }
    }
    if let Some(t) = &report.relay_trace {
        relay_markdown(&mut s, t, &idx);
    }
    for x in &report.smtp_sessions {
        let _ = writeln!(s, "### SMTP session\n\n{}\n", session_summary(x, &idx));
    }
    if !report.bounces.is_empty() {
        s.push_str("### Bounced recipients\n\n| recipient | reason | hard | status | reply | remote MTA |\n|---|---|---|---|---|---|\n");
        for b in &report.bounces {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                md_cell(&b.recipient),
                b.reason,
                if b.hard { "hard" } else { "soft" },
                b.status,
                b.reply_code,
                md_cell(&b.remote_mta)
            );
        }
        s.push('\n');
    }
    // Safety net: no secret value survives anywhere (a summary or fix that quoted one).
    red.text(&s)
}

/// The report as terminal text.
pub fn text(report: &Report, input: &str) -> String {
    let red = Redactor::for_report(report, input);
    let idx = LineIndex::new(input);
    let mut s = String::new();
    for g in &report.segments {
        let (a, b) = lines_of(&idx, g.span());
        let _ = writeln!(
            s,
            "segment {:<16} lines {a}-{b}{}",
            g.kind.as_str(),
            g.version
                .as_deref()
                .map(|v| format!("  version {v}"))
                .unwrap_or_default()
        );
    }
    if !report.segments.is_empty() {
        s.push('\n');
    }
    for f in &report.findings {
        let _ = writeln!(
            s,
            "[{}{}] {}  ({}, confidence {}%)",
            f.severity.as_str(),
            if f.root_cause { ", root cause" } else { "" },
            f.title,
            f.id,
            crate::text::fixed(f64::from(f.confidence * 100.0), 0)
        );
        if !f.summary.is_empty() {
            let _ = writeln!(s, "  {}", f.summary);
        }
        evidence_lines(&mut s, f, &idx, "  | ", &red);
        if let Some(fix) = &f.fix {
            let _ = writeln!(s, "  fix: {}", fix.text);
            if let Some(snippet) = &fix.snippet {
                for l in snippet.lines() {
                    let _ = writeln!(s, "      {l}");
                }
            }
        }
        for d in &f.dead_ends {
            let _ = writeln!(s, "  won't help: {} — {}", d.attempt, d.why);
        }
        s.push('\n');
    }
    if let Some(t) = &report.relay_trace {
        relay_text(&mut s, t, &idx);
    }
    for x in &report.smtp_sessions {
        let _ = writeln!(s, "smtp session: {}\n", session_summary(x, &idx));
    }
    for b in &report.bounces {
        let _ = writeln!(
            s,
            "bounce {} {} {} {} {}",
            b.recipient,
            b.reason,
            if b.hard { "hard" } else { "soft" },
            b.status,
            b.reply_code
        );
    }
    for n in &report.notes {
        let (a, _) = lines_of(&idx, Span::new(n.start, n.end));
        let _ = writeln!(s, "note ({}, line {a}): {}", n.source, n.message);
    }
    if report.findings.is_empty() {
        s.push_str("no findings\n");
    }
    red.text(&s)
}

/// One SMTP session in a sentence or two: where, what the server offered, TLS and AUTH, and the
/// first refusal.
fn session_summary(x: &crate::report::SmtpSession, idx: &LineIndex) -> String {
    let (a, b) = lines_of(idx, x.span);
    let mut parts = vec![format!("{} transcript, lines {a}–{b}", x.style)];
    parts.extend(x.described.iter().cloned());
    let mut out = parts.join("; ");
    match x
        .steps
        .iter()
        .find(|s| s.reply_code.is_some_and(|c| c >= 400))
    {
        Some(f) => {
            let _ = write!(
                out,
                ". First refusal at {}: {}",
                f.stage,
                clip(
                    &format!(
                        "{}{} {}",
                        f.reply_code.unwrap_or_default(),
                        f.status
                            .as_deref()
                            .map(|s| format!(" {s}"))
                            .unwrap_or_default(),
                        f.reply
                    ),
                    200
                )
            );
        }
        None => out.push_str(". No command refused."),
    }
    out
}

fn evidence_lines(s: &mut String, f: &Finding, idx: &LineIndex, prefix: &str, red: &Redactor) {
    for e in &f.evidence {
        let span = Span::new(e.start, e.end);
        let (a, b) = lines_of(idx, span);
        let place = if b > a {
            format!("lines {a}–{b}")
        } else {
            format!("line {a}")
        };
        let _ = writeln!(
            s,
            "{prefix}{place} ({}): `{}`",
            e.label,
            red.excerpt_line(span, EXCERPT_CHARS)
        );
    }
    if !f.evidence.is_empty() && prefix.starts_with('>') {
        s.push('\n');
    }
}

fn lines_of(idx: &LineIndex, span: Span) -> (usize, usize) {
    let a = idx.line(span.start);
    let b = idx.line(span.end.saturating_sub(1).max(span.start));
    (a, b)
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// What the trace knew about the session, in one line.
fn relay_session(t: &RelayTrace) -> String {
    let q = &t.query;
    let mut parts = vec![format!("recipient {}", q.recipient)];
    if let Some(ip) = &q.client_ip {
        parts.push(format!("client {ip}"));
    }
    if let Some(p) = q.port {
        parts.push(format!("port {p}"));
    }
    parts.push(format!("service {}", t.service));
    parts.push(
        match q.tls {
            Some(true) => "TLS",
            Some(false) => "no TLS",
            None => "TLS not known",
        }
        .into(),
    );
    parts.push(
        if q.authenticated {
            "logged in"
        } else {
            "not logged in"
        }
        .into(),
    );
    parts.join(", ")
}

fn step_mark(st: &RelayStep) -> &'static str {
    match (st.deciding, st.matched, st.assumed) {
        (true, _, _) => "DECIDES",
        (false, true, _) => "matches",
        (false, false, true) => "no (assumed)",
        (false, false, false) => "no",
    }
}

/// A relay trace as terminal text (also used alone by `analyze --relay-to`).
pub fn relay_trace_text(t: &RelayTrace, input: &str) -> String {
    let mut s = String::new();
    relay_text(&mut s, t, &LineIndex::new(input));
    s
}

/// A relay trace as Markdown.
pub fn relay_trace_markdown(t: &RelayTrace, input: &str) -> String {
    let mut s = String::new();
    relay_markdown(&mut s, t, &LineIndex::new(input));
    s
}

fn relay_text(s: &mut String, t: &RelayTrace, idx: &LineIndex) {
    let _ = writeln!(s, "relay trace: {}", relay_session(t));
    for st in &t.steps {
        let at = st
            .span()
            .map(|sp| format!(" [line {}]", idx.line(sp.start)))
            .unwrap_or_else(|| " [default]".into());
        let _ = writeln!(
            s,
            "  {:<30} {:<40} {:<12} {}{at}",
            st.list,
            clip(&st.restriction, 40),
            step_mark(st),
            st.reason
        );
    }
    let _ = writeln!(
        s,
        "  decision: {}{}",
        t.decision.as_str(),
        t.reply
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default()
    );
    for w in &t.what_if {
        let _ = writeln!(
            s,
            "  what if {}: {}{} — {}",
            w.label,
            w.decision.as_str(),
            match (w.changes, w.decision) {
                (_, crate::relay::Decision::Unknown) => "",
                (true, _) => " (changes)",
                (false, _) => " (same)",
            },
            w.reason
        );
    }
    for n in &t.notes {
        let _ = writeln!(s, "  note: {n}");
    }
    s.push('\n');
}

fn relay_markdown(s: &mut String, t: &RelayTrace, idx: &LineIndex) {
    let _ = writeln!(s, "### Relay trace\n\n{}\n", relay_session(t));
    s.push_str("| list | restriction | result | why | line |\n|---|---|---|---|---|\n");
    for st in &t.steps {
        let line = st
            .span()
            .map(|sp| idx.line(sp.start).to_string())
            .unwrap_or_else(|| "default".into());
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} | {line} |",
            st.list,
            md_cell(&st.restriction),
            if st.deciding {
                "**decides**"
            } else {
                step_mark(st)
            },
            md_cell(&st.reason)
        );
    }
    let _ = writeln!(
        s,
        "\n**Decision:** {}{}\n",
        t.decision.as_str(),
        t.reply
            .as_deref()
            .map(|r| format!(" — `{}`", md_cell(r)))
            .unwrap_or_default()
    );
    for w in &t.what_if {
        let _ = writeln!(
            s,
            "- What if {}: {}{} — {}",
            w.label,
            w.decision.as_str(),
            if w.changes {
                " (changes the outcome)"
            } else {
                ""
            },
            md_cell(&w.reason)
        );
    }
    for n in &t.notes {
        let _ = writeln!(s, "- Note: {}", md_cell(n));
    }
    s.push('\n');
}
