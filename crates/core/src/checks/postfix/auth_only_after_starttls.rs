use super::{failure_port, is_yes, smtpd_services, smtpd_tls, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/auth_only_after_starttls",
    title: "AUTH is only offered after STARTTLS, which this server does not offer (or the client skipped)",
    severity: Severity::Error,
    doc: r#"## What it does
With `smtpd_tls_auth_only = yes`, smtpd announces AUTH only inside a TLS session. The check
reports:

- a SASL-enabled smtpd service with `smtpd_tls_auth_only = yes` where TLS is not actually
  available: `smtpd_tls_security_level` is `none` or unset (and the old `smtpd_use_tls` is not
  `yes`), or no server certificate is configured;
- a relay refusal in the paste for a client on port 25 that was not using TLS and not logged in,
  sending from one of this server's own domains to an outside one, while port 25 has SASL with
  `smtpd_tls_auth_only = yes`: the user's mail client never saw AUTH.

A short main.cf excerpt that leaves the TLS settings out is judged only when it switches TLS off
explicitly.

## Why is this bad?
When TLS is off, AUTH is never offered, so no one can log in: clients report that the server
does not support authentication, or send without logging in and get `Relay access denied`.
A client configured for port 25 without STARTTLS meets the same wall even when TLS works.

## Example
```
smtpd_sasl_auth_enable = yes
smtpd_tls_auth_only = yes
smtpd_tls_security_level = none
```

## Use instead
Offer STARTTLS with a certificate (and have clients use port 587 with STARTTLS):
```
smtpd_tls_security_level = may
smtpd_tls_chain_files = /etc/letsencrypt/live/mx.example.net/privkey.pem, /etc/letsencrypt/live/mx.example.net/fullchain.pem
smtpd_tls_auth_only = yes
```

## References
- postconf(5) smtpd_tls_auth_only: https://www.postfix.org/postconf.5.html#smtpd_tls_auth_only
- postconf(5) smtpd_tls_security_level: https://www.postfix.org/postconf.5.html#smtpd_tls_security_level
- RFC 3207 (STARTTLS): https://www.rfc-editor.org/rfc/rfc3207
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_tls_security_level = none\n",
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/certs/mx.pem\nsmtpd_tls_key_file = /etc/ssl/private/mx.key\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n\nOct  3 10:15:02 mx postfix/smtpd[2211]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: 554 5.7.1 <friend@example.com>: Relay access denied; from=<anna@example.net> to=<friend@example.com> proto=ESMTP helo=<laptop>\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_auth_only = yes\nsmtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem\n",
        "myhostname = mx.example.net\nsmtpd_tls_auth_only = yes\nsmtpd_tls_security_level = none\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let mut reported_main = false;
        for svc in smtpd_services(facts, Some(cfg)) {
            if !is_yes(svc.effective(cfg, "smtpd_sasl_auth_enable").as_deref())
                || !is_yes(svc.effective(cfg, "smtpd_tls_auth_only").as_deref())
            {
                continue;
            }
            let tls = smtpd_tls(cfg, &svc);
            let own = [
                "smtpd_tls_security_level",
                "smtpd_tls_auth_only",
                "smtpd_sasl_auth_enable",
                "smtpd_tls_wrappermode",
            ]
            .iter()
            .any(|n| svc.overrides_param(n));
            // Config: TLS not available at all.
            // In an excerpt, unset TLS settings may be set elsewhere; only an explicit "off" counts.
            let said_off = ["smtpd_tls_security_level", "smtpd_use_tls"]
                .iter()
                .any(|n| {
                    svc.span_of(cfg, n).is_some()
                        && svc
                            .effective(cfg, n)
                            .is_some_and(|v| matches!(v.trim(), "none" | "no"))
                });
            if (tls.wanted_by.is_none() || !tls.cert)
                && (!super::is_excerpt(cfg) || said_off || own)
            {
                if !own {
                    if reported_main {
                        continue;
                    }
                    reported_main = true;
                }
                let why = if tls.wanted_by.is_none() {
                    "TLS is not enabled (smtpd_tls_security_level is none or unset)"
                } else {
                    "no server certificate is configured, so STARTTLS cannot work"
                };
                let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                    .summary(format!(
                        "{} enables SASL with smtpd_tls_auth_only = yes, but {why}: AUTH is \
                         never announced and no client can log in.",
                        if own { svc.label() } else { "main.cf".into() }
                    ))
                    .confidence(0.85)
                    .param("smtpd_tls_auth_only")
                    .param("smtpd_tls_security_level")
                    .side(Side::SenderServer);
                for n in [
                    "smtpd_tls_auth_only",
                    "smtpd_tls_security_level",
                    "smtpd_use_tls",
                    "smtpd_sasl_auth_enable",
                ] {
                    f = super::evidence_for(f, cfg, &svc, n, n);
                }
                f = f.fix(
                    "Offer STARTTLS with a certificate (or, only on a trusted network, set \
                     smtpd_tls_auth_only = no).",
                    Some(
                        "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem"
                            .into(),
                    ),
                );
                out.push(with_postconf(
                    f,
                    &["smtpd_tls_auth_only", "smtpd_tls_security_level"],
                ));
                continue;
            }
            // Cross-input: a plain-text, unauthenticated client on port 25 refused relaying.
            if svc.port() != Some(25) || !super::single_config(facts) {
                continue;
            }
            let own = super::own_domains(cfg);
            let refused: Vec<_> = facts
                .failures
                .iter()
                .filter(|f| super::own_user_refused(f, &own) && f.tls != Some(true))
                .filter(|f| failure_port(f, facts) == Some(25))
                .collect();
            if refused.is_empty() {
                continue;
            }
            let mut f = Finding::new(CHECK.id, Severity::Warning, CHECK.title)
                .summary(format!(
                    "A user of this server's own domain sent on port 25 without TLS and without \
                     logging in, and was refused relaying ({} time(s)). On port 25 this server announces AUTH only after STARTTLS \
                     (smtpd_tls_auth_only = yes), so a mail client that does not start TLS never \
                     sees AUTH and sends unauthenticated.",
                    refused.len()
                ))
                .confidence(0.6)
                .param("smtpd_tls_auth_only")
                .side(Side::Client);
            for fl in refused.iter().take(3) {
                f = f.evidence(fl.span, "unauthenticated plain-text client refused");
            }
            f = super::evidence_for(
                f,
                cfg,
                &svc,
                "smtpd_tls_auth_only",
                "AUTH only after STARTTLS",
            );
            f = f.fix(
                "Configure the mail client for port 587 with STARTTLS (or 465 with SSL/TLS) and \
                 \"normal password\" authentication.",
                Some(format!(
                    "Outgoing server (SMTP): {}\nPort: 587\nConnection security: STARTTLS\nAuthentication: normal password",
                    cfg.effective("myhostname")
                        .filter(|h| !h.contains('$'))
                        .unwrap_or_else(|| "this server's name".into())
                )),
            )
            .dead_end(
                "Setting smtpd_tls_auth_only = no",
                "It sends passwords in clear text over the Internet; fix the client's \
                 encryption setting instead.",
            );
            out.push(with_postconf(f, &["smtpd_tls_auth_only"]));
        }
    }
}
