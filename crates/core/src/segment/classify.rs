//! What one line looks like on its own (before its neighbours are considered): a Postfix or
//! Dovecot setting, a section brace, a `master.cf` service, a log line, an SMTP command or reply,
//! a bounce or mail-client marker, or plain text. Each test looks at one line only, in time
//! linear in its length.

use crate::text::PhraseIndex;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Class {
    Blank,
    /// `# …` (not a banner, not a commented-out service).
    Comment,
    /// `# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf` — holds the version.
    DoveBanner(String),
    /// `name = value` with a Postfix parameter name.
    PostfixDef,
    /// `name = value` with a Dovecot setting name.
    DovecotDef,
    /// `name = value` with a name both know, or neither (`paramlike`: lower-case with `_`,
    /// as user-defined Postfix variables and misspelt names are).
    OtherDef {
        paramlike: bool,
    },
    /// Dovecot `name [label] {`.
    SectionOpen,
    /// A lone `}`.
    SectionClose,
    /// Dovecot `!include` / `!include_try`.
    Include,
    /// `smtp inet n - y - - smtpd …`; `commented` when written behind `#`.
    MasterService {
        commented: bool,
    },
    /// `-o name=value` (possibly behind `#`).
    MasterOption,
    /// A mail log line (syslog, RFC 3339, Exim/ISO, journald).
    Log,
    /// A client command (`EHLO`, `MAIL FROM:`, …) or a direction-marked line (`S: 250 ok`).
    SmtpCommand,
    /// A bare reply (`250-PIPELINING`, `554 5.7.1 …`) or telnet chatter.
    SmtpReply,
    /// A header that marks a bounce (`From: MAILER-DAEMON`, `Content-Type: multipart/report`, …).
    BounceHeader,
    /// A line that starts a bounce's visible body (`This is the mail system at host …`).
    BounceBody,
    /// `Name: value` (an RFC 5322 header shape).
    HeaderLike,
    /// Words of a mail client's error dialog (Outlook, Thunderbird, Apple Mail).
    ClientMarker,
    Text,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// What line `t` (trimmed) is; `lower` is a buffer for its lower-case copy, kept from line to
/// line.
pub fn classify(t: &str, lower: &mut String) -> Class {
    if t.is_empty() {
        return Class::Blank;
    }
    if is_log_line(t) {
        return Class::Log;
    }
    if let Some(rest) = t.strip_prefix('#') {
        if let Some(v) = dove_banner(rest) {
            return Class::DoveBanner(v);
        }
        let r = rest.trim_start();
        // A root prompt before a session tool (`# telnet mx.example.net 25`, `# exim -bh …`).
        if is_session_chatter(&t.to_ascii_lowercase()) {
            return Class::SmtpReply;
        }
        if is_master_service(r) {
            return Class::MasterService { commented: true };
        }
        if r.starts_with("-o ") || r.starts_with("-o{") {
            return Class::MasterOption;
        }
        return Class::Comment;
    }
    if t == "}" {
        return Class::SectionClose;
    }
    if t.starts_with("!include") {
        return Class::Include;
    }
    // `openssl s_client` prints the certificate chain as `depth=1 C = US, …`.
    if t.starts_with("depth=") && t.contains(" = ") {
        return Class::SmtpReply;
    }
    if let Some(c) = definition(t) {
        return c;
    }
    if is_master_service(t) {
        return Class::MasterService { commented: false };
    }
    if t.starts_with("-o ") || t.starts_with("-o{") {
        return Class::MasterOption;
    }
    if is_section_open(t) {
        return Class::SectionOpen;
    }
    lower.clear();
    lower.push_str(t);
    lower.make_ascii_lowercase();
    let lower = lower.as_str();
    if let Some(c) = smtp_line(t, lower) {
        return c;
    }
    if is_bounce_header(lower) {
        return Class::BounceHeader;
    }
    if is_bounce_body(lower) {
        return Class::BounceBody;
    }
    if is_client_marker(lower) {
        return Class::ClientMarker;
    }
    if is_header_like(t) {
        return Class::HeaderLike;
    }
    Class::Text
}

fn is_param_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `name = value` / `name=value` / `name =`.
fn definition(t: &str) -> Option<Class> {
    let (name, _) = t.split_once('=')?;
    let name = name.trim_end();
    if !is_param_name(name) || name.starts_with('-') {
        return None;
    }
    let pf = crate::postfix::params::is_known(name)
        || crate::postfix::params::is_transport_specific(name);
    let dv = is_dovecot_setting(name);
    Some(match (pf, dv) {
        (true, false) => Class::PostfixDef,
        (false, true) => Class::DovecotDef,
        _ => Class::OtherDef {
            paramlike: name.contains('_')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        },
    })
}

fn is_dovecot_setting(name: &str) -> bool {
    crate::dovecot::settings::setting_row(name).is_some()
}

/// `# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf` → `2.3.16`.
fn dove_banner(rest: &str) -> Option<String> {
    let r = rest.trim_start();
    let end = r.find([' ', ':'])?;
    let ver = &r[..end];
    let ok = ver.starts_with(|c: char| c.is_ascii_digit())
        && ver.contains('.')
        && ver
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !ok {
        return None;
    }
    let after = &r[end..];
    let after = match after.trim_start().strip_prefix('(') {
        Some(x) => x.split_once(')')?.1,
        None => after,
    };
    let path = after.trim_start().strip_prefix(':')?.trim();
    (path.starts_with('/') && path.contains(".conf")).then(|| ver.to_owned())
}

fn is_master_service(t: &str) -> bool {
    // Most lines are no entry: their second word, read by bytes, is no service type.
    if two_ascii_words(t)
        .is_some_and(|(_, kind)| !matches!(kind, "inet" | "unix" | "unix-dgram" | "fifo" | "pass"))
    {
        return false;
    }
    let mut f = t.split_whitespace();
    let (Some(_name), Some(kind)) = (f.next(), f.next()) else {
        return false;
    };
    if !matches!(kind, "inet" | "unix" | "unix-dgram" | "fifo" | "pass") {
        return false;
    }
    // Three flags (private, unprivileged, chroot), read without collecting them.
    if !(0..3).all(|_| f.next().is_some_and(|x| matches!(x, "y" | "n" | "-"))) {
        return false;
    }
    let wakeup = f.next().unwrap_or("");
    let maxproc = f.next().unwrap_or("");
    let command = f.next().unwrap_or("");
    let numberish = |s: &str| {
        !s.is_empty()
            && s.trim_end_matches('?')
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-')
    };
    numberish(wakeup) && numberish(maxproc) && !command.is_empty()
}

/// The first two words of `t` (the second may be empty), split at ASCII whitespace as
/// `split_whitespace` would; `None` when a non-ASCII byte comes first (it may be a wide space).
fn two_ascii_words(t: &str) -> Option<(&str, &str)> {
    let b = t.as_bytes();
    let space = |c: u8| matches!(c, b'\t'..=b'\r' | b' ');
    let mut words = [(0, 0); 2];
    let mut i = 0;
    for w in &mut words {
        while i < b.len() && space(b[i]) {
            i += 1;
        }
        let start = i;
        while i < b.len() && !space(b[i]) {
            if !b[i].is_ascii() {
                return None;
            }
            i += 1;
        }
        *w = (start, i);
    }
    Some((&t[words[0].0..words[0].1], &t[words[1].0..words[1].1]))
}

fn is_section_open(t: &str) -> bool {
    let Some(head) = t.strip_suffix('{') else {
        return false;
    };
    let head = head.trim_end();
    let mut words = head.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let named_ok = first
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    // At most a label after the name (possibly quoted with spaces, or a path).
    named_ok && !head.contains('=') && head.split_whitespace().count() <= 4
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `HH:MM:SS` optionally followed by a fraction.
fn is_clock(s: &str) -> bool {
    let main = s.split(['.', ',']).next().unwrap_or("");
    let mut p = main.split(':');
    matches!((p.next(), p.next(), p.next(), p.next()),
        (Some(h), Some(m), Some(sec), None) if digits(h, 2) && digits(m, 2) && digits(sec, 2))
}

/// `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let mut p = s.split('-');
    matches!((p.next(), p.next(), p.next(), p.next()),
        (Some(y), Some(m), Some(d), None) if digits(y, 4) && digits(m, 2) && digits(d, 2))
}

/// A program tag such as `postfix/smtpd[29282]:`, `imapd:`, `dovecot:`, `sm-mta[123]:`.
fn is_tag(s: &str) -> bool {
    let Some(body) = s.strip_suffix(':') else {
        return false;
    };
    let name = body.split('[').next().unwrap_or("");
    !name.is_empty()
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
}

pub fn is_log_line(t: &str) -> bool {
    if t.starts_with("-- Logs begin at")
        || t.starts_with("-- Journal begins at")
        || t.starts_with("-- No entries --")
        || t.starts_with("-- Boot ")
    {
        return true;
    }
    // As a syslog server received it: `<22>` before the usual line, or RFC 5424 (`<22>1
    // 2026-03-01T10:00:00Z host app procid msgid …`).
    let t = match crate::log::strip_priority(t) {
        Some((r, true)) => {
            let mut w = r.split_whitespace();
            let ts = w.next().unwrap_or("");
            return (ts == "-" || ts.get(..10).is_some_and(is_date)) && w.nth(2).is_some();
        }
        Some((r, false)) => r,
        None => t,
    };
    // Every form below opens with a weekday, a month or a date: a line starting otherwise (a
    // setting, prose) is no log line, without splitting it into words.
    if !t
        .trim_start()
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b"ADFJMNOSTW".contains(&b))
    {
        return false;
    }
    let mut w = t.split_whitespace();
    let Some(first) = w.next() else {
        return false;
    };
    // journald `-o short-full`: `Tue 2026-12-01 10:00:00 UTC host prog[pid]: …`.
    if WEEKDAYS.contains(&first) {
        let (Some(date), Some(clock), Some(_tz)) = (w.next(), w.next(), w.next()) else {
            return false;
        };
        if !(is_date(date) && is_clock(clock)) {
            return false;
        }
        let a = w.next().unwrap_or("");
        let b = w.next().unwrap_or("");
        return is_tag(a) || is_tag(b);
    }

    // Syslog: `Jul 18 08:25:19 host prog[pid]: …` (or without host: Dovecot's own log file).
    if MONTHS.contains(&first) {
        let (Some(day), Some(clock)) = (w.next(), w.next()) else {
            return false;
        };
        if !(day.len() <= 2 && day.bytes().all(|b| b.is_ascii_digit()) && is_clock(clock)) {
            return false;
        }
        let a = w.next().unwrap_or("");
        let b = w.next().unwrap_or("");
        return is_tag(a) || is_tag(b);
    }
    // RFC 3339: `2024-03-01T10:00:00.123+01:00 host prog[pid]: …`.
    if let Some((d, rest)) = first.split_once('T') {
        if is_date(d) && rest.len() >= 8 && is_clock(rest.get(..8).unwrap_or("")) {
            let a = w.next().unwrap_or("");
            let b = w.next().unwrap_or("");
            return is_tag(a) || is_tag(b);
        }
        return false;
    }
    // Exim and other ISO-dated logs: `2015-06-12 05:12:36 …`.
    if is_date(first) {
        return w.next().is_some_and(is_clock) && w.next().is_some();
    }
    false
}

