//! SMTP replies (reply code, enhanced status code, text) wherever they appear ([`reply`]), and
//! SMTP session transcripts as people paste them ([`transcript`]).

pub mod reply;
pub mod transcript;

pub use reply::{EnhancedStatus, Reply};
pub use transcript::{
    parse_transcript, Command, EhloReply, Exchange, ServerReply, Stage, Style, Transcript,
};
