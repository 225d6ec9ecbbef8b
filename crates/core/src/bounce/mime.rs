//! Just enough MIME to read bounces: header fields (folded, RFC 2047 encoded words), multipart
//! bodies (nested, with broken or missing closing boundaries), base64 and quoted-printable, and
//! charsets. Works on bytes: bounces routinely carry raw 8-bit text in undeclared charsets.

use super::charset;
use std::borrow::Cow;

/// Longest encoded-word payload looked at (the RFC's limit is 75 for the whole word; senders
/// overshoot it, so the window is wider).
const MAX_ENCODED_WORD: usize = 1000;

/// Nesting deeper than this is not followed (a bounce of a bounce of a bounce is already rare).
const MAX_DEPTH: usize = 8;

/// One header field, name lowercased, value unfolded and decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
}

/// The fields of one header block.
#[derive(Clone, Debug, Default)]
pub struct Header {
    pub fields: Vec<Field>,
}

impl Header {
    /// First value of field `name` (lowercase).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }
    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }
    /// Content type lowercased (`text/plain` when absent) and its parameters.
    pub fn content_type(&self) -> ContentType {
        ContentType::parse(self.get("content-type").unwrap_or(""))
    }
}

#[derive(Clone, Debug, Default)]
pub struct ContentType {
    /// `type/subtype` lowercased; empty when the field is absent.
    pub mime: String,
    /// Parameters, names lowercased, values unquoted.
    pub params: Vec<(String, String)>,
}

impl ContentType {
    pub fn parse(value: &str) -> ContentType {
        let mut parts = split_params(value).into_iter();
        let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let params = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .map(|x| x.strip_suffix('"').unwrap_or(x))
                    .unwrap_or(v);
                Some((k.trim().to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        ContentType { mime, params }
    }
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn is_multipart(&self) -> bool {
        self.mime.starts_with("multipart/")
    }
}

/// Splits `a; b="x;y"; c` on semicolons outside quotes.
fn split_params(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

/// Splits raw bytes into lines without their endings (LF, CRLF, CR), with start offsets.
pub fn byte_lines(b: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= b.len() {
            return None;
        }
        let rest = &b[pos..];
        let (len, brk) = crate::text::line_end(rest);
        let start = pos;
        pos += len + brk;
        Some((start, &rest[..len]))
    })
}

/// Whether a line looks like the start of a header field (`Name: value`).
pub fn is_field_line(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&c| c == b':') else {
        return false;
    };
    colon > 0
        && line[..colon]
            .iter()
            .all(|&c| c.is_ascii_graphic() && c != b':')
}

/// Splits a message into header block and body at the first empty line. When the text does not
/// start with a header field (a body pasted alone), the header is empty and everything is body.
pub fn split_head(b: &[u8]) -> (&[u8], &[u8]) {
    let mut first = true;
    for (start, line) in byte_lines(b) {
        if first {
            first = false;
            if !is_field_line(line) {
                return (&[], b);
            }
            continue;
        }
        if line.iter().all(|c| *c == b' ' || *c == b'\t') {
            if line.is_empty() || line.len() < 80 {
                let body_start = skip_line(b, start);
                return (&b[..start], &b[body_start..]);
            }
        } else if !matches!(line.first(), Some(b' ') | Some(b'\t'))
            && !is_field_line(line)
            && !continues_parameters(b, start)
        {
            // A line that is neither a field nor a continuation: the header ended without the
            // blank line (seen in hand-edited pastes). The body starts here.
            return (&b[..start], &b[start..]);
        }
    }
    (b, &[])
}

/// Whether the line starting at `start` carries on a parameter list that the line before left
/// open with `;` (`Content-Type: multipart/alternative;` then `boundary="…"` unindented, as some
/// gateways write it).
fn continues_parameters(b: &[u8], start: usize) -> bool {
    let before = b.get(..start).unwrap_or(&[]);
    let before = trim_bytes(before);
    let line = b.get(start..).unwrap_or(&[]);
    before.ends_with(b";") && line.iter().take_while(|c| **c != b'\n').any(|c| *c == b'=')
}

/// Offset just past the line starting at `start`.
fn skip_line(b: &[u8], start: usize) -> usize {
    let rest = b.get(start..).unwrap_or(&[]);
    match crate::text::line_end(rest) {
        (_, 0) => b.len(),
        (len, brk) => start + len + brk,
    }
}

