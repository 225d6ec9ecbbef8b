use super::{doc, with_ref};
use crate::checks::Check;
use crate::dovecot::{Section, Setting, SettingInfo, Syntax};
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/setting_renamed_in_2_4",
    title: "Dovecot 2.3 setting name in a 2.4 configuration",
    severity: Severity::Error,
    doc: r#"## What it does
Finds, in a configuration for Dovecot 2.4, setting names that 2.4 renamed or replaced
(`ssl_cert` → `ssl_server_cert_file`, `disable_plaintext_auth` → `auth_allow_cleartext`,
`mail_location` → `mail_driver` + `mail_path`, `service_count` → `restart_request_count`, …),
and 2.3-style `passdb { }` / `userdb { }` blocks without a name. It writes the 2.4 form,
converting values where the form changed (plain paths instead of `<path`, the inverted
boolean).

## Why is this bad?
Dovecot 2.4 does not accept 2.3 names: it stops at the first one with "Unknown setting" and
does not start, so after an upgrade IMAP, POP3, LMTP delivery and SMTP AUTH through Dovecot are
all down until every old name is converted.

## Example
```
dovecot_config_version = 2.4.1
ssl_cert = </etc/ssl/certs/mail.pem
disable_plaintext_auth = yes
passdb {
  driver = pam
}
```

## Use instead
```
dovecot_config_version = 2.4.1
ssl_server_cert_file = /etc/ssl/certs/mail.pem
auth_allow_cleartext = no
passdb pam {
}
```

## References
- Upgrading Dovecot CE from 2.3 to 2.4: https://doc.dovecot.org/latest/installation/upgrade/2.3-to-2.4.html
- Dovecot 2.4 settings: https://doc.dovecot.org/latest/core/summaries/settings.html
"#,
    fail: pastes![
        "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nprotocols = imap lmtp\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = </etc/ssl/private/imap.example.org.key\nmail_location = maildir:~/Maildir\n",
        "dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\ndisable_plaintext_auth = yes\npassdb {\n  driver = pam\n}\nservice imap-login {\n  service_count = 1\n}\n",
    ],
    pass: pastes![
        "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nprotocols = imap lmtp\nssl = required\nssl_server_cert_file = /etc/ssl/certs/imap.example.org.pem\nssl_server_key_file = /etc/ssl/private/imap.example.org.key\nmail_driver = maildir\nmail_path = ~/Maildir\npassdb pam {\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nssl_cert = </etc/ssl/certs/imap.example.org.pem\npassdb {\n  driver = pam\n}\n",
    ],
    run,
};

