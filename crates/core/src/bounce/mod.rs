//! Bounces: MIME, delivery status notifications, and per-recipient classification in Sisimai's
//! reason vocabulary (kb/data/bounce-reasons.tsv).
//!
//! A message is read in layers: MIME ([`mime`], [`charset`]) gives decoded text parts; RFC 3464
//! fields ([`dsn`]) give structured recipients where the MTA wrote them; the prose ([`plain`])
//! gives recipients and their diagnostics where it did not (and fills gaps where it did); then
//! [`reason`] decides each recipient's reason from status codes and wording. ARF feedback reports
//! and RFC 3834 auto-replies are recognised as such (`feedback`, `vacation`).

pub mod charset;
pub mod dsn;
pub mod mime;
pub mod plain;
pub mod reason;
pub mod vendor;

use crate::facts::Failure;
use crate::report::{Note, SegmentKind};
use crate::smtp::reply::{find_reply_code, find_statuses, EnhancedStatus};
use crate::text::Span;
use serde::Serialize;

/// One bounce message as read.
#[derive(Clone, Debug, Default)]
pub struct Bounce {
    pub span: Span,
    pub records: Vec<BounceRecord>,
}

impl Bounce {
    /// Each failed or delayed recipient as a [`Failure`], so the knowledge base can explain it
    /// and join it to the configs in the same paste. `input` is the paste this bounce was read
    /// from: a record's diagnostic is pointed at where the message says it (the lines that hold
    /// it, and the reply itself), else at the whole message.
    pub fn failures(&self, input: &str) -> Vec<Failure> {
        let raw = input.get(self.span.start..self.span.end).unwrap_or("");
        self.records
            .iter()
            .filter(|r| matches!(r.action.as_str(), "failed" | "delayed" | ""))
            .filter(|r| !matches!(r.reason.as_str(), "vacation" | "feedback" | "delivered"))
            .map(|r| {
                let found = diagnostic_in(raw, r);
                let at = |s: Span| s.offset(self.span.start);
                (r, found.map(|s| (at(whole_lines(raw, s)), at(s))))
            })
            .map(|(r, found)| Failure {
                source: Some(SegmentKind::Bounce),
                span: found.map_or(self.span, |(lines, _)| lines),
                reply_span: found.map(|(_, reply)| reply),
                reply_code: r.reply_code.parse().ok(),
                status: EnhancedStatus::parse(&r.status).map(|s| s.to_string()),
                text: r.diagnostic.clone(),
                reporter: (!r.reporting_mta.is_empty()).then(|| r.reporting_mta.clone()),
                stage: (!r.command.is_empty()).then(|| r.command.clone()),
                sender: r.sender.clone(),
                recipient: (!r.recipient.is_empty()).then(|| r.recipient.clone()),
                ..Failure::default()
            })
            .collect()
    }
}

/// Where `raw` (one bounce message as pasted) says the record's diagnostic, folded or wrapped as
/// it may be: after the first mention of the recipient when there is one (so that recipients
/// with the same reply get their own place), else anywhere. At least four of its words must
/// match; an encoded body never does.
fn diagnostic_in(raw: &str, r: &BounceRecord) -> Option<Span> {
    let after = (!r.recipient.is_empty())
        .then(|| crate::text::find(raw, &r.recipient))
        .flatten();
    after
        .and_then(|at| crate::text::find_words(raw, at, &r.diagnostic, 4))
        .or_else(|| crate::text::find_words(raw, 0, &r.diagnostic, 4))
}

