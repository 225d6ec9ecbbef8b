use super::{domain_names, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/domain_in_two_classes",
    title: "Domain listed in two address classes",
    severity: Severity::Error,
    doc: r#"## What it does
Expands `mydestination`, `virtual_alias_domains`, `virtual_mailbox_domains` and `relay_domains`
(defaults and `$myhostname` / `$mydomain` included) and reports a domain name found in two of
them in a combination Postfix warns about: `mydestination` with either virtual class, the two
virtual classes with each other, or a virtual class with `relay_domains`. Lookup tables and
files in those lists cannot be seen into and are skipped. (`mydestination` together with
`relay_domains` is allowed: it was the default before compatibility level 2.)

## Why is this bad?
Each domain must belong to exactly one class, because the class decides who delivers it. Postfix
takes the first match (`mydestination`, then `virtual_alias_domains`, then
`virtual_mailbox_domains`, then `relay_domains`) and logs `warning: do not list domain … in BOTH
… and …`. A virtual-mailbox domain also listed in `mydestination` is delivered to UNIX accounts:
every virtual user gets `550 5.1.1 … User unknown in local recipient table`.

## Example
```
mydestination = $myhostname, localhost, example.net
virtual_mailbox_domains = example.net
```

## Use instead
```
mydestination = $myhostname, localhost
virtual_mailbox_domains = example.net
```

## References
- postconf(5) mydestination: https://www.postfix.org/postconf.5.html#mydestination
- postconf(5) virtual_mailbox_domains: https://www.postfix.org/postconf.5.html#virtual_mailbox_domains
- ADDRESS_CLASS_README: https://www.postfix.org/ADDRESS_CLASS_README.html
- VIRTUAL_README: https://www.postfix.org/VIRTUAL_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost, $mydomain\nvirtual_mailbox_domains = example.net, example.org\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n",
        "myhostname = mx.example.net\nvirtual_alias_domains = example.org\nvirtual_mailbox_domains = example.org\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost.$mydomain, localhost\nvirtual_mailbox_domains = example.net, example.org\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n",
        "myhostname = mx.example.net\nmydestination = $myhostname, localhost, example.net\nrelay_domains = $mydestination\n",
        "myhostname = mx.example.net\nvirtual_mailbox_domains = mysql:/etc/postfix/mysql-domains.cf\nmydestination = localhost\n",
    ],
    run,
};

/// Pairs Postfix warns about (trivial-rewrite's resolver), first class wins.
const PAIRS: &[(&str, &str)] = &[
    ("mydestination", "virtual_alias_domains"),
    ("mydestination", "virtual_mailbox_domains"),
    ("virtual_alias_domains", "virtual_mailbox_domains"),
    ("virtual_alias_domains", "relay_domains"),
    ("virtual_mailbox_domains", "relay_domains"),
];

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        // Each class read once for the pairs it is in.
        let mut classes: Vec<(&str, Vec<crate::postfix::ListItem>)> = Vec::new();
        for (a, b) in PAIRS {
            for c in [a, b] {
                if !classes.iter().any(|(n, _)| n == c) {
                    classes.push((c, domain_names(cfg, c)));
                }
            }
            let of = |c: &str| classes.iter().find(|(n, _)| *n == c).map(|(_, l)| l);
            let (Some(la), Some(lb)) = (of(a), of(b)) else {
                continue;
            };
            let mut reported: Vec<String> = Vec::new();
            for ia in la {
                let Some(ib) = lb.iter().find(|ib| ib.text == ia.text) else {
                    continue;
                };
                // relay_domains only counts where written itself, not inherited via
                // `$mydestination` (its default below compatibility level 2).
                if *b == "relay_domains" {
                    let own_line = cfg.get(b).map(|p| p.span);
                    let written_there =
                        matches!((own_line, ib.span), (Some(l), Some(s)) if l.contains(s));
                    if !written_there {
                        continue;
                    }
                }
                if reported.contains(&ia.text) || !ia.text.contains('.') {
                    continue;
                }
                reported.push(ia.text.clone());
                let d = &ia.text;
                let consequence = match (*a, *b) {
                    ("mydestination", _) => format!(
                        "Postfix treats {d} as a local domain and delivers it to UNIX accounts \
                         and aliases; `{b}` is ignored for it, so its users get \"User unknown in \
                         local recipient table\""
                    ),
                    (_, "relay_domains") => format!(
                        "Postfix handles {d} by `{a}` and never relays it, so the relay_domains \
                         entry is dead and misleading"
                    ),
                    _ => format!(
                        "Postfix handles {d} as a virtual alias domain only: addresses without an \
                         alias get \"User unknown in virtual alias table\" instead of reaching \
                         their mailboxes"
                    ),
                };
                let sev = if *b == "relay_domains" {
                    Severity::Warning
                } else {
                    CHECK.severity
                };
                let mut f = Finding::new(CHECK.id, sev, CHECK.title)
                    .summary(format!(
                        "`{d}` is in both `{a}` and `{b}`; {consequence}. Postfix logs \"do not \
                         list domain {d} in BOTH {a} and {b}\"."
                    ))
                    .confidence(0.9)
                    .param(*a)
                    .param(*b)
                    .side(Side::SenderServer);
                for (item, name) in [(ia, a), (ib, b)] {
                    match (item.span, cfg.get(name)) {
                        (Some(s), _) => f = f.evidence(s, format!("{d} in {name}")),
                        (None, Some(p)) => f = f.evidence(p.span, format!("{d} in {name}")),
                        (None, None) => {}
                    }
                }
                let (keep, drop) = if *a == "mydestination" && b.starts_with("virtual_") {
                    (*b, *a)
                } else if *b == "relay_domains" {
                    (*a, *b)
                } else {
                    ("virtual_mailbox_domains", "virtual_alias_domains")
                };
                let rest: Vec<String> = cfg
                    .get(drop)
                    .map(|p| p.value.items())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|i| {
                        let e = cfg
                            .expand(&i.text)
                            .trim_end_matches('.')
                            .to_ascii_lowercase();
                        e != *d
                    })
                    .map(|i| i.text)
                    .collect();
                let snippet = cfg
                    .get(drop)
                    .map(|_| format!("{drop} = {}", rest.join(", ")));
                f = f.fix(
                    format!(
                        "Keep {d} in `{keep}` only and remove it from `{drop}` (for a domain \
                         whose users have mailboxes, that is virtual_mailbox_domains), then \
                         `postfix reload`."
                    ),
                    snippet,
                );
                out.push(with_postconf(f, &[a, b]));
            }
        }
    }
}
