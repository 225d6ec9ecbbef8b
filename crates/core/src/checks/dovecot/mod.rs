//! Checks over Dovecot configuration (`doveconf -n`, full `doveconf`, raw `dovecot.conf`), and
//! the checks that compare Dovecot with the Postfix configuration in the same paste (SASL socket,
//! LMTP socket).
//!
//! Names differ between 2.3 and 2.4 (`ssl_cert` / `ssl_server_cert_file`): checks read both
//! through [`DovecotConfig::get_any`] and write fixes in the syntax the paste uses ([`pick`]).
//! A check that concludes from something being *absent* runs only on complete output
//! ([`is_complete`]): a pasted `conf.d` file says nothing about the other files.

pub mod auth_debug_passwords_enabled;
pub mod auth_mechanism_needs_plaintext_password;
pub mod auth_socket_owner_mismatch;
pub mod auth_socket_world_writable;
pub mod config_version_missing;
pub mod duplicate_auth_database;
pub mod lmtp_listener_missing;
pub mod mail_location_unset;
pub mod plaintext_auth_without_tls;
pub mod removed_setting;
pub mod sasl_login_mechanism_missing;
pub mod sasl_path_mismatch;
pub mod setting_renamed_in_2_4;
pub mod ssl_cert_missing;
pub mod ssl_disabled;
pub mod uid_outside_valid_range;
pub mod unknown_setting;
pub mod weak_tls_protocols;

use crate::dovecot::{DovecotConfig, Listener, Section, Setting, SettingInfo, Syntax};
use crate::facts::Facts;
use crate::postfix::{Override, PostfixConfig};
use crate::report::{Finding, SegmentKind};
use crate::text::Span;

/// Reference pages, as (title, url).
pub(crate) mod doc {
    pub const SSL_23: (&str, &str) = (
        "Dovecot 2.3: SSL configuration",
        "https://doc.dovecot.org/2.3/configuration_manual/dovecot_ssl_configuration/",
    );
    pub const SSL_24: (&str, &str) = (
        "Dovecot 2.4: SSL/TLS configuration",
        "https://doc.dovecot.org/latest/core/config/ssl.html",
    );
    pub const SERVICES_23: (&str, &str) = (
        "Dovecot 2.3: service configuration",
        "https://doc.dovecot.org/2.3/configuration_manual/service_configuration/",
    );
    pub const SERVICES_24: (&str, &str) = (
        "Dovecot 2.4: services",
        "https://doc.dovecot.org/latest/core/config/service.html",
    );
    pub const POSTFIX_SASL_23: (&str, &str) = (
        "Dovecot 2.3: Postfix and Dovecot SASL",
        "https://doc.dovecot.org/2.3/configuration_manual/howto/postfix_and_dovecot_sasl/",
    );
    pub const POSTFIX_SASL_README: (&str, &str) = (
        "Postfix SASL_README, Dovecot SASL",
        "https://www.postfix.org/SASL_README.html#server_dovecot",
    );
    pub const LMTP_23: (&str, &str) = (
        "Dovecot 2.3: Postfix and Dovecot LMTP",
        "https://doc.dovecot.org/2.3/configuration_manual/howto/postfix_dovecot_lmtp/",
    );
    pub const LMTP_24: (&str, &str) = (
        "Dovecot 2.4: LMTP server",
        "https://doc.dovecot.org/latest/core/config/lmtp.html",
    );
    pub const UPGRADE_24: (&str, &str) = (
        "Upgrading Dovecot CE from 2.3 to 2.4",
        "https://doc.dovecot.org/latest/installation/upgrade/2.3-to-2.4.html",
    );
    pub const UPGRADE_23: (&str, &str) = (
        "Upgrading Dovecot v2.2 to v2.3",
        "https://doc.dovecot.org/2.3/installation_guide/upgrading/from-2.2-to-2.3/",
    );
    pub const SETTINGS_23: (&str, &str) = (
        "Dovecot 2.3: core settings",
        "https://doc.dovecot.org/2.3/settings/core/",
    );
    pub const SETTINGS_24: (&str, &str) = (
        "Dovecot 2.4: settings",
        "https://doc.dovecot.org/latest/core/summaries/settings.html",
    );
    pub const MECHANISMS_23: (&str, &str) = (
        "Dovecot 2.3: authentication mechanisms",
        "https://doc.dovecot.org/2.3/configuration_manual/authentication/authentication_mechanisms/",
    );
    pub const SCHEMES_23: (&str, &str) = (
        "Dovecot 2.3: password schemes",
        "https://doc.dovecot.org/2.3/configuration_manual/authentication/password_schemes/",
    );
    pub const PASSDB_24: (&str, &str) = (
        "Dovecot 2.4: password databases",
        "https://doc.dovecot.org/latest/core/config/auth/passdb.html",
    );
    pub const PASSDB_23: (&str, &str) = (
        "Dovecot 2.3: password databases",
        "https://doc.dovecot.org/2.3/configuration_manual/authentication/password_databases_passdb/",
    );
    pub const MAIL_LOCATION_23: (&str, &str) = (
        "Dovecot 2.3: mail location",
        "https://doc.dovecot.org/2.3/configuration_manual/mail_location/",
    );
    pub const MAIL_LOCATION_24: (&str, &str) = (
        "Dovecot 2.4: mail location",
        "https://doc.dovecot.org/latest/core/config/mail_location.html",
    );
}

