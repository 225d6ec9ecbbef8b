//! Secrets in a paste: passwords, password hashes, SMTP AUTH credentials, private keys, client
//! secrets and tokens, each as the span of the secret bytes only.
//!
//! [`find`] reads them from the parsed facts where a parser models the text (Postfix parameters
//! and `master.cf` `-o` overrides, Dovecot settings, the AUTH exchanges of SMTP transcripts) and,
//! for texts no parser models, from line shapes anywhere in the paste: SASL password map lines,
//! `mysql:`/`pgsql:`/`ldap:` map files, `dovecot-sql.conf.ext`/`dovecot-ldap.conf.ext`,
//! passwd-file lines, `{SCHEME}` and crypt hashes, `AUTH PLAIN …` in logs, `Authorization:`
//! headers, URLs with a password, PEM private keys. The result is a fact (`Facts::secrets`): the
//! `privacy/secret_in_paste` check reads it, and [`Redactor`] masks it in every rendering.
//! Values a tool already hid (`# hidden, use -P to show it`, `********`) are not secrets.

use crate::facts::Facts;
use crate::report::{Report, Segment, SegmentKind};
use crate::text::{lines, Span};
use serde::Serialize;
use std::collections::HashMap;

/// What replaces a secret in any output: fixed, so the secret's length is not given away.
pub const MASK: &str = "•••••";

/// Shortest secret value the free-text pass ([`Redactor::text`]) looks for: shorter ones would
/// mask ordinary words all over a report (their spans are still masked wherever quoted).
const MIN_NEEDLE: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// A password in clear text.
    Password,
    /// A password hash (`{SHA512-CRYPT}$6$…`): not the password, but open to offline guessing,
    /// and some schemes (`CRAM-MD5`, `DIGEST-MD5`) are as good as the password.
    PasswordHash,
    /// Base64 login data (SMTP `AUTH PLAIN`/`LOGIN` responses, HTTP `Basic`): decodes to the
    /// user name and password.
    Credentials,
    /// An OAuth2 client secret or API key.
    ClientSecret,
    /// A bearer or OAuth2 access token.
    Token,
    /// A PEM private key.
    PrivateKey,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::PasswordHash => "password_hash",
            SecretKind::Credentials => "credentials",
            SecretKind::ClientSecret => "client_secret",
            SecretKind::Token => "token",
            SecretKind::PrivateKey => "private_key",
        }
    }
    /// Words for messages ("2 passwords").
    pub fn noun(self, n: usize) -> &'static str {
        let one = n == 1;
        match self {
            SecretKind::Password if one => "password",
            SecretKind::Password => "passwords",
            SecretKind::PasswordHash if one => "password hash",
            SecretKind::PasswordHash => "password hashes",
            SecretKind::Credentials if one => "base64 login (user name and password)",
            SecretKind::Credentials => "base64 logins (user names and passwords)",
            SecretKind::ClientSecret if one => "client secret",
            SecretKind::ClientSecret => "client secrets",
            SecretKind::Token if one => "access token",
            SecretKind::Token => "access tokens",
            SecretKind::PrivateKey if one => "private key",
            SecretKind::PrivateKey => "private keys",
        }
    }
}

/// One secret in the paste. Never holds the value: only where it is and what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Secret {
    /// The secret bytes only (`password=s3cret` → `s3cret`); a PEM key's body lines.
    pub span: Span,
    pub kind: SecretKind,
    /// What it is, in a few words ("SASL password map entry", "LDAP bind password").
    pub label: String,
    /// The setting or map that holds it (`smtp_sasl_password_maps`, `connect`, `bind_pw`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// The line it starts on, for pointing at it without quoting it.
    pub line: Span,
}

/// Every secret in the paste, ordered by position, none overlapping another.
pub fn find(input: &str, segments: &[Segment], facts: &Facts) -> Vec<Secret> {
    let mut c = Collector {
        input,
        out: Vec::new(),
        last_line: Span::new(usize::MAX, 0),
    };
    from_facts(&mut c, facts);
    let from_parsers = c.out.len();
    from_lines(&mut c, segments);
    // Parser-read secrets first at equal starts: they carry the exact setting name.
    let mut all: Vec<(usize, Secret)> = c.out.into_iter().enumerate().collect();
    crate::text::sort_by_key(&mut all, |(i, s)| {
        (s.span.start, usize::from(*i >= from_parsers), *i)
    });
    let mut kept: Vec<Secret> = Vec::with_capacity(all.len());
    for (_, s) in all {
        if s.span.is_empty() || kept.last().is_some_and(|k| s.span.start < k.span.end) {
            continue;
        }
        kept.push(s);
    }
    kept
}

struct Collector<'a> {
    input: &'a str,
    out: Vec<Secret>,
    /// The line of the last secret (many secrets on one long line cost one scan).
    last_line: Span,
}

impl Collector<'_> {
    fn push(&mut self, span: Span, kind: SecretKind, label: &str, setting: Option<&str>) {
        if span.is_empty() || span.end > self.input.len() {
            return;
        }
        let l = self.last_line;
        if !(l.start <= span.start && span.start <= l.end) {
            self.last_line = line_around(self.input, span.start);
        }
        self.out.push(Secret {
            span,
            kind,
            label: label.to_owned(),
            setting: setting.map(str::to_owned),
            line: self.last_line,
        });
    }
}

/// The line holding byte `at`.
fn line_around(input: &str, at: usize) -> Span {
    let b = input.as_bytes();
    let at = at.min(b.len());
    let start = b[..at]
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |i| i + 1);
    let end = b[at..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map_or(b.len(), |i| at + i);
    Span::new(start, end)
}

/// A secret found inside a value: offsets relative to the value text.
pub(crate) struct Part {
    start: usize,
    end: usize,
    kind: SecretKind,
    label: &'static str,
}

fn from_facts(c: &mut Collector, facts: &Facts) {
    for cfg in &facts.postfix {
        for p in &cfg.params {
            for part in value_secrets(&p.name, &p.value.text) {
                if let Some(span) = p.value.span_of(part.start, part.end) {
                    c.push(span, part.kind, part.label, Some(&p.name));
                }
            }
        }
    }
    for m in &facts.master {
        for o in m.services.iter().flat_map(|s| &s.overrides) {
            for part in value_secrets(&o.name, &o.value.text) {
                if let Some(span) = o.value.span_of(part.start, part.end) {
                    c.push(span, part.kind, part.label, Some(&o.name));
                }
            }
        }
    }
    for cfg in &facts.dovecot {
        for sec in cfg.root.walk() {
            for s in &sec.settings {
                // Inline PEM keys span several lines: the line pass finds their body exactly.
                if s.hidden || s.value.starts_with("-----BEGIN") {
                    continue;
                }
                let at = s.value_span.start;
                if s.value_span.len() != s.value.len() {
                    continue;
                }
                for part in value_secrets(&s.key, &s.value) {
                    let span = Span::new(at + part.start, at + part.end);
                    c.push(span, part.kind, part.label, Some(&s.key));
                }
            }
        }
    }
    for t in &facts.transcripts {
        for &span in &t.secrets {
            c.push(
                span,
                SecretKind::Credentials,
                "SMTP AUTH response (base64)",
                None,
            );
        }
    }
}

