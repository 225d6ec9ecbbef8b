//! The knowledge base: what a failure means, why it happens, and what fixes it.
//!
//! Entries are written as TOML under `kb/entries/<group>/<slug>.toml`; `build.rs` validates them
//! (unique ids, patterns compile, examples match and don't) and compiles them into [`ENTRIES`], so
//! neither the CLI nor the page carries a TOML parser. [`diagnose`] joins the failures of a paste
//! with these entries and with the config checks' findings.

mod diagnose;
mod explain;

pub use diagnose::{diagnose, diagnose_in, GENERIC_ID, SUMMARY_LEADS};
pub use explain::explain_text;

use crate::report::{Severity, Side};
use serde::Serialize;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/kb_entries.rs"));

/// One knowledge-base entry: a wiki page a support engineer would write, made machine-checkable.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// Its place in [`ENTRIES`] (set by the build), where its compiled regexes are kept too.
    /// Not part of the entry's JSON.
    #[serde(skip)]
    pub index: usize,
    /// `group/slug`, e.g. `smtp/554-5.7.1-relay-access-denied`; the group is its folder.
    pub id: &'static str,
    pub title: &'static str,
    /// Topic for browsing (`relay`, `auth`, `dns`, `tls`, `config`, …).
    pub category: &'static str,
    /// The general explanation, in English.
    pub summary: &'static str,
    /// Who usually has to act.
    pub side: Side,
    /// How bad it is when it happens (a 4xx failure lowers `error` to `warning`).
    pub severity: Severity,
    pub reply_codes: &'static [u16],
    /// Enhanced status codes covered (`5.7.1`).
    pub statuses: &'static [&'static str],
    /// Lowercase literal phrases; the text, lowercased, must hold one of them.
    pub patterns: &'static [&'static str],
    /// regex-lite patterns, tried against the lowercased text when no phrase can say it.
    pub regexes: &'static [&'static str],
    /// Config parameters and settings the entry concerns.
    pub params: &'static [&'static str],
    /// Sisimai reason name (`norelaying`), empty when none fits.
    pub bounce_reason: &'static str,
    /// What to paste next when the cause cannot be decided from what is there.
    pub paste_next: &'static str,
    /// Which inputs decide the cause (`postfix`, `master`, `dovecot`, `log`, `bounce`); when one
    /// is missing from the paste, the finding asks for `paste_next`.
    pub needs: &'static [&'static str],
    /// The fallback entry: never matched by patterns, used when nothing else fits.
    pub generic: bool,
    pub hints: &'static [Hint],
    /// Root causes, most likely first.
    pub causes: &'static [Cause],
    pub fixes: &'static [KbFix],
    pub dead_ends: &'static [KbDeadEnd],
    /// (`postfix` | `dovecot` | `exim` | `sendmail`, note); empty without the `kb-explain`
    /// feature (the page's build).
    pub versions: &'static [(&'static str, &'static str)],
    pub references: &'static [KbReference],
    /// Empty without the `kb-explain` feature (the page's build).
    pub translations: &'static [Translation],
    /// Texts the entry must match and must not match (checked by the build and the tests);
    /// empty without the `kb-examples` feature (the page's build).
    pub examples_match: &'static [&'static str],
    pub examples_no_match: &'static [&'static str],
}

/// What to add when the failure came from a given kind of input.
#[derive(Debug, Serialize)]
pub struct Hint {
    /// `bounce`, `log` or `client` (mail client dialogs and SMTP transcripts).
    pub source: &'static str,
    pub text: &'static str,
    /// Who must act when the failure is seen from this source, if not the entry's side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
}

#[derive(Debug, Serialize)]
pub struct Cause {
    pub text: &'static str,
    /// 0–1, how often this is the cause among admins who see the failure.
    pub likelihood: f32,
    /// A config check id whose finding confirms this cause; empty when none exists.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub check: &'static str,
}

#[derive(Debug, Serialize)]
pub struct KbFix {
    pub text: &'static str,
    /// Lines to copy (config or command); empty when the fix is not a snippet.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub snippet: &'static str,
    /// 0–1, how often it resolves the failure.
    pub success: f32,
}

#[derive(Debug, Serialize)]
pub struct KbDeadEnd {
    pub attempt: &'static str,
    pub why: &'static str,
}