/// The 2.3 page for 2.3 configurations, the 2.4 one for 2.4.
pub(crate) fn doc_for(
    cfg: &DovecotConfig,
    v23: (&'static str, &'static str),
    v24: (&'static str, &'static str),
) -> (&'static str, &'static str) {
    match cfg.syntax {
        Syntax::V2_3 => v23,
        Syntax::V2_4 => v24,
    }
}

/// Adds a (title, url) reference to a finding.
pub(crate) fn with_ref(f: Finding, r: (&str, &str)) -> Finding {
    f.reference(r.0, Some(r.1))
}

/// Whether the text is a whole configuration as `doveconf` prints it, so that a setting or
/// section missing from it is really missing. A pasted `dovecot.conf` or `conf.d` file is not:
/// the rest may sit in other files. Nor is `doveconf -n` output without any `passdb`: Dovecot
/// cannot run without one and `doveconf` always prints it, so such a paste was trimmed.
pub(crate) fn is_complete(cfg: &DovecotConfig) -> bool {
    matches!(
        cfg.kind,
        Some(SegmentKind::DoveconfN | SegmentKind::DoveconfFull)
    ) && !cfg.passdbs().is_empty()
}

/// The one Postfix and the one Dovecot configuration of a paste, for checks comparing the two.
/// A paste holding several of either (a forum thread with configurations of different people)
/// cannot tell which belong together, so cross checks stay silent on it.
pub(crate) fn config_pair(facts: &Facts) -> Option<(&PostfixConfig, &DovecotConfig)> {
    match (&facts.postfix[..], &facts.dovecot[..]) {
        ([pf], [dc]) => Some((pf, dc)),
        _ => None,
    }
}

/// The text for the configuration's syntax.
pub(crate) fn pick(cfg: &DovecotConfig, v23: impl Into<String>, v24: impl Into<String>) -> String {
    match cfg.syntax {
        Syntax::V2_3 => v23.into(),
        Syntax::V2_4 => v24.into(),
    }
}

/// A finding's confidence, lowered when the 2.3/2.4 syntax was guessed from the names used.
pub(crate) fn confidence(cfg: &DovecotConfig, c: f32) -> f32 {
    if cfg.syntax_guessed {
        c * 0.85
    } else {
        c
    }
}

/// "Dovecot 2.3.19" / "Dovecot 2.4" wording for summaries.
pub(crate) fn version_words(cfg: &DovecotConfig) -> String {
    match (&cfg.version, cfg.syntax) {
        (Some(v), _) => format!("Dovecot {v}"),
        (None, Syntax::V2_3) => "Dovecot 2.3 syntax".to_owned(),
        (None, Syntax::V2_4) => "Dovecot 2.4 syntax".to_owned(),
    }
}

