//! From failures to findings: each failure in the paste gets the knowledge-base entry that
//! explains it best; identical explanations are grouped; a root cause that a config check
//! confirmed turns "likely" into "found in your config".

use super::{ranked, Entry, Probe};
use crate::facts::{Facts, Failure};
use crate::relay::Joins;
use crate::report::{Finding, Fix, SegmentKind, Severity, Side};
use crate::tables::{enhanced_status_title, reply_code_meaning};
use crate::text::Span;

mod relay_cause;
use relay_cause::{relay_diagnosis, Verdict};
use std::collections::HashMap;

/// The leads that open each part of a diagnosis summary, in the order the parts come: renderers
/// that show the parts apart (the page) cut the summary at these, so they are written only here.
pub const SUMMARY_LEADS: [&str; 6] = [
    ROOT_CAUSE, WHO_ACTS, CONFIRMED, LIKELY, RULED_OUT, TO_DECIDE,
];
const ROOT_CAUSE: &str = "Root cause in your config:";
const WHO_ACTS: &str = "Who must act:";
const CONFIRMED: &str = "Confirmed in your config";
const LIKELY: &str = "Likely causes:";
const RULED_OUT: &str = "Ruled out:";
const TO_DECIDE: &str = "To decide:";

/// The entry used when no other entry explains a failure that has a reply code or status.
pub const GENERIC_ID: &str = "smtp/reply-explained";

/// Evidence spans kept per finding; a log with thousands of identical rejections says no more
/// with all of them.
const MAX_EVIDENCE: usize = 12;

/// One finding per distinct explanation of the failures in `facts`. `from_checks` are the config
/// checks' findings: when one of them has the id an entry's root cause names, that cause is
/// confirmed and the finding carries evidence from both the failure and the config.
pub fn diagnose(facts: &Facts, from_checks: &[Finding]) -> Vec<Finding> {
    diagnose_in(facts, from_checks, &mut Joins::default())
}

/// [`diagnose`], keeping the relay joins it makes in `joins` (the report's trace reuses them).
pub fn diagnose_in(facts: &Facts, from_checks: &[Finding], joins: &mut Joins) -> Vec<Finding> {
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
            Some(e) => explained(e, g, facts, from_checks, joins),
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
        Some(SegmentKind::Prose) => "quoted error",
        _ => "failure",
    }
}

fn count_phrase(failures: &[&Failure]) -> String {
    // Counts per kind of source, in order of first appearance: "2 log lines and 1 mail client error".
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for f in failures {
        let l = source_label(f);
        match counts.iter_mut().find(|(k, _)| *k == l) {
            Some((_, n)) => *n += 1,
            None => counts.push((l, 1)),
        }
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(l, n)| match n {
            1 => format!("1 {l}"),
            n => format!("{n} {l}s"),
        })
        .collect();
    match parts.len() {
        0 => "One failure".into(),
        1 if failures.len() == 1 => format!("One {}", counts[0].0),
        _ => parts.join(" and "),
    }
}

/// ` (554 5.7.1)`: the failure's code and status for a summary (left out by the caller when the
/// entry's title already names them).
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
        parts.push(if f.logged_in() {
            format!("authenticated as {u}")
        } else {
            format!("login tried as {u}")
        });
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

/// Where a KB root cause stands for this paste.
#[derive(Clone, Debug, PartialEq)]
enum CauseState {
    /// A check's finding (its id) or the relay trace (reason) confirms it.
    Confirmed(String),
    /// The check ran on the pasted config and stayed silent, or the trace shows otherwise.
    RuledOut(String),
    /// The input the check needs is missing: what to paste.
    Missing(&'static str),
    /// Nothing in this build decides it.
    Undecided,
}

/// Which inputs a check reads, from its id; what to paste for each.
fn check_needs(check: &str) -> &'static [(&'static str, &'static str)] {
    const POSTFIX: (&str, &str) = ("postfix", "`postconf -n`");
    const MASTER: (&str, &str) = ("master", "`postconf -M` (master.cf)");
    const DOVECOT: (&str, &str) = ("dovecot", "`doveconf -n`");
    match check {
        "postfix/submission_not_enabled" => &[POSTFIX, MASTER],
        "dovecot/sasl_path_mismatch" | "dovecot/lmtp_listener_missing" => &[POSTFIX, DOVECOT],
        c if c.starts_with("dovecot/") => &[DOVECOT],
        _ => &[POSTFIX],
    }
}