const SMTP_COMMANDS: [&str; 14] = [
    "ehlo ",
    "helo ",
    "mail from:",
    "rcpt to:",
    "data",
    "quit",
    "rset",
    "auth ",
    "starttls",
    "noop",
    "vrfy ",
    "bdat ",
    "lhlo ",
    "xclient ",
];

/// How much a direction marker says on its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Only swaks writes these (`<~`, `~>`, `<**`, `<~*`): whatever follows is SMTP.
    Sure,
    /// Common enough elsewhere (`->`, `C:`, `>>>`): SMTP when a command or reply follows, and
    /// otherwise only next to other SMTP lines.
    Weak,
    /// `In:`/`Out:`: SMTP only when a command or reply follows.
    Strict,
}

/// The direction marker a transcript puts before a line, and the text after it.
pub fn strip_direction(s: &str) -> Option<(&str, Marker)> {
    const MARKS: [(&str, Marker); 16] = [
        ("<~*", Marker::Sure),
        ("<**", Marker::Sure),
        ("<~", Marker::Sure),
        ("~>", Marker::Sure),
        ("<<<", Marker::Weak),
        (">>>", Marker::Weak),
        ("<-", Marker::Weak),
        ("->", Marker::Weak),
        ("C:", Marker::Weak),
        ("S:", Marker::Weak),
        ("[C]", Marker::Weak),
        ("[S]", Marker::Weak),
        ("Out:", Marker::Strict),
        ("In:", Marker::Strict),
        ("===", Marker::Weak),
        ("***", Marker::Weak),
    ];
    // Asked of most lines: those whose first byte opens no marker are out at once.
    const OPENS: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < MARKS.len() {
            t[MARKS[i].0.as_bytes()[0] as usize] = true;
            i += 1;
        }
        t
    };
    if !s.bytes().next().is_some_and(|b| OPENS[usize::from(b)]) {
        return None;
    }
    for (p, m) in MARKS {
        if let Some(r) = s.strip_prefix(p) {
            // Word markers need a space after them (`C:\path`, `S:ubject` are no markers).
            if p.ends_with(':') && !(r.is_empty() || r.starts_with([' ', '\t'])) {
                continue;
            }
            return Some((r.trim_start(), m));
        }
    }
    None
}