/// Whether a setting or map-file key names a secret by itself (`password`, `bind_pw`,
/// `ssl_key_password`, `client_secret`), as opposed to settings about passwords
/// (`password_query`, `default_pass_scheme`, `auth_debug_passwords`, `*_password_maps`).
pub fn is_secret_key(key: &str) -> bool {
    // Asked of every setting of every pasted config: compared in any case without a lower-cased
    // copy.
    let k = match key.bytes().rposition(|b| b == b'/') {
        Some(i) => &key[i + 1..],
        None => key,
    };
    // Every word and suffix below ends in one of these: most keys are out at their last byte.
    if !k
        .as_bytes()
        .last()
        .is_some_and(|b| matches!(b.to_ascii_lowercase(), b'd' | b's' | b't' | b'w' | b'y'))
    {
        return false;
    }
    [
        "password", "passwd", "pass", "pwd", "secret", "dnpass", "bind_pw", "api_key",
    ]
    .iter()
    .any(|w| k.eq_ignore_ascii_case(w))
        || ["_password", "_passwd", "_pw", "_secret", "_api_key"]
            .iter()
            .any(|s| ends_with_ci(k, s))
}

/// `s` ends with `suffix` (lower-case ASCII) in any case.
fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// What a secret key holds, in words.
fn key_label(key: &str) -> (SecretKind, &'static str) {
    let k = key.to_ascii_lowercase();
    if k.ends_with("secret") {
        (SecretKind::ClientSecret, "client secret")
    } else if k.ends_with("api_key") {
        (SecretKind::ClientSecret, "API key")
    } else if k == "dnpass" || k == "bind_pw" || k.contains("dn_password") {
        (SecretKind::Password, "LDAP bind password")
    } else if k.contains("key_password") || k.starts_with("crypt_") || k.contains("crypt_private") {
        (SecretKind::Password, "private key passphrase")
    } else if matches!(k.as_str(), "password" | "passwd" | "pass" | "pwd") {
        (SecretKind::Password, "database or directory password")
    } else {
        (SecretKind::Password, "password setting")
    }
}

/// A value that hides nothing: empty, a file (`<file`), a variable (`%{password}`, `$ENV:X`,
/// `$param`), a boolean, or already masked (`********`, `<hidden>`, `# hidden, use -P…`).
fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty()
        || v.starts_with('#')
        || v.starts_with('%')
        || v.contains("%{")
        || v.starts_with("$ENV:")
    {
        return true;
    }
    if matches!(lower.as_str(), "yes" | "no" | "true" | "false") {
        return true;
    }
    if let Some(name) = v.strip_prefix('$') {
        let name = name.trim_start_matches('{').trim_end_matches('}');
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return true;
        }
    }
    if v.starts_with('<') && !v.ends_with('>') {
        return true; // Dovecot reads the value from a file
    }
    let bracketed = (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('[') && v.ends_with(']'))
        || (v.starts_with('(') && v.ends_with(')'));
    if bracketed
        && [
            "hidden", "redacted", "removed", "password", "secret", "snip",
        ]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    // Words that stand for a password in guides and examples ("-p password", `'secret'`).
    let word = lower.trim_matches(['\'', '"']);
    if matches!(
        word,
        "redacted"
            | "hidden"
            | "removed"
            | "password"
            | "passwd"
            | "pass"
            | "secret"
            | "changeme"
            | "yourpassword"
            | "your_password"
            | "your-password"
            | "mypassword"
            | "my_password"
    ) {
        return true;
    }
    v.chars()
        .all(|ch| matches!(ch, '*' | '•' | '…' | '.' | '#' | '-' | '_' | 'x' | 'X'))
}

fn unquote_at(v: &str) -> (usize, &str) {
    let t = v.trim();
    let lead = v.len() - v.trim_start().len();
    for q in ['"', '\''] {
        if let Some(inner) = t.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return (lead + 1, inner);
        }
    }
    (lead, t)
}

/// Secrets inside the value of setting `key` (offsets into `value`): the whole value of a
/// secret key, the password of SASL password map tables written inline (`static:`, `inline:`),
/// and `password=…` words in connection strings and passdb `args`.
pub(crate) fn value_secrets(key: &str, value: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let (off, inner) = unquote_at(value);
    if inner.starts_with("-----BEGIN") {
        return out;
    }
    if is_secret_key(key) {
        if !is_placeholder(inner) && !scheme_prefixed(inner) {
            let (kind, label) = key_label(key);
            out.push(Part {
                start: off,
                end: off + inner.len(),
                kind,
                label,
            });
        }
        return out;
    }
    if ends_with_ci(key, "sasl_password_maps") {
        sasl_map_tables(value, &mut out);
        return out;
    }
    password_words(value, 0, &mut out);
    out
}

/// Offsets of the secrets [`value_secrets`] finds (for the Dovecot parser's `Setting::secret`).
pub(crate) fn value_secret_spans(key: &str, value: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = value_secrets(key, value)
        .into_iter()
        .map(|p| (p.start, p.end))
        .collect();
    let mut tok = Vec::new();
    tokens(value, MARKERS.found(value), &mut tok);
    out.extend(tok.into_iter().map(|p| (p.start, p.end)));
    crate::text::sort(&mut out);
    out.dedup();
    out
}

/// `{SHA512-CRYPT}…` after a secret key: the token pass labels it by its scheme.
fn scheme_prefixed(v: &str) -> bool {
    v.starts_with('{') && scheme_at(v).is_some()
}

/// `password=…`, `pass=…`, `passwd=…`, `secret=…` words (Dovecot `connect`, passdb `args`).
fn password_words(text: &str, base: usize, out: &mut Vec<Part>) {
    let b = text.as_bytes();
    // Every name below ends in `d`, `s`, `t` or `w`, right before the word's `=`.
    if !b
        .windows(2)
        .any(|w| w[1] == b'=' && matches!(w[0] | 0x20, b'd' | b's' | b't' | b'w'))
    {
        return;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let we = b[i..]
            .iter()
            .position(|c| c.is_ascii_whitespace())
            .map_or(b.len(), |p| i + p);
        let word = &text[i..we];
        let w = word.trim_start_matches(['"', '\'', '(', ',']);
        let ws = i + (word.len() - w.len());
        let mut next = we;
        if let Some(eq) = w.bytes().position(|c| c == b'=') {
            let key = &w[..eq];
            let named = [
                "password",
                "pass",
                "passwd",
                "pwd",
                "secret",
                "client_secret",
                "bind_pw",
            ]
            .into_iter()
            .find(|n| key.eq_ignore_ascii_case(n));
            if let Some(n) = named {
                let (s, e) = word_value(text, ws + eq + 1);
                if e > s && !is_placeholder(&text[s..e]) {
                    out.push(Part {
                        start: base + s,
                        end: base + e,
                        kind: if n.ends_with("secret") {
                            SecretKind::ClientSecret
                        } else {
                            SecretKind::Password
                        },
                        label: "password in a connection string or passdb args",
                    });
                }
                next = next.max(e);
            }
        }
        i = next.max(i + 1);
    }
}

