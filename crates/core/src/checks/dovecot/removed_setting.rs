use super::{doc, doc_for, with_ref};
use crate::checks::Check;
use crate::dovecot::{DovecotConfig, Setting, Syntax};
use crate::facts::Facts;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "dovecot/removed_setting",
    title: "Setting removed in this Dovecot version",
    severity: Severity::Error,
    doc: r#"## What it does
Finds settings that the Dovecot version of the paste no longer has: the 2.2 TLS settings
dropped in 2.3 (`ssl_protocols`, `ssl_dh_parameters_length`, `ssl_parameters_regenerate`),
settings 2.4 removed without a successor (director, replication, old-stats, `imap_id_log`, …),
settings removed within the 2.4 series, and names dropped even earlier.

## Why is this bad?
Dovecot refuses to start on a name it does not know, so one leftover line takes IMAP, POP3 and
LMTP down after an upgrade. Dovecot 2.3 still reads the three 2.2 TLS names but warns that they
are obsolete at every start (2.4 rejects them); and it no longer creates DH parameters itself:
`ssl_dh_parameters_length` does nothing, it needs an `ssl_dh` file.

## Example
```
ssl_protocols = !SSLv3
ssl_dh_parameters_length = 2048
```

## Use instead
```
ssl_min_protocol = TLSv1.2
ssl_dh = </etc/dovecot/dh.pem
```
(create the file once with `openssl dhparam -out /etc/dovecot/dh.pem 4096`).

## References
- Upgrading Dovecot v2.2 to v2.3: https://doc.dovecot.org/2.3/installation_guide/upgrading/from-2.2-to-2.3/
- Upgrading Dovecot CE from 2.3 to 2.4: https://doc.dovecot.org/latest/installation/upgrade/2.3-to-2.4.html
"#,
    fail: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_dh_parameters_length = 2048\nssl_key = </etc/ssl/private/imap.example.org.key\nssl_protocols = !SSLv3\n",
        "dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nimap_id_log = *\nmail_driver = maildir\nmail_path = ~/Maildir\n",
    ],
    pass: pastes![
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\nssl_cert = </etc/ssl/certs/imap.example.org.pem\nssl_dh = </etc/dovecot/dh.pem\nssl_key = </etc/ssl/private/imap.example.org.key\nssl_min_protocol = TLSv1.2\n",
        "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nimap_id_log = *\nmail_location = maildir:~/Maildir\n",
    ],
    run,
};

/// Settings Dovecot 2.3.0 dropped (the settings table covers 2.3 and 2.4 only):
/// (name, replacement, what to do).
pub(crate) const REMOVED_IN_2_3: &[(&str, &str, &str)] = &[
    (
        "ssl_protocols",
        "ssl_min_protocol = TLSv1.2",
        "replaced by `ssl_min_protocol`, the lowest protocol version allowed",
    ),
    (
        "ssl_dh_parameters_length",
        "ssl_dh = </etc/dovecot/dh.pem",
        "Dovecot no longer generates DH parameters; give a file made with `openssl dhparam` in \
         `ssl_dh`",
    ),
    (
        "ssl_parameters_regenerate",
        "",
        "Dovecot no longer generates or regenerates DH parameters",
    ),
];

/// `2.3.19.1` → (2, 3, 19).
fn version_triple(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.trim().split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
    });
    let a = it.next()?.ok()?;
    let b = it.next()?.ok()?;
    let c = it.next().and_then(Result::ok).unwrap_or(0);
    Some((a, b, c))
}

/// The version is known to be 2.3 or later.
fn at_least_2_3(cfg: &DovecotConfig) -> bool {
    cfg.syntax == Syntax::V2_4
        || cfg
            .version
            .as_deref()
            .and_then(version_triple)
            .is_some_and(|v| (v.0, v.1) >= (2, 3))
}

