//! Dovecot configuration: `doveconf -n`, full `doveconf`, raw `dovecot.conf` / `conf.d/*.conf`, in
//! 2.0–2.3 and 2.4 syntax, as a tree of sections holding settings.
//!
//! # Reading a configuration (for checks)
//! - [`DovecotConfig::syntax`] says whether names are 2.3 or 2.4 ones; `version` is the software
//!   version when the paste states it (banner, `dovecot_config_version`, or [`Options`]).
//! - [`DovecotConfig::get`] / [`DovecotConfig::value`]: a top-level setting (the last definition
//!   wins, as in Dovecot). [`DovecotConfig::get_any`] takes the 2.3 and 2.4 names at once
//!   (`&["ssl_cert", "ssl_server_cert_file"]`). [`DovecotConfig::get_for_protocol`] looks in
//!   `protocol imap { }` first.
//! - [`Section::get`] inside a section accepts the short name and the 2.4 prefixed one alike:
//!   `get("mode")` on a `unix_listener` finds `mode` or `unix_listener_mode`.
//! - [`DovecotConfig::passdbs`], [`DovecotConfig::userdbs`], [`DovecotConfig::services`],
//!   [`DovecotConfig::service`] and [`Service::unix_listeners`] give typed views with spans.
//! - [`DovecotConfig::sections`] iterates every section of a kind at any depth;
//!   [`Section::walk`] every section below one.
//! - Secrets: [`Setting::secret`] and [`DovecotConfig::secrets`] (spans to mask when rendering);
//!   [`Setting::hidden`] for values `doveconf` hid (`# hidden, use -P to show it`).

pub mod settings;

pub use settings::{did_you_mean, name_in_2_3, setting_info, SettingInfo};

use crate::facts::Options;
use crate::report::{Note, SegmentKind};
use crate::text::{lines_at, Line, Span};

/// Which generation of setting names a configuration uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Syntax {
    /// Dovecot 2.0 – 2.3 (`ssl_cert`, `mail_location`, `disable_plaintext_auth`, unnamed
    /// `passdb { }`).
    #[default]
    V2_3,
    /// Dovecot 2.4 (`dovecot_config_version`, `ssl_server_cert_file`, named list filters).
    V2_4,
}

/// Where the version came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionSource {
    /// `# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf`.
    Banner,
    /// `dovecot_config_version = 2.4.0` (the configuration's version, 2.4+).
    ConfigVersion,
    /// The caller's [`Options::dovecot_version`].
    Options,
}

#[derive(Clone, Debug, Default)]
pub struct DovecotConfig {
    pub kind: Option<SegmentKind>,
    pub span: Span,
    /// `2.3.16`, `2.4.1`, `2.1.7` …
    pub version: Option<String>,
    pub version_span: Option<Span>,
    pub version_source: Option<VersionSource>,
    pub syntax: Syntax,
    /// True when neither a version nor `dovecot_config_version` told the syntax and it was
    /// inferred from the setting names used (checks should lower their confidence).
    pub syntax_guessed: bool,
    /// `# OS: Linux 5.15.0-91-generic x86_64 Ubuntu 22.04.3 LTS` → the text after `OS:`.
    pub os: Option<String>,
    /// The path in the banner (`/etc/dovecot/dovecot.conf`).
    pub config_file: Option<String>,
    /// The top level: `kind` is empty, `settings` are the global ones.
    pub root: Section,
    pub includes: Vec<Include>,
    /// Spans of secret values (passwords, inline keys) to mask when showing the paste.
    pub secrets: Vec<Span>,
    /// `doveconf: Warning: …` / `doveconf: Fatal: …` lines printed along with the output.
    pub messages: Vec<DoveconfMessage>,
}

