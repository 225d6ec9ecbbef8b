//! Mail log lines as typed events: Postfix, Exim, Sendmail, Dovecot and Courier, behind syslog
//! (`Jul 18 08:25:19 host prog[pid]: `, also after a `<pri>` priority, and RFC 5424's
//! `<pri>1 timestamp host app procid msgid sd`), RFC 3339 (`2026-03-01T10:00:00.123+00:00 host prog[pid]: `),
//! Exim's own (`2026-03-01 10:00:00 [pid] `), Dovecot's own log file (`Jul 18 08:25:19
//! imap-login: `) or bare (`prog[pid]: `) prefixes; journald's `-- Boot … --` lines are skipped.
//!
//! Lines of other programs and lines of no interest are skipped silently: a log excerpt is full
//! of them. [`LogEvent::failure`] turns rejects, bounces, deferrals, authentication failures, TLS
//! problems and fatal errors into [`Failure`]s.

mod dovecot;
mod exim;
mod postfix;
mod sendmail;

use crate::facts::Failure;
use crate::report::{Note, SegmentKind};
use crate::smtp::reply::{most_specific, parse_reply};
use crate::smtp::EnhancedStatus;
use crate::text::{lines_at, Line, Span};

/// Which mail software wrote the line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Software {
    #[default]
    Postfix,
    Exim,
    Sendmail,
    Dovecot,
    Courier,
}

/// What the line reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The server refused a command (Postfix `reject:`, Exim `rejected RCPT`, Sendmail
    /// `ruleset=… reject=`).
    Reject,
    /// A milter refused (Postfix `milter-reject:`).
    MilterReject,
    /// Postfix `reject_warning:` (would have been refused; `warn_if_reject`). No failure.
    RejectWarning,
    /// A delivery attempt's outcome (see [`LogEvent::delivery`]).
    Delivery,
    /// The remote server's reply to our SMTP client outside a `status=` line (`host … said:`).
    RemoteReply,
    Connect,
    Disconnect,
    /// A queue id's client line (`client=host[ip], sasl_method=PLAIN, sasl_username=…`), an Exim
    /// arrival (`<=`), a Sendmail `from=` line.
    Accepted,
    /// SMTP AUTH failed (Postfix `SASL LOGIN authentication failed`, Exim `authenticator failed`,
    /// Sendmail `AUTH failure`).
    SaslFailure,
    /// IMAP/POP3 login failed (Dovecot `auth failed`, disallowed plaintext auth; Courier
    /// `LOGIN FAILED`).
    LoginFailure,
    /// A successful IMAP/POP3 login.
    Login,
    /// The authentication back end reported a problem (Dovecot `auth: …` password mismatch,
    /// unknown user, database error).
    AuthError,
    /// TLS handshake or library problem.
    Tls,
    /// The software refused its own configuration (Dovecot `Unknown setting`, Postfix
    /// `unknown smtpd restriction`, SASL socket missing).
    ConfigError,
    Fatal,
    Panic,
    Error,
    Warning,
    #[default]
    Other,
}

/// Outcome of one delivery attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    Sent,
    Bounced,
    Deferred,
    /// Gave up after the maximal queue lifetime (Postfix `status=expired`).
    Expired,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Bounced => "bounced",
            DeliveryStatus::Deferred => "deferred",
            DeliveryStatus::Expired => "expired",
        }
    }
}

