//! SMTP replies wherever they appear (log lines, bounces, dialogs, transcripts): the three-digit
//! reply code (RFC 5321 §4.2), the enhanced status code (RFC 3463 `class.subject.detail`), and the
//! text. Byte scanners, no regexes: this runs on every bounce in bulk.

use serde::Serialize;
use std::fmt;

/// An enhanced mail system status code, e.g. `5.7.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnhancedStatus {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl EnhancedStatus {
    /// Parses exactly `c.sss.ddd` (class 2, 4 or 5; subject and detail 1–3 digits).
    pub fn parse(s: &str) -> Option<EnhancedStatus> {
        let mut it = s.split('.');
        let class = it.next()?;
        let subject = it.next()?;
        let detail = it.next()?;
        if it.next().is_some()
            || class.len() != 1
            || !digits(subject, 1, 3)
            || !digits(detail, 1, 3)
        {
            return None;
        }
        let class = match class {
            "2" => 2,
            "4" => 4,
            "5" => 5,
            _ => return None,
        };
        Some(EnhancedStatus {
            class,
            subject: subject.parse().ok()?,
            detail: detail.parse().ok()?,
        })
    }
    /// `X.0.0`-style codes say nothing beyond the class.
    pub fn is_generic(&self) -> bool {
        self.subject == 0 && self.detail == 0
    }
    pub fn is_permanent(&self) -> bool {
        self.class == 5
    }
    /// The registry's title for this code (RFC 3463/5248 registry), if registered.
    pub fn meaning(&self) -> Option<&'static str> {
        crate::tables::enhanced_status_title(&self.to_string())
    }
}

impl fmt::Display for EnhancedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl Serialize for EnhancedStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// A reply as found in some text: positions are byte offsets into that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply<'a> {
    pub code: Option<u16>,
    pub status: Option<EnhancedStatus>,
    /// The words after code and status (continuation markers of multi-line replies removed
    /// only at the start).
    pub text: &'a str,
    /// Offset where the reply starts (the code, or the status when there is no code).
    pub start: usize,
}

/// Reads a reply at the start of `s` (after optional spaces): `550 5.1.1 <x>: User unknown`,
/// `550-5.7.26 …`, `5.7.1 text`, `554 text`. None when `s` does not start with a code or status.
pub fn parse_reply(s: &str) -> Option<Reply<'_>> {
    let lead = s.len() - s.trim_start().len();
    let t = &s[lead..];
    let (code, rest) = match reply_code_prefix(t) {
        Some(c) => (Some(c), t.get(4..).unwrap_or("")),
        None => (None, t),
    };
    let rest_trim = rest.trim_start();
    let (status, text) = match status_prefix(rest_trim) {
        Some((st, len)) => (Some(st), rest_trim[len..].trim_start()),
        None => (None, rest_trim),
    };
    if code.is_none() && status.is_none() {
        return None;
    }
    Some(Reply {
        code,
        status,
        text: text.trim_end(),
        start: lead,
    })
}

/// `550 `/`550-`/`550` at the very start, with a first digit of 2–5.
fn reply_code_prefix(t: &str) -> Option<u16> {
    let b = t.as_bytes();
    if b.len() < 3
        || !(b'2'..=b'5').contains(&b[0])
        || !b[1].is_ascii_digit()
        || !b[2].is_ascii_digit()
    {
        return None;
    }
    match b.get(3) {
        None | Some(b' ') | Some(b'-') | Some(b'\t') => {}
        _ => return None,
    }
    t.get(..3)?.parse().ok()
}

/// An enhanced status code at the very start of `t`, and its byte length.
fn status_prefix(t: &str) -> Option<(EnhancedStatus, usize)> {
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let cand = t[..end].trim_end_matches('.');
    EnhancedStatus::parse(cand).map(|s| (s, cand.len()))
}

