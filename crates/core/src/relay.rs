//! Relay trace: how Postfix's `smtpd` decides whether to accept one `RCPT TO`, step by step.
//!
//! Postfix evaluates restriction lists at `RCPT TO`, each first-match: a `permit` ends that list
//! (the next list still runs), a `reject`/`defer` ends the whole decision. Since 2.10 relaying is
//! decided by `smtpd_relay_restrictions` and `smtpd_recipient_restrictions`; before 3.6 (and with
//! `smtpd_relay_before_recipient_restrictions = no`, the default below compatibility level 3.6)
//! the recipient list runs first. Values are the ones the service the client reached sees: its
//! `master.cf` `-o` overrides over `main.cf`, over the defaults of the release and compatibility
//! level ([`PostfixConfig::effective_in`]).
//!
//! What the paste cannot tell (the contents of `hash:`/`mysql:` tables, DNS block lists, the
//! server's own addresses when `mynetworks` is unset) is never guessed silently: such a step is
//! marked `assumed` with the assumption in its reason.

use crate::checks::postfix::{relay_lists_guarded, Smtpd};
use crate::facts::{Facts, Failure};
use crate::postfix::network::{list_contains, parse_ip, NetworkEntry};
use crate::postfix::value::table_ref;
use crate::postfix::{params, MasterCf, Override, PostfixConfig, Restriction, Service, Version};
use crate::text::Span;
use serde::Serialize;

/// Nesting depth of restriction classes followed.
const MAX_CLASS_DEPTH: usize = 8;
/// Most steps one trace records (classes that name each other could otherwise multiply).
const MAX_STEPS: usize = 500;

/// What is known about the session whose recipient is being decided.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RelayQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_host: Option<String>,
    /// The client logged in (or, in a what-if, would log in) with SMTP AUTH.
    pub authenticated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sasl_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The `master.cf` service (`smtp`, `submission`, `submissions`); derived from the port when
    /// not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Whether the session was encrypted (STARTTLS or implicit TLS); `None` when not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helo: Option<String>,
    pub recipient: String,
}

impl RelayQuery {
    pub fn recipient_domain(&self) -> &str {
        self.recipient
            .rsplit_once('@')
            .map_or(self.recipient.as_str(), |(_, d)| d)
            .trim_end_matches('.')
    }
}

/// The outcome for the recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Accepted (every list passed).
    Permit,
    /// Refused with a 5xx reply.
    Reject,
    /// Refused with a 4xx reply (the client retries).
    Defer,
    /// The trace could not run (no such service).
    Unknown,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Permit => "accepted",
            Decision::Reject => "rejected",
            Decision::Defer => "deferred",
            Decision::Unknown => "unknown",
        }
    }
}

/// One restriction evaluated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelayStep {
    /// The list it came from (`smtpd_relay_restrictions`, a restriction class name, …).
    pub list: String,
    /// The restriction as written, with its argument.
    pub restriction: String,
    pub matched: bool,
    /// The outcome depends on something the paste does not show; `reason` says what was assumed.
    pub assumed: bool,
    pub reason: String,
    /// Where the restriction is written; absent for default values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// The step that decided the outcome.
    pub deciding: bool,
}

impl RelayStep {
    pub fn span(&self) -> Option<Span> {
        Some(Span::new(self.start?, self.end?))
    }
}

/// The same trace with one thing about the session changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    pub label: String,
    pub decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// The outcome differs from the traced one.
    pub changes: bool,
    /// The deciding step, or why the trace could not run.
    pub reason: String,
}

/// How SMTP AUTH stands on the service the client reached.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AuthState {
    /// `smtpd_sasl_auth_enable` for the service.
    pub sasl_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sasl_enabled_span: Option<Span>,
    /// `smtpd_tls_auth_only` for the service.
    pub tls_auth_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_auth_only_span: Option<Span>,
    /// The session was encrypted (as the query says, or implicitly on a wrapper-mode port).
    pub session_tls: bool,
    /// The server offered AUTH in this session.
    pub offered: bool,
    /// The client is treated as authenticated.
    pub authenticated: bool,
}

/// Which address class a recipient domain falls in.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DomainClass {
    /// `mydestination`, `virtual_alias_domains`, `virtual_mailbox_domains` or `relay_domains`;
    /// `None` when no visible entry lists the domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Where the matching entry (or the parameter) is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Table or file entries of those parameters whose contents are not in the paste.
    pub unseen: Vec<String>,
}

/// The whole trace: query, steps, decision, what-ifs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelayTrace {
    pub query: RelayQuery,
    /// The `master.cf` service whose settings were used.
    pub service: String,
    /// Whether that service is defined in the pasted `master.cf` (`None`: no `master.cf`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_defined: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_span: Option<Span>,
    /// The Postfix release the defaults are taken for, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Lists in the order `smtpd` evaluates them.
    pub lists: Vec<String>,
    pub steps: Vec<RelayStep>,
    pub decision: Decision,
    /// The reply `smtpd` gives (`554 5.7.1 <x>: Relay access denied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    pub auth: AuthState,
    pub domain: DomainClass,
    pub what_if: Vec<WhatIf>,
    /// The configuration (`main.cf` / `postconf` text) traced.
    pub config_span: Span,
    /// The failure the query was built from, when it came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_span: Option<Span>,
    pub notes: Vec<String>,
}

impl RelayTrace {
    pub fn deciding_step(&self) -> Option<&RelayStep> {
        self.steps.iter().find(|s| s.deciding)
    }
    /// The what-if whose label starts with `label`.
    pub fn what_if(&self, label: &str) -> Option<&WhatIf> {
        self.what_if.iter().find(|w| w.label.starts_with(label))
    }
}

/// Labels of the what-if variants (stable: diagnosis looks them up).
pub const WHAT_IF_AUTH: &str = "the client authenticated";
pub const WHAT_IF_587: &str = "the client used port 587 with STARTTLS";
pub const WHAT_IF_587_AUTH: &str = "the client used port 587 with STARTTLS and authenticated";

/// Traces `query` through `cfg` (and the service's overrides in `master`), with what-ifs.
pub fn trace(cfg: &PostfixConfig, master: Option<&MasterCf>, query: &RelayQuery) -> RelayTrace {
    trace_in(cfg, master, query, &mut Vec::new())
}

/// [`trace`] with what was read of the configuration's services so far (`seen`: one per
/// configuration, kept across traces).
fn trace_in(
    cfg: &PostfixConfig,
    master: Option<&MasterCf>,
    query: &RelayQuery,
    seen: &mut Vec<ServiceLists>,
) -> RelayTrace {
    let mut t = walk(cfg, master, query, seen);
    add_what_ifs(&mut t, cfg, master, query, seen);
    t
}

/// The what-ifs of trace `t` of `query`: the same recipient logged in, and on port 587.
fn add_what_ifs(
    t: &mut RelayTrace,
    cfg: &PostfixConfig,
    master: Option<&MasterCf>,
    query: &RelayQuery,
    seen: &mut Vec<ServiceLists>,
) {
    let mut variants: Vec<(&str, RelayQuery)> = Vec::new();
    if !query.authenticated {
        variants.push((
            WHAT_IF_AUTH,
            RelayQuery {
                authenticated: true,
                ..query.clone()
            },
        ));
    }
    let on_587 = t.service == "submission";
    if !on_587 {
        let moved = RelayQuery {
            port: Some(587),
            service: Some("submission".into()),
            tls: Some(true),
            ..query.clone()
        };
        if !query.authenticated {
            variants.push((WHAT_IF_587, moved.clone()));
        }
        variants.push((
            WHAT_IF_587_AUTH,
            RelayQuery {
                authenticated: true,
                ..moved
            },
        ));
    }
    for (label, q) in variants {
        let w = walk(cfg, master, &q, seen);
        let reason = if w.decision == Decision::Unknown {
            w.notes.first().cloned().unwrap_or_default()
        } else {
            let mut r = match w.deciding_step() {
                Some(s) if w.decision == Decision::Permit => {
                    format!("{} in {} permits: {}", s.restriction, s.list, s.reason)
                }
                Some(s) => format!("{} in {} refuses", s.restriction, s.list),
                None => "no restriction refused the recipient".into(),
            };
            // Why logging in did not help, when it did not.
            if q.authenticated && w.decision != Decision::Permit {
                if let Some(s) = w
                    .steps
                    .iter()
                    .find(|s| s.restriction == "permit_sasl_authenticated" && !s.matched)
                {
                    r.push_str(&format!(
                        "; permit_sasl_authenticated did not match: {}",
                        s.reason
                    ));
                } else {
                    r.push_str("; the lists hold no permit_sasl_authenticated");
                }
            }
            r
        };
        t.what_if.push(WhatIf {
            label: label.to_owned(),
            decision: w.decision,
            changes: w.decision != t.decision && w.decision != Decision::Unknown,
            reply: w.reply,
            reason,
        });
    }
}