/// A `name { … }` block: a 2.3 section (`service auth`, `passdb`), a 2.4 named list filter
/// (`passdb sql`), a filter (`protocol imap`, `local 192.0.2.1`, `remote 2001:db8::/32`), or a
/// 2.4 boolean/string list (`mail_plugins { quota = yes }`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// `service`, `unix_listener`, `protocol`, `mailbox` …; empty for the top level.
    pub kind: String,
    /// `auth`, `/var/spool/postfix/private/auth`, `Sent Messages` (quotes removed).
    pub name: Option<String>,
    /// From the header to the closing brace (to the end of the text when unclosed).
    pub span: Span,
    /// The header line `kind name {`.
    pub header_span: Span,
    /// In order of appearance.
    pub settings: Vec<Setting>,
    pub children: Vec<Section>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Setting {
    pub key: String,
    /// Quotes removed; for `<file` values the whole `<file` text (see [`Setting::file`]).
    pub value: String,
    pub key_span: Span,
    pub value_span: Span,
    pub line_span: Span,
    /// The value is or holds a secret (password, inline private key).
    pub secret: bool,
    /// `doveconf` printed `# hidden, use -P to show it` instead of the value.
    pub hidden: bool,
}

impl Setting {
    /// `ssl_cert = </etc/ssl/cert.pem` → `/etc/ssl/cert.pem`.
    pub fn file(&self) -> Option<&str> {
        self.value.strip_prefix('<').map(str::trim_start)
    }
    /// `yes`/`no` (and `true`/`false`, `1`/`0`) as Dovecot reads booleans.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value.to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" | "y" => Some(true),
            "no" | "false" | "0" | "n" => Some(false),
            _ => None,
        }
    }
    /// Whitespace-separated words (`auth_mechanisms = plain login`).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.value.split_whitespace()
    }
}

/// `!include conf.d/*.conf` or `!include_try …`.
#[derive(Clone, Debug, PartialEq)]
pub struct Include {
    pub path: String,
    /// `!include_try`: a missing file is no error.
    pub optional: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DoveconfMessage {
    /// `Warning`, `Error`, `Fatal`.
    pub level: String,
    pub text: String,
    pub span: Span,
}

/// Section kinds whose settings apply to the global scope under a condition.
const FILTER_KINDS: &[&str] = &["protocol", "local", "remote", "local_name"];

impl Section {
    /// The last setting named `key` in this section (not below), also under its 2.4 prefixed
    /// name `<kind>_<key>` (`mode` in a `unix_listener` finds `unix_listener_mode`).
    pub fn get(&self, key: &str) -> Option<&Setting> {
        // `<kind>_<key>` compared in place, without building it.
        let kind = self.kind.as_str();
        let prefixed = |k: &str| {
            !kind.is_empty()
                && k.len() == kind.len() + 1 + key.len()
                && k.starts_with(kind)
                && k[kind.len()..].starts_with('_')
                && k.ends_with(key)
        };
        self.settings
            .iter()
            .rev()
            .find(|s| s.key == key || prefixed(&s.key))
    }
    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|s| s.value.as_str())
    }
    /// Direct children of `kind` (`service.children_of("unix_listener")`).
    pub fn children_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.children.iter().filter(move |c| c.kind == kind)
    }
    /// The direct child of `kind` named `name`.
    pub fn child(&self, kind: &str, name: &str) -> Option<&Section> {
        self.children
            .iter()
            .find(|c| c.kind == kind && c.name.as_deref() == Some(name))
    }
    /// This section and every section below it, depth first, in order of appearance.
    pub fn walk(&self) -> Vec<&Section> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(s) = stack.pop() {
            out.push(s);
            stack.extend(s.children.iter().rev());
        }
        out
    }
    /// `protocol`, `local`, `remote`, `local_name`: their settings are global ones that apply
    /// only under a condition.
    pub fn is_filter(&self) -> bool {
        FILTER_KINDS.contains(&self.kind.as_str())
    }
    /// `kind name` as written in the config, for messages.
    pub fn title(&self) -> String {
        match &self.name {
            Some(n) if n.contains(' ') => format!("{} \"{n}\"", self.kind),
            Some(n) => format!("{} {n}", self.kind),
            None => self.kind.clone(),
        }
    }
}

/// A `passdb` or `userdb` (2.3 `passdb { driver = sql }` or 2.4 `passdb sql { }`).
#[derive(Clone, Copy, Debug)]
pub struct AuthDb<'a> {
    pub section: &'a Section,
    pub name: Option<&'a str>,
    /// `driver`/`passdb_driver`; in 2.4 the filter name when no driver is set.
    pub driver: Option<&'a str>,
    /// 2.3 `args` (file path or options).
    pub args: Option<&'a str>,
}

