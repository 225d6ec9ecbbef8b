//! Bounces written for people: Postfix, Exim, Sendmail, qmail, Courier, Exchange, Gmail and the
//! rest describe each failed recipient in prose. They share a few layouts, read here without
//! knowing which MTA wrote them:
//! - the address opens a line, the reason follows on it or on the next lines
//!   (`<bob@example.org>: host mx said: 550 …`, `bob@example.org ... User unknown`,
//!   `  bob@example.org` then indented `  Unrouteable address`);
//! - a reply line that names the address (`550 5.1.1 <bob@example.org>... User unknown`);
//! - a session transcript (`>>> RCPT TO:<…>` / `<<< 550 …`), which tells the failed command.
//!
//! The copy of the original message (after "----- Original message -----" and its kin) is not
//! bounce text and is cut off before reading.

use crate::text::lines;

/// One recipient found in the text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Found {
    pub recipient: String,
    /// The words about this recipient (the rest of its line and the lines that follow).
    pub diagnostic: String,
}

/// What the prose says.
#[derive(Clone, Debug, Default)]
pub struct Prose {
    pub found: Vec<Found>,
    /// SMTP command that drew the error (`RCPT`, `DATA`, `MAIL`, `HELO`, `EHLO`, `CONN`).
    pub command: String,
    pub remote_mta: String,
    pub reporting_mta: String,
    /// Offset in the text where an inline copy of the original message starts.
    pub original_at: Option<usize>,
}

/// Recipients read from one message at most (RFC 5321 asks servers to take 100 per message;
/// the cap keeps a hostile paste linear).
pub const MAX_RECIPIENTS: usize = 1000;
/// Longest diagnostic gathered for one recipient.
const MAX_GATHERED: usize = 4000;

/// Lines at most this long can be separators.
const MAX_SEPARATOR: usize = 120;
/// How many lines after an address still describe it.
const MAX_DETAIL_LINES: usize = 6;

/// Where the bounce text ends and the copy of the original starts, if it is marked.
pub fn original_start(text: &str) -> Option<(usize, usize)> {
    for line in lines(text) {
        let t = line.text.trim();
        if t.len() > MAX_SEPARATOR || t.len() < 8 {
            continue;
        }
        let first = t.as_bytes().first().copied().unwrap_or(b' ');
        let decorated = matches!(first, b'-' | b'=' | b'*' | b'_' | b'[' | b'#');
        // Undecorated markers all start with "below", "original" or "the original": skip the
        // lowercase copy for every other line (this runs on each line of every bounce).
        if !decorated && !matches!(first.to_ascii_lowercase(), b'b' | b'o' | b't') {
            continue;
        }
        let l = t.to_ascii_lowercase();
        let marker = crate::text::contains(&l, "original message")
            || crate::text::contains(&l, "copy of the message")
            || crate::text::contains(&l, "copy of your message")
            || crate::text::contains(&l, "message header")
            || crate::text::contains(&l, "original header")
            || crate::text::contains(&l, "returned message")
            || crate::text::contains(&l, "unsent message")
            || crate::text::contains(&l, "undelivered message")
            || crate::text::contains(&l, "header of the original")
            || crate::text::contains(&l, "headers of the original")
            || crate::text::contains(&l, "message text follows")
            || crate::text::contains(&l, "rfc822");
        let plain_marker = l.starts_with("below this line is a copy")
            || l.starts_with("original message follows")
            || l.starts_with("the original message headers")
            || l.starts_with("--- below this line")
            || l == "message headers follow.";
        if (decorated && marker) || plain_marker {
            return Some((line.start, line.next));
        }
    }
    None
}

