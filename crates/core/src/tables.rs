//! Fact tables compiled from `kb/data/*.tsv` by the build script (see `build.rs`).
//! Raw rows here; typed look-ups live with the code that owns each domain.

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// A table as the build script stores it: rows ended by U+001E, cells split by U+001F.
fn split_table<const N: usize>(blob: &'static str) -> Vec<[&'static str; N]> {
    blob.split_terminator('\u{1e}')
        .map(|row| {
            let mut cells = row.split('\u{1f}');
            std::array::from_fn(|_| cells.next().unwrap_or(""))
        })
        .collect()
}

/// Meaning of an enhanced status code (`5.7.1` → the registry's `X.7.1` row's title).
pub fn enhanced_status_title(code: &str) -> Option<&'static str> {
    let mut parts = code.splitn(2, '.');
    let class = parts.next()?;
    let rest = parts.next()?;
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
