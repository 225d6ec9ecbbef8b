use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/ssl_disabled",
    title: "Dovecot serves IMAP/POP3 to the network without TLS",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds `ssl = no` in a Dovecot that serves IMAP or POP3 (by `protocols`) and listens beyond
the loopback (`listen`, default all addresses).

## Why is this bad?
Without TLS everything between the mail client and the server — mail, addresses, and with
PLAIN/LOGIN the password — crosses the network readable. Most clients refuse such servers or
warn loudly. If cleartext authentication is also disabled (the default), remote users cannot
log in at all: Dovecot answers "Plaintext authentication disallowed on non-secure (SSL/TLS)
connections".

## Example
```
protocols = imap pop3
ssl = no
```

## Use instead
2.3:
```
ssl = required
ssl_cert = </etc/letsencrypt/live/mail.example.org/fullchain.pem
ssl_key = </etc/letsencrypt/live/mail.example.org/privkey.pem
```
2.4: `ssl = required` with `ssl_server_cert_file` / `ssl_server_key_file` (plain paths).

## References
- Dovecot 2.3 SSL configuration: https://doc.dovecot.org/2.3/configuration_manual/dovecot_ssl_configuration/
- Dovecot 2.4 SSL/TLS configuration: https://doc.dovecot.org/latest/core/config/ssl.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap pop3\"\nssl = no\nuserdb {\n  driver = passwd\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\nprotocols = imap lmtp\nssl = no\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nprotocols = \" imap pop3\"\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nlisten = 127.0.0.1\nmail_location = maildir:~/Maildir\nprotocols = \" imap\"\nssl = no\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nprotocols = \" lmtp\"\nssl = no\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap\"\nservice imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n  }\n}\nssl = no\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        let Some(ssl) = cfg.get("ssl").filter(|s| s.as_bool() == Some(false)) else {
            continue;
        };
        if !super::listens_publicly(cfg) {
            continue;
        }
        let protocols = super::protocols(cfg);
        let served: Vec<&str> = match &protocols {
            Some(p) => ["imap", "pop3", "submission"]
                .into_iter()
                .filter(|x| p.has(x) && super::served_publicly(cfg, x))
                .collect(),
            None => ["imap", "pop3"]
                .into_iter()
                .filter(|x| super::served_publicly(cfg, x))
                .take(1)
                .collect(),
        };
        if served.is_empty() {
            continue;
        }
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "`ssl = no` while Dovecot serves {} on all addresses: mail and passwords cross \
                 the network unencrypted, and with cleartext logins disallowed (the default) \
                 remote users cannot log in at all.",
                served.join("/")
            ))
            .confidence(if protocols.is_some() { 0.85 } else { 0.65 })
            .param("ssl")
            .evidence(ssl.line_span, "TLS switched off");
        if let Some(p) = protocols.as_ref().and_then(|p| p.span) {
            f = f.param("protocols").evidence(p, "protocols served");
        }
        if let Some(l) = cfg.get("listen") {
            f = f
                .param("listen")
                .evidence(l.line_span, "listens beyond the loopback");
        }
        f = f.fix(
            "Switch TLS on with a certificate (Let's Encrypt works well), then reload Dovecot.",
            Some(super::pick(
                cfg,
                "ssl = required\nssl_cert = </etc/letsencrypt/live/mail.example.org/fullchain.pem\nssl_key = </etc/letsencrypt/live/mail.example.org/privkey.pem",
                "ssl = required\nssl_server_cert_file = /etc/letsencrypt/live/mail.example.org/fullchain.pem\nssl_server_key_file = /etc/letsencrypt/live/mail.example.org/privkey.pem",
            )),
        );
        f = with_ref(f, doc_for(cfg, doc::SSL_23, doc::SSL_24));
        out.push(f);
    }
}
