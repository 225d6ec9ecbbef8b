//! Postfix log lines: `reject:`/`milter-reject:` with their `from= to= proto= helo=` tail,
//! delivery `status=` lines, `client=` lines with SASL fields, `connect`/`disconnect`, and the
//! `warning:`/`fatal:` lines that explain SASL, TLS and configuration trouble.

use super::{
    angle_value, comma_value, find_key, stage_of_command, DeliveryStatus, EventKind, LogEvent,
};
use crate::report::Note;
use crate::smtp::EnhancedStatus;
use crate::text::{self, Line};

pub(super) fn read(ev: &mut LogEvent, line: &Line<'_>, msg: &str, notes: &mut Vec<Note>) {
    read_tag(ev);
    // Level words Postfix puts first.
    for level in ["warning", "fatal", "panic", "error"] {
        if let Some(rest) = msg.strip_prefix(level).and_then(|r| r.strip_prefix(": ")) {
            ev.level = Some(level.to_owned());
            read_problem(ev, line, level, rest);
            return;
        }
    }
    if let Some((qid, rest)) = queue_id(msg) {
        ev.queue_id = Some(ev.field(line, "queue_id", qid));
        read_queued(ev, line, rest, notes);
        return;
    }
    if let Some(rest) = msg.strip_prefix("connect from ") {
        ev.kind = EventKind::Connect;
        ev.set_client(line, rest);
    } else if let Some(rest) = msg.strip_prefix("disconnect from ") {
        ev.kind = EventKind::Disconnect;
        ev.set_client(line, rest);
    } else if msg.starts_with("SSL_accept error") || msg.starts_with("SSL_connect error") {
        ev.kind = EventKind::Tls;
        ev.stage = Some("STARTTLS".into());
        if let Some(i) = text::find(msg, " from ") {
            ev.set_client(line, &msg[i + 6..]);
        }
    } else if let Some(i) = text::find(msg, " after ") {
        // `lost connection after AUTH from unknown[192.0.2.7]`, `timeout after DATA …`.
        let tail = &msg[i + 7..];
        if let Some(stage) = stage_of_command(tail.split(" from ").next().unwrap_or("")) {
            ev.stage = Some(stage.into());
        }
        if let Some(j) = text::find(tail, " from ") {
            ev.set_client(line, &tail[j + 6..]);
        }
    }
}

/// `postfix/submission/smtpd` → process `smtpd`, service `submission`; `postfix-out/smtp` →
/// instance `postfix-out`; `postfix/smtpd` → service `smtp` (master.cf's default inet service).
fn read_tag(ev: &mut LogEvent) {
    let parts: Vec<&str> = ev.program.split('/').collect();
    let Some(&first) = parts.first() else { return };
    if first != "postfix" && first.starts_with("postfix") {
        ev.instance = Some(first.to_owned());
    }
    let daemon = parts.last().copied().unwrap_or(first);
    ev.process = Some(daemon.to_owned());
    ev.service = match parts.len() {
        0 | 1 => None,
        2 if daemon == "smtpd" => Some("smtp".to_owned()),
        2 => Some(daemon.to_owned()),
        _ => parts.get(parts.len() - 2).map(|s| (*s).to_owned()),
    };
}

/// `NOQUEUE: …` or `3F2A1C0B7D: …`: the queue id and the rest.
fn queue_id(msg: &str) -> Option<(&str, &str)> {
    let (id, rest) = msg.split_once(": ")?;
    let ok = id == "NOQUEUE"
        || (5..=20).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric())
            && id.bytes().any(|b| b.is_ascii_digit());
    ok.then_some((id, rest))
}

fn read_queued(ev: &mut LogEvent, line: &Line<'_>, rest: &str, notes: &mut Vec<Note>) {
    for (word, kind) in [
        ("reject: ", EventKind::Reject),
        ("milter-reject: ", EventKind::MilterReject),
        ("reject_warning: ", EventKind::RejectWarning),
    ] {
        if let Some(r) = rest.strip_prefix(word) {
            ev.kind = kind;
            if !read_reject(ev, line, r) {
                notes.push(Note::new(
                    line.span(),
                    "mail log",
                    "a Postfix reject line whose parts could not be told apart",
                ));
            }
            return;
        }
    }
    if rest.starts_with("to=<") || find_key(rest, "status=").is_some() {
        read_delivery(ev, line, rest);
        return;
    }
    if let Some(r) = rest.strip_prefix("client=") {
        ev.kind = EventKind::Accepted;
        let client = r.split(", ").next().unwrap_or(r);
        ev.set_client(line, client);
        if let Some(m) = comma_value(r, "sasl_method=") {
            ev.sasl_method = Some(ev.field(line, "sasl_method", m));
        }
        if let Some(u) = comma_value(r, "sasl_username=") {
            ev.sasl_username = Some(ev.field(line, "sasl_username", u));
        }
        return;
    }
    if rest.starts_with("from=<") {
        if let Some(f) = angle_value(rest, "from=") {
            ev.from = Some(ev.field(line, "from", f));
        }
        return;
    }
    if let Some(i) = text::find(rest, " said: ") {
        // `host mx.example.org[203.0.113.5] said: 450 4.7.1 … (in reply to RCPT TO command)`.
        ev.kind = EventKind::RemoteReply;
        if let Some(h) = rest.strip_prefix("host ") {
            ev.relay = Some(h.split(' ').next().unwrap_or(h).to_owned());
        }
        let reply = &rest[i + 7..];
        let (reply, stage) = split_in_reply_to(reply);
        ev.stage = stage.map(str::to_owned);
        ev.set_reply(line, reply);
    }
}

