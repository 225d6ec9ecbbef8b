//! Postfix: `main.cf` / `postconf` output and `master.cf`, as typed configuration.
//!
//! # Reading a configuration
//!
//! [`parse_main_cf`] turns `postconf -n`, full `postconf` / `postconf -d` output, or a raw
//! `main.cf` into a [`PostfixConfig`]; [`parse_master_cf`] turns `master.cf` (raw, or
//! `postconf -M` / `-Mf` output) into a [`MasterCf`]. Neither fails: unreadable lines become
//! [`Note`]s.
//!
//! # Asking for values
//!
//! ```
//! use mailtriage::postfix::{parse_main_cf, parse_master_cf};
//! use mailtriage::report::SegmentKind;
//! let text = "myhostname = mail.example.net\n\
//!             mynetworks = 127.0.0.0/8 [::1]/128 192.0.2.0/24\n\
//!             smtpd_recipient_restrictions = permit_mynetworks,\n    \
//!                 check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination\n";
//! let (cfg, _notes) = parse_main_cf(text, 0, SegmentKind::PostconfN, &Default::default());
//! // Explicit value, `$name`s expanded:
//! assert_eq!(cfg.effective("smtpd_banner").as_deref(), Some("mail.example.net ESMTP Postfix"));
//! // Restriction lists come as names with their arguments and spans into the paste:
//! let r = cfg.restrictions("smtpd_recipient_restrictions");
//! assert_eq!(r[1].name, "check_recipient_access");
//! assert_eq!(r[1].arg(), Some("hash:/etc/postfix/rcpt"));
//! // mynetworks as address blocks:
//! let nets = cfg.mynetworks().unwrap();
//! assert!(nets[2].cidr().unwrap().contains("192.0.2.9".parse().unwrap()));
//!
//! let (master, _) = parse_master_cf(
//!     "submission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n",
//!     0,
//! );
//! assert_eq!(master.effective("submission", "smtpd_sasl_auth_enable", &cfg).as_deref(), Some("yes"));
//! ```
//!
//! - Values: [`PostfixConfig::get`] (the explicit definition, last one wins),
//!   [`PostfixConfig::is_explicit`], [`PostfixConfig::default_value`] (by release and
//!   `compatibility_level`), [`PostfixConfig::effective`] (explicit or default, expanded),
//!   [`PostfixConfig::expand`].
//! - Lists: [`PostfixConfig::list`] (items with spans; `$param` items are replaced by that
//!   parameter's items), [`PostfixConfig::restrictions`], [`PostfixConfig::mynetworks`].
//! - Per service: [`MasterCf::service`], [`MasterCf::effective`], [`Service::overrides`], and the
//!   `*_in` variants of the `PostfixConfig` methods, which take a service's `-o` overrides.
//! - Tables: [`params`] (parameter info, defaults, deprecations, did-you-mean, [`Version`]).
//!
//! Items that come from a default value have `span: None`; everything written in the paste has
//! a span into the paste.

mod expand;
mod main_cf;
mod master_cf;
pub mod network;
pub mod params;
pub mod value;

pub use master_cf::{MasterCf, Override, Service, ServiceType};
pub use network::{Cidr, NetworkEntry, NetworkMatch};
pub use params::Version;
pub use value::{ListItem, Restriction, Value};

use crate::facts::Options;
use crate::report::{Note, SegmentKind};
use crate::text::Span;
use std::collections::{HashMap, HashSet};

/// How deep `$param` items in lists are followed.
const MAX_LIST_DEPTH: usize = 10;
/// Most items one list expansion may yield (guards self-multiplying definitions).
const MAX_LIST_ITEMS: usize = 10_000;

/// A parsed `main.cf`-style configuration (from `postconf -n`, `postconf`, or a raw file).
#[derive(Clone, Debug, Default)]
pub struct PostfixConfig {
    pub kind: Option<SegmentKind>,
    pub span: Span,
    /// The release defaults are taken for: `mail_version` in this text, else
    /// [`Options::postfix_version`]; `None` = unknown (latest documented defaults are used).
    pub version: Option<Version>,
    /// Whether `version` comes from the paste itself (`mail_version = …`).
    pub version_stated: bool,
    /// The `compatibility_level` in effect: its explicit value, else 0 (Postfix's reading of an
    /// unset level). Check `is_explicit("compatibility_level")` for whether the paste sets it.
    pub compatibility_level: Version,
    /// Every definition, in paste order, duplicates included (see [`Param::overridden`]).
    /// In full `postconf` output every parameter is listed, so "defined" does not mean "set by
    /// the admin" there.
    pub params: Vec<Param>,
    index: HashMap<String, usize>,
    lists: Memo<Vec<ListItem>>,
    values: Memo<Option<String>>,
}

