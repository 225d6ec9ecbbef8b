//! Geometry of the paste for the editor: line starts, the slice of lines on screen, evidence
//! marks cut into per-line pieces, and the mapping between a (line, column) on screen and a byte
//! offset. Pure functions, tested natively; only `editor.rs` touches the DOM.
//!
//! The textarea's value has LF line ends only (browsers normalise CRLF and CR), so lines are cut
//! at `\n`. Columns are visual: a tab advances to the next multiple of [`TAB`].

/// Tab stops, as `tab-size` in the CSS.
pub const TAB: usize = 8;
/// Longest stretch of one line drawn in the highlight layer (a 10 MB single line stays usable).
pub const MAX_DRAWN_LINE: usize = 4000;

/// Byte offsets where each line starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }
    /// Length in bytes of the longest line.
    pub fn longest_line(&self) -> usize {
        (0..self.line_count())
            .map(|i| {
                let (a, b) = self.line_span(i);
                b - a
            })
            .max()
            .unwrap_or(0)
    }
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
    /// 0-based line holding byte `offset` (offsets past the end fall on the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
    /// `[start, end)` of line `i` without its `\n`.
    pub fn line_span(&self, i: usize) -> (usize, usize) {
        let start = self.starts.get(i).copied().unwrap_or(self.len);
        let end = self
            .starts
            .get(i + 1)
            .map(|&n| n - 1)
            .unwrap_or(self.len)
            .max(start);
        (start, end)
    }
}

/// An evidence span drawn in the paste.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    /// Index of the finding in the report.
    pub finding: usize,
    /// Index of the evidence in that finding.
    pub evidence: usize,
}

/// A run of one line's text with the marks covering it (innermost last).
#[derive(Clone, Debug, PartialEq)]
pub struct Piece<'a> {
    pub text: &'a str,
    pub marks: Vec<usize>,
}