/// The lines of `text` that `s` touches, line ends (LF, CR or CRLF) excluded.
fn whole_lines(text: &str, s: Span) -> Span {
    let start = text[..s.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let (rest, _) = crate::text::line_end(&text.as_bytes()[s.end..]);
    Span::new(start, s.end + rest)
}

/// One recipient's fate, as the bulk CLI prints it (one JSON line each).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BounceRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub recipient: String,
    /// `failed`, `delayed`, `delivered`, `relayed`, `expanded`, or empty when the bounce
    /// does not say.
    pub action: String,
    /// One of the 36 names in kb/data/bounce-reasons.tsv.
    pub reason: String,
    pub hard: bool,
    /// The most specific enhanced status code; Sisimai's pseudo code (`5.0.911`…) when the
    /// bounce carries none.
    pub status: String,
    pub reply_code: String,
    /// The SMTP command the error answered (`RCPT`, `DATA`, `MAIL`, `HELO`, `EHLO`, `CONN`).
    pub command: String,
    pub remote_mta: String,
    pub reporting_mta: String,
    pub diagnostic: String,
    /// Whose side must act: `sender_server`, `recipient_server`, `network`, `unknown`.
    pub side: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_recipient: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// What the reader could not do for this message (unreadable file, no bounce found,
    /// approximate charset), when anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl BounceRecord {
    /// The record for a file that could not be read at all.
    pub fn unreadable(file: String, why: String) -> BounceRecord {
        BounceRecord {
            file: Some(file),
            reason: "undefined".into(),
            side: "unknown".into(),
            note: Some(why),
            ..BounceRecord::default()
        }
    }
}

/// What auto-replies say when the mailbox itself is no longer read.
const INACTIVE_MAILBOX: &[&str] = &[
    "is no longer in use",
    "is no longer active",
    "is no longer monitored",
    "mailbox has been closed",
    "account has been closed",
    "no longer exists",
];

/// The fixed opening of OpenSMTPD's bounce notice (smtpd's bounce.c), lowercase.
const OPENSMTPD_NOTICE: &str = "this is the mailer-daemon, please do not reply to this e";

/// Longest diagnostic kept in a record (whole paragraphs of prose help nobody).
const MAX_DIAGNOSTIC: usize = 600;

/// Reads one message (whole RFC 5322 message, an mbox entry, or a body pasted without headers).
/// `base` is the message's offset in the paste, for spans.
pub fn parse_message(bytes: &[u8], base: usize) -> (Bounce, Vec<Note>) {
    let span = Span::new(base, base + bytes.len());
    let mut notes = Vec::new();
    let msg = strip_mbox_line(bytes);
    let (head, body) = mime::split_head(msg);
    let header = mime::parse_header(head);
    let walk = if header.fields.is_empty() {
        headless_walk(body)
    } else {
        mime::walk(&header, body)
    };
    for cs in &walk.lossy_charsets {
        notes.push(Note::new(
            span,
            "mime",
            format!(
                "text in charset {cs} was decoded approximately (no decoder for it in this build)"
            ),
        ));
    }
    let records = read_records(&header, &walk);
    if records.len() >= plain::MAX_RECIPIENTS {
        notes.push(Note::new(
            span,
            "bounce",
            format!(
                "this message names more than {} recipients: only the first {0} are reported",
                plain::MAX_RECIPIENTS
            ),
        ));
    }
    if records.iter().all(|r| r.reason == "undefined") {
        notes.push(Note::new(
            span,
            "bounce",
            "no bounce could be recognised in this message",
        ));
    }
    (Bounce { span, records }, notes)
}

/// The messages of an mbox (split at `From ` lines that follow a blank line), or the whole file.
pub fn mbox_messages(b: &[u8]) -> Vec<&[u8]> {
    if !b.starts_with(b"From ") {
        return vec![b];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(rel) = b[i..]
        .windows(7)
        .position(|w| w == b"\n\nFrom " || w == b"\n\r\nFrom")
    {
        let cut = i + rel + 2;
        let cut = if b.get(cut) == Some(&b'\n') {
            cut + 1
        } else {
            cut
        };
        out.push(&b[start..cut]);
        start = cut;
        i = cut;
    }
    out.push(&b[start..]);
    out
}

/// An mbox `From ` separator line is not part of the message.
fn strip_mbox_line(b: &[u8]) -> &[u8] {
    if b.starts_with(b"From ") {
        let end = b
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |i| i + 1);
        return &b[end..];
    }
    b
}