/// What one configuration's readers asked of it, as it was read: every check and each relay
/// trace asks for the same few lists and values, often through the same `$name` chains and
/// default values. Each reading keeps the parameter names it looked up, so a service's `-o`
/// overrides that name none of them get the same answer. Readings are dropped when the version,
/// compatibility level or number of parameters change.
#[derive(Debug)]
struct Memo<T>(std::sync::Mutex<Readings<T>>);

/// A config's readings by name (the first reading of a name is the one kept), all made under one
/// [`Stamp`].
#[derive(Debug)]
struct Readings<T> {
    stamp: Option<Stamp>,
    by_name: HashMap<String, Reading<T>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo(std::sync::Mutex::new(Readings {
            stamp: None,
            by_name: HashMap::new(),
        }))
    }
}

#[derive(Debug)]
struct Reading<T> {
    value: T,
    /// Every parameter name the reading looked up (the parameter itself, `$name`s, conditionals).
    reads: Vec<String>,
}

type Stamp = (Option<Version>, Version, usize);

impl<T> Clone for Memo<T> {
    /// A copy reads again (it may be changed).
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl<T: Clone> Memo<T> {
    /// `name`'s reading under `overrides`: kept, or made by `read` (and kept when the overrides
    /// play no part in it).
    fn get(
        &self,
        stamp: Stamp,
        name: &str,
        overrides: &[Override],
        read: impl FnOnce(&Reads) -> T,
    ) -> T {
        let unaffected = |reads: &[String]| !overrides.iter().any(|o| reads.contains(&o.name));
        if let Ok(mut memo) = self.0.lock() {
            if memo.stamp != Some(stamp) {
                memo.by_name.clear();
                memo.stamp = Some(stamp);
            }
            if let Some(r) = memo.by_name.get(name) {
                if unaffected(&r.reads) {
                    return r.value.clone();
                }
            }
        }
        let reads = Reads::default();
        let value = read(&reads);
        let reads = reads.into_inner();
        if unaffected(&reads) {
            if let Ok(mut memo) = self.0.lock() {
                if memo.stamp == Some(stamp) && !memo.by_name.contains_key(name) {
                    memo.by_name.insert(
                        name.to_owned(),
                        Reading {
                            value: value.clone(),
                            reads,
                        },
                    );
                }
            }
        }
        value
    }
}

/// The names one list reading looks up.
type Reads = std::cell::RefCell<Vec<String>>;

fn note_read(reads: &Reads, name: &str) {
    let mut r = reads.borrow_mut();
    if !r.iter().any(|n| n == name) {
        r.push(name.to_owned());
    }
}

/// One `name = value` definition.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    /// The value as written (continuation lines joined), not expanded.
    pub value: Value,
    /// The whole definition, name to the end of its last continuation line.
    pub span: Span,
    pub name_span: Span,
    /// A later line sets the same name, so Postfix ignores this one.
    pub overridden: bool,
    /// A parser note about unindented continuation lines was already given.
    flush_noted: bool,
}

