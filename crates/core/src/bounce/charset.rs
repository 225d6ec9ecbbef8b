//! Text in whatever charset a bounce declares. With the `charsets` feature (the CLI enables it)
//! every WHATWG label is decoded by `encoding_rs` (ISO-2022-JP, Shift_JIS, EUC-JP, KOI8-R,
//! GB2312/GBK, Big5, Windows-125x, ISO-8859-x…). Without it (the page, to keep its size budget)
//! UTF-8, ASCII and Latin-1 decode exactly and anything else is decoded lossily, never dropped:
//! the ASCII parts (addresses, codes, MTA wording) survive, which is what classification reads.

use std::borrow::Cow;

/// Decodes `bytes` declared as `label`. The flag says the result is only approximate.
pub fn decode<'a>(bytes: &'a [u8], label: &str) -> (Cow<'a, str>, bool) {
    if bytes.is_ascii() && !looks_like_iso2022(bytes) {
        // ASCII is valid UTF-8; this is the hot path for nearly every bounce part.
        return (
            Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or("")),
            false,
        );
    }
    let label = label.trim().trim_matches('"');
    let l = label.to_ascii_lowercase();
    match l.as_str() {
        "" | "utf-8" | "utf8" | "us-ascii" | "ascii" | "unknown-8bit" | "x-unknown" => {
            (decode_unlabelled(bytes), false)
        }
        "iso-8859-1" | "latin1" | "iso8859-1" | "l1" => (Cow::Owned(latin1(bytes)), false),
        _ => decode_other(bytes, &l),
    }
}

#[cfg(feature = "charsets")]
fn decode_other<'a>(bytes: &'a [u8], label: &str) -> (Cow<'a, str>, bool) {
    let label = match label {
        // Common aliases that the WHATWG list lacks.
        "iso-2022-jp-2" | "iso-2022-jp-3" | "iso-2022-jp-1" => "iso-2022-jp",
        "shift-jis" | "sjis" | "x-sjis" | "cp932" | "windows-31j" => "shift_jis",
        "euc_jp" | "eucjp" | "x-euc-jp" => "euc-jp",
        "ks_c_5601-1987" | "euc_kr" => "euc-kr",
        other => other,
    };
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(enc) => {
            let (text, _, had_errors) = enc.decode(bytes);
            (text, had_errors && enc == encoding_rs::UTF_8)
        }
        None => (String::from_utf8_lossy(bytes), true),
    }
}

#[cfg(not(feature = "charsets"))]
fn decode_other<'a>(bytes: &'a [u8], label: &str) -> (Cow<'a, str>, bool) {
    if looks_like_iso2022(bytes) {
        return (Cow::Owned(iso2022_ascii(bytes)), true);
    }
    if label.starts_with("windows-125") || label.starts_with("iso-8859-") {
        // Single-byte charsets: their ASCII half is exact; Latin-1 is close for the rest.
        return (Cow::Owned(latin1(bytes)), true);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    }
}

/// Text with no declared charset: UTF-8 when it is valid, else ISO-2022-JP when it has its
/// escapes, else Latin-1 (every byte a character: nothing is lost, and ASCII is exact).
pub fn decode_unlabelled(bytes: &[u8]) -> Cow<'_, str> {
    if looks_like_iso2022(bytes) {
        #[cfg(feature = "charsets")]
        {
            let (t, _, _) = encoding_rs::ISO_2022_JP.decode(bytes);
            return Cow::Owned(t.into_owned());
        }
        #[cfg(not(feature = "charsets"))]
        return Cow::Owned(iso2022_ascii(bytes));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(latin1(bytes)),
    }
}

/// ISO-2022 text without a decoder: the ASCII runs kept exactly, each run in a two-byte set
/// (after `ESC $ …`) replaced by one U+FFFD, escape sequences dropped.
#[cfg(not(feature = "charsets"))]
fn iso2022_ascii(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut wide = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == 0x1b {
            // ESC $ X, ESC $ ( X, ESC ( X: switch sets.
            let next = bytes.get(i + 1).copied();
            wide = next == Some(b'$');
            let len = match (next, bytes.get(i + 2).copied()) {
                (Some(b'$'), Some(b'(' | b')')) => 4,
                (Some(_), Some(_)) => 3,
                _ => 2,
            };
            if wide && !out.ends_with('\u{fffd}') {
                out.push('\u{fffd}');
            }
            i += len;
            continue;
        }
        if wide {
            if b == b'\n' || b == b'\r' {
                wide = false;
                out.push(b as char);
            }
        } else if b.is_ascii() {
            out.push(b as char);
        } else {
            out.push('\u{fffd}');
        }
        i += 1;
    }
    out
}

fn looks_like_iso2022(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_utf8_latin1_always_work() {
        assert_eq!(decode(b"plain", "koi8-r").0, "plain");
        assert_eq!(decode("é".as_bytes(), "utf-8").0, "é");
        assert_eq!(decode(b"caf\xe9", "ISO-8859-1").0, "café");
        assert_eq!(decode_unlabelled(b"caf\xe9"), "café");
    }

    #[cfg(feature = "charsets")]
    #[test]
    fn east_asian_and_cyrillic_charsets() {
        // "テスト" in ISO-2022-JP, Shift_JIS and EUC-JP; "мир" in KOI8-R; "中" in GB2312.
        assert_eq!(decode(b"\x1b$B%F%9%H\x1b(B", "iso-2022-jp").0, "テスト");
        assert_eq!(decode(b"\x83e\x83X\x83g", "Shift_JIS").0, "テスト");
        assert_eq!(decode(b"\xa5\xc6\xa5\xb9\xa5\xc8", "euc-jp").0, "テスト");
        assert_eq!(decode(b"\xcd\xc9\xd2", "koi8-r").0, "мир");
        assert_eq!(decode(b"\xd6\xd0", "gb2312").0, "中");
        assert_eq!(decode(b"\xe4", "windows-1252").0, "ä");
    }

    #[cfg(not(feature = "charsets"))]
    #[test]
    fn other_charsets_are_lossy_but_kept() {
        let (t, lossy) = decode(b"550 \x83e\x83X\x83g user unknown", "shift_jis");
        assert!(lossy && t.contains("550") && t.contains("user unknown"));
        let (t, lossy) = decode(b"550 \x1b$B%F%9%H\x1b(B user unknown", "iso-2022-jp");
        assert!(lossy);
        assert_eq!(t, "550 \u{fffd} user unknown");
    }
}
