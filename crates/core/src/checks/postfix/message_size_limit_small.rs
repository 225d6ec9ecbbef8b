use super::with_postconf;
use crate::checks::Check;
use crate::facts::{Facts, Failure};
use crate::report::{Finding, SegmentKind, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/message_size_limit_small",
    title: "message_size_limit refuses ordinary attachments",
    severity: Severity::Warning,
    doc: r#"## What it does
Reports a `message_size_limit` set below Postfix's own default of 10240000 bytes (about 10 MB),
and, when the paste holds this server's `552 5.3.4 Message size exceeds fixed limit` refusal,
the limit in force (default included) that caused it. A limit of 0 (no limit) is not reported,
and neither is the default on its own: whether 10 MB is enough is a policy choice.

## Why is this bad?
The limit counts the encoded message: base64 makes attachments about a third larger, so a
10 MB limit already refuses a 7.5 MB file, and many providers accept 25 MB or more. Senders get
`552 5.3.4 Message size exceeds fixed limit` and their users a bounce, often blamed on the
recipient's mailbox.

## Example
```
message_size_limit = 5120000
```

## Use instead
```
message_size_limit = 26214400
```
and keep `mailbox_size_limit` (or `virtual_mailbox_limit`) at least as large, or 0.

## References
- postconf(5) message_size_limit: https://www.postfix.org/postconf.5.html#message_size_limit
- RFC 1870 (SIZE extension): https://www.rfc-editor.org/rfc/rfc1870
"#,
    fail: pastes![
        "myhostname = mx.example.net\nmessage_size_limit = 5120000\n",
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n\nMay 11 14:02:09 mx postfix/smtpd[7788]: NOQUEUE: reject: MAIL from mail.example.com[203.0.113.9]: 552 5.3.4 Message size exceeds fixed limit; proto=ESMTP helo=<mail.example.com>\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nmessage_size_limit = 52428800\n",
        "myhostname = mx.example.net\nmessage_size_limit = 0\n",
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n",
    ],
    run,
};

/// Postfix's default, the threshold below which a limit is reported on its own.
const DEFAULT_LIMIT: u64 = 10_240_000;

fn own_size_refusal(f: &Failure) -> bool {
    let own = f.source == Some(SegmentKind::MailLog)
        && f.reporter.as_deref().is_some_and(|r| {
            r.starts_with("postfix") && (r.ends_with("/smtpd") || r.ends_with("/cleanup"))
        });
    own && (f.status.as_deref() == Some("5.3.4")
        || crate::text::contains_lower(&f.text, "message size exceeds fixed limit"))
}

fn mb(b: u64) -> String {
    format!("{} MB", crate::text::fixed(b as f64 / 1_048_576.0, 1))
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let refusals: Vec<&Failure> = facts
        .failures
        .iter()
        .filter(|f| super::single_config(facts) && own_size_refusal(f))
        .collect();
    for cfg in &facts.postfix {
        let Some(limit) = cfg
            .effective("message_size_limit")
            .and_then(|v| v.trim().parse::<u64>().ok())
        else {
            continue;
        };
        if limit == 0 {
            continue;
        }
        let small = limit < DEFAULT_LIMIT && cfg.is_explicit("message_size_limit");
        if !small && refusals.is_empty() {
            continue;
        }
        let explicit = cfg.is_explicit("message_size_limit");
        let mut summary = format!(
            "`message_size_limit` is {limit} bytes ({}{}); with base64 encoding that refuses \
             attachments above roughly {}.",
            mb(limit),
            if explicit { "" } else { ", Postfix's default" },
            mb(limit / 4 * 3)
        );
        if small {
            summary.push_str(" That is below Postfix's own 10 MB default.");
        }
        if !refusals.is_empty() {
            summary.push_str(&format!(
                " This server refused {} message(s) with \"552 5.3.4 Message size exceeds fixed \
                 limit\" in the paste.",
                refusals.len()
            ));
        }
        let sev = if small {
            CHECK.severity
        } else {
            Severity::Info
        };
        let mut f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(summary)
            .confidence(if refusals.is_empty() { 0.8 } else { 0.9 })
            .param("message_size_limit")
            .side(Side::SenderServer);
        f = super::evidence_line(f, cfg, "message_size_limit", "message size limit");
        for r in refusals.iter().take(3) {
            f = f.evidence(r.reply_span.unwrap_or(r.span), "refused as too large");
        }
        f = f.fix(
            "Raise the limit (bytes) to what your users need, keep mailbox_size_limit / \
             virtual_mailbox_limit at least as large (or 0), then `postfix reload`.",
            Some("message_size_limit = 26214400".into()),
        );
        out.push(with_postconf(f, &["message_size_limit"]));
    }
}
