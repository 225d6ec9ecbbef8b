//! Reasons from the error codes that some large receivers put in their replies. Their
//! published code lists say more than the wording does (GoDaddy's `IB607` is a per-hour
//! recipient limit even under a `5.1.1`), so a recognised code decides before the generic
//! reading in [`super::reason`]. Each scheme is a distinctive token, so no host name is needed.
//!
//! Sources: the providers' postmaster pages (GoDaddy "fix rejected email with a bounce error",
//! Spectrum "understanding email error codes", Facebook postmaster response codes, Orange and
//! La Poste OFR/LPN codes, Yahoo "SMTP error codes").

/// The reason a vendor code in `diag` (original case) names, if any.
pub fn reason(diag: &str, lower: &str) -> Option<&'static str> {
    godaddy(diag)
        .or_else(|| spectrum(lower))
        .or_else(|| facebook(diag))
        .or_else(|| orange(lower))
        .or_else(|| yahoo(lower))
}

/// Reasons that only the surrounding text of a bounce tells, when no recipient line does.
pub fn from_prose(lower: &str) -> Option<&'static str> {
    // Google Groups answers a post it will not take (no such group, or no right to post)
    // with a notice in the poster's language; its help link is the constant part.
    (lower.contains("groups.google.com") && lower.contains("google group")).then_some("rejected")
}

/// `IBnnn` as a word.
fn godaddy(diag: &str) -> Option<&'static str> {
    let b = diag.as_bytes();
    let mut from = 0;
    while let Some(rel) = diag.get(from..)?.find("IB") {
        let at = from + rel;
        from = at + 2;
        let digits = b.get(at + 2..at + 5)?;
        let word_before = at == 0 || !b[at - 1].is_ascii_alphanumeric();
        let word_after = b.get(at + 5).is_none_or(|c| !c.is_ascii_alphanumeric());
        if !(word_before && word_after && digits.iter().all(u8::is_ascii_digit)) {
            continue;
        }
        return Some(match digits {
            b"401" => "securityerror", // authentication attempted on the inbound servers
            b"501" | b"502" => "notcompliantrfc", // blank or IP-literal From:
            b"506" => "rejected",      // From: domain does not resolve
            b"508" => "authfailure",   // SPF does not authorise the sender
            b"108" => "requireptr",    // no reverse DNS for the sending IP
            b"212" => "spamdetected",  // content judged to be spam
            b"705" => "virusdetected", // virus found
            b"605" | b"007" => "toomanyconn", // too many recipients / sessions at once
            b"101" | b"504" | b"510" | b"607" => "speeding", // hourly or per-session limits
            b"103" => "badreputation", // poor reputation at a reputation service
            b"104" | b"105" | b"106" | b"110" | b"111" | b"112" | b"113" => "blocked",
            _ => continue,
        });
    }
    None
}

/// `AUP#I…nnnn` / `AUP#O…nnnn`: four digits, read by range.
fn spectrum(lower: &str) -> Option<&'static str> {
    let at = lower.find("aup#")?;
    let tail = lower.get(at + 4..)?;
    let start = tail.find(|c: char| c.is_ascii_digit())?;
    let digits: String = tail[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() != 4 || start > 6 {
        return None;
    }
    let n: u16 = digits.parse().ok()?;
    Some(match n {
        1000 => "blocked",         // IP blocked for suspicious activity
        1010..=1080 => "rejected", // sending account limited or blocked
        1090 => "systemerror",
        1100..=1150 => "requireptr", // reverse DNS does not check out
        1160..=1190 => "policyviolation",
        1200..=1250 => "blocked",     // listed by a block list
        1260 => "networkerror",       // IPv6 not taken
        1300..=1340 => "toomanyconn", // concurrent connection limits
        1350..=1490 => "speeding",    // message and recipient volume limits
        1500 | 1520 => "rejected",    // sending as another address
        1530 => "mesgtoobig",
        1540 | 1550 | 1580 => "speeding",
        1560 => "policyviolation", // too many invalid recipients
        _ => return None,
    })
}