/// A `service name { }` block.
#[derive(Clone, Copy, Debug)]
pub struct Service<'a> {
    pub section: &'a Section,
    pub name: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenerKind {
    Unix,
    Inet,
    Fifo,
}

/// A `unix_listener`, `inet_listener` or `fifo_listener` inside a service.
#[derive(Clone, Copy, Debug)]
pub struct Listener<'a> {
    pub section: &'a Section,
    pub kind: ListenerKind,
    /// The header name: a socket path for unix listeners (`/var/spool/postfix/private/auth`,
    /// `auth-userdb`), a label for inet ones (`imaps`).
    pub name: &'a str,
    /// File mode, octal as written (`0666` → 0o666).
    pub mode: Option<u32>,
    pub user: Option<&'a str>,
    pub group: Option<&'a str>,
    pub port: Option<u16>,
    pub ssl: Option<bool>,
}

impl<'a> Listener<'a> {
    /// The setting (with its spans) behind a field, for evidence: `setting("mode")`.
    pub fn setting(&self, key: &str) -> Option<&'a Setting> {
        self.section.get(key)
    }
    /// The socket path: `path` (2.4 `unix_listener_path`) when set, else the name.
    pub fn path(&self) -> &'a str {
        self.section.value("path").unwrap_or(self.name)
    }
}

impl<'a> Service<'a> {
    pub fn setting(&self, key: &str) -> Option<&'a Setting> {
        self.section.get(key)
    }
    pub fn unix_listeners(&self) -> Vec<Listener<'a>> {
        self.listeners(ListenerKind::Unix)
    }
    pub fn inet_listeners(&self) -> Vec<Listener<'a>> {
        self.listeners(ListenerKind::Inet)
    }
    pub fn listeners(&self, kind: ListenerKind) -> Vec<Listener<'a>> {
        let k = match kind {
            ListenerKind::Unix => "unix_listener",
            ListenerKind::Inet => "inet_listener",
            ListenerKind::Fifo => "fifo_listener",
        };
        self.section
            .children_of(k)
            .map(|s| Listener {
                section: s,
                kind,
                name: s.name.as_deref().unwrap_or(""),
                mode: s
                    .value("mode")
                    .and_then(|m| u32::from_str_radix(m.trim(), 8).ok()),
                user: s.value("user"),
                group: s.value("group"),
                port: s.value("port").and_then(|p| p.trim().parse().ok()),
                ssl: s.get("ssl").and_then(Setting::as_bool),
            })
            .collect()
    }
}

impl DovecotConfig {
    /// The last top-level definition of `key`.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.root.get(key)
    }
    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|s| s.value.as_str())
    }
    /// The first of `keys` that is set at the top level (pass the 2.3 and 2.4 names together).
    pub fn get_any(&self, keys: &[&str]) -> Option<&Setting> {
        keys.iter().find_map(|k| self.get(k))
    }
    /// `key` as a session of `protocol` sees it: `protocol <protocol> { key }` first, then the top
    /// level.
    pub fn get_for_protocol(&self, key: &str, protocol: &str) -> Option<&Setting> {
        self.root
            .children
            .iter()
            .filter(|c| c.kind == "protocol" && c.name.as_deref() == Some(protocol))
            .find_map(|c| c.get(key))
            .or_else(|| self.get(key))
    }
    /// Every section of `kind`, at any depth.
    pub fn sections<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.root.walk().into_iter().filter(move |s| s.kind == kind)
    }
    pub fn passdbs(&self) -> Vec<AuthDb<'_>> {
        self.auth_dbs("passdb")
    }
    pub fn userdbs(&self) -> Vec<AuthDb<'_>> {
        self.auth_dbs("userdb")
    }
    fn auth_dbs(&self, kind: &'static str) -> Vec<AuthDb<'_>> {
        self.sections(kind)
            .map(|s| {
                let name = s.name.as_deref();
                let driver = s.value("driver").or(match self.syntax {
                    // 2.4: the filter name is the driver unless `driver` says otherwise.
                    Syntax::V2_4 => name,
                    Syntax::V2_3 => None,
                });
                AuthDb {
                    section: s,
                    name,
                    driver,
                    args: s.value("args"),
                }
            })
            .collect()
    }
    pub fn services(&self) -> Vec<Service<'_>> {
        self.sections("service")
            .map(|s| Service {
                section: s,
                name: s.name.as_deref().unwrap_or(""),
            })
            .collect()
    }
    /// The last `service name { }` block (Dovecot merges repeated ones; the last setting wins).
    pub fn service(&self, name: &str) -> Option<Service<'_>> {
        self.services().into_iter().rev().find(|s| s.name == name)
    }
    /// Every setting with the section holding it, in order of appearance.
    pub fn all_settings(&self) -> Vec<(&Section, &Setting)> {
        let mut v: Vec<(&Section, &Setting)> = self
            .root
            .walk()
            .into_iter()
            .flat_map(|s| s.settings.iter().map(move |st| (s, st)))
            .collect();
        crate::text::sort_by_key(&mut v, |(_, st)| st.line_span.start);
        v
    }
    /// The first setting of the text (2.4 requires it to be `dovecot_config_version`).
    pub fn first_setting(&self) -> Option<&Setting> {
        self.all_settings().into_iter().map(|(_, s)| s).next()
    }
}