impl PostfixConfig {
    /// The definition in effect (the last one) for `name`.
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.index.get(name).and_then(|&i| self.params.get(i))
    }

    /// Whether the text defines `name`.
    pub fn is_explicit(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// Definitions replaced by a later one of the same name, each with the one that wins.
    pub fn duplicates(&self) -> impl Iterator<Item = (&Param, &Param)> {
        self.params
            .iter()
            .filter(|p| p.overridden)
            .filter_map(|p| Some((p, self.get(&p.name)?)))
    }

    /// The default (unexpanded) for this config's release and compatibility level; `None` when it
    /// depends on the host (`myhostname`, `mynetworks`) or the parameter does not exist then.
    pub fn default_value(&self, name: &str) -> Option<String> {
        params::default_value(name, self.version, self.compatibility_level)
    }

    /// Explicit value, else default, not expanded.
    pub fn raw_value(&self, name: &str) -> Option<String> {
        self.raw_value_in(name, &[])
    }

    /// Like [`raw_value`](Self::raw_value), with a service's `-o` overrides taking precedence.
    pub fn raw_value_in(&self, name: &str, overrides: &[Override]) -> Option<String> {
        if let Some(o) = overrides.iter().rev().find(|o| o.name == name) {
            return Some(o.value.text.clone());
        }
        match self.get(name) {
            Some(p) => Some(p.value.text.clone()),
            None => self.default_value(name),
        }
    }

    /// The value Postfix uses: explicit or default, with `$name`s expanded. `None` when it cannot
    /// be known from the paste. References whose value is unknown are kept as written.
    pub fn effective(&self, name: &str) -> Option<String> {
        self.effective_in(name, &[])
    }

    pub fn effective_in(&self, name: &str, overrides: &[Override]) -> Option<String> {
        self.values.get(self.stamp(), name, overrides, |reads| {
            note_read(reads, name);
            let raw = self.raw_value_in(name, overrides)?;
            Some(self.expand_noting(&raw, overrides, reads))
        })
    }

    /// Expands `$name`, `${name}`, `${name?value}`, `${name:value}` and the 3.x `{…}` forms
    /// against this configuration (explicit values, else defaults).
    pub fn expand(&self, text: &str) -> String {
        self.expand_in(text, &[])
    }

    pub fn expand_in(&self, text: &str, overrides: &[Override]) -> String {
        expand::expand(text, &|n| self.lookup(n, overrides))
    }

    /// [`expand_in`](Self::expand_in), noting the names looked up.
    fn expand_noting(&self, text: &str, overrides: &[Override], reads: &Reads) -> String {
        expand::expand(text, &|n| {
            note_read(reads, n);
            self.lookup(n, overrides)
        })
    }

    /// Raw value for expansion: unknown host-dependent defaults stay unexpanded (`None`), names
    /// Postfix does not know and the paste does not set are empty (as Postfix expands them).
    fn lookup(&self, name: &str, overrides: &[Override]) -> Option<String> {
        if let Some(v) = self.raw_value_in(name, overrides) {
            return Some(v);
        }
        if params::info(name).is_some() || name == "mail_version" {
            None
        } else {
            Some(String::new())
        }
    }

    /// Whether [`lookup`](Self::lookup) gives a value, without building it.
    fn resolves(&self, name: &str, overrides: &[Override]) -> bool {
        overrides.iter().any(|o| o.name == name)
            || self.is_explicit(name)
            || params::default_text(name, self.version, self.compatibility_level).is_some()
            || !(params::info(name).is_some() || name == "mail_version")
    }

    /// The parameter's value as a list (comma/whitespace separated, `{…}` groups whole). Items that
    /// are just `$param` become that parameter's items (recursively); other items holding `$`
    /// are expanded in place and keep their own span.
    pub fn list(&self, name: &str) -> Vec<ListItem> {
        self.list_in(name, &[])
    }

    pub fn list_in(&self, name: &str, overrides: &[Override]) -> Vec<ListItem> {
        self.lists.get(self.stamp(), name, overrides, |reads| {
            let mut out = Vec::new();
            self.collect_items(name, overrides, 0, &mut out, reads);
            out
        })
    }

    fn stamp(&self) -> Stamp {
        (self.version, self.compatibility_level, self.params.len())
    }

    fn items_of(&self, name: &str, overrides: &[Override]) -> Vec<ListItem> {
        if let Some(o) = overrides.iter().rev().find(|o| o.name == name) {
            return o.value.items();
        }
        if let Some(p) = self.get(name) {
            return p.value.items();
        }
        match params::default_text(name, self.version, self.compatibility_level) {
            Some(d) => value::split_list(&d)
                .into_iter()
                .map(|(_, _, text)| ListItem { text, span: None })
                .collect(),
            None => Vec::new(),
        }
    }

    fn collect_items(
        &self,
        name: &str,
        overrides: &[Override],
        depth: usize,
        out: &mut Vec<ListItem>,
        reads: &Reads,
    ) {
        note_read(reads, name);
        for item in self.items_of(name, overrides) {
            if out.len() >= MAX_LIST_ITEMS {
                return;
            }
            if !item.text.contains('$') {
                out.push(item);
                continue;
            }
            if let Some(r) = whole_reference(&item.text) {
                note_read(reads, r);
                let known = self.resolves(r, overrides);
                if depth < MAX_LIST_DEPTH && known {
                    self.collect_items(r, overrides, depth + 1, out, reads);
                    continue;
                }
            }
            let expanded = self.expand_noting(&item.text, overrides, reads);
            for (_, _, text) in value::split_list(&expanded) {
                out.push(ListItem {
                    text,
                    span: item.span,
                });
            }
        }
    }

    /// The parameter as an smtpd restriction list (see [`Restriction`]).
    pub fn restrictions(&self, name: &str) -> Vec<Restriction> {
        self.restrictions_in(name, &[])
    }

    pub fn restrictions_in(&self, name: &str, overrides: &[Override]) -> Vec<Restriction> {
        value::restrictions_from_items(self.list_in(name, overrides))
    }

    /// `mynetworks` as entries; `None` when it is not set, because Postfix then derives it from
    /// `mynetworks_style` and the host's own interfaces (see `effective("mynetworks_style")`).
    pub fn mynetworks(&self) -> Option<Vec<NetworkEntry>> {
        self.network_list_in("mynetworks", &[])
    }

    /// A network-list parameter (`mynetworks`, `smtpd_client_event_limit_exceptions`, …), with
    /// overrides; `None` when its value cannot be known.
    pub fn network_list_in(&self, name: &str, overrides: &[Override]) -> Option<Vec<NetworkEntry>> {
        self.raw_value_in(name, overrides)?;
        Some(
            self.list_in(name, overrides)
                .iter()
                .map(NetworkEntry::from_item)
                .collect(),
        )
    }

    /// Every name referenced as `$name` / `${name…}` in some value (user-defined variables such
    /// as `$mua_client_restrictions` are legitimate parameter names).
    pub fn referenced_names(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for p in &self.params {
            references(&p.value.text, &mut out);
        }
        out
    }
}

