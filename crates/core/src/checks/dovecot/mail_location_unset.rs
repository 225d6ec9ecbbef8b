use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{DovecotConfig, Section, Syntax};
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/mail_location_unset",
    title: "No mail location configured",
    severity: Severity::Warning,
    doc: r#"## What it does
In complete `doveconf -n` output of a Dovecot that serves IMAP, POP3 or LMTP, finds no mail
location: no `mail_location` (2.3) or `mail_driver` (2.4), none in the inbox namespace, and
only user databases that cannot supply one per user (`passwd`, or `static` without a `mail`
field).

## Why is this bad?
Dovecot then guesses: it looks for `~/Maildir`, `~/mail` and `/var/mail/$USER` in the user's
home. For virtual users without such directories, or a first login before any mail arrived,
the guess fails and the login or delivery fails with "mail_location not set and autodetection
failed"; when it succeeds, a later new directory can make it pick a different place and
mailboxes seem to vanish.

## Example
```
protocols = imap lmtp
userdb {
  driver = passwd
}
```

## Use instead
2.3:
```
mail_location = maildir:~/Maildir
```
2.4:
```
mail_driver = maildir
mail_path = ~/Maildir
```

## References
- Dovecot 2.3 mail location: https://doc.dovecot.org/2.3/configuration_manual/mail_location/
- Dovecot 2.4 mail location: https://doc.dovecot.org/latest/core/config/mail_location.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\npassdb {\n  driver = pam\n}\nprotocols = \" imap lmtp\"\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = # hidden, use -P to show it\nuserdb {\n  driver = passwd\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\npassdb passwd-file {\n  passwd_file_path = /etc/dovecot/users\n}\nprotocols = imap\nuserdb static {\n  fields {\n    uid = vmail\n    gid = vmail\n    home = /srv/vmail/%{user | domain}/%{user | username}\n  }\n}\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocols = \" imap lmtp\"\nuserdb {\n  driver = passwd\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\npassdb {\n  args = /etc/dovecot/dovecot-sql.conf.ext\n  driver = sql\n}\nprotocols = \" imap\"\nuserdb {\n  args = /etc/dovecot/dovecot-sql.conf.ext\n  driver = sql\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\npassdb {\n  driver = pam\n}\nprotocols = \" imap\"\nuserdb {\n  args = uid=vmail gid=vmail home=/srv/vmail/%d/%n mail=maildir:/srv/vmail/%d/%n/Maildir\n  driver = static\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\npassdb {\n  driver = pam\n}\nprotocols = none\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\n",
    ],
    run,
};

/// Whether any setting in the block (or below it) hands out a mail location.
fn gives_location(s: &Section) -> bool {
    s.walk().iter().any(|x| {
        x.settings.iter().any(|st| {
            matches!(
                st.key.as_str(),
                "mail" | "mail_location" | "mail_driver" | "userdb_mail" | "location"
            ) || st.value.split_whitespace().any(|w| {
                w.starts_with("mail=")
                    || w.starts_with("userdb_mail=")
                    || w.starts_with("mail_driver=")
            })
        })
    })
}

fn location_setting(cfg: &DovecotConfig) -> bool {
    let keys: &[&str] = match cfg.syntax {
        Syntax::V2_3 => &["mail_location", "mail_driver"],
        Syntax::V2_4 => &["mail_driver", "mail_location"],
    };
    super::set_anywhere(cfg, keys).is_some_and(super::is_set)
        || cfg.sections("namespace").any(|n| {
            ["location", "mail_driver", "mail_location"]
                .iter()
                .any(|k| n.get(k).is_some_and(super::is_set))
        })
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in facts.dovecot.iter().filter(|c| super::is_complete(c)) {
        let Some(p) = super::protocols(cfg) else {
            continue;
        };
        if !["imap", "pop3", "lmtp"].iter().any(|x| p.has(x)) {
            continue;
        }
        if location_setting(cfg) {
            continue;
        }
        let userdbs = cfg.userdbs();
        if userdbs.is_empty() {
            continue;
        }
        // Any database that may return `mail` per user (SQL, LDAP, passwd-file extra fields…)
        // makes the global setting optional.
        let fixed_only = userdbs.iter().all(|u| {
            matches!(
                u.driver.map(str::to_ascii_lowercase).as_deref(),
                Some("passwd" | "static")
            ) && !gives_location(u.section)
        });
        if !fixed_only {
            continue;
        }
        let system_users = userdbs.iter().any(|u| u.driver == Some("passwd"));
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "No {} is configured and the user database does not supply one, so Dovecot \
                 guesses the mailbox format and place from the home directory; when the guess \
                 fails, logins and deliveries fail with \"mail_location not set and \
                 autodetection failed\".",
                super::pick(cfg, "`mail_location`", "`mail_driver`/`mail_path`")
            ))
            .confidence(super::confidence(
                cfg,
                if system_users { 0.6 } else { 0.75 },
            ))
            .param(super::pick(cfg, "mail_location", "mail_driver"));
        for u in &userdbs {
            f = f.evidence(u.section.header_span, "user database without a mail field");
        }
        if let Some(s) = p.span {
            f = f.evidence(s, "protocols that need mail storage");
        }
        f = f.fix(
            "Set the mail location explicitly (the format and path your mail really uses), then \
             restart Dovecot.",
            Some(super::pick(
                cfg,
                "mail_location = maildir:~/Maildir",
                "mail_driver = maildir\nmail_path = ~/Maildir",
            )),
        );
        out.push(with_ref(
            f,
            doc_for(cfg, doc::MAIL_LOCATION_23, doc::MAIL_LOCATION_24),
        ));
    }
}