/// The service a session on `query`'s port/service reached, and its `-o` overrides.
fn service_of<'m>(
    master: Option<&'m MasterCf>,
    query: &RelayQuery,
) -> (String, Option<&'m Service>, Option<bool>) {
    let by_port = |p: u16| match p {
        587 => "submission",
        465 => "submissions",
        _ => "smtp",
    };
    let name = query
        .service
        .clone()
        .filter(|s| !s.is_empty() && s != "smtpd")
        .unwrap_or_else(|| by_port(query.port.unwrap_or(25)).to_owned());
    let Some(m) = master else {
        return (name, None, None);
    };
    let svc = m
        .service(&name)
        .or_else(|| {
            (name == "submissions")
                .then(|| m.service("smtps"))
                .flatten()
        })
        .or_else(|| query.port.and_then(|p| m.listening_on(p)));
    match svc {
        Some(s) => (s.name.clone(), Some(s), Some(true)),
        None => (name, None, Some(false)),
    }
}

fn yes(v: Option<String>) -> bool {
    crate::checks::postfix::is_yes(v.as_deref())
}

/// Where `name` is set for the service: its `-o` override, else its `main.cf` line.
fn param_span(cfg: &PostfixConfig, ov: &[Override], name: &str) -> Option<Span> {
    ov.iter()
        .rev()
        .find(|o| o.name == name)
        .map(|o| o.span)
        .or_else(|| cfg.get(name).map(|p| p.span))
}

struct Ctx<'a> {
    cfg: &'a PostfixConfig,
    ov: &'a [Override],
    q: &'a RelayQuery,
    auth: AuthState,
    domain: DomainClass,
    /// `mynetworks` as the service reads it (`None`: not known from the paste).
    mynetworks: Option<&'a [NetworkEntry]>,
    steps: Vec<RelayStep>,
    notes: Vec<String>,
}

enum ListResult {
    Permit,
    Refuse(Decision, String),
    Dunno,
}

/// What a walk reads of one service of one configuration that no query changes: the restriction
/// lists in order, smtpd's start-up test, AUTH settings, mynetworks, and the class of each
/// recipient domain asked about. A trace's what-ifs, and the traces of a paste's failures
/// (through [`Joins`]), share it.
struct ServiceLists {
    service: String,
    /// The `master.cf` entry read (`None`: none, main.cf's settings).
    entry: Option<Span>,
    domains: Vec<(String, DomainClass)>,
    lists: Vec<&'static str>,
    restrictions: Vec<Vec<Restriction>>,
    guarded: bool,
    mynetworks: Option<Vec<NetworkEntry>>,
    auth: ServiceAuth,
}

fn service_lists(
    cfg: &PostfixConfig,
    svc: Option<&Service>,
    ov: &[Override],
    service: &str,
) -> ServiceLists {
    let version = cfg.version;
    let has_relay_list = version.is_none_or(|v| v >= Version::new(2, 10, 0));
    let relay_first =
        has_relay_list && yes(cfg.effective_in("smtpd_relay_before_recipient_restrictions", ov));
    // Client, HELO and sender restrictions refuse the same RCPT (at RCPT time with
    // smtpd_delay_reject = yes, earlier without); their defaults are empty.
    let mut lists: Vec<(&'static str, Vec<Restriction>)> = [
        "smtpd_client_restrictions",
        "smtpd_helo_restrictions",
        "smtpd_sender_restrictions",
    ]
    .into_iter()
    .map(|l| (l, cfg.restrictions_in(l, ov)))
    .filter(|(_, rs)| !rs.is_empty())
    .collect();
    let list = |l: &'static str| (l, cfg.restrictions_in(l, ov));
    lists.push(list("smtpd_recipient_restrictions"));
    if has_relay_list {
        if relay_first {
            lists.insert(lists.len() - 1, list("smtpd_relay_restrictions"));
        } else {
            lists.push(list("smtpd_relay_restrictions"));
        }
    }
    let (lists, restrictions) = lists.into_iter().unzip();
    ServiceLists {
        service: service.to_owned(),
        entry: svc.map(|s| s.span),
        domains: Vec::new(),
        lists,
        restrictions,
        // smtpd's own start-up test, the one the `no_unauth_destination_guard` check applies.
        guarded: relay_lists_guarded(cfg, &Smtpd { service: svc }),
        mynetworks: cfg.network_list_in("mynetworks", ov),
        auth: service_auth(cfg, ov, service),
    }
}

fn walk(
    cfg: &PostfixConfig,
    master: Option<&MasterCf>,
    q: &RelayQuery,
    seen: &mut Vec<ServiceLists>,
) -> RelayTrace {
    let (service, svc, defined) = service_of(master, q);
    let ov: &[Override] = svc.map_or(&[][..], |s| &s.overrides[..]);
    let mut notes = Vec::new();
    let mut t = RelayTrace {
        query: q.clone(),
        service: service.clone(),
        service_defined: defined,
        service_span: svc.map(|s| s.span),
        version: cfg.version.map(|v| v.to_string()),
        lists: Vec::new(),
        steps: Vec::new(),
        decision: Decision::Unknown,
        reply: None,
        auth: AuthState::default(),
        domain: DomainClass::default(),
        what_if: Vec::new(),
        config_span: cfg.span,
        failure_span: None,
        notes: Vec::new(),
    };
    if defined == Some(false) && service != "smtp" {
        let commented = master.and_then(|m| m.commented(&service)).is_some();
        t.notes.push(format!(
            "master.cf has no active `{service}` service{}: nothing listens on port {}",
            if commented {
                " (it is there but commented out)"
            } else {
                ""
            },
            q.port.unwrap_or(587)
        ));
        return t;
    }
    if master.is_none() && service != "smtp" {
        notes.push(format!(
            "master.cf is not in the paste: the `{service}` service is assumed to exist with \
             main.cf's settings"
        ));
    }

    let entry = svc.map(|s| s.span);
    let at = match seen
        .iter()
        .position(|s| s.service == service && s.entry == entry)
    {
        Some(i) => i,
        None => {
            seen.push(service_lists(cfg, svc, ov, &service));
            seen.len() - 1
        }
    };
    let Some(sl) = seen.get_mut(at) else { return t };
    let rd = q.recipient_domain();
    let domain = match sl.domains.iter().find(|(d, _)| d == rd) {
        Some((_, c)) => c.clone(),
        None => {
            let c = domain_class(cfg, ov, rd);
            sl.domains.push((rd.to_owned(), c.clone()));
            c
        }
    };
    let sl = &*sl;
    let auth = auth_state(&sl.auth, q);
    let lists = &sl.lists;
    let lists_text = &sl.restrictions;
    let mut ctx = Ctx {
        cfg,
        ov,
        q,
        auth,
        domain,
        mynetworks: sl.mynetworks.as_deref(),
        steps: Vec::new(),
        notes,
    };

    if !sl.guarded {
        t.lists = lists.iter().map(|s| (*s).to_owned()).collect();
        t.auth = ctx.auth;
        t.domain = ctx.domain;
        t.notes.extend(ctx.notes);
        t.notes.push(
            "neither smtpd_relay_restrictions nor smtpd_recipient_restrictions holds \
             reject_unauth_destination (or defer_unauth_destination, reject, defer): smtpd \
             refuses to run with such a configuration, so it answers no RCPT at all"
                .into(),
        );
        return t;
    }

    let mut outcome = (Decision::Permit, Some("250 2.1.5 Ok".to_owned()));
    for (name, rs) in lists.iter().zip(lists_text) {
        match walk_list(&mut ctx, name, rs, 0) {
            ListResult::Refuse(d, reply) => {
                outcome = (d, Some(reply));
                break;
            }
            ListResult::Permit | ListResult::Dunno => {}
        }
    }
    t.lists = lists.iter().map(|s| (*s).to_owned()).collect();
    t.decision = outcome.0;
    t.reply = outcome.1;
    t.steps = ctx.steps;
    t.auth = ctx.auth;
    t.domain = ctx.domain;
    t.notes.extend(ctx.notes);
    t
}