/// The 2.4 form of a renamed setting, value converted where its form changed.
pub(crate) fn converted(s: &Setting, info: &SettingInfo, new: &str) -> String {
    let v = s.value.trim();
    match s.key.as_str() {
        "disable_plaintext_auth" => {
            let allow = match s.as_bool() {
                Some(true) => "no",
                Some(false) => "yes",
                None => "…",
            };
            return format!("auth_allow_cleartext = {allow}");
        }
        "mail_location" | "location" => return convert_location(v),
        _ => {}
    }
    let names: Vec<&str> = new.split(", ").collect();
    let plain_path = info.note.is_some_and(|n| n.contains("plain file path"));
    let value = if plain_path {
        v.strip_prefix('<').map_or(v, str::trim_start)
    } else {
        v
    };
    names
        .iter()
        .map(|n| format!("{n} = {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `maildir:~/Maildir:INBOX=~/Maildir/.INBOX:INDEX=/var/idx/%u` → the 2.4 mail_* settings.
fn convert_location(v: &str) -> String {
    let mut parts = v.split(':');
    let driver = parts.next().unwrap_or("").trim();
    let mut out = vec![format!("mail_driver = {driver}")];
    if let Some(path) = parts.next().filter(|p| !p.is_empty()) {
        out.push(format!("mail_path = {path}"));
    }
    for opt in parts {
        let (k, val) = opt.split_once('=').unwrap_or((opt, ""));
        let line = match k {
            "INBOX" => format!("mail_inbox_path = {val}"),
            "INDEX" => format!("mail_index_path = {val}"),
            "CONTROL" => format!("mail_control_path = {val}"),
            "LAYOUT" => format!("mailbox_list_layout = {val}"),
            _ => format!("# {opt}: see the 2.3 to 2.4 upgrade notes"),
        };
        out.push(line);
    }
    out.join("\n")
}

/// Sections whose settings have 2.3 section-scoped rows (`service/service_count`).
pub(crate) fn scoped_settings(root: &Section) -> Vec<(&Section, &Setting, String)> {
    let mut out = Vec::new();
    for s in root.walk() {
        if s.kind.is_empty() || s.is_filter() {
            continue;
        }
        for st in &s.settings {
            out.push((s, st, format!("{}/{}", s.kind, st.key)));
        }
    }
    out
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in facts.dovecot.iter().filter(|c| c.syntax == Syntax::V2_4) {
        let conf = super::confidence(cfg, 0.95);
        let mut report = |s: &Setting, shown: &str, info: SettingInfo, new: &str| {
            let note = info.note.map(|n| format!(" ({n})")).unwrap_or_default();
            let new_words = new
                .split(", ")
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" + ");
            let f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "`{shown}` is a Dovecot 2.3 name; 2.4 uses {new_words}{note}. Dovecot 2.4 \
                     stops with \"Unknown setting\" and does not start."
                ))
                .confidence(conf)
                .param(s.key.as_str())
                .evidence(s.line_span, "2.3 setting name")
                .fix(
                    format!("Replace `{}` with its 2.4 form.", s.key),
                    Some(converted(s, &info, new)),
                );
            let f = new.split(", ").fold(f, |f, n| f.param(n));
            out.push(with_ref(f, doc::UPGRADE_24));
        };
        for (_, s) in super::global_settings(cfg) {
            let Some(info) = super::table_row(&s.key) else {
                continue;
            };
            if let (true, false, Some(new)) = (info.in_2_3, info.in_2_4, info.renamed_to_2_4) {
                report(s, &s.key, info, new);
            }
        }
        for (sec, s, scoped) in scoped_settings(&cfg.root) {
            let Some(info) = crate::dovecot::setting_info(&scoped) else {
                continue;
            };
            if let (true, false, Some(new)) = (info.in_2_3, info.in_2_4, info.renamed_to_2_4) {
                report(s, &format!("{}` in `{}", s.key, sec.title()), info, new);
            }
        }
        for kind in ["passdb", "userdb"] {
            for db in cfg.sections(kind).filter(|d| d.name.is_none()) {
                let driver = db.value("driver").unwrap_or("<driver>");
                let mut f = Finding::new(
                    CHECK.id,
                    CHECK.severity,
                    "2.3-style unnamed passdb/userdb block",
                )
                .summary(format!(
                    "`{kind} {{ }}` without a name is 2.3 syntax; Dovecot 2.4 wants a named \
                     block such as `{kind} {driver} {{ }}`{}.",
                    if db.get("args").is_some() {
                        ", and `args` no longer exists: its parts become driver settings \
                         (e.g. `passwd_file_path`, or SQL/LDAP settings in dovecot.conf)"
                    } else {
                        ""
                    }
                ))
                .confidence(conf)
                .param(kind)
                .evidence(db.header_span, "unnamed block");
                if let Some(a) = db.get("args") {
                    f = f.param("args").evidence(a.line_span, "2.3 args");
                }
                f = f.fix(
                    "Name the block after its driver.",
                    Some(format!("{kind} {driver} {{\n}}")),
                );
                out.push(with_ref(f, doc::UPGRADE_24));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mail_location_splits_into_2_4_settings() {
        assert_eq!(
            super::convert_location("maildir:~/Maildir:INBOX=~/Maildir/.INBOX:LAYOUT=fs"),
            "mail_driver = maildir\nmail_path = ~/Maildir\nmail_inbox_path = ~/Maildir/.INBOX\nmailbox_list_layout = fs"
        );
        assert_eq!(
            super::convert_location("mbox:~/mail"),
            "mail_driver = mbox\nmail_path = ~/mail"
        );
    }
}