/// A body pasted without its header: when it starts with a MIME boundary line, its parts are
/// still read as parts.
fn headless_walk(body: &[u8]) -> mime::Walk {
    let first = mime::byte_lines(body)
        .map(|(_, l)| l)
        .find(|l| !l.iter().all(u8::is_ascii_whitespace));
    if let Some(boundary) = first
        .and_then(|l| l.strip_prefix(b"--"))
        .filter(|b| b.len() > 4 && !b.contains(&b' ') && !b.starts_with(b"-"))
    {
        let bs = String::from_utf8_lossy(boundary).into_owned();
        let h = mime::Header {
            fields: vec![mime::Field {
                name: "content-type".into(),
                value: format!("multipart/mixed; boundary=\"{bs}\""),
            }],
        };
        return mime::walk(&h, body);
    }
    mime::walk(&mime::Header::default(), body)
}

/// The facts a record is built from, before classification.
#[derive(Default)]
struct Draft {
    recipient: String,
    original_recipient: String,
    action: String,
    declared: Option<EnhancedStatus>,
    diagnostic_type: String,
    diagnostic: String,
    remote_mta: String,
}

fn read_records(header: &mime::Header, walk: &mime::Walk) -> Vec<BounceRecord> {
    let ct = header.content_type();
    let report_type = ct.param("report-type").unwrap_or("").to_ascii_lowercase();

    // The bounce's own text: every decoded part that is not the attached original.
    let mut dsn_text = String::new();
    let mut prose = String::new();
    let mut feedback = report_type == "feedback-report";
    // A bounce forwarded as an attachment (a report about a report) keeps its delivery status
    // inside the attached message: read it when the outer message has none of its own.
    let outer_has_dsn = walk
        .leaves
        .iter()
        .any(|l| !l.original && crate::text::contains(&l.mime, "delivery-status"));
    let nested_dsn = !outer_has_dsn
        && walk
            .leaves
            .iter()
            .any(|l| l.original && crate::text::contains(&l.mime, "delivery-status"));
    for leaf in walk
        .leaves
        .iter()
        .filter(|l| !l.original || nested_dsn && crate::text::contains(&l.mime, "delivery-status"))
    {
        if crate::text::contains(&leaf.mime, "delivery-status") {
            dsn_text.push_str(&leaf.text);
            dsn_text.push_str("\n\n");
        } else if crate::text::contains(&leaf.mime, "feedback-report") {
            feedback = true;
            dsn_text.push_str(&leaf.text);
        } else if leaf.mime.starts_with("text/") || leaf.mime.is_empty() {
            if leaf.mime == "text/html" && !prose.is_empty() {
                continue;
            }
            let text = if leaf.mime == "text/html" {
                strip_html(&leaf.text)
            } else {
                leaf.text.clone()
            };
            prose.push_str(&text);
            prose.push('\n');
        }
    }
    // An original copied inline (no message/rfc822 part) ends the prose.
    let mut inline_original = None;
    if let Some((start, next)) = plain::original_start(&prose) {
        let rest = prose
            .get(next..)
            .unwrap_or("")
            .trim_start_matches(['\r', '\n']);
        let (h, _) = mime::split_head(rest.as_bytes());
        let oh = mime::parse_header(h);
        if !oh.fields.is_empty() {
            inline_original = Some(oh);
        }
        prose.truncate(start);
    }
    let original = walk.original.as_ref().or(inline_original.as_ref());

    let sender_of_bounce = header.get("to").and_then(first_address);
    let (msg, dsn_rcpts) = if !dsn_text.is_empty() {
        dsn::parse(&dsn_text)
    } else if dsn::has_fields(&prose.to_ascii_lowercase()) {
        dsn::parse(&prose)
    } else {
        Default::default()
    };
    let original_sender = original
        .and_then(|o| o.get("from").and_then(first_address))
        .or_else(|| (!msg.sender.is_empty()).then(|| msg.sender.clone()));
    let subject = original.and_then(|o| o.get("subject")).map(str::to_string);
    let message_id = original
        .and_then(|o| o.get("message-id"))
        .map(|s| s.trim().trim_matches(['<', '>']).to_string());

    let mut exclude: Vec<&str> = Vec::new();
    if let Some(s) = sender_of_bounce.as_deref() {
        exclude.push(s);
    }
    if let Some(s) = original_sender.as_deref() {
        exclude.push(s);
    }
    let text = plain::read(&prose, &exclude);
    let prose_lower = prose.to_ascii_lowercase();
    // OpenSMTPD's notice lists each recipient with its own error (`addr: 550 ...`,
    // `addr: Envelope expired`); the delivery-status part that later versions attach restates
    // only the queue state (`Action: delayed`, `Status: 4.4.7` for every delay), never the error.
    // The notice, the MTA's own account, is read instead.
    let mut dsn_rcpts = dsn_rcpts;
    if !text.found.is_empty() && crate::text::contains(&prose_lower, OPENSMTPD_NOTICE) {
        dsn_rcpts.clear();
    }

    let mut drafts: Vec<Draft> = Vec::new();
    if feedback {
        let rcpt = field_in(&dsn_text, "original-rcpt-to")
            .or_else(|| original.and_then(|o| o.get("to").and_then(first_address)))
            .unwrap_or_default();
        let rec = BounceRecord {
            recipient: rcpt,
            action: String::new(),
            reason: "feedback".into(),
            status: String::new(),
            diagnostic: field_in(&dsn_text, "feedback-type").unwrap_or_default(),
            side: "unknown".into(),
            sender: original_sender.clone(),
            subject: subject.clone(),
            message_id: message_id.clone(),
            ..BounceRecord::default()
        };
        return vec![rec];
    }
    for r in &dsn_rcpts {
        let recipient = if r.final_recipient.is_empty() {
            r.original_recipient.clone()
        } else {
            r.final_recipient.clone()
        };
        drafts.push(Draft {
            recipient,
            original_recipient: r.original_recipient.clone(),
            action: r.action.clone(),
            declared: EnhancedStatus::parse(&r.status),
            diagnostic_type: r.diagnostic_type.clone(),
            diagnostic: r.diagnostic.clone(),
            remote_mta: r.remote_mta.clone(),
        });
    }
    // Prose fills what the DSN left out, or stands alone.
    for d in drafts.iter_mut() {
        if let Some(f) = text
            .found
            .iter()
            .find(|f| f.recipient.eq_ignore_ascii_case(&d.recipient))
        {
            if d.diagnostic.is_empty() || !has_code(&d.diagnostic) && has_code(&f.diagnostic) {
                if !d.diagnostic.is_empty() {
                    d.diagnostic.push(' ');
                }
                d.diagnostic.push_str(&f.diagnostic);
            }
        }
    }
    if drafts.is_empty() {
        for f in &text.found {
            drafts.push(Draft {
                recipient: f.recipient.clone(),
                diagnostic: f.diagnostic.clone(),
                ..Draft::default()
            });
        }
    }
    if drafts.is_empty() {
        let failed = header
            .get("x-failed-recipients")
            .and_then(first_address)
            .or_else(|| original.and_then(|o| o.get("to").and_then(first_address)));
        if let Some(rcpt) = failed {
            drafts.push(Draft {
                recipient: rcpt,
                ..Draft::default()
            });
        }
    }

    let auto_reply = is_auto_reply(header);
    if drafts.is_empty() || auto_reply && dsn_rcpts.is_empty() {
        if auto_reply && dsn_rcpts.is_empty() {
            // An automatic answer that says the mailbox itself is out of use is not an absence:
            // the account is gone or disabled.
            let inactive = INACTIVE_MAILBOX
                .iter()
                .any(|p| crate::text::contains(&prose_lower, p))
                || reason::includes("suspend", &prose_lower);
            return vec![BounceRecord {
                recipient: header
                    .get("from")
                    .and_then(first_address)
                    .unwrap_or_default(),
                reason: if inactive { "suspend" } else { "vacation" }.into(),
                status: if inactive {
                    reason::pseudo_status("suspend", true)
                } else {
                    None
                }
                .unwrap_or("")
                .to_string(),
                diagnostic: header.get("subject").unwrap_or("").to_string(),
                side: "unknown".into(),
                subject: header.get("subject").map(str::to_string),
                ..BounceRecord::default()
            }];
        }
        if drafts.is_empty() {
            drafts.push(Draft::default());
        }
    }

    let reporting_mta = if msg.reporting_mta.is_empty() {
        text.reporting_mta.clone()
    } else {
        msg.reporting_mta.clone()
    };
    let looks_like_bounce =
        !dsn_rcpts.is_empty() || !text.found.is_empty() || is_bounce_header(header);
    drafts
        .into_iter()
        .map(|d| {
            let mut rec = classify(
                d,
                &text,
                &prose,
                &prose_lower,
                looks_like_bounce,
                original_sender.as_deref(),
            );
            rec.reporting_mta.clone_from(&reporting_mta);
            rec.sender.clone_from(&original_sender);
            rec.subject.clone_from(&subject);
            rec.message_id.clone_from(&message_id);
            rec
        })
        .collect()
}