/// How SMTP AUTH stands on a service, as far as its settings tell: whether sessions there are
/// encrypted by the port (wrapper mode) or by requirement (level encrypt), and the AUTH settings.
struct ServiceAuth {
    state: AuthState,
    wrapper: bool,
    tls_required: bool,
}

fn service_auth(cfg: &PostfixConfig, ov: &[Override], service: &str) -> ServiceAuth {
    let sasl_enabled = yes(cfg.effective_in("smtpd_sasl_auth_enable", ov));
    let tls_auth_only = yes(cfg.effective_in("smtpd_tls_auth_only", ov));
    let wrapper = yes(cfg.effective_in("smtpd_tls_wrappermode", ov))
        || matches!(service, "smtps" | "submissions");
    // A service that requires TLS (level encrypt) got to RCPT only over TLS.
    let tls_required = cfg
        .effective_in("smtpd_tls_security_level", ov)
        .is_some_and(|v| v.trim() == "encrypt")
        || yes(cfg.effective_in("smtpd_enforce_tls", ov));
    ServiceAuth {
        state: AuthState {
            sasl_enabled,
            sasl_enabled_span: param_span(cfg, ov, "smtpd_sasl_auth_enable"),
            tls_auth_only,
            tls_auth_only_span: param_span(cfg, ov, "smtpd_tls_auth_only"),
            ..AuthState::default()
        },
        wrapper,
        tls_required,
    }
}

/// The service's AUTH state for one session.
fn auth_state(sa: &ServiceAuth, q: &RelayQuery) -> AuthState {
    let session_tls = sa.wrapper || q.tls == Some(true) || (q.tls.is_none() && sa.tls_required);
    let offered = sa.state.sasl_enabled && (!sa.state.tls_auth_only || session_tls);
    AuthState {
        session_tls,
        offered,
        authenticated: q.authenticated && offered,
        ..sa.state.clone()
    }
}

/// The class a recipient domain belongs to in `cfg` (with a service's overrides).
pub fn domain_class(cfg: &PostfixConfig, ov: &[Override], domain: &str) -> DomainClass {
    let mut out = DomainClass::default();
    if domain.is_empty() {
        return out;
    }
    let subdomains_of_relay = cfg
        .list_in("parent_domain_matches_subdomains", ov)
        .iter()
        .any(|i| i.text == "relay_domains");
    for class in [
        "mydestination",
        "virtual_alias_domains",
        "virtual_mailbox_domains",
        "relay_domains",
    ] {
        for item in cfg.list_in(class, ov) {
            let text = item.text.as_str();
            if table_ref(text).is_some() || text.starts_with('/') {
                out.unseen.push(format!("{class}: {text}"));
                continue;
            }
            // Postfix's default mydomain is myhostname without its first label.
            let derived;
            let text = match (text.contains("mydomain"), derived_mydomain(cfg, ov)) {
                (true, Some(d)) => {
                    derived = text.replace("${mydomain}", &d).replace("$mydomain", &d);
                    derived.as_str()
                }
                _ => text,
            };
            if text.contains('$') {
                out.unseen.push(format!("{class}: {text}"));
                continue;
            }
            let pat = text.to_ascii_lowercase();
            let d = domain.to_ascii_lowercase();
            let hit = match pat.strip_prefix('.') {
                Some(parent) => d.ends_with(&format!(".{parent}")),
                None => {
                    d == pat
                        || (class == "relay_domains"
                            && subdomains_of_relay
                            && d.ends_with(&format!(".{pat}")))
                }
            };
            if hit {
                out.class = Some(class.to_owned());
                out.span = item.span.or_else(|| cfg.get(class).map(|p| p.span));
                return out;
            }
        }
    }
    out
}

/// `mydomain` when it is not set: `myhostname` without its first label (as Postfix derives it).
fn derived_mydomain(cfg: &PostfixConfig, ov: &[Override]) -> Option<String> {
    if cfg.effective_in("mydomain", ov).is_some() {
        return None;
    }
    let host = cfg.effective_in("myhostname", ov)?;
    let (_, d) = host.split_once('.')?;
    (d.contains('.') && !d.contains('$')).then(|| d.to_owned())
}

fn is_restriction_class(cfg: &PostfixConfig, name: &str) -> bool {
    cfg.list("smtpd_restriction_classes")
        .iter()
        .any(|i| i.text == name)
        || (cfg.is_explicit(name) && params::info(name).is_none() && !name.contains(':'))
}

/// Restrictions smtpd knows whose outcome depends on what the failure does not tell (DNS, the
/// sender, HELO, tables): evaluated as "assumed no match".
const UNDECIDABLE: &[&str] = &[
    "reject_unknown_recipient_domain",
    "reject_unlisted_recipient",
    "reject_unverified_recipient",
    "reject_unknown_sender_domain",
    "reject_unlisted_sender",
    "reject_unverified_sender",
    "reject_non_fqdn_sender",
    "reject_unknown_client_hostname",
    "reject_unknown_reverse_client_hostname",
    "reject_unknown_client",
    "reject_unknown_helo_hostname",
    "reject_invalid_helo_hostname",
    "reject_non_fqdn_helo_hostname",
    "reject_invalid_hostname",
    "reject_non_fqdn_hostname",
    "reject_unknown_hostname",
    "reject_sender_login_mismatch",
    "reject_authenticated_sender_login_mismatch",
    "reject_known_sender_login_mismatch",
    "reject_unauthenticated_sender_login_mismatch",
    "reject_multi_recipient_bounce",
    "reject_unauth_pipelining",
    "permit_mx_backup",
    "permit_inet_interfaces",
    "permit_naked_ip_address",
    "permit_tls_clientcerts",
    "permit_tls_all_clientcerts",
    "reject_unknown_address",
    "reject_rbl_client",
    "reject_rhsbl_client",
    "reject_rhsbl_sender",
    "reject_rhsbl_recipient",
    "reject_rhsbl_helo",
    "reject_rhsbl_reverse_client",
    "permit_dnswl_client",
    "permit_rhswl_client",
    "reject_rbl",
    "reject_rhsbl",
    "check_policy_service",
    "sleep",
    "warn_if_reject",
    "defer_if_permit",
    "defer_if_reject",
    "reject_maps_rbl",
    "permit_auth_destination",
];

fn step(
    ctx: &mut Ctx,
    list: &str,
    r: &Restriction,
    matched: bool,
    assumed: bool,
    reason: String,
) -> usize {
    let restriction = match r.arg() {
        Some(a) => format!("{} {a}", r.name),
        None => r.name.clone(),
    };
    ctx.steps.push(RelayStep {
        list: list.to_owned(),
        restriction,
        matched,
        assumed,
        reason,
        start: r.span.map(|s| s.start),
        end: r.span.map(|s| s.end),
        deciding: false,
    });
    ctx.steps.len() - 1
}

fn code_of(ctx: &Ctx, param: &str, fallback: u16) -> u16 {
    ctx.cfg
        .effective_in(param, ctx.ov)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(fallback)
}

