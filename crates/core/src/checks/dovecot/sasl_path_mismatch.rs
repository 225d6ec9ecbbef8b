use super::{doc, with_ref, AuthSocketKind, Endpoint, PostfixValue};
use crate::checks::Check;
use crate::dovecot::DovecotConfig;
use crate::facts::Facts;
use crate::report::{Finding, Severity};
use crate::text::Span;

pub static CHECK: Check = Check {
    id: "dovecot/sasl_path_mismatch",
    title: "Postfix looks for Dovecot's auth socket where there is none",
    severity: Severity::Error,
    doc: r#"## What it does
Compares Postfix's `smtpd_sasl_path` (for `smtpd_sasl_type = dovecot`, in `main.cf` or a
master.cf `-o` override) with the sockets Dovecot's `service auth` creates. A relative Postfix
path is under Postfix's `queue_directory` (`private/auth` is
`/var/spool/postfix/private/auth`); a relative Dovecot name is under Dovecot's `base_dir`.
It also finds Postfix left on `smtpd_sasl_type = cyrus` (the default) while Dovecot provides a
socket for it.

## Why is this bad?
When the paths differ Postfix connects to nothing: it logs `SASL: Connect to private/auth
failed: No such file or directory`, offers no `AUTH` (or stops with `fatal: no SASL
authentication mechanisms`), and mail clients cannot send. With the Cyrus type Postfix never
asks Dovecot at all.

## Example
```
# main.cf
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/dovecot-auth
# dovecot
service auth {
  unix_listener /var/spool/postfix/private/auth { … }
}
```

## Use instead
Use the same socket on both sides:
```
smtpd_sasl_path = private/auth
```

## References
- Postfix SASL_README, Dovecot SASL: https://www.postfix.org/SASL_README.html#server_dovecot
- Postfix and Dovecot SASL: https://doc.dovecot.org/2.3/configuration_manual/howto/postfix_and_dovecot_sasl/
"#,
    fail: pastes![
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\ninet_interfaces = all\nmyhostname = mail.example.com\nmynetworks = 127.0.0.0/8\nsmtpd_tls_security_level = may\n\nmaster.cf\n\nsmtp      inet  n       -       y       -       -       smtpd\nsubmission inet n       -       y       -       -       smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_sasl_type=dovecot\n  -o smtpd_sasl_path=private/auth-client\n\ndoveconf -n\n\n# 2.3.21 (47349e2482): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = private/dovecot-auth\nsmtpd_sasl_type = dovecot\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_tls_security_level = may\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
    ],
    pass: pastes![
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = /run/dovecot/auth-client\nsmtpd_sasl_type = dovecot\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nuserdb {\n  driver = passwd\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = private/auth\nsmtpd_sasl_type = dovecot\n\ndoveconf -n\n# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0-18-amd64 x86_64 Debian 12.5 ext4\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\npassdb {\n  driver = pam\n}\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nuserdb {\n  driver = passwd\n}\n",
        "postconf -n\nbiff = no\ncompatibility_level = 3.6\nmyhostname = mail.example.org\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = inet:127.0.0.1:12345\nsmtpd_sasl_type = dovecot\n\ndoveconf -n\n# 2.4.1 (7a6d3e3d11): /etc/dovecot/dovecot.conf\ndovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\nservice auth {\n  inet_listener sasl {\n    listen = 127.0.0.1\n    port = 12345\n  }\n}\n",
    ],
    run,
};

