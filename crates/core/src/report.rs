//! The report: plain serialisable data, the only thing renderers (CLI text/JSON/Markdown, the
//! page, the widget) ever see. Offsets are bytes into the analysed text.

use crate::text::Span;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Byte length of the analysed text, so renderers can validate spans.
    pub input_len: usize,
    pub segments: Vec<Segment>,
    /// Ordered: root causes of reported failures first, then severity (critical first), then
    /// confidence (highest first).
    pub findings: Vec<Finding>,
    /// One record per failed (or delayed, …) recipient found in bounces in the paste.
    pub bounces: Vec<crate::bounce::BounceRecord>,
    /// What the parsers could not read, each pointing at the text concerned.
    pub notes: Vec<Note>,
    /// How Postfix decided the paste's relay refusal, step by step, when the paste holds one and
    /// the config that made it (`null` otherwise).
    pub relay_trace: Option<crate::relay::RelayTrace>,
    /// Passwords, hashes, keys and tokens in the paste (spans and kinds, never values): every
    /// renderer masks them (`secrets::Redactor`).
    pub secrets: Vec<crate::secrets::Secret>,
    /// The SMTP sessions pasted as transcripts, step by step.
    pub smtp_sessions: Vec<SmtpSession>,
}

/// Steps of one session listed in the report; the rest are counted in `more_steps`.
pub const MAX_SESSION_STEPS: usize = 200;
/// Sessions listed in the report.
pub const MAX_SESSIONS: usize = 50;

/// An SMTP session pasted as a transcript (swaks, telnet, `openssl s_client`, `C:`/`S:`…), as
/// the report shows it: what the server offered, and each command with its reply. Credentials
/// are never kept (`smtp::transcript` drops them).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SmtpSession {
    pub span: Span,
    /// Which program's output: `swaks`, `marked` (`C:`/`S:`), `arrows` (`>>>`/`<<<`),
    /// `in_out` (Postfix `In:`/`Out:`) or `bare` (telnet, `openssl s_client`, `nc`).
    pub style: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The server's name in its EHLO reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Software named in the greeting (`postfix`, `exim`, `exchange`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    /// TLS was established.
    pub tls: bool,
    /// Outcome of the last AUTH: `true` (235), `false` (refused), absent when there was none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<bool>,
    /// What the last EHLO reply offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offered: Option<SmtpOffer>,
    pub steps: Vec<SmtpStep>,
    /// Steps past [`MAX_SESSION_STEPS`], not listed.
    pub more_steps: usize,
    /// The above as short phrases for people ("port 587", "offers STARTTLS, AUTH PLAIN LOGIN",
    /// "no TLS", "AUTH refused"), as every rendering shows them.
    pub described: Vec<String>,
}

/// The extensions of an EHLO reply that decide sending: STARTTLS, AUTH, SIZE.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SmtpOffer {
    pub starttls: bool,
    /// Upper-cased; empty when AUTH is not offered.
    pub auth_mechanisms: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// One command and the server's reply (the greeting has no command).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SmtpStep {
    /// `CONNECT`, `EHLO`, `STARTTLS`, `AUTH`, `MAIL`, `RCPT`, `DATA`, `QUIT`…
    pub stage: &'static str,
    /// What the client sent (`RCPT TO:<b@example.com>`); empty for the greeting.
    pub command: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The reply's words, all lines joined.
    pub reply: String,
    /// Sent over TLS.
    pub tls: bool,
    /// Sent after a successful AUTH.
    pub authenticated: bool,
    pub span: Span,
}