/// Parses a header block: folded lines joined, encoded words decoded.
pub fn parse_header(head: &[u8]) -> Header {
    let mut fields: Vec<Field> = Vec::new();
    let mut cur: Option<(String, Vec<u8>)> = None;
    let flush = |cur: &mut Option<(String, Vec<u8>)>, fields: &mut Vec<Field>| {
        if let Some((name, raw)) = cur.take() {
            let text = charset::decode_unlabelled(&raw);
            fields.push(Field {
                name,
                value: decode_words(text.trim()).into_owned(),
            });
        }
    };
    for (start, line) in byte_lines(head) {
        if matches!(line.first(), Some(b' ') | Some(b'\t'))
            || !is_field_line(line) && continues_parameters(head, start)
        {
            if let Some((_, raw)) = cur.as_mut() {
                raw.push(b' ');
                raw.extend_from_slice(trim_bytes(line));
            }
            continue;
        }
        flush(&mut cur, &mut fields);
        if let Some(colon) = line.iter().position(|&c| c == b':') {
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            let value = trim_bytes(&line[colon + 1..]).to_vec();
            cur = Some((name, value));
        }
    }
    flush(&mut cur, &mut fields);
    Header { fields }
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or(&[])
}

/// Decodes RFC 2047 encoded words (`=?charset?B?...?=`, `=?charset?Q?...?=`); whitespace between
/// two adjacent encoded words is dropped, as the RFC says.
pub fn decode_words(s: &str) -> Cow<'_, str> {
    if !s.contains("=?") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(i) = rest.find("=?") {
        let (before, from) = rest.split_at(i);
        let Some((word, len)) = encoded_word(from) else {
            out.push_str(before);
            out.push_str("=?");
            rest = &from[2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word);
        rest = &from[len..];
        last_was_word = true;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One encoded word at the start of `s`: its decoded text and its length.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (cs, rest) = inner.split_once('?')?;
    let (enc, rest) = rest.split_once('?')?;
    // Encoded words are at most 75 characters (RFC 2047 §2); looking further for the closing
    // `?=` would make a header full of `=?` quadratic.
    let window = &rest.as_bytes()[..rest.len().min(MAX_ENCODED_WORD)];
    let end = window.windows(2).position(|w| w == b"?=")?;
    let payload = &rest[..end];
    if cs.len() > 40 || enc.len() != 1 || payload.contains(' ') {
        return None;
    }
    let bytes = match enc {
        "B" | "b" => base64(payload.as_bytes()),
        "Q" | "q" => quoted_printable(payload.as_bytes(), true),
        _ => return None,
    };
    // RFC 2231 language suffix: `utf-8*ja`.
    let cs = cs.split('*').next().unwrap_or(cs);
    let (text, _) = charset::decode(&bytes, cs);
    let len = 2 + (inner.len() - rest.len()) + end + 2;
    Some((text.into_owned(), len))
}

/// Lenient base64: characters outside the alphabet are skipped, padding ends the data.
pub fn base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                if bits >= 8 {
                    bits = 0;
                }
                continue;
            }
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable; in encoded words (`header`), `_` stands for a space.
pub fn quoted_printable(input: &[u8], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'=' {
            match (input.get(i + 1), input.get(i + 2)) {
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(b'\n'), _) | (Some(b'\r'), _) => i += 2,
                (Some(&h), Some(&l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    out.push(hex(h) << 4 | hex(l));
                    i += 3;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        } else if header && c == b'_' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c.wrapping_sub(b'A').wrapping_add(10) & 0x0f,
    }
}

/// One leaf of the MIME tree, decoded to text.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// Content type lowercased (`text/plain` when undeclared).
    pub mime: String,
    pub text: String,
    /// Inside an attached original (`message/rfc822`, `text/rfc822-headers`): not bounce text.
    pub original: bool,
}

/// What walking a message's body found.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    pub leaves: Vec<Leaf>,
    /// Headers of the attached original message, when there is one.
    pub original: Option<Header>,
    /// Charsets that could only be decoded approximately.
    pub lossy_charsets: Vec<String>,
}

/// Walks the body of an entity whose header is `header`.
pub fn walk(header: &Header, body: &[u8]) -> Walk {
    let mut w = Walk::default();
    walk_into(&header.content_type(), header, body, 0, false, &mut w);
    w
}