/// Reads the bounce prose `text` (already cut before the original).
pub fn read(text: &str, exclude: &[&str]) -> Prose {
    let mut p = Prose::default();
    let all: Vec<crate::text::Line> = lines(text).collect();
    let mut last_verb = "";
    let mut i = 0;
    while i < all.len() {
        let line = all[i];
        let t = line.text.trim();
        let lt = t.to_ascii_lowercase();
        transcript(&lt, &mut last_verb, &mut p.command);
        // The line that names the reporting host ("mail system at host …") names no remote one.
        // Host names follow "host " or "program at " or "talking to ": look only on lines that
        // have one of them.
        let names_host = lt.contains("host ");
        let names_qmail = lt.contains("qmail-send program at ");
        let names_reporter = names_qmail || names_host && lt.contains("mail system at host ");
        if p.reporting_mta.is_empty() && names_reporter {
            if let Some(h) = after_word(&lt, t, "mail system at host ")
                .or_else(|| after_word(&lt, t, "qmail-send program at "))
            {
                p.reporting_mta = h;
            }
        }
        // dma opens its reply line with the remote host: "mx.example.org [192.0.2.1] did not
        // like our RCPT TO:".
        if p.remote_mta.is_empty() && lt.contains(" did not like our ") {
            if let Some(h) = after_word(&lt, t, "").filter(|h| h.contains('.')) {
                p.remote_mta = h;
            }
        }
        if p.remote_mta.is_empty() && !names_reporter && (names_host || lt.contains("talking to "))
        {
            if let Some(h) = after_word(&lt, t, "while talking to ")
                .or_else(|| after_word(&lt, t, "host ").filter(|h| h.contains('.')))
            {
                p.remote_mta = h;
            }
        }
        let Some((addr, a_start, a_end)) = find_address(t) else {
            i += 1;
            continue;
        };
        if exclude.iter().any(|e| e.eq_ignore_ascii_case(&addr)) || is_daemon(&addr) {
            i += 1;
            continue;
        }
        let prefix = t[..a_start].trim_end_matches(['<', '"', '\'', ' ', '\t']);
        let lp = prefix.to_ascii_lowercase();
        let reply_line = crate::smtp::reply::parse_reply(prefix.trim_start_matches("<<<").trim())
            .is_some_and(|r| r.code.is_some() || r.status.is_some());
        // "Could not be delivered to: <addr>" (KDDI's au one net, Notes) and "Recipient address:
        // addr" (Oracle/Sun Messaging Server) open a recipient too.
        let opens_line = prefix.is_empty()
            || lp == "rcpt to:"
            || lp.ends_with("recipient:")
            || lp.ends_with("delivered to:")
            || lp.ends_with("recipient address:")
            || lp.ends_with("delivering your mail to");
        if !(opens_line || reply_line) || is_header_line(&lt) {
            i += 1;
            continue;
        }
        let mut diag = String::new();
        let rest = clean_rest(&t[a_end..]);
        if reply_line {
            // Sendmail's transcript puts the local mailer's own words on the line before its
            // summary reply ("mail.local: unknown user: bob", then "554 <bob@…>... Service
            // unavailable"): they are the cause, so they lead the diagnostic.
            if let Some(prev) = i.checked_sub(1).map(|k| all[k].text.trim()) {
                let local = addr.split('@').next().unwrap_or("").to_ascii_lowercase();
                let pl = prev.to_ascii_lowercase();
                if !local.is_empty()
                    && !prev.contains('@')
                    && pl.ends_with(&local)
                    && pl.contains(": ")
                    && !pl.starts_with("<<<")
                    && !pl.starts_with(">>>")
                {
                    diag.push_str(prev);
                    diag.push(' ');
                }
            }
            diag.push_str(t.trim_start_matches("<<<").trim());
        } else {
            diag.push_str(rest);
        }
        let mut j = i + 1;
        if opens_line {
            while j < all.len() && j <= i + MAX_DETAIL_LINES {
                let next = all[j].text;
                let nt = next.trim();
                if nt.is_empty() {
                    break;
                }
                if find_address(nt).is_some_and(|(_, s, _)| s <= 1)
                    && !next.starts_with([' ', '\t'])
                {
                    break;
                }
                if original_like(nt) {
                    break;
                }
                let nl = nt.to_ascii_lowercase();
                transcript(&nl, &mut last_verb, &mut p.command);
                if !diag.is_empty() {
                    diag.push(' ');
                }
                diag.push_str(nt);
                j += 1;
            }
        }
        // Postfix wraps "host" and the host name, or "in reply to" and the command, onto two
        // lines; the joined words hold both.
        let ld = diag.to_ascii_lowercase();
        transcript(&ld, &mut last_verb, &mut p.command);
        if p.remote_mta.is_empty() {
            if let Some(h) = after_word(&ld, &diag, "host ").filter(|h| h.contains('.')) {
                p.remote_mta = h;
            }
        }
        let room = p.found.len() < MAX_RECIPIENTS;
        match p
            .found
            .iter_mut()
            .find(|f| f.recipient.eq_ignore_ascii_case(&addr))
        {
            // A later reply line for the same address usually carries the codes.
            Some(f)
                if !diag.is_empty()
                    && f.diagnostic.len() < MAX_GATHERED
                    && !f.diagnostic.contains(diag.as_str()) =>
            {
                if !f.diagnostic.is_empty() {
                    f.diagnostic.push(' ');
                }
                f.diagnostic.push_str(&diag);
            }
            Some(_) => {}
            None if room => p.found.push(Found {
                recipient: addr,
                diagnostic: diag,
            }),
            None => {}
        }
        i = if opens_line { j.max(i + 1) } else { i + 1 };
    }
    p
}

