//! Mail log lines (Postfix, Exim, Sendmail, Dovecot; syslog and journald prefixes) as typed events.
//! (Parser to be filled in: see issue 2.)

use crate::facts::Failure;
use crate::report::Note;
use crate::text::Span;

#[derive(Clone, Debug, Default)]
pub struct LogEvent {
    pub span: Span,
}

impl LogEvent {
    /// The failure this event reports, if it reports one.
    pub fn failure(&self) -> Option<Failure> {
        None
    }
}

pub fn parse(_text: &str, _base: usize) -> (Vec<LogEvent>, Vec<Note>) {
    (Vec::new(), Vec::new())
}
