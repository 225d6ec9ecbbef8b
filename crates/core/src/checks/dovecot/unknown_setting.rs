use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{did_you_mean, name_in_2_3, Syntax};
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/unknown_setting",
    title: "Dovecot does not know this setting",
    severity: Severity::Error,
    doc: r#"## What it does
Finds global settings (top level and inside `protocol`/`local`/`remote` blocks) whose name
the Dovecot version of the paste does not have, and suggests the closest real name. A 2.4 name
in a 2.3 configuration is named as such, with its 2.3 spelling.

`doveconf -n` output is not checked: Dovecot printed it, so it accepted every name in it.
Names that 2.4 renamed or removed are left to `dovecot/setting_renamed_in_2_4` and
`dovecot/removed_setting`.

## Why is this bad?
Dovecot does not skip a name it does not know: it stops with "Unknown setting" and refuses to
start (or to reload), so a single typo takes IMAP, POP3, LMTP delivery and SMTP AUTH down.

## Example
```
auth_mechanism = plain login
```

## Use instead
```
auth_mechanisms = plain login
```
Run `doveconf -n` after editing: it prints the error with the file and line.

## References
- Dovecot 2.3 core settings: https://doc.dovecot.org/2.3/settings/core/
- Dovecot 2.4 settings: https://doc.dovecot.org/latest/core/summaries/settings.html
"#,
    fail: pastes![
        "auth_mechanism = plain login\ndisable_plaintext_auth = yes\nmail_location = maildir:~/Maildir\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = </etc/ssl/private/imap.example.org.key\n",
        "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\nauth_alow_cleartext = no\n",
    ],
    pass: pastes![
        "driver = pgsql\nconnect = host=/run/postgresql dbname=mail user=dovecot\ndefault_pass_scheme = SHA512-CRYPT\npassword_query = SELECT email AS user, password FROM mailbox WHERE email = '%u'\nuser_query = SELECT maildir AS home FROM mailbox WHERE email = '%u'\n",
        "auth_mechanisms = plain login\ndisable_plaintext_auth = yes\nmail_location = maildir:~/Maildir\nssl = required\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_key = </etc/ssl/private/imap.example.org.key\nprotocol imap {\n  mail_max_userip_connections = 20\n}\n",
        "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\nauth_allow_cleartext = no\n",
    ],
    run,
};

/// Keys of the files a passdb/userdb points to (`dovecot-sql.conf.ext`, `dovecot-ldap.conf.ext`,
/// `dovecot-oauth2.conf.ext`, dict files): pasted next to `dovecot.conf` they are not its
/// settings.
const EXT_FILE_KEYS: &[&str] = &[
    "driver",
    "connect",
    "password_query",
    "user_query",
    "iterate_query",
    "default_pass_scheme",
    "update_query",
    "hosts",
    "uris",
    "dn",
    "dnpass",
    "sasl_bind",
    "sasl_mech",
    "sasl_realm",
    "sasl_authz_id",
    "tls",
    "tls_ca_cert_file",
    "tls_ca_cert_dir",
    "tls_cipher_suite",
    "tls_cert_file",
    "tls_key_file",
    "tls_require_cert",
    "ldaprc_path",
    "debug_level",
    "auth_bind",
    "auth_bind_userdn",
    "ldap_version",
    "base",
    "deref",
    "scope",
    "user_attrs",
    "user_filter",
    "pass_attrs",
    "pass_filter",
    "iterate_attrs",
    "iterate_filter",
    "blocking",
    "uri",
];

