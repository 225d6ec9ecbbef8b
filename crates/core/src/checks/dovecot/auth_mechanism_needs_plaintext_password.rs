use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{AuthDb, DovecotConfig};
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/auth_mechanism_needs_plaintext_password",
    title: "Auth mechanism that the password database cannot serve",
    severity: Severity::Error,
    doc: r#"## What it does
Finds challenge-response mechanisms in `auth_mechanisms` (`cram-md5`, `digest-md5`,
`scram-sha-1`, `scram-sha-256` and their `-plus` forms, `apop`, `ntlm`) when no password
database can give Dovecot what they need: the cleartext password or the mechanism's own hash.
That is the case for `pam`, `checkpassword`, `bsdauth` and `imap` passdbs (they only verify a
password they are given), for `shadow`/`passwd` (crypt hashes), and for a `passwd-file` or
2.4 passdb whose password scheme is a one-way hash (`SHA512-CRYPT`, `BLF-CRYPT`, `ARGON2ID`, …).

## Why is this bad?
These mechanisms never send the password; the server must compute the same answer from what it
stores, which a salted one-way hash cannot do. Dovecot 2.3 refuses to start the auth service
("CRAM-MD5 mechanism can't be supported with given passdbs") when no passdb can look up
credentials; with hashes, every login by that mechanism fails ("Requested CRAM-MD5 scheme, but
we have only SHA512-CRYPT"). Mail clients set to "encrypted password" pick these mechanisms and
report a wrong password although it is right.

## Example
```
auth_mechanisms = plain login cram-md5
passdb {
  driver = pam
}
```

## Use instead
Use PLAIN/LOGIN over TLS, which works with every password scheme:
```
auth_mechanisms = plain login
```

## References
- Dovecot 2.3 authentication mechanisms: https://doc.dovecot.org/2.3/configuration_manual/authentication/authentication_mechanisms/
- Dovecot 2.3 password schemes: https://doc.dovecot.org/2.3/configuration_manual/authentication/password_schemes/
- Dovecot 2.4 password databases: https://doc.dovecot.org/latest/core/config/auth/passdb.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login cram-md5\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = cram-md5\nmail_location = maildir:/srv/vmail/%d/%n\npassdb {\n  args = scheme=SHA512-CRYPT username_format=%u /etc/dovecot/users\n  driver = passwd-file\n}\nuserdb {\n  args = uid=vmail gid=vmail home=/srv/vmail/%d/%n\n  driver = static\n}\n",
        "# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nauth_mechanisms = plain scram-sha-256\npassdb passwd-file {\n  default_password_scheme = ARGON2ID\n  passwd_file_path = /etc/dovecot/users\n}\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nuserdb {\n  driver = passwd\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login cram-md5\nmail_location = maildir:/srv/vmail/%d/%n\npassdb {\n  args = scheme=CRAM-MD5 /etc/dovecot/users\n  driver = passwd-file\n}\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login cram-md5\npassdb {\n  args = /etc/dovecot/dovecot-sql.conf.ext\n  driver = sql\n}\n",
    ],
    run,
};

/// Mechanisms that need the cleartext password or their own hash, with the schemes that serve
/// them besides cleartext.
const NEEDS_CREDENTIALS: &[(&str, &[&str])] = &[
    ("cram-md5", &["CRAM-MD5", "HMAC-MD5"]),
    ("digest-md5", &["DIGEST-MD5"]),
    ("scram-sha-1", &["SCRAM-SHA-1"]),
    ("scram-sha-1-plus", &["SCRAM-SHA-1"]),
    ("scram-sha-256", &["SCRAM-SHA-256"]),
    ("scram-sha-256-plus", &["SCRAM-SHA-256"]),
    ("apop", &[]),
    ("ntlm", &["NTLM"]),
];

const CLEARTEXT: &[&str] = &["PLAIN", "CLEARTEXT", "CLEAR"];

/// Drivers that only verify a password handed to them: no credential lookups at all.
const VERIFY_ONLY: &[&str] = &["pam", "checkpassword", "bsdauth", "imap", "oauth2"];
/// Drivers whose passwords are the system's crypt hashes.
const SYSTEM_HASH: &[&str] = &["shadow", "passwd"];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Serves {
    Yes,
    /// Cannot look up credentials at all (startup refuses the mechanism).
    NoLookup,
    /// Stores this one-way scheme.
    Hash,
    Unknown,
}