/// One log line, typed. Every `Option` is filled only when the line says it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogEvent {
    /// The whole line.
    pub span: Span,
    pub timestamp: Option<String>,
    pub host: Option<String>,
    /// The syslog tag without pid (`postfix/submission/smtpd`, `dovecot`, `exim4`, `sendmail`),
    /// or the Dovecot process name when Dovecot writes its own log (`imap-login`).
    pub program: String,
    pub pid: Option<u32>,
    pub software: Software,
    /// The daemon: Postfix `smtpd`/`smtp`/`cleanup`…, Dovecot `imap-login`/`auth`/`lmtp`….
    pub process: Option<String>,
    /// Postfix `master.cf` service name: `postfix/smtpd` → `smtp` (the default inet service),
    /// `postfix/submission/smtpd` → `submission`, `postfix/relay/smtp` → `relay`.
    pub service: Option<String>,
    /// Postfix instance from a multi-instance tag (`postfix-out/smtp` → `postfix-out`).
    pub instance: Option<String>,
    /// Severity word the line carries (`warning`, `fatal`, Dovecot `Error`, `Fatal` …).
    pub level: Option<String>,
    pub kind: EventKind,
    pub queue_id: Option<String>,
    /// SMTP stage (`CONNECT`, `HELO`, `MAIL`, `RCPT`, `DATA`, `AUTH`, `STARTTLS`).
    pub stage: Option<String>,
    pub client_host: Option<String>,
    pub client_ip: Option<String>,
    pub helo: Option<String>,
    pub proto: Option<String>,
    pub sasl_method: Option<String>,
    /// SMTP AUTH user name, or the IMAP/POP3 login user.
    pub sasl_username: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub orig_to: Option<String>,
    /// Postfix/Sendmail `relay=` (next hop), Exim `H=` of a delivery.
    pub relay: Option<String>,
    pub delay: Option<String>,
    /// Declared `dsn=` status.
    pub dsn: Option<EnhancedStatus>,
    pub delivery: Option<DeliveryStatus>,
    pub reply_code: Option<u16>,
    /// The most specific enhanced status the line gives (declared dsn, else found in the text).
    pub status: Option<EnhancedStatus>,
    /// Reply words without code and status, or the line's own explanation.
    pub reply_text: Option<String>,
    pub reply_span: Option<Span>,
    /// Dovecot `lip=` (the server address the client reached).
    pub local_ip: Option<String>,
    /// Whether the session used TLS, when the line tells.
    pub tls: Option<bool>,
    /// The message after tag and level.
    pub text: String,
    pub text_span: Span,
    /// Spans of the fields read (`"client"`, `"to"`, `"from"`, `"sasl_username"`, `"reply"`, …).
    pub fields: Vec<(&'static str, Span)>,
}

impl LogEvent {
    /// The span of a field read from the line (`"to"`, `"client"`, `"sasl_username"`, …).
    pub fn field_span(&self, name: &str) -> Option<Span> {
        self.fields.iter().find(|f| f.0 == name).map(|f| f.1)
    }

    /// Records a field's span and returns its value, owned.
    fn field(&mut self, line: &Line<'_>, name: &'static str, value: &str) -> String {
        if is_within(line.text, value) {
            self.fields.push((name, line.sub_span(value)));
        }
        value.to_owned()
    }

    /// Reads an SMTP reply at `reply` (a slice of the line): code, status (most specific, with the
    /// declared `dsn` first), text and span.
    fn set_reply(&mut self, line: &Line<'_>, reply: &str) {
        let reply = reply.trim();
        if reply.is_empty() {
            return;
        }
        match parse_reply(reply) {
            Some(r) => {
                self.reply_code = r.code;
                self.status = most_specific(self.dsn.or(r.status), reply);
                self.reply_text = Some(r.text.to_owned());
            }
            None => {
                self.status = most_specific(self.dsn, reply);
                self.reply_text = Some(reply.to_owned());
            }
        }
        if is_within(line.text, reply) {
            let span = line.sub_span(reply);
            self.reply_span = Some(span);
            self.fields.push(("reply", span));
        }
    }

    /// `host[ip]` / `host[ip]:port` → client host and ip.
    fn set_client(&mut self, line: &Line<'_>, hostip: &str) {
        if let Some((h, ip)) = host_ip(hostip) {
            if !h.is_empty() {
                self.client_host = Some(self.field(line, "client_host", h));
            }
            self.client_ip = Some(self.field(line, "client", ip));
        }
    }

    /// The failure this event reports, if it reports one.
    pub fn failure(&self) -> Option<Failure> {
        let failed = match self.kind {
            EventKind::Reject
            | EventKind::MilterReject
            | EventKind::SaslFailure
            | EventKind::LoginFailure
            | EventKind::AuthError
            | EventKind::Tls
            | EventKind::ConfigError
            | EventKind::Fatal
            | EventKind::Panic
            | EventKind::Error => true,
            EventKind::Delivery => matches!(
                self.delivery,
                Some(DeliveryStatus::Bounced | DeliveryStatus::Deferred | DeliveryStatus::Expired)
            ),
            EventKind::RemoteReply => self.reply_code.is_some_and(|c| c >= 400),
            _ => false,
        };
        if !failed {
            return None;
        }
        Some(Failure {
            source: Some(SegmentKind::MailLog),
            span: self.span,
            reply_span: self.reply_span,
            reply_code: self.reply_code,
            status: self.status.map(|s| s.to_string()),
            text: self.reply_text.clone().unwrap_or_else(|| self.text.clone()),
            reporter: Some(self.program.clone()),
            stage: self.stage.clone(),
            client_host: self.client_host.clone(),
            client_ip: self.client_ip.clone(),
            sasl_username: self.sasl_username.clone(),
            // The user a failed login names is the one it tried.
            authenticated: match self.kind {
                EventKind::SaslFailure | EventKind::LoginFailure | EventKind::AuthError => {
                    Some(false)
                }
                _ => self.sasl_username.as_ref().map(|_| true),
            },
            sender: self.from.clone().filter(|s| !s.is_empty()),
            recipient: self.to.clone().filter(|s| !s.is_empty()),
            helo: self.helo.clone(),
            port: None,
            tls: self.tls,
            service: self.service.clone(),
        })
    }
}

