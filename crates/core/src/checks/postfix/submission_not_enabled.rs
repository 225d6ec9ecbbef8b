use super::{configs, failure_port, is_yes, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/submission_not_enabled",
    title: "No submission service (port 587 or 465) in master.cf",
    severity: Severity::Warning,
    doc: r#"## What it does
When master.cf is pasted, looks for an enabled smtpd service on port 587 (`submission`) or 465
(`submissions` / `smtps`); a commented-out entry counts as not enabled. It reports the absence
when users evidently need to send through the server: SASL is configured in main.cf, or the
paste shows a relay refusal for a client that had not logged in and sent from one of the
server's own domains. Without master.cf in the paste
it stays silent.

## Why is this bad?
Mail clients are meant to submit on port 587 (STARTTLS) or 465 (implicit TLS) with a login
(RFC 6409, RFC 8314). Many networks block outgoing port 25, and port 25 usually does not accept
mail for other domains from unauthenticated clients: users see connection timeouts or
`Relay access denied`.

## Example
```
smtp      inet  n       -       y       -       -       smtpd
#submission inet n       -       y       -       -       smtpd
#  -o syslog_name=postfix/submission
```

## Use instead
```
submission inet n       -       y       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
```

## References
- master(5): https://www.postfix.org/master.5.html
- postconf(5) smtpd_sasl_auth_enable: https://www.postfix.org/postconf.5.html#smtpd_sasl_auth_enable
- RFC 6409 (message submission): https://www.rfc-editor.org/rfc/rfc6409
- RFC 8314 (implicit TLS for submission): https://www.rfc-editor.org/rfc/rfc8314
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\n\nsmtp      inet  n       -       y       -       -       smtpd\n#submission inet n       -       y       -       -       smtpd\n#  -o syslog_name=postfix/submission\n#  -o smtpd_tls_security_level=encrypt\npickup    unix  n       -       y       60      1       pickup\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\n\nsmtp      inet  n       -       y       -       -       smtpd\nsubmission inet n       -       y       -       -       smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\npickup    unix  n       -       y       60      1       pickup\n",
        "myhostname = mx.example.net\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\n",
        "myhostname = mx.example.net\n\nsmtp      inet  n       -       y       -       -       smtpd\n#submission inet n       -       y       -       -       smtpd\npickup    unix  n       -       y       60      1       pickup\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    if facts.master.is_empty() {
        return;
    }
    let enabled = facts.master.iter().flat_map(|m| &m.services).any(|s| {
        !s.commented_out && s.command == "smtpd" && matches!(s.port(), Some(587) | Some(465))
    });
    if enabled {
        return;
    }
    for cfg in configs(facts) {
        let own = super::own_domains(cfg);
        let refused: Vec<_> = facts
            .failures
            .iter()
            .filter(|f| super::single_config(facts) && super::own_user_refused(f, &own))
            .filter(|f| failure_port(f, facts).is_none_or(|p| p == 25))
            .collect();
        let sasl_lines: Vec<&str> = [
            "smtpd_sasl_auth_enable",
            "smtpd_sasl_type",
            "smtpd_sasl_path",
        ]
        .into_iter()
        .filter(|n| match *n {
            "smtpd_sasl_auth_enable" => is_yes(cfg.get(n).map(|p| p.value.text.as_str())),
            _ => cfg.is_explicit(n),
        })
        .collect();
        if sasl_lines.is_empty() && refused.is_empty() {
            continue;
        }
        let commented: Vec<_> = facts
            .master
            .iter()
            .flat_map(|m| &m.services)
            .filter(|s| {
                s.commented_out && matches!(s.name.as_str(), "submission" | "submissions" | "smtps")
            })
            .collect();
        let why = if !refused.is_empty() {
            "the paste shows this server's own users, not logged in, being refused relaying"
        } else {
            "main.cf configures SASL for users who log in"
        };
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "master.cf has no enabled submission service on port 587 or 465{}, yet {why}. \
                 Mail clients then have only port 25, which networks often block and which \
                 refuses relaying for clients that did not log in.",
                if commented.is_empty() {
                    ""
                } else {
                    " (the stock entry is commented out)"
                }
            ))
            .confidence(if refused.is_empty() { 0.7 } else { 0.8 })
            .param("smtpd_sasl_auth_enable")
            .side(Side::SenderServer);
        for s in &commented {
            f = f.evidence(s.span, "commented-out submission service");
        }
        if commented.is_empty() {
            if let Some(m) = facts.master.first() {
                f = f.evidence(m.span, "master.cf without a submission service");
            }
        }
        for n in &sasl_lines {
            f = super::evidence_line(f, cfg, n, "SASL for users");
        }
        for fl in refused.iter().take(3) {
            f = f.evidence(fl.span, "client refused relaying");
        }
        f = f.fix(
            "Enable the submission service in master.cf (remove the `#`s of the stock entry), \
             then `postfix reload`; configure clients for port 587 with STARTTLS.",
            Some(
                "submission inet n       -       y       -       -       smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_tls_auth_only=yes\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
                    .into(),
            ),
        );
        out.push(with_postconf(f, &["smtpd_sasl_auth_enable"]));
        break;
    }
}
