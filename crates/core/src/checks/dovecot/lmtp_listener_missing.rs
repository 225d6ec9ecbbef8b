use super::{doc, doc_for, with_ref, Endpoint};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/lmtp_listener_missing",
    title: "Postfix delivers over LMTP to a socket Dovecot does not serve",
    severity: Severity::Error,
    doc: r#"## What it does
Reads Postfix's `virtual_transport`, `mailbox_transport` and `local_transport`; when one is
`lmtp:unix:<path>` or `lmtp:inet:<host>:<port>` on this machine, looks for the matching listener in Dovecot's
`service lmtp` (a relative Postfix path is under `queue_directory`, a relative Dovecot name
under `base_dir`), and checks that `lmtp` is among Dovecot's `protocols`.

## Why is this bad?
Without a listener at that place Postfix cannot hand mail over: it logs `connect to
private/dovecot-lmtp: No such file or directory` (or `Connection refused`) and defers every
message (`4.4.1`) until the queue lifetime runs out and the senders get bounces. If `lmtp` is
not in `protocols`, Dovecot does not start the LMTP service at all, even when the listener is
configured.

## Example
```
# main.cf
virtual_transport = lmtp:unix:private/dovecot-lmtp
# dovecot
protocols = imap
```

## Use instead
```
protocols = imap lmtp
service lmtp {
  unix_listener /var/spool/postfix/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
```

## References
- Postfix and Dovecot LMTP: https://doc.dovecot.org/2.3/configuration_manual/howto/postfix_dovecot_lmtp/
- Dovecot 2.4 LMTP: https://doc.dovecot.org/latest/core/config/lmtp.html
- Postfix lmtp(8): https://www.postfix.org/lmtp.8.html
"#,
    fail: pastes![
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nvirtual_mailbox_domains = example.org\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nmail_location = maildir:/srv/vmail/%d/%n\npassdb {\n  args = scheme=SHA512-CRYPT /etc/dovecot/users\n  driver = passwd-file\n}\nprotocols = \" imap\"\nuserdb {\n  args = uid=vmail gid=vmail home=/srv/vmail/%d/%n\n  driver = static\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nvirtual_mailbox_domains = example.org\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:/srv/vmail/%d/%n\nprotocols = \" imap lmtp\"\nservice lmtp {\n  unix_listener lmtp {\n    mode = 0666\n  }\n}\n",
    ],
    pass: pastes![
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nmailbox_transport = lmtp:unix:/run/dovecot/lmtp\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap lmtp\"\nuserdb {\n  driver = passwd\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nvirtual_mailbox_domains = example.org\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:/srv/vmail/%d/%n\nprotocols = \" imap lmtp\"\nservice lmtp {\n  unix_listener /var/spool/postfix/private/dovecot-lmtp {\n    group = postfix\n    mode = 0600\n    user = postfix\n  }\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nvirtual_transport = lmtp:inet:127.0.0.1:24\n\ndoveconf -n\n# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nprotocols = imap lmtp\nservice lmtp {\n  inet_listener lmtp {\n    listen = 127.0.0.1\n    port = 24\n  }\n}\n",
    ],
    run,
};

/// `lmtp:unix:private/dovecot-lmtp`, `lmtp:inet:127.0.0.1:24`, `lmtp:[192.0.2.7]:24`.
fn target(pf: &crate::postfix::PostfixConfig, value: &str) -> Option<Endpoint> {
    super::postfix_endpoint(pf, value.trim().strip_prefix("lmtp:")?, false)
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let Some((pf, cfg)) = super::config_pair(facts) else {
        return;
    };
    {
        for name in ["virtual_transport", "mailbox_transport", "local_transport"] {
            let Some(p) = pf.get(name) else { continue };
            let value = pf.effective(name).unwrap_or_else(|| p.value.text.clone());
            // Another machine's Dovecot need not be the one pasted.
            let Some(t) = target(pf, &value).filter(|t| !t.is_remote()) else {
                continue;
            };
            let wanted = t.describe();
            {
                let protocols = super::protocols(cfg);
                let no_lmtp = protocols.as_ref().filter(|p| !p.has("lmtp"));
                let has_service = cfg.service("lmtp").is_some();
                let missing_listener = (super::is_complete(cfg) || has_service)
                    && !super::service_serves(cfg, "lmtp", &t);
                if no_lmtp.is_none() && !missing_listener {
                    continue;
                }
                let mut problems = Vec::new();
                if let Some(p) = no_lmtp {
                    problems.push(format!(
                        "`lmtp` is not in Dovecot's `protocols` ({}), so the LMTP service does \
                         not run",
                        if p.names.is_empty() {
                            "empty".to_owned()
                        } else {
                            p.names.join(" ")
                        }
                    ));
                }
                if missing_listener {
                    problems.push(format!("no `service lmtp` listener serves {wanted}"));
                }
                let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                    .summary(format!(
                        "Postfix delivers with `{name} = {value}`, but {}. Mail is deferred \
                         with \"connect to … failed\" and later bounced.",
                        problems.join(", and ")
                    ))
                    .confidence(if super::is_complete(cfg) { 0.9 } else { 0.7 })
                    .param(name)
                    .evidence(p.span, "Postfix delivery transport");
                if let Some(pr) = no_lmtp {
                    f = f.param("protocols");
                    if let Some(s) = pr.span {
                        f = f.evidence(s, "protocols without lmtp");
                    }
                }
                if missing_listener {
                    f = f.param("unix_listener");
                    match cfg.service("lmtp") {
                        Some(svc) => {
                            f = f.evidence(svc.section.header_span, "Dovecot LMTP service");
                            for l in svc.unix_listeners() {
                                f = f.evidence(l.section.header_span, "LMTP socket elsewhere");
                            }
                        }
                        None => {
                            f = f.evidence(cfg.span, "Dovecot configuration without service lmtp")
                        }
                    }
                }
                let mut snippet = String::new();
                if let Some(pr) = no_lmtp {
                    let mut names = pr.names.clone();
                    names.push("lmtp".into());
                    snippet.push_str(&format!("protocols = {}\n", names.join(" ")));
                }
                if missing_listener {
                    snippet.push_str(&match &t {
                        Endpoint::Unix(path) => format!(
                            "service lmtp {{\n  unix_listener {path} {{\n    mode = 0600\n    user = postfix\n    group = postfix\n  }}\n}}"
                        ),
                        Endpoint::Inet { port, .. } => format!(
                            "service lmtp {{\n  inet_listener lmtp {{\n    {} = 127.0.0.1\n    port = {port}\n  }}\n}}",
                            super::pick(cfg, "address", "listen")
                        ),
                    });
                }
                f = f.fix(
                    "Make Dovecot serve LMTP where Postfix delivers, then restart Dovecot and \
                     `postqueue -f`.",
                    Some(snippet.trim_end().to_owned()),
                );
                f = with_ref(f, doc_for(cfg, doc::LMTP_23, doc::LMTP_24));
                out.push(f);
            }
        }
    }
}
