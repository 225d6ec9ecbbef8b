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
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap\"\nssl = required\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nprotocols = \" imap\"\nssl = yes\nssl_cert = /etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\npassdb pam {\n}\nprotocols = imap\nssl = required\nssl_server_cert_file = /etc/ssl/certs/imap.example.org.pem\n",
    ],
    pass: pastes![
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
        missing(cfg, out);
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

/// `ssl = yes|required` without certificate or key, or `doveconf` saying so.
fn missing(cfg: &DovecotConfig, out: &mut Vec<Finding>) {
    let ssl = cfg.get("ssl");
    // `doveconf` itself checks this and prints "ssl enabled, but ssl_cert not set".
    let message = cfg
        .messages
        .iter()
        .find(|m| m.text.contains("ssl enabled, but ssl_") && m.text.contains("not set"));
    let enabled = ssl.is_some_and(|s| matches!(s.value.trim(), "yes" | "required"));
    let conf = match (message, enabled) {
        (Some(_), _) => 0.95,
        (None, true) => match absence_counts(cfg) {
            Some(c) => c,
            None => return,
        },
        (None, false) => return,
    };
    let cert = super::set_anywhere(cfg, CERT).filter(|s| super::is_set(s));
    let key = super::set_anywhere(cfg, KEY).filter(|s| super::is_set(s));
    let (cert_name, key_name) = match cfg.syntax {
        Syntax::V2_3 => ("ssl_cert", "ssl_key"),
        Syntax::V2_4 => ("ssl_server_cert_file", "ssl_server_key_file"),
    };
    let mut missing: Vec<&str> = [(cert.is_none(), cert_name), (key.is_none(), key_name)]
        .into_iter()
        .filter_map(|(m, n)| m.then_some(n))
        .collect();
    if missing.is_empty() {
        // Dovecot's own message wins over a setting that only looks set (e.g. in a filter).
        match message {
            Some(m) if m.text.contains("ssl_key") => missing.push(key_name),
            Some(_) => missing.push(cert_name),
            None => return,
        }
    }
    let ssl_words = ssl.map_or("TLS is on by default", |s| {
        if s.value.trim() == "required" {
            "`ssl = required`"
        } else {
            "`ssl = yes`"
        }
    });
    let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
        .summary(format!(
            "{ssl_words} but {} not set: Dovecot cannot offer TLS (\"ssl enabled, but \
             ssl_cert not set\" / \"Can't load SSL certificate\"){}.",
            missing
                .iter()
                .map(|m| format!("`{m}` is"))
                .collect::<Vec<_>>()
                .join(" and "),
            if ssl.is_some_and(|s| s.value.trim() == "required") {
                ", and with TLS required nobody can log in"
            } else {
                ""
            }
        ))
        .confidence(super::confidence(cfg, conf))
        .param("ssl");
    if let Some(s) = ssl {
        f = f.evidence(s.line_span, "TLS enabled");
    }
    if let Some(m) = message {
        f = f.evidence(m.span, "doveconf's error");
    }
    for m in &missing {
        f = f.param(*m);
    }
    for s in [cert, key].into_iter().flatten() {
        f = f.evidence(s.line_span, "the half that is set");
    }
    if f.evidence.is_empty() {
        f = f.evidence(cfg.span, "configuration");
    }
    f = f.fix(
        "Point Dovecot at the certificate chain and its private key, then restart Dovecot.",
        Some(super::pick(
            cfg,
            "ssl_cert = </etc/letsencrypt/live/mail.example.org/fullchain.pem\nssl_key = </etc/letsencrypt/live/mail.example.org/privkey.pem",
            "ssl_server_cert_file = /etc/letsencrypt/live/mail.example.org/fullchain.pem\nssl_server_key_file = /etc/letsencrypt/live/mail.example.org/privkey.pem",
        )),
    );
    out.push(with_ref(f, doc_for(cfg, doc::SSL_23, doc::SSL_24)));
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

#[cfg(test)]
mod tests {
    use crate::facts::Facts;
    use crate::report::SegmentKind;

    /// `doveconf`'s own complaint is evidence even in a trimmed paste. (The segmenter does not
    /// yet keep `doveconf:` lines inside the configuration segment, so this is checked on the
    /// parsed configuration directly.)
    #[test]
    fn doveconf_error_line_is_enough() {
        let text = "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n\
doveconf: Error: ssl enabled, but ssl_cert not set\n\
mail_location = maildir:~/Maildir\n";
        let (cfg, _) = crate::dovecot::parse(text, 0, SegmentKind::DoveconfN, &Default::default());
        let facts = Facts {
            dovecot: vec![cfg],
            ..Default::default()
        };
        let mut out = Vec::new();
        (super::CHECK.run)(&facts, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].params, ["ssl", "ssl_cert", "ssl_key"]);
        assert_eq!(crate::text::line_number(text, out[0].evidence[0].start), 2);
    }
}
