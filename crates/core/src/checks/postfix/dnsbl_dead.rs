use super::{dnsbl_status, dnsbl_uses, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/dnsbl_dead",
    title: "DNS block list that is shut down or lists everything",
    severity: Severity::Error,
    doc: r#"## What it does
Checks every zone used with `reject_rbl_client`, `reject_rhsbl_*`, `permit_dnswl_client` /
`permit_rhswl_client` and in `postscreen_dnsbl_sites` against the table of DNS lists that have
shut down, answer every query with a listing, or were retired in favour of another zone
(`kb/data/dnsbl-status.tsv`; a parent-domain row such as `sorbs.net` covers the zones under it).

## Why is this bad?
- A list whose domain now answers every query as "listed" (`dnsbl.ahbl.org` did so on shutdown;
  lapsed domains such as `bl.spamcannibal.org` were taken over) rejects **all** mail from
  everyone.
- A dead list times out or fails: every connection waits for DNS, and its old name may be
  re-registered by someone who then decides what you reject.
- A retired list (`cbl.abuseat.org`, `sbl-xbl.spamhaus.org`) still answers but duplicates its
  successor, doubling lookups.

## Example
```
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated,
    reject_unauth_destination, reject_rbl_client relays.ordb.org, reject_rbl_client list.dsbl.org
```

## Use instead
```
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated,
    reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]
```

## References
- postconf(5) reject_rbl_client: https://www.postfix.org/postconf.5.html#reject_rbl_client
- postconf(5) postscreen_dnsbl_sites: https://www.postfix.org/postconf.5.html#postscreen_dnsbl_sites
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client relays.ordb.org, reject_rbl_client dnsbl.sorbs.net\n",
        "myhostname = mx.example.net\npostscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, bl.spamcannibal.org*2\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], reject_rhsbl_sender dbl.spamhaus.org=127.0.1.[2..99]\n",
        "myhostname = mx.example.net\npostscreen_dnsbl_sites = zen.spamhaus.org=127.0.0.[2..11]*3, bl.spamcop.net*1, list.dnswl.org=127.0.[0..255].[1..3]*-4\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    // Past the report's cap findings are folded into one and get no rewritten line (each would
    // copy the whole list).
    let mut found = 0;
    for cfg in &facts.postfix {
        for u in dnsbl_uses(facts, cfg) {
            let Some(row) = dnsbl_status(&u.zone) else {
                continue;
            };
            found += 1;
            let (status, since, replacement, behaviour) = (row[1], row[2], row[3], row[4]);
            let sev = match status {
                "wildcard" if u.blocks() => Severity::Critical,
                "wildcard" => Severity::Error,
                "dead" => Severity::Warning,
                "retired" if replacement.is_empty() => Severity::Warning,
                "retired" => Severity::Info,
                _ => continue,
            };
            let since = if since.is_empty() {
                String::new()
            } else {
                format!(" (since {since})")
            };
            let state = match status {
                "wildcard" => "answers every query as listed",
                "dead" => "is shut down",
                _ => "is retired",
            };
            let effect = match (status, u.blocks()) {
                ("wildcard", true) => "every client looks listed, so all mail can be rejected",
                ("wildcard", false) => "every client looks allow-listed, so the list means nothing",
                ("dead", _) => "lookups fail or time out on every connection, and whoever registers the name later decides what you reject",
                _ => "it only adds lookups",
            };
            let mut f = Finding::new(CHECK.id, sev, CHECK.title)
                .summary(format!(
                    "`{}` in `{}` uses {}, which {state}{since}: {behaviour}; {effect}.",
                    u.how, u.param, u.zone
                ))
                .confidence(0.9)
                .param(&u.param)
                .side(Side::SenderServer)
                .evidence(u.span, format!("{status} DNS list"));
            let fix_text = if replacement.is_empty() {
                format!(
                    "Remove `{} {}` from `{}`, then `postfix reload`.",
                    u.how, u.text, u.param
                )
            } else {
                format!(
                    "Replace {} with {replacement} (once: do not query both), then `postfix reload`.",
                    u.zone
                )
            };
            let snippet = if !replacement.is_empty() && u.how == "reject_rbl_client" {
                Some(format!("reject_rbl_client {replacement}=127.0.0.[2..11]"))
            } else if found <= crate::report::MAX_PER_CHECK {
                super::line_without(cfg, &u.param, u.span)
            } else {
                None
            };
            f = f.fix(fix_text, snippet);
            let anchor = if u.how == "postscreen_dnsbl_sites" {
                "postscreen_dnsbl_sites"
            } else {
                "reject_rbl_client"
            };
            out.push(with_postconf(f, &[anchor]));
        }
    }
}