fn input_missing(facts: &Facts, input: &str) -> bool {
    match input {
        "postfix" => facts.postfix.is_empty(),
        "master" => facts.master.is_empty(),
        "dovecot" => facts.dovecot.is_empty(),
        _ => false,
    }
}

/// A check finding counts for this failure when its evidence lies in the config the failure was
/// joined with (or in master.cf / Dovecot config, which have no competing copies to join), or
/// when no config was joined.
fn finding_joins(f: &Finding, facts: &Facts, config: Option<Span>) -> bool {
    let Some(cfg) = config else { return true };
    let others: Vec<Span> = facts
        .master
        .iter()
        .map(|m| m.span)
        .chain(facts.dovecot.iter().map(|d| d.span))
        .collect();
    f.evidence.is_empty()
        || f.evidence.iter().any(|e| {
            let s = Span::new(e.start, e.end);
            cfg.contains(s) || others.iter().any(|o| o.contains(s))
        })
}

fn cause_state(
    cause: &super::Cause,
    facts: &Facts,
    from_checks: &[Finding],
    config: Option<Span>,
    verdicts: &[Verdict],
) -> CauseState {
    if cause.check.is_empty() {
        return CauseState::Undecided;
    }
    if let Some(f) = from_checks
        .iter()
        .find(|f| f.id == cause.check && finding_joins(f, facts, config))
    {
        return CauseState::Confirmed(f.id.clone());
    }
    if let Some(v) = verdicts.iter().find(|v| v.check == cause.check) {
        return if v.confirmed {
            CauseState::Confirmed(v.why.clone())
        } else {
            CauseState::RuledOut(v.why.clone())
        };
    }
    if let Some((_, paste)) = check_needs(cause.check)
        .iter()
        .find(|(i, _)| input_missing(facts, i))
    {
        return CauseState::Missing(paste);
    }
    if crate::checks::find(cause.check).is_some() {
        return CauseState::RuledOut(format!(
            "check {} ran on your config and found nothing",
            cause.check
        ));
    }
    CauseState::Undecided
}

/// A check id as words for a summary: `postfix/submission_not_enabled` → "submission not
/// enabled". KB cause texts may bundle several conditions; the check names the one decided.
fn check_name(check: &str) -> String {
    check
        .rsplit_once('/')
        .map_or(check, |(_, n)| n)
        .replace('_', " ")
}

/// A ruled-out cause keeps a quarter of its likelihood; a confirmed one is certain.
fn adjusted(likelihood: f32, st: &CauseState) -> f32 {
    match st {
        CauseState::Confirmed(_) => 1.0,
        CauseState::RuledOut(_) => likelihood * 0.25,
        _ => likelihood,
    }
}

