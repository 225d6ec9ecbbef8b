use super::{list_for, smtpd_services, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/no_unauth_destination_guard",
    title: "No relay check in the relay or recipient restrictions (smtpd will not start)",
    severity: Severity::Critical,
    doc: r#"## What it does
For every smtpd service (main.cf, and each master.cf service with its `-o` overrides), checks
that `smtpd_relay_restrictions` or `smtpd_recipient_restrictions` names at least one of
`reject_unauth_destination`, `defer_unauth_destination`, `reject`, `defer`, `defer_if_permit`
before any bare `permit` — the same test smtpd makes at start-up (restriction classes count;
`warn_if_reject X` does not). Defaults are taken into account: since Postfix 2.10 the recipient
list is empty by default, and with `compatibility_level` below 1 so is the relay list. A short
excerpt is judged only when it shows both lists.

## Why is this bad?
Without one of those, smtpd logs `fatal: in parameter smtpd_relay_restrictions or
smtpd_recipient_restrictions, specify at least one working instance of: …` and exits; master
logs `bad command startup -- throttling`. No mail is accepted on that service, senders queue and
retry, clients time out. (Very old releases without this safety test simply relayed for everyone.)

## Example
```
compatibility_level = 0
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated
```

## Use instead
```
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## References
- postconf(5) smtpd_relay_restrictions: https://www.postfix.org/postconf.5.html#smtpd_relay_restrictions
- postconf(5) smtpd_recipient_restrictions: https://www.postfix.org/postconf.5.html#smtpd_recipient_restrictions
- COMPATIBILITY_README: https://www.postfix.org/COMPATIBILITY_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated\nsmtpd_recipient_restrictions = reject_unlisted_recipient\n",
        "mail_version = 3.7.11\nmyhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost.$mydomain, localhost\nmynetworks = 127.0.0.0/8 [::1]/128\ninet_interfaces = all\nalias_maps = hash:/etc/aliases\nsmtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated\n",
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination\nsmtpd_recipient_restrictions = reject_non_fqdn_recipient\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n",
        "mail_version = 3.7.11\ncompatibility_level = 3.6\nmyhostname = mx.example.net\n",
        "myhostname = mx.example.net\nsmtpd_restriction_classes = relay_policy\nrelay_policy = permit_mynetworks, reject_unauth_destination\nsmtpd_relay_restrictions = relay_policy\n",
        "mail_version = 2.9.6\nmyhostname = mx.example.net\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let mut reported_main = false;
        // A partial `postconf -n` paste that says nothing about relaying is not judged.
        let lists_written = ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
            .iter()
            .any(|n| cfg.is_explicit(n));
        let both_written = ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
            .iter()
            .all(|n| cfg.is_explicit(n));
        let informed = if super::is_excerpt(cfg) {
            both_written
        } else {
            lists_written
                || cfg.kind == Some(crate::report::SegmentKind::PostconfFull)
                || cfg.is_explicit("compatibility_level")
        };
        for svc in smtpd_services(facts, Some(cfg)) {
            let names = ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"];
            if super::relay_lists_guarded(cfg, &svc) {
                continue;
            }
            let own = names.iter().any(|n| svc.overrides_param(n));
            if !own && !informed {
                continue;
            }
            // Services that inherit main.cf's lists share one finding.
            if !own {
                if reported_main {
                    continue;
                }
                reported_main = true;
            }
            let where_ = if own {
                svc.label()
            } else {
                "main.cf".to_owned()
            };
            let shown = |n: &str| {
                let l = list_for(cfg, &svc, n);
                if l.is_empty() {
                    "empty".to_owned()
                } else {
                    format!(
                        "`{}`",
                        l.iter()
                            .map(|r| r.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            let permit_first = names.iter().any(|n| {
                list_for(cfg, &svc, n)
                    .iter()
                    .any(|r| r.name.eq_ignore_ascii_case("permit"))
            });
            let mut summary = format!(
                "For {where_}, smtpd_relay_restrictions is {} and smtpd_recipient_restrictions is \
                 {}: neither reaches reject_unauth_destination, defer_unauth_destination, reject, \
                 defer or defer_if_permit, so smtpd exits with \"specify at least one working \
                 instance of …\" and accepts no mail.",
                shown("smtpd_relay_restrictions"),
                shown("smtpd_recipient_restrictions")
            );
            if permit_first {
                summary.push_str(
                    " A bare `permit` ends the search: restrictions after it do not count.",
                );
            }
            if !cfg.is_explicit("smtpd_relay_restrictions")
                && !svc.overrides_param("smtpd_relay_restrictions")
                && cfg.compatibility_level < crate::postfix::Version::new(1, 0, 0)
                && cfg
                    .version
                    .is_none_or(|v| v >= crate::postfix::Version::new(3, 0, 0))
            {
                summary.push_str(
                    " With compatibility_level below 1 the default smtpd_relay_restrictions is \
                     empty.",
                );
            }
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(summary)
                .confidence(0.9)
                .param("smtpd_relay_restrictions")
                .param("smtpd_recipient_restrictions")
                .side(Side::SenderServer);
            for n in names {
                f = super::evidence_for(f, cfg, &svc, n, "relay decision list");
            }
            if f.evidence.is_empty() {
                f = super::evidence_line(f, cfg, "compatibility_level", "compatibility level");
            }
            if f.evidence.is_empty() {
                if let Some(p) = cfg.params.first() {
                    f = f.evidence(p.span, "configuration without a relay check");
                }
            }
            let snippet = if own {
                "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject".to_owned()
            } else {
                "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, \
                 reject_unauth_destination"
                    .to_owned()
            };
            f = f.fix(
                "End the relay list with a relay check (and put no bare `permit` before it), then \
                 `postfix reload`.",
                Some(snippet),
            );
            out.push(with_postconf(
                f,
                &["smtpd_relay_restrictions", "smtpd_recipient_restrictions"],
            ));
        }
    }
}
