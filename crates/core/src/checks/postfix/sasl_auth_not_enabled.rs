use super::{from_own_smtpd, is_yes, smtpd_services, with_postconf, written_restrictions};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/sasl_auth_not_enabled",
    title: "permit_sasl_authenticated is used but no service enables SASL",
    severity: Severity::Error,
    doc: r#"## What it does
Reports restriction lists that rely on `permit_sasl_authenticated` on an smtpd service where
`smtpd_sasl_auth_enable` is not `yes` (neither in main.cf nor as that service's `-o` override):

- a master.cf service whose own `-o …_restrictions=` use `permit_sasl_authenticated` (the
  `submission` block with `-o smtpd_sasl_auth_enable=yes` left out);
- main.cf lists using it while main.cf configures the SASL back end (`smtpd_sasl_type`,
  `smtpd_sasl_path`) and no service of the pasted master.cf enables it (without master.cf the
  submission service may enable it, so that is not guessed);
- a `503 5.5.1 Error: authentication not enabled` reply in the paste.

A stock list such as Debian's `permit_mynetworks permit_sasl_authenticated
defer_unauth_destination` on a server that does no SASL at all is not reported.

## Why is this bad?
Without `smtpd_sasl_auth_enable = yes` smtpd does not offer AUTH, so nobody can log in and
`permit_sasl_authenticated` never matches: mail clients get `503 5.5.1 Error: authentication not
enabled`, then `Relay access denied` (or `Access denied` where the list ends with `reject`).

## Example
```
submission inet n - y - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
```

## Use instead
```
submission inet n - y - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
```

## References
- postconf(5) smtpd_sasl_auth_enable: https://www.postfix.org/postconf.5.html#smtpd_sasl_auth_enable
- SASL_README: https://www.postfix.org/SASL_README.html
"#,
    fail: pastes![
        "submission inet n       -       y       -       -       smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n",
        "myhostname = mx.example.net\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n\nsmtp      inet  n       -       y       -       -       smtpd\n#submission inet n       -       y       -       -       smtpd\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n",
        "submission inet n       -       y       -       -       smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n",
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n",
    ],
    run,
};

fn uses_sasl_permit(
    list: &str,
    cfg: &crate::postfix::PostfixConfig,
    svc: &super::Smtpd<'_>,
) -> bool {
    cfg.restrictions_in(list, svc.overrides())
        .iter()
        .any(|r| r.name.eq_ignore_ascii_case("permit_sasl_authenticated"))
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let not_enabled: Vec<_> = facts
        .failures
        .iter()
        .filter(|f| from_own_smtpd(f))
        .filter(|f| crate::text::contains_lower(&f.text, "authentication not enabled"))
        .collect();
    for cfg in super::configs(facts) {
        let svcs = smtpd_services(facts, Some(cfg));
        let enabled =
            |s: &super::Smtpd<'_>| is_yes(s.effective(cfg, "smtpd_sasl_auth_enable").as_deref());
        let any_enabled = svcs.iter().any(enabled);
        // Services whose own overrides rely on SASL.
        for svc in svcs.iter().filter(|s| s.service.is_some() && !enabled(s)) {
            let lists: Vec<&str> = super::RESTRICTION_LISTS
                .iter()
                .copied()
                .filter(|l| svc.overrides_param(l) && uses_sasl_permit(l, cfg, svc))
                .collect();
            let Some(first) = lists.first() else { continue };
            let main_known = !facts.postfix.is_empty();
            let main_words = if main_known {
                "and main.cf does not enable it"
            } else {
                "and unless main.cf enables it globally, which the paste does not show"
            };
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "{} relies on permit_sasl_authenticated in `{first}`, but SASL is not enabled \
                     there (no `-o smtpd_sasl_auth_enable=yes`, {main_words}): AUTH is not \
                     offered, nobody can log in, and mail clients are refused.",
                    svc.label()
                ))
                .confidence(if main_known { 0.9 } else { 0.6 })
                .param("smtpd_sasl_auth_enable")
                .param(*first)
                .side(Side::SenderServer);
            for l in &lists {
                f = super::evidence_for(f, cfg, svc, l, "relies on permit_sasl_authenticated");
            }
            f = super::evidence_for(f, cfg, svc, "smtpd_sasl_auth_enable", "SASL switched off");
            if let Some(s) = svc.service {
                f = f.evidence(s.name_span, "service without SASL");
            }
            for fl in not_enabled.iter().take(3) {
                f = f.evidence(fl.span, "AUTH refused");
            }
            f = f.fix(
                "Enable SASL for this service in master.cf, then `postfix reload`.",
                Some("  -o smtpd_sasl_auth_enable=yes".into()),
            );
            out.push(with_postconf(
                f,
                &["smtpd_sasl_auth_enable", "permit_sasl_authenticated"],
            ));
        }
        if any_enabled {
            continue;
        }
        // main.cf lists relying on SASL while its back end is configured or AUTH was refused.
        let written = written_restrictions(facts, cfg);
        let main_uses: Vec<_> = written
            .iter()
            .filter(|w| w.service.is_none())
            .filter(|w| {
                w.restriction
                    .name
                    .eq_ignore_ascii_case("permit_sasl_authenticated")
            })
            .collect();
        let Some(first) = main_uses.first() else {
            continue;
        };
        let backend = ["smtpd_sasl_type", "smtpd_sasl_path"]
            .iter()
            .any(|n| cfg.is_explicit(n));
        let master_known = !facts.master.is_empty();
        // Without master.cf the submission service may well enable it: no guessing.
        if (!backend || !master_known) && not_enabled.is_empty() {
            continue;
        }
        let conf = if not_enabled.is_empty() { 0.85 } else { 0.95 };
        let mut summary = format!(
            "`{}` uses permit_sasl_authenticated and the SASL back end is configured, but \
             smtpd_sasl_auth_enable is not `yes`, so no client can log in and the permit never \
             matches.",
            first.list
        );
        if !master_known {
            summary.push_str(
                " (Unless a master.cf service sets `-o smtpd_sasl_auth_enable=yes`: paste \
                 master.cf to be sure.)",
            );
        }
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(summary)
            .confidence(conf)
            .param("smtpd_sasl_auth_enable")
            .param(&first.list)
            .side(Side::SenderServer)
            .evidence(first.line, "relies on permit_sasl_authenticated");
        f = super::evidence_line(f, cfg, "smtpd_sasl_auth_enable", "SASL switched off");
        for n in ["smtpd_sasl_type", "smtpd_sasl_path"] {
            f = super::evidence_line(f, cfg, n, "SASL back end");
        }
        for fl in not_enabled.iter().take(3) {
            f = f.evidence(fl.span, "AUTH refused");
        }
        f = f.fix(
            "Enable SASL on the submission service (preferred) or in main.cf, then `postfix \
             reload`.",
            Some(
                "submission inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
                    .into(),
            ),
        );
        out.push(with_postconf(
            f,
            &["smtpd_sasl_auth_enable", "permit_sasl_authenticated"],
        ));
    }
}