/// Cuts `[start, end)` of `text` (one line) into pieces by the marks overlapping it. `marks` are
/// indices into `all`. Offsets that are not character boundaries are moved to the next one.
pub fn pieces<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    all: &[Mark],
    marks: &[usize],
) -> Vec<Piece<'a>> {
    let end = end
        .min(text.len())
        .min(start.saturating_add(MAX_DRAWN_LINE));
    let end = ceil_boundary(text, end);
    let start = ceil_boundary(text, start.min(end));
    let mut cuts = vec![start, end];
    for &m in marks {
        let Some(mk) = all.get(m) else { continue };
        for p in [mk.start, mk.end] {
            if p > start && p < end {
                cuts.push(ceil_boundary(text, p));
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        let covering: Vec<usize> = marks
            .iter()
            .copied()
            .filter(|&m| all.get(m).is_some_and(|mk| mk.start <= a && b <= mk.end))
            .collect();
        out.push(Piece {
            text: &text[a..b],
            marks: covering,
        });
    }
    out
}

/// Indices of the marks overlapping `[start, end)`, or touching an empty line at `start`.
pub fn marks_in(all: &[Mark], start: usize, end: usize) -> Vec<usize> {
    all.iter()
        .enumerate()
        .filter(|(_, m)| m.start < end.max(start + 1) && m.end > start)
        .map(|(i, _)| i)
        .collect()
}

pub use mailtriage::text::ceil_boundary;

/// Byte offset of visual column `col` on line `line` (past the end: the line's end).
pub fn offset_at(text: &str, index: &LineIndex, line: usize, col: usize) -> Option<usize> {
    if line >= index.line_count() {
        return None;
    }
    let (start, end) = index.line_span(line);
    let mut vis = 0;
    for (i, c) in text.get(start..end)?.char_indices() {
        let w = if c == '\t' { TAB - vis % TAB } else { 1 };
        if col < vis + w {
            return Some(start + i);
        }
        vis += w;
    }
    Some(end)
}

/// Visual column of byte `offset` on its line.
pub fn column_of(text: &str, index: &LineIndex, offset: usize) -> usize {
    let line = index.line_of(offset);
    let (start, _) = index.line_span(line);
    let offset = ceil_boundary(text, offset.max(start));
    let mut vis = 0;
    for c in text[start..offset].chars() {
        vis += if c == '\t' { TAB - vis % TAB } else { 1 };
    }
    vis
}

/// The configuration word (`[A-Za-z0-9_]+`) around byte `offset`, with its start.
pub fn word_at(text: &str, offset: usize) -> Option<(usize, &str)> {
    let b = text.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    if offset >= b.len() || !is_word(b[offset]) {
        return None;
    }
    let mut s = offset;
    while s > 0 && is_word(b[s - 1]) {
        s -= 1;
    }
    let mut e = offset;
    while e < b.len() && is_word(b[e]) {
        e += 1;
    }
    Some((s, &text[s..e]))
}

/// Byte offset of UTF-16 index `units` (what `selectionStart` gives); past the end: the length.
pub fn byte_offset(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in text.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    text.len()
}

/// UTF-16 index of byte `offset` (what `setSelectionRange` takes).
pub fn utf16_index(text: &str, offset: usize) -> u32 {
    let offset = ceil_boundary(text, offset);
    text[..offset].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_and_located() {
        let t = "ab\n\ncd\n";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_count(), 4);
        assert_eq!(ix.line_span(0), (0, 2));
        assert_eq!(ix.line_span(1), (3, 3));
        assert_eq!(ix.line_span(2), (4, 6));
        assert_eq!(ix.line_span(3), (7, 7));
        assert_eq!(ix.line_of(0), 0);
        assert_eq!(ix.line_of(2), 0);
        assert_eq!(ix.line_of(3), 1);
        assert_eq!(ix.line_of(5), 2);
        assert_eq!(ix.line_of(99), 3);
        assert_eq!(ix.line_span(99), (7, 7));
        assert_eq!(ix.longest_line(), 2);
    }

    #[test]
    fn marks_cut_a_line_into_pieces() {
        let t = "mynetworks = 0.0.0.0/0";
        let all = vec![
            Mark {
                start: 0,
                end: 22,
                finding: 0,
                evidence: 0,
            },
            Mark {
                start: 13,
                end: 22,
                finding: 1,
                evidence: 0,
            },
        ];
        let ps = pieces(t, 0, t.len(), &all, &marks_in(&all, 0, t.len()));
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].text, "mynetworks = ");
        assert_eq!(ps[0].marks, vec![0]);
        assert_eq!(ps[1].text, "0.0.0.0/0");
        assert_eq!(ps[1].marks, vec![0, 1]);
        // A mark on another line does not touch this one.
        assert!(marks_in(&all, 30, 40).is_empty());
    }

    #[test]
    fn offsets_inside_characters_never_split_them() {
        let t = "é=ü";
        let all = vec![Mark {
            start: 1,
            end: 4,
            finding: 0,
            evidence: 0,
        }];
        let ps = pieces(t, 0, t.len(), &all, &[0]);
        let joined: String = ps.iter().map(|p| p.text).collect();
        assert_eq!(joined, t);
        assert_eq!(utf16_index(t, 3), 2);
        assert_eq!(utf16_index(t, 4), 3);
        assert_eq!(byte_offset(t, 2), 3);
        assert_eq!(byte_offset(t, 9), t.len());
        assert_eq!(byte_offset("a😀b", 3), 5);
    }

    #[test]
    fn columns_follow_tabs() {
        let t = "a\tb\nxy";
        let ix = LineIndex::new(t);
        assert_eq!(offset_at(t, &ix, 0, 0), Some(0));
        assert_eq!(offset_at(t, &ix, 0, 3), Some(1));
        assert_eq!(offset_at(t, &ix, 0, 8), Some(2));
        assert_eq!(offset_at(t, &ix, 0, 50), Some(3));
        assert_eq!(offset_at(t, &ix, 1, 1), Some(5));
        assert_eq!(offset_at(t, &ix, 2, 0), None);
        assert_eq!(column_of(t, &ix, 2), 8);
        assert_eq!(column_of(t, &ix, 5), 1);
    }

    #[test]
    fn words_are_config_names() {
        let t = "  smtpd_tls_auth_only = yes";
        assert_eq!(word_at(t, 5), Some((2, "smtpd_tls_auth_only")));
        assert_eq!(word_at(t, 21), None);
        assert_eq!(word_at(t, 100), None);
    }

    #[test]
    fn a_long_line_is_drawn_only_in_part() {
        let t = "x".repeat(MAX_DRAWN_LINE * 3);
        let ps = pieces(&t, 0, t.len(), &[], &[]);
        assert_eq!(
            ps.iter().map(|p| p.text.len()).sum::<usize>(),
            MAX_DRAWN_LINE
        );
    }
}