/// Parses one Dovecot configuration segment whose first byte is at `base` of the paste.
/// Deepest section nesting read (real configurations stay below 6).
const MAX_DEPTH: usize = 64;

pub fn parse(
    text: &str,
    base: usize,
    kind: SegmentKind,
    opts: &Options,
) -> (DovecotConfig, Vec<Note>) {
    let mut cfg = DovecotConfig {
        kind: Some(kind),
        span: Span::new(base, base + text.len()),
        ..Default::default()
    };
    let mut notes = Vec::new();
    // Open sections, innermost last; the root is at the bottom.
    let mut stack: Vec<Section> = vec![Section {
        span: cfg.span,
        ..Default::default()
    }];
    // A PEM block inside a value (`doveconf -P` prints inline keys over many lines).
    let mut in_pem = false;
    // Sections opened deeper than `MAX_DEPTH`, skipped with their contents (a tree that deep
    // would overflow the stack when walked or dropped; no real configuration nests so).
    let mut skipped_depth = 0usize;
    for line in lines_at(text, base) {
        if in_pem {
            if let Some(top) = stack.last_mut() {
                if let Some(s) = top.settings.last_mut() {
                    s.value_span = s.value_span.cover(line.span());
                    s.line_span = s.line_span.cover(line.span());
                }
            }
            if let Some(last) = cfg.secrets.last_mut() {
                *last = last.cover(line.span());
            }
            if line.text.trim_start().starts_with("-----END") {
                in_pem = false;
            }
            continue;
        }
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            read_comment(c.trim(), &line, &mut cfg);
            continue;
        }
        if let Some(rest) = t.strip_prefix("doveconf:") {
            let rest = rest.trim();
            let (level, msg) = rest.split_once(':').unwrap_or(("", rest));
            cfg.messages.push(DoveconfMessage {
                level: level.trim().to_owned(),
                text: msg.trim().to_owned(),
                span: line.span(),
            });
            continue;
        }
        if let Some(rest) = t.strip_prefix('!') {
            let (word, path) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            match word {
                "include" | "include_try" => cfg.includes.push(Include {
                    path: unquote(path.trim()).to_owned(),
                    optional: word == "include_try",
                    span: line.span(),
                }),
                _ => notes.push(note(line.span(), format!("unknown directive !{word}"))),
            }
            continue;
        }
        let (code, comment) = split_comment(line.text);
        let code_t = code.trim();
        if code_t.is_empty() {
            continue;
        }
        let closes = code_t == "}" || code_t.starts_with('}') && code_t[1..].trim().is_empty();
        if skipped_depth > 0 {
            if closes {
                skipped_depth -= 1;
            } else if first_structural(code_t) == Some(b'{') && !code_t.ends_with('}') {
                skipped_depth += 1;
            }
            continue;
        }
        if closes {
            close_section(&mut stack, line.end, line.span(), &mut notes);
            continue;
        }
        match first_structural(code_t) {
            Some(b'=') => {
                let Some((k, v)) = code.split_once('=') else {
                    continue;
                };
                let key = k.trim();
                if key.is_empty() || key.contains(char::is_whitespace) {
                    notes.push(note(
                        line.span(),
                        format!(
                            "cannot read \"{}\" as `name = value`",
                            crate::text::clip(t, 60)
                        ),
                    ));
                    continue;
                }
                let setting = read_setting(&line, key, v, comment, &mut cfg.secrets);
                if setting.value.starts_with("-----BEGIN") && !setting.value.contains("-----END") {
                    in_pem = true;
                }
                if let Some(top) = stack.last_mut() {
                    top.settings.push(setting);
                }
            }
            Some(b'{') if stack.len() > MAX_DEPTH => {
                if !code_t.ends_with('}') {
                    skipped_depth = 1;
                }
                notes.push(note(
                    line.span(),
                    format!("sections nest deeper than {MAX_DEPTH} levels: this one is skipped"),
                ));
            }
            Some(b'{') => {
                let (head, after) = code_t.split_once('{').unwrap_or((code_t, ""));
                let head = head.trim();
                let (kind_word, name) = match head.split_once(char::is_whitespace) {
                    Some((k, n)) => (k, Some(unquote(n.trim()).to_owned())),
                    None => (head, None),
                };
                stack.push(Section {
                    kind: kind_word.to_owned(),
                    name: name.filter(|n| !n.is_empty()),
                    span: line.span(),
                    header_span: line.span(),
                    ..Default::default()
                });
                let after = after.trim();
                if after == "}" {
                    // `mailbox Trash { }` on one line.
                    close_section(&mut stack, line.end, line.span(), &mut notes);
                } else if !after.is_empty() {
                    notes.push(note(
                        line.span(),
                        "text after `{` on a section line is ignored".to_owned(),
                    ));
                }
            }
            _ => notes.push(note(
                line.span(),
                format!(
                    "cannot read \"{}\" (neither `name = value` nor a section)",
                    crate::text::clip(t, 60)
                ),
            )),
        }
    }
    while stack.len() > 1 {
        if let Some(open) = stack.last() {
            notes.push(note(
                open.header_span,
                format!("section `{}` is never closed (missing `}}`)", open.title()),
            ));
        }
        close_section(&mut stack, base + text.len(), Span::default(), &mut notes);
    }
    if let Some(root) = stack.pop() {
        cfg.root = root;
    }
    decide_version(&mut cfg, opts);
    (cfg, notes)
}

