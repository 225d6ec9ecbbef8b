//! Line and span primitives shared by every parser: byte offsets into the original paste, and
//! line iteration that accepts LF, CRLF and lone CR endings alike.

use serde::Serialize;

/// A half-open byte range `[start, end)` into the text the person pasted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The same range moved by `base` bytes (a sub-parser's span made absolute).
    pub fn offset(self, base: usize) -> Span {
        Span::new(self.start + base, self.end + base)
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One line of text without its ending. `start..end` excludes the line break; `next` is where the
/// following line starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

impl<'a> Line<'a> {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
    /// Span of a sub-slice of this line's text (which must point into `self.text`).
    pub fn sub_span(&self, part: &str) -> Span {
        let off = part.as_ptr() as usize - self.text.as_ptr() as usize;
        debug_assert!(off + part.len() <= self.text.len());
        Span::new(self.start + off, self.start + off + part.len())
    }
}

/// Iterates over the lines of `text`, whose first byte is at offset `base` of the paste.
pub fn lines_at(text: &str, base: usize) -> Lines<'_> {
    Lines { text, pos: 0, base }
}

/// Iterates over the lines of a whole paste (offsets from 0).
pub fn lines(text: &str) -> Lines<'_> {
    lines_at(text, 0)
}

pub struct Lines<'a> {
    text: &'a str,
    pos: usize,
    base: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text.as_bytes()[self.pos..];
        let (len, brk) = line_end(rest);
        let start = self.pos;
        self.pos += len + brk;
        Some(Line {
            text: &self.text[start..start + len],
            start: self.base + start,
            end: self.base + start + len,
            next: self.base + self.pos,
        })
    }
}

/// The first line of `b`: its length without the ending, and the ending's length (0 at the end
/// of the text, 1 for LF or CR, 2 for CRLF).
pub fn line_end(b: &[u8]) -> (usize, usize) {
    match line_break(b) {
        None => (b.len(), 0),
        Some(i) if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') => (i, 2),
        Some(i) => (i, 1),
    }
}

/// Where the first LF or CR of `b` is. Every line of a paste is found through it, several times
/// over (segmenting, the parsers, the secrets pass): eight bytes are tested at a time.
pub fn line_break(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // A word holds a zero byte iff `(x - ONES) & !x & HIGH` is not zero.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    for chunk in b.chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_ne_bytes(w);
        if zero(x ^ (ONES * u64::from(b'\n'))) | zero(x ^ (ONES * u64::from(b'\r'))) != 0 {
            break;
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || c == b'\r')
        .map(|p| i + p)
}