/// The value of a `name=value` word starting at `s`: to the next whitespace, or inside quotes.
fn word_value(text: &str, s: usize) -> (usize, usize) {
    let b = text.as_bytes();
    if let Some(&q) = b.get(s).filter(|&&c| c == b'"' || c == b'\'') {
        let close = b[s + 1..]
            .iter()
            .position(|&c| c == q)
            .map_or(b.len(), |p| s + 1 + p);
        return (s + 1, close);
    }
    let e = b[s..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'"' || c == b'\'')
        .map_or(b.len(), |p| s + p);
    (s, e)
}

/// Passwords in `static:user:password`, `static:{user:password}` and
/// `inline:{ key=user:password, { key = user:password } }` tables of a SASL password map value.
fn sasl_map_tables(value: &str, out: &mut Vec<Part>) {
    let mut from = 0;
    while let Some(p) = value[from..].find("static:") {
        let s = from + p + "static:".len();
        let (cs, ce) = braced_or_word(value, s);
        user_password(
            value,
            cs,
            ce,
            "password in a static: SASL password map",
            out,
        );
        from = ce.max(s);
    }
    from = 0;
    while let Some(p) = value[from..].find("inline:{") {
        let s = from + p + "inline:".len();
        let close = matching_brace(value, s);
        inline_entries(value, s + 1, close, out);
        from = close.max(s + 1);
    }
}

/// `{…}` contents (braces excluded) or the word starting at `s`.
fn braced_or_word(v: &str, s: usize) -> (usize, usize) {
    if v[s..].starts_with('{') {
        let close = matching_brace(v, s);
        return (s + 1, close);
    }
    let e = v[s..]
        .find(|c: char| c.is_whitespace() || c == ',')
        .map_or(v.len(), |p| s + p);
    (s, e)
}

