//! Exim main log lines: ACL rejects (`H=… F=<…> rejected RCPT <…>: …`), delivery flags (`**`
//! bounced, `==` deferred, `=>` delivered, `<=` arrival), authenticator failures and TLS errors.

use super::{angle_value, stage_of_command, DeliveryStatus, EventKind, LogEvent};
use crate::text::Line;

pub(super) fn read(ev: &mut LogEvent, line: &Line<'_>, msg: &str) {
    ev.process = Some("exim".into());
    let msg = match message_id(msg) {
        Some((id, rest)) => {
            ev.queue_id = Some(ev.field(line, "queue_id", id));
            rest
        }
        None => msg,
    };
    read_host(ev, line, msg);
    if let Some(s) = angle_value(msg, "F=") {
        ev.from = Some(ev.field(line, "from", s));
    }
    if let Some(a) = auth_user(msg) {
        ev.sasl_username = Some(ev.field(line, "sasl_username", a));
    }
    if let Some(flag) = msg.get(..3) {
        let rest = msg.get(3..).unwrap_or("");
        match flag {
            "** " => return read_delivery(ev, line, rest, DeliveryStatus::Bounced),
            "== " => return read_delivery(ev, line, rest, DeliveryStatus::Deferred),
            "=> " | "-> " | "*> " => return read_delivery(ev, line, rest, DeliveryStatus::Sent),
            "<= " => {
                ev.kind = EventKind::Accepted;
                let s = rest.split(' ').next().unwrap_or("");
                ev.from = Some(ev.field(line, "from", s));
                if let Some(p) = angle_value(rest, "P=") {
                    ev.proto = Some(p.to_owned());
                }
                return;
            }
            _ => {}
        }
    }
    if let Some(i) = msg.find(" authenticator failed for ") {
        ev.kind = EventKind::SaslFailure;
        ev.stage = Some("AUTH".into());
        ev.sasl_method = Some(msg[..i].trim().to_owned());
        let rest = &msg[i + 26..];
        if ev.client_ip.is_none() {
            if let Some(j) = rest.find(']') {
                read_host_text(ev, line, &rest[..=j]);
            }
        }
        if let Some(j) = rest.find("]") {
            let after = &rest[j + 1..];
            let after = after.split_once(": ").map(|x| x.1).unwrap_or(after);
            ev.set_reply(line, after);
        }
        if let Some(u) = msg.find("(set_id=").map(|j| &msg[j + 8..]) {
            let u = u.split(')').next().unwrap_or(u);
            ev.sasl_username = Some(ev.field(line, "sasl_username", u));
        }
        return;
    }
    if msg.starts_with("TLS error") {
        ev.kind = EventKind::Tls;
        ev.stage = Some("STARTTLS".into());
        ev.reply_text = Some(msg.to_owned());
        return;
    }
    if let Some(i) = msg.find(" rejected ") {
        ev.kind = EventKind::Reject;
        read_reject(ev, line, &msg[i + 10..]);
    }
}

/// `1abcDE-000123-AB rest` (classic) or `1tXXXX-XXXXXXXXXXX-XXXX rest` (Exim 4.97+).
fn message_id(msg: &str) -> Option<(&str, &str)> {
    let (id, rest) = msg.split_once(' ')?;
    let parts: Vec<&str> = id.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 6
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    ok.then_some((id, rest))
}

/// `A=dovecot_login:ann@example.net` → `ann@example.net`.
fn auth_user(msg: &str) -> Option<&str> {
    let v = angle_value(msg, "A=")?;
    v.split_once(':').map(|x| x.1).filter(|u| !u.is_empty())
}

/// `H=host (helo) [ip]:port` anywhere in the line.
fn read_host(ev: &mut LogEvent, line: &Line<'_>, msg: &str) {
    let Some(at) = super::find_key(msg, "H=") else {
        return;
    };
    let rest = &msg[at + 2..];
    if let Some(j) = rest.find(']') {
        read_host_text(ev, line, &rest[..=j]);
    }
}

/// `host (helo) [ip]`, `(helo) [ip]`, `[ip]`.
fn read_host_text(ev: &mut LogEvent, line: &Line<'_>, s: &str) {
    let Some((before, ip_part)) = s.rsplit_once('[') else {
        return;
    };
    let ip = ip_part.trim_end_matches(']');
    let ip = ip.split(']').next().unwrap_or(ip);
    if !ip.is_empty() {
        ev.client_ip = Some(ev.field(line, "client", ip));
    }
    let before = before.trim();
    let (host, helo) = match before.find('(') {
        Some(i) => (before[..i].trim(), before[i + 1..].split(')').next()),
        None => (before, None),
    };
    if !host.is_empty() && !host.contains(' ') {
        ev.client_host = Some(ev.field(line, "client_host", host));
    }
    if let Some(h) = helo.filter(|h| !h.is_empty()) {
        ev.helo = Some(ev.field(line, "helo", h));
    }
}