/// The reply code a transcript line holds (`354 go ahead`, `<-  334 VXNl…`, `S: 250 ok`).
pub fn transcript_reply_code(t: &str) -> Option<u16> {
    let body = strip_direction(t).map_or(t, |(b, _)| b);
    if !is_reply(body) {
        return None;
    }
    body.get(..3)?.parse().ok()
}

/// A transcript line's text without its direction marker.
pub fn transcript_body(t: &str) -> &str {
    strip_direction(t).map_or(t, |(b, _)| b).trim()
}

fn is_reply(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3
        && matches!(b[0], b'2'..=b'5')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && matches!(b.get(3), None | Some(b' ') | Some(b'-'))
}

/// What telnet, netcat, `openssl s_client` and swaks print around a session, and the commands
/// that start one.
fn is_session_chatter(lower: &str) -> bool {
    let l = lower.trim_start_matches(['$', '#']).trim_start();
    // Asked of most lines: only the first word, unless it names a tool.
    let mut words = l.split_whitespace();
    // `telnet mx.example.net 25`, `nc -v mx.example.net 587`, `swaks --to …`.
    let tool_command = match words.next() {
        Some("telnet" | "nc") => {
            let rest: Vec<&str> = words.take(5).collect();
            (1..=3).contains(&rest.len())
                && rest
                    .last()
                    .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
        }
        Some("swaks") => words.next().is_some_and(|w| w.starts_with('-')),
        Some("exim" | "exim4") => words.next() == Some("-bh"),
        _ => false,
    };
    tool_command
        || (l.starts_with("trying ") && l.ends_with("..."))
        || [
            "connected to ",
            "escape character is",
            "connection closed by foreign host",
            "openssl s_client",
            "connected(",
            // `exim -bh` shows what it would log.
            "log: ",
            "depth=",
            "verify return:",
            "verify error:",
        ]
        .iter()
        .any(|p| l.starts_with(p))
}