/// Offset of the `}` closing the `{` at `open` (or the end of `v`); nesting counted.
fn matching_brace(v: &str, open: usize) -> usize {
    let mut depth = 0usize;
    for (i, c) in v[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    v.len()
}

/// Entries of an `inline:{…}` table between `s` and `e`: `key=value` words and `{ key = value }`.
fn inline_entries(v: &str, s: usize, e: usize, out: &mut Vec<Part>) {
    let mut i = s;
    while i < e {
        let c = v.as_bytes()[i];
        if c.is_ascii_whitespace() || c == b',' {
            i += 1;
            continue;
        }
        let (es, ee) = if c == b'{' {
            let close = matching_brace(v, i).min(e);
            (i + 1, close)
        } else {
            let end = v[i..e]
                .find(|ch: char| ch.is_whitespace() || ch == ',')
                .map_or(e, |p| i + p);
            (i, end)
        };
        if let Some(eq) = v[es..ee].find('=') {
            let vs = es + eq + 1;
            let lead = v[vs..ee].len() - v[vs..ee].trim_start().len();
            let vt = v[vs + lead..ee].trim_end();
            user_password(
                v,
                vs + lead,
                vs + lead + vt.len(),
                "password in an inline: SASL password map",
                out,
            );
        }
        i = (ee + 1).max(i + 1);
    }
}

/// The password of a `user:password` result between `s` and `e`.
fn user_password(v: &str, s: usize, e: usize, label: &'static str, out: &mut Vec<Part>) {
    let Some(text) = v.get(s..e) else { return };
    let Some((user, pw)) = text.split_once(':') else {
        return;
    };
    let pw_t = pw.trim();
    if user.trim().is_empty() || pw_t.is_empty() || is_placeholder(pw_t) {
        return;
    }
    let ps = s + user.len() + 1 + (pw.len() - pw.trim_start().len());
    out.push(Part {
        start: ps,
        end: ps + pw_t.len(),
        kind: SecretKind::Password,
        label,
    });
}

/// Dovecot password schemes (`doveadm pw -l`), upper-case. The first four store the password
/// itself; the `*-MD5`/`MD4`/`NTLM`/`LANMAN` ones store a password equivalent.
const PLAIN_SCHEMES: &[&str] = &["PLAIN", "CLEAR", "CLEARTEXT", "PLAIN-TRUNC"];
const EQUIVALENT_SCHEMES: &[&str] = &[
    "CRAM-MD5",
    "HMAC-MD5",
    "DIGEST-MD5",
    "PLAIN-MD4",
    "PLAIN-MD5",
    "LDAP-MD5",
    "NTLM",
    "LANMAN",
];
const HASH_SCHEMES: &[&str] = &[
    "CRYPT",
    "DES-CRYPT",
    "MD5-CRYPT",
    "SHA256-CRYPT",
    "SHA512-CRYPT",
    "BLF-CRYPT",
    "MD5",
    "SMD5",
    "SHA",
    "SHA1",
    "SSHA",
    "SHA256",
    "SSHA256",
    "SHA512",
    "SSHA512",
    "ARGON2I",
    "ARGON2ID",
    "PBKDF2",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "OTP",
    "SKEY",
    "RPA",
];

/// `{SCHEME}` (optionally `.b64`/`.hex`) at the start of `v`: the scheme and the header length.
fn scheme_at(v: &str) -> Option<(&'static str, usize)> {
    let b = v.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let close = b[1..b.len().min(34)].iter().position(|&c| c == b'}')? + 1;
    let name = v[1..close].to_ascii_uppercase();
    let base = name.split('.').next().unwrap_or("");
    PLAIN_SCHEMES
        .iter()
        .chain(EQUIVALENT_SCHEMES)
        .chain(HASH_SCHEMES)
        .find(|s| **s == base)
        .map(|s| (*s, close + 1))
}

/// Which kind of line a segment holds, for the shapes that only make sense in configuration or
/// free text (a SASL password map line is no log line).
fn kind_at(segments: &[Segment], at: usize, cursor: &mut usize) -> Option<SegmentKind> {
    while *cursor < segments.len() && segments[*cursor].end <= at {
        *cursor += 1;
    }
    segments
        .get(*cursor)
        .filter(|s| s.start <= at)
        .map(|s| s.kind)
}

fn from_lines(c: &mut Collector, segments: &[Segment]) {
    let input = c.input;
    let mut cursor = 0;
    // The open PEM block: where its body started and ended so far.
    let mut pem: Option<(usize, usize, usize)> = None;
    for line in lines(input) {
        let t = crate::segment::unquote(line.text);
        let tt = t.trim();
        let at = line.sub_span(tt).start;
        if let Some((begin_line, bs, be)) = pem {
            let ended = tt.starts_with("-----END");
            let body_like = !tt.is_empty()
                && (tt.contains(':')
                    || tt
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')));
            if ended || !body_like {
                push_pem(c, begin_line, bs, be);
                pem = None;
                if ended {
                    continue;
                }
            } else {
                pem = Some((begin_line, if bs == 0 { at } else { bs }, at + tt.len()));
                continue;
            }
        }
        // One pass finds the marker words of every shape (a key's opening among them).
        let marks = MARKERS.found(tt);
        if let Some(p) = (marks.words & PEM_MARK != 0)
            .then(|| tt.find("-----BEGIN "))
            .flatten()
        {
            let marker_end = tt[p + 11..].find("-----").map(|q| p + 11 + q + 5);
            if let Some(me) = marker_end.filter(|&me| tt[p..me].contains("PRIVATE KEY")) {
                let rest = &tt[me..];
                match rest.find("-----END") {
                    // A key collapsed onto one line.
                    Some(q) => {
                        let body = rest[..q].trim();
                        if !body.is_empty() {
                            let s = line.sub_span(body);
                            c.push(s, SecretKind::PrivateKey, "private key (PEM)", None);
                        }
                    }
                    None => pem = Some((at, 0, 0)),
                }
                continue;
            }
        }
        let kind = kind_at(segments, line.start, &mut cursor);
        line_shapes(c, tt, at, kind, marks);
    }
    if let Some((begin_line, bs, be)) = pem {
        push_pem(c, begin_line, bs, be);
    }
}

fn push_pem(c: &mut Collector, begin_line: usize, bs: usize, be: usize) {
    if be > bs {
        let before = c.out.len();
        c.push(
            Span::new(bs, be),
            SecretKind::PrivateKey,
            "private key (PEM)",
            None,
        );
        if let Some(s) = c.out.get_mut(before) {
            s.line = line_around(c.input, begin_line);
        }
    }
}

/// The shapes of one line `t` (trimmed, forum quoting removed) starting at paste offset `at`.
/// `marks`: [`MARKERS`] found in `t`.
fn line_shapes(c: &mut Collector, t: &str, at: usize, kind: Option<SegmentKind>, marks: Found) {
    if t.is_empty() {
        return;
    }
    let free_or_config = matches!(
        kind,
        None | Some(
            SegmentKind::Prose
                | SegmentKind::PostconfN
                | SegmentKind::PostconfFull
                | SegmentKind::MainCf
                | SegmentKind::DoveconfN
                | SegmentKind::DoveconfFull
                | SegmentKind::DovecotConf
        )
    );
    let mut parts = Vec::new();
    // `name = value`, `name: value`, `-o name=value`.
    if let Some((key, vs)) = key_value(t) {
        let value = &t[vs..];
        let colon_form = t[..vs].trim_end().ends_with(':');
        if !colon_form || (is_secret_key(key) && !value.trim().contains(' ')) {
            for mut p in value_secrets(key, value) {
                p.start += vs;
                p.end += vs;
                parts.push((p, Some(key)));
            }
        }
    }
    // A map line's `user:password` holds a colon.
    if free_or_config && marks.bytes & COLON != 0 {
        map_line(t, &mut parts);
    }
    let mut words = Vec::new();
    // Its keys end right before an `=` (it looks for that first) and name a password.
    if marks.bytes & EQUALS != 0 && marks.words & PASSWORD_MARKS != 0 {
        password_words(t, 0, &mut words);
    }
    tokens(t, marks, &mut words);
    commands(t, marks, &mut words);
    parts.extend(words.into_iter().map(|p| (p, None)));
    for (p, key) in parts {
        let key = key.or(match p.label {
            "SASL password map entry" => Some("smtp_sasl_password_maps"),
            _ => None,
        });
        c.push(Span::new(at + p.start, at + p.end), p.kind, p.label, key);
    }
}

/// `name = value` (also `name: value`, `-o name=value`): the name and where the value starts.
fn key_value(t: &str) -> Option<(&str, usize)> {
    let (skip, body) = match t.strip_prefix("-o") {
        Some(r) if r.starts_with([' ', '\t']) => (t.len() - r.trim_start().len(), r.trim_start()),
        _ => (0, t),
    };
    // By bytes: the name's characters are ASCII, so the first other byte starts a character.
    let end = body
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/')))
        .unwrap_or(body.len());
    if end == 0 {
        return None;
    }
    let key = &body[..end];
    let rest = &body[end..];
    let r = rest.trim_start();
    let sep = r.chars().next()?;
    if sep != '=' && sep != ':' {
        return None;
    }
    let vs = skip + end + (rest.len() - r.len()) + 1;
    let lead = t[vs..].len() - t[vs..].trim_start().len();
    Some((key, vs + lead))
}

/// Transport names of a stock `master.cf`: `example.com smtp:[relay]:25` is a transport map
/// line, not `user:password`.
const TRANSPORTS: &[&str] = &[
    "smtp",
    "lmtp",
    "relay",
    "local",
    "virtual",
    "error",
    "discard",
    "retry",
    "pipe",
    "dovecot",
    "uucp",
    "maildrop",
    "cyrus",
    "scache",
    "bsmtp",
    "ifmail",
    "mailman",
    "spamassassin",
    "inet",
    "unix",
    "amavis",
    "http",
    "https",
];

/// A SASL password map line: `[smtp.example.net]:587 user@example.net:password` (or the same
/// with `=` as in `inline:` tables): a host, address or domain key, then `user:password`.
fn map_line(t: &str, out: &mut Vec<(Part, Option<&str>)>) {
    let body = t
        .trim_start_matches(['{', ',', ' '])
        .trim_end_matches(['}', ',', ' ']);
    let off = t.len() - t.trim_start_matches(['{', ',', ' ']).len();
    let mut it = body.split_whitespace();
    let (Some(k), Some(mut v)) = (it.next(), it.next()) else {
        return;
    };
    let (k, had_eq) = match k.strip_suffix('=') {
        Some(k) => (k, true),
        None => (k, false),
    };
    if v == "=" && !had_eq {
        let Some(next) = it.next() else { return };
        v = next;
    }
    if it.next().is_some() || !host_like_key(k) {
        return;
    }
    let Some((user, pw)) = v.split_once(':') else {
        return;
    };
    let lu = user.to_ascii_lowercase();
    if user.is_empty()
        || pw.is_empty()
        || user.starts_with('[')
        || pw.starts_with("//")
        || TRANSPORTS.contains(&lu.as_str())
        || user.bytes().all(|b| b.is_ascii_digit())
        || is_placeholder(pw)
    {
        return;
    }
    let vs = v.as_ptr() as usize - body.as_ptr() as usize + off;
    let ps = vs + user.len() + 1;
    out.push((
        Part {
            start: ps,
            end: ps + pw.len(),
            kind: SecretKind::Password,
            label: "SASL password map entry",
        },
        None,
    ));
}

/// `[host]`, `[host]:port`, `host.example:port`, `user@example.net`, `@example.net`.
fn host_like_key(k: &str) -> bool {
    let host_chars = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
    };
    if let Some(inner) = k.strip_prefix('[') {
        let Some((h, port)) = inner.split_once(']') else {
            return false;
        };
        return host_chars(h)
            && (port.is_empty()
                || port
                    .strip_prefix(':')
                    .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
    }
    if let Some((local, domain)) = k.rsplit_once('@') {
        return !local.contains(char::is_whitespace) && domain.contains('.') && host_chars(domain);
    }
    let (h, port) = k.rsplit_once(':').unwrap_or((k, ""));
    h.contains('.')
        && host_chars(h)
        && !h.ends_with('.')
        && (port.is_empty() || port.bytes().all(|b| b.is_ascii_digit()))
        && !k.ends_with(':')
}

/// Word-level shapes anywhere in a line: `{SCHEME}…` and crypt hashes, `AUTH PLAIN <base64>`,
/// Dovecot's `resp=`, `Authorization:` headers, URLs with a password, `given password: …`.
/// `marks`: [`MARKERS`] found in `t`.
fn tokens(t: &str, marks: Found, out: &mut Vec<Part>) {
    let b = t.as_bytes();
    // `{SCHEME}data`.
    // Byte tests first (from the marker pass): most lines hold neither `{` nor `$`.
    let mut from = if marks.bytes & BRACE != 0 { 0 } else { t.len() };
    while let Some(p) = t[from..].find('{') {
        let s = from + p;
        from = s + 1;
        if let Some((scheme, hl)) = scheme_at(&t[s..]) {
            let ds = s + hl;
            let de = t[ds..]
                .find(|c: char| c.is_whitespace() || matches!(c, ':' | '"' | '\'' | '`' | ','))
                .map_or(t.len(), |q| ds + q);
            if de > ds && !is_placeholder(&t[ds..de]) {
                let (kind, label) = if PLAIN_SCHEMES.contains(&scheme) {
                    (SecretKind::Password, "plaintext password ({PLAIN} scheme)")
                } else if EQUIVALENT_SCHEMES.contains(&scheme) {
                    (
                        SecretKind::PasswordHash,
                        "password equivalent (CRAM-MD5/DIGEST-MD5-style scheme)",
                    )
                } else {
                    (SecretKind::PasswordHash, "password hash")
                };
                out.push(Part {
                    start: ds,
                    end: de,
                    kind,
                    label,
                });
                from = de;
            }
        }
    }
    // Crypt hashes in passwd-file and shadow lines: `user:$6$salt$hash:…`.
    let mut from = if marks.bytes & DOLLAR != 0 {
        0
    } else {
        t.len()
    };
    while let Some(p) = t[from..].find('$') {
        let s = from + p;
        from = s + 1;
        let prev_ok = s == 0 || matches!(b[s - 1], b':' | b' ' | b'\t' | b'"' | b'\'' | b'=');
        if !prev_ok {
            continue;
        }
        let e = t[s..]
            .find(|c: char| c.is_whitespace() || matches!(c, ':' | '"' | '\'' | ','))
            .map_or(t.len(), |q| s + q);
        from = e.max(s + 1);
        let h = &t[s..e];
        let id = h[1..].split('$').next().unwrap_or("");
        let known = matches!(
            id,
            "1" | "2a" | "2b" | "2x" | "2y" | "5" | "6" | "y" | "7" | "gy" | "sha1" | "md5"
        ) || id.starts_with("argon2");
        if known && h.matches('$').count() >= 3 && h.len() >= 20 {
            out.push(Part {
                start: s,
                end: e,
                kind: SecretKind::PasswordHash,
                label: "password hash (crypt)",
            });
        }
    }
    if marks.words & AUTH_MARKS != 0 {
        case_insensitive_shapes(t, marks, out);
    }
    // `scheme://user:password@host`.
    if marks.words & URL_MARK != 0 {
        // By bytes: a `str` searcher costs more to set up than a short line takes to scan.
        let starts = (0..b.len().saturating_sub(2))
            .filter(|&p| b[p] == b':' && b[p + 1] == b'/' && b[p + 2] == b'/');
        for p in starts {
            let s = p + 3;
            let end = t[s..]
                .find(|c: char| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '>'))
                .map_or(t.len(), |q| s + q);
            let auth = &t[s..end];
            let Some(at) = auth.rfind('@') else { continue };
            let Some(colon) = auth[..at].find(':') else {
                continue;
            };
            if colon == 0 || colon + 1 == at || is_placeholder(&auth[colon + 1..at]) {
                continue;
            }
            out.push(Part {
                start: s + colon + 1,
                end: s + at,
                kind: SecretKind::Password,
                label: "password in a URL",
            });
        }
    }
}

/// Marker words looked for in any case on every line of a paste, with one byte table built at
/// compile time: for each byte, the words it can start, the words whose second byte it can be,
/// the words whose third byte it can be, and which of a few single bytes it is. One pass over a
/// line reads one table entry per byte, carrying the words the last two bytes can start; a
/// comparison runs only where three bytes agree, for the words they agree on.
struct Markers {
    words: &'static [&'static str],
    /// Per byte: bits 0–15 first byte, 16–31 second, 32–47 third (bit `k` of each: `words[k]`),
    /// 48–55 the single bytes.
    table: [u64; 256],
}

