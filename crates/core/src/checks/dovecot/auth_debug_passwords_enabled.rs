use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/auth_debug_passwords_enabled",
    title: "Dovecot writes passwords to the log",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds `auth_debug_passwords = yes`, and `auth_verbose_passwords` set to `plain` (or `yes`).

## Why is this bad?
With these settings Dovecot logs the password a user typed when authentication fails (and with
`auth_debug_passwords` also during debugging of successful logins). Mistyped passwords are
usually near misses of the real one, and logs are kept, rotated, copied to log servers and
pasted into forums: anyone who reads them learns your users' passwords.

## Example
```
auth_debug_passwords = yes
auth_verbose_passwords = plain
```

## Use instead
Turn them off once the problem is found; if you need a hint, log a truncated hash:
```
auth_debug_passwords = no
auth_verbose_passwords = sha1:6
```

## References
- Dovecot 2.3 core settings: https://doc.dovecot.org/2.3/settings/core/
- Dovecot 2.4 settings: https://doc.dovecot.org/latest/core/summaries/settings.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_debug = yes\nauth_debug_passwords = yes\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nauth_verbose = yes\nauth_verbose_passwords = plain\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_debug = yes\nauth_mechanisms = plain login\nauth_verbose = yes\nauth_verbose_passwords = sha1:6\nmail_location = maildir:~/Maildir\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        for (_, s) in super::global_settings(cfg) {
            let v = s.value.trim().to_ascii_lowercase();
            let logs = match s.key.as_str() {
                "auth_debug_passwords" => s.as_bool() == Some(true),
                "auth_verbose_passwords" => v == "yes" || v == "plain" || v.starts_with("plain:"),
                _ => false,
            };
            if !logs {
                continue;
            }
            let off = if s.key == "auth_debug_passwords" {
                "auth_debug_passwords = no"
            } else {
                "auth_verbose_passwords = no"
            };
            let f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "`{} = {}` puts the passwords users type into Dovecot's log; anyone who \
                     can read the log (or a pasted excerpt) learns them.",
                    s.key, s.value
                ))
                .param(s.key.as_str())
                .evidence(s.line_span, "passwords logged")
                .fix(
                    "Switch it off (or log a truncated hash with `sha1:6`), reload Dovecot, and \
                     remove the passwords from existing logs.",
                    Some(off.to_owned()),
                );
            out.push(with_ref(
                f,
                doc_for(cfg, doc::SETTINGS_23, doc::SETTINGS_24),
            ));
        }
    }
}