/// True when `part` is a sub-slice of `whole` (so spans can be computed from pointers).
fn is_within(whole: &str, part: &str) -> bool {
    let w = whole.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    p >= w && p + part.len() <= w + whole.len()
}

/// `host[ip]`, `host[ip]:port`, `[ip]` → (host, ip).
pub(crate) fn host_ip(s: &str) -> Option<(&str, &str)> {
    let (h, rest) = s.split_once('[')?;
    let (ip, _) = rest.split_once(']')?;
    Some((h.trim(), ip))
}

/// Value of `key` followed by `<…>` (`from=<a@example.net>`): the address without brackets.
/// Empty brackets give `Some("")`; a key without brackets gives the word up to `,`, `;` or space.
pub(crate) fn angle_value<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let at = find_key(s, key)?;
    let rest = &s[at + key.len()..];
    if let Some(r) = rest.strip_prefix('<') {
        let end = r.find('>').unwrap_or(r.len());
        return Some(&r[..end]);
    }
    let end = rest
        .find(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Value of `key` up to the next `, ` (or end): `relay=mx.example.org[192.0.2.1]:25`.
pub(crate) fn comma_value<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let at = find_key(s, key)?;
    let rest = &s[at + key.len()..];
    let end = crate::text::find(rest, ", ").unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches(','))
}

/// Position of `key` where it starts a word (after start, space, `,`, `;` or `(`).
pub(crate) fn find_key(s: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = crate::text::find(s.get(from..)?, key) {
        let at = from + i;
        let ok = at == 0
            || matches!(
                s.as_bytes().get(at - 1),
                Some(b' ' | b',' | b';' | b'(' | b'\t')
            );
        if ok {
            return Some(at);
        }
        from = at + key.len();
    }
    None
}

/// The recognised prefix of a line.
struct Prefix<'a> {
    timestamp: Option<&'a str>,
    host: Option<&'a str>,
    /// `prog` of `prog[pid]:`; None for Exim's own log format.
    tag: Option<&'a str>,
    /// The whole tag word (`imap(ann@example.net)<42><s>:` keeps its user part).
    tag_word: &'a str,
    pid: Option<u32>,
    msg: &'a str,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The first whitespace-separated word and the rest (leading spaces removed).
fn word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

fn is_time(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
        && (b.len() == 8 || b[8] == b'.' || b[8] == b',')
}

fn is_date(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

/// `prog[pid]:` or `prog:` → (prog, pid). `strict` (no timestamp before it) asks for a pid, a
/// `/` or a known mail program, so prose like `Note:` is not a tag.
fn tag(w: &str, strict: bool) -> Option<(&str, Option<u32>)> {
    if w.contains(['(', '<']) {
        // Dovecot's own log file: `imap(ann@example.net)<42><sess>:`, `auth-worker(7):`.
        return dovecot::process_word(w).map(|(p, _)| (p, None));
    }
    let w = w.strip_suffix(':')?;
    let (name, pid) = match w.split_once('[') {
        Some((n, p)) => (n, Some(p.strip_suffix(']')?.parse().ok()?)),
        None => (w, None),
    };
    if name.is_empty()
        || name.len() > 64
        || !name.bytes().next()?.is_ascii_alphabetic()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'@'))
    {
        return None;
    }
    if strict && pid.is_none() && !name.contains('/') && software_of(name).is_none() {
        return None;
    }
    Some((name, pid))
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A syslog priority as a line received over the network starts (`<22>`, RFC 3164/5424), taken
/// off: the rest of the line, and whether it is RFC 5424 (`<22>1 2026-03-01T10:00:00Z host app
/// procid msgid [sd] msg`).
pub(crate) fn strip_priority(s: &str) -> Option<(&str, bool)> {
    let r = s.strip_prefix('<')?;
    let close = r.find('>')?;
    if !(1..=3).contains(&close) || !r[..close].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let r = &r[close + 1..];
    Some(match r.strip_prefix("1 ") {
        Some(v1) => (v1, true),
        None => (r, false),
    })
}

