use super::{
    from_own_smtpd, is_guard, is_yes, list_for, permits_everything, restriction_classes,
    smtpd_services, walk, with_postconf, Smtpd,
};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::{PostfixConfig, Restriction};
use crate::relay::is_relay_failure;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/relay_restrictions_without_sasl",
    title: "Authenticated users are refused relaying (no permit_sasl_authenticated before the relay check)",
    severity: Severity::Error,
    doc: r#"## What it does
For every smtpd service on which SASL authentication is enabled (`smtpd_sasl_auth_enable = yes`
in main.cf or as a master.cf `-o` override), walks `smtpd_relay_restrictions` and
`smtpd_recipient_restrictions` as smtpd does for a logged-in user sending to an outside domain,
and reports the list whose relay check (`reject_unauth_destination`, `defer_unauth_destination`,
`reject`, …) comes before any `permit_sasl_authenticated`. A relay-denied failure of a logged-in
user in the paste is shown with it.

## Why is this bad?
Both lists must let a request through. Logging in only helps where `permit_sasl_authenticated`
is evaluated before the relay check: otherwise the user's password is accepted and the mail is
still refused with `554 5.7.1 <…>: Relay access denied` (or `454 4.7.1` with
`defer_unauth_destination`). This typically happens when an old `smtpd_recipient_restrictions =
permit_mynetworks, reject_unauth_destination` stays in place after SASL is added to the relay
list.

## Example
```
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
```

## Use instead
```
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## References
- postconf(5) permit_sasl_authenticated: https://www.postfix.org/postconf.5.html#permit_sasl_authenticated
- postconf(5) smtpd_relay_restrictions: https://www.postfix.org/postconf.5.html#smtpd_relay_restrictions
- SASL_README: https://www.postfix.org/SASL_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_unknown_recipient_domain, permit_sasl_authenticated, reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11]\n",
    ],
    run,
};

/// The restriction that refuses a logged-in user relaying, if any.
fn refusal(
    cfg: &PostfixConfig,
    svc: &Smtpd<'_>,
    list: &[Restriction],
    classes: &[String],
) -> Option<Restriction> {
    walk(cfg, svc, list, classes, &mut |r| {
        if r.name.eq_ignore_ascii_case("permit_sasl_authenticated") || permits_everything(r) {
            Some(None)
        } else if is_guard(&r.name) {
            Some(Some(r.clone()))
        } else {
            None
        }
    })
    .flatten()
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let classes = restriction_classes(cfg);
        let svcs: Vec<Smtpd<'_>> = smtpd_services(facts, Some(cfg))
            .into_iter()
            .filter(|s| !s.loopback_only())
            .filter(|s| is_yes(s.effective(cfg, "smtpd_sasl_auth_enable").as_deref()))
            .collect();
        let mut problems = Vec::new();
        let mut working_submission = false;
        for svc in &svcs {
            let mut found = None;
            for name in ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"] {
                let list = list_for(cfg, svc, name);
                if let Some(r) = refusal(cfg, svc, &list, &classes) {
                    found = Some((name, r));
                    break;
                }
            }
            match found {
                Some(p) => problems.push((*svc, p)),
                None if svc.port() != Some(25) => working_submission = true,
                None => {}
            }
        }
        let mut seen = Vec::new();
        for (svc, (name, r)) in problems {
            let failures: Vec<_> = facts
                .failures
                .iter()
                .filter(|_| super::single_config(facts))
                .filter(|f| from_own_smtpd(f) && is_relay_failure(f) && f.sasl_username.is_some())
                .filter(|f| super::failure_port(f, facts).is_none_or(|p| Some(p) == svc.port()))
                .collect();
            // Port 25 with AUTH but no SASL relay, while submission works: a choice, unless a
            // logged-in user was refused there.
            if svc.port() == Some(25) && working_submission && failures.is_empty() {
                continue;
            }
            let key = (r.span, svc.span_of(cfg, name));
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let code = if r.name.starts_with("defer") {
                "454 4.7.1"
            } else {
                "554 5.7.1"
            };
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "SASL is enabled for {}, but in `{name}` `{}` comes before any \
                     permit_sasl_authenticated: a user who logged in successfully is still \
                     refused with \"{code} Relay access denied\" when sending to other domains.",
                    svc.label(),
                    r.name
                ))
                .confidence(if failures.is_empty() { 0.85 } else { 0.95 })
                .param(name)
                .param("permit_sasl_authenticated")
                .param("smtpd_sasl_auth_enable")
                .side(Side::SenderServer);
            f = super::evidence_for(f, cfg, &svc, name, "relay decision list");
            if let Some(s) = r.span {
                f = f.evidence(s, "relay check reached before permit_sasl_authenticated");
            }
            f = super::evidence_for(f, cfg, &svc, "smtpd_sasl_auth_enable", "SASL enabled");
            for fl in failures.iter().take(3) {
                f = f.evidence(fl.span, "logged-in user refused relaying");
            }
            let items: Vec<String> = list_for(cfg, &svc, name)
                .iter()
                .map(|x| match x.arg() {
                    Some(a) => format!("{} {a}", x.name),
                    None => x.name.clone(),
                })
                .collect();
            let mut fixed: Vec<String> = Vec::new();
            let mut inserted = false;
            for it in items {
                let nm = it.split(' ').next().unwrap_or("").to_owned();
                if !inserted && is_guard(&nm) {
                    fixed.push("permit_sasl_authenticated".into());
                    inserted = true;
                }
                fixed.push(it);
            }
            let snippet = if svc.overrides_param(name) {
                format!("  -o {name}={}", fixed.join(","))
            } else {
                format!("{name} = {}", fixed.join(", "))
            };
            f = f.fix(
                format!(
                    "Put permit_sasl_authenticated before `{}` in `{name}`, then `postfix reload`.",
                    r.name
                ),
                Some(snippet),
            );
            out.push(with_postconf(
                f,
                &[name, "permit_sasl_authenticated", "smtpd_sasl_auth_enable"],
            ));
        }
    }
}