/// Lines of prose read when looking for a stand-in diagnostic.
const MAX_SALIENT_LINES: usize = 60;

/// The first line of `text` that reads like an error (its wording names a reason, or it holds
/// a reply or status code), for bounces that put the reason apart from the address.
pub fn salient_line(text: &str) -> Option<&str> {
    let mut coded = None;
    for line in lines(text).take(MAX_SALIENT_LINES) {
        let t = line.text.trim();
        if t.len() < 6 || original_like(t) {
            continue;
        }
        let lt = t.to_ascii_lowercase();
        if is_header_line(&lt) || lt.starts_with("this is ") || lt.starts_with("the following") {
            continue;
        }
        if super::reason::by_phrase(&lt).is_some() {
            return Some(t);
        }
        if coded.is_none()
            && crate::smtp::reply::parse_reply(t).is_some_and(|r| r.code.is_some_and(|c| c >= 400))
        {
            coded = Some(t);
        }
    }
    coded
}

/// The SMTP command that a diagnostic says it answers ("in reply to RCPT TO command",
/// "after end of data", "Recipient address rejected"…), if it says.
pub fn command_in(lower: &str) -> Option<String> {
    let mut verb = "";
    let mut command = String::new();
    transcript(lower, &mut verb, &mut command);
    // Postfix says "Recipient address rejected" only in reply to RCPT TO. (Not used while
    // walking a transcript: there the `>>>` lines say which command drew the reply.)
    if command.is_empty() && lower.contains("recipient address rejected") {
        command = "RCPT".into();
    }
    (!command.is_empty()).then_some(command)
}

/// Follows a session transcript: the verb of the last `>>>` line is the command that the next
/// `<<< 4xx/5xx` answers. Also reads the "(in reply to RCPT TO command)" family.
fn transcript(lt: &str, last_verb: &mut &'static str, command: &mut String) {
    if let Some(cmd) = lt.strip_prefix(">>>") {
        *last_verb = verb(cmd.trim_start()).unwrap_or("");
        return;
    }
    if let Some(reply) = lt.strip_prefix("<<<") {
        let r = reply.trim_start();
        if command.is_empty() && (r.starts_with('4') || r.starts_with('5')) && !last_verb.is_empty()
        {
            *command = last_verb.to_string();
        }
        return;
    }
    if !command.is_empty() {
        return;
    }
    // "(in reply to RCPT TO command)", "SMTP error from remote mail server after MAIL FROM:".
    // DragonFly's dma: "mx.example.org [192.0.2.1] did not like our RCPT TO:".
    for needle in ["in reply to ", "after ", "did not like our "] {
        if let Some(pos) = crate::text::find(lt, needle) {
            if let Some(v) = verb(&lt[pos + needle.len()..]) {
                *command = v.to_string();
                return;
            }
        }
    }
    // Vendor shorthands for the stage: "[RCPT_TO]", "SMTP:RCPT host …".
    if crate::text::contains(lt, "[rcpt_to]")
        || crate::text::contains(lt, "smtp:rcpt")
        || crate::text::contains(lt, "rcpt to command")
    {
        *command = "RCPT".into();
        return;
    }
    // qmail names the stage in words: "does not like recipient" (RCPT), "does not like
    // sender" (MAIL), "failed after I sent the message" (DATA).
    if crate::text::contains(lt, "does not like recipient") {
        *command = "RCPT".into();
        return;
    }
    if crate::text::contains(lt, "does not like sender") {
        *command = "MAIL".into();
        return;
    }
    if crate::text::contains(lt, "failed after i sent the message") {
        *command = "DATA".into();
        return;
    }
    if crate::text::contains(lt, "after initial connection")
        || crate::text::contains(lt, "greeting")
    {
        *command = "CONN".into();
    }
}

fn verb(s: &str) -> Option<&'static str> {
    let s = s.trim_start();
    Some(if s.starts_with("rcpt") {
        "RCPT"
    } else if s.starts_with("mail from") || s.starts_with("mail") && s[4..].starts_with(' ') {
        "MAIL"
    } else if s.starts_with("end of data") || s.starts_with("data") || s.starts_with("final data") {
        "DATA"
    } else if s.starts_with("ehlo") {
        "EHLO"
    } else if s.starts_with("helo") {
        "HELO"
    } else if s.starts_with("starttls") {
        "STARTTLS"
    } else {
        return None;
    })
}

