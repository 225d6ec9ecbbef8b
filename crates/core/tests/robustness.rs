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
    let mut prev_end = 0;
    for x in &r.secrets {
        assert!(x.span.start >= prev_end && x.span.start < x.span.end && x.span.end <= n);
        assert!(input.is_char_boundary(x.span.start) && input.is_char_boundary(x.span.end));
        prev_end = x.span.end;
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

/// Pieces SMTP transcripts are made of, to build sessions in any order.
const SMTP_PIECES: [&str; 24] = [
    "=== Trying mx.example.net:25...",
    "<-  220 mx.example.net ESMTP",
    " -> EHLO a.example.org",
    "<-  250-mx.example.net",
    "<-  250-AUTH PLAIN LOGIN",
    "<-  250 SIZE 1000",
    " -> STARTTLS",
    "<-  220 2.0.0 go",
    " ~> AUTH LOGIN",
    "<~  334 VXNlcm5hbWU6",
    " ~> YW5u",
    "<~* 535 5.7.8 no",
    "MAIL FROM:<a@example.org>",
    "RCPT TO:<b@example.com>",
    "DATA",
    "354 go ahead",
    ".",
    "550-5.1.1 no such",
    "550 5.1.1 user",
    "S: 421 4.3.2 bye",
    "C: QUIT",
    ">>> RCPT To:<c@example.com>",
    "<<< 554 5.7.1 denied",
    "AUTH PLAIN AGFubgBwdw==",
];

/// Pieces of lines that hold secrets (and near misses), to build pastes in any order.
const SECRET_PIECES: [&str; 22] = [
    "[smtp.example.net]:587 a@example.org:pw1",
    "smtp_sasl_password_maps = static:a@example.org:pw2",
    "smtp_sasl_password_maps = inline:{ [x.example.net]:25=u:p, { k = u:p q } }",
    "  -o smtp_sasl_password_maps=static:{u:pw3}",
    "password = pw4",
    "bind_pw = pw5",
    "connect = host=db.example.net password='p w6' user=u",
    "alice@example.org:{PLAIN}pw7:1000:1000::",
    "bob:{SHA512-CRYPT}$6$salt$hashhashhashhash::::",
    "root:$6$saltsalt$hashhashhashhashhash:19000:0:::",
    "AUTH PLAIN AGFubgBwdw==",
    "resp=AGFubgBwdw==",
    "Authorization: Bearer tok",
    "https://u:pw8@example.com/",
    "-----BEGIN PRIVATE KEY-----",
    "MIIEvQIBADANBgkq",
    "-----END PRIVATE KEY-----",
    "ssl_key_password = # hidden, use -P to show it",
    "password_query = SELECT password FROM u WHERE x='%u'",
    "(given password: pw9)",
    "passdb {",
    "}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Secret shapes in any order and quoting: no panic, spans in bounds, and redaction leaves
    /// nothing but masks where the redacted text is read again.
    #[test]
    fn secret_shapes_in_any_order_are_found_and_redacted(
        picks in proptest::collection::vec((any::<usize>(), 0u8..4, any::<bool>()), 0..40),
    ) {
        let ends = ["\n", "\r\n", "\r", "\n\n"];
        let text: String = picks
            .iter()
            .map(|(p, e, quote)| format!(
                "{}{}{}",
                if *quote { "> " } else { "" },
                SECRET_PIECES[p % SECRET_PIECES.len()],
                ends[*e as usize]
            ))
            .collect();
        exercise(&text);
        let r = analyze(&text, &Options::default());
        let red = mailtriage::render::redact(&text, &r);
        prop_assert_eq!(red.lines().count(), text.lines().count());
        let again = analyze(&red, &Options::default());
        for x in &again.secrets {
            let v = mailtriage::text::slice(&red, x.span);
            prop_assert!(v.split(['\n', '\r']).all(|l| l.is_empty() || l.chars().all(|c| c == '•')), "{:?} survived in {:?}", v, red);
        }
    }

    #[test]
    fn transcripts_in_any_order_never_panic(
        picks in proptest::collection::vec((any::<usize>(), 0u8..4), 0..60),
        base in 0usize..1000,
    ) {
        let ends = ["\n", "\r\n", "\r", "\n\n"];
        let text: String = picks
            .iter()
            .map(|(p, e)| format!("{}{}", SMTP_PIECES[p % SMTP_PIECES.len()], ends[*e as usize]))
            .collect();
        let (t, _) = mailtriage::smtp::parse_transcript(&text, base);
        let within = |s: mailtriage::Span| base <= s.start && s.start <= s.end && s.end <= base + text.len();
        for e in &t.exchanges {
            prop_assert!(within(e.span));
            if let Some(r) = &e.reply {
                prop_assert!(within(r.span) && e.span.contains(r.span));
            }
        }
        for s in &t.secrets {
            prop_assert!(within(*s));
        }
        for f in t.failures() {
            prop_assert!(f.reply_code.is_some_and(|c| c >= 400));
            prop_assert!(within(f.span));
        }
        exercise(&text);
    }

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
