use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::params::{self, DeprecatedKind, Deprecation, Version};
use crate::report::{Finding, Severity};
use crate::text::Span;

pub static CHECK: Check = Check {
    id: "postfix/deprecated_parameter",
    title: "Deprecated or removed Postfix parameter",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds `main.cf` parameters and master.cf `-o` settings that Postfix has deprecated, renamed or
removed, and names the replacement.

## Why is this bad?
Deprecated names still work for a while but log warnings (Postfix 3.9 and later warn about
`smtpd_use_tls`, `smtpd_enforce_tls` and friends); once removed they are ignored, so the
behaviour you configured (TLS on, a relay, a policy) silently disappears after an upgrade.
Old TLS switches also interact badly with their replacements when both are set.

## Example
```
smtpd_use_tls = yes
smtpd_enforce_tls = no
```

## Use instead
```
smtpd_tls_security_level = may
```

## References
- Postfix DEPRECATION_README: https://www.postfix.org/DEPRECATION_README.html
- postconf(5): https://www.postfix.org/postconf.5.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_use_tls = yes\n",
        "mail_version = 3.7.1\nvirtual_maps = hash:/etc/postfix/virtual\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_security_level = may\n",
        "mail_version = 3.9.1\nmyhostname = mx.example.net\nsmtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/private/mx.example.net.pem\nsmtp_tls_security_level = may\nvirtual_alias_maps = hash:/etc/postfix/virtual\n",
    ],
    run,
};

/// Severity by what the release does with it: removed → error; warned about → warning;
/// merely an old alias → info.
pub(crate) fn severity_for(d: &Deprecation, version: Option<Version>) -> Severity {
    if d.removed_by(version) {
        Severity::Error
    } else if d.warned_since.is_some() || d.removed_in.is_some() {
        Severity::Warning
    } else {
        Severity::Info
    }
}

/// "removed in 3.9" / "deprecated since 3.9" wording.
pub(crate) fn status_words(d: &Deprecation, version: Option<Version>) -> String {
    let now = version
        .map(|v| format!(" (this paste: Postfix {v})"))
        .unwrap_or_default();
    match (d.removed_in, d.warned_since) {
        (Some(r), _) if d.removed_by(version) => {
            format!("no longer works since Postfix {r}{now}")
        }
        (Some(r), Some(w)) => format!("deprecated since Postfix {w}, removed in {r}"),
        (Some(r), None) => format!("removed in Postfix {r}"),
        (None, Some(w)) => format!("deprecated since Postfix {w}"),
        (None, None) => "an obsolete name".to_owned(),
    }
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let version = super::paste_version(facts);
    let mut report = |name: &str, span: Span, value: &str, where_: &str| {
        let Some(d) = params::deprecated(name).filter(|d| d.kind == DeprecatedKind::Parameter)
        else {
            return;
        };
        let sev = severity_for(&d, version);
        let replacement = d.replacement;
        let plain_name = replacement
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
        let fix_text = if replacement.starts_with('(') {
            format!("Remove `{name}` {replacement}.")
        } else {
            format!("Replace `{name}` with `{replacement}` ({}).", d.note)
        };
        let snippet = plain_name.then(|| format!("{replacement} = …"));
        let mut f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(format!(
                "`{name} = {}` ({where_}) is {}; use {} instead. {}",
                crate::text::clip(value, 80),
                status_words(&d, version),
                if replacement.starts_with('(') {
                    "nothing".to_owned()
                } else {
                    format!("`{replacement}`")
                },
                d.note
            ))
            .param(name)
            .evidence(span, "deprecated parameter")
            .fix(fix_text, snippet)
            .reference(
                "Postfix DEPRECATION_README",
                Some("https://www.postfix.org/DEPRECATION_README.html"),
            );
        if plain_name {
            f = f.param(replacement);
        }
        out.push(f);
    };
    for cfg in &facts.postfix {
        let label = super::config_label(cfg);
        // `postconf` / `postconf -d` print every parameter, deprecated ones included; there a
        // name matters only when someone set it (its value differs from the default).
        let lists_all = cfg.kind == Some(crate::report::SegmentKind::PostconfFull);
        for p in cfg.params.iter().filter(|p| !p.overridden) {
            if lists_all
                && cfg
                    .default_value(&p.name)
                    .is_none_or(|d| d.trim() == p.value.text.trim())
            {
                continue;
            }
            report(&p.name, p.span, &p.value.text, label);
        }
    }
    for (svc, o) in super::master_overrides(facts) {
        report(
            &o.name,
            o.span,
            &o.value.text,
            &format!("master.cf service `{svc}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::SegmentKind;

    fn findings(text: &str, kind: SegmentKind) -> Vec<Finding> {
        let (cfg, _) = crate::postfix::parse_main_cf(text, 0, kind, &Default::default());
        let facts = Facts {
            postfix: vec![cfg],
            ..Default::default()
        };
        let mut out = Vec::new();
        run(&facts, &mut out);
        out
    }

    #[test]
    fn full_postconf_output_counts_a_deprecated_name_only_when_set_away_from_its_default() {
        let at_default = "mail_version = 3.8.4\nsmtpd_use_tls = no\n";
        assert!(findings(at_default, SegmentKind::PostconfFull).is_empty());
        let set = "mail_version = 3.8.4\nsmtpd_use_tls = yes\n";
        let f = findings(set, SegmentKind::PostconfFull);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].params[0], "smtpd_use_tls");
        // Written by hand in main.cf, even the default value is worth replacing.
        assert_eq!(findings(at_default, SegmentKind::MainCf).len(), 1);
    }
}