/// `RCP-P2`, `POL-T1`…: a three-letter area, a dash, P(ermanent) or T(emporary) and a digit.
fn facebook(diag: &str) -> Option<&'static str> {
    let b = diag.as_bytes();
    for (i, _) in diag.match_indices('-') {
        if i < 3 || i + 3 > b.len() {
            continue;
        }
        // Byte-wise: the three bytes before the dash may sit inside a multi-byte character.
        let area = match &b[i - 3..i] {
            a if a.iter().all(u8::is_ascii_uppercase) => std::str::from_utf8(a).unwrap_or(""),
            _ => continue,
        };
        let kind = b[i + 1];
        let digit = b[i + 2];
        let bounded = (i == 3 || !b[i - 4].is_ascii_alphanumeric())
            && b.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric());
        if !bounded || !matches!(kind, b'P' | b'T') || !digit.is_ascii_digit() {
            continue;
        }
        let r = match (area, kind, digit) {
            ("RCP", b'P', b'1') | ("INT", b'P', b'1' | b'3' | b'4') => "userunknown",
            ("RCP", b'P', b'2' | b'3') => "filtered", // the recipient's own settings
            ("RCP", b'T', b'4') => "suspend",
            ("RCP", b'T', b'1') => "systemerror",
            ("POL", b'P', b'1'..=b'4') | ("POL", b'T', _) => "blocked",
            ("POL", b'P', b'5') => "virusdetected",
            ("POL", b'P', b'6' | b'7') => "spamdetected",
            ("MSG", b'P', b'1') | ("INT", b'P', b'2') => "mesgtoobig",
            ("MSG", b'P', b'2') => "contenterror",
            ("MSG", b'P', b'3') => "notcompliantrfc",
            ("DNS", b'P', b'1' | b'2') | ("DNS", b'T', b'1') => "rejected",
            ("DNS", b'P', b'3') | ("DNS", b'T', b'2') => "requireptr",
            ("CON", b'T', _) | ("MSG", b'T', b'1') => "toomanyconn",
            _ => continue,
        };
        return Some(r);
    }
    None
}

/// Orange and La Poste: `OFR_506`, `OFR004_405`, `LPN007_420`: the last three digits.
fn orange(lower: &str) -> Option<&'static str> {
    let at = lower.rfind("ofr").or_else(|| lower.rfind("lpn"))?;
    let token: String = lower[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '_')
        .collect();
    let code = token.rsplit('_').next()?;
    if code.len() != 3 || !token.contains('_') && token.len() != 3 {
        return None;
    }
    Some(match code {
        "101" | "102" | "103" | "510" | "999" => "blocked",
        "104" => "toomanyconn",
        "305" | "402" => "securityerror",
        "401" | "517" => "authfailure",
        "403" | "405" | "415" | "421" => "rejected",
        "416" => "userunknown",
        "417" => "mailboxfull",
        "420" | "426" => "suspend",
        "505" => "systemerror",
        "506" => "spamdetected",
        "514" => "mesgtoobig",
        "630" => "policyviolation",
        _ => return None,
    })
}

/// Yahoo's replies carry bracketed codes whose texts are stable.
fn yahoo(lower: &str) -> Option<&'static str> {
    const TEXTS: &[(&str, &str)] = &[
        // [TSS04]: deferred for volume or complaints, tied to the sending domain's standing.
        (
            "deferred due to unexpected volume or user complaints",
            "rejected",
        ),
        // [TSS09]/[TSS11]: every message from the sender is refused.
        ("will be permanently deferred", "rejected"),
        ("unresolvable rfc.5321", "rejected"),
        ("not accepted for policy reasons", "policyviolation"),
        ("receiving mail too quickly", "speeding"),
        ("max message per connection", "toomanyconn"),
        ("requires all senders to authenticate", "authfailure"),
    ];
    // "554 delivery error: dd … is no longer valid": a closed account, not an unknown one.
    if lower.contains("delivery error: dd ") && lower.contains(" is no longer valid") {
        return Some("suspend");
    }
    TEXTS
        .iter()
        .find(|(t, _)| lower.contains(t))
        .map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(d: &str) -> Option<&'static str> {
        reason(d, &d.to_ascii_lowercase())
    }

    #[test]
    fn codes_by_scheme() {
        assert_eq!(
            r("550 5.1.1 <a@example.org> - too many this hour. IB607 <http://x>"),
            Some("speeding")
        );
        assert_eq!(r("IB6070 no"), None);
        assert_eq!(r("550 sender rejected AUP#In-1310"), Some("toomanyconn"));
        assert_eq!(
            r("550 5.1.1 RCP-P2 http://example.org Refused"),
            Some("filtered")
        );
        assert_eq!(r("550 see X-RCP-P2x"), None);
        assert_eq!(
            r("550 5.2.0 Mail rejected. OFR_506 [506]"),
            Some("spamdetected")
        );
        assert_eq!(
            r("501 5.1.0 Invalid Sender. OFR004_405 [405]"),
            Some("rejected")
        );
        assert_eq!(r("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"), Some("rejected"));
        assert_eq!(
            r("554 delivery error: dd kim@example.com is no longer valid. [-20]"),
            Some("suspend")
        );
        assert_eq!(r("550 5.1.1 user unknown"), None);
    }
}
