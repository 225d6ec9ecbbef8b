//! Checks: one file each, reading facts (never raw text) and emitting findings.
//!
//! A check file holds a `pub static CHECK: Check` whose `doc` is written for the admin who reads it
//! on the page, in fixed sections (`## What it does`, `## Why is this bad?`, `## Example`,
//! `## Use instead`, `## References`), and whose `fail`/`pass` examples are whole pastes that the
//! test suite runs through the full pipeline (a fail example must yield the check's id, a pass
//! example must not). Registering a check is one line in [`CHECKS`].

use crate::facts::Facts;
use crate::report::{Finding, Severity};

/// A check's `fail` / `pass` pastes: the tests run them; the page, built without the
/// `kb-examples` feature, leaves them out (it never shows them).
#[cfg(feature = "kb-examples")]
macro_rules! pastes {
    ($($paste:expr),* $(,)?) => { &[$($paste),*] };
}
#[cfg(not(feature = "kb-examples"))]
macro_rules! pastes {
    ($($paste:expr),* $(,)?) => {
        &[]
    };
}

pub mod dovecot;
pub mod postfix;
pub mod privacy;

pub struct Check {
    /// `group/name`, e.g. `postfix/unknown_parameter`. Names the problem, never the fix.
    pub id: &'static str,
    pub title: &'static str,
    /// The usual severity (a check may raise or lower it per finding).
    pub severity: Severity,
    /// Markdown explanation with the fixed sections listed above.
    pub doc: &'static str,
    /// Pastes in which the check must fire (empty without the `kb-examples` feature).
    pub fail: &'static [&'static str],
    /// Pastes in which it must stay silent (empty without the `kb-examples` feature).
    pub pass: &'static [&'static str],
    pub run: fn(&Facts, &mut Vec<Finding>),
}

/// Every check, in no particular order (the report sorts findings).
pub static CHECKS: &[&Check] = &[
    &postfix::unknown_parameter::CHECK,
    &postfix::deprecated_parameter::CHECK,
    &postfix::deprecated_restriction::CHECK,
    &postfix::duplicate_parameter::CHECK,
    &postfix::open_relay_mynetworks::CHECK,
    &postfix::permit_before_unauth_destination::CHECK,
    &postfix::no_unauth_destination_guard::CHECK,
    &postfix::permit_mx_backup_used::CHECK,
    &postfix::relay_restrictions_without_sasl::CHECK,
    &postfix::sasl_auth_not_enabled::CHECK,
    &postfix::auth_only_after_starttls::CHECK,
    &postfix::submission_not_enabled::CHECK,
    &postfix::compatibility_level_old::CHECK,
    &postfix::domain_in_two_classes::CHECK,
    &postfix::domain_not_local::CHECK,
    &postfix::dnsbl_dead::CHECK,
    &postfix::spamhaus_without_reply_filter::CHECK,
    &postfix::mailbox_limit_below_message_limit::CHECK,
    &postfix::message_size_limit_small::CHECK,
    &postfix::weak_tls_protocols::CHECK,
    &postfix::tls_cert_missing::CHECK,
    &postfix::tls_encrypt_on_public_mx::CHECK,
    &postfix::inet_interfaces_loopback_only::CHECK,
    &postfix::relayhost_mx_lookup::CHECK,
    &postfix::smtp_sasl_without_tls::CHECK,
    &postfix::local_recipient_maps_empty::CHECK,
    &postfix::unknown_restriction::CHECK,
    &postfix::helo_restrictions_without_helo_required::CHECK,
    &postfix::myhostname_not_fqdn::CHECK,
    &dovecot::auth_socket_world_writable::CHECK,
    &dovecot::auth_socket_owner_mismatch::CHECK,
    &dovecot::sasl_path_mismatch::CHECK,
    &dovecot::lmtp_listener_missing::CHECK,
    &dovecot::plaintext_auth_without_tls::CHECK,
    &dovecot::ssl_disabled::CHECK,
    &dovecot::ssl_cert_missing::CHECK,
    &dovecot::weak_tls_protocols::CHECK,
    &dovecot::auth_mechanism_needs_plaintext_password::CHECK,
    &dovecot::duplicate_auth_database::CHECK,
    &dovecot::setting_renamed_in_2_4::CHECK,
    &dovecot::config_version_missing::CHECK,
    &dovecot::unknown_setting::CHECK,
    &dovecot::removed_setting::CHECK,
    &dovecot::auth_debug_passwords_enabled::CHECK,
    &dovecot::mail_location_unset::CHECK,
    &dovecot::uid_outside_valid_range::CHECK,
    &dovecot::sasl_login_mechanism_missing::CHECK,
    &privacy::secret_in_paste::CHECK,
];

/// Runs every check over the facts.
pub fn run_all(facts: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in CHECKS {
        let before = out.len();
        (check.run)(facts, &mut out);
        for f in &mut out[before..] {
            if f.why.is_empty() {
                f.why = check.doc.to_owned();
            }
        }
    }
    out
}

pub fn find(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_docs_have_their_sections() {
        let mut seen = std::collections::HashSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.id), "duplicate check id {}", c.id);
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(c.doc.contains(section), "{}: doc lacks {section}", c.id);
            }
            assert!(!c.fail.is_empty(), "{}: no fail example", c.id);
            assert!(!c.pass.is_empty(), "{}: no pass example", c.id);
        }
    }

    #[test]
    fn fail_examples_fire_and_pass_examples_stay_silent() {
        for c in CHECKS {
            for ex in c.fail {
                let r = crate::analyze(ex, &Default::default());
                assert!(
                    r.findings.iter().any(|f| f.id == c.id),
                    "{} did not fire on:\n{ex}",
                    c.id
                );
            }
            for ex in c.pass {
                let r = crate::analyze(ex, &Default::default());
                assert!(
                    !r.findings.iter().any(|f| f.id == c.id),
                    "{} fired on pass example:\n{ex}",
                    c.id
                );
            }
        }
    }
}
