use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::DovecotConfig;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/weak_tls_protocols",
    title: "Dovecot allows SSLv3, TLS 1.0 or TLS 1.1",
    severity: Severity::Warning,
    doc: r#"## What it does
Reads `ssl_min_protocol` (2.3 and 2.4) and, for Dovecot 2.2 or an unstated version,
`ssl_protocols`, and reports when SSLv3, TLSv1 or TLSv1.1 stay allowed.

## Why is this bad?
These protocol versions have known attacks (POODLE, BEAST, weak MACs) and RFC 8996 forbids
TLS 1.0 and 1.1. Every current mail client speaks TLS 1.2; allowing older versions only helps
an attacker who can force a downgrade, and scanners and audits flag the server.

## Example
```
ssl_min_protocol = TLSv1
```

## Use instead
```
ssl_min_protocol = TLSv1.2
```
For Dovecot 2.2 (no `ssl_min_protocol`): `ssl_protocols = !SSLv3 !TLSv1 !TLSv1.1`.

## References
- Dovecot 2.3 SSL configuration: https://doc.dovecot.org/2.3/configuration_manual/dovecot_ssl_configuration/
- Dovecot 2.4 SSL/TLS configuration: https://doc.dovecot.org/latest/core/config/ssl.html
- RFC 8996, Deprecating TLS 1.0 and TLS 1.1: https://www.rfc-editor.org/rfc/rfc8996
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\nssl_min_protocol = TLSv1\n",
        "ssl = yes\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = </etc/ssl/private/imap.example.org.key\nssl_protocols = !SSLv2 !SSLv3\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\nssl_min_protocol = TLSv1.2\n",
        "# 2.2.36 (1f10bfa63): /etc/dovecot/dovecot.conf\nssl = yes\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = </etc/ssl/private/imap.example.org.key\nssl_protocols = !SSLv2 !SSLv3 !TLSv1 !TLSv1.1\n",
    ],
    run,
};

const WEAK: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];
const ALL: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// Dovecot before 2.3 (where `ssl_protocols` still works), or a paste that does not say.
fn maybe_2_2(cfg: &DovecotConfig) -> bool {
    match cfg.version.as_deref() {
        None => true,
        Some(v) => {
            let mut it = v.split('.');
            let major: u32 = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            let minor: u32 = it.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            (major, minor) < (2, 3)
        }
    }
}

/// OpenSSL-style protocol list (`!SSLv2 !SSLv3`, `TLSv1.2 TLSv1.3`) → the weak versions it lets
/// through. Positive names allow only themselves; only exclusions allow everything else.
fn weak_in_list(value: &str) -> Vec<&'static str> {
    let words: Vec<&str> = value
        .split([' ', ':', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let excluded = |p: &str| {
        words.iter().any(|w| {
            w.strip_prefix('!')
                .is_some_and(|x| x.eq_ignore_ascii_case(p))
        })
    };
    let positives: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !w.starts_with('!'))
        .collect();
    ALL.iter()
        .copied()
        .filter(|p| WEAK.contains(p))
        .filter(|p| !excluded(p))
        .filter(|p| positives.is_empty() || positives.iter().any(|w| w.eq_ignore_ascii_case(p)))
        .collect()
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        for (_, s) in super::global_settings(cfg) {
            let v = s.value.trim();
            let (weak, snippet): (Vec<&str>, String) = match s.key.as_str() {
                "ssl_min_protocol" => {
                    let w: Vec<&str> = match v.to_ascii_lowercase().as_str() {
                        "sslv3" => vec!["SSLv3", "TLSv1", "TLSv1.1"],
                        "tlsv1" => vec!["TLSv1", "TLSv1.1"],
                        "tlsv1.1" => vec!["TLSv1.1"],
                        "any" => vec!["SSLv3", "TLSv1", "TLSv1.1"],
                        _ => continue,
                    };
                    (w, "ssl_min_protocol = TLSv1.2".to_owned())
                }
                "ssl_protocols" if maybe_2_2(cfg) => (
                    weak_in_list(v),
                    "ssl_protocols = !SSLv2 !SSLv3 !TLSv1 !TLSv1.1".to_owned(),
                ),
                _ => continue,
            };
            if weak.is_empty() {
                continue;
            }
            let f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "`{} = {v}` still allows {}; every current client speaks TLS 1.2, so the \
                     old versions only serve downgrade attacks.",
                    s.key,
                    weak.join(", ")
                ))
                .confidence(0.9)
                .param(s.key.as_str())
                .evidence(s.line_span, "old protocol versions allowed")
                .fix(
                    "Allow TLS 1.2 and later only, then reload Dovecot.",
                    Some(snippet),
                );
            out.push(with_ref(f, doc_for(cfg, doc::SSL_23, doc::SSL_24)));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn protocol_lists_are_read_like_openssl() {
        assert_eq!(super::weak_in_list("!SSLv2 !SSLv3"), ["TLSv1", "TLSv1.1"]);
        assert!(super::weak_in_list("TLSv1.2 TLSv1.3").is_empty());
        assert!(super::weak_in_list("!SSLv2 !SSLv3 !TLSv1 !TLSv1.1").is_empty());
        assert_eq!(super::weak_in_list("SSLv3 TLSv1.2"), ["SSLv3"]);
    }
}
