//! Checks over Postfix configuration (`main.cf` / `postconf` output and `master.cf`).

pub mod auth_only_after_starttls;
pub mod compatibility_level_old;
pub mod deprecated_parameter;
pub mod deprecated_restriction;
pub mod dnsbl_dead;
pub mod domain_in_two_classes;
pub mod domain_not_local;
pub mod duplicate_parameter;
pub mod helo_restrictions_without_helo_required;
pub mod inet_interfaces_loopback_only;
pub mod local_recipient_maps_empty;
pub mod mailbox_limit_below_message_limit;
pub mod message_size_limit_small;
pub mod myhostname_not_fqdn;
pub mod no_unauth_destination_guard;
pub mod open_relay_mynetworks;
pub mod permit_before_unauth_destination;
pub mod permit_mx_backup_used;
pub mod relay_restrictions_without_sasl;
pub mod relayhost_mx_lookup;
pub mod sasl_auth_not_enabled;
pub mod smtp_sasl_without_tls;
pub mod spamhaus_without_reply_filter;
pub mod submission_not_enabled;
pub mod tls_cert_missing;
pub mod tls_encrypt_on_public_mx;
pub mod unknown_parameter;
pub mod unknown_restriction;
pub mod weak_tls_protocols;

use crate::facts::Facts;
use crate::postfix::{Override, PostfixConfig, Version};
use crate::text::Span;

/// Every `-o name=value` of every master.cf service in the paste, with the service's name.
pub(crate) fn master_overrides(facts: &Facts) -> impl Iterator<Item = (&str, &Override)> {
    facts.master.iter().flat_map(|m| {
        m.services
            .iter()
            .flat_map(|s| s.overrides.iter().map(move |o| (s.name.as_str(), o)))
    })
}

/// The Postfix release the paste is about: a config's own `mail_version` first, else any
/// config's version (which may come from [`crate::Options::postfix_version`]).
pub(crate) fn paste_version(facts: &Facts) -> Option<Version> {
    facts
        .postfix
        .iter()
        .find(|c| c.version_stated)
        .or_else(|| facts.postfix.iter().find(|c| c.version.is_some()))
        .and_then(|c| c.version)
}

/// `line N` wording for summaries is left to renderers; evidence carries spans. This names a
/// config in summaries when several are pasted.
pub(crate) fn config_label(cfg: &PostfixConfig) -> &'static str {
    cfg.kind.map_or("main.cf", |k| k.label())
}

/// A span for evidence, never empty-handed.
pub(crate) fn or_whole(span: Option<Span>, whole: Span) -> Span {
    span.unwrap_or(whole)
}

// ---------------------------------------------------------------------------------------------
// Shared reading of Postfix facts for the configuration checks below.
// ---------------------------------------------------------------------------------------------

use crate::facts::Failure;
use crate::postfix::{Restriction, Service, ServiceType};
use crate::report::{Finding, SegmentKind};

/// The restrictions `smtpd` accepts as the relay safety net (`smtpd_check.c`'s required list):
/// at least one must be reachable in `smtpd_relay_restrictions` or `smtpd_recipient_restrictions`.
pub(crate) const RELAY_GUARDS: &[&str] = &[
    "reject_unauth_destination",
    "defer_unauth_destination",
    "reject",
    "defer",
    "defer_if_permit",
    "check_relay_domains",
];

/// `https://www.postfix.org/postconf.5.html#name`.
pub(crate) fn postconf_url(name: &str) -> String {
    format!("https://www.postfix.org/postconf.5.html#{name}")
}

/// Adds a postconf(5) reference for each name.
pub(crate) fn with_postconf(mut f: Finding, names: &[&str]) -> Finding {
    for n in names {
        let url = postconf_url(n);
        f = f.reference(format!("postconf(5): {n}"), Some(url.as_str()));
    }
    f
}

/// Postfix's boolean reading (`yes`/`no`, case-insensitive).
pub(crate) fn is_yes(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.trim().eq_ignore_ascii_case("yes"))
}

/// One `smtpd` server as the paste describes it: a master.cf entry running `smtpd`, or (when no
/// master.cf entry for port 25 is pasted) the main.cf settings alone, as the stock `smtp` service
/// sees them.
#[derive(Clone, Copy)]
pub(crate) struct Smtpd<'a> {
    pub service: Option<&'a Service>,
}

