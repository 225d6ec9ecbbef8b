use super::{is_yes, with_postconf, written_restrictions};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/helo_restrictions_without_helo_required",
    title: "HELO checks can be skipped: smtpd_helo_required is off",
    severity: Severity::Warning,
    doc: r#"## What it does
Reports restrictions that judge the HELO/EHLO name (`reject_invalid_helo_hostname`,
`reject_non_fqdn_helo_hostname`, `reject_unknown_helo_hostname`, `check_helo_access` and its
`_a_`/`_mx_`/`_ns_` forms, `reject_rhsbl_helo`, and their old names) in any smtpd restriction
list while `smtpd_helo_required` is `no` (the default).

## Why is this bad?
A client that never sends HELO or EHLO has no name to check, and smtpd skips those
restrictions for it. Spam software that leaves out the greeting walks past the very checks meant
to stop it. `smtpd_helo_required = yes` refuses MAIL without a prior HELO/EHLO (`503 5.5.1
Error: send HELO/EHLO first`), which every real mail server and client sends anyway.

## Example
```
smtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname
```

## Use instead
```
smtpd_helo_required = yes
smtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname
```

## References
- postconf(5) smtpd_helo_required: https://www.postfix.org/postconf.5.html#smtpd_helo_required
- postconf(5) smtpd_helo_restrictions: https://www.postfix.org/postconf.5.html#smtpd_helo_restrictions
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname\n",
        "myhostname = mx.example.net\nsmtpd_helo_required = no\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, check_helo_access hash:/etc/postfix/helo_access\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_helo_required = yes\nsmtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname\n",
        "myhostname = mx.example.net\nsmtpd_helo_restrictions = permit_mynetworks, permit_sasl_authenticated\n",
    ],
    run,
};

fn judges_helo(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "reject_invalid_helo_hostname"
            | "reject_non_fqdn_helo_hostname"
            | "reject_unknown_helo_hostname"
            | "reject_rhsbl_helo"
            | "reject_invalid_hostname"
            | "reject_non_fqdn_hostname"
            | "reject_unknown_hostname"
    ) || (l.starts_with("check_helo_") && l.ends_with("_access"))
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        if is_yes(cfg.effective("smtpd_helo_required").as_deref()) {
            continue;
        }
        let written = written_restrictions(facts, cfg);
        let helo: Vec<_> = written
            .iter()
            .filter(|w| judges_helo(&w.restriction.name))
            .filter(|w| {
                // A service that requires HELO itself is fine.
                w.service.as_ref().is_none_or(|svc| {
                    !crate::relay::nearest_master(facts, cfg.span)
                        .iter()
                        .any(|m| {
                            m.service(svc)
                                .and_then(|s| s.override_of("smtpd_helo_required"))
                                .is_some_and(|o| is_yes(Some(&o.value.text)))
                        })
                })
            })
            .collect();
        let Some(first) = helo.first() else { continue };
        let names: Vec<&str> = helo.iter().map(|w| w.restriction.name.as_str()).collect();
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "{} judge the HELO name, but smtpd_helo_required is `no`{}: a client that skips \
                 HELO/EHLO is not checked by them at all.",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if cfg.is_explicit("smtpd_helo_required") {
                    ""
                } else {
                    " (the default)"
                }
            ))
            .confidence(0.85)
            .param("smtpd_helo_required")
            .param(&first.list)
            .side(Side::SenderServer);
        for w in helo.iter().take(4) {
            if let Some(s) = w.restriction.span {
                f = f.evidence(s, "HELO check");
            }
        }
        f = super::evidence_line(f, cfg, "smtpd_helo_required", "HELO not required");
        f = f.fix(
            "Require HELO/EHLO before MAIL, then `postfix reload`.",
            Some("smtpd_helo_required = yes".into()),
        );
        out.push(with_postconf(
            f,
            &["smtpd_helo_required", "smtpd_helo_restrictions"],
        ));
    }
}