#[derive(Debug, Serialize)]
pub struct KbReference {
    pub title: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub url: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Translation {
    /// Two-letter language code (`de`, `fr`, `ru`, `zh`).
    pub lang: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
}

impl Entry {
    /// Whether the text holds one of the entry's phrases or matches one of its regexes. `lower`
    /// must already be lowercased (see [`Probe`]).
    pub fn matches_lower(&self, lower: &str) -> bool {
        self.matched_len(lower).is_some()
    }

    /// Like [`Entry::matches_lower`] for any text.
    pub fn matches_text(&self, text: &str) -> bool {
        self.matches_lower(&text.to_lowercase())
    }

    /// Length of the longest phrase found (regex hits count as 20): longer phrases are more
    /// specific, so they rank an entry above one that matched a shorter, vaguer phrase.
    fn matched_len(&self, lower: &str) -> Option<usize> {
        let best = self
            .patterns
            .iter()
            .filter(|p| lower.contains(**p))
            .map(|p| p.len())
            .max();
        self.or_regex(best, lower)
    }

    /// `phrase_len` (the longest phrase found), else 20 when one of the regexes matches.
    fn or_regex(&self, phrase_len: Option<usize>, lower: &str) -> Option<usize> {
        self.or_regex_where(phrase_len, lower, |_, r| {
            lower.contains(r.required.as_str())
        })
    }

    /// [`Entry::or_regex`] where `holds(k, regex)` says whether `lower` holds the literal
    /// regex `k` of the entry requires (the regex runs only then).
    fn or_regex_where(
        &self,
        phrase_len: Option<usize>,
        lower: &str,
        holds: impl Fn(usize, &EntryRegex) -> bool,
    ) -> Option<usize> {
        if phrase_len.is_none()
            && !self.regexes.is_empty()
            && entry_regexes(self)
                .iter()
                .enumerate()
                .any(|(k, r)| holds(k, r) && r.re.is_match(lower))
        {
            return Some(20);
        }
        phrase_len
    }

    pub fn hint(&self, source: &str) -> Option<&'static Hint> {
        self.hints.iter().find(|h| h.source == source)
    }

    pub fn translation(&self, lang: &str) -> Option<&'static Translation> {
        self.translations.iter().find(|t| t.lang == lang)
    }

    /// The fix to show first: the best success rate, where a copyable snippet counts for ten
    /// points (the reader can act on it at once).
    pub fn best_fix(&self) -> Option<&'static KbFix> {
        let weight = |f: &KbFix| f.success + if f.snippet.is_empty() { 0.0 } else { 0.1 };
        self.fixes
            .iter()
            .max_by(|a, b| weight(a).total_cmp(&weight(b)))
    }
}

/// A compiled entry regex and the literal text every match must contain (its longest literal
/// run outside groups, when the pattern has no top-level alternation), checked first: most lines
/// of a paste lack it, and a substring search is far cheaper than running the regex.
struct EntryRegex {
    re: regex_lite::Regex,
    required: String,
}

/// The longest run of literal characters outside groups and classes of `pattern`, which any
/// match contains: escaped punctuation (`\.`, `\(`) counts as itself, a character a quantifier
/// makes optional or repeatable ends the run; empty when the pattern has a top-level `|` or
/// inline flags (then nothing is known to be required).
fn required_literal(pattern: &str) -> String {
    if pattern.contains("(?") {
        return String::new();
    }
    let mut best = String::new();
    let mut run = String::new();
    let mut depth = 0usize;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        let literal = match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => Some(e),
                _ => None,
            },
            '(' => {
                depth += 1;
                None
            }
            ')' => {
                depth = depth.saturating_sub(1);
                None
            }
            '|' if depth == 0 => return String::new(),
            '[' => {
                // Skip the class: `]` right after `[` or `[^` is a member, `\]` too.
                let mut first = true;
                while let Some(k) = chars.next() {
                    match k {
                        '\\' => {
                            chars.next();
                        }
                        '^' if first => continue,
                        ']' if !first => break,
                        _ => {}
                    }
                    first = false;
                }
                None
            }
            '{' => {
                // A repetition's bounds (`{1,3}`) are no text.
                for k in chars.by_ref() {
                    if k == '}' {
                        break;
                    }
                }
                None
            }
            '.' | '^' | '$' | '*' | '+' | '?' | '}' | '|' => None,
            c => Some(c),
        };
        let quantified = matches!(chars.peek(), Some('?' | '*' | '+' | '{'));
        match literal {
            Some(l) if depth == 0 => {
                // `a+` holds one `a` but the run cannot go on past it; `a?`, `a*`, `a{0,2}` may
                // hold none.
                if chars.peek() == Some(&'+') {
                    run.push(l);
                }
                if !quantified {
                    run.push(l);
                    continue;
                }
            }
            _ => {}
        }
        if run.len() > best.len() {
            best = std::mem::take(&mut run);
        }
        run.clear();
    }
    if run.len() > best.len() {
        best = run;
    }
    best
}