fn classify(
    d: Draft,
    text: &plain::Prose,
    prose: &str,
    prose_lower: &str,
    looks_like_bounce: bool,
    sender: Option<&str>,
) -> BounceRecord {
    let mut diag = collapse_spaces(&d.diagnostic);
    if diag.is_empty()
        || !has_code(&diag) && reason::by_phrase(&diag.to_ascii_lowercase()).is_none()
    {
        // The recipient's own lines say nothing usable: the prose's first line that reads like
        // an error stands in (bounces that put the address and the reason in separate blocks).
        if let Some(line) = plain::salient_line(prose) {
            let line = collapse_spaces(line);
            if !diag.contains(line.as_str()) {
                if !diag.is_empty() {
                    diag.push(' ');
                }
                diag.push_str(&line);
            }
        }
    }
    let diag_lower = diag.to_ascii_lowercase();
    let words = diagnostic_status(&diag);
    // The reply code written with the chosen status ("421 4.4.2"), else the first one.
    let reply_code = words
        .and_then(|(_, at)| {
            let before = diag.get(..at)?.trim_end();
            let code = before.get(before.len().checked_sub(3)?..)?;
            let ok =
                before.len() == 3 || !before.as_bytes()[before.len() - 4].is_ascii_alphanumeric();
            code.parse::<u16>()
                .ok()
                .filter(|c| ok && (200..600).contains(c))
        })
        .or_else(|| find_reply_code(&diag).map(|c| c.0).filter(|c| *c >= 400));
    // Only the recipient's own words and fields count: a code elsewhere in the prose may be
    // about another recipient or quoted from the original.
    let status = preferred_status(d.declared, words.map(|w| w.0), reply_code);
    let mut command = text.command.clone();
    if command.is_empty() {
        command = plain::command_in(&diag_lower).unwrap_or_default();
    }
    // A DSN's per-recipient SMTP diagnostic with no stage named is the answer to that
    // recipient's RCPT: replies to the message itself are marked "after end of data" or
    // "in reply to DATA", and the prose reader has found those.
    // (Only a complete DSN group says so: one without its required Status field comes from a
    // gateway that summarises rather than relays the SMTP exchange.)
    // A 5.7.x code is a policy decision (RFC 3463's security or policy class), which receivers
    // take after seeing the message as often as at RCPT: no stage is assumed for it.
    if command.is_empty()
        && !d.action.is_empty()
        && d.declared.is_some()
        && status.is_none_or(|s| s.subject != 7)
        && matches!(d.diagnostic_type.as_str(), "smtp" | "")
        && reply_code.is_some_and(|c| c >= 500)
    {
        command = "RCPT".into();
    }
    let remote_mta = if d.remote_mta.is_empty() {
        text.remote_mta.clone()
    } else {
        d.remote_mta.clone()
    };
    let action = d.action.clone();

    // A receiver's own published error code says more than its wording.
    let vendor = (!matches!(action.as_str(), "delivered" | "relayed" | "expanded"))
        .then(|| {
            vendor::reason(&diag, &diag_lower).or_else(|| {
                diag_lower
                    .is_empty()
                    .then(|| vendor::from_prose(prose_lower))
                    .flatten()
            })
        })
        .flatten();
    let mut reason = vendor.or_else(|| {
        reason::decide(&reason::Evidence {
            status,
            diagnostic: &diag_lower,
            command: &command,
            action: &action,
            diagnostic_type: &d.diagnostic_type,
        })
    });
    if reason.is_none() && diag_lower.is_empty() {
        reason = reason::by_phrase(prose_lower);
    }
    if reason.is_none() && command == "MAIL" {
        reason = Some("rejected");
    }
    let reason = reason.unwrap_or(if looks_like_bounce || !diag.is_empty() {
        "onhold"
    } else {
        "undefined"
    });

    let temporary = action == "delayed"
        || status.map_or_else(
            || {
                // No code: the words say whether the failure was temporary (the bounce says
                // so, or the recipient's own line speaks of retries, as Exim's retry-limit
                // messages do).
                reply_code.is_some_and(|c| c / 100 == 4)
                    || diag_lower.contains("retr")
                    || diag_lower.contains("failing for a long time")
                    || says_temporary(&diag_lower)
                    || says_temporary(prose_lower)
            },
            |s| s.class == 4,
        );
    let permanent = !temporary;
    let status_text = match status {
        Some(s) => s.to_string(),
        None if reason == "delivered" => String::new(),
        None => reason::pseudo_status(reason, permanent)
            .unwrap_or("")
            .to_string(),
    };
    // A refusal by a remote server is the recipient side's, unless that server belongs to the
    // sender's own domain (an outbound relay or smart host of the sender's, refusing to relay
    // for a client it does not know), and not to the recipient's.
    let remote_refused = !remote_mta.is_empty()
        && (within(&remote_mta, domain_of(&d.recipient))
            || !sender.is_some_and(|s| within(&remote_mta, domain_of(s))));
    BounceRecord {
        file: None,
        recipient: d.recipient,
        action,
        reason: reason.to_string(),
        hard: reason::is_hard(reason, permanent),
        status: status_text,
        reply_code: reply_code.map(|c| c.to_string()).unwrap_or_default(),
        command,
        remote_mta,
        reporting_mta: String::new(),
        diagnostic: crate::text::clip(&diag, MAX_DIAGNOSTIC).to_string(),
        side: reason::side(reason, remote_refused).to_string(),
        original_recipient: (!d.original_recipient.is_empty()
            && !d.original_recipient.eq_ignore_ascii_case(&diag_lower))
        .then_some(d.original_recipient),
        sender: None,
        subject: None,
        message_id: None,
        note: None,
    }
}

