//! Postfix: `main.cf` / `postconf` output and `master.cf`, as typed configuration.
//! (Parsers to be filled in: see issue 2.)

use crate::facts::Options;
use crate::report::{Note, SegmentKind};
use crate::text::Span;

/// A parsed `main.cf`-style configuration (from `postconf -n`, `postconf`, or a raw file).
#[derive(Clone, Debug, Default)]
pub struct PostfixConfig {
    pub kind: Option<SegmentKind>,
    pub span: Span,
}

/// A parsed `master.cf`.
#[derive(Clone, Debug, Default)]
pub struct MasterCf {
    pub span: Span,
}

pub fn parse_main_cf(
    text: &str,
    base: usize,
    kind: SegmentKind,
    _opts: &Options,
) -> (PostfixConfig, Vec<Note>) {
    (
        PostfixConfig {
            kind: Some(kind),
            span: Span::new(base, base + text.len()),
        },
        Vec::new(),
    )
}

pub fn parse_master_cf(text: &str, base: usize) -> (MasterCf, Vec<Note>) {
    (
        MasterCf {
            span: Span::new(base, base + text.len()),
        },
        Vec::new(),
    )
}