impl<'a> Smtpd<'a> {
    pub fn overrides(&self) -> &'a [crate::postfix::Override] {
        self.service.map_or(&[][..], |s| &s.overrides[..])
    }
    pub fn name(&self) -> &'a str {
        self.service.map_or("smtp", |s| s.name.as_str())
    }
    /// Words for summaries.
    pub fn label(&self) -> String {
        match self.service {
            Some(_) => format!("master.cf service `{}`", self.name()),
            None => "main.cf (the `smtp` service on port 25)".to_owned(),
        }
    }
    /// The TCP port clients reach it on: the `smtpd` pass service behind postscreen is port 25.
    pub fn port(&self) -> Option<u16> {
        match self.service {
            None => Some(25),
            Some(s) if s.kind == ServiceType::Pass && s.name == "smtpd" => Some(25),
            Some(s) => s.port(),
        }
    }
    /// Listens on a loopback address only (`127.0.0.1:10025` re-injection after a content filter).
    pub fn loopback_only(&self) -> bool {
        let Some(s) = self.service else { return false };
        if s.kind != ServiceType::Inet {
            // unix/pass services are reached through another process (postscreen for `smtpd`).
            return s.kind != ServiceType::Pass;
        }
        match s.name.rsplit_once(':') {
            Some((host, _)) => {
                let h = host.trim_start_matches('[').trim_end_matches(']');
                h == "localhost"
                    || crate::postfix::network::parse_ip(h).is_some_and(|ip| ip.is_loopback())
            }
            None => false,
        }
    }
    /// Value as this server sees it (its `-o` overrides first).
    pub fn effective(&self, cfg: &crate::postfix::PostfixConfig, name: &str) -> Option<String> {
        cfg.effective_in(name, self.overrides())
    }
    /// Where the value in force for `name` is written: the `-o` override, else the main.cf line.
    pub fn span_of(&self, cfg: &crate::postfix::PostfixConfig, name: &str) -> Option<Span> {
        self.service
            .and_then(|s| s.override_of(name))
            .map(|o| o.span)
            .or_else(|| cfg.get(name).map(|p| p.span))
    }
    /// Whether this service overrides `name` itself.
    pub fn overrides_param(&self, name: &str) -> bool {
        self.service.is_some_and(|s| s.override_of(name).is_some())
    }
}

/// Every `smtpd` server of the paste: each active master.cf entry whose command is `smtpd`, plus
/// the main.cf-only view of port 25 when no master.cf entry for port 25 is pasted (a paste often
/// shows only the `submission` block). With `cfg`, only the master.cf that goes with that main.cf
/// (the nearest one in the paste) counts, so a paste of many configs is read pair by pair.
pub(crate) fn smtpd_services<'a>(facts: &'a Facts, cfg: Option<&PostfixConfig>) -> Vec<Smtpd<'a>> {
    let masters: Vec<&'a crate::postfix::MasterCf> = match cfg {
        Some(c) => crate::relay::nearest_master(facts, c.span)
            .into_iter()
            .collect(),
        None => facts.master.iter().collect(),
    };
    let mut out: Vec<Smtpd<'a>> = masters
        .iter()
        .flat_map(|m| m.services.iter())
        .filter(|s| !s.commented_out && s.command == "smtpd")
        .map(|s| Smtpd { service: Some(s) })
        .collect();
    // A commented-out `smtp inet` entry means port 25 is off, not merely left out of the paste.
    let port_25_off = masters
        .iter()
        .flat_map(|m| m.services.iter())
        .any(|s| s.commented_out && s.kind == ServiceType::Inet && s.port() == Some(25));
    if !port_25_off && !out.iter().any(|s| s.port() == Some(25)) {
        out.insert(0, Smtpd { service: None });
    }
    out
}

/// Adds evidence for the definition of `name` in force for `svc` (override or main.cf line).
pub(crate) fn evidence_for(
    f: Finding,
    cfg: &PostfixConfig,
    svc: &Smtpd<'_>,
    name: &str,
    label: &str,
) -> Finding {
    match svc.span_of(cfg, name) {
        Some(s) => f.evidence(s, label),
        None => f,
    }
}

/// Adds evidence for the main.cf line of `name`, when written.
pub(crate) fn evidence_line(f: Finding, cfg: &PostfixConfig, name: &str, label: &str) -> Finding {
    match cfg.get(name) {
        Some(p) => f.evidence(p.span, label),
        None => f,
    }
}

/// Names listed in `smtpd_restriction_classes`.
pub(crate) fn restriction_classes(cfg: &PostfixConfig) -> Vec<String> {
    cfg.list("smtpd_restriction_classes")
        .into_iter()
        .map(|i| i.text)
        .collect()
}

/// The parameters holding smtpd restriction lists.
pub(crate) const RESTRICTION_LISTS: &[&str] = &[
    "smtpd_client_restrictions",
    "smtpd_helo_restrictions",
    "smtpd_sender_restrictions",
    "smtpd_relay_restrictions",
    "smtpd_recipient_restrictions",
    "smtpd_data_restrictions",
    "smtpd_end_of_data_restrictions",
    "smtpd_etrn_restrictions",
];

/// The restriction list `name` as `svc` sees it. `smtpd_relay_restrictions` is empty in releases
/// before 2.10, which do not have it.
pub(crate) fn list_for(cfg: &PostfixConfig, svc: &Smtpd<'_>, name: &str) -> Vec<Restriction> {
    if name == "smtpd_relay_restrictions" && cfg.version.is_some_and(|v| v < Version::new(2, 10, 0))
    {
        return Vec::new();
    }
    cfg.restrictions_in(name, svc.overrides())
}

/// How deep restriction classes are followed.
const MAX_CLASS_DEPTH: usize = 5;
/// Most restrictions one walk visits (a class listing itself many times would otherwise
/// multiply the work at every level).
const MAX_WALK_STEPS: usize = 10_000;

/// Walks a restriction list as smtpd evaluates it for one request: `f` sees every restriction in
/// order (restriction classes expanded in place, `warn_if_reject X` skipped, since it cannot
/// decide) and returns `Some` to end the walk with that result.
pub(crate) fn walk<T>(
    cfg: &PostfixConfig,
    svc: &Smtpd<'_>,
    list: &[Restriction],
    classes: &[String],
    f: &mut dyn FnMut(&Restriction) -> Option<T>,
) -> Option<T> {
    let mut budget = MAX_WALK_STEPS;
    walk_depth(cfg, svc, list, classes, 0, &mut budget, f)
}

