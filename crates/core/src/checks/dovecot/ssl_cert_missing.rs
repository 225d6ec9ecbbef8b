use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{DovecotConfig, Setting, Syntax};
use crate::facts::Facts;
use crate::report::{Finding, SegmentKind, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/ssl_cert_missing",
    title: "TLS enabled without a usable certificate or key",
    severity: Severity::Error,
    doc: r#"## What it does
Finds `ssl = yes` or `ssl = required` with no certificate or no private key configured
(2.3: `ssl_cert` / `ssl_key`; 2.4: `ssl_server_cert_file` / `ssl_server_key_file`), at the top
level or in any `local`/`local_name`/`protocol` block. It also finds a 2.3 `ssl_cert` written
as a bare path (2.3 needs `ssl_cert = </path`; without `<` the path itself is read as the
certificate) and a 2.4 `ssl_server_cert_file` still written with the 2.3 `<`.

## Why is this bad?
Dovecot cannot set up TLS: it refuses to start or fails every TLS connection with errors such as
"ssl enabled, but ssl_cert not set" or "Can't load SSL certificate". IMAPS/POP3S and STARTTLS
stop working, and with `ssl = required` nobody can log in.

## Example
```
ssl = required
ssl_cert = /etc/ssl/certs/mail.pem
```

## Use instead
2.3:
```
ssl = required
ssl_cert = </etc/ssl/certs/mail.pem
ssl_key = </etc/ssl/private/mail.key
```
2.4:
```
ssl = required
ssl_server_cert_file = /etc/ssl/certs/mail.pem
ssl_server_key_file = /etc/ssl/private/mail.key
```

## References
- Dovecot 2.3 SSL configuration: https://doc.dovecot.org/2.3/configuration_manual/dovecot_ssl_configuration/
- Dovecot 2.4 SSL/TLS configuration: https://doc.dovecot.org/latest/core/config/ssl.html
"#,
    fail: &[
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap\"\nssl = required\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nprotocols = \" imap\"\nssl = yes\nssl_cert = /etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\npassdb pam {\n}\nprotocols = imap\nssl = required\nssl_server_cert_file = /etc/ssl/certs/imap.example.org.pem\n",
    ],
    pass: &[
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nprotocols = \" imap\"\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nprotocols = imap\nssl = required\nssl_server_cert_file = /etc/ssl/certs/imap.example.org.pem\nssl_server_key_file = /etc/ssl/private/imap.example.org.key\n",
        "ssl = required\n!include conf.d/10-ssl-certs.conf\n",
    ],
    run,
};

const CERT: &[&str] = &["ssl_cert", "ssl_server_cert_file"];
const KEY: &[&str] = &["ssl_key", "ssl_server_key_file"];

