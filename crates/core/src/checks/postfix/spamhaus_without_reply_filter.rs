use super::{dnsbl_uses, from_own_smtpd, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/spamhaus_without_reply_filter",
    title: "Spamhaus list used without a reply filter",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds the public Spamhaus zones (`zen`, `sbl`, `xbl`, `pbl`, `sbl-xbl` and `dbl.spamhaus.org`)
used in `reject_rbl_client`, `reject_rhsbl_*` or `postscreen_dnsbl_sites` without a `=…` reply
filter. When the paste holds a rejection carrying a Spamhaus error code (an "open resolver"
answer, 127.255.255.x), it says so and raises the severity.

## Why is this bad?
Spamhaus refuses queries that reach it through public or shared resolvers (8.8.8.8, 1.1.1.1,
many cloud forwarders) and answers them with an *error* address: 127.255.255.254 (public
resolver), 127.255.255.252 (malformed query), 127.255.255.255 (too many queries). Without a
filter Postfix reads any answer as "listed", so every sender is rejected with `554 5.7.1
Service unavailable; Client host [...] blocked using zen.spamhaus.org`. A filter accepts only
the real listing codes: 127.0.0.2–127.0.0.11 for the IP lists, 127.0.1.2–127.0.1.99 for DBL.

## Example
```
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.spamhaus.org
```

## Use instead
```
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
    reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], reject_rhsbl_sender dbl.spamhaus.org=127.0.1.[2..99]
```
and query through a local recursive resolver (unbound, bind) rather than a public one, or use a
Spamhaus DQS key.

## References
- postconf(5) reject_rbl_client: https://www.postfix.org/postconf.5.html#reject_rbl_client
- postconf(5) postscreen_dnsbl_sites: https://www.postfix.org/postconf.5.html#postscreen_dnsbl_sites
- Spamhaus return codes: https://www.spamhaus.org/faqs/dnsbl-usage/
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.spamhaus.org\n",
        "myhostname = mx.example.net\npostscreen_dnsbl_sites = zen.spamhaus.org*3, bl.spamcop.net*1\nsmtpd_sender_restrictions = reject_rhsbl_sender dbl.spamhaus.org\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], reject_rhsbl_sender dbl.spamhaus.org=127.0.1.[2..99]\n",
        "myhostname = mx.example.net\npostscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, bl.spamcop.net*1\n",
    ],
    run,
};

const IP_ZONES: &[&str] = &[
    "zen.spamhaus.org",
    "sbl.spamhaus.org",
    "xbl.spamhaus.org",
    "pbl.spamhaus.org",
    "sbl-xbl.spamhaus.org",
];

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let resolver_errors: Vec<_> = facts
        .failures
        .iter()
        .filter(|f| from_own_smtpd(f) || f.source == Some(crate::report::SegmentKind::Bounce))
        .filter(|f| {
            let has = |n: &str| crate::text::contains_lower(&f.text, n);
            has("spamhaus")
                && (has("open resolver")
                    || has("127.255.255.")
                    || has("returnc/pub")
                    || has("public resolver"))
        })
        .collect();
    for cfg in &facts.postfix {
        for u in dnsbl_uses(facts, cfg) {
            if u.filter.is_some() || !u.blocks() {
                continue;
            }
            let filter = if IP_ZONES.contains(&u.zone.as_str()) {
                "127.0.0.[2..11]"
            } else if u.zone == "dbl.spamhaus.org" {
                "127.0.1.[2..99]"
            } else {
                continue;
            };
            let hit = !resolver_errors.is_empty();
            let mut summary = format!(
                "`{}` in `{}` uses {} without a reply filter: Spamhaus's error answers \
                 (127.255.255.254 for queries through a public resolver, 127.255.255.252, \
                 127.255.255.255) count as listings, and then every sender is rejected.",
                u.how, u.param, u.zone
            );
            if hit {
                summary.push_str(
                    " The paste shows exactly that: a rejection carrying a Spamhaus resolver \
                     error.",
                );
            }
            let mut f = Finding::new(
                CHECK.id,
                if hit {
                    Severity::Critical
                } else {
                    CHECK.severity
                },
                CHECK.title,
            )
            .summary(summary)
            .confidence(if hit { 0.95 } else { 0.75 })
            .param(&u.param)
            .side(Side::SenderServer)
            .evidence(u.span, "Spamhaus zone without reply filter");
            for fl in resolver_errors.iter().take(3) {
                f = f.evidence(fl.reply_span.unwrap_or(fl.span), "Spamhaus resolver error");
            }
            let replacement = if u.how == "postscreen_dnsbl_sites" {
                let weight = u
                    .text
                    .rsplit_once('*')
                    .map(|(_, w)| format!("*{w}"))
                    .unwrap_or_default();
                format!("{}={filter}{weight}", u.zone)
            } else {
                format!("{} {}={filter}", u.how, u.zone)
            };
            f = f
                .fix(
                    format!(
                        "Write `{replacement}` instead of `{}`, query through a local recursive \
                         resolver (not 8.8.8.8 / 1.1.1.1 / a cloud forwarder), then `postfix \
                         reload`.",
                        u.text
                    ),
                    Some(replacement),
                )
                .dead_end(
                    "Asking Spamhaus to delist the rejected senders",
                    "They are not listed; the answer is a resolver error code that Postfix reads \
                     as a listing.",
                );
            let anchor = if u.how == "postscreen_dnsbl_sites" {
                "postscreen_dnsbl_sites"
            } else {
                "reject_rbl_client"
            };
            out.push(with_postconf(f, &[anchor]));
        }
    }
}
