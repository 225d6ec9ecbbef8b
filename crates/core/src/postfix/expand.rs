//! `$name` expansion as Postfix does it: `$name`, `${name}`, `$(name)`, `$$`, the conditional forms
//! `${name?value}` / `${name:value}` (value when `name` is non-empty / empty), their 3.x braced
//! forms `${name?{value}}`, `${name:{value}}`, `${name?{a}:{b}}`, and the 3.x comparisons
//! `${{text} op {text} ? {a} : {b}}` (`==`, `!=`, `<`, `<=`, `>`, `>=`, and the `…level` variants
//! that compare compatibility levels).
//!
//! Recursion is limited (depth and total output), so self-referencing or exponentially growing
//! definitions end instead of hanging.

use super::params::Version;

/// How deep `$a` → `$b` → … may go before expansion stops.
const MAX_DEPTH: usize = 20;
/// Total bytes one expansion may produce (guards `a = $b $b`, `b = $c $c`, … chains).
const MAX_OUTPUT: usize = 256 * 1024;

/// Expands `text`. `lookup(name)` gives a parameter's raw (unexpanded) value; `None` means the
/// value cannot be known from the paste (`$myhostname` with no explicit setting), and the
/// reference is then kept as written.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut ex = Expander {
        lookup,
        budget: MAX_OUTPUT,
    };
    let mut out = String::new();
    ex.run(text, 0, &mut out);
    out
}

struct Expander<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    budget: usize,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Index just past the brace/paren group opened at `open` (which holds `{` or `(`), or `None`.
fn close_of(s: &[u8], open: usize) -> Option<usize> {
    let (o, c) = match s.get(open)? {
        b'{' => (b'{', b'}'),
        b'(' => (b'(', b')'),
        _ => return None,
    };
    let mut depth = 0usize;
    for (i, &b) in s.iter().enumerate().skip(open) {
        if b == o {
            depth += 1;
        } else if b == c {
            depth -= 1;
            if depth == 0 {
                return Some(i + 1);
            }
        }
    }
    None
}

/// `{inner}` → `inner`; other text unchanged.
fn unbrace(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t)
}

impl Expander<'_> {
    fn emit(&mut self, out: &mut String, s: &str) {
        let take = crate::text::clip(s, self.budget);
        self.budget -= take.len();
        out.push_str(take);
    }

    fn run(&mut self, text: &str, depth: usize, out: &mut String) {
        let b = text.as_bytes();
        let mut i = 0;
        let mut lit = 0;
        while i < b.len() {
            if self.budget == 0 {
                return;
            }
            if b[i] != b'$' {
                i += 1;
                continue;
            }
            self.emit(out, text.get(lit..i).unwrap_or(""));
            match b.get(i + 1) {
                Some(b'$') => {
                    self.emit(out, "$");
                    i += 2;
                }
                Some(b'{') | Some(b'(') => match close_of(b, i + 1) {
                    Some(end) => {
                        let inner = text.get(i + 2..end - 1).unwrap_or("");
                        let whole = text.get(i..end).unwrap_or("");
                        self.group(inner, whole, depth, out);
                        i = end;
                    }
                    None => {
                        // Unterminated: keep the rest as written.
                        self.emit(out, text.get(i..).unwrap_or(""));
                        i = b.len();
                    }
                },
                Some(&c) if is_name_byte(c) => {
                    let mut j = i + 1;
                    while j < b.len() && is_name_byte(b[j]) {
                        j += 1;
                    }
                    let name = text.get(i + 1..j).unwrap_or("");
                    let whole = text.get(i..j).unwrap_or("");
                    self.reference(name, whole, depth, out);
                    i = j;
                }
                _ => {
                    self.emit(out, "$");
                    i += 1;
                }
            }
            lit = i;
        }
        self.emit(out, text.get(lit..).unwrap_or(""));
    }

    /// The expanded value of `name`, or `None` when it cannot be known.
    fn value_of(&mut self, name: &str, depth: usize) -> Option<String> {
        let raw = (self.lookup)(name)?;
        if depth >= MAX_DEPTH {
            return Some(raw);
        }
        let mut v = String::new();
        self.run(&raw, depth + 1, &mut v);
        Some(v)
    }

    fn reference(&mut self, name: &str, whole: &str, depth: usize, out: &mut String) {
        match self.value_of(name, depth) {
            Some(v) => self.emit(out, &v),
            None => self.emit(out, whole),
        }
    }

    /// Inside of `${…}` / `$(…)`.
    fn group(&mut self, inner: &str, whole: &str, depth: usize, out: &mut String) {
        if inner.trim_start().starts_with('{') {
            return self.comparison(inner, whole, depth, out);
        }
        let nb = inner.bytes().take_while(|&c| is_name_byte(c)).count();
        let name = inner.get(..nb).unwrap_or("");
        let rest = inner.get(nb..).unwrap_or("");
        if name.is_empty() {
            return self.emit(out, whole);
        }
        let Some(op) = rest.chars().next() else {
            return self.reference(name, whole, depth, out);
        };
        if op != '?' && op != ':' {
            return self.emit(out, whole);
        }
        let arg = &rest[1..];
        // `{a}:{b}` (3.0+ if/else) or `{a}` or plain text.
        let (when_set, when_empty) = match split_braced_pair(arg) {
            Some((a, b)) if op == '?' => (a, Some(b)),
            _ => (unbrace(arg), None),
        };
        let value = self.value_of(name, depth);
        let non_empty = value.as_deref().is_none_or(|v| !v.trim().is_empty());
        let chosen = match (op, non_empty) {
            ('?', true) => Some(when_set),
            ('?', false) => when_empty,
            (_, false) => Some(when_set),
            (_, true) => None,
        };
        if let Some(c) = chosen {
            if depth < MAX_DEPTH {
                self.run(c, depth + 1, out);
            }
        }
    }

    /// `{a} op {b} ? {t} : {f}`.
    fn comparison(&mut self, inner: &str, whole: &str, depth: usize, out: &mut String) {
        let b = inner.as_bytes();
        let s = inner.len() - inner.trim_start().len();
        let Some(e1) = close_of(b, s) else {
            return self.emit(out, whole);
        };
        let left = inner.get(s + 1..e1 - 1).unwrap_or("");
        let after = inner.get(e1..).unwrap_or("");
        let t = after.trim_start();
        let op_len = t
            .bytes()
            .take_while(|c| !c.is_ascii_whitespace() && *c != b'{')
            .count();
        let op = t.get(..op_len).unwrap_or("");
        let rest = t.get(op_len..).unwrap_or("").trim_start();
        let rb = rest.as_bytes();
        let Some(e2) = close_of(rb, 0) else {
            return self.emit(out, whole);
        };
        let right = rest.get(1..e2 - 1).unwrap_or("");
        let Some(tail) = rest.get(e2..).unwrap_or("").trim_start().strip_prefix('?') else {
            return self.emit(out, whole);
        };
        let Some((yes, no)) = split_braced_pair(tail) else {
            return self.emit(out, whole);
        };
        let mut l = String::new();
        let mut r = String::new();
        if depth < MAX_DEPTH {
            self.run(left, depth + 1, &mut l);
            self.run(right, depth + 1, &mut r);
        }
        let Some(truth) = compare(l.trim(), op, r.trim()) else {
            return self.emit(out, whole);
        };
        if depth < MAX_DEPTH {
            self.run(if truth { yes } else { no }, depth + 1, out);
        }
    }
}