fn note(span: Span, message: String) -> Note {
    Note::new(span, "doveconf", message)
}

/// Banner and other `doveconf -n` header comments.
fn read_comment(c: &str, line: &Line<'_>, cfg: &mut DovecotConfig) {
    if let Some(os) = c.strip_prefix("OS:") {
        cfg.os.get_or_insert_with(|| os.trim().to_owned());
        return;
    }
    if cfg.version.is_some() {
        return;
    }
    // `2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf` or `2.1.7: /etc/dovecot/dovecot.conf`.
    let end = c
        .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
        .unwrap_or(c.len());
    let ver = &c[..end];
    let rest = &c[end..];
    if ver.starts_with("2.") && ver.len() >= 3 && (rest.starts_with(" (") || rest.starts_with(':'))
    {
        cfg.version = Some(ver.trim_end_matches('.').to_owned());
        cfg.version_span = Some(line.sub_span(ver));
        cfg.version_source = Some(VersionSource::Banner);
        if let Some((_, path)) = rest.split_once(": ") {
            cfg.config_file = Some(path.trim().to_owned());
        }
    }
}

/// Splits a line at the first `#` outside quotes, as Dovecot's own reader does.
fn split_comment(s: &str) -> (&str, Option<&str>) {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'#' => return (&s[..i], Some(&s[i + 1..])),
            None => {}
        }
    }
    (s, None)
}

/// `=` or `{`, whichever comes first outside quotes.
fn first_structural(s: &str) -> Option<u8> {
    let mut quote: Option<u8> = None;
    for b in s.bytes() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'=' || b == b'{' => return Some(b),
            None => {}
        }
    }
    None
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