/// What one pass of [`Markers::found`] saw in a text.
#[derive(Clone, Copy)]
struct Found {
    /// Bit `k`: `words[k]`.
    words: u16,
    /// Bit `k`: the `k`-th byte given to [`Markers::new`].
    bytes: u8,
}

impl Markers {
    /// `words`: lower-case ASCII, at least three bytes, at most 16 words; `singles`: at most 8
    /// bytes.
    const fn new(words: &'static [&'static str], singles: &[u8]) -> Markers {
        let mut table = [0u64; 256];
        let mut i = 0;
        while i < singles.len() {
            table[singles[i] as usize] |= 1 << (48 + i);
            i += 1;
        }
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_bytes();
            let mut at = 0;
            while at < 3 {
                let bit = 1u64 << (16 * at + i);
                table[w[at] as usize] |= bit;
                table[w[at].to_ascii_uppercase() as usize] |= bit;
                at += 1;
            }
            i += 1;
        }
        Markers { words, table }
    }

    /// The words `s` holds, in any case, and its single bytes.
    fn found(&self, s: &str) -> Found {
        let b = s.as_bytes();
        let mut found = 0u16;
        let mut bytes = 0u8;
        // The words the previous byte can start, and those the two previous bytes can start.
        let (mut start1, mut start2) = (0u16, 0u16);
        for (i, &c) in b.iter().enumerate() {
            let e = self.table[usize::from(c)];
            bytes |= (e >> 48) as u8;
            // Words that may start two bytes back.
            let mut m = start2 & (e >> 32) as u16 & !found;
            start2 = start1 & (e >> 16) as u16;
            start1 = e as u16;
            while m != 0 {
                let k = m.trailing_zeros() as usize;
                m &= m - 1;
                let at = i.saturating_sub(2);
                if let Some(w) = self.words.get(k) {
                    if b.get(at..at + w.len())
                        .is_some_and(|x| x.eq_ignore_ascii_case(w.as_bytes()))
                    {
                        found |= 1 << k;
                    }
                }
            }
        }
        Found {
            words: found,
            bytes,
        }
    }
}