fn walk_list(ctx: &mut Ctx, list: &str, rs: &[Restriction], depth: usize) -> ListResult {
    if rs.is_empty() && depth == 0 {
        ctx.notes.push(format!(
            "{list} is empty: it permits nothing and refuses nothing"
        ));
    }
    let rcpt = ctx.q.recipient.clone();
    let domain = ctx.q.recipient_domain().to_owned();
    for r in rs {
        if ctx.steps.len() >= MAX_STEPS {
            if !ctx.notes.iter().any(|n| n.starts_with("trace stopped")) {
                ctx.notes.push(format!(
                    "trace stopped after {MAX_STEPS} steps (restriction classes that name each \
                     other)"
                ));
            }
            return ListResult::Dunno;
        }
        let name = r.name.as_str();
        let refuse = |ctx: &mut Ctx, i: usize, d: Decision, reply: String| {
            if let Some(s) = ctx.steps.get_mut(i) {
                s.deciding = true;
            }
            ListResult::Refuse(d, reply)
        };
        match name {
            "permit_mynetworks" => {
                let (m, assumed, why) = mynetworks_match(ctx);
                step(ctx, list, r, m, assumed, why);
                if m {
                    return ListResult::Permit;
                }
            }
            "permit_sasl_authenticated" => {
                let a = &ctx.auth;
                let why = if a.authenticated {
                    match &ctx.q.sasl_username {
                        Some(u) => format!("the client logged in as {u}"),
                        None => "the client logged in".into(),
                    }
                } else if !a.sasl_enabled {
                    "SMTP AUTH is off on this service (smtpd_sasl_auth_enable = no), so no client \
                     can log in"
                        .into()
                } else if !a.offered {
                    let tried = if ctx.q.authenticated {
                        "the client would log in, but "
                    } else {
                        ""
                    };
                    format!(
                        "{tried}AUTH is offered only after STARTTLS (smtpd_tls_auth_only = yes) and \
                         this session {}",
                        if ctx.q.tls.is_none() {
                            "is not known to use TLS (assumed plain)"
                        } else {
                            "is not encrypted"
                        }
                    )
                } else {
                    "the client did not log in".into()
                };
                let m = ctx.auth.authenticated;
                let assumed = !m && ctx.auth.tls_auth_only && ctx.q.tls.is_none();
                step(ctx, list, r, m, assumed, why);
                if m {
                    return ListResult::Permit;
                }
            }
            "reject_unauth_destination" | "defer_unauth_destination" | "check_relay_domains" => {
                let d = ctx.domain.clone();
                let (hit, assumed, why) = match &d.class {
                    Some(c) => (
                        false,
                        false,
                        format!("{domain} is listed in {c}: Postfix accepts mail for it"),
                    ),
                    None if !d.unseen.is_empty() => (
                        true,
                        true,
                        format!(
                            "{domain} is in none of mydestination, virtual_alias_domains, \
                             virtual_mailbox_domains, relay_domains as far as the paste shows \
                             (assumed absent from what it does not show: {})",
                            d.unseen.join(", ")
                        ),
                    ),
                    None => (
                        true,
                        false,
                        format!(
                            "{domain} is in none of mydestination, virtual_alias_domains, \
                             virtual_mailbox_domains, relay_domains: relaying to it needs a \
                             permit earlier in the lists"
                        ),
                    ),
                };
                let i = step(ctx, list, r, hit, assumed, why);
                if hit {
                    let reply = if name == "defer_unauth_destination" {
                        format!("454 4.7.1 <{rcpt}>: Relay access denied")
                    } else {
                        format!(
                            "{} 5.7.1 <{rcpt}>: Relay access denied",
                            code_of(ctx, "relay_domains_reject_code", 554)
                        )
                    };
                    let d = if reply.starts_with('4') {
                        Decision::Defer
                    } else {
                        Decision::Reject
                    };
                    return refuse(ctx, i, d, reply);
                }
            }
            "permit_auth_destination" => {
                let m = ctx.domain.class.is_some();
                let why = match &ctx.domain.class {
                    Some(c) => format!("{domain} is listed in {c}"),
                    None => format!("{domain} is not a local, virtual or relay domain"),
                };
                step(ctx, list, r, m, false, why);
                if m {
                    return ListResult::Permit;
                }
            }
            "permit" => {
                step(ctx, list, r, true, false, "always matches".into());
                return ListResult::Permit;
            }
            "reject" => {
                let i = step(ctx, list, r, true, false, "always matches".into());
                let code = code_of(ctx, "reject_code", 554);
                let reply = format!("{code} 5.7.1 {}: Access denied", rejected_what(ctx, list));
                let d = if code / 100 == 4 {
                    Decision::Defer
                } else {
                    Decision::Reject
                };
                return refuse(ctx, i, d, reply);
            }
            "defer" => {
                let i = step(ctx, list, r, true, false, "always matches".into());
                let code = code_of(ctx, "defer_code", 450);
                let reply = format!("{code} 4.7.1 {}: Access denied", rejected_what(ctx, list));
                return refuse(ctx, i, Decision::Defer, reply);
            }
            "reject_non_fqdn_recipient" => {
                let m = !domain.contains('.');
                let why = if m {
                    format!("{rcpt} has no fully qualified domain")
                } else {
                    format!("{domain} is fully qualified")
                };
                let i = step(ctx, list, r, m, false, why);
                if m {
                    let code = code_of(ctx, "non_fqdn_reject_code", 504);
                    let reply = format!(
                        "{code} 5.5.2 <{rcpt}>: Recipient address rejected: need fully-qualified \
                         address"
                    );
                    return refuse(ctx, i, Decision::Reject, reply);
                }
            }
            "reject_non_fqdn_sender"
            | "reject_non_fqdn_helo_hostname"
            | "reject_non_fqdn_hostname"
                if (name == "reject_non_fqdn_sender" && ctx.q.sender.is_some())
                    || (name != "reject_non_fqdn_sender" && ctx.q.helo.is_some()) =>
            {
                let (what, value, part) = if name == "reject_non_fqdn_sender" {
                    let s = ctx.q.sender.clone().unwrap_or_default();
                    let d = s
                        .rsplit_once('@')
                        .map_or(String::new(), |(_, d)| d.to_owned());
                    ("sender", s, d)
                } else {
                    let h = ctx.q.helo.clone().unwrap_or_default();
                    ("HELO name", h.clone(), h)
                };
                // The null sender `<>` is always allowed.
                let m = !value.is_empty() && !part.trim_end_matches('.').contains('.');
                let why = if m {
                    format!("the {what} {value} is not fully qualified")
                } else {
                    format!("the {what} {value} is fully qualified (or empty)")
                };
                let i = step(ctx, list, r, m, false, why);
                if m {
                    let code = code_of(ctx, "non_fqdn_reject_code", 504);
                    let reply = if what == "sender" {
                        format!(
                            "{code} 5.5.2 <{value}>: Sender address rejected: need \
                             fully-qualified address"
                        )
                    } else {
                        format!(
                            "{code} 5.5.2 <{value}>: Helo command rejected: need \
                             fully-qualified hostname"
                        )
                    };
                    return refuse(ctx, i, Decision::Reject, reply);
                }
            }
            "reject_plaintext_session" => {
                let m = !ctx.auth.session_tls;
                let why = if m {
                    "the session is not encrypted".into()
                } else {
                    "the session is encrypted".to_owned()
                };
                let i = step(ctx, list, r, m, ctx.q.tls.is_none(), why);
                if m {
                    let code = code_of(ctx, "plaintext_reject_code", 450);
                    return refuse(
                        ctx,
                        i,
                        Decision::Defer,
                        format!("{code} 4.7.1 Session encryption is required"),
                    );
                }
            }
            _ if r.is_table() || (name.starts_with("check_") && name.ends_with("_access")) => {
                let table = if r.is_table() {
                    name
                } else {
                    r.arg().unwrap_or("?")
                };
                step(
                    ctx,
                    list,
                    r,
                    false,
                    true,
                    format!(
                        "depends on the contents of {table}, which are not in the paste; \
                         assumed no match"
                    ),
                );
            }
            _ if UNDECIDABLE.contains(&name) => {
                let why = if name.contains("rbl")
                    || name.contains("dnswl")
                    || name.contains("rhswl")
                {
                    "depends on a DNS list at the time of the session; assumed not listed"
                        .to_owned()
                } else if name == "check_policy_service" {
                    "depends on the policy service's answer; assumed no decision".into()
                } else {
                    "depends on details of the session the paste does not show; assumed no match"
                        .into()
                };
                step(ctx, list, r, false, true, why);
            }
            _ if depth >= MAX_CLASS_DEPTH && is_restriction_class(ctx.cfg, name) => {
                step(
                    ctx,
                    list,
                    r,
                    false,
                    true,
                    format!(
                        "restriction classes nested deeper than {MAX_CLASS_DEPTH}: not followed"
                    ),
                );
            }
            _ if is_restriction_class(ctx.cfg, name) => {
                let inner = ctx.cfg.restrictions_in(name, ctx.ov);
                step(
                    ctx,
                    list,
                    r,
                    false,
                    false,
                    format!("restriction class: its {} restrictions follow", inner.len()),
                );
                match walk_list(ctx, name, &inner, depth + 1) {
                    ListResult::Dunno => {}
                    other => return other,
                }
            }
            _ => {
                let i = step(
                    ctx,
                    list,
                    r,
                    true,
                    false,
                    format!(
                        "`{name}` is not a restriction smtpd knows: it answers with a \
                         configuration error"
                    ),
                );
                return refuse(
                    ctx,
                    i,
                    Decision::Defer,
                    "451 4.3.5 Server configuration error".into(),
                );
            }
        }
    }
    ListResult::Dunno
}