/// A pasted SQL/LDAP/OAuth2 side file rather than `dovecot.conf`.
fn looks_like_ext_file(cfg: &crate::dovecot::DovecotConfig) -> bool {
    cfg.root.settings.iter().any(|s| {
        matches!(
            s.key.as_str(),
            "password_query"
                | "user_query"
                | "pass_attrs"
                | "user_attrs"
                | "pass_filter"
                | "user_filter"
                | "dnpass"
                | "tokeninfo_url"
                | "introspection_url"
        )
    })
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in facts
        .dovecot
        .iter()
        .filter(|c| !super::is_complete(c) && !looks_like_ext_file(c))
    {
        // Did-you-mean costs a pass over the table; a paste of thousands of unknown names gets
        // suggestions for the first ones only.
        let mut suggestions_left = 200usize;
        for (_, s) in super::global_settings(cfg) {
            let name = s.key.as_str();
            if name.starts_with(['$', '@'])
                || EXT_FILE_KEYS.contains(&name)
                || crate::dovecot::setting_info(&format!("oauth2/{name}")).is_some()
            {
                continue;
            }
            if super::removed_setting::REMOVED_IN_2_3
                .iter()
                .any(|r| r.0 == name)
            {
                continue;
            }
            match super::table_row(name) {
                Some(info) if info.exists_in(cfg.syntax) => {}
                // 2.3 names in 2.4 and names gone from both: the rename/removal checks.
                Some(info) if cfg.syntax == Syntax::V2_4 || !info.in_2_4 => {}
                Some(_) => {
                    // A 2.4 name in a 2.3 configuration.
                    let old = name_in_2_3(name);
                    let mut f = Finding::new(
                        CHECK.id,
                        CHECK.severity,
                        "Dovecot 2.4 setting name in a 2.3 configuration",
                    )
                    .summary(format!(
                        "`{name}` exists only in Dovecot 2.4; {} stops with \"Unknown \
                         setting\"{}.",
                        super::version_words(cfg),
                        old.map(|o| format!(". In 2.3 it is `{o}`"))
                            .unwrap_or_default()
                    ))
                    .confidence(super::confidence(cfg, 0.8))
                    .param(name)
                    .evidence(s.key_span, "2.4-only name");
                    if let Some(o) = old {
                        f = f.param(o).fix(
                            format!("Use the 2.3 name `{o}` (or upgrade to 2.4 and convert the whole file)."),
                            Some(format!("{o} = {}", s.value)),
                        );
                    } else {
                        f = f.fix(
                            "Remove it, or upgrade to Dovecot 2.4 and convert the whole file.",
                            Some(super::commented_out(s)),
                        );
                    }
                    out.push(with_ref(f, doc::UPGRADE_24));
                }
                None => {
                    let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                        .param(name)
                        .evidence(s.key_span, "unknown setting name");
                    let suggestion = if suggestions_left > 0 {
                        suggestions_left -= 1;
                        did_you_mean(name, cfg.syntax)
                    } else {
                        None
                    };
                    match suggestion {
                        Some(sug) => {
                            f = f
                                .summary(format!(
                                    "{} does not know `{name}` and refuses to start \
                                     (\"Unknown setting: {name}\"); did you mean `{sug}`?",
                                    super::version_words(cfg)
                                ))
                                .confidence(super::confidence(cfg, 0.85))
                                .param(sug)
                                .fix(
                                    format!("Rename `{name}` to `{sug}`, then check with `doveconf -n`."),
                                    Some(format!("{sug} = {}", s.value)),
                                );
                        }
                        None => {
                            f = f
                                .summary(format!(
                                    "{} does not know `{name}` and refuses to start \
                                     (\"Unknown setting: {name}\"), unless a plugin that \
                                     defines it is loaded.",
                                    super::version_words(cfg)
                                ))
                                .confidence(super::confidence(cfg, 0.6))
                                .fix(
                                    format!(
                                        "Check the name in the settings list for your version; \
                                         remove `{name}` if nothing defines it."
                                    ),
                                    Some(super::commented_out(s)),
                                );
                        }
                    }
                    out.push(with_ref(
                        f,
                        doc_for(cfg, doc::SETTINGS_23, doc::SETTINGS_24),
                    ));
                }
            }
        }
    }
}