/// `s` with ASCII case folded, for case-insensitive phrase matching without regexes.
pub fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// `s.find(needle)`, for the short texts (a line, a field) the paste path searches many times:
/// the standard library builds a two-way searcher per call, and on wasm32, which has no SIMD
/// prefilter for it, that setup costs more than the search. This looks for the needle's first
/// byte and compares the rest there (linear in `s` for the fixed needles it is asked).
pub fn find(s: &str, needle: &str) -> Option<usize> {
    let (b, n) = (s.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return Some(0);
    };
    let last = b.len().checked_sub(n.len())?;
    let mut i = 0;
    while i <= last {
        i += b[i..=last].iter().position(|&c| c == first)?;
        // The last byte before the rest: most first-byte places differ there.
        if b[i + n.len() - 1] == n[n.len() - 1] && &b[i + 1..i + n.len()] == rest {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `s.contains(needle)` through [`find`].
pub fn contains(s: &str, needle: &str) -> bool {
    find(s, needle).is_some()
}

/// Whether `s` holds `needle` (lowercase ASCII) in any ASCII case: `lower(s).contains(needle)`
/// without lowercasing a copy, each place tested on its first byte before the rest.
pub fn contains_lower(s: &str, needle: &str) -> bool {
    let (b, n) = (s.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    b.len() >= n.len()
        && b[..=b.len() - n.len()].iter().enumerate().any(|(i, c)| {
            c.to_ascii_lowercase() == first && b[i..i + n.len()].eq_ignore_ascii_case(n)
        })
}

/// The smallest character boundary at or after `i` (clamped to the text).
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Cuts `s` to at most `max` bytes on a char boundary (for excerpts in notes).
pub fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `x` with `places` decimals, at most 3: what `format!("{x:.places$}")` writes (ties to even),
/// for the sizes, percentages, times and CSS lengths the report and the page write, without std's
/// float formatting, which is the page's largest single piece of number code.
pub fn fixed(x: f64, places: u32) -> String {
    let places = places.min(3);
    let scale = 10u64.pow(places);
    // x = m · 2^e exactly; x · scale rounded at the binary point, as exact decimal rounding.
    let sign = if x.is_sign_negative() && !x.is_nan() {
        "-"
    } else {
        ""
    };
    let bits = x.abs().to_bits();
    let (exp, mantissa) = ((bits >> 52) as i32 & 0x7ff, bits & ((1 << 52) - 1));
    let (m, e) = match exp {
        0 => (mantissa, -1074),
        _ => (mantissa | 1 << 52, exp - 1075),
    };
    let p = u128::from(m) * u128::from(scale);
    let n = if e >= 0 {
        p << e.min(64)
    } else if e <= -120 {
        0
    } else {
        let sh = e.unsigned_abs();
        let (q, rem, half) = (p >> sh, p & ((1u128 << sh) - 1), 1u128 << (sh - 1));
        q + u128::from(rem > half || (rem == half && q & 1 == 1))
    };
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    let whole = n / scale;
    if scale == 1 {
        return format!("{sign}{whole}");
    }
    let part = (n % scale).to_string();
    let zeros = "000".get(..places as usize - part.len()).unwrap_or("");
    format!("{sign}{whole}.{zeros}{part}")
}

/// Where the words of `phrase` (split on whitespace, the first [`MAX_PHRASE_WORDS`]) occur in
/// `hay` from byte `from` on, in order and apart by any run of whitespace, as when a mail header
/// is folded or a reply wrapped: the bytes from the first word's start to the end of the last
/// word matched. As many words count as match, at least `min_words` (all, if there are fewer).
/// Only the first [`MAX_PHRASE_TRIES`] places of the first word are tried, so a search costs at
/// most that many times the phrase.
pub fn find_words(hay: &str, from: usize, phrase: &str, min_words: usize) -> Option<Span> {
    let words: Vec<&str> = phrase
        .split_ascii_whitespace()
        .take(MAX_PHRASE_WORDS)
        .collect();
    let first = *words.first()?;
    let need = min_words.clamp(1, words.len());
    let b = hay.as_bytes();
    let mut at = from;
    for _ in 0..MAX_PHRASE_TRIES {
        let start = at + find(hay.get(at..)?, first)?;
        at = start + first.len();
        if start > 0 && b[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let (mut end, mut matched) = (at, 1);
        for w in &words[1..] {
            let next = end
                + b[end..]
                    .iter()
                    .take_while(|c| c.is_ascii_whitespace())
                    .count();
            if next == end || !hay[next..].starts_with(w) {
                break;
            }
            end = next + w.len();
            matched += 1;
        }
        if matched >= need {
            return Some(Span::new(start, end));
        }
    }
    None
}

/// The most words of a phrase [`find_words`] matches.
pub const MAX_PHRASE_WORDS: usize = 40;
/// The most places of a phrase's first word [`find_words`] tries.
pub const MAX_PHRASE_TRIES: usize = 64;

/// The candidate closest to a misspelt `name` for did-you-mean hints: optimal string alignment
/// distance (edits and transpositions) at most 1 for names shorter than 8 bytes, 2 otherwise;
/// the first of equally close candidates wins. Used for Postfix parameters and Dovecot settings.
pub fn closest_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest_within(name, candidates, if name.len() < 8 { 1 } else { 2 })
}

/// The candidate within `max` edits of `name` (optimal string alignment), the closest first and
/// the first of equally close ones; for vocabularies whose names need another tolerance than
/// [`closest_name`]'s.
pub fn closest_within<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        if cand.len().abs_diff(name.len()) > max {
            continue;
        }
        let d = edit_distance(name.as_bytes(), cand.as_bytes(), max);
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, n)| n)
}

/// Optimal string alignment distance (edits and adjacent transpositions), computed only in the
/// band of cells within `cap` of the diagonal: anything above `cap` comes back as `cap + 1`.
/// A pasted word therefore costs O(len × cap), whatever it holds.
pub fn edit_distance(a: &[u8], b: &[u8], cap: usize) -> usize {
    let big = cap + 1;
    if a.len().abs_diff(b.len()) > cap {
        return big;
    }
    let n = b.len();
    let mut prev2 = vec![big; n + 1];
    let mut prev: Vec<usize> = (0..=n).map(|j| j.min(big)).collect();
    let mut cur = vec![big; n + 1];
    for i in 1..=a.len() {
        // Cells further than `cap` from the diagonal are above `cap` anyway.
        let lo = i.saturating_sub(cap).max(1);
        let hi = (i + cap).min(n);
        cur.fill(big);
        cur[0] = i.min(big);
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v.min(big);
            row_min = row_min.min(cur[j]);
        }
        if row_min > cap {
            return big;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n].min(big)
}

/// Phrases grouped by their first two bytes, so that one pass over a text tries, at each
/// position, only the phrases that can start there: matching a text against a whole vocabulary
/// (bounce reason phrases, knowledge-base patterns) is linear in the text, whatever the number of
/// phrases. Phrases shorter than two bytes are left out; callers look for those themselves.
pub struct PhraseIndex<T> {
    /// `items[offsets[k]..offsets[k + 1]]` are the phrases of bucket `k`.
    offsets: Vec<u32>,
    items: Vec<(&'static str, T)>,
    /// Per item: its first bytes (up to four, up to a `*`) and the mask covering them, compared
    /// with the text's next four bytes before the phrase is offered (most bucket mates differ
    /// there).
    heads: Vec<(u32, u32)>,
    /// Bit `k`: bucket `k` holds a phrase (most do not; 512 bytes, read before `offsets`).
    used: [u64; PHRASE_BUCKETS / 64],
}

const PHRASE_BUCKETS: usize = 4096;

fn phrase_bucket(a: u8, b: u8) -> usize {
    (usize::from(a) * 31 + usize::from(b)) % PHRASE_BUCKETS
}

/// The first four bytes of `b` (zeros past its end), little-endian.
fn head_word(b: &[u8]) -> u32 {
    match b {
        [a, b, c, d, ..] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => {
            let mut w = [0u8; 4];
            w[..b.len()].copy_from_slice(b);
            u32::from_le_bytes(w)
        }
    }
}

impl<T: Copy> PhraseIndex<T> {
    pub fn new(phrases: impl IntoIterator<Item = (&'static str, T)>) -> PhraseIndex<T> {
        let mut all: Vec<(usize, &'static str, T)> = phrases
            .into_iter()
            .filter_map(|(p, v)| match p.as_bytes() {
                [a, b, ..] => Some((phrase_bucket(*a, *b), p, v)),
                _ => None,
            })
            .collect();
        sort_by_key(&mut all, |x| x.0);
        let mut offsets = vec![0u32; PHRASE_BUCKETS + 1];
        for x in &all {
            offsets[x.0 + 1] += 1;
        }
        for k in 0..PHRASE_BUCKETS {
            offsets[k + 1] += offsets[k];
        }
        let heads = all
            .iter()
            .map(|x| {
                let b = x.1.as_bytes();
                let n = b.iter().take(4).take_while(|&&c| c != b'*').count();
                let mask = if n == 4 {
                    u32::MAX
                } else {
                    (1u32 << (8 * n)) - 1
                };
                (head_word(&b[..n]), mask)
            })
            .collect();
        let mut used = [0u64; PHRASE_BUCKETS / 64];
        for x in &all {
            used[x.0 / 64] |= 1 << (x.0 % 64);
        }
        PhraseIndex {
            offsets,
            items: all.into_iter().map(|x| (x.1, x.2)).collect(),
            heads,
            used,
        }
    }

    /// Calls `f(at, phrase, value)` for every phrase that may start at byte `at` of `text`
    /// (those sharing the bucket of the two bytes there whose first bytes, up to four and up to a
    /// `*`, are there too), position by position: `f` tests each, e.g. with
    /// `text[at..].starts_with(phrase)`.
    pub fn scan(&self, text: &[u8], mut f: impl FnMut(usize, &'static str, T)) {
        for (at, pair) in text.windows(2).enumerate() {
            let k = phrase_bucket(pair[0], pair[1]);
            if self.used[k / 64] & (1 << (k % 64)) == 0 {
                continue;
            }
            let (from, to) = (self.offsets[k] as usize, self.offsets[k + 1] as usize);
            let here = head_word(&text[at..]);
            for (&(p, v), &(head, mask)) in self.items[from..to].iter().zip(&self.heads[from..to]) {
                if here & mask == head {
                    f(at, p, v);
                }
            }
        }
    }
}

/// `v.sort_by(cmp)`: stable, same order, through one shared copy of the standard library's sort.
/// Each `sort_by` / `sort_by_key` / `sort` on another element type compiles a copy of its own
/// (about 4 KB of the page's wasm each); this sorts positions and then moves the elements once.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    // `order[i]` is the position whose element belongs at `i`: walk each cycle once, marking
    // the places done as fixed points.
    for start in 0..v.len() {
        let mut cur = start;
        while order[cur] != cur {
            let next = order[cur];
            order[cur] = cur;
            if next == start {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

/// `v.sort_by_key(key)` through [`sort_by`].
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort()` through [`sort_by`].
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> std::cmp::Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    #[test]
    fn find_words_reads_across_folded_lines() {
        let hay = "x: 4550 5.1.1 no\nDiagnostic-Code: smtp; 550 5.1.1 <bo@example.org>: Recipient\n    address rejected: no such user\n";
        let phrase = "550 5.1.1 <bo@example.org>: Recipient address rejected: no such user";
        let s = super::find_words(hay, 0, phrase, 4).unwrap();
        assert_eq!(
            &hay[s.start..s.end],
            "550 5.1.1 <bo@example.org>: Recipient\n    address rejected: no such user"
        );
        // Fewer words than asked for is no match; a later start is searched from there only.
        assert_eq!(
            super::find_words(hay, 0, "550 5.1.1 no such thing", 4),
            None
        );
        assert_eq!(super::find_words(hay, s.end, phrase, 4), None);
        // Only the matching words count; at least `min_words` of them.
        let part =
            super::find_words(hay, 0, "550 5.1.1 <bo@example.org>: Sender unknown", 3).unwrap();
        assert_eq!(&hay[part.start..part.end], "550 5.1.1 <bo@example.org>:");
        assert_eq!(super::find_words(hay, 0, "", 1), None);
        assert_eq!(super::find_words("ab", 9, "ab", 1), None);
    }

    #[test]
    fn fixed_writes_what_std_writes() {
        for x in [
            0.0,
            0.4,
            0.5,
            1.5,
            2.5,
            3.25,
            9.95,
            12.5,
            99.99,
            72.49999761581421,
            1023.96,
            1e9,
            -0.0,
            -0.04,
            -2.5,
            -17.375,
        ] {
            for places in 0..=3 {
                assert_eq!(
                    super::fixed(x, places),
                    format!("{x:.p$}", p = places as usize),
                    "{x} with {places}"
                );
            }
        }
        // Any finite value below 10^15, from its bits.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = f64::from_bits(state);
            if x.is_finite() && x.abs() < 1e15 {
                for places in 0..=3 {
                    assert_eq!(
                        super::fixed(x, places),
                        format!("{x:.p$}", p = places as usize)
                    );
                }
            }
        }
        for k in 0..=1000u32 {
            let x = k as f32 / 1000.0 * 100.0;
            assert_eq!(super::fixed(x as f64, 0), format!("{x:.0}"), "{x}");
        }
    }

    #[test]
    fn line_break_finds_the_first_lf_or_cr_at_any_position() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'\n' || c == b'\r');
        for len in 0..40 {
            for at in 0..=len {
                for brk in [b'\n', b'\r'] {
                    // Bytes that differ from LF/CR by one bit or by borrow, around the break.
                    let mut b: Vec<u8> = (0..len)
                        .map(|i| [b'\x0b', b'\x0c', b'\x8a', b'\x8d', b'a', 0, 0xff][i % 7])
                        .collect();
                    if at < len {
                        b[at] = brk;
                        if at + 3 < len {
                            b[at + 3] = b'\n';
                        }
                    }
                    assert_eq!(super::line_break(&b), naive(&b), "{b:?}");
                }
            }
        }
        assert_eq!(super::line_end(b"ab\r\ncd"), (2, 2));
        assert_eq!(super::line_end(b"ab\rcd"), (2, 1));
        assert_eq!(super::line_end(b"abcd"), (4, 0));
    }

    #[test]
    fn sort_helpers_sort_like_the_standard_library() {
        // Pseudo-random keys with many ties: the order of equal keys must be kept.
        let mut x = 12345u32;
        for n in [0usize, 1, 2, 3, 10, 100, 1000] {
            let v: Vec<(u32, usize)> = (0..n)
                .map(|i| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((x >> 16) % 7, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            let mut got = v.clone();
            sort_by_key(&mut got, |p| p.0);
            assert_eq!(got, want);
            let mut want = v.clone();
            want.sort_by_key(|b| std::cmp::Reverse(b.0));
            let mut got = v.clone();
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            assert_eq!(got, want);
            let mut want = v.clone();
            want.sort();
            let mut got = v;
            sort(&mut got);
            assert_eq!(got, want);
        }
    }

    use super::*;

    #[test]
    fn all_line_endings_give_the_same_lines() {
        for text in ["a\nbb\n\nc", "a\r\nbb\r\n\r\nc", "a\rbb\r\rc"] {
            let got: Vec<&str> = lines(text).map(|l| l.text).collect();
            assert_eq!(got, ["a", "bb", "", "c"], "{text:?}");
        }
    }

    #[test]
    fn spans_point_back_into_the_text() {
        let text = "one\r\ntwo\nthree";
        for l in lines(text) {
            assert_eq!(&text[l.start..l.end], l.text);
        }
        let last = lines(text).last().unwrap();
        assert_eq!(last.next, text.len());
        assert_eq!(lines_at("x\ny", 10).nth(1).unwrap().start, 12);
    }

    #[test]
    fn closest_name_allows_one_edit_for_short_names_and_two_for_long_ones() {
        assert_eq!(
            edit_distance(b"abcd", b"abdc", 2),
            1,
            "a transposition is one edit"
        );
        assert_eq!(edit_distance(b"kitten", b"sitting", 5), 3);
        assert_eq!(edit_distance(b"kitten", b"sitting", 2), 3, "capped");
        assert_eq!(edit_distance(b"", b"ab", 2), 2);
        assert_eq!(edit_distance(b"smptd_banner", b"smtpd_banner", 2), 1);
        assert_eq!(
            edit_distance(b"aaaaaaaa", b"bbbbbbbb", 2),
            3,
            "gives up past the cap"
        );
        let names = ["myhostname", "mydomain", "relayhost"];
        assert_eq!(closest_name("myhostnmae", names), Some("myhostname"));
        assert_eq!(
            closest_name("mydomn", names),
            None,
            "short names: one edit only"
        );
        assert_eq!(closest_name("relayhots", names), Some("relayhost"));
        assert_eq!(closest_name("", names), None);
    }

    #[test]
    fn find_is_str_find() {
        let texts = [
            "",
            "a",
            "to=<a@example.org>, relay=x",
            "ééa éa",
            "aaab",
            " said:  said: ",
        ];
        for t in texts {
            for n in [
                "", "a", "ab", "aab", " said: ", "éa", "relay=", "to=<", "x", "aaaab",
            ] {
                assert_eq!(super::find(t, n), t.find(n), "{t:?} {n:?}");
                assert_eq!(super::contains(t, n), t.contains(n), "{t:?} {n:?}");
            }
        }
    }

    #[test]
    fn contains_lower_is_a_search_of_the_lowercased_text() {
        let texts = [
            "",
            "a",
            "Relay Access DENIED",
            "xx relay access denie",
            "ÄRELAY accessé",
            "rr",
        ];
        for t in texts {
            for n in [
                "",
                "r",
                "relay access denied",
                "relay access",
                "é",
                "rr",
                "y a",
            ] {
                assert_eq!(
                    super::contains_lower(t, n),
                    super::lower(t).contains(n),
                    "{t:?} {n:?}"
                );
            }
        }
        assert!(super::contains_lower(
            "554 5.7.1 <a@b>: Relay Access Denied",
            "relay access denied"
        ));
        assert!(!super::contains_lower("Relay", "relay access denied"));
        assert!(super::contains_lower("", ""));
    }

    #[test]
    fn phrase_index_offers_every_phrase_where_it_starts() {
        let idx = PhraseIndex::new([("relay", 1), ("rejected", 2), ("re", 3), ("x", 4)]);
        let text = b"mail rejected: relay";
        let mut found: Vec<i32> = Vec::new();
        idx.scan(text, |at, p, v| {
            if text[at..].starts_with(p.as_bytes()) {
                found.push(v);
            }
        });
        assert_eq!(
            found,
            [2, 3, 1, 3],
            "one-byte phrases are left to the caller"
        );
        let mut none = 0;
        idx.scan(b"r", |_, _, _| none += 1);
        assert_eq!(none, 0);
    }

    #[test]
    fn line_index_agrees_with_line_number() {
        for text in ["", "a", "a\nb", "a\r\nb\rc\n\n", "\r\r\n\n", "x\ny\r"] {
            let idx = LineIndex::new(text);
            for off in 0..=text.len() + 2 {
                assert_eq!(idx.line(off), line_number(text, off), "{text:?} at {off}");
            }
        }
    }

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("ééé", 3), "é");
        assert_eq!(clip("abc", 10), "abc");
    }
}

/// Line numbers for many offsets into one text: the start of every line, found once, with the
/// same line breaks as [`line_number`] (LF, CRLF, lone CR). A report over a large paste asks for
/// thousands of line numbers; scanning from the top for each would be quadratic.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for (i, &c) in b.iter().enumerate() {
            if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineIndex {
            starts,
            len: b.len(),
        }
    }

    /// The 1-based line `offset` is on; equal to `line_number(text, offset)`.
    pub fn line(&self, offset: usize) -> usize {
        let at = offset.min(self.len);
        self.starts.partition_point(|&s| s <= at)
    }
}

/// 1-based line number of byte `offset` in `text` (LF, CRLF and CR each end one line).
pub fn line_number(text: &str, offset: usize) -> usize {
    let b = text.as_bytes();
    let end = offset.min(b.len());
    let mut n = 1;
    let mut i = 0;
    while i < end {
        match b[i] {
            b'\n' => n += 1,
            b'\r' if b.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

/// The text of a span, or "" when the span does not fit the text (never panics).
pub fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("")
}