impl SmtpSession {
    /// The report's view of a parsed transcript.
    pub fn of(t: &crate::smtp::Transcript) -> SmtpSession {
        use crate::smtp::transcript::Style;
        let steps: Vec<SmtpStep> = t
            .exchanges
            .iter()
            .take(MAX_SESSION_STEPS)
            .map(|x| SmtpStep {
                stage: x.stage.as_str(),
                command: x
                    .command
                    .as_ref()
                    .map(|c| {
                        if c.argument.is_empty() {
                            c.verb.clone()
                        } else {
                            format!("{} {}", c.verb, c.argument)
                        }
                    })
                    .unwrap_or_default(),
                reply_code: x.reply.as_ref().map(|r| r.code),
                status: x
                    .reply
                    .as_ref()
                    .and_then(|r| r.status)
                    .map(|s| s.to_string()),
                reply: x.reply.as_ref().map(|r| r.text.clone()).unwrap_or_default(),
                tls: x.tls,
                authenticated: x.authenticated,
                span: x.span,
            })
            .collect();
        let mut s = SmtpSession {
            span: t.span,
            style: match t.style {
                Style::Swaks => "swaks",
                Style::Marked => "marked",
                Style::Arrows => "arrows",
                Style::InOut => "in_out",
                Style::Bare => "bare",
            },
            port: t.port,
            server: t
                .ehlo
                .first()
                .map(|e| e.hostname.clone())
                .filter(|h| !h.is_empty()),
            software: t.server_software.clone(),
            tls: t.tls,
            auth: t.auth_succeeded,
            offered: t.offered().map(|e| SmtpOffer {
                starttls: e.starttls,
                auth_mechanisms: e.auth_mechanisms.clone(),
                size: e.size,
            }),
            more_steps: t.exchanges.len().saturating_sub(steps.len()),
            steps,
            described: Vec::new(),
        };
        s.described = s.describe();
        s
    }

    fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(p) = self.port {
            out.push(format!("port {p}"));
        }
        if let Some(h) = &self.server {
            out.push(format!("server {h}"));
        }
        if let Some(sw) = &self.software {
            out.push(format!("software: {sw}"));
        }
        if let Some(o) = &self.offered {
            let mut offer = Vec::new();
            if o.starttls {
                offer.push("STARTTLS".to_owned());
            }
            if !o.auth_mechanisms.is_empty() {
                offer.push(format!("AUTH {}", o.auth_mechanisms.join(" ")));
            }
            if let Some(n) = o.size {
                offer.push(format!("SIZE {n}"));
            }
            out.push(if offer.is_empty() {
                "offers neither STARTTLS nor AUTH".to_owned()
            } else {
                format!("offers {}", offer.join(", "))
            });
        }
        out.push(if self.tls { "TLS up" } else { "no TLS" }.to_owned());
        match self.auth {
            Some(true) => out.push("AUTH succeeded".to_owned()),
            Some(false) => out.push("AUTH refused".to_owned()),
            None => {}
        }
        out
    }
}

/// What kind of text a stretch of the paste is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// `postconf -n` output: only explicitly set parameters, one `name = value` per line.
    PostconfN,
    /// `postconf` or `postconf -d` output: every parameter.
    PostconfFull,
    /// A raw `main.cf` file: comments, blank lines, indented continuation lines.
    MainCf,
    /// `master.cf` (raw or `postconf -M`/`-Mf` output).
    MasterCf,
    /// `doveconf -n` output (banner `# 2.3.x (hash): /etc/dovecot/dovecot.conf`).
    DoveconfN,
    /// Full `doveconf` output.
    DoveconfFull,
    /// A raw `dovecot.conf` or `conf.d/*.conf` file.
    DovecotConf,
    /// A bounce: a whole RFC 5322 message or only the body a mail client shows.
    Bounce,
    /// An SMTP dialogue (client commands and server replies).
    SmtpTranscript,
    /// Mail log lines (Postfix, Exim, Sendmail, Dovecot; syslog or journald prefixes).
    MailLog,
    /// A mail client's error dialog (Outlook, Thunderbird, Apple Mail, …).
    ClientError,
    /// Anything else: the person's own words.
    Prose,
}