fn walk_depth<T>(
    cfg: &PostfixConfig,
    svc: &Smtpd<'_>,
    list: &[Restriction],
    classes: &[String],
    depth: usize,
    budget: &mut usize,
    f: &mut dyn FnMut(&Restriction) -> Option<T>,
) -> Option<T> {
    let mut i = 0;
    while i < list.len() {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let r = &list[i];
        i += 1;
        if r.name.eq_ignore_ascii_case("warn_if_reject") {
            i += 1;
            continue;
        }
        if depth < MAX_CLASS_DEPTH && classes.iter().any(|c| c == &r.name) {
            let inner = cfg.restrictions_in(&r.name, svc.overrides());
            if let Some(t) = walk_depth(cfg, svc, &inner, classes, depth + 1, budget, f) {
                return Some(t);
            }
            continue;
        }
        if let Some(t) = f(r) {
            return Some(t);
        }
    }
    None
}

/// smtpd's start-up test (`has_required` in `smtpd_check.c`): the list names one of
/// [`RELAY_GUARDS`] before any bare `permit` (a `permit` inside a restriction class only ends
/// that class's scan). Releases before 2.10 did not stop at `permit`.
pub(crate) fn has_required(
    cfg: &PostfixConfig,
    svc: &Smtpd<'_>,
    list: &[Restriction],
    classes: &[String],
    depth: usize,
) -> bool {
    let mut budget = MAX_WALK_STEPS;
    has_required_within(cfg, svc, list, classes, depth, &mut budget)
}

fn has_required_within(
    cfg: &PostfixConfig,
    svc: &Smtpd<'_>,
    list: &[Restriction],
    classes: &[String],
    depth: usize,
    budget: &mut usize,
) -> bool {
    let stops_at_permit = cfg.version.is_none_or(|v| v >= Version::new(2, 10, 0));
    let mut i = 0;
    while i < list.len() {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let r = &list[i];
        i += 1;
        if r.name.eq_ignore_ascii_case("warn_if_reject") && i < list.len() {
            i += 1;
            continue;
        }
        if stops_at_permit && r.name.eq_ignore_ascii_case("permit") {
            return false;
        }
        if is_guard(&r.name) {
            return true;
        }
        if depth < MAX_CLASS_DEPTH && classes.iter().any(|c| c == &r.name) {
            let inner = cfg.restrictions_in(&r.name, svc.overrides());
            if has_required_within(cfg, svc, &inner, classes, depth + 1, budget) {
                return true;
            }
        }
    }
    false
}

/// smtpd's start-up condition for relaying: `smtpd_relay_restrictions` or
/// `smtpd_recipient_restrictions`, as `svc` sees them, passes [`has_required`]. Without it smtpd
/// refuses to run ("specify at least one working instance of …"). Shared by the
/// `no_unauth_destination_guard` check and the relay trace.
pub(crate) fn relay_lists_guarded(cfg: &PostfixConfig, svc: &Smtpd<'_>) -> bool {
    let classes = restriction_classes(cfg);
    ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
        .iter()
        .any(|n| has_required(cfg, svc, &list_for(cfg, svc, n), &classes, 0))
}

pub(crate) fn is_guard(name: &str) -> bool {
    RELAY_GUARDS.iter().any(|g| name.eq_ignore_ascii_case(g))
}

/// A restriction that permits every request: `permit`, or an access look-up that always answers
/// `OK` (`check_client_access static:OK`, a bare `static:OK`).
pub(crate) fn permits_everything(r: &Restriction) -> bool {
    if r.name.eq_ignore_ascii_case("permit") {
        return true;
    }
    let static_ok = |t: &str| {
        let t = t.trim().to_ascii_lowercase();
        t == "static:ok" || t == "static:{ok}" || t == "static:{ ok }"
    };
    if static_ok(&r.name) {
        return true;
    }
    let lname = r.name.to_ascii_lowercase();
    lname.starts_with("check_") && lname.ends_with("_access") && r.arg().is_some_and(static_ok)
}

/// The recipient's domain, lower-cased.
pub(crate) fn recipient_domain(f: &Failure) -> Option<String> {
    let r = f.recipient.as_deref()?;
    let (_, d) = r.rsplit_once('@')?;
    let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
    (!d.is_empty()).then_some(d)
}

/// Whether this Postfix's own `smtpd` reported the failure (a log line of `…/smtpd`), or a mail
/// client / transcript talking to it.
pub(crate) fn from_own_smtpd(f: &Failure) -> bool {
    match f.source {
        Some(SegmentKind::MailLog) => f
            .reporter
            .as_deref()
            .is_some_and(|r| r.starts_with("postfix") && r.ends_with("/smtpd")),
        Some(SegmentKind::ClientError) | Some(SegmentKind::SmtpTranscript) => true,
        _ => false,
    }
}

/// The port a failure's client used: stated, or from the service name in the log tag.
pub(crate) fn failure_port(f: &Failure, facts: &Facts) -> Option<u16> {
    if f.port.is_some() {
        return f.port;
    }
    let svc = f.service.as_deref()?;
    if let Some(p) = facts
        .master
        .iter()
        .find_map(|m| m.service(svc).and_then(|s| s.port()))
    {
        return Some(p);
    }
    match svc {
        "smtp" => Some(25),
        "submission" => Some(587),
        "smtps" | "submissions" => Some(465),
        _ => None,
    }
}