/// `RCPT from host[ip]: 554 5.7.1 <x>: Relay access denied; from=<…> to=<…> proto=ESMTP helo=<…>`
/// and `header Subject: … from host[ip]; from=<…> to=<…> proto=… helo=<…>: 5.7.1 text`.
fn read_reject(ev: &mut LogEvent, line: &Line<'_>, r: &str) -> bool {
    let (verb, after) = r.split_once(' ').unwrap_or((r, ""));
    let stage = match verb {
        "RCPT" | "MAIL" | "DATA" | "CONNECT" | "HELO" | "EHLO" | "VRFY" | "ETRN" | "AUTH" => {
            if verb == "EHLO" {
                "HELO"
            } else {
                verb
            }
        }
        "END-OF-MESSAGE" | "BDAT" | "header" | "body" => "DATA",
        _ => return false,
    };
    ev.stage = Some(stage.to_owned());
    let (head, tail) = match after.rfind("; from=") {
        Some(i) => (&after[..i], &after[i + 2..]),
        None => match after.rfind("; proto=") {
            Some(i) => (&after[..i], &after[i + 2..]),
            None => (after, ""),
        },
    };
    let reply = if matches!(verb, "header" | "body") {
        // The reply follows the helo=<…> of the tail.
        let client = head.rsplit(" from ").next().unwrap_or("");
        ev.set_client(line, client);
        text::find(tail, ">: ")
            .map(|i| &tail[i + 3..])
            .unwrap_or("")
    } else {
        let Some(from_at) = text::find(head, "from ") else {
            return false;
        };
        let h = &head[from_at + 5..];
        let (client, reply) = match text::find(h, "]: ") {
            Some(i) => (&h[..=i], &h[i + 3..]),
            None => (h, ""),
        };
        ev.set_client(line, client);
        reply
    };
    ev.set_reply(line, reply);
    read_envelope(ev, line, tail);
    true
}

/// `from=<…> to=<…> proto=ESMTP helo=<…>` (also with the `<…>` lost by a web page: `from= to=`).
fn read_envelope(ev: &mut LogEvent, line: &Line<'_>, tail: &str) {
    if let Some(f) = angle_value(tail, "from=") {
        ev.from = Some(ev.field(line, "from", f));
    }
    if let Some(t) = angle_value(tail, "to=") {
        ev.to = Some(ev.field(line, "to", t));
    }
    if let Some(p) = angle_value(tail, "proto=") {
        ev.proto = Some(p.to_owned());
    }
    if let Some(h) = angle_value(tail, "helo=") {
        if !h.is_empty() {
            ev.helo = Some(ev.field(line, "helo", h));
        }
    }
}