/// The first of `keys` set at the top level or in any `protocol`/`local`/`remote`/`local_name`
/// filter (certificates are often given per `local_name`).
pub(crate) fn set_anywhere<'a>(cfg: &'a DovecotConfig, keys: &[&str]) -> Option<&'a Setting> {
    cfg.get_any(keys).or_else(|| {
        filters(cfg)
            .into_iter()
            .find_map(|s| keys.iter().find_map(|k| s.get(k)))
    })
}

/// Every filter section (`protocol imap { }`, `local 192.0.2.1 { }`, …) at any depth.
pub(crate) fn filters(cfg: &DovecotConfig) -> Vec<&Section> {
    cfg.root
        .walk()
        .into_iter()
        .filter(|s| s.is_filter())
        .collect()
}

/// Settings written at the global level: the top level and inside filters (whose settings are
/// global ones applied under a condition), with the section holding each.
pub(crate) fn global_settings(cfg: &DovecotConfig) -> Vec<(&Section, &Setting)> {
    let mut out: Vec<(&Section, &Setting)> = Vec::new();
    let mut stack = vec![&cfg.root];
    while let Some(s) = stack.pop() {
        out.extend(s.settings.iter().map(|st| (s, st)));
        stack.extend(s.children.iter().filter(|c| c.is_filter()));
    }
    crate::text::sort_by_key(&mut out, |(_, st)| st.line_span.start);
    out
}

/// A value is set and not empty (`ssl_cert =` clears it); hidden values count as set.
pub(crate) fn is_set(s: &Setting) -> bool {
    s.hidden || !s.value.trim().is_empty()
}

/// The setting's line commented out: the copyable fix for a line that has to go.
pub(crate) fn commented_out(s: &Setting) -> String {
    format!("#{} = {}", s.key, s.value)
}

/// The table row of a name as written, also for numbered names (`sieve_spamtest_text_value3`
/// → `sieve_spamtest_text_value<N>`).
pub(crate) fn table_row(name: &str) -> Option<SettingInfo> {
    if let Some(i) = crate::dovecot::setting_info(name) {
        return Some(i);
    }
    let mut numbered = String::with_capacity(name.len() + 3);
    let mut in_digits = false;
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                numbered.push_str("<N>");
            }
            in_digits = true;
        } else {
            numbered.push(c);
            in_digits = false;
        }
    }
    (numbered != name)
        .then(|| crate::dovecot::setting_info(&numbered))
        .flatten()
}

/// The protocols Dovecot serves, with the setting that says so.
pub(crate) struct Protocols {
    pub names: Vec<String>,
    /// The `protocols` setting (or the `protocols { }` list's header); `None` for the default.
    pub span: Option<Span>,
}

impl Protocols {
    pub fn has(&self, p: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(p))
    }
}

/// Enabled protocols: `protocols = imap lmtp`, or the 2.4 list `protocols { imap = yes }`, else
/// the 2.3 default (`imap pop3 lmtp`) in complete 2.3 output. `None` when the paste cannot tell
/// (a raw file, a 2.4 configuration without the setting, or an unexpanded `$protocols`).
pub(crate) fn protocols(cfg: &DovecotConfig) -> Option<Protocols> {
    if let Some(s) = cfg.get("protocols") {
        if s.value.contains('$') {
            return None;
        }
        let names = s
            .words()
            .filter(|w| !w.eq_ignore_ascii_case("none"))
            .map(str::to_ascii_lowercase)
            .collect();
        return Some(Protocols {
            names,
            span: Some(s.line_span),
        });
    }
    if let Some(list) = cfg.root.children_of("protocols").last() {
        let names = list
            .settings
            .iter()
            .filter(|s| s.as_bool() == Some(true))
            .map(|s| s.key.to_ascii_lowercase())
            .collect();
        return Some(Protocols {
            names,
            span: Some(list.header_span),
        });
    }
    (is_complete(cfg) && cfg.syntax == Syntax::V2_3).then(|| Protocols {
        names: vec!["imap".into(), "pop3".into(), "lmtp".into()],
        span: None,
    })
}

