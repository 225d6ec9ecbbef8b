use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::params;
use crate::report::{Finding, Severity};
use std::collections::HashSet;

pub static CHECK: Check = Check {
    id: "postfix/unknown_parameter",
    title: "Postfix does not know this parameter",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds `main.cf` parameters (and master.cf `-o` settings) whose name Postfix does not know, or
does not know yet in the release the paste states, and suggests the closest real name.

## Why is this bad?
Postfix ignores a name it does not know: it only logs `warning: unused parameter`. A misspelt
`smptd_recipient_restrictions` therefore leaves the real `smtpd_recipient_restrictions` at its
default, so the rules you wrote are not applied at all, and nothing else tells you.

Names you define yourself and use as `$name` elsewhere, restriction class names, and
per-transport names such as `dovecot_destination_recipient_limit` are fine and not reported.

## Example
```
smptd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
```

## Use instead
```
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
```
Run `postconf -n` after editing: it prints `unused parameter` warnings for names it ignores.

## References
- postconf(5): https://www.postfix.org/postconf.5.html
"#,
    fail: pastes![
        "smptd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination\nmyhostname = mx.example.net\n",
        "mail_version = 2.9.6\nmyhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nmua_client_restrictions = permit_sasl_authenticated, reject\nsmtpd_client_restrictions = $mua_client_restrictions\ndovecot_destination_recipient_limit = 1\n",
        "smtpd_restriction_classes = from_partners\nfrom_partners = check_client_access hash:/etc/postfix/partners, reject\nmyhostname = mx.example.net\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    // Names legitimately user-defined: referenced as `$name`, listed as restriction classes.
    let mut user_names: HashSet<String> = HashSet::new();
    for cfg in &facts.postfix {
        user_names.extend(cfg.referenced_names());
        for item in cfg.list("smtpd_restriction_classes") {
            user_names.insert(item.text);
        }
    }
    for (_, o) in super::master_overrides(facts) {
        crate::postfix::references(&o.value.text, &mut user_names);
    }
    let services: HashSet<&str> = facts
        .master
        .iter()
        .flat_map(|m| m.services.iter().map(|s| s.name.as_str()))
        .collect();
    let version = super::paste_version(facts);
    let is_user_name = |name: &str| {
        user_names.contains(name)
            || params::is_transport_specific(name)
            || name
                .split_once('_')
                .is_some_and(|(svc, _)| services.contains(svc))
    };

    let mut report = |name: &str, span: crate::text::Span, value: &str, where_: &str| {
        if let Some(info) = params::info(name) {
            if !info.exists_in(version) {
                let v = version.map(|v| v.to_string()).unwrap_or_default();
                let (when, fix) = match info.removed_after {
                    Some(r) if version.is_some_and(|x| x > r) => (
                        format!("it was removed after Postfix {r}"),
                        format!(
                            "Remove the `{name}` line: Postfix {v} ignores it. Check \
                             postconf(5) for the setting that took its place."
                        ),
                    ),
                    _ => (
                        format!("it was added in Postfix {}", info.since),
                        format!(
                            "Remove the `{name}` line, or upgrade to Postfix {} or later if \
                             you need what it does.",
                            info.since
                        ),
                    ),
                };
                out.push(
                    Finding::new(
                        CHECK.id,
                        Severity::Warning,
                        "Parameter not available in this Postfix release",
                    )
                    .summary(format!(
                        "`{name}` ({where_}) has no effect in Postfix {v}: {when}."
                    ))
                    .confidence(0.8)
                    .param(name)
                    .evidence(span, "parameter not in this release")
                    .fix(fix, None),
                );
            }
            return;
        }
        if params::is_known(name) || is_user_name(name) {
            return;
        }
        let suggestion = params::did_you_mean(name);
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .param(name)
            .evidence(span, "unknown parameter name");
        match suggestion {
            Some(s) => {
                f = f
                    .summary(format!(
                        "Postfix does not know `{name}` ({where_}) and ignores it; did you mean \
                         `{s}`? Until the name is fixed, `{s}` keeps its default value."
                    ))
                    .confidence(0.9)
                    .param(s)
                    .fix(
                        format!("Rename `{name}` to `{s}`, then run `postfix reload`."),
                        Some(format!("{s} = {value}")),
                    );
            }
            None => {
                f = f
                    .summary(format!(
                        "Postfix does not know `{name}` ({where_}) and ignores it (it logs \
                         \"unused parameter\")."
                    ))
                    .confidence(0.6)
                    .fix(
                        format!(
                            "Check the name against postconf(5); remove `{name}` if it is not \
                             used as `${name}` anywhere."
                        ),
                        None,
                    );
            }
        }
        out.push(f);
    };

    for cfg in &facts.postfix {
        let label = super::config_label(cfg);
        for p in cfg.params.iter().filter(|p| !p.overridden) {
            report(&p.name, p.name_span, &p.value.text, label);
        }
    }
    for (svc, o) in super::master_overrides(facts) {
        report(
            &o.name,
            o.name_span,
            &o.value.text,
            &format!("master.cf service `{svc}`"),
        );
    }
}
