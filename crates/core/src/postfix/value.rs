//! A parameter value as written (possibly over several continuation lines), with the way back from
//! each byte of the joined text to the paste, and its reading as a list or restriction list.

use crate::text::Span;

/// A value as Postfix reads it: continuation lines joined with one space, each piece remembering
/// where it came from so list items keep exact spans into the paste.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Value {
    /// The logical value (pieces joined by single spaces, trimmed).
    pub text: String,
    /// `(offset in text, offset in paste, length)` of each piece.
    pieces: Vec<(usize, usize, usize)>,
}

impl Value {
    /// A value made of one stretch of the paste starting at `at`.
    pub fn single(text: &str, at: usize) -> Value {
        let mut v = Value::default();
        v.push(text, at);
        v
    }

    /// Appends a piece (one line's worth) found at paste offset `at`.
    pub fn push(&mut self, piece: &str, at: usize) {
        let trimmed_start = piece.trim_start();
        let lead = piece.len() - trimmed_start.len();
        let t = trimmed_start.trim_end();
        if t.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.pieces.push((self.text.len(), at + lead, t.len()));
        self.text.push_str(t);
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The paste span of `text[start..end]` (clamped to the pieces it touches).
    pub fn span_of(&self, start: usize, end: usize) -> Option<Span> {
        // Pieces are in text order: binary search keeps long values linear to read.
        let locate = |off: usize, is_end: bool| -> Option<usize> {
            let i = self.pieces.partition_point(|&(vo, _, len)| {
                if is_end {
                    vo + len < off
                } else {
                    vo + len <= off
                }
            });
            let &(vo, po, len) = self.pieces.get(i)?;
            let inside = if is_end {
                off > vo && off <= vo + len
            } else {
                off >= vo && off < vo + len
            };
            inside.then_some(po + off - vo)
        };
        let s = locate(start, false)?;
        let e = locate(end, true).unwrap_or(s);
        Some(Span::new(s, e.max(s)))
    }

    /// The part `text[start..end]` as a value of its own, keeping its way back to the paste.
    pub fn slice(&self, start: usize, end: usize) -> Value {
        let mut v = Value::default();
        let end = end.min(self.text.len());
        let first = self
            .pieces
            .partition_point(|&(vo, _, len)| vo + len <= start);
        for &(vo, po, len) in self.pieces.get(first..).unwrap_or(&[]) {
            if vo >= end {
                break;
            }
            let s = start.max(vo);
            let e = end.min(vo + len);
            if s < e {
                if let Some(t) = self.text.get(s..e) {
                    v.push(t, po + s - vo);
                }
            }
        }
        v
    }

    /// Span of the whole value in the paste (first to last piece), if it has any text.
    pub fn span(&self) -> Option<Span> {
        let first = self.pieces.first()?;
        let last = self.pieces.last()?;
        Some(Span::new(first.1, last.1 + last.2))
    }

    /// The value as a Postfix list: items separated by commas and/or whitespace, `{ … }` groups
    /// kept whole (braces removed, inner text trimmed).
    pub fn items(&self) -> Vec<ListItem> {
        split_list(&self.text)
            .into_iter()
            .map(|(s, e, text)| ListItem {
                text,
                span: self.span_of(s, e),
            })
            .collect()
    }

    /// The value as an smtpd restriction list (see [`Restriction`]).
    pub fn restrictions(&self) -> Vec<Restriction> {
        restrictions_from_items(self.items())
    }
}

/// One item of a list-valued parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListItem {
    pub text: String,
    /// Where it is written in the paste; `None` when it comes from a default value.
    pub span: Option<Span>,
}

impl ListItem {
    /// `type:table` form (`hash:/etc/postfix/access`, `inet:127.0.0.1:10023`, `{…}` excluded).
    pub fn table(&self) -> Option<(&str, &str)> {
        table_ref(&self.text)
    }
}

/// `type:name` when `s` looks like a lookup table reference.
pub fn table_ref(s: &str) -> Option<(&str, &str)> {
    let (t, name) = s.split_once(':')?;
    let ok = !t.is_empty()
        && !name.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    ok.then_some((t, name))
}

/// One restriction of an smtpd restriction list: its name (`permit_mynetworks`,
/// `check_recipient_access`, `reject_rbl_client`, a restriction class name, or a bare
/// `type:table` used as an access map) and the arguments it takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restriction {
    pub name: String,
    pub args: Vec<ListItem>,
    /// From the name to the last argument; `None` when it comes from a default value.
    pub span: Option<Span>,
}