/// `$mydomain` as Postfix derives it: explicit, else `$myhostname` without its first label.
pub(crate) fn mydomain(cfg: &PostfixConfig) -> Option<String> {
    if let Some(d) = cfg.effective("mydomain").filter(|d| !d.contains('$')) {
        return Some(d.to_ascii_lowercase());
    }
    let h = cfg.effective("myhostname").filter(|h| !h.contains('$'))?;
    h.split_once('.').map(|(_, d)| d.to_ascii_lowercase())
}

/// A domain-list parameter's items, `$mydomain` left unexpanded (its default depends on the
/// host) derived from myhostname as Postfix does.
fn domain_list_items(cfg: &PostfixConfig, name: &str) -> Vec<crate::postfix::ListItem> {
    let mut items = cfg.list(name);
    // Most lists never name it: derive it (two expansions) only for those that do.
    if items
        .iter()
        .any(|i| crate::text::contains(&i.text, "mydomain"))
    {
        if let Some(d) = mydomain(cfg) {
            for i in &mut items {
                i.text = i.text.replace("${mydomain}", &d).replace("$mydomain", &d);
            }
        }
    }
    items
}

fn is_opaque(t: &str) -> bool {
    t.contains('$')
        || t.starts_with('/')
        || t.contains('{')
        || crate::postfix::value::table_ref(t).is_some()
}

/// The domain names (not tables, files or unresolved `$names`) a domain-list parameter holds.
pub(crate) fn domain_names(cfg: &PostfixConfig, name: &str) -> Vec<crate::postfix::ListItem> {
    domain_list_items(cfg, name)
        .into_iter()
        .filter(|i| !i.text.starts_with('!') && !is_opaque(&i.text) && is_domain_like(&i.text))
        .map(|mut i| {
            i.text = i.text.trim_end_matches('.').to_ascii_lowercase();
            i
        })
        .collect()
}

/// Whether a domain-list parameter holds something this paste cannot see into (a table, a file,
/// an unresolved `$name`).
pub(crate) fn has_opaque_entries(cfg: &PostfixConfig, name: &str) -> bool {
    domain_list_items(cfg, name)
        .iter()
        .any(|i| is_opaque(&i.text))
}

/// The four address classes Postfix routes recipient domains by.
pub(crate) const ADDRESS_CLASSES: &[&str] = &[
    "mydestination",
    "virtual_alias_domains",
    "virtual_mailbox_domains",
    "relay_domains",
];

/// One restriction written in the paste, with the list it is in.
#[derive(Clone, Debug)]
pub(crate) struct WrittenRestriction {
    pub list: String,
    pub restriction: Restriction,
    /// The `name = value` line or `-o` override holding the list.
    pub line: Span,
    /// `Some(service)` when it comes from a master.cf override.
    pub service: Option<String>,
}

/// Every restriction written in `cfg`'s restriction lists (main.cf lists, restriction class
/// definitions, and the `-o` overrides of its master.cf), `$name` references followed, each once.
/// Several checks ask for them: they are read once per configuration of the paste.
pub(crate) fn written_restrictions<'a>(
    facts: &'a Facts,
    cfg: &PostfixConfig,
) -> std::borrow::Cow<'a, [WrittenRestriction]> {
    let all = facts.written.get_or_init(|| {
        facts
            .postfix
            .iter()
            .map(|c| read_written_restrictions(facts, c))
            .collect()
    });
    match facts.postfix.iter().position(|c| std::ptr::eq(c, cfg)) {
        Some(i) if all.len() == facts.postfix.len() => std::borrow::Cow::Borrowed(&all[i]),
        _ => std::borrow::Cow::Owned(read_written_restrictions(facts, cfg)),
    }
}

fn read_written_restrictions(facts: &Facts, cfg: &PostfixConfig) -> Vec<WrittenRestriction> {
    let classes = restriction_classes(cfg);
    let mut out: Vec<WrittenRestriction> = Vec::new();
    let mut seen: std::collections::HashSet<Span> = std::collections::HashSet::new();
    let names: Vec<&str> = RESTRICTION_LISTS
        .iter()
        .copied()
        .chain(classes.iter().map(String::as_str))
        .collect();
    for name in &names {
        let Some(p) = cfg.get(name) else { continue };
        for r in cfg.restrictions(name) {
            let Some(s) = r.span else { continue };
            if seen.insert(s) {
                out.push(WrittenRestriction {
                    list: (*name).to_owned(),
                    restriction: r,
                    line: p.span,
                    service: None,
                });
            }
        }
    }
    // The `-o` overrides of the master.cf that goes with this main.cf (the nearest one).
    let overrides = crate::relay::nearest_master(facts, cfg.span)
        .into_iter()
        .flat_map(|m| m.services.iter())
        .flat_map(|s| s.overrides.iter().map(move |o| (s.name.as_str(), o)));
    for (svc, o) in overrides {
        if !names.contains(&o.name.as_str()) {
            continue;
        }
        for r in cfg.restrictions_in(&o.name, std::slice::from_ref(o)) {
            let Some(s) = r.span else { continue };
            if seen.insert(s) {
                out.push(WrittenRestriction {
                    list: o.name.clone(),
                    restriction: r,
                    line: o.span,
                    service: Some(svc.to_owned()),
                });
            }
        }
    }
    out
}