fn smtp_line(t: &str, lower: &str) -> Option<Class> {
    let (marker, body, lbody) = match strip_direction(t) {
        Some((r, m)) => (Some(m), r, lower.get(t.len() - r.len()..).unwrap_or("")),
        None => (None, t, lower),
    };
    let is_cmd = SMTP_COMMANDS.iter().any(|c| {
        lbody.starts_with(c) && (c.ends_with(' ') || c.ends_with(':') || lbody.len() == c.len())
    });
    if is_cmd {
        return Some(Class::SmtpCommand);
    }
    match marker {
        _ if is_reply(body) && marker.is_some() => return Some(Class::SmtpCommand),
        Some(Marker::Sure) => return Some(Class::SmtpCommand),
        Some(Marker::Weak) => return Some(Class::SmtpReply),
        _ => {}
    }
    if is_reply(body) || is_session_chatter(lower) {
        return Some(Class::SmtpReply);
    }
    None
}

fn is_bounce_header(lower: &str) -> bool {
    let Some((name, value)) = lower.split_once(':') else {
        return false;
    };
    match name {
        "from" => {
            [
                "mailer-daemon",
                "mail delivery",
                "postmaster@",
                "post_master@",
                "mail administrator",
            ]
            .iter()
            .any(|m| crate::text::contains(value, m))
                || value.trim() == "<>"
        }
        "subject" => {
            [
                "undelivered mail",
                "undeliverable",
                "delivery status notification",
                // Courier's "NOTICE: mail delivery status.", McAfee's "Delivery Status".
                "delivery status",
                "mail delivery failed",
                "returned mail",
                "delivery failure",
                "failure notice",
                "unzustellbar",
                "non remis",
                "delivery has failed",
                "not delivered",
                // Auto-replies (RFC 3834 and what mail clients write).
                "automatic reply",
                "autoreply",
                "auto-reply",
                "out of office",
                "out of the office",
            ]
            .iter()
            .any(|m| crate::text::contains(value, m))
                || value.trim_start().starts_with("auto:")
        }
        "content-type" => crate::text::contains(value, "multipart/report"),
        "return-path" => value.trim() == "<>",
        "x-failed-recipients" | "x-autoreply" | "x-autorespond" => true,
        "auto-submitted" => value.trim().starts_with("auto-replied"),
        "precedence" => value.trim() == "auto_reply",
        _ => false,
    }
}