/// Whether an address in `listen` (or a listener's `address`/`listen`) is the loopback.
pub(crate) fn is_loopback(addr: &str) -> bool {
    let a = addr.trim().trim_start_matches('[').trim_end_matches(']');
    a == "::1" || a == "localhost" || a.starts_with("127.")
}

/// Whether Dovecot listens beyond the loopback (`listen` unset means `*, ::`).
pub(crate) fn listens_publicly(cfg: &DovecotConfig) -> bool {
    match cfg.get("listen") {
        Some(s) => s
            .value
            .split([',', ' '])
            .filter(|a| !a.trim().is_empty())
            .any(|a| !is_loopback(a)),
        None => true,
    }
}

/// Whether a protocol's login service has a listener open to the network: Dovecot's default
/// listeners when the paste does not configure `service <protocol>-login`, else any listener
/// with a port other than 0 and an address that is not the loopback.
pub(crate) fn served_publicly(cfg: &DovecotConfig, protocol: &str) -> bool {
    if !listens_publicly(cfg) {
        return false;
    }
    let login = format!("{protocol}-login");
    let services: Vec<_> = cfg
        .services()
        .into_iter()
        .filter(|s| s.name == login)
        .collect();
    let listeners: Vec<_> = services.iter().flat_map(|s| s.inet_listeners()).collect();
    if listeners.is_empty() {
        return true;
    }
    listeners.iter().any(|l| {
        l.port != Some(0)
            && !["address", "listen"]
                .iter()
                .filter_map(|k| l.setting(k))
                .any(|a| {
                    a.value
                        .split([',', ' '])
                        .filter(|x| !x.trim().is_empty())
                        .all(is_loopback)
                })
    })
}

/// `base_dir`, where relative socket names live.
pub(crate) fn base_dir(cfg: &DovecotConfig) -> String {
    cfg.value("base_dir")
        .map(|v| v.trim_end_matches('/').to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/var/run/dovecot".to_owned())
}

/// Sockets a service has without any configuration (`auth-client` for `service auth`, `lmtp`
/// for `service lmtp`), as absolute paths.
pub(crate) fn default_sockets(cfg: &DovecotConfig, service: &str) -> Vec<String> {
    let names: &[&str] = match service {
        "auth" => &["auth-client", "auth-userdb", "auth-login"],
        "lmtp" => &["lmtp"],
        _ => &[],
    };
    names
        .iter()
        .map(|n| normalise_path(&format!("{}/{n}", base_dir(cfg))))
        .collect()
}

/// A unix listener's socket as an absolute path (relative names are under `base_dir`).
pub(crate) fn socket_path(cfg: &DovecotConfig, l: &Listener<'_>) -> String {
    let p = l.path();
    if p.starts_with('/') {
        normalise_path(p)
    } else {
        normalise_path(&format!("{}/{p}", base_dir(cfg)))
    }
}

/// `//` and trailing `/` removed, `/run` and `/var/run` treated as the same directory (one is a
/// link to the other on current systems).
pub(crate) fn normalise_path(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let mut out = format!("/{}", parts.join("/"));
    if let Some(rest) = out.strip_prefix("/run/") {
        out = format!("/var/run/{rest}");
    }
    out
}

/// What an auth service socket lets its client do, by its name as Dovecot's auth process reads
/// it: `…-master` answers password (passdb) and userdb lookups, `…-userdb` only userdb lookups
/// (and only for callers whose uid/gid match), `login`/`token-login` are for login processes,
/// anything else (`auth-client`, Postfix's `private/auth`) only verifies passwords.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthSocketKind {
    Client,
    Master,
    Userdb,
    Login,
}

pub(crate) fn auth_socket_kind(l: &Listener<'_>) -> AuthSocketKind {
    if let Some(t) = l
        .section
        .value("type")
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        return if t.ends_with("master") {
            AuthSocketKind::Master
        } else if t.ends_with("userdb") {
            AuthSocketKind::Userdb
        } else if t.contains("login") {
            AuthSocketKind::Login
        } else {
            AuthSocketKind::Client
        };
    }
    let name = l.path().rsplit('/').next().unwrap_or("");
    if name.ends_with("-master") || name == "master" {
        AuthSocketKind::Master
    } else if name.ends_with("-userdb") || name == "userdb" {
        AuthSocketKind::Userdb
    } else if name == "login" || name == "token-login" || name.starts_with("auth-login") {
        AuthSocketKind::Login
    } else {
        AuthSocketKind::Client
    }
}