/// The marker words of the secret shapes: [`tokens`] (`AUTH_MARK`, `RESP_MARK`, `GIVEN_MARK`,
/// `URL_MARK`), [`commands`] (`COMMAND_MARKS`, `LOGIN_MARK`) and [`password_words`]
/// (`PASSWORD_MARKS`), and the bytes they start from (`BRACE`, `DOLLAR`, `COLON`, `BACKSLASH`; `EQUALS` for
/// [`password_words`]).
static MARKERS: Markers = Markers::new(
    &[
        "auth",
        "resp=",
        "given password",
        "login",
        "pass",
        "swaks",
        "doveadm",
        "testsaslauthd",
        "pwd",
        "secret",
        "bind_pw",
        "://",
        "-----begin ",
    ],
    b"{$:\\=",
);
const BRACE: u8 = 1;
const DOLLAR: u8 = 1 << 1;
const COLON: u8 = 1 << 2;
const BACKSLASH: u8 = 1 << 3;
const EQUALS: u8 = 1 << 4;
const AUTH_MARK: u16 = 1;
const RESP_MARK: u16 = 1 << 1;
const GIVEN_MARK: u16 = 1 << 2;
const AUTH_MARKS: u16 = AUTH_MARK | RESP_MARK | GIVEN_MARK;
const LOGIN_MARK: u16 = 1 << 3;
const COMMAND_MARKS: u16 = 0b1111_1000;
/// Every key [`password_words`] reads holds one of `pass`, `pwd`, `secret`, `bind_pw`.
const PASSWORD_MARKS: u16 = 1 << 4 | 0b111 << 8;
/// `scheme://user:password@host`.
const URL_MARK: u16 = 1 << 11;
/// A PEM block's opening (read by [`from_lines`]).
const PEM_MARK: u16 = 1 << 12;