/// After ` rejected `: `RCPT <r>: reason`, `MAIL <s>: reason`, `EHLO or HELO x: reason`,
/// `after DATA: reason`, `connection in "connect" ACL: reason`.
fn read_reject(ev: &mut LogEvent, line: &Line<'_>, r: &str) {
    let (stage, rest) = if let Some(x) = r.strip_prefix("RCPT ") {
        ("RCPT", x)
    } else if let Some(x) = r.strip_prefix("MAIL ") {
        ("MAIL", x)
    } else if let Some(x) = r.strip_prefix("EHLO or HELO ") {
        ("HELO", x)
    } else if let Some(x) = r.strip_prefix("after DATA") {
        ("DATA", x)
    } else if r.starts_with("connection") {
        ("CONNECT", r)
    } else if let Some(x) = r.strip_prefix("AUTH ") {
        ("AUTH", x)
    } else {
        (stage_of_command(r).unwrap_or(""), r)
    };
    if !stage.is_empty() {
        ev.stage = Some(stage.to_owned());
    }
    let rest = rest.trim_start();
    let (addr, reason) = match rest.strip_prefix('<') {
        Some(x) => match x.split_once('>') {
            Some((a, tail)) => (Some(a), tail.trim_start().strip_prefix(':').unwrap_or(tail)),
            None => (None, x),
        },
        None => match rest.split_once(": ") {
            Some((a, tail)) if !a.contains(' ') || stage == "CONNECT" => {
                ((stage != "CONNECT" && !a.is_empty()).then_some(a), tail)
            }
            _ => (None, rest.strip_prefix(':').unwrap_or(rest)),
        },
    };
    if let Some(a) = addr {
        match stage {
            "RCPT" => ev.to = Some(ev.field(line, "to", a)),
            "MAIL" => ev.from = Some(ev.field(line, "from", a)),
            "HELO" => ev.helo = Some(ev.field(line, "helo", a)),
            _ => {}
        }
    }
    ev.set_reply(line, reason);
}

/// `r <orig> R=router T=transport H=host [ip]: SMTP error from remote mail server after RCPT
/// TO:<r>: 550 5.1.1 …`, `r: Unrouteable address`, `r R=… T=… defer (-53): retry time …`.
fn read_delivery(ev: &mut LogEvent, line: &Line<'_>, rest: &str, status: DeliveryStatus) {
    ev.kind = EventKind::Delivery;
    ev.delivery = Some(status);
    let rcpt = rest
        .split(' ')
        .next()
        .unwrap_or("")
        .trim_end_matches(':')
        .trim_start_matches('<')
        .trim_end_matches('>');
    ev.to = Some(ev.field(line, "to", rcpt));
    if ev.client_host.is_some() || ev.client_ip.is_some() {
        // H= on a delivery is the remote server, not a client.
        ev.relay = match (&ev.client_host, &ev.client_ip) {
            (Some(h), Some(ip)) => Some(format!("{h}[{ip}]")),
            (None, Some(ip)) => Some(format!("[{ip}]")),
            (Some(h), None) => Some(h.clone()),
            (None, None) => None,
        };
        ev.client_host = None;
        ev.client_ip = None;
        ev.helo = None;
        ev.fields
            .retain(|f| !matches!(f.0, "client" | "client_host" | "helo"));
    }
    if status == DeliveryStatus::Sent {
        return;
    }
    const REMOTE: &str = "SMTP error from remote mail server after ";
    if let Some(i) = rest.find(REMOTE) {
        let after = &rest[i + REMOTE.len()..];
        ev.stage = stage_of_command(after.split(": ").next().unwrap_or("")).map(str::to_owned);
        match crate::smtp::reply::find_reply_code(after) {
            Some((_, at)) => ev.set_reply(line, &after[at..]),
            None => ev.set_reply(line, after),
        }
        return;
    }
    match rest.split_once(": ") {
        Some((_, reason)) => ev.set_reply(line, reason),
        None => {
            if let Some(i) = rest.find(" defer (") {
                ev.set_reply(line, &rest[i + 1..]);
            }
        }
    }
}
