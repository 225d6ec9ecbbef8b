use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{Section, Syntax};
use crate::facts::Facts;
use crate::report::{Finding, Severity};
use std::collections::{HashMap, HashSet};

pub static CHECK: Check = Check {
    id: "dovecot/duplicate_auth_database",
    title: "Same passdb or userdb declared twice",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds two `passdb` (or two `userdb`) blocks in the same scope with the same driver and the same
settings — typically `!include auth-system.conf.ext` left enabled next to an explicitly added
copy of the same `passdb { driver = pam }`.

## Why is this bad?
Dovecot asks the databases in order. A wrong password is therefore checked twice, which doubles
the time every failed login takes, doubles the load on PAM, SQL or LDAP, and writes two
"password mismatch" lines per attempt, which makes the logs misleading (and trips fail2ban
filters twice as fast). In Dovecot 2.4 two blocks with the same name are merged; this check
only reports differently named blocks that hold identical settings.

## Example
```
passdb {
  driver = pam
}
passdb {
  driver = pam
}
```

## Use instead
Keep one: comment out the `!include` line or the copy.
```
passdb {
  driver = pam
}
```

## References
- Dovecot 2.3 password databases: https://doc.dovecot.org/2.3/configuration_manual/authentication/password_databases_passdb/
- Dovecot 2.4 password databases: https://doc.dovecot.org/latest/core/config/auth/passdb.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\npassdb {\n  driver = pam\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\npassdb pam {\n}\npassdb system {\n  driver = pam\n}\nuserdb passwd {\n}\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  args = /etc/dovecot/master-users\n  driver = passwd-file\n  master = yes\n}\npassdb {\n  args = scheme=SHA512-CRYPT /etc/dovecot/users\n  driver = passwd-file\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nprotocol imap {\n  passdb {\n    driver = pam\n  }\n}\n",
    ],
    run,
};

/// What makes two databases the same: the driver and every other setting (name, value), sorted.
type Identity = (String, Vec<(String, String)>);

/// The [`Identity`] of a database block (none without a driver).
fn identity(s: &Section, syntax: Syntax) -> Option<Identity> {
    let driver = s
        .get("driver")
        .map(|d| d.value.clone())
        .or_else(|| (syntax == Syntax::V2_4).then(|| s.name.clone()).flatten())?
        .to_ascii_lowercase();
    let mut rest: Vec<(String, String)> = s
        .settings
        .iter()
        .filter(|st| !matches!(st.key.as_str(), "driver" | "name"))
        .filter(|st| !st.key.ends_with("_driver") && !st.key.ends_with("_name"))
        .map(|st| (st.key.clone(), st.value.trim().to_owned()))
        .collect();
    // Nested blocks (2.4 `fields { }`) take part as their text-free outline.
    for c in &s.children {
        for st in &c.settings {
            rest.push((
                format!("{}/{}", c.title(), st.key),
                st.value.trim().to_owned(),
            ));
        }
    }
    crate::text::sort(&mut rest);
    rest.dedup();
    Some((driver, rest))
}

/// The block as it should remain, written out (one level of nesting, as 2.4 `fields { }`).
fn block_text(s: &Section) -> String {
    let mut out = format!("{} {{\n", s.title());
    for st in &s.settings {
        out.push_str(&format!("  {} = {}\n", st.key, st.value));
    }
    for c in &s.children {
        out.push_str(&format!("  {} {{\n", c.title()));
        for st in &c.settings {
            out.push_str(&format!("    {} = {}\n", st.key, st.value));
        }
        out.push_str("  }\n");
    }
    out.push('}');
    out
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        // Scopes: the top level and each filter; databases are compared within one scope.
        let mut scopes: Vec<&Section> = vec![&cfg.root];
        scopes.extend(super::filters(cfg));
        for scope in scopes {
            for kind in ["passdb", "userdb"] {
                // Identity → the first block with it (a map keeps this linear in the blocks).
                let mut seen: HashMap<Identity, &Section> = HashMap::new();
                let mut names: HashSet<&str> = HashSet::new();
                for db in scope.children_of(kind) {
                    // 2.4 merges blocks of the same name into one: only the first counts.
                    if cfg.syntax == Syntax::V2_4 {
                        if let Some(n) = db.name.as_deref() {
                            if !names.insert(n) {
                                continue;
                            }
                        }
                    }
                    let Some(id) = identity(db, cfg.syntax) else {
                        continue;
                    };
                    let driver = id.0.clone();
                    let Some(first) = seen.get(&id).copied() else {
                        seen.insert(id, db);
                        continue;
                    };
                    let f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                        .summary(format!(
                            "The {kind} with driver `{driver}` is declared twice with the same \
                             settings{}: Dovecot consults both, so {}.",
                            if scope.kind.is_empty() {
                                String::new()
                            } else {
                                format!(" inside `{}`", scope.title())
                            },
                            if kind == "passdb" {
                                "every failed login is checked twice and logged twice"
                            } else {
                                "every lookup of a user the first one does not know (an LMTP \
                                 delivery to a wrong address, say) is done twice"
                            }
                        ))
                        .confidence(0.9)
                        .param(kind)
                        .evidence(first.span, format!("first {kind}"))
                        .evidence(db.span, format!("same {kind} again"))
                        .fix(
                            "Delete one of the two; if one comes from `!include \
                             auth-system.conf.ext` (or another `auth-*.conf.ext`), comment out \
                             that include instead.",
                            Some(block_text(first)),
                        );
                    out.push(with_ref(f, doc_for(cfg, doc::PASSDB_23, doc::PASSDB_24)));
                }
            }
        }
    }
}
