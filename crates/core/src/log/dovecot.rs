//! Dovecot log lines (through syslog as `dovecot: imap-login: …`, or Dovecot's own log file as
//! `imap-login: Info: …`) and Courier's `imapd: LOGIN …` lines.

use super::{angle_value, comma_value, EventKind, LogEvent};
use crate::text::Line;

const PROCESSES: &[&str] = &[
    "imap-login",
    "pop3-login",
    "submission-login",
    "managesieve-login",
    "auth",
    "auth-worker",
    "imap",
    "pop3",
    "lmtp",
    "lda",
    "dovecot-lda",
    "master",
    "config",
    "doveconf",
    "doveadm",
    "anvil",
    "indexer",
    "indexer-worker",
    "submission",
    "managesieve",
    "quota-status",
    "dict",
    "stats",
    "replicator",
];

/// A Dovecot process name (`imap-login`, `auth-worker`), without `(…)`/`<…>` suffixes.
pub(super) fn is_process(name: &str) -> bool {
    PROCESSES.contains(&name)
}

/// `auth-worker(1234):` → (`auth-worker`, Some("1234")); `imap(ann@example.net)<42><s>:` →
/// (`imap`, Some("ann@example.net")); `imap-login:` → (`imap-login`, None).
pub(super) fn process_word(w: &str) -> Option<(&str, Option<&str>)> {
    let w = w.strip_suffix(':')?;
    let end = w.find(['(', '<']).unwrap_or(w.len());
    let name = &w[..end];
    if !is_process(name) {
        return None;
    }
    let arg = w[end..]
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map(|x| x.0);
    Some((name, arg))
}

const LEVELS: &[&str] = &["Debug", "Info", "Warning", "Error", "Fatal", "Panic"];

pub(super) fn read(ev: &mut LogEvent, line: &Line<'_>, tag_word: &str, msg: &str) {
    // Through syslog the tag is `dovecot` and the process comes first in the message; in
    // Dovecot's own log file the tag already is the process and `msg` follows it.
    let (process, arg, msg) = if ev.program == "dovecot" {
        let (w, rest) = msg.split_once(' ').unwrap_or((msg, ""));
        match process_word(w) {
            Some((p, a)) => (p.to_owned(), a, rest),
            None => (String::new(), None, msg),
        }
    } else {
        let arg = process_word(tag_word).and_then(|x| x.1);
        (ev.program.clone(), arg, msg)
    };
    if !process.is_empty() {
        ev.process = Some(process.clone());
    }
    let mut msg = msg;
    for level in LEVELS {
        if let Some(r) = msg.strip_prefix(level).and_then(|r| r.strip_prefix(": ")) {
            ev.level = Some((*level).to_owned());
            msg = r;
            break;
        }
    }
    if let Some(a) = arg.filter(|a| !a.bytes().all(|b| b.is_ascii_digit())) {
        ev.sasl_username = Some(ev.field(line, "sasl_username", a));
    }
    ev.reply_text = Some(msg.to_owned());
    if super::is_within(line.text, msg) {
        ev.reply_span = Some(line.sub_span(msg));
    }
    let lower = msg.to_ascii_lowercase();
    if process.ends_with("-login") {
        read_login_fields(ev, line, msg);
        if lower.contains("auth failed") || lower.contains("disallowed plaintext auth") {
            ev.kind = EventKind::LoginFailure;
            ev.stage = Some("AUTH".into());
        } else if msg.starts_with("Login: ") {
            ev.kind = EventKind::Login;
        } else if lower.contains("ssl_accept")
            || lower.contains("tls handshaking")
            || lower.contains("ssl routines")
        {
            ev.kind = EventKind::Tls;
            ev.stage = Some("STARTTLS".into());
        } else if msg.starts_with("Disconnected") || msg.starts_with("Aborted login") {
            ev.kind = EventKind::Disconnect;
        }
        if ev.kind != EventKind::Other {
            return;
        }
    }
    let level = ev.level.clone().unwrap_or_default();
    let level = level.as_str();
    if matches!(level, "Fatal" | "Error")
        && (lower.contains("configuration file")
            || lower.contains("unknown setting")
            || lower.contains("dovecot_config_version")
            || lower.contains("invalid setting")
            || lower.contains("unknown database driver"))
    {
        ev.kind = EventKind::ConfigError;
        return;
    }
    if process.starts_with("auth") {
        // `sql(ann@example.net,192.0.2.7,<sess>): Password mismatch`.
        if let Some(open) = msg.find('(') {
            let driver = &msg[..open];
            if !driver.is_empty()
                && driver
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                let inner = msg[open + 1..].split(')').next().unwrap_or("");
                let mut parts = inner.split(',');
                if let Some(u) = parts.next().filter(|u| !u.is_empty() && *u != "?") {
                    ev.sasl_username = Some(ev.field(line, "sasl_username", u));
                }
                if let Some(ip) = parts.next().filter(|ip| !ip.is_empty()) {
                    ev.client_ip = Some(ev.field(line, "client", ip));
                }
            }
        }
        if level == "Error"
            || level == "Fatal"
            || lower.contains("password mismatch")
            || lower.contains("unknown user")
            || lower.contains("authentication failure")
            || lower.contains("failed")
        {
            ev.kind = EventKind::AuthError;
            ev.stage = Some("AUTH".into());
            return;
        }
    }
    ev.kind = match level {
        "Fatal" => EventKind::Fatal,
        "Panic" => EventKind::Panic,
        "Error" => EventKind::Error,
        "Warning" => EventKind::Warning,
        _ => EventKind::Other,
    };
}

/// `user=<ann@example.net>, method=PLAIN, rip=192.0.2.7, lip=198.51.100.2, TLS, session=<…>`.
fn read_login_fields(ev: &mut LogEvent, line: &Line<'_>, msg: &str) {
    if let Some(u) = angle_value(msg, "user=").filter(|u| !u.is_empty()) {
        ev.sasl_username = Some(ev.field(line, "sasl_username", u));
    }
    if let Some(m) = comma_value(msg, "method=") {
        ev.sasl_method = Some(ev.field(line, "sasl_method", m));
    }
    if let Some(ip) = comma_value(msg, "rip=") {
        ev.client_ip = Some(ev.field(line, "client", ip));
        ev.tls = Some(msg.contains(", TLS") || msg.contains(", secured"));
    }
    if let Some(ip) = comma_value(msg, "lip=") {
        ev.local_ip = Some(ev.field(line, "local_ip", ip));
    }
}

/// Courier: `imapd: LOGIN FAILED, user=ann, ip=[::ffff:192.0.2.7]`, `LOGIN, user=…`,
/// `DISCONNECTED, user=…`.
pub(super) fn read_courier(ev: &mut LogEvent, line: &Line<'_>, msg: &str) {
    ev.process = Some(ev.program.clone());
    if let Some(u) = comma_value(msg, "user=") {
        ev.sasl_username = Some(ev.field(line, "sasl_username", u));
    }
    if let Some(ip) = comma_value(msg, "ip=") {
        let ip = ip.trim_start_matches('[').trim_end_matches(']');
        let ip = ip.strip_prefix("::ffff:").unwrap_or(ip);
        ev.client_ip = Some(ev.field(line, "client", ip));
    }
    ev.kind = if msg.starts_with("LOGIN FAILED") {
        ev.stage = Some("AUTH".into());
        ev.reply_text = Some(msg.to_owned());
        EventKind::LoginFailure
    } else if msg.starts_with("LOGIN") {
        EventKind::Login
    } else if msg.starts_with("DISCONNECTED") {
        EventKind::Disconnect
    } else {
        EventKind::Other
    };
}