fn explained(
    entry: &'static Entry,
    g: &Group,
    facts: &Facts,
    from_checks: &[Finding],
    joins: &mut Joins,
) -> Finding {
    let first = g.failures.first().copied();
    let hint = first
        .and_then(|f| f.source)
        .and_then(|k| entry.hint(hint_source(k)));
    let mut side = hint.and_then(|h| h.side).unwrap_or(entry.side);
    let mut severity = entry.severity;
    if severity == Severity::Error && is_temporary(&g.failures) {
        severity = Severity::Warning;
    }

    // The join with the config: a relay trace for relay refusals, else the nearest config.
    let relay_join = crate::relay::most_informative(g.failures.iter().copied(), 16)
        .and_then(|f| joins.join(facts, f));
    let config_index = relay_join
        .as_ref()
        .map(|j| j.config)
        .or_else(|| first.and_then(|f| crate::relay::nearest_config(facts, f.span)));
    let cfg = config_index.and_then(|i| facts.postfix.get(i));
    let diagnosis = relay_join
        .as_ref()
        .filter(|j| j.reproduces())
        .map(|j| relay_diagnosis(facts, j));
    let verdicts: &[Verdict] = diagnosis.as_ref().map_or(&[], |d| &d.verdicts[..]);

    let states: Vec<CauseState> = entry
        .causes
        .iter()
        .map(|c| cause_state(c, facts, from_checks, cfg.map(|c| c.span), verdicts))
        .collect();
    // Causes a config check confirmed, each with the check's finding.
    let confirmed: Vec<(&super::Cause, &Finding)> = entry
        .causes
        .iter()
        .zip(&states)
        .filter_map(|(c, st)| match st {
            CauseState::Confirmed(id) => from_checks.iter().find(|f| &f.id == id).map(|f| (c, f)),
            _ => None,
        })
        .collect();
    let root = diagnosis.as_ref().and_then(|d| d.root.as_ref());

    let mut summary = format!(
        "{} {}: {}{}.",
        count_phrase(&g.failures),
        if g.failures.len() == 1 {
            "reports"
        } else {
            "report"
        },
        entry.title,
        first
            .map(reply_label)
            .filter(|l| !entry.title.contains(l.trim()))
            .unwrap_or_default()
    );
    let context_of = relay_join.as_ref().map(|j| &j.failure).or(first);
    if let Some(f) = context_of {
        summary.push_str(&session_context(f));
    }
    summary.push_str(&recipients(&g.failures));
    if g.failures.len() > MAX_EVIDENCE {
        summary.push_str(&format!(
            " Evidence shows the first {MAX_EVIDENCE} of {}.",
            g.failures.len()
        ));
    }
    if let Some(j) = relay_join.as_ref().filter(|j| !j.reproduces()) {
        let t = &j.trace;
        summary.push_str(&format!(
            " The pasted config does not give this refusal: traced for {}, it {}{}. The refusal \
             came from another configuration (changed since, not reloaded, or another server's).",
            t.query.recipient,
            match t.decision {
                crate::relay::Decision::Permit => "accepts the recipient".to_owned(),
                crate::relay::Decision::Unknown => format!(
                    "cannot decide it ({})",
                    t.notes.last().map(String::as_str).unwrap_or("no trace")
                ),
                d => format!("ends {}", d.as_str()),
            },
            t.reply
                .as_deref()
                .filter(|_| t.decision != crate::relay::Decision::Permit)
                .map(|r| format!(" with `{r}`"))
                .unwrap_or_default()
        ));
    }
    if let Some(r) = root {
        summary.push_str(&format!(" {ROOT_CAUSE} {}", r.text));
        summary.push_str(&format!(" {WHO_ACTS} {}.", side_label(r.side)));
    }
    for (cause, f) in &confirmed {
        summary.push_str(&format!(
            " {CONFIRMED} ({}): {} {}",
            f.id, cause.text, f.summary
        ));
    }
    if root.is_none() && confirmed.is_empty() {
        if let Some(c) = cfg {
            summary.push_str(&config_context(entry, c, first));
        }
        let session = relay_join.as_ref().map(|j| &j.failure).or(first);
        let mut causes: Vec<(&super::Cause, f32)> = entry
            .causes
            .iter()
            .zip(&states)
            .map(|(c, st)| (c, adjusted(c.likelihood, st) * session_weight(c, session)))
            .collect();
        if let Some(why) = session.and_then(session_hint) {
            summary.push_str(&format!(" {why}"));
        }
        crate::text::sort_by(&mut causes, |a, b| b.1.total_cmp(&a.1));
        let ranked: Vec<String> = causes
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, (c, l))| format!("{}. {} ({}%)", i + 1, c.text, percent(l.min(0.95))))
            .collect();
        summary.push_str(&format!(" {LIKELY} {}", ranked.join(" ")));
    }
    // What the checks and the trace say about the other causes.
    let also: Vec<String> = entry
        .causes
        .iter()
        .zip(&states)
        .filter_map(|(c, st)| match st {
            CauseState::Confirmed(why)
                if !from_checks.iter().any(|f| &f.id == why)
                    && root.is_none_or(|r| r.check != c.check) =>
            {
                Some(format!("{} — {why}", check_name(c.check)))
            }
            _ => None,
        })
        .collect();
    if !also.is_empty() {
        summary.push_str(&format!(" The trace confirms: {}.", also.join("; ")));
    }
    let mut ruled = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    for (c, st) in entry.causes.iter().zip(&states) {
        match st {
            CauseState::RuledOut(why) => ruled.push(format!("{} — {why}", check_name(c.check))),
            CauseState::Missing(p) if !missing.contains(p) => missing.push(p),
            _ => {}
        }
    }
    if !ruled.is_empty() {
        summary.push_str(&format!(" {RULED_OUT} {}.", ruled.join("; ")));
    }
    let undecided_needs_paste = !entry.paste_next.is_empty()
        && root.is_none()
        && confirmed.is_empty()
        && (entry.needs.is_empty() || missing_inputs(entry, facts));
    if undecided_needs_paste {
        summary.push_str(&format!(" {TO_DECIDE} {}", entry.paste_next));
    } else if !missing.is_empty() {
        summary.push_str(&format!(
            " Not decided without {}: paste it next.",
            missing.join(" and ")
        ));
    }

    let confidence = if !confirmed.is_empty() {
        1.0
    } else if let Some(r) = root {
        r.confidence
    } else {
        g.score
    };
    if let Some(r) = root {
        side = r.side;
    }
    let mut finding = Finding::new(entry.id, severity, entry.title)
        .summary(summary)
        .side(side)
        .confidence(confidence);
    finding.root_cause = root.is_some() || !confirmed.is_empty();
    finding.why = match hint {
        Some(h) => format!("{}\n\n{}", entry.summary, h.text),
        None => entry.summary.to_owned(),
    };
    for (_, f) in &confirmed {
        severity_at_least(&mut finding, f.severity);
    }
    // The failure first, then the config lines that explain it.
    let lead = relay_join
        .as_ref()
        .and_then(|j| g.failures.iter().position(|f| f.span == j.failure.span));
    let mut ordered: Vec<&Failure> = g.failures.clone();
    if let Some(i) = lead {
        let f = ordered.remove(i);
        ordered.insert(0, f);
    }
    finding = add_failure_evidence(finding, &ordered[..1.min(ordered.len())]);
    if let Some(r) = root {
        for e in &r.evidence {
            if !finding.evidence.contains(e) {
                finding.evidence.push(e.clone());
            }
        }
    }
    for (_, f) in &confirmed {
        for e in &f.evidence {
            if !finding.evidence.contains(e) {
                finding.evidence.push(e.clone());
            }
        }
    }
    if root.is_none() && confirmed.is_empty() {
        if let Some(c) = cfg {
            for (p, span) in entry
                .params
                .iter()
                .filter_map(|p| c.get(p).map(|d| (*p, d.span)))
                .take(4)
            {
                finding = finding.evidence(span, format!("your {p} setting"));
            }
        }
    }
    finding = add_failure_evidence(finding, ordered.get(1..).unwrap_or(&[]));
    for p in entry.params {
        finding = finding.param(*p);
    }
    for (_, f) in &confirmed {
        for p in &f.params {
            finding = finding.param(p.clone());
        }
    }
    if let Some(r) = root {
        for p in &r.params {
            finding = finding.param(*p);
        }
    }
    finding.fix = root
        .map(|r| r.fix.clone())
        .or_else(|| confirmed.iter().find_map(|(_, f)| f.fix.clone()))
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

