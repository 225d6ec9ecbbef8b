use super::{doc, doc_for, with_ref, AuthSocketKind};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/auth_socket_world_writable",
    title: "Dovecot auth socket open to every local user",
    severity: Severity::Error,
    doc: r#"## What it does
Finds `unix_listener` sockets of `service auth` whose `mode` lets every local user connect
(the "other" write bit, as in `0666` or `0777`; connecting to a socket needs write permission).

## Why is this bad?
What a connected program may do depends on the socket. An `auth-master` socket answers password
database lookups: anyone who can connect reads every user's password hash and can then crack
them offline. A client socket such as Postfix's `private/auth` or `auth-client` checks
passwords: any local account (a web application, a compromised PHP script) can guess passwords
through it without the delays and logging that network logins get. Postfix keeps its
`private/` directory closed to other users, which blunts this for a socket placed there, but a
mode that says "everyone" is one directory change away from being true.

`auth-userdb` is not reported: `0666` is Dovecot's own default for it, and Dovecot answers a
lookup there only when the caller's uid or gid matches the socket or the user's.

## Example
```
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0666
  }
}
```

## Use instead
Give the socket to the one program that needs it:
```
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
```

## References
- Dovecot 2.3 service configuration: https://doc.dovecot.org/2.3/configuration_manual/service_configuration/
- Dovecot 2.4 services: https://doc.dovecot.org/latest/core/config/service.html
- Postfix and Dovecot SASL: https://doc.dovecot.org/2.3/configuration_manual/howto/postfix_and_dovecot_sasl/
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    mode = 0666\n  }\n}\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\nuserdb {\n  driver = passwd\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\n# OS: Linux 6.8.0-45-generic x86_64 Ubuntu 24.04.1 LTS ext4\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\npassdb pam {\n}\nservice auth {\n  unix_listener auth-master {\n    unix_listener_mode = 0666\n  }\n}\nuserdb passwd {\n}\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n  unix_listener auth-userdb {\n    mode = 0666\n  }\n}\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\nuserdb {\n  driver = passwd\n}\n",
    ],
    run,
};

/// The account mail is accessed as (`mail_uid`, or a static userdb's `uid=`), which is who
/// uses an `auth-master` socket (dovecot-lda, deliver); `vmail` when the paste does not say.
fn mail_user(cfg: &crate::dovecot::DovecotConfig) -> String {
    let from_userdb = || {
        cfg.userdbs().into_iter().find_map(|u| {
            u.args?
                .split_whitespace()
                .find_map(|w| w.strip_prefix("uid="))
                .map(str::to_owned)
        })
    };
    cfg.value("mail_uid")
        .map(str::to_owned)
        .or_else(from_userdb)
        .filter(|u| !u.is_empty() && !u.contains('%'))
        .unwrap_or_else(|| "vmail".to_owned())
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        for svc in cfg.services().into_iter().filter(|s| s.name == "auth") {
            for l in svc.unix_listeners() {
                let Some(mode) = l.mode else { continue };
                if mode & 0o002 == 0 {
                    continue;
                }
                let kind = super::auth_socket_kind(&l);
                let path = super::socket_path(cfg, &l);
                let in_postfix_private = path.contains("/postfix/") && path.contains("/private/");
                let (sev, conf, what, owner) = match kind {
                    AuthSocketKind::Userdb => continue,
                    AuthSocketKind::Master => (
                        Severity::Error,
                        0.95,
                        "answers password database lookups, so any local user can read every \
                         user's password hash",
                        "the account of the program that needs it (e.g. `vmail`)",
                    ),
                    AuthSocketKind::Login => (
                        Severity::Warning,
                        0.8,
                        "is meant only for Dovecot's own login processes; any local user can \
                         pose as one",
                        "Dovecot's login user",
                    ),
                    AuthSocketKind::Client if in_postfix_private => (
                        Severity::Warning,
                        0.7,
                        "checks passwords, so any local user who can reach it can guess \
                         passwords without the delays network logins get (Postfix's `private/` \
                         directory normally keeps others out, but the socket itself says \
                         everyone)",
                        "`postfix`",
                    ),
                    AuthSocketKind::Client => (
                        Severity::Warning,
                        0.85,
                        "checks passwords, so any local user can guess passwords through it \
                         without the delays network logins get",
                        "the account of the program that needs it",
                    ),
                };
                let mode_setting = l.setting("mode");
                let mut f = Finding::new(CHECK.id, sev, CHECK.title)
                    .summary(format!(
                        "`unix_listener {}` in `service auth` has mode {:04o}: the socket {what}.",
                        l.name, mode
                    ))
                    .confidence(conf)
                    .param("unix_listener")
                    .param(mode_setting.map_or("mode", |s| s.key.as_str()));
                if let Some(s) = mode_setting {
                    f = f.evidence(s.line_span, "socket mode lets every local user connect");
                }
                f = f.evidence(l.section.header_span, "auth socket");
                let snippet = match kind {
                    AuthSocketKind::Client if in_postfix_private => format!(
                        "service auth {{\n  unix_listener {} {{\n    mode = 0660\n    user = postfix\n    group = postfix\n  }}\n}}",
                        l.name
                    ),
                    AuthSocketKind::Master => format!(
                        "service auth {{\n  unix_listener {} {{\n    mode = 0600\n    user = {}\n  }}\n}}",
                        l.name,
                        mail_user(cfg)
                    ),
                    _ => format!(
                        "service auth {{\n  unix_listener {} {{\n    mode = 0600\n    # user = <the account of the program that connects>\n  }}\n}}",
                        l.name
                    ),
                };
                f = f.fix(
                    format!(
                        "Restrict the socket to {owner}: mode 0600 or 0660 with `user`/`group` \
                         set, then `systemctl reload dovecot`."
                    ),
                    Some(snippet),
                );
                f = with_ref(f, doc_for(cfg, doc::SERVICES_23, doc::SERVICES_24));
                if in_postfix_private {
                    f = with_ref(f, doc::POSTFIX_SASL_23);
                }
                out.push(f);
            }
        }
    }
}
