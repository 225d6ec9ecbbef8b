//! Root causes of relay refusals, read from the relay trace of the failure against the config
//! that gives it: what the trace says about each cause (by the id of the check that would
//! confirm it), and the one cause to fix, with its evidence in the paste and its exact fix.
//!
//! The rules are tried most specific first: mail from outside to the server's own domain (the
//! fix is a domain class, whoever the client is), AUTH hidden by `smtpd_tls_auth_only` on a plain
//! session, SASL off on the service, logged-in clients still refused by the lists, and last a
//! client that simply did not log in.

use crate::client_error::FieldName;
use crate::facts::Facts;
use crate::postfix::{PostfixConfig, Service};
use crate::relay::{Decision, RelayJoin, RelayStep, RelayTrace, WHAT_IF_587_AUTH, WHAT_IF_AUTH};
use crate::report::{Evidence, Fix, Side};

/// What the trace decides about one cause (by check id).
#[derive(Clone, Debug)]
pub(super) struct Verdict {
    pub check: &'static str,
    pub confirmed: bool,
    pub why: String,
}

/// The cause the trace pins down, with its evidence and exact fix.
#[derive(Clone, Debug)]
pub(super) struct RootCause {
    /// The check id whose cause this is (empty when the KB has no check for it).
    pub check: &'static str,
    pub text: String,
    pub side: Side,
    pub evidence: Vec<Evidence>,
    pub fix: Fix,
    pub params: Vec<&'static str>,
    pub confidence: f32,
}

pub(super) struct RelayDiagnosis {
    pub root: Option<RootCause>,
    pub verdicts: Vec<Verdict>,
}

const DOMAIN_NOT_LOCAL: &str = "postfix/domain_not_local";
const AUTH_ONLY_AFTER_STARTTLS: &str = "postfix/auth_only_after_starttls";
const SASL_AUTH_NOT_ENABLED: &str = "postfix/sasl_auth_not_enabled";
const RELAY_WITHOUT_SASL: &str = "postfix/relay_restrictions_without_sasl";
const SUBMISSION_NOT_ENABLED: &str = "postfix/submission_not_enabled";

const SUBMISSION_SNIPPET: &str = "# master.cf: the submission service (port 587, STARTTLS, AUTH)
submission inet n       -       y       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
";

const CLIENT_SETTINGS: &str = "# the mail client's outgoing (SMTP) server
port: 587
encryption: STARTTLS
authentication: on (the mailbox's user name and password)
";

/// Everything the rules read, gathered once from the join.
struct Scene<'a> {
    facts: &'a Facts,
    t: &'a RelayTrace,
    cfg: Option<&'a PostfixConfig>,
    domain: String,
    deciding: Option<&'a RelayStep>,
    /// The deciding restriction where the paste writes it.
    deciding_ev: Option<Evidence>,
    /// The dialog's port and encryption fields.
    dialog_ev: Vec<Evidence>,
    /// The server's own domain, when the config tells it.
    own: Option<String>,
    /// The outcome for a client that logs in (on this service when it offers AUTH, else on
    /// 587), with the what-if's reason.
    logged_in: Option<(Decision, String)>,
    permitted_if_auth_here: bool,
    permitted_if_auth_587: bool,
}