/// The configurations to judge service-level settings against: the pasted ones, or, when only
/// master.cf is pasted, Postfix's defaults.
pub(crate) fn configs(facts: &Facts) -> Vec<&PostfixConfig> {
    if facts.postfix.is_empty() && !facts.master.is_empty() {
        static DEFAULTS: std::sync::OnceLock<PostfixConfig> = std::sync::OnceLock::new();
        return vec![DEFAULTS.get_or_init(PostfixConfig::default)];
    }
    facts.postfix.iter().collect()
}

/// How an smtpd service does TLS, from its effective settings.
pub(crate) struct SmtpdTls {
    /// STARTTLS (or implicit TLS) is asked for; the parameter that asks for it.
    pub wanted_by: Option<&'static str>,
    /// `encrypt` (or the old `smtpd_enforce_tls = yes`).
    pub required: bool,
    /// `smtpd_tls_wrappermode = yes` (port 465 style).
    pub wrapper: bool,
    /// A server certificate is configured.
    pub cert: bool,
}

pub(crate) const CERT_PARAMS: &[&str] = &[
    "smtpd_tls_cert_file",
    "smtpd_tls_chain_files",
    "smtpd_tls_eccert_file",
    "smtpd_tls_dcert_file",
];

pub(crate) fn smtpd_tls(cfg: &PostfixConfig, svc: &Smtpd<'_>) -> SmtpdTls {
    let level = svc
        .effective(cfg, "smtpd_tls_security_level")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let wrapper = is_yes(svc.effective(cfg, "smtpd_tls_wrappermode").as_deref());
    let (wanted_by, required) = match level.as_str() {
        "may" => (Some("smtpd_tls_security_level"), false),
        "encrypt" => (Some("smtpd_tls_security_level"), true),
        "" => {
            if is_yes(svc.effective(cfg, "smtpd_enforce_tls").as_deref()) {
                (Some("smtpd_enforce_tls"), true)
            } else if is_yes(svc.effective(cfg, "smtpd_use_tls").as_deref()) {
                (Some("smtpd_use_tls"), false)
            } else {
                (None, false)
            }
        }
        _ => (None, false),
    };
    let wanted_by = if wrapper && wanted_by.is_none() {
        Some("smtpd_tls_wrappermode")
    } else {
        wanted_by
    };
    let cert = CERT_PARAMS
        .iter()
        .any(|n| svc.effective(cfg, n).is_some_and(|v| !v.trim().is_empty()));
    SmtpdTls {
        wanted_by,
        required,
        wrapper,
        cert,
    }
}

/// The main.cf line `name = …` rewritten without the item(s) written at `drop` (a restriction
/// with its argument, a list item), for a copyable fix. `None` when `name` is not written in
/// main.cf.
pub(crate) fn line_without(cfg: &PostfixConfig, name: &str, drop: Span) -> Option<String> {
    let p = cfg.get(name)?;
    Some(line_without_in(name, &p.value.restrictions(), drop))
}

/// [`line_without`] over the line's restrictions read once, for a check that rewrites one line
/// for several of its items.
pub(crate) fn line_without_in(name: &str, written: &[Restriction], drop: Span) -> String {
    let mut out = format!("{name} = ");
    let kept = written.iter().filter(|r| {
        r.span
            .is_none_or(|s| !drop.contains(s) && !s.contains(drop))
    });
    for (i, r) in kept.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&r.name);
        match r.args.first() {
            Some(a) if a.text.contains([' ', ',']) => {
                out.push_str(" { ");
                out.push_str(&a.text);
                out.push_str(" }");
            }
            Some(a) => {
                out.push(' ');
                out.push_str(&a.text);
            }
            None => {}
        }
    }
    out
}

/// A DNS list named in the configuration.
pub(crate) struct DnsblUse {
    /// The zone, lower-cased, without reply filter or weight.
    pub zone: String,
    /// `127.0.0.[2..11]` from `zone=127.0.0.[2..11]`.
    pub filter: Option<String>,
    /// As written.
    pub text: String,
    /// The list item, else the line holding it.
    pub span: Span,
    pub param: String,
    /// `reject_rbl_client`, `reject_rhsbl_sender`, … or `postscreen_dnsbl_sites`.
    pub how: String,
}

impl DnsblUse {
    /// Whether a listing there blocks (as opposed to an allow list such as permit_dnswl_client or
    /// a negative postscreen weight).
    pub fn blocks(&self) -> bool {
        if self.how.starts_with("permit_") {
            return false;
        }
        if self.how == "postscreen_dnsbl_sites" {
            return !self
                .text
                .rsplit_once('*')
                .is_some_and(|(_, w)| w.trim().starts_with('-'));
        }
        true
    }
}

const DNSBL_RESTRICTIONS: &[&str] = &[
    "reject_rbl_client",
    "reject_rbl",
    "reject_rhsbl_client",
    "reject_rhsbl_sender",
    "reject_rhsbl_recipient",
    "reject_rhsbl_helo",
    "reject_rhsbl_reverse_client",
    "permit_dnswl_client",
    "permit_rhswl_client",
];

