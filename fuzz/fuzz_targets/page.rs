#![no_main]
//! The page's own readers on arbitrary input: its JSON reader (`model::parse_result`, which reads
//! the worker's report), the Markdown of `Finding.why` (`markdown`), and the paste geometry the
//! editor computes for any text and offset (`lines`). The first byte picks which; the next
//! two bytes give an offset for the geometry.
use libfuzzer_sys::fuzz_target;
use mailtriage_web::lines::{self, LineIndex, Mark};
use mailtriage_web::{markdown, model};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    match which % 4 {
        0 => {
            let r = model::parse_result(&text);
            for f in &r.report.findings {
                drop(markdown::parse(&f.why));
            }
        }
        1 => {
            drop(markdown::parse(&text));
            drop(markdown::inline(&text));
            drop(markdown::summary_parts(&text));
            drop(markdown::view(&text));
        }
        _ => {
            let (at, body) = match rest {
                [a, b, body @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), body),
                _ => (0, rest),
            };
            let text = String::from_utf8_lossy(body);
            let index = LineIndex::new(&text);
            let line = at % index.line_count().max(1);
            let (start, end) = index.line_span(line);
            let marks = [
                Mark { start: at / 2, end: at, finding: 0, evidence: 0 },
                Mark { start, end: end.saturating_add(at), finding: 1, evidence: 0 },
            ];
            let over = lines::marks_in(&marks, start, end);
            drop(lines::pieces(&text, start, end, &marks, &over));
            let _ = lines::offset_at(&text, &index, line, at);
            let _ = lines::column_of(&text, &index, at);
            let _ = lines::word_at(&text, at);
            let _ = lines::byte_offset(&text, at);
            let _ = lines::utf16_index(&text, at);
        }
    }
});