/// `to=<r>, orig_to=<o>, relay=host[ip]:25, delay=1.2, delays=…, dsn=5.1.1, status=bounced (…)`.
fn read_delivery(ev: &mut LogEvent, line: &Line<'_>, rest: &str) {
    ev.kind = EventKind::Delivery;
    let (fields, detail) = match text::find(rest, " status=") {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    if let Some(t) = angle_value(fields, "to=") {
        ev.to = Some(ev.field(line, "to", t));
    }
    if let Some(t) = angle_value(fields, "orig_to=") {
        ev.orig_to = Some(ev.field(line, "orig_to", t));
    }
    if let Some(r) = comma_value(fields, "relay=") {
        ev.relay = Some(ev.field(line, "relay", r));
    }
    if let Some(d) = comma_value(fields, "delay=") {
        ev.delay = Some(d.to_owned());
    }
    if let Some(d) = comma_value(fields, "dsn=") {
        ev.dsn = EnhancedStatus::parse(d);
        ev.field(line, "dsn", d);
    }
    let Some(st) = detail.strip_prefix("status=") else {
        return;
    };
    let (word, why) = st.split_once(' ').unwrap_or((st, ""));
    ev.delivery = match word.trim_end_matches(',') {
        "sent" | "delivered" => Some(DeliveryStatus::Sent),
        "bounced" => Some(DeliveryStatus::Bounced),
        "deferred" => Some(DeliveryStatus::Deferred),
        "expired" => Some(DeliveryStatus::Expired),
        _ => None,
    };
    ev.field(line, "status", word);
    let why = why.trim();
    let why = why
        .strip_prefix('(')
        .map(|w| w.strip_suffix(')').unwrap_or(w))
        .unwrap_or(why);
    // `host mx.example.org[203.0.113.5] said: 550 5.1.1 … (in reply to RCPT TO command)`.
    let reply = match text::find(why, " said: ") {
        Some(i) => &why[i + 7..],
        None => why,
    };
    let (reply, stage) = split_in_reply_to(reply);
    ev.stage = stage.map(str::to_owned);
    if text::contains(why, " said: ") || crate::smtp::reply::parse_reply(reply).is_some() {
        ev.set_reply(line, reply);
    } else if !why.is_empty() {
        // A local reason (`connect to …: Connection timed out`, `unknown user: "x"`): keep the
        // words and the dsn as the status.
        ev.status = ev.dsn;
        ev.reply_text = Some(why.to_owned());
        ev.reply_span = Some(line.sub_span(why));
        ev.fields.push(("reply", line.sub_span(why)));
    }
    if ev.status.is_none() {
        ev.status = ev.dsn;
    }
}

/// Cuts a trailing `(in reply to RCPT TO command)` off a reply and names its stage.
fn split_in_reply_to(reply: &str) -> (&str, Option<&'static str>) {
    match reply.rfind(" (in reply to ") {
        Some(i) => (&reply[..i], stage_of_command(&reply[i..])),
        None => (reply, None),
    }
}

/// `warning:`/`fatal:`/`error:`/`panic:` lines.
fn read_problem(ev: &mut LogEvent, line: &Line<'_>, level: &str, rest: &str) {
    ev.kind = match level {
        "fatal" => EventKind::Fatal,
        "panic" => EventKind::Panic,
        "error" => EventKind::Error,
        _ => EventKind::Warning,
    };
    ev.reply_text = Some(rest.to_owned());
    let lower = rest.to_ascii_lowercase();
    if text::contains(&lower, "sasl") && text::contains(&lower, "authentication failed")
        || lower.starts_with("sasl authentication failure")
    {
        // `unknown[192.0.2.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=x`.
        ev.kind = EventKind::SaslFailure;
        ev.stage = Some("AUTH".into());
        if let Some((client, _)) = rest.split_once(": ") {
            if client.contains('[') {
                ev.set_client(line, client);
            }
        }
        if let Some(i) = text::find(rest, "SASL ") {
            let m = rest[i + 5..].split(' ').next().unwrap_or("");
            if !m.is_empty()
                && m.bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'-' || b.is_ascii_digit())
            {
                ev.sasl_method = Some(m.to_owned());
            }
        }
        if let Some(u) = comma_value(rest, "sasl_username=") {
            ev.sasl_username = Some(ev.field(line, "sasl_username", u));
        }
        set_text_span(ev, line, rest);
        return;
    }
    if text::contains(&lower, "tls library problem")
        || text::contains(&lower, "ssl_accept")
        || text::contains(&lower, "tls handshake")
        || text::contains(&lower, "private key")
        || text::contains(&lower, "certificate")
    {
        ev.kind = EventKind::Tls;
        ev.stage = Some("STARTTLS".into());
    } else if text::contains(&lower, "sasl")
        && (text::contains(&lower, "connect to")
            || text::contains(&lower, "no sasl authentication mechanisms"))
    {
        // `SASL: Connect to private/auth failed: No such file or directory`.
        ev.kind = if ev.kind == EventKind::Fatal {
            EventKind::Fatal
        } else {
            EventKind::ConfigError
        };
        ev.stage = Some("AUTH".into());
    } else if (ev.kind == EventKind::Warning || ev.kind == EventKind::Error)
        && (text::contains(&lower, "unknown parameter")
            || text::contains(&lower, "unused parameter")
            || text::contains(&lower, "unknown smtpd restriction")
            || text::contains(&lower, "restriction")
                && (text::contains(&lower, "unknown") || text::contains(&lower, "requires"))
            || text::contains(&lower, "bad parameter value")
            || text::contains(&lower, "is unavailable")
            || text::contains(&lower, "open database")
            || text::contains(&lower, "overriding earlier entry")
            || text::contains(&lower, "no such file or directory"))
    {
        // A warning or error about the configuration itself.
        ev.kind = EventKind::ConfigError;
    }
    if let Some(i) = text::find(rest, "]: ") {
        let head = &rest[..=i];
        if !head.contains(' ') {
            ev.set_client(line, head);
        }
    }
    set_text_span(ev, line, rest);
}

fn set_text_span(ev: &mut LogEvent, line: &Line<'_>, rest: &str) {
    if super::is_within(line.text, rest) {
        ev.reply_span = Some(line.sub_span(rest));
    }
}