/// `zone=filter` or `zone=filter*weight` (postscreen) → (zone, filter).
fn split_dnsbl(text: &str) -> (String, Option<String>) {
    let body = text.split('*').next().unwrap_or(text);
    let (zone, filter) = match body.split_once('=') {
        Some((z, f)) => (z, Some(f.trim().to_owned()).filter(|f| !f.is_empty())),
        None => (body, None),
    };
    (
        zone.trim().trim_end_matches('.').to_ascii_lowercase(),
        filter,
    )
}

/// Every DNS list the paste's restriction lists and `postscreen_dnsbl_sites` use.
pub(crate) fn dnsbl_uses(facts: &Facts, cfg: &PostfixConfig) -> Vec<DnsblUse> {
    let mut out = Vec::new();
    for w in written_restrictions(facts, cfg).iter() {
        let r = &w.restriction;
        let lname = r.name.to_ascii_lowercase();
        if !DNSBL_RESTRICTIONS.contains(&lname.as_str()) {
            continue;
        }
        let Some(arg) = r.args.first() else { continue };
        let (zone, filter) = split_dnsbl(&arg.text);
        out.push(DnsblUse {
            zone,
            filter,
            text: arg.text.clone(),
            span: arg.span.or(r.span).unwrap_or(w.line),
            param: w.list.clone(),
            how: lname,
        });
    }
    if let Some(p) = cfg.get("postscreen_dnsbl_sites") {
        for item in cfg.list("postscreen_dnsbl_sites") {
            let (zone, filter) = split_dnsbl(&item.text);
            out.push(DnsblUse {
                zone,
                filter,
                text: item.text.clone(),
                span: item.span.unwrap_or(p.span),
                param: "postscreen_dnsbl_sites".into(),
                how: "postscreen_dnsbl_sites".into(),
            });
        }
    }
    out
}

/// The `dnsbl-status.tsv` row for a zone (a parent-domain row covers the zones under it):
/// `[zone, status, since, replacement, behaviour]`.
pub(crate) fn dnsbl_status(zone: &str) -> Option<&'static [&'static str; 5]> {
    let z = zone.trim_end_matches('.').to_ascii_lowercase();
    crate::tables::DNSBL_STATUS
        .iter()
        .find(|r| r[0] == z)
        .or_else(|| {
            crate::tables::DNSBL_STATUS
                .iter()
                .find(|r| z.ends_with(&format!(".{}", r[0])))
        })
}

/// Domains the configuration receives mail for beyond the host's own names: explicit virtual
/// and relay domains, and `mydestination` entries other than localhost and `$myhostname`.
pub(crate) fn hosted_domains(cfg: &PostfixConfig) -> Vec<(&'static str, crate::postfix::ListItem)> {
    let mut out = Vec::new();
    let host = cfg
        .effective("myhostname")
        .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase());
    for class in ADDRESS_CLASSES {
        if *class != "mydestination" && !cfg.is_explicit(class) {
            continue;
        }
        let all = cfg.list(class);
        let names = domain_names(cfg, class);
        let opaque_tables = all.iter().filter(|i| {
            crate::postfix::value::table_ref(&i.text).is_some() || i.text.starts_with('/')
        });
        if *class != "mydestination" {
            for t in opaque_tables {
                out.push((*class, t.clone()));
            }
        }
        for i in names {
            let d = i.text.as_str();
            let local =
                d == "localhost" || d.starts_with("localhost.") || host.as_deref() == Some(d);
            if *class == "mydestination" && local {
                continue;
            }
            out.push((*class, i));
        }
    }
    out
}

/// How a hosted-domain item reads in a sentence.
pub(crate) fn domain_words(item: &crate::postfix::ListItem) -> String {
    if crate::postfix::value::table_ref(&item.text).is_some() || item.text.starts_with('/') {
        format!("the domains in `{}`", item.text)
    } else {
        item.text.clone()
    }
}

/// `inet_interfaces` limits smtpd to loopback addresses.
pub(crate) fn inet_interfaces_loopback(cfg: &PostfixConfig) -> bool {
    let items = cfg.list("inet_interfaces");
    !items.is_empty()
        && items.iter().all(|i| {
            let t = i.text.trim().to_ascii_lowercase();
            t == "loopback-only"
                || t == "localhost"
                || crate::postfix::network::parse_ip(&t).is_some_and(|ip| ip.is_loopback())
        })
}

/// A short `postconf -n` / main.cf excerpt: settings missing from it may well be set in the real
/// file, so checks that conclude from an absence stay silent on it.
pub(crate) fn is_excerpt(cfg: &PostfixConfig) -> bool {
    cfg.kind != Some(SegmentKind::PostconfFull) && cfg.params.len() < 8
}

/// Whether failures in the paste can be tied to one configuration (a forum thread may quote
/// several people's configurations next to one log).
pub(crate) fn single_config(facts: &Facts) -> bool {
    facts.postfix.len() <= 1
}

/// The domains the configuration evidently receives mail for: `$mydomain`, `$myhostname` and
/// the domain names of the four address classes.
pub(crate) fn own_domains(cfg: &PostfixConfig) -> Vec<String> {
    let mut out: Vec<String> = ADDRESS_CLASSES
        .iter()
        .flat_map(|c| domain_names(cfg, c))
        .map(|i| i.text)
        .filter(|d| d != "localhost" && !d.starts_with("localhost."))
        .collect();
    out.extend(mydomain(cfg));
    if let Some(h) = cfg.effective("myhostname").filter(|h| !h.contains('$')) {
        out.push(h.trim().trim_end_matches('.').to_ascii_lowercase());
    }
    out
}

