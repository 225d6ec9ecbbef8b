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
    /// The restrictions written in each configuration of `postfix`, read once for the checks
    /// that look at them (see `checks::postfix::written_restrictions`).
    pub(crate) written: std::sync::OnceLock<Vec<Vec<crate::checks::postfix::WrittenRestriction>>>,
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
    /// The SMTP AUTH or IMAP/POP3 user: the logged-in one, or the one a failed login tried (see
    /// [`Failure::logged_in`]).
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

impl Failure {
    /// Whether the client was logged in when this failed: what the source says, else whether it
    /// names a logged-in user. A failed login names the user it tried, so it says `false`.
    pub fn logged_in(&self) -> bool {
        self.authenticated.unwrap_or(self.sasl_username.is_some())
    }
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
    facts.failures = collect_failures(&facts, input);
    let mut budget = MAX_QUOTED_LINES;
    for seg in segments.iter().filter(|s| s.kind == SegmentKind::Prose) {
        let text = &input[seg.start..seg.end];
        facts
            .failures
            .extend(quoted_failures(text, seg.start, &mut budget));
    }
    facts.secrets = crate::secrets::find(input, segments, &facts);
    (facts, notes)
}

/// Prose lines looked at as possibly quoted errors, per paste (each is matched against every
/// knowledge-base entry, so a long prose paste must not multiply that work).
const MAX_QUOTED_LINES: usize = 200;
/// Longer lines are not a quoted reply or log line.
const MAX_QUOTED_LEN: usize = 2000;

/// Errors quoted in the person's own words: a line of prose that a knowledge-base entry
/// recognises ("The server responded: 554 5.7.1 …: Relay access denied"), or that carries both a
/// 4xx/5xx reply code and an enhanced status code. A reply, a log line or a dialog's text pasted
/// alone is too short to be a log, transcript or dialog segment, but it is the failure the person
/// asks about. Plain numbers ("500 users") are not taken for replies.
fn quoted_failures(text: &str, base: usize, budget: &mut usize) -> Vec<Failure> {
    use crate::smtp::reply::{find_reply_code, find_statuses, parse_reply};
    let mut out = Vec::new();
    for line in crate::text::lines_at(text, base) {
        let t = line.text.trim();
        if t.len() < 12 || t.len() > MAX_QUOTED_LEN {
            continue;
        }
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        let code = find_reply_code(t).filter(|(c, _)| *c >= 400);
        let status = find_statuses(t).into_iter().find(|(st, _)| st.class >= 4);
        let quoted = (code.is_some() && status.is_some())
            || !crate::kb::ranked(&crate::kb::Probe::from_text(t)).is_empty();
        if !quoted {
            continue;
        }
        let at = match (code, &status) {
            (Some((_, a)), Some((_, b))) => Some(a.min(*b)),
            (Some((_, a)), None) => Some(a),
            (None, Some((_, b))) => Some(*b),
            (None, None) => None,
        };
        let reply = at.and_then(|a| Some((a, parse_reply(t.get(a..)?)?)));
        let span = line.sub_span(t);
        out.push(Failure {
            source: Some(SegmentKind::Prose),
            span,
            reply_span: reply
                .as_ref()
                .map(|(a, _)| Span::new(span.start + a, span.end)),
            reply_code: reply
                .as_ref()
                .and_then(|(_, r)| r.code)
                .or(code.map(|(c, _)| c)),
            status: reply
                .as_ref()
                .and_then(|(_, r)| r.status.as_ref())
                .or(status.as_ref().map(|(s, _)| s))
                .map(|s| s.to_string()),
            // The words around a reply (who said it, to which command) tell entries apart; only
            // a reply standing alone gives its words without code and status.
            text: match &reply {
                Some((0, r)) => r.text.to_owned(),
                _ => t.to_owned(),
            },
            ..Default::default()
        });
    }
    out
}

/// Normalises the failures each source reports.
fn collect_failures(facts: &Facts, input: &str) -> Vec<Failure> {
    let mut out = Vec::new();
    out.extend(facts.log.iter().filter_map(crate::log::LogEvent::failure));
    for b in &facts.bounces {
        out.extend(b.failures(input));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_quoted_in_prose_are_failures_and_numbers_are_not() {
        let text = "Hi all,\nThe server responded: 554 5.7.1 <ann@example.org>: Relay access denied\nWe have 500 users and port 587 open.\n";
        let mut budget = MAX_QUOTED_LINES;
        let got = quoted_failures(text, 100, &mut budget);
        assert_eq!(got.len(), 1, "{got:?}");
        let f = &got[0];
        assert_eq!(f.source, Some(SegmentKind::Prose));
        assert_eq!(
            (f.reply_code, f.status.as_deref()),
            (Some(554), Some("5.7.1"))
        );
        assert_eq!(
            &text[f.span.start - 100..f.span.end - 100],
            "The server responded: 554 5.7.1 <ann@example.org>: Relay access denied"
        );
        let reply = f.reply_span.unwrap();
        assert!(text[reply.start - 100..].starts_with("554 5.7.1"));
        // A long prose paste is looked at only up to the budget.
        let many = "550 5.1.1 <x@example.org>: User unknown\n".repeat(MAX_QUOTED_LINES + 50);
        let mut budget = MAX_QUOTED_LINES;
        assert_eq!(
            quoted_failures(&many, 0, &mut budget).len(),
            MAX_QUOTED_LINES
        );
    }
}
