use super::{doc, with_ref, AuthSocketKind};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/auth_socket_owner_mismatch",
    title: "Postfix cannot open Dovecot's auth socket",
    severity: Severity::Error,
    doc: r#"## What it does
Looks at the `service auth` socket made for Postfix (a `unix_listener` inside Postfix's queue
directory, e.g. `/var/spool/postfix/private/auth`) and works out from its `mode`, `user` and
`group` whether the Postfix user can connect to it.

## Why is this bad?
Without `user`/`group` the socket belongs to root, and the default mode is `0600`, so only
root may connect. Postfix's `smtpd` runs as `postfix`: its connection fails with "Permission
denied", it logs `SASL: Connect to private/auth failed` and offers no `AUTH`, so every mail
client that wants to send gets "Relay access denied" or an authentication error.

## Example
```
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0600
  }
}
```

## Use instead
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
- Postfix and Dovecot SASL: https://doc.dovecot.org/2.3/configuration_manual/howto/postfix_and_dovecot_sasl/
- Postfix SASL_README: https://www.postfix.org/SASL_README.html#server_dovecot
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    mode = 0600\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\n# OS: Linux 6.8.0-45-generic x86_64 Ubuntu 24.04.1 LTS ext4\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\npassdb pam {\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    unix_listener_group = mail\n    unix_listener_mode = 0660\n    unix_listener_user = dovecot\n  }\n}\nuserdb passwd {\n}\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n  }\n  unix_listener auth-userdb {\n    mode = 0600\n  }\n}\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    // The Postfix account (`mail_owner`), and the queue directory its sockets live in; Postfix's
    // defaults unless the paste holds exactly one Postfix configuration.
    let pf = match &facts.postfix[..] {
        [one] => Some(one),
        _ => None,
    };
    let pf_user = pf
        .and_then(|p| p.effective("mail_owner"))
        .filter(|u| !u.is_empty() && !u.contains('$'))
        .unwrap_or_else(|| "postfix".to_owned());
    let queue = pf.map_or_else(|| "/var/spool/postfix".to_owned(), super::queue_directory);
    for cfg in &facts.dovecot {
        for svc in cfg.services().into_iter().filter(|s| s.name == "auth") {
            for l in svc.unix_listeners() {
                if super::auth_socket_kind(&l) != AuthSocketKind::Client {
                    continue;
                }
                let path = super::socket_path(cfg, &l);
                if !path.starts_with(&format!("{queue}/")) {
                    continue;
                }
                let mode_setting = l.setting("mode");
                let mode = match (mode_setting, l.mode) {
                    (None, _) => 0o600,
                    (Some(_), Some(m)) => m,
                    // Unreadable mode: say nothing rather than guess.
                    (Some(_), None) => continue,
                };
                if mode == 0 {
                    // Mode 0 disables the listener; that is a different problem.
                    continue;
                }
                let user = l.user.map(str::trim).filter(|u| !u.is_empty());
                let group = l.group.map(str::trim).filter(|g| !g.is_empty());
                let user_ok = user == Some(pf_user.as_str()) && mode & 0o200 != 0;
                let group_ok =
                    group.is_some_and(|g| g == pf_user || g == "postfix") && mode & 0o020 != 0;
                if user_ok || group_ok || mode & 0o002 != 0 {
                    continue;
                }
                let owner = format!(
                    "owner {}, group {}, mode {:04o}{}",
                    user.unwrap_or("root"),
                    group.unwrap_or("root"),
                    mode,
                    if mode_setting.is_none() {
                        " (the default)"
                    } else {
                        ""
                    }
                );
                let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                    .summary(format!(
                        "Dovecot creates `{}` with {owner}, so Postfix (running as \
                         `{pf_user}`) gets \"Permission denied\" when it connects: SMTP AUTH \
                         fails with `SASL: Connect to … failed` and mail clients cannot send.",
                        l.name
                    ))
                    .confidence(0.9)
                    .param("unix_listener")
                    .evidence(l.section.header_span, "socket Postfix connects to");
                for key in ["mode", "user", "group"] {
                    if let Some(s) = l.setting(key) {
                        f = f
                            .param(s.key.as_str())
                            .evidence(s.line_span, format!("socket {key} shuts Postfix out"));
                    }
                }
                f = f.fix(
                    format!(
                        "Give the socket to Postfix's user and group, then reload Dovecot; check \
                         with `ls -l {path}`."
                    ),
                    Some(format!(
                        "service auth {{\n  unix_listener {} {{\n    mode = 0660\n    user = {pf_user}\n    group = {pf_user}\n  }}\n}}",
                        l.name
                    )),
                );
                f = with_ref(f, doc::POSTFIX_SASL_23);
                f = with_ref(f, doc::POSTFIX_SASL_README);
                out.push(f);
            }
        }
    }
}
