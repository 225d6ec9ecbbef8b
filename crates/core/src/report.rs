//! The report: plain serialisable data, the only thing renderers (CLI text/JSON/Markdown, the
//! page, the widget) ever see. Offsets are bytes into the analysed text.

use crate::text::Span;
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Byte length of the analysed text, so renderers can validate spans.
    pub input_len: usize,
    pub segments: Vec<Segment>,
    /// Ordered: severity (critical first), then confidence (highest first).
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
        self.findings.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
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

fn first_pos(f: &Finding) -> usize {
    f.evidence
        .iter()
        .map(|e| e.start)
        .min()
        .unwrap_or(usize::MAX)
}