/// Every entry's regexes (in [`ENTRIES`] order, so by `Entry::index`), compiled once on first
/// use (regexes are rare; most entries match by phrase).
fn compiled_regexes() -> &'static [Vec<EntryRegex>] {
    static COMPILED: OnceLock<Vec<Vec<EntryRegex>>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        ENTRIES
            .iter()
            .map(|e| {
                e.regexes
                    .iter()
                    .filter_map(|r| {
                        regex_lite::Regex::new(r).ok().map(|re| EntryRegex {
                            re,
                            required: required_literal(r),
                        })
                    })
                    .collect()
            })
            .collect()
    })
}

fn entry_regexes(entry: &Entry) -> &'static [EntryRegex] {
    compiled_regexes()
        .get(entry.index)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The entry with this id.
pub fn find(id: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.id == id)
}

/// What the matcher knows about one failure text: the lowercased text and, when present, its
/// reply code and enhanced status code.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    pub lower: String,
    pub reply_code: Option<u16>,
    pub status: Option<String>,
    /// `bounce`, `log` or `client`.
    pub source: Option<&'static str>,
}

impl Probe {
    /// A probe over free text (a pasted line, a search box): code and status are read from it.
    pub fn from_text(text: &str) -> Probe {
        let (reply_code, status) = reply_code_and_status(text);
        Probe {
            lower: text.to_lowercase(),
            reply_code,
            status,
            source: None,
        }
    }
}

/// Scores how well an entry explains the probe: `None` when no phrase or regex matches, else
/// 0.4–0.95 from the phrase's specificity, then the status and reply code agreeing or not.
pub fn score(entry: &Entry, probe: &Probe) -> Option<f32> {
    if entry.generic {
        return None;
    }
    score_for(entry, probe, entry.matched_len(&probe.lower)?)
}

/// [`score`] once the longest matched phrase length is known.
fn score_for(entry: &Entry, probe: &Probe, len: usize) -> Option<f32> {
    let mut s = 0.5 + (len.min(40) as f32 / 40.0) * 0.25;
    if let Some(st) = &probe.status {
        if entry.statuses.iter().any(|x| x == st) {
            s += 0.15;
        } else if entry.statuses.iter().any(|x| x.get(1..) == st.get(1..)) {
            // Same subject and detail, other class (4.7.1 vs 5.7.1): the same problem,
            // temporary instead of permanent.
            s += 0.08;
        } else if !entry.statuses.is_empty() {
            s -= 0.1;
        }
    }
    if let Some(code) = probe.reply_code {
        if entry.reply_codes.contains(&code) {
            s += 0.05;
        } else if !entry.reply_codes.is_empty()
            && entry.reply_codes.iter().all(|c| c / 100 != code / 100)
        {
            s -= 0.08;
        }
    }
    Some(s.clamp(0.4, 0.95))
}

/// Entries that explain the text, best first. For the page's search box and for other engines
/// (bounce classification) that hold a diagnostic text.
pub fn search(text: &str) -> Vec<&'static Entry> {
    ranked(&Probe::from_text(text))
        .into_iter()
        .map(|(e, _)| e)
        .collect()
}