/// A Postfix value as a service sees it, with where it is written.
pub(crate) struct PostfixValue {
    /// Expanded value.
    pub value: String,
    /// The `-o` override or `main.cf` line; `None` when it is Postfix's default.
    pub span: Option<Span>,
    /// `main.cf`, `master.cf service submission`, or `default`.
    pub origin: String,
}

pub(crate) fn postfix_value(
    pf: &PostfixConfig,
    service: Option<(&str, &[Override])>,
    name: &str,
) -> Option<PostfixValue> {
    let overrides = service.map_or(&[][..], |(_, o)| o);
    let value = pf.effective_in(name, overrides)?;
    if let Some(o) = overrides.iter().rev().find(|o| o.name == name) {
        return Some(PostfixValue {
            value,
            span: Some(o.span),
            origin: format!("master.cf service `{}`", service.map_or("", |s| s.0)),
        });
    }
    let (span, origin) = match pf.get(name) {
        Some(p) => (Some(p.span), "main.cf".to_owned()),
        None => (None, "default".to_owned()),
    };
    Some(PostfixValue {
        value,
        span,
        origin,
    })
}

/// Every context a Postfix SMTP server runs in: `main.cf` itself and each active master.cf
/// `smtpd` service with `-o` overrides. Yields (service name, its overrides).
pub(crate) fn smtpd_contexts(facts: &Facts) -> Vec<Option<(&str, &[Override])>> {
    let mut out: Vec<Option<(&str, &[Override])>> = vec![None];
    for m in &facts.master {
        for s in &m.services {
            if !s.commented_out && s.command == "smtpd" && !s.overrides.is_empty() {
                out.push(Some((s.name.as_str(), &s.overrides[..])));
            }
        }
    }
    out
}

/// Where a Postfix client connects: a unix socket (absolute path) or a TCP port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Unix(String),
    Inet { host: String, port: u16 },
}

impl Endpoint {
    /// `` `/var/spool/postfix/private/auth` `` or `TCP port 24`, for summaries.
    pub fn describe(&self) -> String {
        match self {
            Endpoint::Unix(p) => format!("`{p}`"),
            Endpoint::Inet { port, .. } => format!("TCP port {port}"),
        }
    }
    /// A TCP endpoint on another machine, whose Dovecot may not be the one pasted.
    pub fn is_remote(&self) -> bool {
        matches!(self, Endpoint::Inet { host, .. } if !is_loopback(host))
    }
}

/// A Postfix destination as `smtpd_sasl_path` or an LMTP nexthop writes it: `unix:path`,
/// `inet:host:port`, or without a prefix a socket path (`bare_is_unix`, as for
/// `smtpd_sasl_path`) or `host:port` (as for `lmtp:`). Relative paths are under the queue
/// directory. `None` for what cannot be resolved (`$name`, no port).
pub(crate) fn postfix_endpoint(
    pf: &PostfixConfig,
    dest: &str,
    bare_is_unix: bool,
) -> Option<Endpoint> {
    let d = dest.trim();
    let unix = |p: &str| {
        (!p.is_empty() && !p.contains('$')).then(|| Endpoint::Unix(postfix_socket(pf, p)))
    };
    if let Some(p) = d.strip_prefix("unix:") {
        return unix(p);
    }
    let inet = match d.strip_prefix("inet:") {
        Some(rest) => rest,
        None if bare_is_unix => return unix(d),
        None => d,
    };
    let (host, port) = inet.rsplit_once(':')?;
    Some(Endpoint::Inet {
        host: host.trim_matches(['[', ']']).to_owned(),
        port: port.parse().ok()?,
    })
}