impl SegmentKind {
    /// The name used in JSON and on the page.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::PostconfN => "postconf_n",
            SegmentKind::PostconfFull => "postconf_full",
            SegmentKind::MainCf => "main_cf",
            SegmentKind::MasterCf => "master_cf",
            SegmentKind::DoveconfN => "doveconf_n",
            SegmentKind::DoveconfFull => "doveconf_full",
            SegmentKind::DovecotConf => "dovecot_conf",
            SegmentKind::Bounce => "bounce",
            SegmentKind::SmtpTranscript => "smtp_transcript",
            SegmentKind::MailLog => "mail_log",
            SegmentKind::ClientError => "client_error",
            SegmentKind::Prose => "prose",
        }
    }
    /// A human label for chips and text output.
    pub fn label(self) -> &'static str {
        match self {
            SegmentKind::PostconfN => "postconf -n",
            SegmentKind::PostconfFull => "postconf (all parameters)",
            SegmentKind::MainCf => "main.cf",
            SegmentKind::MasterCf => "master.cf",
            SegmentKind::DoveconfN => "doveconf -n",
            SegmentKind::DoveconfFull => "doveconf (all settings)",
            SegmentKind::DovecotConf => "dovecot.conf",
            SegmentKind::Bounce => "bounce message",
            SegmentKind::SmtpTranscript => "SMTP transcript",
            SegmentKind::MailLog => "mail log",
            SegmentKind::ClientError => "mail client error",
            SegmentKind::Prose => "prose",
        }
    }
    pub fn is_postfix_config(self) -> bool {
        matches!(
            self,
            SegmentKind::PostconfN | SegmentKind::PostconfFull | SegmentKind::MainCf
        )
    }
    pub fn is_dovecot_config(self) -> bool {
        matches!(
            self,
            SegmentKind::DoveconfN | SegmentKind::DoveconfFull | SegmentKind::DovecotConf
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    pub kind: SegmentKind,
    pub start: usize,
    pub end: usize,
    /// Software version the segment states or implies (`doveconf -n` banner, `mail_version`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Segment {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Whose side must act.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The person's own mail client (settings, port, authentication).
    Client,
    /// The sending side's own server (its configuration refused or failed).
    SenderServer,
    /// The recipient's server or domain.
    RecipientServer,
    /// Something between (DNS, network, a block list).
    Network,
    Unknown,
}

/// A piece of the paste that supports a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    /// What this span shows, in a few words ("relay restriction list", "the rejected RCPT").
    pub label: String,
}