/// The structured data of an RFC 5424 line (`-`, or `[id k="v"]…`) and what follows it.
fn skip_structured_data(s: &str) -> &str {
    if let Some(r) = s.strip_prefix('-') {
        return r.strip_prefix(' ').unwrap_or(r);
    }
    let b = s.as_bytes();
    let (mut i, mut depth, mut quoted) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'\\' if quoted => i += 1,
            b'"' if depth > 0 => quoted = !quoted,
            b'[' if !quoted => depth += 1,
            b']' if !quoted && depth > 0 => {
                depth -= 1;
                if depth == 0 && b.get(i + 1) != Some(&b'[') {
                    let r = &s[i + 1..];
                    return r.strip_prefix(' ').unwrap_or(r);
                }
            }
            b' ' if depth == 0 => return &s[i + 1..],
            _ => {}
        }
        i += 1;
    }
    ""
}

/// `timestamp host app procid msgid sd msg` after `<pri>1 `; `-` stands for a missing field.
fn rfc5424_prefix(s: &str) -> Option<Prefix<'_>> {
    let (ts, r) = word(s);
    let (host, r) = word(r);
    let (app, r) = word(r);
    let (procid, r) = word(r);
    let (_msgid, r) = word(r);
    let date_ok = ts == "-" || ts.get(..10).is_some_and(is_date);
    if !date_ok || app.is_empty() || procid.is_empty() {
        return None;
    }
    fn known(w: &str) -> Option<&str> {
        Some(w).filter(|w| *w != "-")
    }
    let msg = skip_structured_data(r);
    // A BOM may start the message (RFC 5424 section 6.4).
    let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
    Some(Prefix {
        timestamp: known(ts),
        host: known(host),
        tag: known(app),
        tag_word: app,
        pid: procid.parse().ok(),
        msg,
    })
}

fn parse_prefix(s: &str) -> Option<Prefix<'_>> {
    // Forum quoting (`> `) and indentation are not part of the line.
    let s = crate::segment::unquote(s).trim_start();
    // As a syslog server received it: `<22>` before the usual line, or RFC 5424.
    let s = match strip_priority(s) {
        Some((r, true)) => return rfc5424_prefix(r),
        Some((r, false)) => r,
        None => s,
    };
    let (w1, rest1) = word(s);
    // journald `-o short-full`: `Tue 2026-12-01 10:00:00 UTC host prog[pid]: …`.
    if WEEKDAYS.contains(&w1) {
        let (date, r) = word(rest1);
        let (time, r) = word(r);
        let (tz, r) = word(r);
        let tz_ok = !tz.is_empty()
            && tz.len() <= 6
            && tz
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-');
        if !(is_date(date) && date.len() == 10 && is_time(time) && tz_ok) {
            return None;
        }
        let ts_end = tz.as_ptr() as usize - s.as_ptr() as usize + tz.len();
        return after_timestamp(&s[..ts_end], r, false);
    }
    // Syslog: `Jul 18 08:25:19` (also with fractions, `-o short-precise`).
    if MONTHS.contains(&w1) {
        let (day, r) = word(rest1);
        let (time, r) = word(r);
        if !(day.len() <= 2 && day.bytes().all(|b| b.is_ascii_digit()) && is_time(time)) {
            return None;
        }
        let ts_end = time.as_ptr() as usize - s.as_ptr() as usize + time.len();
        return after_timestamp(&s[..ts_end], r, false);
    }
    if is_date(w1) {
        if w1.len() > 10 && w1.as_bytes().get(10) == Some(&b'T') {
            return after_timestamp(w1, rest1, false);
        }
        let (time, r) = word(rest1);
        if is_time(time) {
            let mut ts_end = time.as_ptr() as usize - s.as_ptr() as usize + time.len();
            let mut r = r;
            let (tz, r2) = word(r);
            if (tz.starts_with('+') || tz.starts_with('-'))
                && tz.len() == 5
                && tz[1..].bytes().all(|b| b.is_ascii_digit())
            {
                ts_end = tz.as_ptr() as usize - s.as_ptr() as usize + tz.len();
                r = r2;
            }
            return after_timestamp(&s[..ts_end], r, true);
        }
        return None;
    }
    let (name, pid) = tag(w1, true)?;
    Some(Prefix {
        timestamp: None,
        host: None,
        tag: Some(name),
        tag_word: w1,
        pid,
        msg: rest1,
    })
}

