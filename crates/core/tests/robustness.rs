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
            } else if p.extension().is_some_and(|x| x != "snap" && x != "records") {
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

    /// Errors quoted in prose: lines mixing reply codes, statuses, KB phrases and plain words.
    #[test]
    fn quoted_errors_in_prose_point_into_the_paste(
        picks in proptest::collection::vec((0usize..8, 0usize..8, "[a-z .:<>@-]{0,30}"), 0..40),
    ) {
        const LEAD: &[&str] = &["", "The server said: ", "Hi, I get ", "  ", "error: ", "> ", "«", "550"];
        const BODY: &[&str] = &[
            "554 5.7.1 <a@example.org>: Relay access denied",
            "450 4.7.1 Client host rejected: cannot find your hostname",
            "5.1.1",
            "421-4.7.0 too many connections",
            "we have 500 users on port 587",
            "Sending reported error (0x800CCC0E)",
            "535 5.7.8 Error: authentication failed",
            "4.",
        ];
        let text: String = picks
            .iter()
            .map(|(l, b, w)| format!("{}{} {w}\n", LEAD[*l], BODY[*b]))
            .collect();
        let seg = mailtriage::Segment {
            kind: mailtriage::SegmentKind::Prose,
            start: 0,
            end: text.len(),
            version: None,
        };
        let (facts, _) = mailtriage::facts::gather(&text, &[seg], &Options::default());
        for f in &facts.failures {
            prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
            if let Some(r) = f.reply_span {
                prop_assert!(f.span.contains(r));
            }
        }
        exercise(&text);
    }
}

// ---- Bounces: every parser of `bounce::` on its own, on raw bytes (as the CLI reads files). ----

use mailtriage::bounce::{self, charset, dsn, mime, plain, reason};

const CHARSETS: &[&str] = &[
    "",
    "utf-8",
    "us-ascii",
    "iso-8859-1",
    "windows-1252",
    "iso-2022-jp",
    "shift_jis",
    "euc-jp",
    "koi8-r",
    "gb2312",
    "big5",
    "x-unknown-charset",
];

fn bounce_fixtures() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bounce");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x == "eml" || x == "txt" || x == "mbox")
                })
                .filter_map(|p| std::fs::read(p).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    if out.is_empty() {
        out.push(
            b"From: MAILER-DAEMON@example.org\n\n<a@example.org>: 550 5.1.1 no such user\n"
                .to_vec(),
        );
    }
    out
}

/// Runs every bounce parser on `b` and checks what comes back.
fn exercise_bounce(b: &[u8]) {
    let known: Vec<&str> = mailtriage::tables::BOUNCE_REASONS
        .iter()
        .map(|r| r[0])
        .collect();
    for msg in bounce::mbox_messages(b) {
        let (parsed, notes) = bounce::parse_message(msg, 3);
        assert_eq!((parsed.span.start, parsed.span.end), (3, 3 + msg.len()));
        assert!(!parsed.records.is_empty());
        for r in &parsed.records {
            assert!(known.contains(&r.reason.as_str()), "reason {}", r.reason);
            assert!(
                r.status.is_empty()
                    || mailtriage::smtp::reply::EnhancedStatus::parse(&r.status).is_some(),
                "status {}",
                r.status
            );
            assert!(r.diagnostic.len() <= 600 + 4);
        }
        for n in &notes {
            assert!(n.start <= n.end && n.end <= 3 + msg.len());
        }
        // Failures point into the paste they were read from, inside the message; a paste that
        // does not hold it gives the whole message as their place.
        if let Ok(t) = std::str::from_utf8(msg) {
            let input = format!("abc{t}");
            for f in parsed.failures(&input) {
                assert!(
                    parsed.span.contains(f.span),
                    "{:?} in {:?}",
                    f.span,
                    parsed.span
                );
                if let Some(r) = f.reply_span {
                    assert!(f.span.contains(r) && input.is_char_boundary(r.start));
                }
            }
        }
        for f in parsed.failures("") {
            assert_eq!(f.span, parsed.span);
        }
    }
    let (head, body) = mime::split_head(b);
    assert!(head.len() + body.len() <= b.len());
    let header = mime::parse_header(head);
    let walk = mime::walk(&header, body);
    for leaf in &walk.leaves {
        let _ = dsn::parse(&leaf.text);
        let p = plain::read(&leaf.text, &[]);
        assert!(p.found.len() <= plain::MAX_RECIPIENTS);
        let _ = plain::original_start(&leaf.text);
        let _ = plain::salient_line(&leaf.text);
    }
    let _ = mime::base64(b);
    let _ = mime::quoted_printable(b, false);
    let _ = mime::quoted_printable(b, true);
    let text = String::from_utf8_lossy(b);
    let _ = mime::decode_words(&text);
    let _ = mime::ContentType::parse(&text);
    for cs in CHARSETS {
        let _ = charset::decode(b, cs);
    }
    let _ = charset::decode_unlabelled(b);
    let lower = text.to_ascii_lowercase();
    let _ = reason::by_phrase(&lower);
    let status = mailtriage::smtp::reply::find_statuses(&text)
        .first()
        .map(|s| s.0);
    for command in ["", "RCPT", "MAIL", "DATA", "HELO", "CONN"] {
        let got = reason::decide(&reason::Evidence {
            status,
            diagnostic: &lower,
            command,
            action: "failed",
            diagnostic_type: "smtp",
        });
        assert!(got.is_none_or(|r| known.contains(&r)));
    }
}

