//! Sendmail log lines: `ruleset=check_rcpt, arg1=<…>, relay=…, reject=550 5.7.1 <…>... Relaying
//! denied`, delivery `stat=` lines, `AUTH failure` and `STARTTLS` errors.

use super::{angle_value, comma_value, DeliveryStatus, EventKind, LogEvent};
use crate::smtp::EnhancedStatus;
use crate::text::Line;

pub(super) fn read(ev: &mut LogEvent, line: &Line<'_>, msg: &str) {
    ev.process = Some(ev.program.clone());
    let msg = match msg.split_once(": ") {
        Some((id, rest))
            if (8..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            ev.queue_id = Some(ev.field(line, "queue_id", id));
            rest
        }
        _ => msg,
    };
    if let Some(r) = comma_value(msg, "relay=") {
        // `relay=host.example.net [192.0.2.7] (may be forged)`, `relay=[192.0.2.7]`.
        let r = r.split(" (").next().unwrap_or(r);
        match super::host_ip(r) {
            Some((h, ip)) => {
                let h = h.trim_end_matches('.');
                if !h.is_empty() {
                    ev.client_host = Some(ev.field(line, "client_host", h));
                }
                ev.client_ip = Some(ev.field(line, "client", ip));
            }
            None => ev.relay = Some(ev.field(line, "relay", r)),
        }
    }
    if msg.starts_with("ruleset=") {
        ev.kind = EventKind::Reject;
        let rs = comma_value(msg, "ruleset=").unwrap_or("");
        let stage = match rs {
            "check_rcpt" => "RCPT",
            "check_mail" => "MAIL",
            "check_relay" => "CONNECT",
            "check_data" | "check_eom" | "check_eoh" => "DATA",
            "check_etrn" => "ETRN",
            "check_vrfy" | "check_expn" => "VRFY",
            _ => "",
        };
        if !stage.is_empty() {
            ev.stage = Some(stage.into());
        }
        if let Some(a) = angle_value(msg, "arg1=") {
            match stage {
                "RCPT" => ev.to = Some(ev.field(line, "to", a)),
                "MAIL" => ev.from = Some(ev.field(line, "from", a)),
                _ => {}
            }
        }
        if let Some(i) = msg.find("reject=") {
            ev.set_reply(line, &msg[i + 7..]);
        }
        return;
    }
    if msg.starts_with("to=") || super::find_key(msg, "stat=").is_some() {
        read_delivery(ev, line, msg);
        return;
    }
    if msg.starts_with("AUTH failure") {
        ev.kind = EventKind::SaslFailure;
        ev.stage = Some("AUTH".into());
        if let Some(m) = msg
            .strip_prefix("AUTH failure (")
            .and_then(|r| r.split(')').next())
        {
            ev.sasl_method = Some(m.to_owned());
        }
        if let Some(u) = comma_value(msg, "user=") {
            ev.sasl_username = Some(ev.field(line, "sasl_username", u));
        }
        ev.reply_text = Some(msg.to_owned());
        return;
    }
    if msg.starts_with("STARTTLS") && msg.contains("error") {
        ev.kind = EventKind::Tls;
        ev.stage = Some("STARTTLS".into());
        ev.reply_text = Some(msg.to_owned());
        return;
    }
    if msg.starts_with("from=") {
        ev.kind = EventKind::Accepted;
        if let Some(f) = angle_value(msg, "from=") {
            ev.from = Some(ev.field(line, "from", f));
        }
        return;
    }
    // `<ann@example.org>... User unknown`: an in-session recipient refusal.
    if let Some(r) = msg.strip_prefix('<') {
        if let Some((addr, why)) = r.split_once(">... ") {
            ev.kind = EventKind::Reject;
            ev.stage = Some("RCPT".into());
            ev.to = Some(ev.field(line, "to", addr));
            ev.set_reply(line, why);
        }
    }
}

/// `to=<r>, delay=…, mailer=esmtp, relay=mx.example.org. [203.0.113.5], dsn=4.0.0,
/// stat=Deferred: Connection refused by mx.example.org.`
fn read_delivery(ev: &mut LogEvent, line: &Line<'_>, msg: &str) {
    ev.kind = EventKind::Delivery;
    if let Some(t) = angle_value(msg, "to=") {
        ev.to = Some(ev.field(line, "to", t));
    }
    if let Some(d) = comma_value(msg, "delay=") {
        ev.delay = Some(d.to_owned());
    }
    // On a delivery, relay= is the next hop, not a client.
    if let (Some(h), Some(ip)) = (ev.client_host.take(), ev.client_ip.take()) {
        ev.relay = Some(format!("{h} [{ip}]"));
    }
    ev.fields
        .retain(|f| !matches!(f.0, "client" | "client_host"));
    if let Some(d) = comma_value(msg, "dsn=") {
        ev.dsn = EnhancedStatus::parse(d);
    }
    let Some(i) = super::find_key(msg, "stat=") else {
        return;
    };
    let stat = &msg[i + 5..];
    ev.delivery = if stat.starts_with("Sent") {
        Some(DeliveryStatus::Sent)
    } else if stat.starts_with("Deferred") || ev.dsn.is_some_and(|d| d.class == 4) {
        Some(DeliveryStatus::Deferred)
    } else {
        Some(DeliveryStatus::Bounced)
    };
    if ev.delivery != Some(DeliveryStatus::Sent) {
        let why = stat.strip_prefix("Deferred:").unwrap_or(stat).trim();
        match crate::smtp::reply::find_reply_code(why) {
            Some((_, at)) => ev.set_reply(line, &why[at..]),
            None => ev.set_reply(line, why),
        }
    }
}