/// Whether a missing setting is really missing: complete `doveconf` output, or (less sure) a
/// raw file that includes nothing else. Trimmed `doveconf -n` output says nothing.
fn absence_counts(cfg: &DovecotConfig) -> Option<f32> {
    if super::is_complete(cfg) {
        Some(0.9)
    } else if cfg.kind == Some(SegmentKind::DovecotConf) && cfg.includes.is_empty() {
        Some(0.6)
    } else {
        None
    }
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        let Some(ssl) = cfg
            .get("ssl")
            .filter(|s| matches!(s.value.trim(), "yes" | "required"))
        else {
            continue;
        };
        let cert = super::set_anywhere(cfg, CERT).filter(|s| super::is_set(s));
        let key = super::set_anywhere(cfg, KEY).filter(|s| super::is_set(s));
        let (cert_name, key_name) = match cfg.syntax {
            Syntax::V2_3 => ("ssl_cert", "ssl_key"),
            Syntax::V2_4 => ("ssl_server_cert_file", "ssl_server_key_file"),
        };
        if let Some(conf) = absence_counts(cfg) {
            let missing: Vec<&str> = [(cert.is_none(), cert_name), (key.is_none(), key_name)]
                .into_iter()
                .filter_map(|(m, n)| m.then_some(n))
                .collect();
            if !missing.is_empty() {
                let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                    .summary(format!(
                        "`ssl = {}` but {} not set: Dovecot cannot offer TLS (\"ssl enabled, but \
                         ssl_cert not set\" / \"Can't load SSL certificate\"){}.",
                        ssl.value,
                        missing
                            .iter()
                            .map(|m| format!("`{m}` is"))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        if ssl.value.trim() == "required" {
                            ", and with TLS required nobody can log in"
                        } else {
                            ""
                        }
                    ))
                    .confidence(super::confidence(cfg, conf))
                    .param("ssl")
                    .evidence(ssl.line_span, "TLS enabled");
                for m in &missing {
                    f = f.param(*m);
                }
                for s in [cert, key].into_iter().flatten() {
                    f = f.evidence(s.line_span, "the half that is set");
                }
                f = f.fix(
                    "Point Dovecot at the certificate chain and its private key, then restart \
                     Dovecot.",
                    Some(super::pick(
                        cfg,
                        "ssl_cert = </etc/letsencrypt/live/mail.example.org/fullchain.pem\nssl_key = </etc/letsencrypt/live/mail.example.org/privkey.pem",
                        "ssl_server_cert_file = /etc/letsencrypt/live/mail.example.org/fullchain.pem\nssl_server_key_file = /etc/letsencrypt/live/mail.example.org/privkey.pem",
                    )),
                );
                out.push(with_ref(f, doc_for(cfg, doc::SSL_23, doc::SSL_24)));
            }
        }
        // A value in the wrong form for the syntax, wherever it is set.
        for (_, s) in super::global_settings(cfg) {
            if s.hidden || s.value.trim().is_empty() {
                continue;
            }
            if let Some(f) = wrong_form(cfg, s) {
                out.push(f);
            }
        }
    }
}

fn wrong_form(cfg: &DovecotConfig, s: &Setting) -> Option<Finding> {
    let v = s.value.trim();
    let (problem, fixed) = match s.key.as_str() {
        "ssl_cert" | "ssl_key" | "ssl_ca" | "ssl_dh" | "ssl_alt_cert" | "ssl_alt_key"
            if cfg.syntax == Syntax::V2_3 =>
        {
            if v.starts_with('<') || v.starts_with("-----BEGIN") || !v.starts_with('/') {
                return None;
            }
            (
                format!(
                    "`{} = {v}` has no `<`: Dovecot 2.3 reads the text `{v}` itself as the PEM \
                     data, not the file, and fails with \"Can't load SSL certificate\" (or key).",
                    s.key
                ),
                format!("{} = <{v}", s.key),
            )
        }
        "ssl_server_cert_file"
        | "ssl_server_key_file"
        | "ssl_server_ca_file"
        | "ssl_server_dh_file"
        | "ssl_server_alt_cert_file"
        | "ssl_server_alt_key_file"
            if cfg.syntax == Syntax::V2_4 =>
        {
            let path = v.strip_prefix('<')?.trim_start();
            (
                format!(
                    "`{} = {v}` keeps the 2.3 `<`: in 2.4 the setting takes a plain path, so \
                     Dovecot looks for a file literally named `{v}`.",
                    s.key
                ),
                format!("{} = {path}", s.key),
            )
        }
        _ => return None,
    };
    let f = Finding::new(
        CHECK.id,
        CHECK.severity,
        "Certificate setting in the wrong form",
    )
    .summary(problem)
    .confidence(super::confidence(cfg, 0.9))
    .param(s.key.as_str())
    .evidence(s.line_span, "certificate path written in the wrong form")
    .fix(
        format!(
            "Write `{}` the way {} expects.",
            s.key,
            super::version_words(cfg)
        ),
        Some(fixed),
    );
    Some(with_ref(f, doc_for(cfg, doc::SSL_23, doc::SSL_24)))
}
