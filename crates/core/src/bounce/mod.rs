//! Bounces: MIME, delivery status notifications, and per-recipient classification in Sisimai's
//! reason vocabulary. (To be filled in: see issue 3.)

use crate::facts::Failure;
use crate::report::Note;
use crate::text::Span;
use serde::Serialize;

/// One bounce message as read.
#[derive(Clone, Debug, Default)]
pub struct Bounce {
    pub span: Span,
    pub records: Vec<BounceRecord>,
}

impl Bounce {
    pub fn failures(&self) -> Vec<Failure> {
        Vec::new()
    }
}

/// One recipient's fate, as the bulk CLI prints it (one JSON line each).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BounceRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub recipient: String,
    pub action: String,
    pub reason: String,
    pub hard: bool,
    pub status: String,
    pub reply_code: String,
    pub command: String,
    pub remote_mta: String,
    pub reporting_mta: String,
    pub diagnostic: String,
    pub side: String,
}

/// Reads one message (whole RFC 5322 message, or a body pasted without headers). `base` is the
/// message's offset in the paste, for spans.
pub fn parse_message(bytes: &[u8], base: usize) -> (Bounce, Vec<Note>) {
    (
        Bounce {
            span: Span::new(base, base + bytes.len()),
            records: Vec::new(),
        },
        Vec::new(),
    )
}