/// The line mbox files put before each message: `From sender Tue Jun 11 19:13:34 2024`.
pub fn is_mbox_postmark(t: &str) -> bool {
    let mut w = t.split_whitespace();
    w.next() == Some("From")
        && w.next().is_some()
        && w.next().is_some_and(|d| WEEKDAYS.contains(&d))
        && w.next().is_some_and(|m| MONTHS.contains(&m))
}

fn is_bounce_body(lower: &str) -> bool {
    const STARTS: [&str; 19] = [
        "this is the mail system at host",
        "this is a delivery status notification",
        "i'm sorry to have to inform you that your message",
        "this message was created automatically by mail delivery software",
        "delivery to the following recipient",
        "delivery has failed to these recipients",
        "your message could not be delivered",
        "your message wasn't delivered",
        "the original message was received at",
        "----- the following addresses had permanent fatal errors",
        "reporting-mta:",
        "final-recipient:",
        "mail delivery failed",
        "undelivered mail returned to sender",
        "delivery status notification",
        "hi. this is the qmail-send program",
        "message not delivered",
        "an error occurred while trying to deliver the mail",
        "the following message to <",
    ];
    STARTS.iter().any(|s| lower.starts_with(s))
}

fn is_client_marker(lower: &str) -> bool {
    // The openings of the dialogs `client_error` reads, in the languages it reads.
    const PARTS: [&str; 38] = [
        "the rejected e-mail address was",
        "the rejected email address was",
        "error number: 0x",
        "0x800ccc",
        "0x800421",
        "reported error (0x",
        "server error: 4",
        "server error: 5",
        "server response: '",
        "sending of the message failed",
        "sending of message failed",
        "the mail server responded",
        "an error occurred while sending mail",
        "the mail server sent an incorrect greeting",
        "cannot send message using the server",
        "the server response was:",
        "was rejected by the server",
        "the following recipient(s) cannot be reached",
        "fehlernummer: 0x",
        "serverantwort: '",
        "die abgelehnte e-mail-adresse",
        "die zurückgewiesene e-mail-adresse",
        "senden der nachricht fehlgeschlagen",
        "der mail-server antwortete",
        "kann nicht mit dem server",
        "numéro d'erreur",
        "réponse du serveur :",
        "réponse du serveur:",
        "l'adresse de messagerie refusée",
        "l'envoi du message a échoué",
        "le serveur de courrier a répondu",
        "impossible d'envoyer le message avec le serveur",
        "número de error",
        "respuesta del servidor:",
        "la dirección de correo electrónico rechazada",
        "falló el envío del mensaje",
        "el servidor de correo respondió",
        "no se puede enviar el mensaje usando el servidor",
    ];
    // Asked of most prose lines: one pass over the line for all the openings.
    static INDEX: OnceLock<PhraseIndex<()>> = OnceLock::new();
    let index = INDEX.get_or_init(|| PhraseIndex::new(PARTS.iter().map(|p| (*p, ()))));
    let b = lower.as_bytes();
    let mut found = false;
    index.scan(b, |at, p, ()| found |= b[at..].starts_with(p.as_bytes()));
    found || (lower.starts_with("login to server ") && lower.contains(" failed"))
}