/// Bytes that exercise the bounce readers' loops: boundaries, encoded words, addresses,
/// transcript arrows, DSN fields, `*` phrase heads.
const BOUNCE_PIECES: &[&[u8]] = &[
    b"--b\n",
    b"Content-Type: multipart/report; boundary=b\n",
    b"\n\n",
    b"=?utf-8?B?",
    b"?=",
    b"=?iso-2022-jp?Q?=1B$B",
    b"a@example.org ",
    b"<x@example.net>: ",
    b">>> RCPT TO:<a@b.c>\n",
    b"<<< 550 5.1.1 user unknown\n",
    b"Final-Recipient: rfc822; a@example.org\n",
    b"Status: 5.0.0\n",
    b"Action: failed\n",
    b"Diagnostic-Code: smtp; 550 ",
    b"user ",
    b"mailbox ",
    b"\x1b$B",
    b"\x1b(B",
    b"From MAILER-DAEMON x\n",
    b"Content-Transfer-Encoding: base64\n",
    b"=\r\n",
    b"\r",
    b"\xff\xfe",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn bounce_parsers_on_random_bytes(b in proptest::collection::vec(any::<u8>(), 0..800)) {
        exercise_bounce(&b);
    }

    #[test]
    fn bounce_parsers_on_random_pieces(picks in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut b = Vec::new();
        for p in picks {
            b.extend_from_slice(BOUNCE_PIECES[p as usize % BOUNCE_PIECES.len()]);
        }
        exercise_bounce(&b);
    }

    #[test]
    fn mutated_bounce_fixtures(
        pick in any::<usize>(),
        ops in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let all = bounce_fixtures();
        let base = &all[pick % all.len()];
        let mutated = mutate(&String::from_utf8_lossy(base), &ops);
        exercise_bounce(mutated.as_bytes());
        // And the same edits on the raw bytes, which may not be UTF-8 at all.
        let mut raw = base.clone();
        for &(op, i, _, byte) in &ops {
            if raw.is_empty() { break; }
            let i = i % raw.len();
            if op % 2 == 0 { raw[i] = byte } else { raw.truncate(i) }
        }
        exercise_bounce(&raw);
    }
}

/// Inputs built to make a careless reader quadratic (a header full of `=?`, tens of thousands of
/// address lines, nested boundaries that never close, one huge line of `*`-phrase heads). Each is a
/// megabyte or more: a quadratic path would not finish, a linear one takes well under a second.
#[test]
fn bounce_readers_stay_linear_on_adversarial_input() {
    let big = |piece: &[u8], total: usize| -> Vec<u8> {
        let mut v = Vec::with_capacity(total + piece.len());
        while v.len() < total {
            v.extend_from_slice(piece);
        }
        v
    };
    const N: usize = 1_000_000;
    let mut cases: Vec<Vec<u8>> = vec![
        [b"Subject: ".as_slice(), &big(b"=?a?b?", N), b"\n\nbody\n"].concat(),
        big(b"<same@example.org>: 550 5.1.1 user unknown\n", N),
        big(b"u1@example.org\n", N),
        [
            b"Content-Type: multipart/mixed; boundary=\"x\"\n\n".as_slice(),
            &big(b"--x\nContent-Type: multipart/mixed; boundary=\"x\"\n\n", N),
        ]
        .concat(),
        big(b"user user mailbox user ", N),
        big(
            b"Final-Recipient: rfc822; a@example.org\nStatus: 5.1.1\n\n",
            N,
        ),
        big(b">>> RCPT TO:<a@example.org>\n<<< 450 4.2.0 later\n", N),
        big(b"From x\n\n", N),
        big(b"=", N),
        big(b"\x1b$B", N),
    ];
    // Distinct addresses: the recipient cap keeps look-ups bounded.
    let mut distinct = Vec::new();
    let mut i = 0;
    while distinct.len() < N {
        distinct.extend_from_slice(format!("r{i}@example.org: user unknown\n").as_bytes());
        i += 1;
    }
    cases.push(distinct);
    for c in &cases {
        for msg in bounce::mbox_messages(c).into_iter().take(3) {
            let (b, _) = bounce::parse_message(msg, 0);
            assert!(b.records.len() <= plain::MAX_RECIPIENTS);
        }
        let lower = String::from_utf8_lossy(c).to_ascii_lowercase();
        let _ = reason::by_phrase(&lower);
        let _ = mime::decode_words(&String::from_utf8_lossy(c));
    }
}

/// One restriction list with thousands of problem items: the findings are capped, and only the
/// ones listed get a rewritten line (each is a copy of the list), so memory stays proportional to
/// the paste rather than to its square.
#[test]
fn thousands_of_bad_items_in_one_list_keep_the_report_small() {
    for item in [
        "no_such_restriction_x, ",
        "reject_rbl_client relays.ordb.org, ",
    ] {
        let text = format!(
            "myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, {}reject_unauth_destination\n",
            item.repeat(20_000)
        );
        let r = analyze(&text, &Options::default());
        let snippets: usize = r
            .findings
            .iter()
            .filter_map(|f| f.fix.as_ref()?.snippet.as_ref())
            .map(|s| s.len())
            .sum();
        assert!(r.findings.len() <= 40, "{} findings", r.findings.len());
        assert!(
            snippets <= 30 * text.len(),
            "{snippets} bytes of snippets for a {} byte paste",
            text.len()
        );
    }
}