/// The password scheme a passdb states: 2.3 `args = scheme=X …`, 2.4
/// `passdb_default_password_scheme`/`default_password_scheme` in the passdb or at the top.
fn stated_scheme<'a>(cfg: &'a DovecotConfig, db: &AuthDb<'a>) -> Option<&'a str> {
    if let Some(args) = db.args {
        if let Some(s) = args
            .split_whitespace()
            .find_map(|w| w.strip_prefix("scheme="))
        {
            return Some(s);
        }
    }
    db.section
        .get("default_password_scheme")
        .map(|s| s.value.as_str())
        .or_else(|| cfg.value("passdb_default_password_scheme"))
}

fn serves(cfg: &DovecotConfig, db: &AuthDb<'_>, mech: &str, schemes: &[&str]) -> (Serves, String) {
    let driver = db.driver.unwrap_or("").to_ascii_lowercase();
    if VERIFY_ONLY.contains(&driver.as_str()) {
        return (Serves::NoLookup, driver);
    }
    if SYSTEM_HASH.contains(&driver.as_str()) {
        return (Serves::Hash, format!("{driver} (crypt hashes)"));
    }
    if driver == "static" {
        return (Serves::Yes, driver);
    }
    let _ = mech;
    match stated_scheme(cfg, db) {
        Some(s) => {
            let up = s.trim().to_ascii_uppercase();
            if CLEARTEXT.contains(&up.as_str()) || schemes.contains(&up.as_str()) {
                (Serves::Yes, driver)
            } else {
                (Serves::Hash, format!("{driver} with scheme {up}"))
            }
        }
        None => (Serves::Unknown, driver),
    }
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        let Some(mechs) = cfg.get("auth_mechanisms") else {
            continue;
        };
        let words: Vec<String> = mechs.words().map(str::to_ascii_lowercase).collect();
        let plaintext_too = words.iter().any(|w| w == "plain" || w == "login");
        // Password databases that authenticate users (not master-user or deny lists).
        let dbs: Vec<AuthDb<'_>> = cfg
            .passdbs()
            .into_iter()
            .filter(|d| {
                let flag = |k: &str| d.section.get(k).and_then(|s| s.as_bool()) == Some(true);
                !flag("master") && !flag("deny")
            })
            .collect();
        if dbs.is_empty() {
            continue;
        }
        for (mech, schemes) in NEEDS_CREDENTIALS {
            if !words.iter().any(|w| w == mech) {
                continue;
            }
            let verdicts: Vec<(Serves, String)> =
                dbs.iter().map(|d| serves(cfg, d, mech, schemes)).collect();
            if verdicts
                .iter()
                .any(|(v, _)| matches!(v, Serves::Yes | Serves::Unknown))
            {
                continue;
            }
            let all_no_lookup = verdicts.iter().all(|(v, _)| *v == Serves::NoLookup);
            let what: Vec<&str> = verdicts.iter().map(|(_, w)| w.as_str()).collect();
            let upper = mech.to_ascii_uppercase();
            let consequence = if all_no_lookup {
                format!(
                    "{} cannot look up stored credentials, so Dovecot's auth service refuses to \
                     start (\"{upper} mechanism can't be supported with given passdbs\")",
                    what.join(", ")
                )
            } else {
                format!(
                    "the passwords are stored as one-way hashes ({}), so every {upper} login \
                     fails with a password mismatch (\"Requested {upper} scheme, but we have \
                     only …\")",
                    what.join(", ")
                )
            };
            let sev = if all_no_lookup || !plaintext_too {
                Severity::Error
            } else {
                Severity::Warning
            };
            let conf = if all_no_lookup { 0.9 } else { 0.75 };
            let mut f = Finding::new(CHECK.id, sev, CHECK.title)
                .summary(format!(
                    "`auth_mechanisms` offers `{mech}`, but {consequence}. Clients set to \
                     \"encrypted password\" choose it and report a wrong password."
                ))
                .confidence(super::confidence(cfg, conf))
                .param("auth_mechanisms")
                .evidence(mechs.line_span, "mechanism needing a readable password");
            for d in &dbs {
                f = f.evidence(d.section.header_span, "password database");
            }
            let keep: Vec<&str> = mechs
                .words()
                .filter(|w| {
                    !NEEDS_CREDENTIALS
                        .iter()
                        .any(|(m, _)| w.eq_ignore_ascii_case(m))
                })
                .collect();
            let snippet = if keep.is_empty() {
                "auth_mechanisms = plain login".to_owned()
            } else {
                format!("auth_mechanisms = {}", keep.join(" "))
            };
            f = f.fix(
                "Offer only mechanisms the password database can serve (PLAIN/LOGIN over TLS \
                 work with every scheme), then reload Dovecot.",
                Some(snippet),
            );
            f = with_ref(f, doc::MECHANISMS_23);
            out.push(with_ref(f, doc_for(cfg, doc::SCHEMES_23, doc::PASSDB_24)));
        }
    }
}