/// Entries scored against a probe, best first (ties: file order).
pub fn ranked(probe: &Probe) -> Vec<(&'static Entry, f32)> {
    let hits = phrase_hits(&probe.lower);
    let first = &phrase_index().first_regex;
    let mut out: Vec<(&'static Entry, f32)> = ENTRIES
        .iter()
        .zip(hits.best)
        .enumerate()
        .filter(|(_, (e, _))| !e.generic)
        .filter_map(|(i, (e, len))| {
            let base = first.get(i).copied().unwrap_or(0) as usize;
            let len = e.or_regex_where(len, &probe.lower, |k, _| {
                hits.required.get(base + k).copied().unwrap_or(false)
            })?;
            score_for(e, probe, len).map(|s| (e, s))
        })
        .collect();
    crate::text::sort_by(&mut out, |a, b| b.1.total_cmp(&a.1));
    out
}

/// A value in [`Phrases`] with this bit set is a regex's number (in [`compiled_regexes`],
/// counted across entries) whose required literal this is; without it, an entry index.
const REQUIRED: u32 = 1 << 31;

/// Every entry's phrases, and the literals its regexes require, in one
/// [`crate::text::PhraseIndex`], and those shorter than two bytes apart. The paste path ranks up
/// to a few hundred quoted lines per paste: one scan of each finds both.
struct Phrases {
    index: crate::text::PhraseIndex<u32>,
    short: Vec<(u32, &'static str)>,
    /// Per entry, the number of its first regex.
    first_regex: Vec<u32>,
    regexes: usize,
}

fn phrase_index() -> &'static Phrases {
    static INDEX: std::sync::OnceLock<Phrases> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let regexes = compiled_regexes();
        let mut first_regex = Vec::with_capacity(regexes.len());
        let mut n = 0u32;
        for r in regexes {
            first_regex.push(n);
            n += r.len() as u32;
        }
        let all = || {
            let phrases = ENTRIES
                .iter()
                .enumerate()
                .flat_map(|(i, e)| e.patterns.iter().map(move |p| (*p, i as u32)));
            let required = regexes
                .iter()
                .flatten()
                .zip(0u32..)
                .map(|(r, k)| (r.required.as_str(), REQUIRED | k));
            phrases.chain(required)
        };
        Phrases {
            index: crate::text::PhraseIndex::new(all()),
            short: all()
                .filter(|(p, _)| p.len() < 2)
                .map(|(p, i)| (i, p))
                .collect(),
            first_regex,
            regexes: n as usize,
        }
    })
}

/// What one scan of a lowercased text found.
struct PhraseHits {
    /// For each entry (in [`ENTRIES`] order), the length of its longest phrase found.
    best: Vec<Option<usize>>,
    /// For each regex (numbered as in [`Phrases`]), whether the text holds its required literal.
    required: Vec<bool>,
}

fn phrase_hits(lower: &str) -> PhraseHits {
    let idx = phrase_index();
    let mut hits = PhraseHits {
        best: vec![None; ENTRIES.len()],
        required: vec![false; idx.regexes],
    };
    let mut note = |v: u32, len: usize| {
        if v & REQUIRED != 0 {
            if let Some(slot) = hits.required.get_mut((v & !REQUIRED) as usize) {
                *slot = true;
            }
        } else if let Some(slot) = hits.best.get_mut(v as usize) {
            *slot = Some(slot.map_or(len, |l| l.max(len)));
        }
    };
    let b = lower.as_bytes();
    idx.index.scan(b, |at, p, v| {
        if b[at..].starts_with(p.as_bytes()) {
            note(v, p.len());
        }
    });
    for &(v, p) in &idx.short {
        if lower.contains(p) {
            note(v, p.len());
        }
    }
    hits
}

/// The first SMTP reply code (`550`) and enhanced status code (`5.1.1`) in a text, each found in
/// one linear pass. A code counts when it stands alone (`550 `, `550-`, `550` at the end); a
/// status is `class.subject.detail` with class 2, 4 or 5.
pub fn reply_code_and_status(text: &str) -> (Option<u16>, Option<String>) {
    let b = text.as_bytes();
    let mut code = None;
    let mut status = None;
    let mut i = 0;
    while i < b.len() && (code.is_none() || status.is_none()) {
        let starts_token = i == 0
            || !b
                .get(i - 1)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.');
        if !starts_token || !b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let run = b
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'.')
            .count();
        let token = text
            .get(i..i + run)
            .unwrap_or_default()
            .trim_end_matches('.');
        let after = b.get(i + token.len()).copied();
        let stands_alone = after.is_none_or(|c| !c.is_ascii_alphanumeric());
        if stands_alone {
            if status.is_none() && is_status(token) {
                status = Some(token.to_owned());
            } else if code.is_none()
                && token.len() == 3
                && matches!(token.as_bytes().first(), Some(b'2'..=b'5'))
            {
                code = token.parse().ok();
            }
        }
        i += run.max(1);
    }
    (code, status)
}

fn is_status(s: &str) -> bool {
    let mut parts = s.split('.');
    let (Some(class), Some(subject), Some(detail), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(class, "2" | "4" | "5")
        && [subject, detail]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests;