impl Evidence {
    pub fn new(span: Span, label: impl Into<String>) -> Evidence {
        Evidence {
            start: span.start,
            end: span.end,
            label: label.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    /// What to do, in a sentence or two.
    pub text: String,
    /// The exact lines to put in place (config snippet or command), ready to copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeadEnd {
    /// What people try.
    pub attempt: String,
    /// Why it does not help.
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reference {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Check id (`postfix/unknown_parameter`) or knowledge-base id (`smtp/554-5.7.1-relay-access-denied`).
    pub id: String,
    pub severity: Severity,
    /// 0.0 – 1.0: how sure the finding is, given the evidence at hand.
    pub confidence: f32,
    pub title: String,
    /// One or two sentences about this paste.
    pub summary: String,
    /// The general explanation (the check's or KB entry's text), for the "Why?" panel.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// Config parameter or setting names this finding concerns.
    pub params: Vec<String>,
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    pub dead_ends: Vec<DeadEnd>,
    pub references: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    /// This finding explains a failure the paste reports (a bounce, log line, dialog) with its
    /// cause found in a pasted config. Such findings lead the report: they answer the question
    /// the person came with.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub root_cause: bool,
}

impl Finding {
    /// A finding with the required parts; fill the rest with the builder methods.
    pub fn new(id: impl Into<String>, severity: Severity, title: impl Into<String>) -> Finding {
        Finding {
            id: id.into(),
            severity,
            confidence: 1.0,
            title: title.into(),
            summary: String::new(),
            why: String::new(),
            params: Vec::new(),
            evidence: Vec::new(),
            fix: None,
            dead_ends: Vec::new(),
            references: Vec::new(),
            side: None,
            root_cause: false,
        }
    }
    pub fn summary(mut self, s: impl Into<String>) -> Finding {
        self.summary = s.into();
        self
    }
    pub fn why(mut self, s: impl Into<String>) -> Finding {
        self.why = s.into();
        self
    }
    pub fn confidence(mut self, c: f32) -> Finding {
        self.confidence = c.clamp(0.0, 1.0);
        self
    }
    pub fn param(mut self, p: impl Into<String>) -> Finding {
        let p = p.into();
        if !self.params.contains(&p) {
            self.params.push(p);
        }
        self
    }
    pub fn evidence(mut self, span: Span, label: impl Into<String>) -> Finding {
        self.evidence.push(Evidence::new(span, label));
        self
    }
    pub fn fix(mut self, text: impl Into<String>, snippet: Option<String>) -> Finding {
        self.fix = Some(Fix {
            text: text.into(),
            snippet,
        });
        self
    }
    pub fn dead_end(mut self, attempt: impl Into<String>, why: impl Into<String>) -> Finding {
        self.dead_ends.push(DeadEnd {
            attempt: attempt.into(),
            why: why.into(),
        });
        self
    }
    pub fn reference(mut self, title: impl Into<String>, url: Option<&str>) -> Finding {
        self.references.push(Reference {
            title: title.into(),
            url: url.map(str::to_owned),
        });
        self
    }
    pub fn side(mut self, side: Side) -> Finding {
        self.side = Some(side);
        self
    }
}

/// Something a parser could not read (or read with a guess). Never fatal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub start: usize,
    pub end: usize,
    /// Which reader wrote it (`main.cf`, `doveconf`, `mime`, `segmenter`, …).
    pub source: String,
    pub message: String,
}

impl Note {
    pub fn new(span: Span, source: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            start: span.start,
            end: span.end,
            source: source.into(),
            message: message.into(),
        }
    }
}

impl Report {
    /// Orders findings: severity first, then confidence, then position of the first evidence.
    pub fn sort_findings(&mut self) {
        crate::text::sort_by(&mut self.findings, |a, b| {
            b.root_cause
                .cmp(&a.root_cause)
                .then(a.severity.cmp(&b.severity))
                .then(b.confidence.total_cmp(&a.confidence))
                .then(first_pos(a).cmp(&first_pos(b)))
        });
    }
    pub fn has_critical(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Critical)
    }
}

/// Evidence spans a grouped finding keeps.
const MAX_GROUPED_EVIDENCE: usize = 24;

/// Joins repeated findings of one check that mean the same thing — same id, severity, first
/// parameter and fix (or, without a fix, the same summary) — into one finding holding every
/// occurrence's evidence: a forum thread quoting three configs without `compatibility_level`
/// reads as one problem seen three times, not three problems. Different problems of one check
/// (two different deprecated parameters) differ in their parameter or fix and stay apart. Order
/// is that of each group's first finding.
pub fn group_repeats(findings: Vec<Finding>) -> Vec<Finding> {
    type Key = (String, Severity, bool, Option<String>, String);
    let key = |f: &Finding| -> Key {
        let what = match &f.fix {
            Some(x) => format!("{}\u{0}{}", x.text, x.snippet.as_deref().unwrap_or("")),
            None => format!("\u{0}{}", f.summary),
        };
        (
            f.id.clone(),
            f.severity,
            f.root_cause,
            f.params.first().cloned(),
            what,
        )
    };
    let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    let mut out: Vec<(Finding, usize)> = Vec::new();
    for f in findings {
        match index.entry(key(&f)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let (g, n) = &mut out[*e.get()];
                *n += 1;
                g.confidence = g.confidence.max(f.confidence);
                for p in f.params {
                    if !g.params.contains(&p) {
                        g.params.push(p);
                    }
                }
                for e in f.evidence {
                    if g.evidence.len() < MAX_GROUPED_EVIDENCE && !g.evidence.contains(&e) {
                        g.evidence.push(e);
                    }
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push((f, 1));
            }
        }
    }
    out.into_iter()
        .map(|(mut f, n)| {
            if n > 1 {
                f.summary = format!(
                    "{n} places in the paste have this (each is in the evidence); the first: {}",
                    f.summary
                );
            }
            f
        })
        .collect()
}