fn read_setting(
    line: &Line<'_>,
    key: &str,
    raw_value: &str,
    comment: Option<&str>,
    secrets: &mut Vec<Span>,
) -> Setting {
    let v = raw_value.trim();
    let inner = unquote(v);
    let value_span = if v.is_empty() {
        let at = line.sub_span(raw_value).start;
        Span::new(at, at)
    } else {
        line.sub_span(inner)
    };
    let hidden = comment.is_some_and(|c| c.contains("hidden, use -P"));
    let mut setting = Setting {
        key: key.to_owned(),
        value: inner.to_owned(),
        key_span: line.sub_span(key),
        value_span,
        line_span: line.span(),
        secret: false,
        hidden,
    };
    if !hidden && !inner.is_empty() {
        let found = secret_spans(key, inner, value_span.start);
        setting.secret = !found.is_empty();
        secrets.extend(found);
    }
    setting
}

/// Parts of a value that are secrets: inline keys whole, else what [`crate::secrets`] reads in
/// a value (the whole value of password-like settings, `password=…` words in `args`/`connect`).
fn secret_spans(key: &str, value: &str, at: usize) -> Vec<Span> {
    if value.starts_with("-----BEGIN") {
        return vec![Span::new(at, at + value.len())];
    }
    crate::secrets::value_secret_spans(key, value)
        .into_iter()
        .map(|(s, e)| Span::new(at + s, at + e))
        .collect()
}

fn close_section(stack: &mut Vec<Section>, end: usize, brace: Span, notes: &mut Vec<Note>) {
    if stack.len() <= 1 {
        notes.push(note(brace, "`}` without an open section".to_owned()));
        return;
    }
    if let Some(mut s) = stack.pop() {
        s.span = Span::new(s.header_span.start, end);
        if let Some(parent) = stack.last_mut() {
            parent.children.push(s);
        }
    }
}

fn decide_version(cfg: &mut DovecotConfig, opts: &Options) {
    if cfg.version.is_none() {
        if let Some(s) = cfg.root.get("dovecot_config_version") {
            cfg.version = Some(s.value.clone());
            cfg.version_span = Some(s.value_span);
            cfg.version_source = Some(VersionSource::ConfigVersion);
        }
    }
    if cfg.version.is_none() {
        if let Some(v) = &opts.dovecot_version {
            cfg.version = Some(v.clone());
            cfg.version_source = Some(VersionSource::Options);
        }
    }
    match cfg.version.as_deref().and_then(syntax_of_version) {
        Some(s) => cfg.syntax = s,
        None => {
            cfg.syntax = guess_syntax(&cfg.root);
            cfg.syntax_guessed = true;
        }
    }
}

/// `2.4.1` → 2.4 syntax; `2.3.16`, `2.1.7` → 2.3. None for other text.
pub fn syntax_of_version(v: &str) -> Option<Syntax> {
    let mut it = v.trim().split('.');
    let major: u32 = it.next()?.parse().ok()?;
    let minor: u32 = it.next().and_then(|m| {
        let d: String = m.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok()
    })?;
    Some(if (major, minor) >= (2, 4) {
        Syntax::V2_4
    } else {
        Syntax::V2_3
    })
}

