//! Facts: the typed model of everything in a paste. Built from segments by the parsers; read by
//! checks and the knowledge base. Checks never see raw text, only these values and their spans.

use crate::report::{Note, Segment, SegmentKind};
use crate::text::Span;

/// Everything understood from one paste.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub postfix: Vec<crate::postfix::PostfixConfig>,
    pub master: Vec<crate::postfix::MasterCf>,
    pub dovecot: Vec<crate::dovecot::DovecotConfig>,
    pub log: Vec<crate::log::LogEvent>,
    pub bounces: Vec<crate::bounce::Bounce>,
    pub client_errors: Vec<crate::client_error::ClientError>,
    pub transcripts: Vec<crate::smtp::Transcript>,
    /// Every failure the paste reports, whatever its source, in one shape: the join point of
    /// cross-input diagnosis and the knowledge base.
    pub failures: Vec<Failure>,
    /// Passwords, hashes, keys and tokens in the paste (read by `secrets::find`).
    pub secrets: Vec<crate::secrets::Secret>,
}

/// One failed (or deferred) mail operation, normalised from a log line, a bounce record, a client
/// dialog or a transcript reply.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Failure {
    pub source: Option<SegmentKind>,
    /// The whole line / record / dialog.
    pub span: Span,
    /// Just the server's reply text (code + status + words), when it can be pointed at.
    pub reply_span: Option<Span>,
    pub reply_code: Option<u16>,
    /// Enhanced status code, the most specific one known (`5.7.1`).
    pub status: Option<String>,
    /// The reply or diagnostic text, without code and status.
    pub text: String,
    /// Which program reported it (`postfix/smtpd`, `exim`, `sendmail`, `dovecot`, `outlook`, …).
    pub reporter: Option<String>,
    /// SMTP stage (`CONNECT`, `HELO`, `MAIL`, `RCPT`, `DATA`, `AUTH`, `STARTTLS`).
    pub stage: Option<String>,
    pub client_host: Option<String>,
    pub client_ip: Option<String>,
    pub sasl_username: Option<String>,
    /// Whether the client had authenticated (SMTP AUTH) when the command failed, when the source
    /// tells it (transcripts).
    pub authenticated: Option<bool>,
    pub sender: Option<String>,
    pub recipient: Option<String>,
    pub helo: Option<String>,
    /// Port the client used, when the source tells it (client dialogs, `postfix/submission/smtpd`).
    pub port: Option<u16>,
    /// Whether the session was encrypted, when the source tells it.
    pub tls: Option<bool>,
    /// Postfix service name from the syslog tag (`smtpd`, `submission/smtpd` → `submission`).
    pub service: Option<String>,
}

/// What the caller knows that the paste may not say.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Postfix version to assume for defaults when the paste does not state one (`3.7`).
    pub postfix_version: Option<String>,
    /// Dovecot version to assume when no `doveconf -n` banner says it (`2.3`, `2.4`).
    pub dovecot_version: Option<String>,
}

/// Runs the parser that fits each segment and collects their facts and notes.
pub fn gather(input: &str, segments: &[Segment], opts: &Options) -> (Facts, Vec<Note>) {
    let mut facts = Facts::default();
    let mut notes = Vec::new();
    for seg in segments {
        let text = &input[seg.start..seg.end];
        let base = seg.start;
        match seg.kind {
            SegmentKind::PostconfN | SegmentKind::PostconfFull | SegmentKind::MainCf => {
                let (cfg, n) = crate::postfix::parse_main_cf(text, base, seg.kind, opts);
                facts.postfix.push(cfg);
                notes.extend(n);
            }
            SegmentKind::MasterCf => {
                let (m, n) = crate::postfix::parse_master_cf(text, base);
                facts.master.push(m);
                notes.extend(n);
            }
            SegmentKind::DoveconfN | SegmentKind::DoveconfFull | SegmentKind::DovecotConf => {
                let (d, n) = crate::dovecot::parse(text, base, seg.kind, opts);
                facts.dovecot.push(d);
                notes.extend(n);
            }
            SegmentKind::MailLog => {
                let (events, n) = crate::log::parse(text, base);
                facts.log.extend(events);
                notes.extend(n);
            }
            SegmentKind::Bounce => {
                let (b, n) = crate::bounce::parse_message(text.as_bytes(), base);
                facts.bounces.push(b);
                notes.extend(n);
            }
            SegmentKind::ClientError => {
                let (c, n) = crate::client_error::parse(text, base);
                facts.client_errors.push(c);
                notes.extend(n);
            }
            SegmentKind::SmtpTranscript => {
                let (t, n) = crate::smtp::parse_transcript(text, base);
                facts.transcripts.push(t);
                notes.extend(n);
            }
            SegmentKind::Prose => {}
        }
    }
    facts.failures = collect_failures(&facts);
    facts.secrets = crate::secrets::find(input, segments, &facts);
    (facts, notes)
}

/// Normalises the failures each source reports.
fn collect_failures(facts: &Facts) -> Vec<Failure> {
    let mut out = Vec::new();
    out.extend(facts.log.iter().filter_map(crate::log::LogEvent::failure));
    for b in &facts.bounces {
        out.extend(b.failures());
    }
    out.extend(
        facts
            .client_errors
            .iter()
            .filter_map(crate::client_error::ClientError::failure),
    );
    for t in &facts.transcripts {
        out.extend(t.failures());
    }
    out
}
