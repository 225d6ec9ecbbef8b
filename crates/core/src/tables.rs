//! Fact tables compiled from `kb/data/*.tsv` by the build script (see `build.rs`).
//! Raw rows here; typed look-ups live with the code that owns each domain.

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A table as the build script stores it: rows ended by U+001E, cells split by U+001F.
fn split_table<const N: usize>(blob: &'static str) -> Vec<[&'static str; N]> {
    blob.split_terminator('\u{1e}')
        .map(|row| {
            let mut cells = row.split('\u{1f}');
            std::array::from_fn(|_| cells.next().unwrap_or(""))
        })
        .collect()
}

/// Rows of a table by their first cell (a parameter or setting name), for tables looked up once
/// per line or list item of a paste. The keys are the table's own, so FNV-1a, several times
/// cheaper than the standard SipHash for names this short, is safe here; maps keyed by text from
/// the paste keep the standard hasher.
pub(crate) struct NameIndex(HashMap<&'static str, usize, BuildHasherDefault<Fnv>>);

impl NameIndex {
    pub(crate) fn new<const N: usize>(rows: &[[&'static str; N]]) -> NameIndex {
        NameIndex(rows.iter().enumerate().map(|(i, r)| (r[0], i)).collect())
    }

    /// The position of the row whose first cell is `name`.
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }
}

#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Meaning of an enhanced status code (`5.7.1` → the registry's `X.7.1` row's title).
pub fn enhanced_status_title(code: &str) -> Option<&'static str> {
    let (class, rest) = code.split_once('.')?;
    if !matches!(class, "2" | "4" | "5") {
        return None;
    }
    ENHANCED_STATUS_CODES
        .iter()
        .find(|r| r[0].strip_prefix("X.") == Some(rest))
        .map(|r| r[2])
}

/// Meaning of a three-digit SMTP reply code.
pub fn reply_code_meaning(code: u16) -> Option<&'static str> {
    let c = code.to_string();
    SMTP_REPLY_CODES.iter().find(|r| r[0] == c).map(|r| r[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_loaded() {
        assert!(POSTFIX_PARAMS.len() > 900);
        assert!(DOVECOT_SETTINGS.len() > 1000);
        assert_eq!(BOUNCE_REASONS.len(), 36);
        assert_eq!(
            enhanced_status_title("5.1.1"),
            Some("recipient mailbox does not exist (left of @ invalid)")
        );
        assert_eq!(enhanced_status_title("9.1.1"), None);
        assert!(reply_code_meaning(554).is_some());
        assert!(POSTFIX_PARAMS.iter().all(|r| !r[0].is_empty()));
        assert_eq!(
            split_table::<3>("a\u{1f}\u{1f}c\u{1e}d\u{1f}e\u{1f}\u{1e}"),
            vec![["a", "", "c"], ["d", "e", ""]]
        );
    }
}