/// Whether Dovecot's `service <name>` listens at the endpoint (its configured listeners or the
/// ones the service has by default).
pub(crate) fn service_serves(cfg: &DovecotConfig, service: &str, e: &Endpoint) -> bool {
    if let Endpoint::Unix(p) = e {
        if default_sockets(cfg, service).contains(p) {
            return true;
        }
    }
    cfg.services()
        .into_iter()
        .filter(|s| s.name == service)
        .any(|s| match e {
            Endpoint::Unix(p) => s.unix_listeners().iter().any(|l| socket_path(cfg, l) == *p),
            Endpoint::Inet { port, .. } => s.inet_listeners().iter().any(|l| l.port == Some(*port)),
        })
}

/// The Postfix queue directory, which relative socket paths in Postfix are under.
pub(crate) fn queue_directory(pf: &PostfixConfig) -> String {
    pf.effective("queue_directory")
        .filter(|q| q.starts_with('/'))
        .map(|q| normalise_path(&q))
        .unwrap_or_else(|| "/var/spool/postfix".to_owned())
}

/// A Postfix socket path (`private/auth`) as an absolute path.
pub(crate) fn postfix_socket(pf: &PostfixConfig, path: &str) -> String {
    if path.starts_with('/') {
        normalise_path(path)
    } else {
        normalise_path(&format!("{}/{path}", queue_directory(pf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_compared_as_the_system_does() {
        assert_eq!(
            normalise_path("/var/spool/postfix//private/auth/"),
            "/var/spool/postfix/private/auth"
        );
        assert_eq!(
            normalise_path("/run/dovecot/auth-userdb"),
            "/var/run/dovecot/auth-userdb"
        );
        assert!(is_loopback("127.0.0.1") && is_loopback("[::1]") && !is_loopback("*"));
    }

    #[test]
    fn postfix_destinations_resolve_under_the_queue_directory() {
        let (pf, _) = crate::postfix::parse_main_cf(
            "queue_directory = /var/spool/postfix\n",
            0,
            SegmentKind::MainCf,
            &Default::default(),
        );
        let unix = |p: &str| Endpoint::Unix(p.to_owned());
        assert_eq!(
            postfix_endpoint(&pf, "private/auth", true),
            Some(unix("/var/spool/postfix/private/auth"))
        );
        assert_eq!(
            postfix_endpoint(&pf, "unix:private/dovecot-lmtp", false),
            Some(unix("/var/spool/postfix/private/dovecot-lmtp"))
        );
        let e = postfix_endpoint(&pf, "inet:[192.0.2.25]:24", false).unwrap();
        assert_eq!(
            e,
            Endpoint::Inet {
                host: "192.0.2.25".into(),
                port: 24
            }
        );
        assert!(e.is_remote());
        assert_eq!(postfix_endpoint(&pf, "$sasl_path", true), None);
        assert_eq!(postfix_endpoint(&pf, "inet:localhost", true), None);
    }

    #[test]
    fn numbered_names_find_their_row() {
        assert!(table_row("sieve_spamtest_text_value3").is_some());
        assert!(table_row("ssl_cert").is_some());
        assert!(table_row("ssl_cert2").is_none());
    }

    #[test]
    fn protocols_come_from_the_setting_the_list_or_the_2_3_default() {
        let (c, _) = crate::dovecot::parse(
            "# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf\npassdb {\n  driver = pam\n}\nssl = yes\n",
            0,
            SegmentKind::DoveconfN,
            &Default::default(),
        );
        let p = protocols(&c).unwrap();
        assert!(p.has("lmtp") && p.span.is_none());
        let (c, _) = crate::dovecot::parse(
            "dovecot_config_version = 2.4.1\nprotocols {\n  imap = yes\n  pop3 = no\n}\n",
            0,
            SegmentKind::DovecotConf,
            &Default::default(),
        );
        let p = protocols(&c).unwrap();
        assert!(p.has("imap") && !p.has("pop3"));
        let (c, _) = crate::dovecot::parse(
            "protocols = $protocols lmtp\n",
            0,
            SegmentKind::DovecotConf,
            &Default::default(),
        );
        assert!(protocols(&c).is_none());
    }
}