/// `$name`, `${name}` or `$(name)` making up the whole item.
fn whole_reference(s: &str) -> Option<&str> {
    let r = s.strip_prefix('$')?;
    let name = r
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .or_else(|| r.strip_prefix('(').and_then(|x| x.strip_suffix(')')))
        .unwrap_or(r);
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

/// Adds every `$name` / `${name…}` / `$(name…)` referenced in `s` to `out`.
pub fn references(s: &str, out: &mut HashSet<String>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'{') | Some(b'(')) {
            j += 1;
        }
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        if j > start {
            if let Some(n) = s.get(start..j) {
                out.insert(n.to_owned());
            }
        }
        i = j.max(i + 1);
    }
}

/// Reads `main.cf`-style text (`postconf -n`, `postconf`, raw `main.cf`) starting at paste offset
/// `base`. See the module documentation.
pub fn parse_main_cf(
    text: &str,
    base: usize,
    kind: SegmentKind,
    opts: &Options,
) -> (PostfixConfig, Vec<Note>) {
    main_cf::parse(text, base, kind, opts)
}

/// Reads `master.cf` text (raw or `postconf -M`/`-Mf`) starting at paste offset `base`.
pub fn parse_master_cf(text: &str, base: usize) -> (MasterCf, Vec<Note>) {
    master_cf::parse(text, base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> PostfixConfig {
        parse_main_cf(text, 0, SegmentKind::MainCf, &Options::default()).0
    }

    #[test]
    fn readings_kept_only_where_overrides_play_no_part() {
        let c = cfg("myhostname = mx.example.net\nmydomain = example.net\nrelay_domains = $mydestination, example.org\nmydestination = $myhostname, localhost\n");
        let texts = |items: Vec<ListItem>| items.into_iter().map(|i| i.text).collect::<Vec<_>>();
        let (m, _) = parse_master_cf(
            "a inet n - y - - smtpd\n  -o myhostname=mx2.example.net\nb inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n",
            0,
        );
        let (a, b) = (&m.services[0].overrides, &m.services[1].overrides);
        let plain = ["mx.example.net", "localhost", "example.org"];
        // Read first under an override it looks at, then plainly, then under one it does not.
        assert_eq!(
            texts(c.list_in("relay_domains", a)),
            ["mx2.example.net", "localhost", "example.org"]
        );
        assert_eq!(texts(c.list("relay_domains")), plain);
        assert_eq!(texts(c.list_in("relay_domains", b)), plain);
        assert_eq!(
            texts(c.list_in("relay_domains", a)),
            ["mx2.example.net", "localhost", "example.org"]
        );
        assert_eq!(
            c.effective_in("smtpd_banner", a).as_deref(),
            Some("mx2.example.net ESMTP Postfix")
        );
        assert_eq!(
            c.effective("smtpd_banner").as_deref(),
            Some("mx.example.net ESMTP Postfix")
        );
        assert_eq!(
            c.effective_in("smtpd_banner", b).as_deref(),
            Some("mx.example.net ESMTP Postfix")
        );
        // A config whose level changes reads its defaults again (relay_domains is
        // `$mydestination` below level 2, empty from it).
        let mut d = cfg("myhostname = mx.example.net\nmydestination = $myhostname, localhost\n");
        d.compatibility_level = Version::new(0, 0, 0);
        assert_eq!(
            texts(d.list("relay_domains")),
            ["mx.example.net", "localhost"]
        );
        d.compatibility_level = Version::new(3, 6, 0);
        assert!(d.list("relay_domains").is_empty());
    }

    #[test]
    fn last_definition_wins_and_duplicates_are_kept() {
        let c = cfg("relayhost = [a.example.net]\nrelayhost = [b.example.net]:587\n");
        assert_eq!(
            c.get("relayhost").unwrap().value.text,
            "[b.example.net]:587"
        );
        let d: Vec<_> = c.duplicates().collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0.value.text, "[a.example.net]");
    }

    #[test]
    fn continuation_lines_comments_and_indentation() {
        let text = "    # comment\n    smtpd_relay_restrictions =\n        permit_mynetworks\n    # inside\n        reject_unauth_destination\n    myhostname=mx.example.org\n";
        let (c, notes) = parse_main_cf(text, 100, SegmentKind::MainCf, &Options::default());
        assert!(notes.is_empty(), "{notes:?}");
        let r = c.restrictions("smtpd_relay_restrictions");
        assert_eq!(r.len(), 2);
        let span = r[1].span.unwrap();
        assert_eq!(
            &text[span.start - 100..span.end - 100],
            "reject_unauth_destination"
        );
        assert_eq!(c.effective("myhostname").as_deref(), Some("mx.example.org"));
    }

    #[test]
    fn unindented_continuation_is_read_with_a_note() {
        let (c, notes) = parse_main_cf(
            "smtpd_relay_restrictions =\npermit_mynetworks\nreject_unauth_destination\n",
            0,
            SegmentKind::MainCf,
            &Options::default(),
        );
        assert_eq!(c.restrictions("smtpd_relay_restrictions").len(), 2);
        assert_eq!(notes.len(), 1);
        let (_, notes) = parse_main_cf(
            "garbage line\n",
            0,
            SegmentKind::MainCf,
            &Options::default(),
        );
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn defaults_follow_stated_version_and_level() {
        let c = cfg("mail_version = 2.11.3\n");
        assert_eq!(c.version, Some(Version::new(2, 11, 3)));
        assert!(c.version_stated);
        assert_eq!(
            c.effective("smtpd_relay_restrictions").as_deref(),
            Some("permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination")
        );
        let c = cfg("mail_version = 3.8.1\n");
        assert_eq!(c.effective("smtpd_relay_restrictions").as_deref(), Some(""));
        let c = cfg("mail_version = 3.8.1\ncompatibility_level = 3.6\n");
        assert_eq!(c.compatibility_level, Version::new(3, 6, 0));
        assert_eq!(c.restrictions("smtpd_relay_restrictions").len(), 3);
        assert_eq!(
            c.effective("smtpd_tls_fingerprint_digest").as_deref(),
            Some("sha256")
        );
        let opts = Options {
            postfix_version: Some("2.9".into()),
            ..Default::default()
        };
        let (c, _) = parse_main_cf("", 0, SegmentKind::PostconfN, &opts);
        assert!(!c.version_stated);
        assert_eq!(c.effective("smtpd_relay_restrictions"), None);
        assert_eq!(c.restrictions("smtpd_recipient_restrictions").len(), 2);
    }

    #[test]
    fn list_items_follow_references() {
        let c = cfg("mydomain = example.net\nmydestination = $myhostname, localhost.$mydomain, $extra\nextra = a.example.org b.example.org\nmyhostname = mx.example.net\n");
        let items: Vec<String> = c
            .list("mydestination")
            .into_iter()
            .map(|i| i.text)
            .collect();
        assert_eq!(
            items,
            [
                "mx.example.net",
                "localhost.example.net",
                "a.example.org",
                "b.example.org"
            ]
        );
        assert!(c.list("mydestination").iter().all(|i| i.span.is_some()));
        assert!(c.referenced_names().contains("extra"));
        // Self reference ends.
        let c = cfg("a = $a x\n");
        assert!(c.list("a").len() < MAX_LIST_ITEMS + 1);
    }

    #[test]
    fn full_postconf_comparison_defaults_expand() {
        let c = cfg("compatibility_level = 2\nmail_version = 3.7.4\nsmtpd_relay_restrictions = ${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}\n");
        let r = c.restrictions("smtpd_relay_restrictions");
        let names: Vec<&str> = r.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "permit_mynetworks",
                "permit_sasl_authenticated",
                "defer_unauth_destination"
            ]
        );
    }

    #[test]
    fn mynetworks_entries() {
        let c = cfg("mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128, 192.0.2.1 !198.51.100.0/24 hash:/etc/postfix/nets\n");
        let n = c.mynetworks().unwrap();
        assert_eq!(n.len(), 6);
        assert!(n[0].cidr().unwrap().is_loopback());
        assert!(n[4].negated);
        assert!(cfg("").mynetworks().is_none());
    }
}