/// Votes by the names used: 2.4-only names and named `passdb`/`userdb` filters against 2.3-only
/// names. Ties go to 2.3, still the most common in pastes.
fn guess_syntax(root: &Section) -> Syntax {
    let (mut v23, mut v24) = (0usize, 0usize);
    for s in root.walk() {
        if matches!(s.kind.as_str(), "passdb" | "userdb") {
            if s.name.is_some() {
                v24 += 1;
            } else {
                v23 += 1;
            }
        }
        if !(s.kind.is_empty() || s.is_filter()) {
            continue;
        }
        for st in &s.settings {
            if st.key == "dovecot_config_version" {
                return Syntax::V2_4;
            }
            if let Some(info) = setting_info(&st.key) {
                match (info.in_2_3, info.in_2_4) {
                    (true, false) => v23 += 1,
                    (false, true) => v24 += 1,
                    _ => {}
                }
            }
        }
    }
    if v24 > v23 {
        Syntax::V2_4
    } else {
        Syntax::V2_3
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::slice;

    fn parse_str(text: &str) -> (DovecotConfig, Vec<Note>) {
        parse(text, 0, SegmentKind::DoveconfN, &Options::default())
    }

    const V23: &str = "# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf\n\
# OS: Linux 5.15.0 x86_64 Ubuntu 22.04.3 LTS ext4\n\
auth_mechanisms = plain login\n\
mail_location = maildir:~/Maildir\n\
namespace inbox {\n  inbox = yes\n  mailbox \"Sent Messages\" {\n    special_use = \\Sent\n  }\n}\n\
passdb {\n  args = /etc/dovecot/sql.conf.ext\n  driver = sql\n}\n\
protocol imap {\n  mail_plugins = \" quota imap_quota\"\n}\n\
service auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0666\n    user = postfix\n  }\n}\n\
ssl = required\n\
ssl_cert = </etc/ssl/certs/mail.example.net.pem\n\
ssl_key = # hidden, use -P to show it\n\
userdb {\n  args = uid=vmail gid=vmail home=/srv/mail/%d/%n\n  driver = static\n}\n";

    #[test]
    fn reads_a_2_3_doveconf_n() {
        let (c, notes) = parse_str(V23);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(c.version.as_deref(), Some("2.3.16"));
        assert_eq!(c.version_source, Some(VersionSource::Banner));
        assert_eq!(c.syntax, Syntax::V2_3);
        assert!(!c.syntax_guessed);
        assert_eq!(c.config_file.as_deref(), Some("/etc/dovecot/dovecot.conf"));
        assert!(c.os.as_deref().unwrap().starts_with("Linux 5.15.0"));
        assert_eq!(c.value("ssl"), Some("required"));
        assert_eq!(
            c.get("ssl_cert").and_then(Setting::file),
            Some("/etc/ssl/certs/mail.example.net.pem")
        );
        let key = c.get("ssl_key").unwrap();
        assert!(key.hidden && key.value.is_empty());
        let auth = c.service("auth").unwrap();
        let l = &auth.unix_listeners()[0];
        assert_eq!(l.path(), "/var/spool/postfix/private/auth");
        assert_eq!(
            (l.mode, l.user, l.group),
            (Some(0o666), Some("postfix"), Some("postfix"))
        );
        assert_eq!(slice(V23, l.setting("mode").unwrap().value_span), "0666");
        let p = c.passdbs();
        assert_eq!(
            (p.len(), p[0].driver, p[0].args),
            (1, Some("sql"), Some("/etc/dovecot/sql.conf.ext"))
        );
        assert_eq!(c.userdbs()[0].driver, Some("static"));
        let mb: Vec<_> = c.sections("mailbox").collect();
        assert_eq!(mb[0].name.as_deref(), Some("Sent Messages"));
        assert_eq!(
            c.get_for_protocol("mail_plugins", "imap").unwrap().value,
            " quota imap_quota"
        );
        assert!(c.get_for_protocol("mail_plugins", "pop3").is_none());
        // Spans point at the text.
        let s = c.get("auth_mechanisms").unwrap();
        assert_eq!(slice(V23, s.key_span), "auth_mechanisms");
        assert_eq!(slice(V23, s.value_span), "plain login");
        let ns = c.sections("namespace").next().unwrap();
        assert!(slice(V23, ns.span).starts_with("namespace inbox {"));
        assert!(slice(V23, ns.span).ends_with('}'));
    }

    #[test]
    fn reads_2_4_named_filters_and_boollists() {
        let text = "dovecot_config_version = 2.4.1\n\
dovecot_storage_version = 2.4.1\n\
mail_driver = maildir\n\
mail_path = ~/Maildir\n\
mail_plugins {\n  quota = yes\n}\n\
passdb sql {\n  sql_query = SELECT password FROM users WHERE userid = '%{user}'\n}\n\
userdb static {\n  fields {\n    uid = vmail\n  }\n}\n\
local 192.0.2.10 {\n  protocol imap {\n    ssl_server_cert_file = /etc/ssl/imap.pem\n  }\n}\n\
service auth {\n  unix_listener auth-userdb {\n    unix_listener_mode = 0600\n  }\n}\n\
auth_username_format = %{user | lower}\n";
        let (c, notes) = parse_str(text);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(c.syntax, Syntax::V2_4);
        assert_eq!(c.version_source, Some(VersionSource::ConfigVersion));
        assert_eq!(c.first_setting().unwrap().key, "dovecot_config_version");
        let p = c.passdbs();
        assert_eq!((p[0].name, p[0].driver), (Some("sql"), Some("sql")));
        let l = c.service("auth").unwrap().unix_listeners();
        assert_eq!(l[0].mode, Some(0o600));
        let local = c.sections("local").next().unwrap();
        assert_eq!(local.name.as_deref(), Some("192.0.2.10"));
        assert!(local.is_filter());
        assert_eq!(
            c.value("auth_username_format"),
            Some("%{user | lower}"),
            "braces inside values are not sections"
        );
    }

    #[test]
    fn syntax_is_guessed_from_names_when_no_version_is_given() {
        let (c, _) = parse_str("ssl_server_cert_file = /x\nmail_driver = sdbox\n");
        assert_eq!((c.syntax, c.syntax_guessed), (Syntax::V2_4, true));
        let (c, _) = parse_str("disable_plaintext_auth = no\n");
        assert_eq!((c.syntax, c.syntax_guessed), (Syntax::V2_3, true));
        let opts = Options {
            dovecot_version: Some("2.4".into()),
            ..Default::default()
        };
        let (c, _) = parse("ssl = yes\n", 0, SegmentKind::DovecotConf, &opts);
        assert_eq!(
            (c.syntax, c.version_source),
            (Syntax::V2_4, Some(VersionSource::Options))
        );
        let (c, _) = parse_str("# 2.1.7: /etc/dovecot/dovecot.conf\nssl = yes\n");
        assert_eq!(
            (c.version.as_deref(), c.syntax),
            (Some("2.1.7"), Syntax::V2_3)
        );
    }

    #[test]
    fn secrets_are_marked() {
        let text = "passdb {\n  args = host=db.example.net user=dove password=s3cret dbname=mail\n  driver = ldap\n}\n\
ssl_key_password = hunter2\nssl_key = -----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\nssl = yes\n";
        let (c, notes) = parse_str(text);
        assert!(notes.is_empty(), "{notes:?}");
        let masked: Vec<&str> = c.secrets.iter().map(|s| slice(text, *s)).collect();
        assert_eq!(masked[0], "s3cret");
        assert_eq!(masked[1], "hunter2");
        assert!(masked[2].starts_with("-----BEGIN") && masked[2].ends_with("KEY-----"));
        assert!(c.passdbs()[0].section.settings[0].secret);
        assert_eq!(c.value("ssl"), Some("yes"), "parsing resumes after the key");
    }

    #[test]
    fn unbalanced_braces_and_junk_give_notes_and_parsing_goes_on() {
        let text = "}\nservice imap {\n  process_min_avail = 1\nthis is not config\nssl = yes\n";
        let (c, notes) = parse(text, 100, SegmentKind::DovecotConf, &Options::default());
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(notes[0].start, 100);
        let svc = c.service("imap").unwrap();
        assert_eq!(svc.setting("process_min_avail").unwrap().value, "1");
        assert_eq!(svc.section.value("ssl"), Some("yes"));
    }

    #[test]
    fn absurd_nesting_is_cut_off_without_overflowing_the_stack() {
        let mut text = "a {\n".repeat(200_000);
        text.push_str(&"}\n".repeat(200_000));
        text.push_str("ssl = yes\n");
        let (c, notes) = parse(&text, 0, SegmentKind::DovecotConf, &Options::default());
        assert_eq!(notes.len(), 1, "{:?}", notes.first());
        assert_eq!(c.root.value("ssl"), Some("yes"));
        let mut depth = 0;
        let mut s = &c.root;
        while let Some(child) = s.children.first() {
            depth += 1;
            s = child;
        }
        assert_eq!(depth, MAX_DEPTH);
    }

    #[test]
    fn includes_and_messages() {
        let text = "!include conf.d/*.conf\n!include_try /etc/dovecot/local.conf\n\
doveconf: Warning: please set ssl_dh=</etc/dovecot/dh.pem\n";
        let (c, notes) = parse_str(text);
        assert!(notes.is_empty());
        assert_eq!(c.includes.len(), 2);
        assert!(c.includes[1].optional);
        assert_eq!(c.messages[0].level, "Warning");
    }
}
