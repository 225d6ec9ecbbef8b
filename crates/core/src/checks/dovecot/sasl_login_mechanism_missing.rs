use super::{doc, with_ref};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/sasl_login_mechanism_missing",
    title: "SMTP AUTH through Dovecot without the LOGIN mechanism",
    severity: Severity::Info,
    doc: r#"## What it does
When Postfix authenticates SMTP clients through Dovecot (`smtpd_sasl_type = dovecot` with
`smtpd_sasl_auth_enable = yes`, in `main.cf` or a master.cf service), checks that Dovecot's
`auth_mechanisms` includes `login`. Dovecot's default is `plain` alone, and Postfix offers in
`AUTH` exactly what Dovecot lists.

## Why is this bad?
Some SMTP clients only speak the older LOGIN mechanism: older Outlook versions, many printers,
scanners and embedded devices that send mail. Offered only PLAIN, they give up and report that
the server does not support their authentication, or that the password is wrong. IMAP and POP3
are not affected (their LOGIN/USER commands do not need it).

## Example
```
# dovecot: auth_mechanisms not set (default plain)
# main.cf
smtpd_sasl_type = dovecot
smtpd_sasl_auth_enable = yes
```

## Use instead
```
auth_mechanisms = plain login
```
Both send the password readable, so keep SMTP AUTH behind TLS (`smtpd_tls_auth_only = yes`).

## References
- Postfix SASL_README, Dovecot SASL: https://www.postfix.org/SASL_README.html#server_dovecot
- Dovecot 2.3 authentication mechanisms: https://doc.dovecot.org/2.3/configuration_manual/authentication/authentication_mechanisms/
"#,
    fail: pastes![
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = private/auth\nsmtpd_sasl_type = dovecot\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
    ],
    pass: pastes![
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = private/auth\nsmtpd_sasl_type = dovecot\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nuserdb {\n  driver = passwd\n}\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let Some((pf, cfg)) = super::config_pair(facts) else {
        return;
    };
    let mechs = cfg.get("auth_mechanisms");
    // Without the setting only complete output tells that the default (plain) is in force.
    if mechs.is_none() && !super::is_complete(cfg) {
        return;
    }
    if mechs.is_some_and(|m| m.words().any(|w| w.eq_ignore_ascii_case("login"))) {
        return;
    }
    let via_dovecot = super::smtpd_contexts(facts).into_iter().find_map(|ctx| {
        let on = super::postfix_value(pf, ctx, "smtpd_sasl_auth_enable")
            .is_some_and(|v| v.value.trim().eq_ignore_ascii_case("yes"));
        let t = super::postfix_value(pf, ctx, "smtpd_sasl_type")?;
        (on && t.value.trim() == "dovecot").then_some(t)
    });
    let Some(sasl_type) = via_dovecot else { return };
    let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
        .summary(format!(
            "Postfix offers SMTP AUTH through Dovecot, and Dovecot's `auth_mechanisms` is `{}`: \
             clients that only speak LOGIN (older Outlook, many printers and scanners) cannot \
             authenticate to send mail.",
            mechs.map_or("plain (the default)", |m| m.value.as_str())
        ))
        .confidence(0.6)
        .param("auth_mechanisms")
        .param("smtpd_sasl_type");
    if let Some(m) = mechs {
        f = f.evidence(m.line_span, "mechanisms without login");
    } else {
        f = f.evidence(cfg.span, "Dovecot configuration without auth_mechanisms");
    }
    if let Some(s) = sasl_type.span {
        f = f.evidence(s, "Postfix authenticates through Dovecot");
    }
    let mut words: Vec<String> = mechs
        .map(|m| m.words().map(str::to_owned).collect())
        .unwrap_or_else(|| vec!["plain".to_owned()]);
    words.push("login".to_owned());
    f = f.fix(
        "Add `login` to Dovecot's mechanisms (it is as safe as PLAIN: both need TLS), then \
         reload Dovecot.",
        Some(format!("auth_mechanisms = {}", words.join(" "))),
    );
    out.push(with_ref(f, doc::POSTFIX_SASL_README));
}
