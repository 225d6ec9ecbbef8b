//! Prints the segments of each file given (kind, line range, version). Timings of big pastes:
//! the `timing` example.
//!
//! `cargo run -p mailtriage-core --example segments -- FILE…`

use mailtriage::text::line_number;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for path in args {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let input = String::from_utf8_lossy(&bytes);
        let (segs, notes) = mailtriage::segment::segment(&input);
        println!("== {path}");
        for s in segs {
            let first = input[s.start..s.end].lines().next().unwrap_or("");
            println!(
                "{:<15} {:>4}-{:<4} {:<8} {}",
                s.kind.as_str(),
                line_number(&input, s.start),
                line_number(&input, s.end.saturating_sub(1).max(s.start)),
                s.version.unwrap_or_default(),
                mailtriage::text::clip(first, 60)
            );
        }
        for n in notes {
            println!("note {}: {}", line_number(&input, n.start), n.message);
        }
    }
}