/// A relay refusal of one of this server's own users: an unauthenticated client sending from a
/// domain the server hosts to a domain it does not (rather than a stranger's delivery or probe).
/// `own` is [`own_domains`] of the configuration.
pub(crate) fn own_user_refused(f: &Failure, own: &[String]) -> bool {
    if !from_own_smtpd(f) || !crate::relay::is_relay_failure(f) || f.sasl_username.is_some() {
        return false;
    }
    let sender_domain = f
        .sender
        .as_deref()
        .and_then(|s| s.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase());
    let rcpt = recipient_domain(f);
    sender_domain.is_some_and(|d| own.contains(&d)) && rcpt.is_some_and(|d| !own.contains(&d))
}

/// A syntactically plausible domain or host name.
pub(crate) fn is_domain_like(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postfix::{parse_main_cf, parse_master_cf};

    fn facts(main: &str, master: &str) -> Facts {
        let mut f = Facts::default();
        if !main.is_empty() {
            f.postfix
                .push(parse_main_cf(main, 0, SegmentKind::PostconfN, &Default::default()).0);
        }
        if !master.is_empty() {
            f.master.push(parse_master_cf(master, 0).0);
        }
        f
    }

    #[test]
    fn each_main_cf_is_read_with_the_master_cf_nearest_to_it() {
        // Two posts, each a main.cf followed by its master.cf: only the second runs submission.
        let main = "myhostname = mx.example.net\n";
        let (a, b) = (
            "smtp inet n - y - - smtpd\n",
            "submission inet n - y - - smtpd\n",
        );
        let mut f = Facts::default();
        let mut at = 0;
        for part in [main, a, main, b] {
            if part == main {
                let c = parse_main_cf(part, at, SegmentKind::PostconfN, &Default::default()).0;
                f.postfix.push(c);
            } else {
                f.master.push(parse_master_cf(part, at).0);
            }
            // Prose between the posts is longer than between a post's two blocks.
            at += part.len() + if part == main { 20 } else { 300 };
        }
        let names = |i: usize| -> Vec<&str> {
            smtpd_services(&f, Some(&f.postfix[i]))
                .iter()
                .map(|s| s.name())
                .collect()
        };
        assert_eq!(names(0), ["smtp"]);
        assert_eq!(
            names(1),
            ["smtp", "submission"],
            "port 25 from main.cf alone, then 587"
        );
        assert_eq!(
            smtpd_services(&f, None).len(),
            2,
            "without a config: every service"
        );
    }

    #[test]
    fn start_up_test_follows_smtpd() {
        let f = facts(
            "smtpd_restriction_classes = guard\nguard = permit_mynetworks, reject_unauth_destination\nsmtpd_relay_restrictions = permit_sasl_authenticated guard\nsmtpd_recipient_restrictions = warn_if_reject reject_unauth_destination, permit, reject\n",
            "",
        );
        let cfg = &f.postfix[0];
        let svc = Smtpd { service: None };
        let classes = restriction_classes(cfg);
        let relay = list_for(cfg, &svc, "smtpd_relay_restrictions");
        let rcpt = list_for(cfg, &svc, "smtpd_recipient_restrictions");
        // A guard inside a class counts; warn_if_reject X does not; a bare permit ends the scan.
        assert!(has_required(cfg, &svc, &relay, &classes, 0));
        assert!(!has_required(cfg, &svc, &rcpt, &classes, 0));
        // Runtime walk expands the class in place.
        let first = walk(cfg, &svc, &relay, &classes, &mut |r| {
            is_guard(&r.name).then(|| r.name.clone())
        });
        assert_eq!(first.as_deref(), Some("reject_unauth_destination"));
    }

    #[test]
    fn old_releases_do_not_stop_at_permit_and_have_no_relay_list() {
        let f = facts(
            "mail_version = 2.9.6\nsmtpd_relay_restrictions = reject\nsmtpd_recipient_restrictions = permit, reject_unauth_destination\n",
            "",
        );
        let cfg = &f.postfix[0];
        let svc = Smtpd { service: None };
        assert!(list_for(cfg, &svc, "smtpd_relay_restrictions").is_empty());
        let rcpt = list_for(cfg, &svc, "smtpd_recipient_restrictions");
        assert!(has_required(cfg, &svc, &rcpt, &[], 0));
    }

    #[test]
    fn self_multiplying_classes_end_quickly() {
        let many = vec!["a"; 200].join(" ");
        let f = facts(
            &format!("smtpd_restriction_classes = a\na = {many}\nsmtpd_relay_restrictions = a\n"),
            "",
        );
        let cfg = &f.postfix[0];
        let svc = Smtpd { service: None };
        let list = list_for(cfg, &svc, "smtpd_relay_restrictions");
        let classes = restriction_classes(cfg);
        let t = std::time::Instant::now();
        assert!(!has_required(cfg, &svc, &list, &classes, 0));
        let mut seen = 0usize;
        let none: Option<()> = walk(cfg, &svc, &list, &classes, &mut |_| {
            seen += 1;
            None
        });
        assert!(none.is_none() && seen <= MAX_WALK_STEPS);
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn unconditional_permits() {
        let items = crate::postfix::Value::single(
            "permit check_client_access static:OK static:{ok} check_sender_access hash:/x permit_mynetworks",
            0,
        )
        .restrictions();
        let all: Vec<bool> = items.iter().map(permits_everything).collect();
        assert_eq!(all, [true, true, true, false, false]);
    }

    #[test]
    fn services_and_ports() {
        let f = facts(
            "",
            "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n127.0.0.1:10025 inet n - n - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n#smtps inet n - y - - smtpd\n",
        );
        let s = smtpd_services(&f, None);
        let view: Vec<(&str, Option<u16>, bool)> = s
            .iter()
            .map(|x| (x.name(), x.port(), x.loopback_only()))
            .collect();
        assert_eq!(
            view,
            [
                ("smtpd", Some(25), false),
                ("127.0.0.1:10025", Some(10025), true),
                ("submission", Some(587), false)
            ]
        );
        // Without a port-25 entry the main.cf view stands for it, unless port 25 is switched off.
        let f = facts("", "submission inet n - y - - smtpd\n");
        assert_eq!(smtpd_services(&f, None)[0].name(), "smtp");
        let f = facts(
            "",
            "#smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n",
        );
        assert_eq!(smtpd_services(&f, None).len(), 1);
        assert_eq!(smtpd_services(&f, None)[0].name(), "submission");
    }

    #[test]
    fn dnsbl_items_and_status() {
        assert_eq!(
            split_dnsbl("zen.spamhaus.org=127.0.0.[2..11]*3"),
            ("zen.spamhaus.org".into(), Some("127.0.0.[2..11]".into()))
        );
        assert_eq!(
            split_dnsbl("bl.spamcop.net*2"),
            ("bl.spamcop.net".into(), None)
        );
        assert_eq!(dnsbl_status("spam.dnsbl.sorbs.net").unwrap()[1], "dead");
        assert_eq!(dnsbl_status("new.zone.sorbs.net").unwrap()[0], "sorbs.net");
        assert!(dnsbl_status("bl.spamcop.net").is_none());
    }

    #[test]
    fn own_domains_and_own_users() {
        let f = facts(
            "myhostname = mx.example.net\nvirtual_mailbox_domains = example.org\nmydestination = $myhostname, localhost.$mydomain, localhost\n",
            "",
        );
        let cfg = &f.postfix[0];
        let d = own_domains(cfg);
        assert!(d.contains(&"example.org".to_owned()));
        assert!(d.contains(&"example.net".to_owned()));
        assert!(!d.iter().any(|x| x.starts_with("localhost")));
        let refusal = |from: &str, to: &str| Failure {
            source: Some(SegmentKind::MailLog),
            reporter: Some("postfix/smtpd".into()),
            text: "<x>: Relay access denied".into(),
            sender: Some(from.into()),
            recipient: Some(to.into()),
            ..Default::default()
        };
        assert!(own_user_refused(
            &refusal("a@example.org", "b@example.com"),
            &d
        ));
        assert!(!own_user_refused(
            &refusal("a@example.com", "b@example.org"),
            &d
        ));
    }

    #[test]
    fn domain_lists_skip_what_cannot_be_seen() {
        let f = facts(
            "myhostname = mx.example.net\nvirtual_alias_domains = example.org, hash:/etc/postfix/vdomains, *** redacted ***\n",
            "",
        );
        let cfg = &f.postfix[0];
        let names: Vec<String> = domain_names(cfg, "virtual_alias_domains")
            .into_iter()
            .map(|i| i.text)
            .collect();
        assert_eq!(names, ["example.org", "redacted"]);
        assert!(has_opaque_entries(cfg, "virtual_alias_domains"));
        assert!(!has_opaque_entries(cfg, "mydestination"));
    }

    proptest::proptest! {
        /// Any values for the settings these checks read, in main.cf and as master.cf
        /// overrides, next to a relay refusal: no panic, every span inside the paste.
        #[test]
        fn arbitrary_values_never_break_the_checks(
            values in proptest::collection::vec(("[a-z0-9_:.,\\[\\]/=*!<>${} -]{0,40}", 0usize..16), 1..12)
        ) {
            const NAMES: &[&str] = &[
                "mynetworks", "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
                "smtpd_restriction_classes", "mydestination", "virtual_mailbox_domains",
                "relay_domains", "smtpd_tls_protocols", "postscreen_dnsbl_sites", "relayhost",
                "message_size_limit", "mailbox_size_limit", "myhostname", "inet_interfaces",
                "smtpd_tls_security_level", "compatibility_level",
            ];
            let mut paste = String::new();
            for (v, i) in &values {
                paste.push_str(&format!("{} = {v}\n", NAMES[*i]));
            }
            paste.push_str("smtpd_sasl_auth_enable = yes\n\nsmtp inet n - y - - smtpd\n");
            for (v, i) in values.iter().take(3) {
                paste.push_str(&format!("  -o {}={}\n", NAMES[*i], v.replace(' ', "")));
            }
            paste.push_str("\nJan  1 00:00:01 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from a.example.com[192.0.2.1]: 554 5.7.1 <x@example.net>: Relay access denied; from=<y@example.net> to=<x@example.net> proto=ESMTP helo=<a>\n");
            let r = crate::analyze(&paste, &Default::default());
            for e in r.findings.iter().flat_map(|f| &f.evidence) {
                proptest::prop_assert!(e.start <= e.end && e.end <= paste.len());
            }
        }
    }
}
