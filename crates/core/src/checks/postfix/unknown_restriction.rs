use super::{restriction_classes, with_postconf, written_restrictions};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::params;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/unknown_restriction",
    title: "smtpd does not know this restriction",
    severity: Severity::Error,
    doc: r#"## What it does
Checks every item of the smtpd restriction lists (main.cf, restriction class definitions,
master.cf `-o` overrides) against the restrictions Postfix documents, the deprecated names,
lookup tables (`hash:/etc/postfix/access`), and the names in `smtpd_restriction_classes`, and
suggests the closest real restriction for a misspelt one.

## Why is this bad?
smtpd reads restriction lists only when a request reaches them. An unknown name then logs
`warning: unknown smtpd restriction: "…"` and the client gets `451 4.3.5 Server configuration
error` — for every message that reaches that point, so mail is deferred, not refused, and piles
up at the senders. A typo such as `permit_sasl_authentication` or a stray quote is enough.

## Example
```
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authentication, reject_unauth_destination
```

## Use instead
```
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## References
- postconf(5) smtpd_recipient_restrictions: https://www.postfix.org/postconf.5.html#smtpd_recipient_restrictions
- postconf(5) smtpd_restriction_classes: https://www.postfix.org/postconf.5.html#smtpd_restriction_classes
- SMTPD_ACCESS_README: https://www.postfix.org/SMTPD_ACCESS_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authentication, reject_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_helo_restrictions = permit_mynetworks, reject_non_fqdn_helo_hostnme\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_restriction_classes = from_partners\nfrom_partners = check_client_access hash:/etc/postfix/partners, reject\nsmtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, check_recipient_access pcre:/etc/postfix/rcpt.pcre, hash:/etc/postfix/access, check_policy_service { unix:private/policyd-spf, timeout=10s }, sleep 1, reject_unauth_pipelining\n",
        "myhostname = mx.example.net\nsmtpd_client_restrictions = PERMIT_MYNETWORKS, reject_unknown_client\nsmtpd_data_restrictions = reject_multi_recipient_bounce, reject_unauth_pipelining\n",
    ],
    run,
};

/// smtpd restrictions as postconf(5) documents them (current and older releases).
const KNOWN: &[&str] = &[
    // generic
    "permit",
    "reject",
    "defer",
    "defer_if_permit",
    "defer_if_reject",
    "warn_if_reject",
    "reject_unauth_pipelining",
    "check_policy_service",
    "sleep",
    // client
    "check_ccert_access",
    "check_client_access",
    "check_client_a_access",
    "check_client_mx_access",
    "check_client_ns_access",
    "check_reverse_client_hostname_access",
    "check_reverse_client_hostname_a_access",
    "check_reverse_client_hostname_mx_access",
    "check_reverse_client_hostname_ns_access",
    "check_sasl_access",
    "permit_inet_interfaces",
    "permit_mynetworks",
    "permit_sasl_authenticated",
    "permit_tls_all_clientcerts",
    "permit_tls_clientcerts",
    "permit_dnswl_client",
    "permit_rhswl_client",
    "reject_plaintext_session",
    "reject_rbl_client",
    "reject_rhsbl_client",
    "reject_rhsbl_reverse_client",
    "reject_unknown_client_hostname",
    "reject_unknown_forward_client_hostname",
    "reject_unknown_reverse_client_hostname",
    // helo
    "check_helo_access",
    "check_helo_a_access",
    "check_helo_mx_access",
    "check_helo_ns_access",
    "reject_invalid_helo_hostname",
    "reject_non_fqdn_helo_hostname",
    "reject_rhsbl_helo",
    "reject_unknown_helo_hostname",
    // sender
    "check_sender_access",
    "check_sender_a_access",
    "check_sender_mx_access",
    "check_sender_ns_access",
    "reject_authenticated_sender_login_mismatch",
    "reject_known_sender_login_mismatch",
    "reject_non_fqdn_sender",
    "reject_rhsbl_sender",
    "reject_sender_login_mismatch",
    "reject_unauthenticated_sender_login_mismatch",
    "reject_unknown_sender_domain",
    "reject_unlisted_sender",
    "reject_unverified_sender",
    // recipient
    "check_recipient_access",
    "check_recipient_a_access",
    "check_recipient_mx_access",
    "check_recipient_ns_access",
    "check_recipient_maps",
    "defer_unauth_destination",
    "permit_auth_destination",
    "permit_mx_backup",
    "reject_non_fqdn_recipient",
    "reject_rhsbl_recipient",
    "reject_unauth_destination",
    "reject_unknown_recipient_domain",
    "reject_unlisted_recipient",
    "reject_unverified_recipient",
    // etrn, data
    "check_etrn_access",
    "reject_multi_recipient_bounce",
];

fn is_known(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    KNOWN.contains(&l.as_str())
        || params::deprecated(&l).is_some_and(|d| d.kind == params::DeprecatedKind::Restriction)
}

/// Restriction names are long and differ in whole suffixes (`permit_sasl_authentication`), so
/// up to 3 edits count from 10 bytes on.
fn did_you_mean(name: &str) -> Option<&'static str> {
    let l = name.to_ascii_lowercase();
    let max = if l.len() < 10 { 1 } else { 3 };
    crate::text::closest_within(&l, KNOWN.iter().copied(), max)
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    // Findings past the report's cap are folded into one (`report::cap_per_check`): they get no
    // rewritten line, which for a list of thousands of unknown items would be a copy of the
    // whole list each.
    let mut found = 0;
    for cfg in &facts.postfix {
        let classes = restriction_classes(cfg);
        // The main.cf lines rewritten without an unknown item, each read once.
        let mut lines: Vec<(String, Option<Vec<crate::postfix::Restriction>>)> = Vec::new();
        for w in written_restrictions(facts, cfg).iter() {
            let name = &w.restriction.name;
            if name.is_empty()
                || is_known(name)
                || w.restriction.is_table()
                || name.contains('$')
                || name.starts_with('{')
                // `...other rules...` placeholders quoted from documentation
                || name.contains("...")
                || name.contains('…')
                || classes.iter().any(|c| c == name)
            {
                continue;
            }
            let Some(span) = w.restriction.span else {
                continue;
            };
            found += 1;
            let suggestion = did_you_mean(name);
            let where_ = w
                .service
                .as_ref()
                .map(|s| format!(" (master.cf service `{s}`)"))
                .unwrap_or_default();
            let mut summary = format!(
                "`{name}` in `{}`{where_} is not a Postfix restriction, a lookup table or a \
                 restriction class: smtpd logs \"unknown smtpd restriction\" and answers \"451 \
                 4.3.5 Server configuration error\" to every request that reaches it.",
                w.list
            );
            if let Some(s) = suggestion {
                summary.push_str(&format!(" Did you mean `{s}`?"));
            }
            let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                .summary(summary)
                .confidence(if suggestion.is_some() { 0.9 } else { 0.75 })
                .param(&w.list)
                .side(Side::SenderServer)
                .evidence(span, "unknown restriction")
                .evidence(w.line, "restriction list");
            f = match suggestion {
                Some(s) => f.fix(
                    format!("Replace `{name}` with `{s}`, then `postfix reload`."),
                    Some(s.to_owned()),
                ),
                None => f.fix(
                    format!(
                        "Correct or remove `{name}` (look for typos, stray quotes or non-ASCII \
                         characters); if it is meant as a restriction class, list it in \
                         smtpd_restriction_classes."
                    ),
                    (w.service.is_none() && found <= crate::report::MAX_PER_CHECK)
                        .then(|| {
                            if !lines.iter().any(|(n, _)| *n == w.list) {
                                let written = cfg.get(&w.list).map(|p| p.value.restrictions());
                                lines.push((w.list.clone(), written));
                            }
                            let (_, written) = lines.iter().find(|(n, _)| *n == w.list)?;
                            Some(super::line_without_in(&w.list, written.as_ref()?, span))
                        })
                        .flatten(),
                ),
            };
            out.push(with_postconf(f, &[&w.list, "smtpd_restriction_classes"]));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestions() {
        assert_eq!(
            super::did_you_mean("permit_sasl_authentication"),
            Some("permit_sasl_authenticated")
        );
        assert_eq!(
            super::did_you_mean("reject_unauth_destinaton"),
            Some("reject_unauth_destination")
        );
        assert_eq!(super::did_you_mean("frobnicate"), None);
        assert!(super::is_known("reject_unknown_client"));
        assert!(super::is_known("Permit_MyNetworks"));
    }
}