fn walk_into(
    ct: &ContentType,
    header: &Header,
    body: &[u8],
    depth: usize,
    original: bool,
    w: &mut Walk,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if ct.is_multipart() {
        if let Some(boundary) = ct.param("boundary").filter(|b| !b.is_empty()) {
            let parts = split_multipart(body, boundary.as_bytes());
            if !parts.is_empty() {
                for part in parts {
                    let (h, b) = split_part(part);
                    let ph = parse_header(h);
                    let mut pct = ph.content_type();
                    if pct.mime.is_empty() {
                        pct.mime = if ct.mime == "multipart/digest" {
                            "message/rfc822".into()
                        } else {
                            "text/plain".into()
                        };
                    }
                    walk_into(&pct, &ph, b, depth + 1, original, w);
                }
                return;
            }
        }
        // Boundary missing or never found: read the body as text.
    }
    match ct.mime.as_str() {
        "message/rfc822"
        | "message/global"
        | "text/rfc822-headers"
        | "message/rfc822-headers"
        | "message/global-headers"
        | "message/partial" => {
            let decoded = transfer_decode(header, body);
            let (h, b) = split_head(&decoded);
            let oh = parse_header(h);
            if w.original.is_none() && !oh.fields.is_empty() {
                w.original = Some(oh.clone());
            }
            let text = charset::decode_unlabelled(h).into_owned();
            w.leaves.push(Leaf {
                mime: ct.mime.clone(),
                text,
                original: true,
            });
            if !b.is_empty() && oh.content_type().is_multipart() && depth < 2 {
                walk_into(&oh.content_type(), &oh, b, depth + 1, true, w);
            }
        }
        m if m.starts_with("image/")
            || m.starts_with("audio/")
            || m.starts_with("video/")
            || m.starts_with("application/")
                && !m.ends_with("delivery-status")
                && !m.contains("feedback") => {}
        _ => {
            let decoded = transfer_decode(header, body);
            let cs = ct.param("charset").unwrap_or("");
            let (text, lossy) = charset::decode(&decoded, cs);
            if lossy && !w.lossy_charsets.iter().any(|c| c.eq_ignore_ascii_case(cs)) {
                w.lossy_charsets.push(cs.to_string());
            }
            // A multipart body whose boundary never occurs is read as plain text.
            let mime = if ct.mime.is_empty() || ct.is_multipart() {
                "text/plain".to_string()
            } else {
                ct.mime.clone()
            };
            w.leaves.push(Leaf {
                mime,
                text: text.into_owned(),
                original,
            });
        }
    }
}

/// The body of a part with its transfer encoding undone.
fn transfer_decode<'a>(header: &Header, body: &'a [u8]) -> Cow<'a, [u8]> {
    let cte = header
        .get("content-transfer-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match cte.as_str() {
        "base64" => Cow::Owned(base64(body)),
        "quoted-printable" => Cow::Owned(quoted_printable(body, false)),
        _ => Cow::Borrowed(body),
    }
}

/// Splits a part into its header and body. A part that starts with a blank line has no header.
fn split_part(part: &[u8]) -> (&[u8], &[u8]) {
    match part.first() {
        Some(b'\n') => (&[], &part[1..]),
        Some(b'\r') => {
            let skip = if part.get(1) == Some(&b'\n') { 2 } else { 1 };
            (&[], &part[skip..])
        }
        _ => split_head(part),
    }
}

/// The parts between `--boundary` lines. The closing `--boundary--` may be missing (truncated
/// bounces); text before the first boundary (the preamble) is dropped. Empty when the boundary
/// never occurs.
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut cur: Option<usize> = None;
    for (start, line) in byte_lines(body) {
        let Some(rest) = line.strip_prefix(b"--") else {
            continue;
        };
        let Some(tail) = rest.strip_prefix(boundary) else {
            continue;
        };
        let closing = tail.starts_with(b"--");
        if !closing && !trim_bytes(tail).is_empty() {
            continue;
        }
        if let Some(s) = cur.take() {
            parts.push(trim_part_end(body.get(s..start).unwrap_or(&[])));
        }
        if closing {
            return parts;
        }
        cur = Some(skip_line(body, start));
    }
    if let Some(s) = cur {
        parts.push(body.get(s..).unwrap_or(&[]));
    }
    parts
}

/// The line break before a boundary belongs to the boundary.
fn trim_part_end(p: &[u8]) -> &[u8] {
    let p = p.strip_suffix(b"\n").unwrap_or(p);
    p.strip_suffix(b"\r").unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_and_encoded_headers() {
        let h = parse_header(
            b"Subject: =?UTF-8?B?w6l0w6k=?=\r\n =?ISO-8859-1?Q?_caf=E9?=\r\nX-Long: a\r\n\tb\r\n",
        );
        assert_eq!(h.get("subject"), Some("été café"));
        assert_eq!(h.get("x-long"), Some("a b"));
    }

    #[test]
    fn nested_multipart_with_missing_close() {
        let msg = b"Content-Type: multipart/report; boundary=\"AA\"\n\npre\n--AA\nContent-Type: text/plain\n\nhello\n--AA\nContent-Type: multipart/alternative; boundary=BB\n\n--BB\nContent-Transfer-Encoding: base64\n\naGkgdGhlcmU=\n--BB--\n--AA\nContent-Type: message/rfc822\n\nFrom: a@example.org\nSubject: x\n\nbody\n";
        let (h, b) = split_head(msg);
        let w = walk(&parse_header(h), b);
        let texts: Vec<&str> = w.leaves.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "hello");
        assert_eq!(texts[1].trim(), "hi there");
        assert!(w.leaves[2].original);
        assert_eq!(w.original.unwrap().get("subject"), Some("x"));
    }

    #[test]
    fn headless_text_is_all_body() {
        let (h, b) = split_head(b"This is the mail system at host x.\n\nmore");
        assert!(h.is_empty());
        assert_eq!(b.len(), 40);
    }

    #[test]
    fn qp_soft_breaks() {
        assert_eq!(quoted_printable(b"a=3Db=\r\nc", false), b"a=bc");
    }
}