/// A host name right after `word` in `lt` (lowercased `t`), up to `[`, space, `:` or `,`.
fn after_word(lt: &str, t: &str, word: &str) -> Option<String> {
    let pos = crate::text::find(lt, word)? + word.len();
    let rest = t.get(pos..)?;
    let end = rest
        .find(['[', ' ', ':', ',', '(', '>'])
        .unwrap_or(rest.len());
    let host = rest[..end].trim_end_matches('.');
    (host.len() > 2
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'))
    .then(|| host.to_ascii_lowercase())
}

/// The first mail address in `t`: (address, start, end) with `start..end` its bytes.
pub fn find_address(t: &str) -> Option<(String, usize, usize)> {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(rel) = t.get(from..)?.find('@') {
        let at = from + rel;
        let is_addr_byte = |c: u8| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'.' | b'-'
                        | b'_'
                        | b'+'
                        | b'='
                        | b'/'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'!'
                        | b'#'
                        | b'$'
                        | b'*'
                        | b'?'
                        | b'^'
                        | b'{'
                        | b'}'
                        | b'|'
                        | b'~'
                )
                || c >= 0x80
        };
        let mut s = at;
        while s > 0 && is_addr_byte(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'.' | b'-' | b'_')) {
            e += 1;
        }
        // Quotes and dots around a bare address belong to the prose, not to it.
        while s < at && matches!(b[s], b'\'' | b'.') {
            s += 1;
        }
        let mut e2 = e;
        while e2 > at + 1 && b[e2 - 1] == b'.' {
            e2 -= 1;
        }
        let local = t.get(s..at)?;
        let domain = t.get(at + 1..e2)?;
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') {
            return Some((t.get(s..e2)?.to_string(), s, e2));
        }
        from = at + 1;
    }
    None
}

fn is_daemon(addr: &str) -> bool {
    let l = addr.to_ascii_lowercase();
    l.starts_with("mailer-daemon@")
}

/// Header fields that carry addresses but never the failed recipient.
fn is_header_line(lt: &str) -> bool {
    const NAMES: &[&str] = &[
        "from:",
        "to:",
        "cc:",
        "reply-to:",
        "sender:",
        "return-path:",
        "received:",
        "message-id:",
        "in-reply-to:",
        "references:",
        "delivered-to:",
        "x-",
        "envelope-to:",
        "errors-to:",
        "original-recipient:",
        "final-recipient:",
        "reporting-mta:",
        "remote-mta:",
        "diagnostic-code:",
        "authentication-results:",
        "dkim-signature:",
        "arc-",
        "list-",
    ];
    NAMES.iter().any(|n| lt.starts_with(n))
}

fn original_like(t: &str) -> bool {
    original_start(t).is_some()
}

/// The words after an address on its line, without the punctuation that joins them.
fn clean_rest(s: &str) -> &str {
    s.trim_start_matches(['>', '"', '\'', ' ', '\t', ':', '.', ','])
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_prose() {
        assert_eq!(
            find_address("<bob@example.org>: host mx.example.org[192.0.2.1] said").map(|a| a.0),
            Some("bob@example.org".into())
        );
        assert_eq!(find_address("user@localhost only"), None);
        assert_eq!(
            find_address("mail to 'ann.lee@example.com'.").map(|a| a.0),
            Some("ann.lee@example.com".into())
        );
    }

    #[test]
    fn recipient_lines_and_details() {
        let p = read(
            "This is the mail system at host mx1.example.net.\n\n<bob@example.org>: host\n    mx.example.org[192.0.2.7] said: 550 5.1.1 no such user (in reply to\n    RCPT TO command)\n\n  carol@example.com\n    Unrouteable address\n",
            &[],
        );
        assert_eq!(p.reporting_mta, "mx1.example.net");
        assert_eq!(p.remote_mta, "mx.example.org");
        assert_eq!(p.command, "RCPT");
        assert_eq!(p.found.len(), 2);
        assert!(p.found[0].diagnostic.contains("5.1.1 no such user"));
        assert_eq!(p.found[1].diagnostic, "Unrouteable address");
    }

    #[test]
    fn transcripts_name_the_command() {
        let p = read(
            "... while talking to mx.example.org.:\n>>> DATA\n<<< 554 5.7.1 rejected as spam\n554 5.7.1 <bob@example.org>... rejected as spam\n",
            &[],
        );
        assert_eq!(p.command, "DATA");
        assert_eq!(p.remote_mta, "mx.example.org");
        assert_eq!(p.found[0].recipient, "bob@example.org");
        assert!(p.found[0].diagnostic.starts_with("554 5.7.1"));
    }
}
