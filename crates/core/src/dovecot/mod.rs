//! Dovecot: `doveconf -n`, full `doveconf`, raw `dovecot.conf` (2.2/2.3 and 2.4 syntax).
//! (Parser to be filled in: see issue 2.)

use crate::facts::Options;
use crate::report::{Note, SegmentKind};
use crate::text::Span;

#[derive(Clone, Debug, Default)]
pub struct DovecotConfig {
    pub kind: Option<SegmentKind>,
    pub span: Span,
}

pub fn parse(
    text: &str,
    base: usize,
    kind: SegmentKind,
    _opts: &Options,
) -> (DovecotConfig, Vec<Note>) {
    (
        DovecotConfig {
            kind: Some(kind),
            span: Span::new(base, base + text.len()),
        },
        Vec::new(),
    )
}