/// How much what the failure itself tells (port, TLS, login) makes a cause more likely, by the
/// check that would decide it: a dialog saying "port 25, no SSL" points at AUTH offered only
/// over TLS and at a missing submission port; a logged-in client at the restriction lists.
fn session_weight(cause: &super::Cause, f: Option<&Failure>) -> f32 {
    let Some(f) = f else { return 1.0 };
    let plain_25 = f.port == Some(25) && f.tls == Some(false);
    match cause.check {
        "postfix/auth_only_after_starttls" | "postfix/submission_not_enabled" if plain_25 => 2.0,
        "postfix/relay_restrictions_without_sasl" if f.logged_in() => 2.0,
        _ => 1.0,
    }
}

fn session_hint(f: &Failure) -> Option<String> {
    if f.port == Some(25) && f.tls == Some(false) {
        Some(
            "The client used port 25 without encryption: servers that offer AUTH only after \
             STARTTLS, or only on the submission port 587, refuse such a client as a relay."
                .into(),
        )
    } else {
        f.sasl_username.as_ref().filter(|_| f.logged_in()).map(|u| {
            format!(
                "The client had logged in ({u}): the refusal comes from the restriction lists, \
                 not from missing credentials."
            )
        })
    }
}

fn side_label(s: Side) -> &'static str {
    match s {
        Side::Client => "the mail client (its account settings)",
        Side::SenderServer => "the sending side's own server (its configuration)",
        Side::RecipientServer => "the recipient's server (its configuration)",
        Side::Network => "something between the servers (DNS, network, a block list)",
        Side::Unknown => "not known",
    }
}

