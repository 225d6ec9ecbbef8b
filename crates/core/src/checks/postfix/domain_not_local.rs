use super::{
    domain_names, from_own_smtpd, has_opaque_entries, mydomain, recipient_domain, with_postconf,
    ADDRESS_CLASSES,
};
use crate::checks::Check;
use crate::facts::{Facts, Failure};
use crate::postfix::PostfixConfig;
use crate::relay::is_relay_failure;
use crate::report::{Finding, Severity, Side};
use std::collections::HashSet;

pub static CHECK: Check = Check {
    id: "postfix/domain_not_local",
    title: "Mail for a domain this server hosts is refused: the domain is in no address class",
    severity: Severity::Error,
    doc: r#"## What it does
Takes each `Relay access denied` refusal by this server's smtpd in the paste and looks at the
recipient's domain. When the configuration shows the server hosts that domain — it is
`$mydomain`, `$myhostname` or `$myorigin`, or the domain of the logged-in user — yet the domain
is in none of `mydestination`, `virtual_alias_domains`, `virtual_mailbox_domains` and
`relay_domains`, it reports the missing class, with the refused line and the class settings as
evidence. Class lists holding lookup tables or unresolved `$names` cannot be checked and are
skipped.

## Why is this bad?
smtpd decides "is this mail for me?" only from those four lists. A domain in none of them is
foreign: `reject_unauth_destination` refuses mail to it from the Internet (`554 5.7.1 … Relay
access denied`, or `454 4.7.1` with `defer_unauth_destination`), so the domain receives no mail
at all, while logged-in users can still send to it (their mail then goes out to the domain's
MX — often back to this server, in a loop).

## Example
```
myhostname = mx.example.net
mydomain = example.net
mydestination = $myhostname, localhost
```
with `NOQUEUE: reject: RCPT from …: 554 5.7.1 <info@example.net>: Relay access denied`.

## Use instead
Put the domain in the class that delivers it (virtual mailboxes, e.g. Dovecot):
```
virtual_mailbox_domains = example.net
```
or, for UNIX accounts, `mydestination = $myhostname, localhost, $mydomain`.

## References
- ADDRESS_CLASS_README: https://www.postfix.org/ADDRESS_CLASS_README.html
- postconf(5) mydestination: https://www.postfix.org/postconf.5.html#mydestination
- postconf(5) virtual_mailbox_domains: https://www.postfix.org/postconf.5.html#virtual_mailbox_domains
- postconf(5) reject_unauth_destination: https://www.postfix.org/postconf.5.html#reject_unauth_destination
"#,
    fail: pastes![
        "myhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n\nMar  4 09:12:44 mx postfix/smtpd[4100]: NOQUEUE: reject: RCPT from mail.example.com[203.0.113.9]: 554 5.7.1 <info@example.net>: Relay access denied; from=<bob@example.com> to=<info@example.net> proto=ESMTP helo=<mail.example.com>\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost, $mydomain\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n\nMar  4 09:12:44 mx postfix/smtpd[4100]: NOQUEUE: reject: RCPT from mail.example.com[203.0.113.9]: 554 5.7.1 <info@example.org>: Relay access denied; from=<bob@example.com> to=<info@example.org> proto=ESMTP helo=<mail.example.com>\n",
        "myhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost\nvirtual_mailbox_domains = example.net\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n\nMar  4 09:12:44 mx postfix/smtpd[4100]: NOQUEUE: reject: RCPT from mail.example.com[203.0.113.9]: 554 5.7.1 <friend@example.com>: Relay access denied; from=<bob@example.net> to=<friend@example.com> proto=ESMTP helo=<mail.example.com>\n",
    ],
    run,
};

/// Whether `d` is in the list's domain names (`.example.org` and, for relay_domains, parent
/// domains match subdomains).
fn listed(names: &[(&str, Vec<String>)], d: &str) -> bool {
    names
        .iter()
        .any(|(class, list)| list.iter().any(|x| listed_in(class, x, d)))
}

fn listed_in(class: &str, x: &str, d: &str) -> bool {
    if let Some(parent) = x.strip_prefix('.') {
        return d.ends_with(&format!(".{parent}"));
    }
    x == d || (class == "relay_domains" && d.ends_with(&format!(".{x}")))
}