fn is_header_like(t: &str) -> bool {
    let Some((name, _)) = t.split_once(':') else {
        return false;
    };
    !name.is_empty()
        && name.len() <= 40
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_recognised() {
        let cases: &[(&str, Class)] = &[
            ("", Class::Blank),
            ("# a comment", Class::Comment),
            (
                "# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf",
                Class::DoveBanner("2.3.16".into()),
            ),
            (
                "# 2.1.7: /etc/dovecot/dovecot.conf",
                Class::DoveBanner("2.1.7".into()),
            ),
            ("mynetworks = 127.0.0.0/8", Class::PostfixDef),
            ("smtpd_use_tls=yes", Class::PostfixDef),
            ("auth_mechanisms = plain login", Class::DovecotDef),
            (
                "mua_client_restrictions = permit_sasl_authenticated, reject",
                Class::OtherDef { paramlike: true },
            ),
            ("Total = 5", Class::OtherDef { paramlike: false }),
            ("service auth {", Class::SectionOpen),
            ("mailbox \"Sent Messages\" {", Class::SectionOpen),
            ("}", Class::SectionClose),
            (
                "submission inet n       -       y       -       -       smtpd",
                Class::MasterService { commented: false },
            ),
            (
                "#submission inet n - y - - smtpd",
                Class::MasterService { commented: true },
            ),
            (
                "pickup    unix  n       -       y       60      1       pickup",
                Class::MasterService { commented: false },
            ),
            ("-o smtpd_tls_security_level=encrypt", Class::MasterOption),
            (
                "Jul 18 08:25:19 mx postfix/smtpd[29282]: connect from x[192.0.2.1]",
                Class::Log,
            ),
            ("Jan  3 01:02:03 mx dovecot: auth: Error: x", Class::Log),
            (
                "2024-03-01T10:00:00.123456+01:00 mx postfix/qmgr[12]: ABC: removed",
                Class::Log,
            ),
            (
                "2015-06-12 05:12:36 H=(a.example.net) [192.0.2.1] rejected RCPT",
                Class::Log,
            ),
            (
                "-- Logs begin at Mon 2024-01-01 00:00:00 UTC. --",
                Class::Log,
            ),
            ("EHLO client.example.org", Class::SmtpCommand),
            ("rcpt to:<a@example.net>", Class::SmtpCommand),
            ("S: 250 2.0.0 Ok", Class::SmtpCommand),
            ("250-PIPELINING", Class::SmtpReply),
            ("554 5.7.1 : Relay access denied", Class::SmtpReply),
            (
                "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)",
                Class::BounceHeader,
            ),
            (
                "Content-Type: multipart/report; report-type=delivery-status;",
                Class::BounceHeader,
            ),
            (
                "This is the mail system at host mx.example.net.",
                Class::BounceBody,
            ),
            ("Server Error: 554, Error Number:", Class::ClientMarker),
            (
                "Serverfehler: 554, Fehlernummer: 0x800CCC79",
                Class::ClientMarker,
            ),
            (
                "Le serveur de courrier a répondu : 5.7.1",
                Class::ClientMarker,
            ),
            (
                "Login to server smtp.example.net with username \"a\" failed.",
                Class::ClientMarker,
            ),
            ("Date: Mon, 1 Jan 2024 10:00:00 +0000", Class::HeaderLike),
            ("Jul 18 is my birthday", Class::Text),
            (
                "Subject: NOTICE: mail delivery status.",
                Class::BounceHeader,
            ),
            ("Auto-Submitted: auto-replied", Class::BounceHeader),
            ("Subject: Automatic reply: budget", Class::BounceHeader),
            ("asked Aug 19, 2013 at 16:35", Class::Text),
        ];
        for (line, want) in cases {
            assert_eq!(&classify(line, &mut String::new()), want, "{line:?}");
        }
    }
}