/// Every enhanced status code standing as a word in `text`, with its offset. Linear.
pub fn find_statuses(text: &str) -> Vec<(EnhancedStatus, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if matches!(c, b'2' | b'4' | b'5')
            && b.get(i + 1) == Some(&b'.')
            && (i == 0 || !is_word_byte(b[i - 1]) && b[i - 1] != b'.')
        {
            let end = i + b[i..]
                .iter()
                .position(|&x| !(x.is_ascii_digit() || x == b'.'))
                .unwrap_or(b.len() - i);
            let cand = text[i..end].trim_end_matches('.');
            let next_ok = b
                .get(i + cand.len())
                .is_none_or(|&x| !x.is_ascii_alphanumeric());
            if next_ok {
                if let Some(st) = EnhancedStatus::parse(cand) {
                    out.push((st, i));
                }
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The first three-digit reply code standing as a word in `text` and followed by a space, `-`
/// or the end (so dates, ports and sizes rarely match), with its offset.
pub fn find_reply_code(text: &str) -> Option<(u16, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    while i + 3 <= b.len() {
        if (b'2'..=b'5').contains(&b[i])
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && (i == 0 || !is_word_byte(b[i - 1]) && !matches!(b[i - 1], b'.' | b':' | b'-' | b'/'))
            && matches!(b.get(i + 3), None | Some(b' ') | Some(b'-') | Some(b'\t'))
        {
            if let Some(code) = text.get(i..i + 3).and_then(|s| s.parse().ok()) {
                return Some((code, i));
            }
        }
        i += 1;
    }
    None
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The most specific status: a generic (`X.0.0`) or missing `declared` status yields to a more
/// specific code of the same class found in `text` (a DSN `Status: 5.0.0` whose diagnostic says
/// `5.7.1 … not permitted to relay` is 5.7.1).
pub fn most_specific(declared: Option<EnhancedStatus>, text: &str) -> Option<EnhancedStatus> {
    let found = find_statuses(text);
    match declared {
        Some(d) if !d.is_generic() => Some(d),
        Some(d) => found
            .iter()
            .map(|f| f.0)
            .find(|f| f.class == d.class && !f.is_generic())
            .or(Some(d)),
        None => found
            .iter()
            .map(|f| f.0)
            .find(|f| !f.is_generic())
            .or(found.first().map(|f| f.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> EnhancedStatus {
        EnhancedStatus::parse(s).unwrap()
    }

    #[test]
    fn reads_replies_in_their_usual_shapes() {
        let r = parse_reply("554 5.7.1 <ann@example.org>: Relay access denied").unwrap();
        assert_eq!(
            (r.code, r.status, r.text),
            (
                Some(554),
                Some(st("5.7.1")),
                "<ann@example.org>: Relay access denied"
            )
        );
        let r = parse_reply("  550-5.7.26 This mail is unauthenticated").unwrap();
        assert_eq!(
            (r.code, r.status, r.start),
            (Some(550), Some(st("5.7.26")), 2)
        );
        let r = parse_reply("4.4.1 connection timed out").unwrap();
        assert_eq!((r.code, r.status), (None, Some(st("4.4.1"))));
        let r = parse_reply("421 Service not available").unwrap();
        assert_eq!((r.code, r.status), (Some(421), None));
        assert!(parse_reply("2024-01-01 nothing").is_none());
        assert!(parse_reply("5550 no").is_none());
        assert!(parse_reply("").is_none());
    }

    #[test]
    fn status_codes_are_found_as_words_only() {
        let found: Vec<String> = find_statuses(
            "smtp; 550 5.1.1 <a@example.net>... user unknown (5.0.0), v1.2.3 10.5.1.2",
        )
        .iter()
        .map(|f| f.0.to_string())
        .collect();
        assert_eq!(found, ["5.1.1", "5.0.0"]);
        assert!(find_statuses("192.0.2.5 and 2.5.1.9").is_empty());
    }

    #[test]
    fn reply_codes_skip_times_and_addresses() {
        assert_eq!(
            find_reply_code("at 12:55:01 host said: 550 no such user"),
            Some((550, 23))
        );
        assert_eq!(find_reply_code("port 2525 ok"), None);
        assert_eq!(find_reply_code("[192.0.2.250] refused"), None);
    }

    #[test]
    fn the_most_specific_status_wins() {
        assert_eq!(
            most_specific(Some(st("5.0.0")), "550 5.7.1 not permitted to relay"),
            Some(st("5.7.1"))
        );
        assert_eq!(
            most_specific(Some(st("5.1.1")), "5.7.1 whatever"),
            Some(st("5.1.1"))
        );
        assert_eq!(
            most_specific(Some(st("5.0.0")), "4.2.2 full"),
            Some(st("5.0.0"))
        );
        assert_eq!(
            most_specific(None, "said 550 5.2.2 mailbox full"),
            Some(st("5.2.2"))
        );
        assert_eq!(
            st("5.7.1").meaning(),
            Some("delivery not authorized, message refused")
        );
    }
}