impl Restriction {
    /// A bare `type:table` in the list (an implicit access map look-up).
    pub fn is_table(&self) -> bool {
        table_ref(&self.name).is_some()
    }
    /// The first argument, e.g. the table of `check_sender_access` or the zone of
    /// `reject_rbl_client`.
    pub fn arg(&self) -> Option<&str> {
        self.args.first().map(|a| a.text.as_str())
    }
}

/// How many arguments a restriction takes (0 for unknown names and restriction classes).
pub fn restriction_arity(name: &str) -> usize {
    let takes_one = matches!(
        name,
        "check_policy_service"
            | "sleep"
            | "reject_rbl_client"
            | "reject_rhsbl_client"
            | "reject_rhsbl_sender"
            | "reject_rhsbl_recipient"
            | "reject_rhsbl_helo"
            | "reject_rhsbl_reverse_client"
            | "permit_dnswl_client"
            | "permit_rhswl_client"
            | "reject_rbl"
            | "reject_rhsbl"
    ) || (name.starts_with("check_") && name.ends_with("_access"));
    usize::from(takes_one)
}

/// Groups list items into restrictions with their arguments.
pub fn restrictions_from_items(items: Vec<ListItem>) -> Vec<Restriction> {
    let mut out: Vec<Restriction> = Vec::new();
    let mut it = items.into_iter();
    while let Some(item) = it.next() {
        let n = restriction_arity(&item.text);
        let mut r = Restriction {
            name: item.text,
            args: Vec::new(),
            span: item.span,
        };
        for _ in 0..n {
            let Some(arg) = it.next() else { break };
            r.span = match (r.span, arg.span) {
                (Some(a), Some(b)) => Some(a.cover(b)),
                (a, b) => a.or(b),
            };
            r.args.push(arg);
        }
        out.push(r);
    }
    out
}

/// Splits a list value into `(start, end, item text)`; byte offsets into `s`. Separators are
/// commas and whitespace; `{ … }` groups nest and are one item.
pub fn split_list(s: &str) -> Vec<(usize, usize, String)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b',' || c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == b'{' {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            let inner = s.get(start + 1..i).unwrap_or("");
            let inner = inner.strip_suffix('}').unwrap_or(inner).trim();
            out.push((start, i, inner.to_owned()));
            continue;
        }
        // A plain item; `${…}` inside it may hold separators.
        let mut depth = 0usize;
        while i < b.len() {
            match b[i] {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => break,
                c if c.is_ascii_whitespace() && depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        out.push((start, i, s.get(start..i).unwrap_or("").to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_pieces_keep_their_spans() {
        // "x = a,\n    b c" — pieces at 4 and 11.
        let paste = "x = a,\n    b c";
        let mut v = Value::single("a,", 4);
        v.push("    b c", 7);
        assert_eq!(v.text, "a, b c");
        let items = v.items();
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c"]);
        for i in &items {
            assert_eq!(crate::text::slice(paste, i.span.unwrap()), i.text);
        }
    }

    #[test]
    fn restriction_lists_group_arguments() {
        let v = Value::single(
            "permit_mynetworks,check_recipient_access hash:/etc/postfix/x \
             reject_rbl_client zone.example.net=127.0.0.[2..11], hash:/etc/postfix/y, \
             check_policy_service { inet:127.0.0.1:10023, timeout=10s }, !foo",
            0,
        );
        let r = v.restrictions();
        let names: Vec<&str> = r.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "permit_mynetworks",
                "check_recipient_access",
                "reject_rbl_client",
                "hash:/etc/postfix/y",
                "check_policy_service",
                "!foo"
            ]
        );
        assert_eq!(r[1].arg(), Some("hash:/etc/postfix/x"));
        assert_eq!(r[2].arg(), Some("zone.example.net=127.0.0.[2..11]"));
        assert!(r[3].is_table());
        assert_eq!(r[4].arg(), Some("inet:127.0.0.1:10023, timeout=10s"));
    }

    #[test]
    fn sleep_takes_its_seconds() {
        let r = Value::single("sleep 1, reject_unauth_pipelining", 0).restrictions();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].arg(), Some("1"));
    }

    #[test]
    fn unbalanced_braces_do_not_hang() {
        assert_eq!(split_list("{ a b").len(), 1);
        assert_eq!(split_list("a} b").len(), 2);
        assert_eq!(split_list("${x?{a b}} c").len(), 2);
    }
}