/// Why the paste shows this server hosts `d`, if it does.
fn hosted_because(
    cfg: &PostfixConfig,
    d: &str,
    f: &Failure,
) -> Option<(String, Option<&'static str>)> {
    let norm = |s: String| s.trim().trim_end_matches('.').to_ascii_lowercase();
    if mydomain(cfg).is_some_and(|m| m == d) {
        let p = cfg.is_explicit("mydomain").then_some("mydomain");
        return Some(("it is $mydomain".into(), p.or(Some("myhostname"))));
    }
    if cfg
        .effective("myhostname")
        .map(norm)
        .is_some_and(|h| h == d)
    {
        return Some(("it is $myhostname".into(), Some("myhostname")));
    }
    if cfg.effective("myorigin").map(norm).is_some_and(|o| o == d) {
        return Some(("it is $myorigin".into(), Some("myorigin")));
    }
    if let Some(u) = &f.sasl_username {
        if u.rsplit_once('@')
            .is_some_and(|(_, ud)| ud.eq_ignore_ascii_case(d))
        {
            return Some((format!("the logged-in user {u} belongs to it"), None));
        }
    }
    None
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let refused: Vec<&Failure> = facts
        .failures
        .iter()
        .filter(|f| from_own_smtpd(f) && is_relay_failure(f))
        .collect();
    if refused.is_empty() {
        return;
    }
    // Each refusal is judged against the config that goes with it (the nearest one).
    let mut by_config: Vec<Vec<&Failure>> = vec![Vec::new(); facts.postfix.len()];
    for f in refused {
        if let Some(k) = crate::relay::nearest_config(facts, f.span) {
            by_config[k].push(f);
        }
    }
    for (cfg, refused) in facts.postfix.iter().zip(&by_config) {
        if refused.is_empty() || ADDRESS_CLASSES.iter().any(|c| has_opaque_entries(cfg, c)) {
            continue;
        }
        let names: Vec<(&str, Vec<String>)> = ADDRESS_CLASSES
            .iter()
            .map(|c| {
                (
                    *c,
                    domain_names(cfg, c).into_iter().map(|i| i.text).collect(),
                )
            })
            .collect();
        // Each (domain, logged-in user) once: a long log repeats the same refusal.
        let mut seen: HashSet<(String, Option<String>)> = HashSet::new();
        let mut done: HashSet<String> = HashSet::new();
        for fl in refused {
            let Some(d) = recipient_domain(fl) else {
                continue;
            };
            if done.contains(&d) || !seen.insert((d.clone(), fl.sasl_username.clone())) {
                continue;
            }
            if listed(&names, &d) {
                done.insert(d);
                continue;
            }
            let Some((why, param)) = hosted_because(cfg, &d, fl) else {
                continue;
            };
            done.insert(d.clone());
            let same: Vec<&&Failure> = refused
                .iter()
                .filter(|x| recipient_domain(x).as_deref() == Some(d.as_str()))
                .collect();
            let virtual_setup = ["virtual_transport", "virtual_mailbox_maps"]
                .iter()
                .any(|n| cfg.is_explicit(n));
            let class = if virtual_setup {
                "virtual_mailbox_domains"
            } else {
                "mydestination"
            };
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "Mail to {d} was refused with \"Relay access denied\" ({} time(s)), although \
                     this server evidently hosts {d} ({why}): {d} is in none of mydestination, \
                     virtual_alias_domains, virtual_mailbox_domains, relay_domains, so smtpd \
                     treats it as a foreign domain.",
                    same.len()
                ))
                .confidence(0.85)
                .param(class)
                .param("mydestination")
                .param("virtual_mailbox_domains")
                .side(Side::SenderServer);
            for x in same.iter().take(3) {
                f = f.evidence(
                    x.reply_span.unwrap_or(x.span),
                    "refused mail for a hosted domain",
                );
            }
            for c in ADDRESS_CLASSES {
                f = super::evidence_line(f, cfg, c, "address class without the domain");
            }
            if let Some(p) = param {
                f = super::evidence_line(f, cfg, p, "shows the domain is hosted here");
            }
            let current: Vec<String> = cfg
                .get(class)
                .map(|p| p.value.items().into_iter().map(|i| i.text).collect())
                .unwrap_or_else(|| {
                    if class == "mydestination" {
                        vec![
                            "$myhostname".into(),
                            "localhost.$mydomain".into(),
                            "localhost".into(),
                        ]
                    } else {
                        Vec::new()
                    }
                });
            let mut items = current;
            items.push(d.clone());
            f = f.fix(
                format!(
                    "Add {d} to `{class}` (virtual_mailbox_domains when its users have virtual \
                     mailboxes, mydestination for UNIX accounts), then `postfix reload`."
                ),
                Some(format!("{class} = {}", items.join(", "))),
            )
            .dead_end(
                "Adding the sender's network to mynetworks",
                "It lets those hosts relay anywhere; mail for your own domain must be accepted \
                 because the domain is yours, from every sender.",
            );
            out.push(with_postconf(f, &[class, "reject_unauth_destination"]));
        }
    }
}
