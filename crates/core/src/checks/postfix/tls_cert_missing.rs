use super::{smtpd_services, smtpd_tls, with_postconf, CERT_PARAMS};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, SegmentKind, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/tls_cert_missing",
    title: "TLS is switched on but no server certificate is configured",
    severity: Severity::Error,
    doc: r#"## What it does
For main.cf and every master.cf smtpd service with its own TLS overrides, reports TLS that is
asked for — `smtpd_tls_security_level = may` or `encrypt`, the old `smtpd_use_tls = yes` /
`smtpd_enforce_tls = yes`, or `smtpd_tls_wrappermode = yes` — while none of
`smtpd_tls_cert_file`, `smtpd_tls_chain_files`, `smtpd_tls_eccert_file` (or
`smtpd_tls_dcert_file`) is set. A short excerpt of main.cf (or master.cf alone) may simply
leave the certificate lines out and is not judged.

## Why is this bad?
A TLS server needs a certificate and key. Without one smtpd logs a warning and cannot offer
STARTTLS: with `may` mail arrives unencrypted and `smtpd_tls_auth_only = yes` hides AUTH, with
`encrypt` every client gets `454 4.7.0 TLS not available due to local problem`, and a
wrapper-mode (port 465) service fails every connection.

## Example
```
smtpd_tls_security_level = may
```

## Use instead
```
smtpd_tls_security_level = may
smtpd_tls_chain_files = /etc/letsencrypt/live/mx.example.net/privkey.pem, /etc/letsencrypt/live/mx.example.net/fullchain.pem
```
(before Postfix 3.4: `smtpd_tls_cert_file` and `smtpd_tls_key_file`).

## References
- postconf(5) smtpd_tls_chain_files: https://www.postfix.org/postconf.5.html#smtpd_tls_chain_files
- postconf(5) smtpd_tls_cert_file: https://www.postfix.org/postconf.5.html#smtpd_tls_cert_file
- TLS_README: https://www.postfix.org/TLS_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\nsmtpd_tls_session_cache_database = btree:${data_directory}/smtpd_scache\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_auth_enable = yes\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nmydestination = $myhostname, localhost\n",
        "myhostname = mx.example.net\nmydestination = $myhostname, localhost\nsmtpd_tls_loglevel = 1\nsmtpd_sasl_type = dovecot\nsmtpd_sasl_path = private/auth\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n\nsmtp      inet  n       -       y       -       -       smtpd\nsmtps     inet  n       -       y       -       -       smtpd\n  -o syslog_name=postfix/smtps\n  -o smtpd_tls_wrappermode=yes\n  -o smtpd_sasl_auth_enable=yes\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem\nsmtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key\n",
        "myhostname = mx.example.net\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem\n",
        "myhostname = mx.example.net\nsmtpd_tls_security_level = none\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let mut reported_main = false;
        for svc in smtpd_services(facts, Some(cfg)) {
            let tls = smtpd_tls(cfg, &svc);
            let Some(by) = tls.wanted_by else { continue };
            if tls.cert {
                continue;
            }
            let own = [
                by,
                "smtpd_tls_wrappermode",
                "smtpd_tls_cert_file",
                "smtpd_tls_chain_files",
            ]
            .iter()
            .any(|n| svc.overrides_param(n));
            if !own {
                if reported_main {
                    continue;
                }
                reported_main = true;
            }
            // A short `postconf -n` excerpt may just have left the certificate lines out.
            let excerpt = cfg.kind != Some(SegmentKind::PostconfFull)
                && cfg.params.len() < 6
                && !cfg.params.iter().any(|p| {
                    p.name.starts_with("smtpd_tls_")
                        && p.name != by
                        && p.name != "smtpd_tls_security_level"
                });
            let where_ = if own {
                svc.label()
            } else {
                "main.cf".to_owned()
            };
            let effect = if tls.wrapper {
                "every connection to this implicit-TLS service fails"
            } else if tls.required {
                "every client is refused with \"454 4.7.0 TLS not available due to local problem\""
            } else {
                "STARTTLS is not offered, mail arrives unencrypted and AUTH stays hidden where smtpd_tls_auth_only = yes"
            };
            if excerpt {
                continue;
            }
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "{where_} asks for TLS (`{by}`) but sets no certificate (smtpd_tls_cert_file, \
                 smtpd_tls_chain_files or smtpd_tls_eccert_file): {effect}."
                ))
                .confidence(0.85)
                .param(by)
                .param("smtpd_tls_chain_files")
                .param("smtpd_tls_cert_file")
                .side(Side::SenderServer);
            f = super::evidence_for(f, cfg, &svc, by, "TLS switched on");
            if by != "smtpd_tls_wrappermode" && tls.wrapper {
                f = super::evidence_for(f, cfg, &svc, "smtpd_tls_wrappermode", "implicit TLS");
            }
            if f.evidence.is_empty() {
                if let Some(s) = svc.service {
                    f = f.evidence(s.span, "service with TLS");
                }
            }
            f = f.fix(
                "Configure the certificate and key (one file list since Postfix 3.4), then \
                 `postfix reload`.",
                Some(
                    "smtpd_tls_chain_files = /etc/letsencrypt/live/mx.example.net/privkey.pem, /etc/letsencrypt/live/mx.example.net/fullchain.pem"
                        .into(),
                ),
            );
            let mut names = vec![by];
            names.extend(CERT_PARAMS.iter().take(2));
            out.push(with_postconf(f, &names));
        }
    }
}
