use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/plaintext_auth_without_tls",
    title: "Dovecot accepts passwords over unencrypted connections",
    severity: Severity::Error,
    doc: r#"## What it does
Finds cleartext authentication allowed (`disable_plaintext_auth = no` in 2.3,
`auth_allow_cleartext = yes` in 2.4) while connections need not be encrypted: `ssl = no`, or
`ssl = yes` (TLS offered but optional) on a server that listens beyond the loopback.

## Why is this bad?
With PLAIN or LOGIN the password travels as readable text. Unless TLS is required, a client
that does not start TLS (a misconfigured phone, an old setting "no encryption") sends it in the
clear, and anyone on the path — a café network, a compromised router — can read it. With
`ssl = no` this is true for every login.

## Example
```
disable_plaintext_auth = no
ssl = no
```

## Use instead
Enable TLS and refuse cleartext passwords outside it (2.3):
```
disable_plaintext_auth = yes
ssl = required
```
In 2.4: `auth_allow_cleartext = no` and `ssl = required`. Logins from the machine itself
(webmail on 127.0.0.1) count as secure and keep working.

## References
- Dovecot 2.3 SSL configuration: https://doc.dovecot.org/2.3/configuration_manual/dovecot_ssl_configuration/
- Dovecot 2.4 SSL/TLS configuration: https://doc.dovecot.org/latest/core/config/ssl.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\ndisable_plaintext_auth = no\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap pop3\"\nssl = no\nuserdb {\n  driver = passwd\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nauth_allow_cleartext = yes\nmail_driver = maildir\nmail_path = ~/Maildir\nprotocols = imap\nssl_server_cert_file = /etc/ssl/certs/imap.example.org.pem\nssl_server_key_file = /etc/ssl/private/imap.example.org.key\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\ndisable_plaintext_auth = no\nmail_location = maildir:~/Maildir\nprotocols = \" imap\"\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\ndisable_plaintext_auth = no\nlisten = 127.0.0.1, ::1\nmail_location = maildir:~/Maildir\nprotocols = \" imap\"\nssl = no\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\nprotocols = imap\nssl_server_cert_file = /etc/ssl/certs/imap.example.org.pem\nssl_server_key_file = /etc/ssl/private/imap.example.org.key\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        // Either name, whatever the syntax: a half-converted file may hold the other one.
        let allow = cfg
            .get("disable_plaintext_auth")
            .filter(|s| s.as_bool() == Some(false))
            .or_else(|| {
                cfg.get("auth_allow_cleartext")
                    .filter(|s| s.as_bool() == Some(true))
            });
        let Some(allow) = allow else { continue };
        if !super::listens_publicly(cfg) {
            continue;
        }
        let protocols = super::protocols(cfg);
        let public = ["imap", "pop3", "submission", "managesieve"]
            .iter()
            .any(|x| {
                protocols
                    .as_ref()
                    .is_none_or(|p| p.has(x) || *x == "managesieve" && p.has("sieve"))
                    && super::served_publicly(cfg, x)
            });
        if !public {
            continue;
        }
        let ssl = cfg.get("ssl");
        let ssl_value = ssl.map_or("yes", |s| s.value.trim());
        let (sev, conf, how) = match ssl_value.to_ascii_lowercase().as_str() {
            "required" => continue,
            "no" | "false" | "0" => (
                Severity::Error,
                0.95,
                "TLS is off (`ssl = no`), so every password crosses the network readable",
            ),
            _ => (
                Severity::Warning,
                0.75,
                "TLS is only offered (`ssl = yes`), so a client that does not start TLS sends \
                 its password readable",
            ),
        };
        let mut f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(format!(
                "`{} = {}` allows cleartext logins and {how}.",
                allow.key, allow.value
            ))
            .confidence(conf)
            .param(allow.key.as_str())
            .param("ssl")
            .evidence(allow.line_span, "cleartext authentication allowed");
        if let Some(s) = ssl {
            f = f.evidence(s.line_span, "TLS not required");
        }
        let snippet = super::pick(
            cfg,
            "disable_plaintext_auth = yes\nssl = required",
            "auth_allow_cleartext = no\nssl = required",
        );
        f = f.fix(
            "Require TLS before authentication (with a certificate configured), then reload \
             Dovecot; clients must use port 993/995 or STARTTLS.",
            Some(snippet),
        );
        f = with_ref(f, doc_for(cfg, doc::SSL_23, doc::SSL_24));
        out.push(f);
    }
}
