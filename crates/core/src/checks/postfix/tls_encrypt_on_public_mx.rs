use super::{hosted_domains, smtpd_services, smtpd_tls, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/tls_encrypt_on_public_mx",
    title: "Port 25 requires TLS on a server that receives mail from the Internet",
    severity: Severity::Error,
    doc: r#"## What it does
Reports `smtpd_tls_security_level = encrypt` (or the old `smtpd_enforce_tls = yes`) in force on
port 25 — in main.cf without an override on the `smtp` service, or on that service itself —
when the configuration receives mail for domains (virtual or relay domains, or `mydestination`
beyond the host's own names) and listens on more than loopback.

## Why is this bad?
RFC 3207 says a publicly referenced SMTP server (an MX) must not require STARTTLS. Senders that
do not do TLS get `530 5.7.0 Must issue a STARTTLS command first` and bounce or retry for days.
`encrypt` belongs on the submission ports (587, 465) as a master.cf override; port 25 uses
`may`.

## Example
```
smtpd_tls_security_level = encrypt
virtual_mailbox_domains = example.org
```

## Use instead
```
smtpd_tls_security_level = may
```
with, in master.cf, `-o smtpd_tls_security_level=encrypt` on the `submission` service.

## References
- postconf(5) smtpd_tls_security_level: https://www.postfix.org/postconf.5.html#smtpd_tls_security_level
- RFC 3207 section 4: https://www.rfc-editor.org/rfc/rfc3207#section-4
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem\nvirtual_mailbox_domains = example.org\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem\nvirtual_mailbox_domains = example.org\n",
        "myhostname = mx.example.net\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem\nvirtual_mailbox_domains = example.org\n\nsmtp      inet  n       -       y       -       -       smtpd\n  -o smtpd_tls_security_level=may\nsubmission inet n       -       y       -       -       smtpd\n  -o smtpd_sasl_auth_enable=yes\n",
        "myhostname = relay.example.net\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_chain_files = /etc/ssl/private/mx.key, /etc/ssl/certs/mx.pem\nmydestination = $myhostname, localhost\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        if super::inet_interfaces_loopback(cfg) {
            continue;
        }
        let hosted = hosted_domains(cfg);
        let Some((class, domain)) = hosted.first() else {
            continue;
        };
        for svc in smtpd_services(facts, Some(cfg)) {
            if svc.port() != Some(25) || svc.loopback_only() {
                continue;
            }
            let tls = smtpd_tls(cfg, &svc);
            if !tls.required {
                continue;
            }
            let by = tls.wanted_by.unwrap_or("smtpd_tls_security_level");
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "`{by}` makes TLS mandatory on port 25 ({}), while this server receives mail \
                     for {} ({class}): senders without TLS are refused with \"530 5.7.0 Must \
                     issue a STARTTLS command first\". RFC 3207 forbids requiring TLS on a \
                     public MX.{}",
                    svc.label(),
                    super::domain_words(domain),
                    if facts.master.is_empty() {
                        " (Unless master.cf's smtp service overrides it: paste master.cf to be sure.)"
                    } else {
                        ""
                    }
                ))
                .confidence(if facts.master.is_empty() { 0.65 } else { 0.8 })
                .param(by)
                .side(Side::SenderServer);
            f = super::evidence_for(f, cfg, &svc, by, "TLS required");
            f = match domain.span {
                Some(s) => f.evidence(s, "domain received from the Internet"),
                None => f,
            };
            f = f.fix(
                "Use opportunistic TLS on port 25 and require it only on the submission \
                 services (master.cf `-o smtpd_tls_security_level=encrypt`).",
                Some("smtpd_tls_security_level = may".into()),
            );
            out.push(with_postconf(f, &[by]));
        }
    }
}