/// The status to report when the DSN's `Status` field and the diagnostic's words disagree: the
/// more specific of the two, the one whose class matches the reply code, and the diagnostic's
/// when the field holds a catch-all (`X.0.0`, `4.4.7`, `4.7.0`, `5.3.x`, `X.5.x`).
fn preferred_status(
    declared: Option<EnhancedStatus>,
    found: Option<EnhancedStatus>,
    reply_code: Option<u16>,
) -> Option<EnhancedStatus> {
    let (Some(field), Some(words)) = (declared, found) else {
        return declared.or(found);
    };
    if field == words {
        return Some(field);
    }
    if let Some(class) = reply_code.map(|c| (c / 100) as u8) {
        if field.class != words.class {
            if class == field.class {
                return Some(field);
            }
            if class == words.class {
                return Some(words);
            }
        }
    }
    let has_zero = |s: EnhancedStatus| s.subject == 0 || s.detail == 0;
    if field.is_generic() {
        return Some(if words.is_generic() { field } else { words });
    }
    if has_zero(field) && !has_zero(words) {
        return Some(words);
    }
    if words.is_generic() {
        return Some(field);
    }
    let vague = matches!(
        (field.class, field.subject, field.detail),
        (4, 4, 7) | (4, 7, 0)
    ) || field.class == 5 && field.subject == 3
        || field.subject == 5 && matches!(field.detail, 1 | 2 | 4 | 5);
    if vague {
        return Some(words);
    }
    if (field.class, field.subject, field.detail) == (5, 1, 1) {
        return Some(if has_zero(words) || words.subject == 5 {
            field
        } else {
            words
        });
    }
    if (field.class, field.subject, field.detail) == (5, 1, 3) && words.subject == 7 {
        return Some(words);
    }
    Some(field)
}

