use super::{is_yes, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/relayhost_mx_lookup",
    title: "relayhost without [brackets]: Postfix looks up MX records for the smart host",
    severity: Severity::Warning,
    doc: r#"## What it does
Reads `relayhost` and reports a host written without square brackets when it names a submission
smart host: a port 587 / 465 (or `submission` / `submissions`), or, as information only, a
name starting with `smtp.`. Addresses are not reported.

## Why is this bad?
For `relayhost = name` Postfix treats the name as a mail domain and looks up its MX records
first, delivering to whatever hosts they name; only without MX records does it use the host's
own address. A provider's submission host (`smtp.example.com:587`) is a host, not a mail
domain: when the domain has MX records the mail goes to the provider's inbound MX on port 587
(which usually refuses it or does not accept the login), and the lookup is wasted otherwise.
`[host]` turns the MX lookup off.

With port 465 the connection must also start with TLS: `smtp_tls_wrappermode = yes` and
`smtp_tls_security_level = encrypt`.

## Example
```
relayhost = smtp.example.com:587
```

## Use instead
```
relayhost = [smtp.example.com]:587
```

## References
- postconf(5) relayhost: https://www.postfix.org/postconf.5.html#relayhost
- postconf(5) smtp_tls_wrappermode: https://www.postfix.org/postconf.5.html#smtp_tls_wrappermode
- SASL_README, client side: https://www.postfix.org/SASL_README.html#client_sasl
"#,
    fail: pastes![
        "myhostname = web1.example.net\nrelayhost = smtp.example.com:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtp_tls_security_level = encrypt\n",
        "myhostname = web1.example.net\nrelayhost = smtp.example.com\n",
    ],
    pass: pastes![
        "myhostname = web1.example.net\nrelayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtp_tls_security_level = encrypt\n",
        "myhostname = web1.example.net\nrelayhost = example.com\n",
        "myhostname = web1.example.net\nrelayhost = 192.0.2.25\n",
        "myhostname = mx.example.net\nrelayhost =\n",
    ],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let Some(p) = cfg.get("relayhost") else {
            continue;
        };
        let value = cfg.expand(&p.value.text);
        for (_, _, item) in crate::postfix::value::split_list(&value) {
            if item.starts_with('[') || item.contains('$') {
                continue;
            }
            let (host, port) = match item.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                _ => (item.as_str(), None),
            };
            if host.is_empty() || crate::postfix::network::parse_ip(host).is_some() {
                continue;
            }
            let port_no = match port {
                Some("submission") => Some(587),
                Some("submissions") | Some("smtps") => Some(465),
                Some(p) => p.parse::<u16>().ok(),
                None => None,
            };
            let submission_port = matches!(port_no, Some(587) | Some(465));
            let smtp_name = host.to_ascii_lowercase().starts_with("smtp.");
            if !submission_port && !smtp_name {
                continue;
            }
            let (sev, conf) = if submission_port {
                (CHECK.severity, 0.75)
            } else {
                (Severity::Info, 0.5)
            };
            let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
            let bracketed = format!("[{host}]{port_text}");
            let mut snippet = format!("relayhost = {bracketed}");
            let mut extra = String::new();
            if port_no == Some(465) {
                if !is_yes(cfg.effective("smtp_tls_wrappermode").as_deref()) {
                    snippet.push_str("\nsmtp_tls_wrappermode = yes");
                    extra.push_str(
                        " Port 465 also needs smtp_tls_wrappermode = yes (TLS from the first \
                         byte), which is not set.",
                    );
                }
                if cfg.effective("smtp_tls_security_level").is_none_or(|l| {
                    l.trim() != "encrypt" && !l.trim().starts_with("secure") && l.trim() != "verify"
                }) {
                    snippet.push_str("\nsmtp_tls_security_level = encrypt");
                }
            }
            let f = Finding::new(CHECK.id, sev, CHECK.title)
                .summary(format!(
                    "`relayhost = {item}` names a {} without brackets, so Postfix first looks up \
                     MX records for {host} and delivers to the hosts they name; write \
                     `{bracketed}` to connect to that host itself.{extra}",
                    if submission_port {
                        "submission smart host"
                    } else {
                        "smart host"
                    }
                ))
                .confidence(conf)
                .param("relayhost")
                .side(Side::SenderServer)
                .evidence(p.span, "relay host")
                .fix(
                    "Put the host name in square brackets, then `postfix reload`.",
                    Some(snippet),
                );
            out.push(with_postconf(f, &["relayhost"]));
        }
    }
}
