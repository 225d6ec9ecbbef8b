//! SMTP replies (reply code, enhanced status code, text) wherever they appear, and SMTP
//! transcripts. (To be filled in: see issue 2.)

pub mod reply;

pub use reply::{EnhancedStatus, Reply};

use crate::facts::Failure;
use crate::report::Note;
use crate::text::Span;

#[derive(Clone, Debug, Default)]
pub struct Transcript {
    pub span: Span,
}

impl Transcript {
    pub fn failures(&self) -> Vec<Failure> {
        Vec::new()
    }
}

pub fn parse_transcript(text: &str, base: usize) -> (Transcript, Vec<Note>) {
    (
        Transcript {
            span: Span::new(base, base + text.len()),
        },
        Vec::new(),
    )
}
