//! Mail client error dialogs (Outlook, Windows Mail, Thunderbird, Apple Mail).
//! (Parser to be filled in: see issue 2.)

use crate::facts::Failure;
use crate::report::Note;
use crate::text::Span;

#[derive(Clone, Debug, Default)]
pub struct ClientError {
    pub span: Span,
}

impl ClientError {
    pub fn failure(&self) -> Option<Failure> {
        None
    }
}

pub fn parse(text: &str, base: usize) -> (ClientError, Vec<Note>) {
    (
        ClientError {
            span: Span::new(base, base + text.len()),
        },
        Vec::new(),
    )
}
