use super::{doc, with_ref};
use crate::checks::Check;
use crate::dovecot::{DovecotConfig, Syntax, VersionSource};
use crate::facts::Facts;
use crate::report::{Finding, SegmentKind, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/config_version_missing",
    title: "Dovecot 2.4 configuration without dovecot_config_version first",
    severity: Severity::Error,
    doc: r#"## What it does
For a Dovecot 2.4 `dovecot.conf` (a pasted file, not `doveconf` output, which Dovecot only
prints for a configuration it accepted), checks that the first setting is
`dovecot_config_version` and that `dovecot_storage_version` is set.

## Why is this bad?
Dovecot 2.4 refuses to start when the first setting of `dovecot.conf` is anything other than
`dovecot_config_version` ("The first setting must be dovecot_config_version"); the value fixes
which defaults apply, so upgrades no longer change behaviour silently. It equally requires
`dovecot_storage_version`, the oldest version that must be able to read the files it writes.
A 2.3 `dovecot.conf` kept through a package upgrade to 2.4 fails exactly here.

## Example
```
protocols = imap lmtp
dovecot_config_version = 2.4.1
```

## Use instead
```
dovecot_config_version = 2.4.1
dovecot_storage_version = 2.4.1
protocols = imap lmtp
```

## References
- Upgrading Dovecot CE from 2.3 to 2.4: https://doc.dovecot.org/latest/installation/upgrade/2.3-to-2.4.html
"#,
    fail: pastes![
        "protocols = imap lmtp\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nmail_driver = maildir\nmail_path = ~/Maildir\n",
        "dovecot_config_version = 2.4.1\nprotocols = imap lmtp\nmail_driver = maildir\nmail_path = ~/Maildir\nauth_allow_cleartext = no\n",
    ],
    pass: pastes![
        "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nprotocols = imap lmtp\nmail_driver = maildir\nmail_path = ~/Maildir\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nprotocols = \" imap lmtp\"\n",
    ],
    run,
};

/// Whether the text is the main file, which must start with the version: a file that holds the
/// version setting, or one that pulls in `conf.d`.
fn is_main_file(cfg: &DovecotConfig) -> bool {
    cfg.get("dovecot_config_version").is_some()
        || cfg.includes.iter().any(|i| i.path.contains("conf.d"))
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        let told_2_4 = cfg.syntax == Syntax::V2_4
            && (!cfg.syntax_guessed
                || matches!(cfg.version_source, Some(VersionSource::ConfigVersion)));
        let fatal_message = cfg
            .messages
            .iter()
            .find(|m| m.text.contains("dovecot_config_version"));
        // `doveconf` output comes from a configuration Dovecot accepted; only its own error
        // message says otherwise.
        if cfg.kind != Some(SegmentKind::DovecotConf) && fatal_message.is_none() {
            continue;
        }
        if !(told_2_4 || fatal_message.is_some() || cfg.syntax == Syntax::V2_4 && is_main_file(cfg))
        {
            continue;
        }
        if !is_main_file(cfg) && fatal_message.is_none() {
            continue;
        }
        let version = cfg
            .version
            .clone()
            .filter(|v| v.starts_with("2.4"))
            .unwrap_or_else(|| "2.4.1".to_owned());
        let first = cfg.first_setting();
        let cv = cfg.get("dovecot_config_version");
        let first_ok = first.is_some_and(|f| f.key == "dovecot_config_version");
        let conf = if cfg.syntax_guessed { 0.7 } else { 0.9 };
        if !first_ok {
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(match (cv, first) {
                    (Some(_), Some(fs)) => format!(
                        "`dovecot_config_version` is set, but `{}` comes before it; Dovecot 2.4 \
                         stops with \"The first setting must be dovecot_config_version\".",
                        fs.key
                    ),
                    _ => "This is a Dovecot 2.4 configuration without `dovecot_config_version`; \
                          2.4 refuses to start (\"The first setting must be \
                          dovecot_config_version\")."
                        .to_owned(),
                })
                .confidence(conf)
                .param("dovecot_config_version");
            if let Some(s) = cv {
                f = f.evidence(s.line_span, "version setting not first");
            }
            if let Some(fs) = first {
                f = f.evidence(fs.line_span, "first setting of the file");
            }
            if let Some(m) = fatal_message {
                f = f.evidence(m.span, "Dovecot's error");
            }
            if f.evidence.is_empty() {
                f = f.evidence(cfg.span, "configuration");
            }
            f = f.fix(
                "Make these the first lines of dovecot.conf (before any other setting or \
                 !include), with the version whose defaults you configured for.",
                Some(format!(
                    "dovecot_config_version = {version}\ndovecot_storage_version = {version}"
                )),
            );
            out.push(with_ref(f, doc::UPGRADE_24));
        }
        if cfg.get("dovecot_storage_version").is_none()
            && cfg.kind == Some(SegmentKind::DovecotConf)
            && (cv.is_some() || !first_ok)
        {
            let mut f = Finding::new(
                CHECK.id,
                CHECK.severity,
                "Dovecot 2.4 configuration without dovecot_storage_version",
            )
            .summary(
                "`dovecot_storage_version` is not set; Dovecot 2.4 requires it (the oldest \
                 version that must read the files this server writes) and does not start \
                 without it.",
            )
            .confidence(conf * 0.9)
            .param("dovecot_storage_version");
            f = match cv {
                Some(s) => f.evidence(s.line_span, "config version without storage version"),
                None => f.evidence(cfg.span, "configuration"),
            };
            f = f.fix(
                "Add it right after `dovecot_config_version`; on an upgraded server use the \
                 version you upgraded from if you may still roll back.",
                Some(format!("dovecot_storage_version = {version}")),
            );
            out.push(with_ref(f, doc::UPGRADE_24));
        }
    }
}
