//! RFC 3464 delivery status fields (`message/delivery-status`, RFC 6533's
//! `message/global-delivery-status`, or the same fields pasted as plain text): one per-message
//! group (Reporting-MTA, Arrival-Date…) and one group per recipient (Final-Recipient, Action,
//! Status, Remote-MTA, Diagnostic-Code…). Lenient: missing blank lines between groups, folded
//! values, and fields in any order are all accepted.

/// Fields about the whole message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerMessage {
    pub reporting_mta: String,
    pub received_from_mta: String,
    /// `X-Postfix-Sender`, `X-Original-Sender`…: the envelope sender the DSN names.
    pub sender: String,
    pub arrival_date: String,
}

/// Fields about one recipient.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DsnRecipient {
    pub final_recipient: String,
    pub original_recipient: String,
    pub action: String,
    pub status: String,
    pub remote_mta: String,
    /// The Diagnostic-Code's type (`smtp`, `x-postfix`, `x-unix`), lowercased.
    pub diagnostic_type: String,
    pub diagnostic: String,
    pub last_attempt_date: String,
}

impl DsnRecipient {
    fn is_empty(&self) -> bool {
        self.final_recipient.is_empty()
            && self.original_recipient.is_empty()
            && self.action.is_empty()
            && self.status.is_empty()
            && self.diagnostic.is_empty()
    }
}

/// Whether `text` holds delivery status fields (cheap test before parsing).
pub fn has_fields(lower: &str) -> bool {
    use crate::text::contains;
    contains(lower, "final-recipient:")
        || (contains(lower, "action:")
            && contains(lower, "status:")
            && contains(lower, "recipient"))
}

/// Reads every field group in `text`.
pub fn parse(text: &str) -> (PerMessage, Vec<DsnRecipient>) {
    let mut msg = PerMessage::default();
    let mut out: Vec<DsnRecipient> = Vec::new();
    let mut cur = DsnRecipient::default();
    // The field being read, so a folded line continues it.
    let mut last: Option<&'static str> = None;
    for line in crate::text::lines(text) {
        let l = line.text;
        if l.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                if out.len() >= super::plain::MAX_RECIPIENTS {
                    return (msg, out);
                }
            }
            last = None;
            continue;
        }
        if matches!(l.as_bytes().first(), Some(b' ') | Some(b'\t')) {
            if let Some(f) = last {
                if let Some(slot) = slot(&mut cur, &mut msg, f) {
                    if !slot.is_empty() {
                        slot.push(' ');
                    }
                    slot.push_str(l.trim());
                }
            }
            continue;
        }
        let Some((name, value)) = l.split_once(':') else {
            last = None;
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        let field: Option<&'static str> = match name.as_str() {
            "final-recipient" => Some("final"),
            "original-recipient" => Some("original"),
            "x-actual-recipient" => Some("actual"),
            "action" => Some("action"),
            "status" => Some("status"),
            "remote-mta" => Some("remote"),
            "diagnostic-code" => Some("diag"),
            "last-attempt-date" => Some("last"),
            "reporting-mta" => Some("reporting"),
            "received-from-mta" => Some("received"),
            "arrival-date" => Some("arrival"),
            "x-postfix-sender" | "x-original-sender" | "original-envelope-id-sender" => {
                Some("sender")
            }
            _ => None,
        };
        last = field;
        let Some(f) = field else { continue };
        // A recipient field that this group already has starts the next group (DSNs that
        // forget the blank line between recipients).
        let repeated = match f {
            "final" => !cur.final_recipient.is_empty(),
            "original" => {
                !cur.original_recipient.is_empty()
                    || !cur.final_recipient.is_empty() && !cur.status.is_empty()
            }
            "action" => !cur.action.is_empty(),
            "status" => !cur.status.is_empty(),
            _ => false,
        };
        if repeated {
            out.push(std::mem::take(&mut cur));
        }
        if out.len() >= super::plain::MAX_RECIPIENTS {
            break;
        }
        let value = match f {
            "final" | "original" | "actual" | "sender" => typed_value(value).1.to_string(),
            // `dns; mx.example.org. (192.0.2.7, the server for …)`: the host name alone.
            "remote" | "reporting" | "received" => host_only(typed_value(value).1),
            "diag" => {
                let (ty, rest) = typed_value(value);
                cur.diagnostic_type = ty.to_ascii_lowercase();
                rest.to_string()
            }
            "action" => value
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase(),
            "status" => value
                .split(|c: char| c.is_whitespace() || c == '(')
                .next()
                .unwrap_or("")
                .to_string(),
            _ => value.to_string(),
        };
        if f == "actual" {
            if cur.final_recipient.is_empty() {
                cur.final_recipient = value;
            }
            continue;
        }
        if let Some(slot) = slot(&mut cur, &mut msg, f) {
            if slot.is_empty() {
                *slot = value;
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // Reporting-MTA and friends may sit in the same group as the first recipient.
    (msg, out)
}

fn slot<'a>(
    cur: &'a mut DsnRecipient,
    msg: &'a mut PerMessage,
    field: &str,
) -> Option<&'a mut String> {
    Some(match field {
        "final" => &mut cur.final_recipient,
        "original" => &mut cur.original_recipient,
        "action" => &mut cur.action,
        "status" => &mut cur.status,
        "remote" => &mut cur.remote_mta,
        "diag" => &mut cur.diagnostic,
        "last" => &mut cur.last_attempt_date,
        "reporting" => &mut msg.reporting_mta,
        "received" => &mut msg.received_from_mta,
        "arrival" => &mut msg.arrival_date,
        "sender" => &mut msg.sender,
        _ => return None,
    })
}

/// `rfc822; a@example.org` → (`rfc822`, `a@example.org`); a value without a type keeps it all.
fn typed_value(v: &str) -> (&str, &str) {
    match v.split_once(';') {
        Some((ty, rest)) if !ty.contains(' ') && ty.len() < 20 => {
            (ty.trim(), strip_angle(rest.trim()))
        }
        _ => ("", strip_angle(v.trim())),
    }
}

fn host_only(v: &str) -> String {
    let first = v.split([' ', '(', '[']).next().unwrap_or("");
    let host = first.trim_end_matches('.');
    if host.is_empty() { v.trim() } else { host }.to_string()
}

fn strip_angle(s: &str) -> &str {
    if s.starts_with('<') && s.ends_with('>') && s.len() >= 2 && !s[1..].contains('<') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_folding() {
        let (m, r) = parse(
            "Reporting-MTA: dns; mx.example.net\nX-Postfix-Sender: rfc822; ann@example.net\n\n\
             Final-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.0.0\n\
             Remote-MTA: dns; mx.example.org\nDiagnostic-Code: smtp; 550 5.7.1 no\n    relaying\n\
             Final-Recipient: rfc822;<eve@example.org>\nAction: delayed\nStatus: 4.4.1 (timeout)\n",
        );
        assert_eq!(m.reporting_mta, "mx.example.net");
        assert_eq!(m.sender, "ann@example.net");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].diagnostic, "550 5.7.1 no relaying");
        assert_eq!(r[0].diagnostic_type, "smtp");
        assert_eq!(r[1].final_recipient, "eve@example.org");
        assert_eq!(
            (r[1].action.as_str(), r[1].status.as_str()),
            ("delayed", "4.4.1")
        );
    }
}