/// The status code of a diagnostic and its offset: the first one, except that an expiry code
/// (4.4.7) wrapping the code of the last real attempt yields to it.
fn diagnostic_status(diag: &str) -> Option<(EnhancedStatus, usize)> {
    let found = find_statuses(diag);
    let mut first = *found.first()?;
    // A code written right after a reply code (`550 5.7.1`, `550-'5.7.1`) is the answering
    // server's own; a bare one before it is a relaying agent's summary.
    if !after_reply_code(diag, first.1) {
        if let Some(own) = found.iter().find(|s| after_reply_code(diag, s.1)) {
            first = *own;
        }
    }
    let expiry = (first.0.class, first.0.subject, first.0.detail) == (4, 4, 7);
    if expiry {
        if let Some(inner) = found
            .iter()
            .skip(1)
            .find(|s| !s.0.is_generic() && s.0 != first.0)
        {
            return Some(*inner);
        }
    }
    Some(first)
}

/// Whether the status at `at` follows a 4xx/5xx reply code (through `-`, space or a quote).
fn after_reply_code(diag: &str, at: usize) -> bool {
    let before = diag.get(..at).unwrap_or("");
    let trimmed = before.trim_end_matches(['\'', '"', ' ', '-']);
    if before.len() - trimmed.len() > 3 || trimmed.len() < 3 {
        return false;
    }
    let code = &trimmed.as_bytes()[trimmed.len() - 3..];
    let word = trimmed.len() == 3 || !trimmed.as_bytes()[trimmed.len() - 4].is_ascii_alphanumeric();
    word && matches!(code[0], b'4' | b'5') && code[1..].iter().all(u8::is_ascii_digit)
}