/// Whether a Dovecot configuration says anything about its auth listeners.
fn knows_auth_listeners(cfg: &DovecotConfig) -> bool {
    super::is_complete(cfg) || cfg.service("auth").is_some()
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    let Some((pf, dc)) = super::config_pair(facts) else {
        return;
    };
    if !knows_auth_listeners(dc) {
        return;
    }
    let dovecots = [dc];
    let mut reported: Vec<(String, Option<Span>)> = Vec::new();
    {
        for ctx in super::smtpd_contexts(facts) {
            let enabled = super::postfix_value(pf, ctx, "smtpd_sasl_auth_enable")
                .is_some_and(|v| v.value.trim().eq_ignore_ascii_case("yes"));
            if !enabled {
                continue;
            }
            let Some(kind) = super::postfix_value(pf, ctx, "smtpd_sasl_type") else {
                continue;
            };
            let path = super::postfix_value(pf, ctx, "smtpd_sasl_path");
            let key = (kind.value.clone(), kind.span);
            match kind.value.trim() {
                "dovecot" => {
                    let Some(path) = path else { continue };
                    let Some(t) = super::postfix_endpoint(pf, &path.value, true) else {
                        continue;
                    };
                    // Another machine's Dovecot need not be the one pasted.
                    if t.is_remote() {
                        continue;
                    }
                    if dovecots
                        .iter()
                        .any(|c| super::service_serves(c, "auth", &t))
                    {
                        continue;
                    }
                    let k = (path.value.clone(), path.span);
                    if reported.contains(&k) {
                        continue;
                    }
                    reported.push(k);
                    out.push(mismatch(pf, &kind, &path, &t, dovecots[0]));
                }
                "cyrus" => {
                    if reported.contains(&key) {
                        continue;
                    }
                    // Only when Dovecot clearly offers Postfix a socket.
                    let queue = super::queue_directory(pf);
                    let offered = dovecots.iter().find_map(|c| {
                        c.services()
                            .into_iter()
                            .filter(|s| s.name == "auth")
                            .flat_map(|s| s.unix_listeners())
                            .find(|l| {
                                super::auth_socket_kind(l) == AuthSocketKind::Client
                                    && super::socket_path(c, l).starts_with(&format!("{queue}/"))
                            })
                            .map(|l| (*c, l))
                    });
                    let Some((cfg, l)) = offered else { continue };
                    reported.push(key);
                    let rel = super::socket_path(cfg, &l)
                        .strip_prefix(&format!("{queue}/"))
                        .unwrap_or("private/auth")
                        .to_owned();
                    let mut f = Finding::new(
                        CHECK.id,
                        CHECK.severity,
                        "Postfix uses Cyrus SASL while Dovecot waits for it",
                    )
                    .summary(format!(
                        "SMTP AUTH is on with `smtpd_sasl_type = cyrus` ({}), but Dovecot \
                         provides `{}` for Postfix. Postfix never asks Dovecot: without a working \
                         Cyrus setup it logs `no SASL authentication mechanisms` and clients \
                         cannot log in.",
                        kind.origin, l.name
                    ))
                    .confidence(0.8)
                    .param("smtpd_sasl_type")
                    .param("smtpd_sasl_path");
                    if let Some(s) = kind.span {
                        f = f.evidence(s, "Postfix SASL type");
                    }
                    f = f
                        .evidence(l.section.header_span, "Dovecot socket meant for Postfix")
                        .fix(
                            "Point Postfix at Dovecot, then `postfix reload`.",
                            Some(format!(
                                "smtpd_sasl_type = dovecot\nsmtpd_sasl_path = {rel}"
                            )),
                        );
                    f = with_ref(f, doc::POSTFIX_SASL_README);
                    out.push(f);
                }
                _ => {}
            }
        }
    }
}

fn mismatch(
    pf: &crate::postfix::PostfixConfig,
    kind: &PostfixValue,
    path: &PostfixValue,
    t: &Endpoint,
    cfg: &DovecotConfig,
) -> Finding {
    let queue = super::queue_directory(pf);
    let listeners: Vec<_> = cfg
        .services()
        .into_iter()
        .filter(|s| s.name == "auth")
        .flat_map(|s| s.unix_listeners())
        .collect();
    // A Dovecot socket inside the queue directory is the one meant for Postfix.
    let candidate = listeners.iter().find(|l| {
        super::auth_socket_kind(l) == AuthSocketKind::Client
            && super::socket_path(cfg, l).starts_with(&format!("{queue}/"))
    });
    let wanted = t.describe();
    let path_words = if path.span.is_some() {
        format!("`smtpd_sasl_path = {}` ({})", path.value, path.origin)
    } else {
        format!("`smtpd_sasl_path` (default `{}`)", path.value)
    };
    let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
        .summary(format!(
            "{path_words} makes Postfix connect to {wanted}, but Dovecot's `service auth` has no \
             listener there{}. Postfix logs `SASL: Connect to … failed` and offers no AUTH.",
            candidate.map_or(String::new(), |l| format!(" (it has `{}`)", l.name))
        ))
        .confidence(if super::is_complete(cfg) { 0.9 } else { 0.65 })
        .param("smtpd_sasl_path")
        .param("unix_listener");
    match (path.span, kind.span) {
        (Some(s), _) => f = f.evidence(s, "where Postfix looks for the socket"),
        (None, Some(s)) => f = f.evidence(s, "Dovecot SASL, default socket path"),
        (None, None) => {}
    }
    match cfg.service("auth") {
        Some(svc) => {
            f = f.evidence(svc.section.header_span, "Dovecot's auth service");
            for l in &listeners {
                f = f.evidence(l.section.header_span, "Dovecot auth socket");
            }
        }
        None => f = f.evidence(cfg.span, "Dovecot configuration without `service auth`"),
    }
    f = match (candidate, t) {
        (Some(l), Endpoint::Unix(_)) => {
            let rel = super::socket_path(cfg, l)
                .strip_prefix(&format!("{queue}/"))
                .unwrap_or_default()
                .to_owned();
            let snippet = if path.origin.starts_with("master.cf") {
                format!("  -o smtpd_sasl_path={rel}")
            } else {
                format!("smtpd_sasl_path = {rel}")
            };
            f.fix(
                "Point Postfix at the socket Dovecot creates, then `postfix reload`.",
                Some(snippet),
            )
        }
        (_, Endpoint::Unix(p)) => f.fix(
            "Create the socket in Dovecot where Postfix looks, then reload Dovecot.",
            Some(format!(
                "service auth {{\n  unix_listener {p} {{\n    mode = 0660\n    user = postfix\n    group = postfix\n  }}\n}}"
            )),
        ),
        (_, Endpoint::Inet { port, .. }) => f.fix(
            "Add a TCP listener to Dovecot's auth service on the port Postfix uses (reachable \
             only from the Postfix host).",
            Some(format!(
                "service auth {{\n  inet_listener sasl {{\n    port = {port}\n  }}\n}}"
            )),
        ),
    };
    f = with_ref(f, doc::POSTFIX_SASL_README);
    with_ref(f, doc::POSTFIX_SASL_23)
}
