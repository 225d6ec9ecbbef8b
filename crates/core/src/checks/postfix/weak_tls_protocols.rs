use super::{master_overrides, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::Version;
use crate::report::{Finding, Severity, Side};
use crate::text::Span;

pub static CHECK: Check = Check {
    id: "postfix/weak_tls_protocols",
    title: "TLS protocol settings allow SSL or TLS 1.0/1.1",
    severity: Severity::Warning,
    doc: r#"## What it does
Reads the `smtpd_`, `smtp_` and `lmtp_` `tls_protocols` / `tls_mandatory_protocols` settings
written in main.cf or as master.cf `-o` overrides, in both syntaxes (`!SSLv2, !SSLv3` exclusion
lists, inclusion lists, and the 3.6+ `>=TLSv1.2` / `<=TLSv1.3` bounds), and reports which of
SSLv2, SSLv3, TLSv1 and TLSv1.1 they still allow. Defaults are not reported.

## Why is this bad?
SSLv2 and SSLv3 are broken and must not be offered at all. TLS 1.0 and 1.1 are deprecated
(RFC 8996): where TLS is mandatory (`*_mandatory_protocols`, used with the `encrypt` level and
on submission ports) they should be off. For opportunistic TLS on port 25
(`smtpd_tls_protocols`, `smtp_tls_protocols`) allowing them is tolerable — a peer that only
speaks TLS 1.0 would otherwise fall back to plain text — so that case is only information.

## Example
```
smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3
```

## Use instead
```
smtpd_tls_mandatory_protocols = >=TLSv1.2
```
(before Postfix 3.6: `!SSLv2, !SSLv3, !TLSv1, !TLSv1.1`).

## References
- postconf(5) smtpd_tls_mandatory_protocols: https://www.postfix.org/postconf.5.html#smtpd_tls_mandatory_protocols
- postconf(5) smtpd_tls_protocols: https://www.postfix.org/postconf.5.html#smtpd_tls_protocols
- RFC 8996 (deprecating TLS 1.0 and 1.1): https://www.rfc-editor.org/rfc/rfc8996
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_mandatory_protocols = !SSLv2, !SSLv3\n",
        "myhostname = mx.example.net\nsmtp_tls_protocols = !SSLv2\n",
        "myhostname = mx.example.net\nsmtpd_tls_mandatory_protocols = >=TLSv1\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\nsmtp_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\nsmtpd_tls_protocols = TLSv1.2 TLSv1.3\n",
        "myhostname = mx.example.net\nsmtpd_tls_security_level = may\n",
    ],
    run,
};

const PARAMS: &[&str] = &[
    "smtpd_tls_protocols",
    "smtpd_tls_mandatory_protocols",
    "smtp_tls_protocols",
    "smtp_tls_mandatory_protocols",
    "lmtp_tls_protocols",
    "lmtp_tls_mandatory_protocols",
];

const PROTOCOLS: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

fn index(name: &str) -> Option<usize> {
    PROTOCOLS
        .iter()
        .position(|p| p.eq_ignore_ascii_case(name.trim()))
}

/// The weak protocols a protocols value allows.
pub(crate) fn weak_allowed(value: &str) -> Vec<&'static str> {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    let (mut min, mut max) = (0usize, PROTOCOLS.len() - 1);
    for (_, _, item) in crate::postfix::value::split_list(value) {
        if let Some(r) = item.strip_prefix(">=") {
            if let Some(i) = index(r) {
                min = min.max(i);
            }
        } else if let Some(r) = item.strip_prefix("<=") {
            if let Some(i) = index(r) {
                max = max.min(i);
            }
        } else if let Some(r) = item.strip_prefix('!') {
            if let Some(i) = index(r) {
                exclude.push(i);
            }
        } else if let Some(i) = index(&item) {
            include.push(i);
        }
    }
    (0..4)
        .filter(|i| include.is_empty() || include.contains(i))
        .filter(|i| !exclude.contains(i) && *i >= min && *i <= max)
        .map(|i| PROTOCOLS[i])
        .collect()
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let version = super::paste_version(facts);
    let modern = version.is_none_or(|v| v >= Version::new(3, 6, 0));
    let mut check = |name: &str, value: &str, span: Span, where_: &str| {
        if !PARAMS.contains(&name) {
            return;
        }
        let weak = weak_allowed(value);
        if weak.is_empty() {
            return;
        }
        let ssl = weak.iter().any(|p| p.starts_with("SSL"));
        let mandatory = name.contains("mandatory");
        let sev = if ssl || mandatory {
            CHECK.severity
        } else {
            Severity::Info
        };
        let context = if mandatory {
            "where TLS is mandatory, only TLS 1.2 and 1.3 should be accepted"
        } else if ssl {
            "SSL must never be offered, even for opportunistic TLS"
        } else {
            "for opportunistic TLS this is tolerable (the alternative is plain text), but TLS 1.0/1.1 are deprecated"
        };
        let fixed = if !mandatory && !ssl {
            if modern {
                ">=TLSv1"
            } else {
                "!SSLv2, !SSLv3"
            }
        } else if modern {
            ">=TLSv1.2"
        } else {
            "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1"
        };
        let f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(format!(
                "`{name} = {value}` ({where_}) still allows {}{}; {context}.",
                weak.join(", "),
                if value.trim().is_empty() || weak.contains(&"SSLv2") {
                    " (as far as the OpenSSL library still has them)"
                } else {
                    ""
                }
            ))
            .confidence(0.85)
            .param(name)
            .side(Side::SenderServer)
            .evidence(span, "protocol setting")
            .fix(
                format!("Restrict `{name}`, then `postfix reload`."),
                Some(if mandatory || ssl {
                    format!("{name} = {fixed}")
                } else {
                    format!("{name} = {fixed}\n# stricter, when every peer you need supports it:\n# {name} = >=TLSv1.2")
                }),
            );
        out.push(with_postconf(f, &[name]));
    };
    for cfg in &facts.postfix {
        // Full `postconf` output lists the defaults too; of those only SSL is worth a word.
        let full = cfg.kind == Some(crate::report::SegmentKind::PostconfFull);
        for p in cfg.params.iter().filter(|p| !p.overridden) {
            let v = cfg.expand(&p.value.text);
            if full && !weak_allowed(&v).iter().any(|w| w.starts_with("SSL")) {
                continue;
            }
            check(&p.name, &v, p.span, super::config_label(cfg));
        }
    }
    for (svc, o) in master_overrides(facts) {
        check(
            &o.name,
            &o.value.text,
            o.span,
            &format!("master.cf service `{svc}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::weak_allowed;

    #[test]
    fn both_syntaxes() {
        assert_eq!(weak_allowed("!SSLv2, !SSLv3"), ["TLSv1", "TLSv1.1"]);
        assert_eq!(weak_allowed(">=TLSv1.2"), Vec::<&str>::new());
        assert_eq!(weak_allowed(">=TLSv1"), ["TLSv1", "TLSv1.1"]);
        assert_eq!(weak_allowed("TLSv1.2 TLSv1.3"), Vec::<&str>::new());
        assert_eq!(
            weak_allowed("!SSLv2 !SSLv3 !TLSv1 !TLSv1.1"),
            Vec::<&str>::new()
        );
        assert_eq!(weak_allowed("!SSLv2"), ["SSLv3", "TLSv1", "TLSv1.1"]);
        assert_eq!(weak_allowed("SSLv3, TLSv1"), ["SSLv3", "TLSv1"]);
        assert_eq!(
            weak_allowed("<=TLSv1.1"),
            ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"]
        );
    }
}