/// The shapes whose marker words come in any case: `AUTH PLAIN …`, `resp=`, `given password:`,
/// `Authorization:`.
fn case_insensitive_shapes(t: &str, marks: Found, out: &mut Vec<Part>) {
    let b = t.as_bytes();
    let lower = t.to_ascii_lowercase();
    // `AUTH PLAIN <base64>` (logs of smtpd -v, debug_peer_list, pasted commands).
    // Each shape only where the pass saw its word.
    let mut from = if marks.words & AUTH_MARK != 0 {
        0
    } else {
        lower.len()
    };
    while let Some(p) = lower[from..].find("auth ") {
        let s = from + p;
        from = s + 5;
        if s > 0 && b[s - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut words = t[s + 5..].split_whitespace();
        let mech = words.next().unwrap_or("").to_ascii_uppercase();
        let kind = match mech.as_str() {
            "PLAIN" | "LOGIN" => SecretKind::Credentials,
            "XOAUTH2" | "OAUTHBEARER" => SecretKind::Token,
            _ => continue,
        };
        // A mechanism list (`250-AUTH PLAIN LOGIN`) is no response.
        let mechanism_like = |w: &str| {
            w.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        if let Some(w) = words.next().filter(|w| is_base64(w) && !mechanism_like(w)) {
            let ws = w.as_ptr() as usize - t.as_ptr() as usize;
            out.push(Part {
                start: ws,
                end: ws + w.len(),
                kind,
                label: "SMTP AUTH initial response (base64)",
            });
        }
    }
    // Dovecot auth debug: `resp=<base64>` (shown when auth_debug_passwords is on).
    let mut done = 0;
    let resp = if marks.words & RESP_MARK != 0 {
        &lower[..]
    } else {
        ""
    };
    for (p, _) in resp.match_indices("resp=") {
        if p < done || (p > 0 && b[p - 1].is_ascii_alphanumeric()) {
            continue;
        }
        let s = p + 5;
        let e = t[s..]
            .find(|c: char| c.is_whitespace())
            .map_or(t.len(), |q| s + q);
        done = e;
        if e > s && is_base64(&t[s..e]) {
            out.push(Part {
                start: s,
                end: e,
                kind: SecretKind::Credentials,
                label: "SASL response in Dovecot's auth debug log",
            });
        }
    }
    // Dovecot with auth_verbose_passwords=plain: `Password mismatch (given password: …)`.
    if let Some(p) = (marks.words & GIVEN_MARK != 0)
        .then(|| lower.find("(given password: "))
        .flatten()
    {
        let s = p + "(given password: ".len();
        let e = t[s..].rfind(')').map_or(t.len(), |q| s + q);
        if e > s && !is_placeholder(&t[s..e]) {
            out.push(Part {
                start: s,
                end: e,
                kind: SecretKind::Password,
                label: "password in Dovecot's log",
            });
        }
    }
    // `Authorization: Basic …` / `Bearer …` (also inside `curl -H '…'`).
    let mut done = 0;
    let authorization = if marks.words & AUTH_MARK != 0 {
        &lower[..]
    } else {
        ""
    };
    for (p, _) in authorization.match_indices("authorization:") {
        if p < done {
            continue;
        }
        let mut s = p + "authorization:".len();
        s += t[s..].len() - t[s..].trim_start().len();
        let e = t[s..].find(['"', '\'']).map_or(t.len(), |q| s + q);
        done = e;
        let val = t[s..e].trim_end();
        let (scheme, cred) = match val.split_once(' ') {
            Some((sc, rest)) => (sc.to_ascii_lowercase(), rest.trim_start()),
            None => (String::new(), val),
        };
        if cred.is_empty() || is_placeholder(cred) {
            continue;
        }
        let cs = s + (val.len() - cred.len());
        out.push(Part {
            start: cs,
            end: cs + cred.len(),
            kind: if scheme == "basic" {
                SecretKind::Credentials
            } else {
                SecretKind::Token
            },
            label: "Authorization header",
        });
    }
}

/// Passwords typed in test sessions and commands: IMAP `a1 LOGIN user password`, POP3
/// `PASS password`, `swaks --auth-password …`, `doveadm auth test user password`,
/// `testsaslauthd -p …`, and `printf '\0user\0password' | base64` (building AUTH PLAIN data).
/// `marks`: [`MARKERS`] found in `t`.
fn commands(t: &str, marks: Found, out: &mut Vec<Part>) {
    // The case-blind pass first: most lines hold none of the words in any case.
    let backslash = marks.bytes & BACKSLASH != 0;
    if marks.words & COMMAND_MARKS == 0 && !backslash {
        return;
    }
    if !(marks.words & LOGIN_MARK != 0
        || t.contains("PASS")
        || t.contains("swaks")
        || t.contains("doveadm")
        || t.contains("testsaslauthd")
        || backslash)
    {
        return;
    }
    let words: Vec<&str> = t.split_whitespace().take(64).collect();
    let offset = |w: &str| w.as_ptr() as usize - t.as_ptr() as usize;
    let push = |w: &str, label: &'static str, out: &mut Vec<Part>| {
        let v = w.trim_matches(['"', '\'']);
        if v.is_empty() || is_placeholder(v) {
            return;
        }
        let s = offset(w) + (w.len() - w.trim_start_matches(['"', '\'']).len());
        out.push(Part {
            start: s,
            end: s + v.len(),
            kind: SecretKind::Password,
            label,
        });
    };
    // A client marker first (`C:`, `->`, `~>`, `>>>`, `[C]`) is not part of the command.
    let cmd = match words.first() {
        Some(&("C:" | "->" | "~>" | ">>>" | "[C]")) => &words[1..],
        _ => &words[..],
    };
    // Lower-case `login`/`pass` only after an IMAP-like tag (`a1`), so prose ("you login as
    // root", "pass it on") is not read as a session.
    let tag_like = |tag: &str| {
        let mut b = tag.bytes();
        b.next().is_some_and(|c| c.is_ascii_alphabetic())
            && tag.len() <= 8
            && b.clone().next().is_some()
            && b.all(|c| c.is_ascii_digit())
    };
    match cmd {
        [tag, verb, _user, pw]
            if *verb == "LOGIN" || (verb.eq_ignore_ascii_case("login") && tag_like(tag)) =>
        {
            push(pw, "IMAP LOGIN password", out)
        }
        [verb, pw] if *verb == "PASS" => push(pw, "POP3 PASS password", out),
        _ => {}
    }
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        match (*w, next) {
            ("--auth-password" | "-ap", Some(pw)) if words.contains(&"swaks") => {
                push(pw, "password on a swaks command line", out)
            }
            ("-p", Some(pw)) if words.first() == Some(&"testsaslauthd") => {
                push(pw, "password on a testsaslauthd command line", out)
            }
            ("auth", Some("test" | "login")) if i > 0 && words[i - 1] == "doveadm" => {
                let mut rest = words[i + 2..].iter();
                let mut plain = Vec::new();
                while let Some(x) = rest.next() {
                    if matches!(*x, "-a" | "-x" | "-A" | "-M") {
                        rest.next();
                    } else if !x.starts_with('-') {
                        plain.push(*x);
                    }
                }
                if let [_user, pw, ..] = plain[..] {
                    push(pw, "password on a doveadm auth command line", out);
                }
            }
            _ => {}
        }
    }
    // `\0user\0password` with `\0`, `\000`, `\x00` or `\u0000` for NUL.
    let nul = |at: usize| -> Option<usize> {
        ["\\u0000", "\\x00", "\\000", "\\0"]
            .iter()
            .find(|e| t[at..].starts_with(**e))
            .map(|e| e.len())
    };
    let mut seen = 0;
    let mut i = 0;
    while let Some(p) = t[i..].find('\\') {
        let at = i + p;
        i = at + 1;
        let Some(len) = nul(at) else { continue };
        seen += 1;
        i = at + len;
        if seen == 2 {
            let e = t[i..]
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'))
                .map_or(t.len(), |q| i + q);
            if e > i && !is_placeholder(&t[i..e]) {
                out.push(Part {
                    start: i,
                    end: e,
                    kind: SecretKind::Password,
                    label: "password in an AUTH PLAIN string being built",
                });
            }
            break;
        }
    }
}

fn is_base64(w: &str) -> bool {
    let data = w.trim_end_matches('=');
    w.len() >= 4
        && w.len() - data.len() <= 2
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Masks secrets: in quoted input (by span) and in any text (by value). Built once per report
/// and used by every renderer, the page and the share link.
pub struct Redactor<'a> {
    input: &'a str,
    /// Sorted, non-overlapping.
    spans: Vec<Span>,
    /// Secret values (each line of multi-line ones), longest first within each 4-byte prefix.
    needles: HashMap<[u8; MIN_NEEDLE], Vec<&'a str>>,
    /// One bit per possible first two bytes of a needle: most positions of a text are passed
    /// over without a hash lookup.
    first_two: Vec<u64>,
}

