//! Property tests: no input makes the pipeline or any parser panic, and every span stays inside
//! the input. Inputs are random strings, random bytes (lossily decoded, as the CLI does), and the
//! project's own fixtures with random edits (cut, duplicated, spliced, bytes replaced).

use mailtriage::{analyze, Options};
use proptest::prelude::*;
use std::path::Path;

fn fixtures() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x != "snap") {
                if let Ok(b) = std::fs::read(&p) {
                    out.push(String::from_utf8_lossy(&b).into_owned());
                }
            }
        }
    }
    out.sort();
    if out.is_empty() {
        out.push(
            "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n".into(),
        );
    }
    out
}

/// Runs every entry point on `input` and checks the spans of the report.
fn exercise(input: &str) {
    let r = analyze(input, &Options::default());
    let n = input.len();
    for g in &r.segments {
        assert!(
            g.start <= g.end
                && g.end <= n
                && input.is_char_boundary(g.start)
                && input.is_char_boundary(g.end)
        );
    }
    for f in &r.findings {
        for e in &f.evidence {
            assert!(
                e.start <= e.end && e.end <= n,
                "evidence {}..{} outside 0..{n} in {}",
                e.start,
                e.end,
                f.id
            );
        }
    }
    for note in &r.notes {
        assert!(note.start <= note.end && note.end <= n);
    }
    let _ = mailtriage::render::markdown(&r, input);
    let _ = mailtriage::render::text(&r, input);
    let _ = mailtriage::bounce::parse_message(input.as_bytes(), 0);
}

fn mutate(base: &str, ops: &[(u8, usize, usize, u8)]) -> String {
    let mut b = base.as_bytes().to_vec();
    for &(op, i, j, byte) in ops {
        let len = b.len().max(1);
        let (i, j) = (i % len, j % len);
        let (lo, hi) = (i.min(j), i.max(j));
        match op % 5 {
            0 if hi <= b.len() => {
                b.drain(lo..hi);
            }
            1 if hi <= b.len() => {
                let part = b[lo..hi].to_vec();
                b.splice(lo..lo, part);
            }
            2 if i < b.len() => b[i] = byte,
            3 => b.insert(
                i.min(b.len()),
                [b'\n', b'\r', b'{', b'}', b'=', b'\\', b'"', 0xff][byte as usize % 8],
            ),
            _ => b.truncate(hi),
        }
        if b.len() > 200_000 {
            b.truncate(200_000);
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,400}") {
        exercise(&s);
    }

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&String::from_utf8_lossy(&b));
    }

    #[test]
    fn mutated_fixtures_never_panic(
        pick in any::<usize>(),
        ops in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let all = fixtures();
        let base = &all[pick % all.len()];
        exercise(&mutate(base, &ops));
    }
}
