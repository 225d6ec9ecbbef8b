use super::{hosted_domains, inet_interfaces_loopback, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/inet_interfaces_loopback_only",
    title: "Postfix listens only on loopback but hosts domains",
    severity: Severity::Warning,
    doc: r#"## What it does
Reports `inet_interfaces` limited to loopback (`loopback-only`, `localhost`, `127.0.0.1`,
`[::1]`) when the configuration receives mail for domains: explicit `virtual_alias_domains`,
`virtual_mailbox_domains` or `relay_domains`, or `mydestination` entries other than localhost and
the host's own name. A master.cf smtpd service bound to a non-loopback address is taken as a
deliberate exception.

## Why is this bad?
With loopback only, no other host can connect to port 25 (or 587): mail for the hosted domains
cannot arrive, senders time out (`Connection timed out`, status 4.4.1) and finally bounce. This
is the setting of a send-only "null client" (Debian's "Local only" choice), left in place when
the server became an MX.

## Example
```
inet_interfaces = loopback-only
virtual_mailbox_domains = example.org
```

## Use instead
```
inet_interfaces = all
```
(`postfix stop && postfix start`: a reload does not change listening addresses).

## References
- postconf(5) inet_interfaces: https://www.postfix.org/postconf.5.html#inet_interfaces
- STANDARD_CONFIGURATION_README (null client): https://www.postfix.org/STANDARD_CONFIGURATION_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\ninet_interfaces = loopback-only\nvirtual_mailbox_domains = example.org\n",
        "myhostname = mx.example.net\nmydomain = example.net\ninet_interfaces = 127.0.0.1, [::1]\nmydestination = $myhostname, localhost.$mydomain, localhost, $mydomain\n",
    ],
    pass: pastes![
        "myhostname = web1.example.net\ninet_interfaces = loopback-only\nmydestination =\nrelayhost = [smtp.example.net]:587\n",
        "myhostname = web1.example.net\nmydomain = example.net\ninet_interfaces = loopback-only\nmydestination = $myhostname, localhost.$mydomain, localhost\n",
        "myhostname = mx.example.net\ninet_interfaces = all\nvirtual_mailbox_domains = example.org\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    // A master.cf smtpd bound to an outside address listens there whatever inet_interfaces says.
    let bound_outside = super::smtpd_services(facts, None)
        .iter()
        .any(|s| s.service.is_some_and(|x| x.name.contains(':')) && !s.loopback_only());
    if bound_outside {
        return;
    }
    for cfg in &facts.postfix {
        if !inet_interfaces_loopback(cfg) {
            continue;
        }
        let hosted = hosted_domains(cfg);
        let Some((class, domain)) = hosted.first() else {
            continue;
        };
        let value = cfg.effective("inet_interfaces").unwrap_or_default();
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "`inet_interfaces = {value}` accepts connections only from this host, but the \
                 configuration receives mail for {} ({class}): mail from other servers cannot \
                 arrive and senders time out.",
                super::domain_words(domain)
            ))
            .confidence(0.8)
            .param("inet_interfaces")
            .param(*class)
            .side(Side::SenderServer);
        f = super::evidence_line(f, cfg, "inet_interfaces", "listens on loopback only");
        if let Some(s) = domain.span {
            f = f.evidence(s, "hosted domain");
        }
        f = f.fix(
            "Listen on all interfaces, then restart Postfix (`postfix stop; postfix start`).",
            Some("inet_interfaces = all".into()),
        );
        out.push(with_postconf(f, &["inet_interfaces"]));
    }
}
