use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity};
use crate::secrets::SecretKind;

pub static CHECK: Check = Check {
    id: "privacy/secret_in_paste",
    title: "The paste contains passwords or keys",
    severity: Severity::Warning,
    doc: r#"## What it does
Lists the secrets found in the pasted text — passwords in SASL password maps and `static:`
tables, database and LDAP passwords in map files and `dovecot-sql.conf.ext`, passdb `args`,
TLS key passphrases, `{PLAIN}` entries and password hashes in passwd-files, base64 `AUTH PLAIN`
and `AUTH LOGIN` exchanges, `Authorization:` headers, OAuth2 client secrets and PEM private
keys — by kind and place, never by value. This report masks each of them (`•••••`).

## Why is this bad?
Pastes go to forums, chat rooms and support tickets, which are read by many, archived and
indexed by search engines. A password that was posted is known, even after the post is deleted.
Base64 is no protection: `AUTH PLAIN` data decodes to the user name and password in a second.
A password hash lets anyone try guesses offline at their own pace, and some schemes
(`CRAM-MD5`, `DIGEST-MD5`) can be used to log in as they are.

## Example
```
[smtp.example.net]:587 relay@example.org:Winter2024!
```

## Use instead
Mask secrets before pasting (`postconf -n` and `doveconf -n` already hide Dovecot's secret
settings unless run with `-P`); keep file references such as
`smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd` and leave the map's contents out.
If a real secret was posted, change it at its source (the relay provider's account, the
database user, the LDAP bind account, the TLS key) and update the map or setting.

## References
- postconf(5), smtp_sasl_password_maps: https://www.postfix.org/postconf.5.html#smtp_sasl_password_maps
- Postfix SASL howto, client credentials: https://www.postfix.org/SASL_README.html#client_sasl_enable
- Dovecot password schemes: https://doc.dovecot.org/2.3/configuration_manual/authentication/password_schemes/
"#,
    fail: pastes![
        "relayhost = [smtp.example.net]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = static:relay@example.org:Winter2024!\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\npassdb {\n  args = /etc/dovecot/dovecot-sql.conf.ext\n  driver = sql\n}\nssl_key_password = correct-horse\n",
        "/etc/postfix/sasl_passwd:\n[smtp.example.net]:587 relay@example.org:Winter2024!\n",
    ],
    pass: pastes![
        "relayhost = [smtp.example.net]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtpd_sasl_path = private/auth\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\nauth_debug_passwords = no\npassdb {\n  args = scheme=SHA512-CRYPT /etc/dovecot/users\n  driver = passwd-file\n}\nssl_key = # hidden, use -P to show it\nssl_key_password = # hidden, use -P to show it\n",
    ],
    run,
};

/// Most secret lines pointed at one by one; the summary counts the rest.
const MAX_EVIDENCE: usize = 50;

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    if facts.secrets.is_empty() {
        return;
    }
    let mut counts: Vec<(SecretKind, usize)> = Vec::new();
    for s in &facts.secrets {
        match counts.iter_mut().find(|(k, _)| *k == s.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((s.kind, 1)),
        }
    }
    crate::text::sort(&mut counts);
    let only_hashes = counts.iter().all(|(k, _)| *k == SecretKind::PasswordHash);
    let listed: Vec<String> = counts
        .iter()
        .map(|(k, n)| format!("{n} {}", k.noun(*n)))
        .collect();
    let severity = if only_hashes {
        Severity::Info
    } else {
        CHECK.severity
    };
    let mut f = Finding::new(CHECK.id, severity, CHECK.title).summary(format!(
        "The paste holds {}. This report masks them, but the text you pasted does not: if it \
         was posted anywhere public, treat {} as known to others.",
        join_words(&listed),
        if only_hashes {
            "these hashes"
        } else {
            "these secrets"
        }
    ));
    let mut lines_seen = Vec::new();
    for s in &facts.secrets {
        if let Some(name) = &s.setting {
            f = f.param(name.as_str());
        }
        if lines_seen.len() < MAX_EVIDENCE && !lines_seen.contains(&s.line) {
            lines_seen.push(s.line);
            f = f.evidence(s.line, s.label.as_str());
        }
    }
    let in_map = facts
        .secrets
        .iter()
        .any(|s| s.setting.as_deref().is_some_and(|n| n.ends_with("_maps")));
    let rotate = if only_hashes {
        "Change the passwords of the accounts whose hashes were posted (a hash can be guessed \
         offline), and leave passwd-file and database contents out of pastes."
            .to_owned()
    } else {
        format!(
            "Change every password, passphrase, token or key shown here at its source (the relay \
             provider's account, the database or LDAP user, the TLS key), put the new one in the \
             setting{}, and mask secrets before pasting.",
            if in_map {
                " or map file (run `postmap` on a hash: map again)"
            } else {
                ""
            }
        )
    };
    f = f
        .fix(rotate, None)
        .dead_end(
            "Deleting or editing the post",
            "Copies, caches, mail notifications and archives keep the original text; only a \
             new password makes the posted one useless.",
        )
        .dead_end(
            "Relying on base64 or on a hash",
            "Base64 is an encoding, not encryption: it decodes in a second. Hashes are open to \
             offline guessing, and CRAM-MD5/DIGEST-MD5 ones log in as they are.",
        )
        .reference(
            "postconf(5): smtp_sasl_password_maps",
            Some("https://www.postfix.org/postconf.5.html#smtp_sasl_password_maps"),
        );
    out.push(f.confidence(0.9));
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