/// Findings one check may list one by one; the rest are summed up in one more finding.
pub const MAX_PER_CHECK: usize = 25;

/// Keeps at most [`MAX_PER_CHECK`] findings per id (after [`group_repeats`]): a paste with
/// thousands of unknown parameter names gets the first ones and one finding counting the rest,
/// with their names and the first places, at the most severe level among them.
pub fn cap_per_check(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut over: Vec<(String, Vec<Finding>)> = Vec::new();
    for f in findings {
        let n = seen.entry(f.id.clone()).or_insert(0);
        *n += 1;
        if *n < MAX_PER_CHECK {
            out.push(f);
        } else {
            match over.iter_mut().find(|(id, _)| *id == f.id) {
                Some((_, v)) => v.push(f),
                None => over.push((f.id.clone(), vec![f])),
            }
        }
    }
    for (id, mut rest) in over {
        if rest.len() == 1 {
            out.append(&mut rest);
            continue;
        }
        let first = &rest[0];
        let severity = rest
            .iter()
            .map(|f| f.severity)
            .min()
            .unwrap_or(first.severity);
        let mut f = Finding::new(id.clone(), severity, first.title.clone())
            .summary(format!(
                "{} more findings of this kind are not listed one by one; the first of them: {}",
                rest.len(),
                first.summary
            ))
            .confidence(rest.iter().map(|f| f.confidence).fold(0.0, f32::max))
            .fix(
                "Fix the ones listed one by one first, then analyse the configuration again to \
                 see the rest.",
                None,
            );
        f.why = first.why.clone();
        f.side = first.side;
        for p in rest.iter().flat_map(|f| f.params.iter()).take(50) {
            f = f.param(p.clone());
        }
        for e in rest.iter().filter_map(|f| f.evidence.first()).take(12) {
            f.evidence.push(e.clone());
        }
        out.push(f);
    }
    out
}

fn first_pos(f: &Finding) -> usize {
    f.evidence
        .iter()
        .map(|e| e.start)
        .min()
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deprecated(param: &str, at: usize) -> Finding {
        Finding::new("postfix/deprecated_parameter", Severity::Warning, "t")
            .summary(format!("`{param}` is deprecated"))
            .param(param)
            .evidence(Span::new(at, at + 5), "deprecated parameter")
            .fix(format!("Replace `{param}`."), None)
    }

    #[test]
    fn repeats_with_one_meaning_group_and_distinct_problems_stay_apart() {
        let got = group_repeats(vec![
            deprecated("smtpd_use_tls", 0),
            deprecated("virtual_maps", 10),
            deprecated("smtpd_use_tls", 20),
            deprecated("smtpd_use_tls", 30).confidence(0.5),
        ]);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].params, ["smtpd_use_tls"]);
        let starts: Vec<usize> = got[0].evidence.iter().map(|e| e.start).collect();
        assert_eq!(starts, [0, 20, 30]);
        assert_eq!(got[0].confidence, 1.0);
        assert!(got[0].summary.starts_with("3 places"), "{}", got[0].summary);
        assert_eq!(got[1].params, ["virtual_maps"]);
        assert_eq!(got[1].summary, "`virtual_maps` is deprecated");
    }

    #[test]
    fn one_check_lists_at_most_its_cap() {
        let many: Vec<Finding> = (0..300)
            .map(|i| deprecated(&format!("name_{i}"), i * 10))
            .collect();
        let got = cap_per_check(many);
        assert_eq!(got.len(), MAX_PER_CHECK);
        let last = got.last().unwrap();
        let rest = 300 - (MAX_PER_CHECK - 1);
        assert!(last.summary.starts_with(&format!("{rest} more findings")));
        assert_eq!(last.params.len(), 50);
        assert_eq!(last.evidence.len(), 12);
        assert!(last.fix.is_some());
        // Under the cap nothing changes.
        let few = vec![deprecated("a", 0), deprecated("b", 10)];
        assert_eq!(cap_per_check(few.clone()), few);
    }
}