/// Whether a (lowercase) text calls the failure temporary or persistent. A notice that calls
/// itself "a temporary failure report" (OpenSMTPD's delay warning) describes the report, not
/// the error: that sentence alone does not count.
fn says_temporary(lower: &str) -> bool {
    lower.contains(" persistent")
        || lower
            .match_indices(" temporar")
            .any(|(i, _)| !lower[i + 1..].starts_with("temporary failure report"))
}

/// Whether `s` holds a failure code (a 4xx/5xx reply or an enhanced status).
fn has_code(s: &str) -> bool {
    find_reply_code(s).is_some_and(|c| c.0 >= 400) || !find_statuses(s).is_empty()
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The domain of an address (`ann@example.org` → `example.org`), or empty.
fn domain_of(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map_or("", |(_, d)| d.trim_end_matches('>'))
}

/// Whether host name `host` is `domain` or a name under it (case-insensitive).
fn within(host: &str, domain: &str) -> bool {
    let (h, d) = (host.trim_end_matches('.'), domain.trim_end_matches('.'));
    if d.is_empty() || h.len() < d.len() {
        return false;
    }
    // Bytes, not a string slice: the cut may fall inside a multi-byte character.
    let (hb, at) = (h.as_bytes(), h.len() - d.len());
    hb[at..].eq_ignore_ascii_case(d.as_bytes()) && (at == 0 || hb[at - 1] == b'.')
}

/// The first address in a header value (`"Ann" <ann@example.org>` → `ann@example.org`).
fn first_address(v: &str) -> Option<String> {
    plain::find_address(v).map(|a| a.0)
}

/// Value of `name:` in a block of fields (ARF reports).
fn field_in(text: &str, name: &str) -> Option<String> {
    crate::text::lines(text).find_map(|l| {
        let (n, v) = l.text.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches(['<', '>']).to_string())
    })
}

/// RFC 3834 auto-replies and the vendor headers that mean the same.
fn is_auto_reply(h: &mime::Header) -> bool {
    let from = h.get("from").unwrap_or("").to_ascii_lowercase();
    if from.contains("mailer-daemon") || from.contains("postmaster") {
        return false;
    }
    let auto = h
        .get("auto-submitted")
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("auto-replied"));
    let vendor = h.has("x-autoreply")
        || h.has("x-autorespond")
        || h.get("precedence")
            .is_some_and(|v| v.eq_ignore_ascii_case("auto_reply"))
        || h.get("x-auto-response-suppress").is_some() && subject_is_auto(h);
    auto || vendor || subject_is_auto(h)
}

