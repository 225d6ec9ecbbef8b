use super::{with_postconf, written_restrictions};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/permit_mx_backup_used",
    title: "permit_mx_backup relays for any domain that names this host as MX",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds `permit_mx_backup` in smtpd restriction lists (main.cf, restriction classes, master.cf
`-o` overrides).

## Why is this bad?
`permit_mx_backup` accepts mail for any domain whose DNS lists this host as an MX. Anyone can
publish an MX record pointing at your server, so the decision which domains you relay for is
taken by other people's DNS. It cannot know the valid recipients of those domains either, so it
accepts mail for non-existent users and later bounces it to forged senders (backscatter).
Postfix 3.9 deprecates it and logs a warning whenever it is used. `permit_mx_backup_networks`
only narrows which primary MX hosts qualify.

## Example
```
smtpd_recipient_restrictions = permit_mynetworks, permit_mx_backup, reject_unauth_destination
```

## Use instead
List the domains you really are a backup MX for, with their recipients:
```
relay_domains = example.org
relay_recipient_maps = hash:/etc/postfix/relay_recipients
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## References
- postconf(5) permit_mx_backup: https://www.postfix.org/postconf.5.html#permit_mx_backup
- postconf(5) relay_domains: https://www.postfix.org/postconf.5.html#relay_domains
- Postfix DEPRECATION_README: https://www.postfix.org/DEPRECATION_README.html
"#,
    fail: pastes!["myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, permit_mx_backup, reject_unauth_destination\n"],
    pass: pastes!["myhostname = mx.example.net\nrelay_domains = example.org\nrelay_recipient_maps = hash:/etc/postfix/relay_recipients\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n"],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        for w in written_restrictions(facts, cfg).iter() {
            if !w.restriction.name.eq_ignore_ascii_case("permit_mx_backup") {
                continue;
            }
            let where_ = w
                .service
                .as_ref()
                .map(|s| format!(" (master.cf service `{s}`)"))
                .unwrap_or_default();
            let narrowed = cfg
                .effective("permit_mx_backup_networks")
                .is_some_and(|v| !v.trim().is_empty());
            let mut summary = format!(
                "`{}`{where_} uses permit_mx_backup: this server relays for every domain whose \
                 MX records name it, chosen by whoever controls that DNS, and accepts unknown \
                 recipients there (backscatter).",
                w.list
            );
            if narrowed {
                summary.push_str(
                    " permit_mx_backup_networks limits it to domains whose primary MX is in \
                     those networks, which helps but still leaves recipients unchecked.",
                );
            }
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(summary)
                .confidence(0.9)
                .param(&w.list)
                .param("relay_domains")
                .side(Side::SenderServer)
                .evidence(w.line, "restriction list");
            if let Some(s) = w.restriction.span {
                f = f.evidence(s, "permit_mx_backup");
            }
            f = f.fix(
                "Remove permit_mx_backup and list the backup-MX domains in relay_domains, with \
                 their valid recipients in relay_recipient_maps.",
                Some(
                    "relay_domains = example.org\nrelay_recipient_maps = hash:/etc/postfix/relay_recipients"
                        .into(),
                ),
            );
            out.push(with_postconf(
                f,
                &["permit_mx_backup", "relay_domains", "relay_recipient_maps"],
            ));
        }
    }
}
