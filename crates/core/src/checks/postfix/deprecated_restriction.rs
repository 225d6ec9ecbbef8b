use super::deprecated_parameter::{severity_for, status_words};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::params::{self, DeprecatedKind};
use crate::postfix::ListItem;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "postfix/deprecated_restriction",
    title: "Deprecated or removed smtpd restriction",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds restrictions inside `smtpd_*_restrictions` lists (in `main.cf`, restriction classes and
master.cf `-o` overrides) that Postfix has deprecated, renamed or removed.

## Why is this bad?
Since Postfix 3.9, `check_relay_domains`, `reject_maps_rbl` and `permit_naked_ip_address` no
longer work: Postfix logs a warning and answers the client with `451 4.3.5 Server configuration
error`, so mail is deferred. `permit_mx_backup` still works but logs a warning. Old names such as
`reject_unknown_client` are silent aliases of the current ones; renaming them keeps the
configuration readable against current documentation.

## Example
```
smtpd_recipient_restrictions = permit_mynetworks, check_relay_domains
```

## Use instead
```
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## References
- Postfix DEPRECATION_README: https://www.postfix.org/DEPRECATION_README.html
- SMTPD_ACCESS_README: https://www.postfix.org/SMTPD_ACCESS_README.html
"#,
    fail: pastes![
        "mail_version = 3.9.0\nsmtpd_recipient_restrictions = permit_mynetworks, check_relay_domains\n",
        "smtpd_helo_restrictions = permit_mynetworks, reject_invalid_hostname\n",
    ],
    pass: pastes![
        "smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_helo_required = yes\nsmtpd_helo_restrictions = permit_mynetworks, reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname\nsmtpd_client_restrictions = reject_unknown_reverse_client_hostname\nsmtpd_recipient_restrictions = reject_non_fqdn_recipient, reject_unknown_recipient_domain, permit_mynetworks, reject_unauth_destination\n",
    ],
    run,
};

/// Whether a parameter holds a restriction list.
fn is_restriction_list(name: &str, classes: &[String]) -> bool {
    (name.starts_with("smtpd_") && name.ends_with("_restrictions"))
        || name == "postscreen_access_list"
        || classes.iter().any(|c| c == name)
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let version = super::paste_version(facts);
    let classes: Vec<String> = facts
        .postfix
        .iter()
        .flat_map(|c| c.list("smtpd_restriction_classes"))
        .map(|i| i.text)
        .collect();
    let mut report = |param: &str, items: Vec<ListItem>, whole: crate::text::Span| {
        for item in items {
            let Some(d) =
                params::deprecated(&item.text).filter(|d| d.kind == DeprecatedKind::Restriction)
            else {
                continue;
            };
            let sev = severity_for(&d, version);
            let what = &item.text;
            out.push(
                Finding::new(CHECK.id, sev, CHECK.title)
                    .summary(format!(
                        "`{what}` in `{param}` is {}; use `{}` instead. {}",
                        status_words(&d, version),
                        d.replacement,
                        d.note
                    ))
                    .param(param)
                    .evidence(super::or_whole(item.span, whole), "deprecated restriction")
                    .fix(
                        format!("In `{param}`, replace `{what}` with `{}`.", d.replacement),
                        None,
                    )
                    .reference(
                        "Postfix DEPRECATION_README",
                        Some("https://www.postfix.org/DEPRECATION_README.html"),
                    ),
            );
        }
    };
    for cfg in &facts.postfix {
        for p in cfg.params.iter().filter(|p| !p.overridden) {
            if is_restriction_list(&p.name, &classes) {
                report(&p.name, p.value.items(), p.span);
            }
        }
    }
    for (_, o) in super::master_overrides(facts) {
        if is_restriction_list(&o.name, &classes) {
            report(&o.name, o.value.items(), o.span);
        }
    }
}
