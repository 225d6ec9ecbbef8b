//! Segmenting: splits one paste into stretches of one kind each (config, log, bounce, prose…),
//! keeping byte spans into the original text. (To be filled in: see issue 2.)

use crate::report::{Note, Segment, SegmentKind};

pub fn segment(input: &str) -> (Vec<Segment>, Vec<Note>) {
    if input.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    (
        vec![Segment {
            kind: SegmentKind::Prose,
            start: 0,
            end: input.len(),
            version: None,
        }],
        Vec::new(),
    )
}

/// A line without forum quoting (`> `, `>> `): what the original text said.
pub fn unquote(line: &str) -> &str {
    let mut s = line;
    loop {
        let t = s.trim_start_matches([' ', '\t']);
        match t.strip_prefix('>') {
            Some(rest) => s = rest.strip_prefix(' ').unwrap_or(rest),
            None => return s,
        }
    }
}