impl<'a> Redactor<'a> {
    pub fn new(secrets: &[Secret], input: &'a str) -> Redactor<'a> {
        let mut spans: Vec<Span> = secrets
            .iter()
            .map(|s| s.span)
            .filter(|s| s.end <= input.len() && !s.is_empty())
            .collect();
        crate::text::sort(&mut spans);
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(l) if s.start <= l.end => l.end = l.end.max(s.end),
                _ => merged.push(s),
            }
        }
        let mut needles: HashMap<[u8; MIN_NEEDLE], Vec<&'a str>> = HashMap::new();
        for s in &merged {
            let Some(v) = input.get(s.start..s.end) else {
                continue;
            };
            for piece in v.lines().map(str::trim) {
                if piece.len() < MIN_NEEDLE {
                    continue;
                }
                let mut key = [0u8; MIN_NEEDLE];
                key.copy_from_slice(&piece.as_bytes()[..MIN_NEEDLE]);
                let list = needles.entry(key).or_default();
                if !list.contains(&piece) {
                    list.push(piece);
                }
            }
        }
        let mut first_two = vec![0u64; 1 << 10];
        for (key, list) in needles.iter_mut() {
            crate::text::sort_by_key(list, |n| std::cmp::Reverse(n.len()));
            let k = usize::from(u16::from_le_bytes([key[0], key[1]]));
            first_two[k >> 6] |= 1 << (k & 63);
        }
        Redactor {
            input,
            spans: merged,
            needles,
            first_two,
        }
    }

    pub fn for_report(report: &Report, input: &'a str) -> Redactor<'a> {
        Redactor::new(&report.secrets, input)
    }

    /// [`excerpt_line`] of `span`: evidence quoted on one line, secrets masked.
    pub fn excerpt_line(&self, span: Span, max: usize) -> String {
        excerpt_line(self.input, span, &self.spans, max)
    }

    /// Whether any secret is known.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The input bytes of `span`, every part of a secret in it replaced by [`MASK`]; line breaks
    /// inside a secret are kept, so line numbers stay the same.
    pub fn excerpt(&self, span: Span) -> String {
        mask_spans(self.input, span, &self.spans)
    }

    /// The whole input with its secrets masked (share links, "copy redacted paste").
    pub fn input(&self) -> String {
        self.excerpt(Span::new(0, self.input.len()))
    }

    /// `text` (a rendered report, a summary, a fix) with every secret value of at least four
    /// bytes replaced by [`MASK`]: the safety net for texts that quoted a value.
    pub fn text(&self, text: &str) -> String {
        if self.needles.is_empty() || text.len() < MIN_NEEDLE {
            return text.to_owned();
        }
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i + MIN_NEEDLE <= b.len() {
            let k = usize::from(u16::from_le_bytes([b[i], b[i + 1]]));
            if self.first_two[k >> 6] & (1 << (k & 63)) == 0 {
                i += 1;
                continue;
            }
            let mut key = [0u8; MIN_NEEDLE];
            key.copy_from_slice(&b[i..i + MIN_NEEDLE]);
            let hit = self
                .needles
                .get(&key)
                .and_then(|l| l.iter().find(|n| b[i..].starts_with(n.as_bytes())));
            match hit {
                Some(n) if text.is_char_boundary(i) => {
                    out.push_str(&text[copied..i]);
                    out.push_str(MASK);
                    i += n.len();
                    copied = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&text[copied..]);
        out
    }
}

/// The start of `span` of `input` as one line, as evidence is quoted: every part of a secret
/// masked ([`mask_spans`]), line breaks and indentation joined into single spaces (a folded
/// header, a wrapped reply), at most `max` characters, and `…` when the span holds more. Only
/// the span's first `8 × max` bytes are read. The one way of quoting evidence: the text and
/// Markdown renderings ([`Redactor::excerpt_line`]) and the page use it.
pub fn excerpt_line(input: &str, span: Span, secrets: &[Span], max: usize) -> String {
    use crate::text::ceil_boundary;
    let start = ceil_boundary(input, span.start);
    let end = ceil_boundary(
        input,
        span.end.max(start).min(start.saturating_add(8 * max)),
    );
    let masked = mask_spans(input, Span::new(start, end), secrets);
    let joined = masked.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = joined.chars().take(max).collect();
    if end < span.end.min(input.len()) || out.len() < joined.len() {
        out.push('…');
    }
    out
}

/// The bytes of `span` of `input`, every part that one of `secrets` (spans of `input`, ordered by
/// start) covers replaced by [`MASK`], line breaks inside kept. Overlapping or touching secrets
/// give one mask; a secret that cuts a character is widened to whole characters. A span outside
/// `input` gives an empty text. The one way of
/// masking by position: [`Redactor::excerpt`] and [`excerpt_line`] use it.
pub fn mask_spans(input: &str, span: Span, secrets: &[Span]) -> String {
    let floor = |mut i: usize| {
        i = i.min(input.len());
        while !input.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        i = i.min(input.len());
        while !input.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    if span.start > span.end || span.end > input.len() {
        return String::new();
    }
    let (start, end) = (floor(span.start), ceil(span.end));
    let first = secrets.partition_point(|s| s.end <= start);
    let mut out = String::with_capacity(end - start);
    let mut pos = start;
    // End of the last mask written, when nothing has been copied since.
    let mut mask_end: Option<usize> = None;
    for s in &secrets[first..] {
        if s.start >= end {
            break;
        }
        let a = floor(s.start.max(start)).max(pos);
        let b = ceil(s.end.min(end));
        if b <= a {
            continue;
        }
        if mask_end == Some(a) {
            // Overlapping or touching the previous secret: the same mask, its line breaks kept.
            out.extend(input[a..b].chars().filter(|c| matches!(c, '\n' | '\r')));
        } else {
            out.push_str(&input[pos..a]);
            mask_keeping_lines(&input[a..b], &mut out);
        }
        pos = b;
        mask_end = Some(b);
    }
    out.push_str(&input[pos..end]);
    out
}

fn mask_keeping_lines(secret: &str, out: &mut String) {
    let mut first = true;
    for piece in secret.split_inclusive(['\n', '\r']) {
        let body = piece.trim_end_matches(['\n', '\r']);
        let brk = &piece[body.len()..];
        if !body.is_empty() || first {
            out.push_str(MASK);
        }
        first = false;
        out.push_str(brk);
    }
}

/// `text` with the report's secrets masked (by value); see [`Redactor::text`].
pub fn mask(text: &str, report: &Report, input: &str) -> String {
    Redactor::for_report(report, input).text(text)
}

/// The input with every secret the report found replaced by [`MASK`], line numbers kept.
pub fn redact(input: &str, report: &Report) -> String {
    Redactor::for_report(report, input).input()
}

/// Masks secret values in every text of the report (findings, notes, relay trace notes), so
/// that JSON output and the page are as safe as the renderings.
pub fn scrub(report: &mut Report, input: &str) {
    if report.secrets.is_empty() {
        return;
    }
    let secrets = std::mem::take(&mut report.secrets);
    {
        let r = Redactor::new(&secrets, input);
        if !r.needles.is_empty() {
            let m = |s: &mut String| {
                if !s.is_empty() {
                    *s = r.text(s);
                }
            };
            for f in &mut report.findings {
                m(&mut f.title);
                m(&mut f.summary);
                m(&mut f.why);
                f.params.iter_mut().for_each(m);
                f.evidence.iter_mut().for_each(|e| m(&mut e.label));
                if let Some(fix) = &mut f.fix {
                    m(&mut fix.text);
                    if let Some(sn) = &mut fix.snippet {
                        m(sn);
                    }
                }
                for d in &mut f.dead_ends {
                    m(&mut d.attempt);
                    m(&mut d.why);
                }
            }
            report.notes.iter_mut().for_each(|n| m(&mut n.message));
            if let Some(t) = &mut report.relay_trace {
                t.notes.iter_mut().for_each(m);
            }
            for step in report.smtp_sessions.iter_mut().flat_map(|s| &mut s.steps) {
                m(&mut step.command);
                m(&mut step.reply);
            }
        }
    }
    report.secrets = secrets;
}

#[cfg(test)]
mod tests;
