use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{DovecotConfig, Setting};
use crate::facts::Facts;
use crate::report::{Finding, Severity};
use crate::text::Span;

pub static CHECK: Check = Check {
    id: "dovecot/uid_outside_valid_range",
    title: "Mail user's uid is outside first_valid_uid / last_valid_uid",
    severity: Severity::Error,
    doc: r#"## What it does
Finds a numeric uid that mail is accessed as — `mail_uid`, or `uid` in a user database
(2.3 `userdb { args = uid=… }`, 2.4 `userdb static { fields { uid = … } }`) — that lies below
`first_valid_uid` (default 500) or above a non-zero `last_valid_uid`.

## Why is this bad?
Dovecot refuses to touch mail as a uid outside that range: every login and every LMTP delivery
fails with "Mail access for users with UID 110 not permitted (see first_valid_uid in config
file)". It happens typically when the `vmail` account was created as a system account
(`useradd -r`), which gets a uid below 500 or 1000.

## Example
```
first_valid_uid = 1000
userdb {
  args = uid=110 gid=110 home=/srv/vmail/%d/%n
  driver = static
}
```

## Use instead
Lower the limit to the mail account (or give the account a higher uid):
```
first_valid_uid = 110
```

## References
- Dovecot 2.3 core settings: https://doc.dovecot.org/2.3/settings/core/
- Dovecot 2.4 settings: https://doc.dovecot.org/latest/core/summaries/settings.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nfirst_valid_uid = 1000\nmail_location = maildir:/srv/vmail/%d/%n\npassdb {\n  args = scheme=SHA512-CRYPT /etc/dovecot/users\n  driver = passwd-file\n}\nuserdb {\n  args = uid=110 gid=110 home=/srv/vmail/%d/%n\n  driver = static\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\npassdb passwd-file {\n  passwd_file_path = /etc/dovecot/users\n}\nuserdb static {\n  fields {\n    gid = 120\n    home = /srv/vmail/%{user | domain}/%{user | username}\n    uid = 120\n  }\n}\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nfirst_valid_uid = 110\nmail_location = maildir:/srv/vmail/%d/%n\npassdb {\n  args = scheme=SHA512-CRYPT /etc/dovecot/users\n  driver = passwd-file\n}\nuserdb {\n  args = uid=110 gid=110 home=/srv/vmail/%d/%n\n  driver = static\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:/srv/vmail/%d/%n\npassdb {\n  driver = pam\n}\nuserdb {\n  args = uid=vmail gid=vmail home=/srv/vmail/%d/%n\n  driver = static\n}\n",
    ],
    run,
};

/// A uid written as a number, with where it is written.
struct Uid {
    uid: u64,
    span: Span,
    what: String,
}

/// `uid=110` words in 2.3 `args`/`override_fields`, `uid = 110` settings in 2.4 `fields { }`.
fn uids_in(s: &Setting, out: &mut Vec<Uid>, what: &str) {
    if s.key == "uid" || s.key == "mail_uid" {
        if let Ok(n) = s.value.trim().parse() {
            out.push(Uid {
                uid: n,
                span: s.line_span,
                what: what.to_owned(),
            });
        }
        return;
    }
    for w in s.value.split_whitespace() {
        if let Some(n) = w.strip_prefix("uid=").and_then(|v| v.parse().ok()) {
            out.push(Uid {
                uid: n,
                span: s.line_span,
                what: what.to_owned(),
            });
        }
    }
}

fn number<'a>(cfg: &'a DovecotConfig, key: &str) -> Option<(u64, &'a Setting)> {
    let s = cfg.get(key)?;
    Some((s.value.trim().parse().ok()?, s))
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        let mut uids = Vec::new();
        if let Some(s) = cfg.get("mail_uid") {
            uids_in(s, &mut uids, "`mail_uid`");
        }
        for db in cfg.userdbs() {
            for sec in db.section.walk() {
                for s in &sec.settings {
                    uids_in(s, &mut uids, "the userdb");
                }
            }
        }
        if uids.is_empty() {
            continue;
        }
        let first = number(cfg, "first_valid_uid");
        let last = number(cfg, "last_valid_uid").filter(|(n, _)| *n > 0);
        let first_n = first.map_or(500, |(n, _)| n);
        // A default is only known to be in force in complete output.
        let sure = first.is_some() || super::is_complete(cfg);
        for u in uids {
            let (bound_words, bound) = if u.uid < first_n {
                (
                    format!(
                        "below `first_valid_uid = {first_n}`{}",
                        if first.is_none() {
                            " (the default)"
                        } else {
                            ""
                        }
                    ),
                    first.map(|(_, s)| s),
                )
            } else if let Some((l, s)) = last.filter(|(l, _)| u.uid > *l) {
                (format!("above `last_valid_uid = {l}`"), Some(s))
            } else {
                continue;
            };
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(format!(
                    "{} gives uid {}, {bound_words}: Dovecot refuses every login and delivery \
                     for these users (\"Mail access for users with UID {} not permitted\").",
                    u.what, u.uid, u.uid
                ))
                .confidence(if sure { 0.9 } else { 0.6 })
                .param("first_valid_uid")
                .evidence(u.span, "uid mail is accessed as");
            if let Some(s) = bound {
                f = f.evidence(s.line_span, "valid uid range");
            }
            let fix = if u.uid < first_n {
                format!("first_valid_uid = {}", u.uid.max(1))
            } else {
                format!("last_valid_uid = {}", u.uid)
            };
            f = f.fix(
                "Widen the valid range to include the mail account (never down to 0: root \
                 must stay excluded), or move the account to a uid inside it.",
                Some(fix),
            );
            out.push(with_ref(
                f,
                doc_for(cfg, doc::SETTINGS_23, doc::SETTINGS_24),
            ));
        }
    }
}