/// What the joined config says about a failure the trace does not cover: the recipient
/// domain's class and the entry's parameters as set there.
fn config_context(
    entry: &Entry,
    cfg: &crate::postfix::PostfixConfig,
    f: Option<&Failure>,
) -> String {
    let mut out = String::new();
    let domain = f
        .and_then(|f| f.recipient.as_deref())
        .and_then(|r| r.rsplit_once('@'))
        .map(|(_, d)| d.to_owned());
    if let Some(d) = domain {
        let class = crate::relay::domain_class(cfg, &[], &d);
        match (&class.class, class.unseen.is_empty()) {
            (Some(c), _) => out.push_str(&format!(
                " In your config {d} is listed in {c}{}.",
                match c.as_str() {
                    "mydestination" => ": its users are local accounts or aliases",
                    "virtual_mailbox_domains" =>
                        ": every address must be in virtual_mailbox_maps (or an alias)",
                    "virtual_alias_domains" => ": every address must be in virtual_alias_maps",
                    _ => ": Postfix passes its mail on",
                }
            )),
            (None, true) => out.push_str(&format!(
                " In your config {d} is in none of mydestination, virtual_alias_domains, \
                 virtual_mailbox_domains, relay_domains."
            )),
            (None, false) => out.push_str(&format!(
                " In your config {d} is not listed where the paste shows; it may be in {}.",
                class.unseen.join(", ")
            )),
        }
    }
    let set: Vec<String> = entry
        .params
        .iter()
        .filter_map(|p| {
            cfg.get(p)
                .map(|d| format!("{p} = {}", crate::text::clip(&d.value.text, 80)))
        })
        .collect();
    if !set.is_empty() {
        out.push_str(&format!(" Your config sets {}.", set.join(", ")));
    }
    out
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

#[cfg(test)]
mod join_tests {
    use super::*;
    use crate::kb::Cause;
    use crate::report::SegmentKind;

    fn facts_of(input: &str) -> Facts {
        let (segs, _) = crate::segment::segment(input);
        crate::facts::gather(input, &segs, &Default::default()).0
    }

    const CAUSE_TLS: Cause = Cause {
        text: "AUTH only after STARTTLS",
        likelihood: 0.3,
        check: "postfix/auth_only_after_starttls",
    };
    const CAUSE_SUBMISSION: Cause = Cause {
        text: "no submission",
        likelihood: 0.2,
        check: "postfix/submission_not_enabled",
    };
    const CAUSE_DUP: Cause = Cause {
        text: "a parameter set twice",
        likelihood: 0.4,
        check: "postfix/duplicate_parameter",
    };

    const PASTE: &str = "Mar  1 10:00:00 mx postfix/smtpd[7]: NOQUEUE: reject: RCPT from c.example.org[198.51.100.9]: 554 5.7.1 <z@example.com>: Relay access denied; from=<a@example.net> to=<z@example.com> proto=ESMTP helo=<c.example.org>\n\nmyhostname = mx.example.net\nmynetworks = 127.0.0.0/8\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n";

    #[test]
    fn a_check_finding_confirms_only_when_it_points_into_the_joined_config() {
        let facts = facts_of(PASTE);
        let cfg = facts.postfix[0].span;
        let inside = Finding::new(CAUSE_TLS.check, Severity::Error, "x")
            .evidence(Span::new(cfg.start + 2, cfg.start + 9), "in the config");
        let elsewhere = Finding::new(CAUSE_TLS.check, Severity::Error, "x")
            .evidence(Span::new(0, 5), "in the log line");
        assert_eq!(
            cause_state(&CAUSE_TLS, &facts, &[inside], Some(cfg), &[]),
            CauseState::Confirmed(CAUSE_TLS.check.into())
        );
        assert_eq!(
            cause_state(
                &CAUSE_TLS,
                &facts,
                std::slice::from_ref(&elsewhere),
                Some(cfg),
                &[]
            ),
            CauseState::RuledOut(format!(
                "check {} ran on your config and found nothing",
                CAUSE_TLS.check
            )),
            "a registered check whose finding points elsewhere found nothing in this config"
        );
        // Without a joined config any finding of that id counts.
        assert!(matches!(
            cause_state(&CAUSE_TLS, &facts, &[elsewhere], None, &[]),
            CauseState::Confirmed(_)
        ));
    }

    #[test]
    fn a_silent_registered_check_rules_its_cause_out() {
        let facts = facts_of(PASTE);
        let st = cause_state(&CAUSE_DUP, &facts, &[], Some(facts.postfix[0].span), &[]);
        assert!(matches!(st, CauseState::RuledOut(ref w) if w.contains("ran on your config")));
        assert!(adjusted(CAUSE_DUP.likelihood, &st) < CAUSE_DUP.likelihood / 2.0);
        // Without any Postfix config it is not decided: paste it.
        let none = Facts::default();
        assert_eq!(
            cause_state(&CAUSE_DUP, &none, &[], None, &[]),
            CauseState::Missing("`postconf -n`")
        );
        assert_eq!(
            cause_state(&CAUSE_SUBMISSION, &facts, &[], None, &[]),
            CauseState::Missing("`postconf -M` (master.cf)")
        );
    }

    #[test]
    fn trace_verdicts_confirm_and_rule_out() {
        let v = [Verdict {
            check: CAUSE_TLS.check,
            confirmed: false,
            why: "smtpd_tls_auth_only is off".into(),
        }];
        let facts = facts_of(PASTE);
        assert_eq!(
            cause_state(&CAUSE_TLS, &facts, &[], None, &v),
            CauseState::RuledOut("smtpd_tls_auth_only is off".into())
        );
    }

    #[test]
    fn a_relay_failure_joined_with_its_config_names_the_cause_in_it() {
        // A foreign client relaying to a remote domain, SASL off: the fix is on the server.
        let facts = facts_of(PASTE);
        let out = diagnose(&facts, &[]);
        let f = &out[0];
        assert_eq!(f.id, "smtp/554-5.7.1-relay-access-denied");
        assert_eq!(f.side, Some(Side::SenderServer));
        assert!(
            f.summary.contains("smtpd_sasl_auth_enable"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("Ruled out:"), "{}", f.summary);
        let cfg = facts.postfix[0].span;
        assert!(f
            .evidence
            .iter()
            .any(|e| cfg.contains(Span::new(e.start, e.end))));
        assert!(f.evidence.iter().any(|e| e.start == 0), "the log line");
        assert!(f.confidence >= 0.9);
    }

    #[test]
    fn configs_after_the_failure_are_preferred() {
        let cfg_before = "myhostname = a.example.net\nmynetworks = 127.0.0.0/8\n\n";
        let log = "Mar  1 10:00:00 mx postfix/smtpd[7]: NOQUEUE: reject: RCPT from c.example.org[198.51.100.9]: 554 5.7.1 <z@example.com>: Relay access denied; from=<a@example.net> to=<z@example.com> proto=ESMTP helo=<c.example.org>\n\n";
        let cfg_after = "myhostname = b.example.net\nmynetworks = 127.0.0.0/8\n";
        let paste = format!("{cfg_before}{log}{cfg_after}");
        let facts = facts_of(&paste);
        assert_eq!(facts.postfix.len(), 2);
        let f = &facts.failures[0];
        assert_eq!(f.source, Some(SegmentKind::MailLog));
        assert_eq!(crate::relay::nearest_config(&facts, f.span), Some(1));
    }

    #[test]
    fn the_fix_goes_where_the_deciding_list_is_written() {
        let paste = "Jun 11 14:02:09 mail postfix/submission/smtpd[3311]: NOQUEUE: reject: RCPT from unknown[203.0.113.50]: 554 5.7.1 <lena@example.com>: Relay access denied; from=<tom@example.net> to=<lena@example.com> proto=ESMTP helo=<[192.168.1.20]>\n\nmyhostname = mail.example.net\nmynetworks = 127.0.0.0/8\ncompatibility_level = 3.6\nmail_version = 3.8.1\n\nsubmission inet  n       -       y       -       -       smtpd\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_relay_restrictions=permit_mynetworks,reject_unauth_destination\n";
        let facts = facts_of(paste);
        let f = &diagnose(&facts, &[])[0];
        assert_eq!(f.side, Some(Side::SenderServer));
        let snippet = f.fix.as_ref().and_then(|x| x.snippet.as_deref()).unwrap();
        assert!(
            snippet.ends_with("-o smtpd_relay_restrictions=permit_mynetworks,permit_sasl_authenticated,reject_unauth_destination"),
            "{snippet}"
        );
        let master = facts.master[0].span;
        assert!(f
            .evidence
            .iter()
            .any(|e| master.contains(Span::new(e.start, e.end))));
    }

    #[test]
    fn what_the_dialog_tells_reranks_causes_without_a_config() {
        let plain = Failure {
            port: Some(25),
            tls: Some(false),
            ..Default::default()
        };
        assert_eq!(session_weight(&CAUSE_TLS, Some(&plain)), 2.0);
        assert_eq!(session_weight(&CAUSE_DUP, Some(&plain)), 1.0);
        assert_eq!(session_weight(&CAUSE_TLS, None), 1.0);
        let tls = Failure {
            port: Some(587),
            tls: Some(true),
            ..Default::default()
        };
        assert_eq!(session_weight(&CAUSE_TLS, Some(&tls)), 1.0);
        assert!(session_hint(&plain).unwrap().contains("port 25"));
        assert!(session_hint(&tls).is_none());
    }

    #[test]
    fn the_reply_code_is_named_once() {
        // The entry's title already ends in "(454 4.7.1)": the summary must not repeat it.
        let paste = "Jun 11 14:02:09 mx postfix/smtpd[3311]: NOQUEUE: reject: RCPT from \
                     client.example.net[192.0.2.44]: 454 4.7.1 <eve@example.org>: Relay access \
                     denied; from=<bob@example.com> to=<eve@example.org> proto=ESMTP \
                     helo=<client.example.net>\n";
        let r = crate::analyze(paste, &Default::default());
        let f = r
            .findings
            .iter()
            .find(|f| f.id == "smtp/454-4.7.1-relay-access-denied")
            .expect("the 454 entry explains the line");
        assert_eq!(f.summary.matches("454 4.7.1").count(), 1, "{}", f.summary);
    }
}