/// After the timestamp: `host prog[pid]: msg`, `prog[pid]: msg`, or (date-time form only)
/// Exim's `[pid] msg` / `msg`.
fn after_timestamp<'a>(ts: &'a str, rest: &'a str, exim_possible: bool) -> Option<Prefix<'a>> {
    let (w1, r1) = word(rest);
    if let Some((name, pid)) = tag(w1, false) {
        return Some(Prefix {
            timestamp: Some(ts),
            host: None,
            tag: Some(name),
            tag_word: w1,
            pid,
            msg: r1,
        });
    }
    let (w2, r2) = word(r1);
    if let Some((name, pid)) = tag(w2, false) {
        return Some(Prefix {
            timestamp: Some(ts),
            host: Some(w1),
            tag: Some(name),
            tag_word: w2,
            pid,
            msg: r2,
        });
    }
    if !exim_possible {
        return None;
    }
    // Exim main log: optional `[pid]` (log_selector +pid), then the message.
    let (pid, msg) = match w1.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
        Some(p) => (p.parse().ok(), r1),
        None => (None, rest),
    };
    Some(Prefix {
        timestamp: Some(ts),
        host: None,
        tag: None,
        tag_word: "",
        pid,
        msg,
    })
}

/// Mail software from a syslog tag (`postfix/smtpd`, `exim4`, `sm-mta`, `dovecot`, `imap-login`).
fn software_of(tag: &str) -> Option<Software> {
    let first = tag.split('/').next().unwrap_or(tag);
    if first.starts_with("postfix") || matches!(first, "postconf" | "postmap" | "postsuper") {
        return Some(Software::Postfix);
    }
    if first.starts_with("exim") {
        return Some(Software::Exim);
    }
    if matches!(first, "sendmail" | "sm-mta" | "sm-msp-queue") {
        return Some(Software::Sendmail);
    }
    if matches!(
        first,
        "imapd" | "imapd-ssl" | "pop3d" | "pop3d-ssl" | "courierpop3login" | "courier-imapd"
    ) {
        return Some(Software::Courier);
    }
    if first == "dovecot" || dovecot::is_process(first) {
        return Some(Software::Dovecot);
    }
    None
}

/// Parses the log lines of one segment whose first byte is at `base` of the paste.
pub fn parse(text: &str, base: usize) -> (Vec<LogEvent>, Vec<Note>) {
    let mut events = Vec::new();
    let mut notes = Vec::new();
    for line in lines_at(text, base) {
        if let Some(ev) = parse_line(&line, &mut notes) {
            events.push(ev);
        }
    }
    (events, notes)
}

/// One line as an event; None for lines of other programs, journald markers and blank lines.
pub fn parse_line(line: &Line<'_>, notes: &mut Vec<Note>) -> Option<LogEvent> {
    let p = parse_prefix(line.text)?;
    let software = match p.tag {
        Some(t) => software_of(t)?,
        None => Software::Exim,
    };
    let mut ev = LogEvent {
        span: line.span(),
        timestamp: p.timestamp.map(str::to_owned),
        host: p.host.map(str::to_owned),
        program: p.tag.unwrap_or("exim").to_owned(),
        pid: p.pid,
        software,
        text: p.msg.to_owned(),
        text_span: if is_within(line.text, p.msg) {
            line.sub_span(p.msg)
        } else {
            line.span()
        },
        ..Default::default()
    };
    match software {
        Software::Postfix => postfix::read(&mut ev, line, p.msg, notes),
        Software::Exim => exim::read(&mut ev, line, p.msg),
        Software::Sendmail => sendmail::read(&mut ev, line, p.msg),
        Software::Dovecot => dovecot::read(&mut ev, line, p.tag_word, p.msg),
        Software::Courier => dovecot::read_courier(&mut ev, line, p.msg),
    }
    Some(ev)
}

/// `(in reply to RCPT TO command)` / `after RCPT TO:<…>` / `end of DATA` → the SMTP stage.
pub(crate) fn stage_of_command(s: &str) -> Option<&'static str> {
    let u = s.to_ascii_uppercase();
    let pos = |needle: &str| crate::text::find(&u, needle);
    [
        ("RCPT TO", "RCPT"),
        ("MAIL FROM", "MAIL"),
        ("END OF DATA", "DATA"),
        ("DATA", "DATA"),
        ("BDAT", "DATA"),
        ("STARTTLS", "STARTTLS"),
        ("AUTH", "AUTH"),
        ("EHLO", "HELO"),
        ("HELO", "HELO"),
        ("INITIAL SERVER GREETING", "CONNECT"),
        ("GREETING", "CONNECT"),
        ("QUIT", "QUIT"),
    ]
    .iter()
    .filter_map(|(needle, stage)| pos(needle).map(|p| (p, *stage)))
    .min_by_key(|(p, _)| *p)
    .map(|(_, s)| s)
}

#[cfg(test)]
mod tests;
