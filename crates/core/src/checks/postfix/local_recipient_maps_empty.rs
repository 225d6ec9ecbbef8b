use super::{domain_names, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/local_recipient_maps_empty",
    title: "local_recipient_maps is empty: unknown local users are accepted, then bounced",
    severity: Severity::Warning,
    doc: r#"## What it does
Reports `local_recipient_maps` set explicitly to nothing while `mydestination` lists local
domains that local(8) delivers, unless `luser_relay` sends unknown users somewhere on purpose.

## Why is this bad?
With an empty `local_recipient_maps` smtpd no longer knows which local users exist and accepts
mail for any name in those domains. local(8) then finds no such user and sends a bounce to the
sender — which for spam is a forged address: your server sends backscatter to innocent people
and ends up on block lists, and the queue fills with undeliverable bounces. The default
(`proxy:unix:passwd.byname $alias_maps`) rejects unknown users during the SMTP session instead.

## Example
```
local_recipient_maps =
mydestination = $myhostname, localhost, example.net
```

## Use instead
Remove the line (the default applies), or list the valid users explicitly:
```
local_recipient_maps = proxy:unix:passwd.byname $alias_maps
```

## References
- postconf(5) local_recipient_maps: https://www.postfix.org/postconf.5.html#local_recipient_maps
- LOCAL_RECIPIENT_README: https://www.postfix.org/LOCAL_RECIPIENT_README.html
- BACKSCATTER_README: https://www.postfix.org/BACKSCATTER_README.html
"#,
    fail: pastes!["myhostname = mx.example.net\nlocal_recipient_maps =\nmydestination = $myhostname, localhost, example.net\n"],
    pass: pastes![
        "myhostname = mx.example.net\nmydestination = $myhostname, localhost, example.net\n",
        "myhostname = mx.example.net\nlocal_recipient_maps =\nmydestination =\n",
        "myhostname = mx.example.net\nlocal_recipient_maps =\nluser_relay = catchall@example.net\nmydestination = $myhostname, localhost, example.net\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let Some(p) = cfg.get("local_recipient_maps") else {
            continue;
        };
        if !cfg.expand(&p.value.text).trim().is_empty() {
            continue;
        }
        let local_delivery = cfg
            .effective("local_transport")
            .is_some_and(|t| t.trim().starts_with("local"));
        let domains = domain_names(cfg, "mydestination");
        let listed = !domains.is_empty()
            || cfg
                .effective("mydestination")
                .is_some_and(|v| !v.trim().is_empty());
        if !local_delivery || !listed {
            continue;
        }
        if cfg
            .effective("luser_relay")
            .is_some_and(|v| !v.trim().is_empty())
        {
            continue;
        }
        let shown: Vec<&str> = domains.iter().map(|d| d.text.as_str()).take(4).collect();
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "`local_recipient_maps` is set to nothing, so smtpd accepts mail for any user in \
                 the local domains{}; local(8) bounces what it cannot deliver, mostly to forged \
                 senders (backscatter).",
                if shown.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", shown.join(", "))
                }
            ))
            .confidence(0.85)
            .param("local_recipient_maps")
            .param("mydestination")
            .side(Side::SenderServer)
            .evidence(p.span, "recipient check switched off");
        f = super::evidence_line(f, cfg, "mydestination", "local domains");
        f = f.fix(
            "Delete the `local_recipient_maps =` line so the default applies (or list the valid \
             users), then `postfix reload`.",
            Some("local_recipient_maps = proxy:unix:passwd.byname $alias_maps".into()),
        );
        out.push(with_postconf(f, &["local_recipient_maps"]));
    }
}