/// The object of a generic refusal, as smtpd names it for each list.
fn rejected_what(ctx: &Ctx, list: &str) -> String {
    let q = ctx.q;
    match list {
        "smtpd_client_restrictions" => format!(
            "<{}[{}]>: Client host rejected",
            q.client_host.as_deref().unwrap_or("unknown"),
            q.client_ip.as_deref().unwrap_or("")
        ),
        "smtpd_helo_restrictions" => {
            format!(
                "<{}>: Helo command rejected",
                q.helo.as_deref().unwrap_or("")
            )
        }
        "smtpd_sender_restrictions" => format!(
            "<{}>: Sender address rejected",
            q.sender.as_deref().unwrap_or("")
        ),
        _ => format!("<{}>: Recipient address rejected", q.recipient),
    }
}

/// `permit_mynetworks` for the query's client: (matched, assumed, reason).
fn mynetworks_match(ctx: &Ctx) -> (bool, bool, String) {
    let Some(ip_text) = ctx.q.client_ip.as_deref() else {
        return (
            false,
            true,
            "the client's address is not in the paste; assumed outside mynetworks".into(),
        );
    };
    let Some(ip) = parse_ip(ip_text) else {
        return (
            false,
            true,
            format!("{ip_text} is not an address; assumed outside mynetworks"),
        );
    };
    match ctx.mynetworks {
        Some(nets) => match list_contains(nets, ip) {
            Some(true) => {
                let e = nets
                    .iter()
                    .find(|e| e.cidr().is_some_and(|c| c.contains(ip)));
                (
                    true,
                    false,
                    format!(
                        "{ip} is in mynetworks{}",
                        e.map(|e| format!(" ({})", e.text)).unwrap_or_default()
                    ),
                )
            }
            Some(false) => (
                false,
                false,
                format!("{ip} is not in mynetworks = {}", net_texts(nets)),
            ),
            None => {
                let blocks: Vec<NetworkEntry> = nets
                    .iter()
                    .filter(|e| e.cidr().is_some())
                    .cloned()
                    .collect();
                let m = list_contains(&blocks, ip) == Some(true);
                (
                    m,
                    true,
                    format!(
                        "mynetworks holds tables, files or host names whose contents are not in \
                         the paste; its address blocks {} {ip}",
                        if m { "hold" } else { "do not hold" }
                    ),
                )
            }
        },
        None => {
            let style = ctx
                .cfg
                .effective_in("mynetworks_style", ctx.ov)
                .unwrap_or_else(|| "host".into());
            if ip.is_loopback() {
                (
                    true,
                    false,
                    format!(
                        "mynetworks is not set; with mynetworks_style = {style} it holds the \
                         server's own addresses, {ip} among them"
                    ),
                )
            } else {
                (
                    false,
                    true,
                    format!(
                        "mynetworks is not set; with mynetworks_style = {style} it is derived \
                         from the server's own interfaces, which the paste does not show; \
                         assumed not to hold {ip}"
                    ),
                )
            }
        }
    }
}

fn net_texts(nets: &[NetworkEntry]) -> String {
    let v: Vec<&str> = nets.iter().map(|e| e.text.as_str()).collect();
    if v.is_empty() {
        "(empty)".into()
    } else {
        v.join(" ")
    }
}

/// Whether the refusal came from the pasted server's own SMTP service: a client dialog, a
/// transcript, or an `smtpd` log line. A bounce or a Postfix *client* log line (`postfix/smtp`:
/// "host mx.example.com said: 554 … Relay access denied") reports a remote server's refusal,
/// which the local config does not decide.
pub fn refused_by_own_smtpd(f: &Failure) -> bool {
    use crate::report::SegmentKind;
    match f.source {
        Some(SegmentKind::ClientError) | Some(SegmentKind::SmtpTranscript) => true,
        Some(SegmentKind::MailLog) => f
            .reporter
            .as_deref()
            .is_none_or(|r| r.ends_with("smtpd") || r.ends_with("postscreen")),
        None => true,
        _ => false,
    }
}

/// Whether a failure is a relay refusal a trace can explain.
pub fn is_relay_failure(f: &Failure) -> bool {
    crate::text::contains_lower(&f.text, "relay access denied")
}

/// The recipient address a failure names: its own, else the first `<…>` of its text.
fn failure_recipient(f: &Failure) -> Option<&str> {
    f.recipient
        .as_deref()
        .or_else(|| {
            f.text
                .split_once('<')
                .and_then(|(_, r)| r.split_once('>'))
                .map(|(a, _)| a)
        })
        .filter(|r| r.contains('@'))
}

/// The query a failure describes. `None` without a recipient address.
pub fn query_from_failure(f: &Failure) -> Option<RelayQuery> {
    let recipient = failure_recipient(f)?.to_owned();
    Some(RelayQuery {
        client_ip: f.client_ip.clone(),
        client_host: f.client_host.clone(),
        authenticated: f.logged_in(),
        sasl_username: f.sasl_username.clone().filter(|_| f.logged_in()),
        port: f.port,
        service: f.service.clone(),
        tls: f.tls,
        sender: f.sender.clone(),
        helo: f.helo.clone(),
        recipient,
    })
}

/// Byte distance between two spans (0 when they overlap).
fn gap(a: Span, b: Span) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        // `a` after `b`, or overlapping (0).
        a.start.saturating_sub(b.end)
    }
}

/// How far a config is from a failure for joining them: people describe what failed, then
/// paste the config ("here is my postconf -n"), so a config before the failure counts three
/// times its distance.
fn reading_distance(config: Span, failure: Span) -> usize {
    let d = gap(config, failure);
    if config.end <= failure.start {
        d.saturating_mul(3)
    } else {
        d
    }
}

/// The Postfix configuration that goes with `near` in the paste (see [`reading_distance`]).
pub fn nearest_config(facts: &Facts, near: Span) -> Option<usize> {
    nearest(&facts.postfix, |c| c.span, near, reading_distance)
}

/// The master.cf that goes with a main.cf at `near`: the nearest one in the paste.
pub(crate) fn nearest_master(facts: &Facts, near: Span) -> Option<&MasterCf> {
    nearest(&facts.master, |m| m.span, near, gap).map(|i| &facts.master[i])
}

/// The index of the item nearest to `near` by `distance`, for items in paste order (segments
/// never overlap). Distance grows with the gap on either side, so only the last item before
/// `near` and the first one from it on can be nearest: a binary search, not a scan, since a
/// large paste asks this for every failure and every config.
fn nearest<T>(
    items: &[T],
    span_of: impl Fn(&T) -> Span,
    near: Span,
    distance: fn(Span, Span) -> usize,
) -> Option<usize> {
    let i = items.partition_point(|x| span_of(x).end <= near.start);
    [i.checked_sub(1), (i < items.len()).then_some(i)]
        .into_iter()
        .flatten()
        .min_by_key(|&k| distance(span_of(&items[k]), near))
}