/// `{a} : {b}` → `(a, b)`.
fn split_braced_pair(s: &str) -> Option<(&str, &str)> {
    let t = s.trim_start();
    let off = s.len() - t.len();
    let e1 = close_of(s.as_bytes(), off)?;
    if !t.starts_with('{') {
        return None;
    }
    let a = s.get(off + 1..e1 - 1)?;
    let rest = s.get(e1..)?.trim_start().strip_prefix(':')?.trim_start();
    let e2 = close_of(rest.as_bytes(), 0)?;
    let b = rest.get(1..e2 - 1)?;
    Some((a, b))
}

fn compare(l: &str, op: &str, r: &str) -> Option<bool> {
    if let Some(op) = op.strip_suffix("level") {
        let (a, b) = (Version::parse(l)?, Version::parse(r)?);
        return Some(match op {
            "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            ">=" => a >= b,
            _ => return None,
        });
    }
    match op {
        "==" => Some(l == r),
        "!=" => Some(l != r),
        _ => {
            let (a, b) = (l.parse::<i64>().ok()?, r.parse::<i64>().ok()?);
            Some(match op {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                ">=" => a >= b,
                _ => return None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Option<String> {
        Some(
            match name {
                "myhostname" => "mail.example.net",
                "mydomain" => "example.net",
                "empty" => "",
                "loop" => "x $loop",
                "a" => "$b $b",
                "b" => "$c $c",
                "c" => "$a $a",
                "compatibility_level" => "2",
                "unknown" => return None,
                _ => "",
            }
            .to_owned(),
        )
    }

    fn x(s: &str) -> String {
        expand(s, &table)
    }

    #[test]
    fn plain_references() {
        assert_eq!(
            x("$myhostname, localhost.$mydomain"),
            "mail.example.net, localhost.example.net"
        );
        assert_eq!(
            x("${myhostname}/$(mydomain)"),
            "mail.example.net/example.net"
        );
        assert_eq!(x("cost $$5"), "cost $5");
        assert_eq!(x("$unknown and ${unknown}"), "$unknown and ${unknown}");
        assert_eq!(x("trailing $"), "trailing $");
    }

    #[test]
    fn conditionals() {
        assert_eq!(x("${mydomain?yes}"), "yes");
        assert_eq!(x("${empty?yes}"), "");
        assert_eq!(x("${empty:fallback}"), "fallback");
        assert_eq!(x("${mydomain:fallback}"), "");
        assert_eq!(x("${mydomain?{has $mydomain}}"), "has example.net");
        assert_eq!(x("${empty:{none here}}"), "none here");
        assert_eq!(x("${empty?{a}:{b}}"), "b");
        assert_eq!(x("${mydomain?{a}:{b}}"), "a");
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            x("${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, defer_unauth_destination}}"),
            "permit_mynetworks, defer_unauth_destination"
        );
        assert_eq!(
            x("${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}"),
            "md5"
        );
        assert_eq!(x("${{a} == {a} ? {same} : {diff}}"), "same");
        assert_eq!(x("${{3} > {20} ? {big} : {small}}"), "small");
    }

    #[test]
    fn cycles_and_blowups_end() {
        let l = x("$loop");
        assert!(l.starts_with("x x x"));
        assert!(x("$a").len() <= MAX_OUTPUT);
        assert_eq!(x("${unterminated"), "${unterminated");
    }
}
