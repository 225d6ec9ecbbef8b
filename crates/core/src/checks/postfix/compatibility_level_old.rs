use super::with_postconf;
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::{PostfixConfig, Version};
use crate::report::{Finding, Severity, Side};
use crate::tables::POSTFIX_COMPAT_DEFAULTS;

pub static CHECK: Check = Check {
    id: "postfix/compatibility_level_old",
    title: "compatibility_level keeps old, less safe defaults",
    severity: Severity::Warning,
    doc: r#"## What it does
Compares `compatibility_level` (unset means 0) with the highest level the Postfix release
supports, using the table of level-dependent defaults (`kb/data/postfix-compat-defaults.tsv`),
and lists the defaults that are still the backwards-compatible ones because the paste does not
set them. Below level 1 or 2 it is a warning; a level that is only behind the newest one
(3.6, 3.11) is information. Releases before 3.0 have no compatibility level and are skipped; when
the release is unknown only levels below 2 are reported; a short excerpt that leaves the level
out is not judged.

## Why is this bad?
To keep upgraded servers working, Postfix keeps old defaults while the level is low and logs
`using backwards-compatible default setting …` each time one of them changes a decision. Below
level 1 `smtpd_relay_restrictions` is empty (no relay safety net) and `append_dot_mydomain` is
on; below level 2 `mynetworks_style = subnet` trusts the whole local subnet and `relay_domains`
defaults to `$mydestination`; below 3.6 certificate fingerprints default to MD5.

## Example
```
mail_version = 3.7.11
compatibility_level = 2
```

## Use instead
Review the listed settings (set any old value you rely on explicitly), then raise the level:
```
compatibility_level = 3.6
```
`postconf compatibility_level=3.6 && postfix reload` does the same.

## References
- postconf(5) compatibility_level: https://www.postfix.org/postconf.5.html#compatibility_level
- COMPATIBILITY_README: https://www.postfix.org/COMPATIBILITY_README.html
"#,
    fail: pastes![
        "mail_version = 3.7.11\nmyhostname = mx.example.net\nmydomain = example.net\nmyorigin = $mydomain\nmydestination = $myhostname, localhost\ninet_interfaces = all\nmynetworks = 127.0.0.0/8 [::1]/128\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\nalias_maps = hash:/etc/aliases\n",
        "mail_version = 3.8.6\ncompatibility_level = 2\nmyhostname = mx.example.net\n",
        "myhostname = mx.example.net\ncompatibility_level = 1\n",
    ],
    pass: pastes![
        "mail_version = 3.7.11\ncompatibility_level = 3.6\nmyhostname = mx.example.net\n",
        "mail_version = 3.11.1\ncompatibility_level = 3.11\nmyhostname = mx.example.net\n",
        "mail_version = 2.11.3\nmyhostname = mx.example.net\n",
        "myhostname = mx.example.net\ncompatibility_level = 2\n",
    ],
    run,
};

fn same_series(a: Version, b: Version) -> bool {
    a.major() == b.major() && a.minor() == b.minor()
}

/// The highest level this release knows (`None` before 3.0).
fn current_level(version: Version) -> Option<Version> {
    if version < Version::new(3, 0, 0) {
        return None;
    }
    POSTFIX_COMPAT_DEFAULTS
        .iter()
        .filter_map(|r| Version::parse(r[1]))
        .filter(|l| *l <= version || same_series(*l, version))
        .max()
}

/// Level-dependent defaults still at their old value: (parameter, old value, level that changes it).
fn old_defaults(
    cfg: &PostfixConfig,
    target: Version,
) -> Vec<(&'static str, &'static str, Version)> {
    POSTFIX_COMPAT_DEFAULTS
        .iter()
        .filter_map(|r| Some((r[0], r[2], Version::parse(r[1])?)))
        .filter(|(name, _, lvl)| {
            cfg.compatibility_level < *lvl && *lvl <= target && !cfg.is_explicit(name)
        })
        .collect()
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let level = cfg.compatibility_level;
        // A short excerpt that leaves the level out says nothing about it.
        let excerpt = !cfg.is_explicit("compatibility_level")
            && cfg.kind != Some(crate::report::SegmentKind::PostconfFull)
            && cfg.params.len() < 8;
        if excerpt {
            continue;
        }
        let (target, known_release) = match cfg.version {
            Some(v) => match current_level(v) {
                Some(t) => (t, true),
                None => continue,
            },
            None => (Version::new(2, 0, 0), false),
        };
        if level >= target {
            continue;
        }
        let olds = old_defaults(cfg, target);
        let sev = if level < Version::new(2, 0, 0)
            && !olds.is_empty()
            && (cfg.is_explicit("compatibility_level") || known_release)
        {
            Severity::Warning
        } else {
            Severity::Info
        };
        let set = cfg.is_explicit("compatibility_level");
        let now = if set {
            format!("`compatibility_level = {level}`")
        } else {
            "`compatibility_level` is not set (level 0)".to_owned()
        };
        let release = match cfg.version {
            Some(v) if known_release => format!("Postfix {v} supports level {target}"),
            _ => format!("every Postfix 3.x release supports at least level {target}"),
        };
        let list = if olds.is_empty() {
            "every setting the newer level changes is set explicitly, so only the log warnings \
             remain"
                .to_owned()
        } else {
            let items: Vec<String> = olds
                .iter()
                .map(|(n, old, _)| {
                    let shown = if old.is_empty() { "(empty)" } else { old };
                    match n.strip_prefix("master.cf:") {
                        Some(col) => format!("master.cf {col} column `-` = {shown}"),
                        None => format!("{n} = {shown}"),
                    }
                })
                .collect();
            format!("still on old defaults: {}", items.join("; "))
        };
        let mut f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(format!(
                "{now}, while {release}; {list}. Postfix logs \"using backwards-compatible default \
                 setting\" when one of them decides."
            ))
            .confidence(if set || cfg.version_stated { 0.9 } else { 0.6 })
            .param("compatibility_level")
            .side(Side::SenderServer);
        for (n, _, _) in &olds {
            if !n.contains(':') {
                f = f.param(*n);
            }
        }
        f = match cfg
            .get("compatibility_level")
            .or_else(|| cfg.get("mail_version"))
        {
            Some(p) => f.evidence(p.span, "compatibility level in force"),
            None => match cfg.params.first() {
                Some(p) => f.evidence(p.span, "configuration without compatibility_level"),
                None => f,
            },
        };
        f = f.fix(
            format!(
                "Review the settings listed (set any old value you depend on explicitly), then \
                 raise the level to {target} and `postfix reload`."
            ),
            Some(format!("compatibility_level = {target}")),
        );
        out.push(with_postconf(f, &["compatibility_level"]).reference(
            "COMPATIBILITY_README",
            Some("https://www.postfix.org/COMPATIBILITY_README.html"),
        ));
    }
}