/// Most configurations a failure is traced against.
const MAX_CONFIGS: usize = 16;

/// A relay failure joined with the configuration that explains it.
#[derive(Clone, Debug)]
pub struct RelayJoin {
    pub trace: RelayTrace,
    /// Index into `facts.postfix`.
    pub config: usize,
    /// The failure, with what another source in the paste tells about the same rejection (a
    /// client dialog's port and TLS, a log line's client address and service).
    pub failure: Failure,
}

impl RelayJoin {
    /// The trace gives the outcome the failure reports.
    pub fn reproduces(&self) -> bool {
        reproduces(&self.trace, &self.failure)
    }
}

/// The trace refuses the way the failure says: same class, and a relay refusal for a relay
/// refusal (not a client or sender restriction).
fn reproduces(t: &RelayTrace, f: &Failure) -> bool {
    t.decision == wanted(f)
        && (!is_relay_failure(f)
            || t.reply
                .as_deref()
                .is_some_and(|r| crate::text::contains_lower(r, "relay access denied")))
}

fn wanted(f: &Failure) -> Decision {
    let class = f
        .reply_code
        .map(|c| c / 100)
        .or_else(|| f.status.as_deref().and_then(|s| s.get(..1)?.parse().ok()));
    if class == Some(4) {
        Decision::Defer
    } else {
        Decision::Reject
    }
}

fn same_address(a: Option<&str>, b: Option<&str>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
}

/// `f` completed with what other failures of the same recipient say (the dialog knows the port,
/// the log line the client's address).
fn merged(facts: &Facts, f: &Failure) -> Failure {
    let mut out = f.clone();
    let Some(rcpt) = failure_recipient(f) else {
        return out;
    };
    for o in facts
        .failures
        .iter()
        .filter(|o| is_relay_failure(o) && *o != f)
    {
        if !same_address(Some(rcpt), failure_recipient(o)) {
            continue;
        }
        out.client_ip = out.client_ip.or_else(|| o.client_ip.clone());
        out.client_host = out.client_host.or_else(|| o.client_host.clone());
        out.service = out.service.or_else(|| o.service.clone());
        out.sasl_username = out.sasl_username.or_else(|| o.sasl_username.clone());
        out.helo = out.helo.or_else(|| o.helo.clone());
        out.sender = out.sender.or_else(|| o.sender.clone());
        out.port = out.port.or(o.port);
        out.tls = out.tls.or(o.tls);
    }
    out
}

/// Traces a relay failure against the paste's Postfix configurations and keeps the one that
/// reproduces it (nearest first among equals). `None` for other failures, without a recipient,
/// or without a configuration.
pub fn join(facts: &Facts, f: &Failure) -> Option<RelayJoin> {
    join_in(facts, f, &mut Vec::new())
}

/// [`join`] with what was read of each configuration's services so far (`seen[i]` for
/// `facts.postfix[i]`).
fn join_in(facts: &Facts, f: &Failure, seen: &mut Vec<Vec<ServiceLists>>) -> Option<RelayJoin> {
    if !is_relay_failure(f) || !refused_by_own_smtpd(f) || facts.postfix.is_empty() {
        return None;
    }
    let f = merged(facts, f);
    let q = query_from_failure(&f)?;
    // The configuration kept is the nearest (by reading distance, then paste order) whose plain
    // walk reproduces the failure, else the nearest: walked nearest first, the first that
    // reproduces it ends the search, and only the one kept gets its what-ifs.
    let mut order: Vec<(usize, usize)> = facts
        .postfix
        .iter()
        .enumerate()
        .take(MAX_CONFIGS)
        .map(|(i, cfg)| (reading_distance(cfg.span, f.span), i))
        .collect();
    crate::text::sort(&mut order);
    let mut nearest: Option<(usize, RelayTrace)> = None;
    let mut kept: Option<(usize, RelayTrace)> = None;
    for (_, i) in order {
        let Some(cfg) = facts.postfix.get(i) else {
            continue;
        };
        if seen.len() <= i {
            seen.resize_with(i + 1, Vec::new);
        }
        let master = nearest_master(facts, cfg.span);
        let mut t = walk(cfg, master, &q, &mut seen[i]);
        t.failure_span = Some(f.span);
        if reproduces(&t, &f) {
            kept = Some((i, t));
            break;
        }
        if nearest.is_none() {
            nearest = Some((i, t));
        }
    }
    let (i, mut t) = kept.or(nearest)?;
    let cfg = facts.postfix.get(i)?;
    let master = nearest_master(facts, cfg.span);
    add_what_ifs(&mut t, cfg, master, &q, &mut seen[i]);
    Some(RelayJoin {
        trace: t,
        config: i,
        failure: f.clone(),
    })
}

/// How much a failure tells a trace: a dialog's port and TLS, then a client address.
fn informative(f: &Failure) -> u8 {
    u8::from(f.port.is_some()) + u8::from(f.tls.is_some()) + u8::from(f.client_ip.is_some())
}

/// The relay failure that tells the most, among the first `limit` of `failures`.
pub fn most_informative<'a>(
    failures: impl Iterator<Item = &'a Failure>,
    limit: usize,
) -> Option<&'a Failure> {
    let mut best: Option<&Failure> = None;
    for f in failures
        .filter(|f| {
            is_relay_failure(f) && refused_by_own_smtpd(f) && failure_recipient(f).is_some()
        })
        .take(limit)
    {
        if best.is_none_or(|b| informative(f) > informative(b)) {
            best = Some(f);
        }
    }
    best
}

/// Joins already made for a paste's failures: a finding's diagnosis and the report's trace ask
/// for the same failure, and each join traces every configuration up to four times.
#[derive(Default)]
pub struct Joins {
    done: Vec<(Failure, Option<RelayJoin>)>,
    /// What the traces read of each configuration's services.
    seen: Vec<Vec<ServiceLists>>,
}

impl Joins {
    /// [`join`], made once per failure.
    pub fn join(&mut self, facts: &Facts, f: &Failure) -> Option<&RelayJoin> {
        let i = match self.done.iter().position(|(d, _)| d == f) {
            Some(i) => i,
            None => {
                let j = join_in(facts, f, &mut self.seen);
                self.done.push((f.clone(), j));
                self.done.len() - 1
            }
        };
        self.done.get(i).and_then(|(_, j)| j.as_ref())
    }
}

/// The trace shown with the report: for the most informative relay failure of the paste.
pub fn paste_trace(facts: &Facts) -> Option<RelayTrace> {
    paste_trace_in(facts, &mut Joins::default())
}

/// [`paste_trace`] reusing the joins the diagnosis made.
pub fn paste_trace_in(facts: &Facts, joins: &mut Joins) -> Option<RelayTrace> {
    let f = most_informative(facts.failures.iter(), 64)?;
    joins.join(facts, f).map(|j| j.trace.clone())
}