/// `removed in 2.4.3` in a table note → (2, 4, 3).
fn removed_in_note(note: &str) -> Option<(u32, u32, u32)> {
    let (_, rest) = note.split_once("removed in ")?;
    version_triple(rest.split_whitespace().next()?)
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.dovecot {
        let version = cfg.version.as_deref().and_then(version_triple);
        // `warned`: Dovecot 2.3 still reads the 2.2 TLS names, with an "obsolete setting"
        // warning at every start; every other removal stops Dovecot ("Unknown setting").
        let mut report_as =
            |warned: bool, s: &Setting, shown: &str, why: String, snippet: Option<String>| {
                let (sev, summary) = if warned {
                    (
                        Severity::Warning,
                        format!(
                            "`{shown}` is obsolete in {}: {why}. Dovecot logs an \"obsolete \
                         setting\" warning at every start, and 2.4 no longer accepts it.",
                            super::version_words(cfg)
                        ),
                    )
                } else {
                    (
                        CHECK.severity,
                        format!(
                            "`{shown}` no longer exists in {}: {why}. Dovecot refuses to start \
                         while it is set.",
                            super::version_words(cfg)
                        ),
                    )
                };
                let mut f = Finding::new(CHECK.id, sev, CHECK.title)
                    .summary(summary)
                    .confidence(super::confidence(cfg, 0.9))
                    .param(s.key.as_str())
                    .evidence(s.line_span, "removed setting");
                match snippet {
                    Some(sn) => {
                        if let Some(name) = sn.split(" = ").next() {
                            f = f.param(name);
                        }
                        f = f.fix(
                            format!("Remove `{}` and use its successor.", s.key),
                            Some(sn),
                        );
                    }
                    None => {
                        f = f.fix(
                            format!("Remove (or comment out) the `{}` line.", s.key),
                            Some(super::commented_out(s)),
                        );
                    }
                }
                out.push(with_ref(f, doc_for(cfg, doc::UPGRADE_23, doc::UPGRADE_24)));
            };
        for (_, s) in super::global_settings(cfg) {
            if let Some((_, repl, why)) = REMOVED_IN_2_3.iter().find(|r| r.0 == s.key) {
                if at_least_2_3(cfg) {
                    let why = if cfg.syntax == Syntax::V2_4 {
                        format!("{why} (removed in 2.3)")
                    } else {
                        (*why).to_owned()
                    };
                    report_as(
                        cfg.syntax == Syntax::V2_3,
                        s,
                        &s.key,
                        why,
                        (!repl.is_empty()).then(|| (*repl).to_owned()),
                    );
                }
                continue;
            }
            let Some(info) = super::table_row(&s.key) else {
                continue;
            };
            if !info.in_2_3 && !info.in_2_4 {
                let why = info.note.unwrap_or("dropped before 2.3").to_owned();
                let snippet = info.renamed_to_2_4.map(|r| format!("{r} = …"));
                report_as(false, s, &s.key, why, snippet);
            } else if cfg.syntax == Syntax::V2_4 {
                if info.in_2_3 && !info.in_2_4 && info.renamed_to_2_4.is_none() {
                    let why = info.note.unwrap_or("removed in 2.4").to_owned();
                    report_as(false, s, &s.key, why, None);
                } else if info.in_2_4 {
                    let gone = info.note.and_then(removed_in_note);
                    if let (Some(r), Some(v)) = (gone, version) {
                        if v >= r {
                            let why = info.note.unwrap_or_default().to_owned();
                            report_as(false, s, &s.key, why, None);
                        }
                    }
                }
            }
        }
        if cfg.syntax == Syntax::V2_4 {
            for (sec, s, scoped) in super::setting_renamed_in_2_4::scoped_settings(&cfg.root) {
                let Some(info) = crate::dovecot::setting_info(&scoped) else {
                    continue;
                };
                if info.in_2_3 && !info.in_2_4 && info.renamed_to_2_4.is_none() {
                    let why = info.note.unwrap_or("removed in 2.4").to_owned();
                    report_as(
                        false,
                        s,
                        &format!("{}` in `{}", s.key, sec.title()),
                        why,
                        None,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_and_notes_are_read() {
        assert_eq!(super::version_triple("2.3.19.1"), Some((2, 3, 19)));
        assert_eq!(super::version_triple("2.4"), Some((2, 4, 0)));
        assert_eq!(super::removed_in_note("removed in 2.4.5"), Some((2, 4, 5)));
        assert_eq!(super::removed_in_note("renamed"), None);
    }
}
