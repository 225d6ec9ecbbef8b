use super::{is_yes, with_postconf};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::PostfixConfig;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/smtp_sasl_without_tls",
    title: "Outgoing SASL login without guaranteed TLS, or without credentials",
    severity: Severity::Warning,
    doc: r#"## What it does
When the Postfix SMTP client logs in to a relay (`smtp_sasl_auth_enable = yes`), checks two
things:

- that `smtp_sasl_password_maps` is set — without it the client has no password to send;
- that the password cannot go out unencrypted: TLS is not mandatory
  (`smtp_tls_security_level` is `none`, `may` or unset, no `smtp_tls_policy_maps`, no wrapper
  mode) **and** `smtp_sasl_security_options` no longer holds `noplaintext`, so PLAIN/LOGIN
  may be used on a plain-text connection.

## Why is this bad?
With opportunistic TLS, a relay that does not offer STARTTLS — or an attacker who strips it
from the EHLO reply — gets a plain-text session, and with `noplaintext` removed Postfix sends
the password in base64, readable by anyone on the path. Without password maps, the relay answers
`530 5.7.0 Authentication required` and mail stays in the queue.

## Example
```
relayhost = [smtp.example.com]:587
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
smtp_sasl_security_options = noanonymous
smtp_tls_security_level = may
```

## Use instead
```
smtp_tls_security_level = encrypt
```
(for port 465 also `smtp_tls_wrappermode = yes`).

## References
- postconf(5) smtp_sasl_security_options: https://www.postfix.org/postconf.5.html#smtp_sasl_security_options
- postconf(5) smtp_tls_security_level: https://www.postfix.org/postconf.5.html#smtp_tls_security_level
- postconf(5) smtp_sasl_password_maps: https://www.postfix.org/postconf.5.html#smtp_sasl_password_maps
- SASL_README, client side: https://www.postfix.org/SASL_README.html#client_sasl
"#,
    fail: pastes![
        "myhostname = web1.example.net\nrelayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = may\n",
        "myhostname = web1.example.net\nrelayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_tls_security_level = encrypt\n",
    ],
    pass: pastes![
        "myhostname = web1.example.net\nrelayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = encrypt\n",
        "myhostname = web1.example.net\nrelayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtp_tls_security_level = may\n",
        "myhostname = web1.example.net\nrelayhost = [smtp.example.com]:465\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\nsmtp_sasl_security_options = noanonymous\nsmtp_tls_wrappermode = yes\nsmtp_tls_security_level = encrypt\n",
    ],
    run,
};

/// The client's TLS level as Postfix reads it (old `smtp_use_tls` / `smtp_enforce_tls` when the
/// level is empty).
fn client_level(cfg: &PostfixConfig) -> String {
    let level = cfg
        .effective("smtp_tls_security_level")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !level.is_empty() {
        return level;
    }
    if is_yes(cfg.effective("smtp_enforce_tls").as_deref()) {
        "encrypt".into()
    } else if is_yes(cfg.effective("smtp_use_tls").as_deref()) {
        "may".into()
    } else {
        "none".into()
    }
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        if !is_yes(cfg.effective("smtp_sasl_auth_enable").as_deref()) {
            continue;
        }
        if cfg
            .effective("smtp_sasl_password_maps")
            .is_some_and(|v| v.trim().is_empty())
        {
            let mut f = Finding::new(
                CHECK.id,
                Severity::Error,
                "SMTP client login enabled without credentials",
            )
            .summary(
                "smtp_sasl_auth_enable = yes but smtp_sasl_password_maps is empty: the \
                     Postfix SMTP client has no user name and password to send, so the relay \
                     refuses the mail (\"530 5.7.0 Authentication required\") and it stays in \
                     the queue.",
            )
            .confidence(0.85)
            .param("smtp_sasl_password_maps")
            .param("smtp_sasl_auth_enable")
            .side(Side::SenderServer);
            f = super::evidence_line(f, cfg, "smtp_sasl_auth_enable", "client login enabled");
            f = super::evidence_line(f, cfg, "smtp_sasl_password_maps", "no credentials");
            f = f.fix(
                "Point smtp_sasl_password_maps at a table with `[smtp.example.com]:587 \
                 user:password`, run `postmap` on it, then `postfix reload`.",
                Some("smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd".into()),
            );
            out.push(with_postconf(f, &["smtp_sasl_password_maps"]));
        }
        let level = client_level(cfg);
        let mandatory = matches!(
            level.as_str(),
            "encrypt" | "verify" | "secure" | "fingerprint" | "dane-only"
        );
        let policy = cfg
            .effective("smtp_tls_policy_maps")
            .is_some_and(|v| !v.trim().is_empty());
        let wrapper = is_yes(cfg.effective("smtp_tls_wrappermode").as_deref());
        if mandatory || policy || wrapper {
            continue;
        }
        let options = cfg
            .effective("smtp_sasl_security_options")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if crate::postfix::value::split_list(&options)
            .iter()
            .any(|(_, _, o)| o == "noplaintext")
        {
            continue;
        }
        let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
            .summary(format!(
                "The SMTP client logs in to its relay, `smtp_sasl_security_options = {}` allows \
                 plain-text mechanisms (no `noplaintext`), and TLS is not mandatory \
                 (smtp_tls_security_level = {level}): if the relay does not offer STARTTLS, or \
                 someone strips it, the password is sent readable.",
                options.trim()
            ))
            .confidence(0.8)
            .param("smtp_tls_security_level")
            .param("smtp_sasl_security_options")
            .side(Side::SenderServer);
        for n in [
            "smtp_sasl_auth_enable",
            "smtp_sasl_security_options",
            "smtp_tls_security_level",
            "smtp_use_tls",
        ] {
            f = super::evidence_line(f, cfg, n, n);
        }
        f = f.fix(
            "Make TLS mandatory for the relay (or per destination in smtp_tls_policy_maps), \
             then `postfix reload`.",
            Some("smtp_tls_security_level = encrypt".into()),
        );
        out.push(with_postconf(
            f,
            &["smtp_tls_security_level", "smtp_sasl_security_options"],
        ));
    }
}