/// A trace of `query` against a paste's first Postfix configuration (with the nearest
/// `master.cf`): "would this client, logged in or not, on this port, get this recipient
/// through?" `None` when the paste holds no Postfix configuration.
pub fn what_if(input: &str, opts: &crate::Options, query: &RelayQuery) -> Option<RelayTrace> {
    let (segments, _) = crate::segment::segment(input);
    let (facts, _) = crate::facts::gather(input, &segments, opts);
    let cfg = facts.postfix.first()?;
    Some(trace(cfg, nearest_master(&facts, cfg.span), query))
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_by_binary_search_equals_a_scan_of_every_item() {
        // Items in paste order, as segments are; probes before, between, inside and after them.
        let items: Vec<Span> = (0..9).map(|k| Span::new(k * 100, k * 100 + 40)).collect();
        for near_start in (0..1000).step_by(7) {
            let near = Span::new(near_start, near_start + 5);
            for distance in [gap as fn(Span, Span) -> usize, reading_distance] {
                let scan = items
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, s)| distance(**s, near))
                    .map(|(i, _)| i);
                let got = nearest(&items, |s| *s, near, distance);
                assert_eq!(
                    got.map(|i| distance(items[i], near)),
                    scan.map(|i| distance(items[i], near)),
                    "at {near_start}"
                );
            }
        }
        assert_eq!(nearest(&[] as &[Span], |s| *s, Span::new(0, 1), gap), None);
    }

    use super::*;
    use crate::postfix::{parse_main_cf, parse_master_cf};
    use crate::report::SegmentKind;
    use crate::Options;

    fn cfg(text: &str) -> PostfixConfig {
        parse_main_cf(text, 0, SegmentKind::PostconfN, &Options::default()).0
    }

    fn q(ip: &str, rcpt: &str) -> RelayQuery {
        RelayQuery {
            client_ip: Some(ip.into()),
            recipient: rcpt.into(),
            ..Default::default()
        }
    }

    const BASE: &str = "mail_version = 3.8.4\ncompatibility_level = 3.6\nmyhostname = mx.example.net\nmydomain = example.net\nmydestination = $myhostname, localhost.$mydomain, localhost, $mydomain\nmynetworks = 127.0.0.0/8 [::1]/128 192.0.2.0/24\nsmtpd_sasl_auth_enable = yes\n";

    #[test]
    fn remote_domain_from_outside_is_relay_denied_at_the_deciding_step() {
        let c = cfg(&format!(
            "{BASE}smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n"
        ));
        let t = trace(&c, None, &q("203.0.113.9", "a@example.org"));
        assert_eq!(t.decision, Decision::Reject);
        assert_eq!(
            t.reply.as_deref(),
            Some("554 5.7.1 <a@example.org>: Relay access denied")
        );
        assert_eq!(
            t.lists,
            ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
        );
        let d = t.deciding_step().unwrap();
        assert_eq!(d.restriction, "reject_unauth_destination");
        assert_eq!(d.list, "smtpd_relay_restrictions");
        let text = BASE.len() + "smtpd_relay_restrictions = ".len();
        assert!(d.start.unwrap() > text, "span into the paste");
        assert!(!t.steps[0].matched && !t.steps[1].matched);
        // What-ifs: logging in changes it; port 587 without login does not.
        assert!(t.what_if(WHAT_IF_AUTH).unwrap().changes);
        assert_eq!(t.what_if(WHAT_IF_587).unwrap().decision, Decision::Reject);
        assert_eq!(
            t.what_if(WHAT_IF_587_AUTH).unwrap().decision,
            Decision::Permit
        );
    }

    #[test]
    fn local_domain_and_mynetworks_clients_are_accepted() {
        let c = cfg(BASE);
        let t = trace(&c, None, &q("203.0.113.9", "u@example.net"));
        assert_eq!(t.decision, Decision::Permit);
        assert_eq!(t.domain.class.as_deref(), Some("mydestination"));
        let t = trace(&c, None, &q("192.0.2.44", "a@example.org"));
        assert_eq!(t.decision, Decision::Permit);
        assert!(t.steps[0].matched, "{:?}", t.steps);
    }

    #[test]
    fn defaults_by_version_and_level() {
        // 3.x at level 0: empty relay list, recipient list first, default empty → refuses to run.
        let c = cfg("mail_version = 3.7.2\nmynetworks = 127.0.0.0/8\n");
        let t = trace(&c, None, &q("203.0.113.9", "a@example.org"));
        assert_eq!(
            t.lists,
            ["smtpd_recipient_restrictions", "smtpd_relay_restrictions"]
        );
        assert!(
            t.notes.iter().any(|n| n.contains("refuses to run")),
            "{:?}",
            t.notes
        );
        // Level 2: the safety net defaults in, defer_unauth_destination → 454.
        let c = cfg("mail_version = 3.7.2\ncompatibility_level = 2\nmynetworks = 127.0.0.0/8\n");
        let t = trace(&c, None, &q("203.0.113.9", "a@example.org"));
        assert_eq!(t.decision, Decision::Defer);
        assert_eq!(
            t.reply.as_deref(),
            Some("454 4.7.1 <a@example.org>: Relay access denied")
        );
        assert!(t.deciding_step().unwrap().start.is_none(), "from a default");
        // 2.9: only the recipient list, its old default rejects.
        let c = cfg("mail_version = 2.9.6\nmynetworks = 127.0.0.0/8\n");
        let t = trace(&c, None, &q("203.0.113.9", "a@example.org"));
        assert_eq!(t.lists, ["smtpd_recipient_restrictions"]);
        assert_eq!(t.decision, Decision::Reject);
        // 3.6 at level 3.6: relay list first.
        let c = cfg("mail_version = 3.6.4\ncompatibility_level = 3.6\n");
        let t = trace(&c, None, &q("203.0.113.9", "a@example.org"));
        assert_eq!(t.lists[0], "smtpd_relay_restrictions");
        let c = cfg("mail_version = 3.6.4\ncompatibility_level = 3.6\nsmtpd_relay_before_recipient_restrictions = no\n");
        assert_eq!(
            trace(&c, None, &q("203.0.113.9", "a@example.org")).lists[0],
            "smtpd_recipient_restrictions"
        );
    }

    #[test]
    fn tls_auth_only_hides_auth_on_plain_port_25() {
        let c = cfg(&format!(
            "{BASE}smtpd_tls_auth_only = yes\nsmtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination\n"
        ));
        let mut query = q("198.51.100.20", "x@example.com");
        query.port = Some(25);
        query.tls = Some(false);
        let t = trace(&c, None, &query);
        assert_eq!(t.decision, Decision::Reject);
        assert!(!t.auth.offered && t.auth.tls_auth_only);
        assert!(t.auth.tls_auth_only_span.is_some());
        let w = t.what_if(WHAT_IF_AUTH).unwrap();
        assert!(!w.changes, "still no AUTH without TLS: {w:?}");
        assert!(w.reason.contains("STARTTLS"), "{}", w.reason);
        let w = t.what_if(WHAT_IF_587_AUTH).unwrap();
        assert_eq!(w.decision, Decision::Permit);
        assert!(w.changes);
    }

    #[test]
    fn sasl_only_where_the_service_enables_it() {
        let c = cfg("mail_version = 3.8.1\ncompatibility_level = 3.6\nmynetworks = 127.0.0.0/8\n");
        let (m, _) = parse_master_cf(
            "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\n",
            500,
        );
        let mut query = q("203.0.113.9", "a@example.org");
        query.authenticated = true;
        let t = trace(&c, Some(&m), &query);
        assert_eq!(t.service, "smtp");
        assert_eq!(
            t.decision,
            Decision::Defer,
            "no AUTH on port 25: {:?}",
            t.steps
        );
        assert!(!t.auth.sasl_enabled);
        query.port = Some(587);
        query.tls = Some(true);
        let t = trace(&c, Some(&m), &query);
        assert_eq!(t.service, "submission");
        assert_eq!(t.service_defined, Some(true));
        assert_eq!(t.decision, Decision::Permit);
        assert!(
            t.auth.sasl_enabled_span.unwrap().start >= 500,
            "the -o line"
        );
        // No submission service: the what-if says the port is closed.
        let (m, _) = parse_master_cf(
            "smtp inet n - y - - smtpd\n#submission inet n - y - - smtpd\n",
            0,
        );
        let t = trace(&c, Some(&m), &q("203.0.113.9", "a@example.org"));
        let w = t.what_if(WHAT_IF_587_AUTH).unwrap();
        assert_eq!(w.decision, Decision::Unknown);
        assert!(w.reason.contains("commented out"), "{}", w.reason);
    }

    #[test]
    fn permit_reject_defer_tables_rbl_and_classes() {
        let c = cfg(&format!(
            "{BASE}smtpd_restriction_classes = strict\nstrict = reject\nsmtpd_relay_restrictions = check_client_access hash:/etc/postfix/clients, reject_rbl_client zen.example.net, permit_auth_destination, strict\nsmtpd_recipient_restrictions = permit\n"
        ));
        let t = trace(&c, None, &q("203.0.113.9", "a@example.org"));
        assert_eq!(
            t.steps[0].restriction,
            "check_client_access hash:/etc/postfix/clients"
        );
        assert!(t.steps[0].assumed && !t.steps[0].matched);
        assert!(t.steps[1].reason.contains("DNS"));
        assert!(!t.steps[2].matched);
        assert_eq!(t.steps[3].restriction, "strict");
        assert_eq!(t.steps[4].list, "strict");
        assert_eq!(t.decision, Decision::Reject);
        assert_eq!(
            t.reply.as_deref(),
            Some("554 5.7.1 <a@example.org>: Recipient address rejected: Access denied")
        );
        let t = trace(&c, None, &q("203.0.113.9", "u@example.net"));
        assert_eq!(
            t.decision,
            Decision::Permit,
            "permit_auth_destination: {:?}",
            t.steps
        );

        let c = cfg(&format!("{BASE}smtpd_relay_restrictions = defer\n"));
        let t = trace(&c, None, &q("192.0.2.1", "a@example.org"));
        assert_eq!(t.decision, Decision::Defer);
        assert!(t.reply.unwrap().starts_with("450 4.7.1"));

        let c = cfg(&format!(
            "{BASE}smtpd_relay_restrictions = permit_mynetwork, reject_unauth_destination\n"
        ));
        let t = trace(&c, None, &q("192.0.2.1", "a@example.org"));
        assert_eq!(
            t.reply.as_deref(),
            Some("451 4.3.5 Server configuration error")
        );
    }

    #[test]
    fn fqdn_plaintext_and_the_earlier_lists() {
        let c = cfg(&format!(
            "{BASE}smtpd_helo_restrictions = reject_non_fqdn_helo_hostname\nsmtpd_sender_restrictions = reject_non_fqdn_sender\nsmtpd_relay_restrictions = reject_non_fqdn_recipient, reject_plaintext_session, reject_unauth_destination\n"
        ));
        let mut query = q("203.0.113.9", "a@localhost");
        let t = trace(&c, None, &query);
        assert_eq!(
            t.lists[..2],
            ["smtpd_helo_restrictions", "smtpd_sender_restrictions"]
        );
        assert!(t.steps[0].assumed, "no HELO name known");
        assert_eq!(
            t.reply.as_deref(),
            Some(
                "504 5.5.2 <a@localhost>: Recipient address rejected: need fully-qualified address"
            )
        );
        // A recipient in this server's own domain, so the relay guard lets it through.
        query.recipient = "a@example.net".into();
        query.tls = Some(false);
        let t = trace(&c, None, &query);
        assert_eq!(
            t.reply.as_deref(),
            Some("450 4.7.1 Session encryption is required")
        );
        query.tls = Some(true);
        assert_eq!(trace(&c, None, &query).decision, Decision::Permit);
        query.helo = Some("laptop".into());
        let t = trace(&c, None, &query);
        assert_eq!(
            t.reply.as_deref(),
            Some("504 5.5.2 <laptop>: Helo command rejected: need fully-qualified hostname")
        );
        query.helo = Some("laptop.example.org".into());
        query.sender = Some("me@workstation".into());
        let t = trace(&c, None, &query);
        assert!(t.reply.unwrap().contains("Sender address rejected"));
        // Client restrictions name the client in their refusal.
        let c = cfg(&format!(
            "{BASE}smtpd_client_restrictions = permit_mynetworks, reject\n"
        ));
        let mut query = q("203.0.113.9", "a@example.org");
        query.client_host = Some("h.example.org".into());
        let t = trace(&c, None, &query);
        assert_eq!(
            t.reply.as_deref(),
            Some("554 5.7.1 <h.example.org[203.0.113.9]>: Client host rejected: Access denied")
        );
    }

    #[test]
    fn mynetworks_edge_cases() {
        let c = cfg(&format!(
            "{BASE}mynetworks = [::1]/128 [2001:db8:5::]/48 !192.0.2.128/25 192.0.2.0/24\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n"
        ));
        let ok = |ip: &str| trace(&c, None, &q(ip, "a@example.org")).decision == Decision::Permit;
        assert!(ok("::1"));
        assert!(ok("[::1]"));
        assert!(ok("2001:db8:5:1::25"));
        assert!(!ok("2001:db8:6::25"));
        assert!(ok("192.0.2.10"));
        assert!(!ok("192.0.2.200"), "negated block first");
        assert!(ok("::ffff:192.0.2.10"), "IPv4-mapped client");
        assert!(!ok("not-an-ip"));
        // Unset: loopback only, the rest assumed outside.
        let c = cfg("mail_version = 3.8.1\ncompatibility_level = 3.6\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n");
        let t = trace(&c, None, &q("127.0.0.1", "a@example.org"));
        assert_eq!(t.decision, Decision::Permit);
        let t = trace(&c, None, &q("192.0.2.7", "a@example.org"));
        assert!(t.steps[0].assumed && t.steps[0].reason.contains("mynetworks_style = host"));
        // A table before the blocks: the blocks still decide, marked assumed.
        let c = cfg(&format!("{BASE}mynetworks = cidr:/etc/postfix/nets 192.0.2.0/24\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n"));
        let t = trace(&c, None, &q("192.0.2.7", "a@example.org"));
        assert!(t.steps[0].matched && t.steps[0].assumed);
    }

    #[test]
    fn smtpd_does_not_start_without_a_reachable_relay_guard() {
        // A guard after a bare `permit` is never reached: smtpd's start-up test fails, as the
        // no_unauth_destination_guard check says.
        for relay in [
            "permit_mynetworks, permit, reject_unauth_destination",
            "reject_non_fqdn_recipient",
        ] {
            let c = cfg(&format!("{BASE}smtpd_relay_restrictions = {relay}\n"));
            let t = trace(&c, None, &q("203.0.113.9", "x@example.org"));
            assert_eq!(t.decision, Decision::Unknown, "{relay}");
            assert!(t.steps.is_empty());
            assert!(
                t.notes.iter().any(|n| n.contains("refuses to run")),
                "{:?}",
                t.notes
            );
        }
    }

    #[test]
    fn classes_naming_each_other_stop() {
        let c = cfg("smtpd_restriction_classes = a, b\na = b, b, b, b\nb = a, a, a, a\nsmtpd_relay_restrictions = a, a, a, reject_unauth_destination\n");
        let t = trace(&c, None, &q("203.0.113.9", "x@example.org"));
        assert!(t.steps.len() <= MAX_STEPS);
        assert!(
            t.notes.iter().any(|n| n.starts_with("trace stopped")),
            "{} {:?} {:?}",
            t.steps.len(),
            t.notes,
            t.steps.first()
        );
    }

    #[test]
    fn domain_classes() {
        let c = cfg("mydestination = localhost\nvirtual_alias_domains = alias.example.com\nvirtual_mailbox_domains = hash:/etc/postfix/vdomains\nrelay_domains = example.org\nparent_domain_matches_subdomains = relay_domains\n");
        assert_eq!(
            domain_class(&c, &[], "alias.example.com").class.as_deref(),
            Some("virtual_alias_domains")
        );
        assert_eq!(
            domain_class(&c, &[], "sub.example.org").class.as_deref(),
            Some("relay_domains")
        );
        let d = domain_class(&c, &[], "other.example");
        assert!(d.class.is_none());
        assert_eq!(
            d.unseen,
            ["virtual_mailbox_domains: hash:/etc/postfix/vdomains"]
        );
    }

    #[test]
    fn queries_from_failures() {
        let f = Failure {
            text: "<a@example.org>: Relay access denied".into(),
            client_ip: Some("192.0.2.5".into()),
            sasl_username: Some("ann".into()),
            service: Some("submission".into()),
            ..Default::default()
        };
        assert!(is_relay_failure(&f));
        assert!(refused_by_own_smtpd(&f));
        let remote = Failure {
            source: Some(crate::report::SegmentKind::MailLog),
            reporter: Some("postfix/smtp".into()),
            ..f.clone()
        };
        assert!(!refused_by_own_smtpd(&remote), "a remote MX said it");
        let q = query_from_failure(&f).unwrap();
        assert_eq!(q.recipient, "a@example.org");
        assert!(q.authenticated);
        assert_eq!(q.recipient_domain(), "example.org");
        assert!(query_from_failure(&Failure::default()).is_none());
    }
}