impl<'a> Scene<'a> {
    fn new(facts: &'a Facts, j: &'a RelayJoin) -> Scene<'a> {
        let t = &j.trace;
        let deciding = t.deciding_step();
        let deciding_ev = deciding.and_then(|s| {
            s.span()
                .map(|sp| Evidence::new(sp, format!("the deciding restriction ({})", s.list)))
        });
        let mut dialog_ev = Vec::new();
        if let Some(c) = facts
            .client_errors
            .iter()
            .find(|c| c.span == j.failure.span)
        {
            for (name, label) in [
                (FieldName::Port, "the port the client used"),
                (FieldName::Secure, "the client's encryption setting"),
            ] {
                if let Some(x) = c.field(name) {
                    dialog_ev.push(Evidence::new(x.span, label));
                }
            }
        }
        let permitted = |label: &str| {
            t.what_if(label)
                .is_some_and(|w| w.decision == Decision::Permit)
        };
        let what_if = |label: &str| t.what_if(label).map(|w| (w.decision, w.reason.clone()));
        let logged_in = match (t.auth.offered, t.auth.authenticated) {
            (true, true) => Some((t.decision, String::new())),
            (true, false) => what_if(WHAT_IF_AUTH),
            (false, _) => what_if(WHAT_IF_587_AUTH),
        };
        let cfg = facts.postfix.get(j.config);
        Scene {
            facts,
            t,
            cfg,
            domain: t.query.recipient_domain().to_owned(),
            deciding,
            deciding_ev,
            dialog_ev,
            own: cfg.and_then(own_domain),
            logged_in,
            permitted_if_auth_here: permitted(WHAT_IF_AUTH),
            permitted_if_auth_587: permitted(WHAT_IF_587_AUTH),
        }
    }

    fn deciding_name(&self) -> &str {
        self.deciding
            .map_or("reject_unauth_destination", |s| s.restriction.as_str())
    }

    fn is_own_domain(&self) -> bool {
        let d = self.domain.to_ascii_lowercase();
        self.own.as_deref().is_some_and(|o| {
            let o = o.to_ascii_lowercase();
            d == o || d.ends_with(&format!(".{o}"))
        })
    }

    /// The evidence every root cause shares: the dialog's fields, then `extra`, then the deciding
    /// restriction.
    fn evidence(&self, extra: impl IntoIterator<Item = Evidence>) -> Vec<Evidence> {
        let mut ev = self.dialog_ev.clone();
        ev.extend(extra);
        ev.extend(self.deciding_ev.clone());
        ev
    }

    /// The recipient domain: listed in a class (ruled out), the server's own yet listed nowhere
    /// (confirmed, and the root cause), or remote (ruled out).
    fn own_domain_missing(&self, verdicts: &mut Vec<Verdict>) -> Option<RootCause> {
        let (t, domain) = (self.t, &self.domain);
        if let Some(c) = &t.domain.class {
            verdicts.push(verdict(
                DOMAIN_NOT_LOCAL,
                false,
                format!("{domain} is listed in {c}"),
            ));
            return None;
        }
        if !self.is_own_domain() {
            verdicts.push(verdict(
                DOMAIN_NOT_LOCAL,
                false,
                match &self.own {
                    Some(o) => format!("{domain} is not this server's domain {o}: it is remote"),
                    None => format!("{domain} is in no domain class and looks remote"),
                },
            ));
            return None;
        }
        if !t.domain.unseen.is_empty() {
            // It may sit in a table the paste does not show: undecided.
            return None;
        }
        verdicts.push(verdict(
            DOMAIN_NOT_LOCAL,
            true,
            format!("{domain} is this server's own domain but is in no domain class"),
        ));
        let cfg = self.cfg?;
        let lines = ["mydestination", "virtual_mailbox_domains", "relay_domains"]
            .into_iter()
            .filter_map(|p| {
                cfg.get(p)
                    .map(|d| Evidence::new(d.span, format!("{p}: {domain} is not in it")))
            });
        let current = cfg.raw_value("mydestination").unwrap_or_default();
        let snippet = if current.trim().is_empty() {
            format!("mydestination = {domain}")
        } else {
            format!("mydestination = {current}, {domain}")
        };
        Some(RootCause {
            check: DOMAIN_NOT_LOCAL,
            text: format!(
                "{domain} is this server's own domain (mydomain {}), but it is listed in none of \
                 mydestination, virtual_alias_domains, virtual_mailbox_domains or relay_domains, \
                 so Postfix treats mail to it as relaying and {} refuses it. This server is the \
                 recipient's server: the fix is here, not at the sender.",
                self.own.as_deref().unwrap_or(""),
                self.deciding_name()
            ),
            side: Side::RecipientServer,
            evidence: self.evidence(lines),
            fix: Fix {
                text: format!(
                    "Make {domain} a domain this server receives for: add it to mydestination \
                     when its users are local accounts, or to virtual_mailbox_domains when they \
                     are virtual mailboxes (never both), then `postfix reload`."
                ),
                snippet: Some(snippet),
            },
            params: vec!["mydestination", "virtual_mailbox_domains"],
            confidence: 0.95,
        })
    }

    /// What AUTH on the traced service, and a client that logs in, tell about the causes.
    fn auth_verdicts(&self, verdicts: &mut Vec<Verdict>) {
        let a = &self.t.auth;
        let service = &self.t.service;
        verdicts.push(verdict(
            AUTH_ONLY_AFTER_STARTTLS,
            self.tls_only_bites(),
            if self.tls_only_bites() {
                "smtpd_tls_auth_only = yes and the session had no TLS, so AUTH was not offered"
                    .into()
            } else if !a.tls_auth_only {
                "smtpd_tls_auth_only is off on this service".into()
            } else {
                "the session used TLS, so AUTH was offered".into()
            },
        ));
        verdicts.push(verdict(
            SASL_AUTH_NOT_ENABLED,
            !a.sasl_enabled,
            if a.sasl_enabled {
                format!("smtpd_sasl_auth_enable = yes on the {service} service")
            } else {
                format!("smtpd_sasl_auth_enable is not yes on the {service} service")
            },
        ));
        match &self.logged_in {
            Some((Decision::Permit, _)) => verdicts.push(verdict(
                RELAY_WITHOUT_SASL,
                false,
                "a client that logs in would be accepted".into(),
            )),
            Some((Decision::Reject | Decision::Defer, why)) => verdicts.push(verdict(
                RELAY_WITHOUT_SASL,
                true,
                if why.is_empty() {
                    "the client logged in and was still refused".into()
                } else {
                    format!("even a client that logs in is refused: {why}")
                },
            )),
            _ => {}
        }
    }

    /// Whether submission is open, when master.cf is pasted.
    fn submission_verdict(&self, own_domain: bool, verdicts: &mut Vec<Verdict>) {
        if own_domain {
            verdicts.push(verdict(
                SUBMISSION_NOT_ENABLED,
                false,
                "the refused mail comes from another server to this server's own domain; \
                 submission only serves your users' mail clients"
                    .into(),
            ));
            return;
        }
        if self.t.service_defined.is_none() {
            return;
        }
        let open =
            self.t.service == "submission"
                || self.facts.master.iter().any(|m| {
                    m.service("submission").is_some() || m.service("submissions").is_some()
                });
        verdicts.push(verdict(
            SUBMISSION_NOT_ENABLED,
            !open,
            if open {
                "master.cf enables a submission service".into()
            } else {
                "master.cf has no active submission service".into()
            },
        ));
    }

    /// AUTH is enabled but offered only after STARTTLS, and the session had none.
    fn tls_only_bites(&self) -> bool {
        let a = &self.t.auth;
        a.sasl_enabled && a.tls_auth_only && !a.session_tls
    }

    fn tls_only_auth(&self, verdicts: &[Verdict]) -> Option<RootCause> {
        if !self.tls_only_bites() {
            return None;
        }
        let t = self.t;
        let port = t.query.port.unwrap_or(25);
        let submission_missing = verdicts
            .iter()
            .any(|v| v.check == SUBMISSION_NOT_ENABLED && v.confirmed);
        let needs_submission = submission_missing || t.service_defined.is_none();
        let tls_line = t
            .auth
            .tls_auth_only_span
            .map(|sp| Evidence::new(sp, "smtpd_tls_auth_only: AUTH only after STARTTLS"));
        let mut text = format!(
            "the client sent on port {port} without TLS. This service offers SMTP AUTH only after \
             STARTTLS (smtpd_tls_auth_only = yes), so the client could not log in, \
             permit_sasl_authenticated did not match, and {} refused {} as relaying.",
            self.deciding_name(),
            t.query.recipient
        );
        if submission_missing {
            text.push_str(" master.cf has no submission service, so port 587 is not even open.");
        }
        if self.permitted_if_auth_587 {
            text.push_str(
                " The trace accepts the same recipient from a client that logs in on port 587 \
                 with STARTTLS.",
            );
        }
        let mut snippet = String::new();
        if needs_submission {
            snippet.push_str(SUBMISSION_SNIPPET);
            snippet.push('\n');
        }
        snippet.push_str(CLIENT_SETTINGS);
        Some(RootCause {
            check: AUTH_ONLY_AFTER_STARTTLS,
            text,
            side: Side::Client,
            evidence: self.evidence(tls_line),
            fix: Fix {
                text: if needs_submission {
                    "Offer submission on port 587 with STARTTLS and AUTH (master.cf), then set \
                     the mail client to port 587, STARTTLS, with authentication on. Do not turn \
                     smtpd_tls_auth_only off: passwords would cross the network in clear."
                        .into()
                } else {
                    "Set the mail client to the submission port 587 with STARTTLS and \
                     authentication on (or 465 with SSL/TLS)."
                        .into()
                },
                snippet: Some(snippet),
            },
            params: vec!["smtpd_tls_auth_only", "smtpd_sasl_auth_enable"],
            confidence: 0.95,
        })
    }

    fn sasl_off(&self) -> Option<RootCause> {
        let t = self.t;
        if t.auth.sasl_enabled {
            return None;
        }
        let line = t
            .auth
            .sasl_enabled_span
            .map(|sp| Evidence::new(sp, "smtpd_sasl_auth_enable"));
        Some(RootCause {
            check: SASL_AUTH_NOT_ENABLED,
            text: format!(
                "SMTP AUTH is off on the {} service (smtpd_sasl_auth_enable is not yes), so no \
                 client can log in there and {} refused {} as relaying.",
                t.service,
                self.deciding_name(),
                t.query.recipient
            ),
            side: Side::SenderServer,
            evidence: self.evidence(line),
            fix: Fix {
                text: "Enable SASL on the service your users send through (best: submission on \
                       port 587) and let Postfix ask Dovecot (or Cyrus) for the password check."
                    .into(),
                snippet: Some(if t.service == "smtp" {
                    SUBMISSION_SNIPPET.to_owned()
                } else {
                    format!(
                        "# master.cf, under `{}`\n  -o smtpd_sasl_auth_enable=yes\n",
                        t.service
                    )
                }),
            },
            params: vec!["smtpd_sasl_auth_enable"],
            confidence: 0.9,
        })
    }

    /// The traced service's master.cf entry, when the paste has it.
    fn service(&self) -> Option<&'a Service> {
        self.facts
            .master
            .iter()
            .flat_map(|m| m.services.iter())
            .find(|sv| Some(sv.span) == self.t.service_span)
    }

    fn no_permit_sasl(&self, verdicts: &[Verdict]) -> Option<RootCause> {
        if !verdicts
            .iter()
            .any(|v| v.check == RELAY_WITHOUT_SASL && v.confirmed)
        {
            return None;
        }
        let list = self
            .deciding
            .map_or("smtpd_relay_restrictions", |s| s.list.as_str());
        // The list as the traced service sees it: its `-o` override when it has one.
        let service = self.service();
        let ov = service.map_or(&[][..], |sv| &sv.overrides[..]);
        let overridden = service.and_then(|sv| sv.override_of(list));
        let mut names: Vec<String> = Vec::new();
        for r in self
            .cfg
            .map(|c| c.restrictions_in(list, ov))
            .unwrap_or_default()
        {
            let text = match r.arg() {
                Some(a) => format!("{} {a}", r.name),
                None => r.name.clone(),
            };
            let at_refusal = self.deciding.is_some_and(|d| d.restriction == text);
            if at_refusal && !names.iter().any(|n| n == "permit_sasl_authenticated") {
                names.push("permit_sasl_authenticated".into());
            }
            names.push(text);
        }
        let written = overridden
            .map(|o| o.span)
            .or_else(|| self.cfg.and_then(|c| c.get(list)).map(|d| d.span))
            .map(|sp| {
                Evidence::new(
                    sp,
                    format!("{list}: no permit_sasl_authenticated before the refusal"),
                )
            });
        let snippet = match (overridden, service) {
            (Some(_), Some(sv)) => format!(
                "# master.cf, under `{}`\n  -o {list}={}",
                sv.name,
                names.join(",")
            ),
            _ => format!("{list} = {}", names.join(", ")),
        };
        Some(RootCause {
            check: RELAY_WITHOUT_SASL,
            text: format!(
                "even a client that logs in is refused: {list} reaches {} without a \
                 permit_sasl_authenticated before it, so authenticated users cannot relay.",
                self.deciding
                    .map_or("the refusal", |s| s.restriction.as_str())
            ),
            side: Side::SenderServer,
            evidence: self.evidence(written),
            fix: Fix {
                text: format!(
                    "Put permit_sasl_authenticated in {list} before the restriction that refuses."
                ),
                snippet: Some(snippet),
            },
            params: vec!["smtpd_relay_restrictions", "smtpd_recipient_restrictions"],
            confidence: 0.9,
        })
    }

    fn not_logged_in(&self) -> Option<RootCause> {
        let t = self.t;
        if t.query.authenticated || !(self.permitted_if_auth_here || self.permitted_if_auth_587) {
            return None;
        }
        Some(RootCause {
            check: "",
            text: format!(
                "the client did not log in. The server accepts {} from a client that \
                 authenticates{}, so the server side is in order and the mail client must turn \
                 on authentication.",
                t.query.recipient,
                if self.permitted_if_auth_here {
                    ""
                } else {
                    " on port 587 with STARTTLS"
                }
            ),
            side: Side::Client,
            evidence: self.evidence(None),
            fix: Fix {
                text: "In the mail client, turn on 'outgoing server requires authentication' \
                       with the mailbox's user name and password; use port 587 with STARTTLS."
                    .into(),
                snippet: Some(CLIENT_SETTINGS.to_owned()),
            },
            params: vec!["smtpd_sasl_auth_enable"],
            confidence: 0.85,
        })
    }
}