fn subject_is_auto(h: &mime::Header) -> bool {
    let s = h.get("subject").unwrap_or("").to_ascii_lowercase();
    [
        "auto:",
        "automatic reply",
        "autoreply",
        "auto-reply",
        "out of office",
        "out of the office",
        "vacation",
    ]
    .iter()
    .any(|p| s.starts_with(p) || s.contains(p) && s.len() < 120 && p.len() > 8)
}

/// Headers that say "this is a delivery report" even when its text says little.
fn is_bounce_header(h: &mime::Header) -> bool {
    let from = h.get("from").unwrap_or("").to_ascii_lowercase();
    let subject = h.get("subject").unwrap_or("").to_ascii_lowercase();
    from.contains("mailer-daemon")
        || from.contains("postmaster")
        || h.has("x-failed-recipients")
        || [
            "undeliver",
            "delivery",
            "returned mail",
            "failure",
            "not delivered",
            "rejected",
        ]
        .iter()
        .any(|p| subject.contains(p))
}

/// Text of an HTML part: tags dropped, common entities decoded. Enough to read a diagnostic.
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push('\n');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_spans_the_whole_lines_of_its_reply_whatever_the_line_ends() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!("x: y{nl}  said: 550 5.1.1 no{nl}  such user (RCPT){nl}z{nl}");
            let at = text.find("550").unwrap();
            let end = text.find(" (RCPT)").unwrap();
            let s = whole_lines(&text, Span::new(at, end));
            assert_eq!(
                &text[s.start..s.end],
                format!("  said: 550 5.1.1 no{nl}  such user (RCPT)"),
                "{nl:?}"
            );
        }
    }

    #[test]
    fn mbox_is_split_at_from_lines() {
        let m = b"From a@example.org Mon\nSubject: one\n\nbody\n\nFrom b@example.org Tue\nSubject: two\n\nx\n";
        let parts = mbox_messages(m);
        assert_eq!(parts.len(), 2);
        assert!(parts[1].starts_with(b"From b@"));
        assert_eq!(mbox_messages(b"Subject: x\n\nFrom here").len(), 1);
    }

    /// A relay refusal, written as Postfix reports it, by `remote` (empty: none named).
    fn relay_bounce(remote: &str) -> String {
        let said = if remote.is_empty() {
            String::new()
        } else {
            format!("host {remote}[192.0.2.7] said: ")
        };
        format!(
            "From: MAILER-DAEMON@out.example.net\nTo: ann@example.net\n\
             Subject: Undelivered Mail Returned to Sender\n\n\
             This is the mail system at host out.example.net.\n\n\
             <bob@example.org>: {said}554 5.7.1 <bob@example.org>: Relay access denied\n\
             \x20   (in reply to RCPT TO command)\n\n\
             ------ This is a copy of the message, including all the headers. ------\n\n\
             From: Ann <ann@example.net>\nTo: bob@example.org\nSubject: hi\n\nhello\n"
        )
    }

    #[test]
    fn relay_refusal_side_depends_on_whose_server_refused() {
        let side = |remote: &str| {
            let (b, _) = parse_message(relay_bounce(remote).as_bytes(), 0);
            let r = &b.records[0];
            assert_eq!(r.reason, "norelaying", "{remote}: {r:?}");
            r.side.clone()
        };
        // The recipient's MX does not take mail for the domain.
        assert_eq!(side("mx.example.org"), "recipient_server");
        // A third-party host on the way to the recipient: still the recipient side.
        assert_eq!(side("mx.example.com"), "recipient_server");
        // The sender's own relay refused: the client must authenticate or use another server.
        assert_eq!(side("smtp.example.net"), "sender_server");
        // No remote server named: the reporting (sender's own) server refused.
        assert_eq!(side(""), "sender_server");
    }

    #[test]
    fn host_within_domain() {
        assert!(within("mx1.Example.org", "example.org"));
        assert!(within("example.org.", "example.org"));
        assert!(!within("badexample.org", "example.org"));
        assert!(!within("mx.example.org", ""));
        assert!(within("m\u{e9}.x.org", "x.org"));
        // The cut falls inside a two-byte character: no panic, no match.
        assert!(!within("\u{e9}\u{e9}", "x"));
        assert_eq!(domain_of("<ann@example.net>"), "example.net");
    }
}