fn verdict(check: &'static str, confirmed: bool, why: String) -> Verdict {
    Verdict {
        check,
        confirmed,
        why,
    }
}

/// The server's own domain as Postfix sees it: `mydomain`, else `myhostname` minus its first
/// label.
fn own_domain(cfg: &PostfixConfig) -> Option<String> {
    let known = |v: Option<String>| v.filter(|v| !v.is_empty() && !v.contains('$'));
    known(cfg.effective("mydomain")).or_else(|| {
        known(cfg.effective("myhostname"))
            .and_then(|h| h.split_once('.').map(|(_, d)| d.to_owned()))
            .filter(|d| d.contains('.'))
    })
}

/// The trace's verdicts on the causes and the root cause, for a join that reproduces the
/// failure.
pub(super) fn relay_diagnosis(facts: &Facts, j: &RelayJoin) -> RelayDiagnosis {
    let scene = Scene::new(facts, j);
    let mut verdicts = Vec::new();
    let own_domain = scene.own_domain_missing(&mut verdicts);
    scene.auth_verdicts(&mut verdicts);
    scene.submission_verdict(own_domain.is_some(), &mut verdicts);
    let root = own_domain
        .or_else(|| scene.tls_only_auth(&verdicts))
        .or_else(|| scene.sasl_off())
        .or_else(|| scene.no_permit_sasl(&verdicts))
        .or_else(|| scene.not_logged_in());
    RelayDiagnosis { root, verdicts }
}
