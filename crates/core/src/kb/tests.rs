use super::*;
use crate::facts::{Facts, Failure};
use crate::report::Finding;
use crate::report::SegmentKind;
use crate::text::Span;

#[test]
fn there_are_enough_entries_and_ids_are_unique() {
    assert!(ENTRIES.len() >= 80, "only {} entries", ENTRIES.len());
    let mut ids = std::collections::HashSet::new();
    for e in ENTRIES {
        assert!(ids.insert(e.id), "duplicate {}", e.id);
    }
    assert!(find(GENERIC_ID).is_some_and(|e| e.generic));
}

#[test]
fn every_example_matches_or_not_as_declared() {
    for e in ENTRIES {
        for ex in e.examples_match {
            assert!(e.matches_text(ex), "{}: example does not match: {ex}", e.id);
        }
        for ex in e.examples_no_match {
            assert!(
                !e.matches_text(ex),
                "{}: no_match example matches: {ex}",
                e.id
            );
        }
    }
}

/// An entry's own examples must rank it first: otherwise another entry would steal its
/// failures in a real paste.
#[test]
fn every_entry_wins_its_own_examples() {
    let mut lost = Vec::new();
    for e in ENTRIES.iter().filter(|e| !e.generic) {
        for ex in e.examples_match {
            let top = ranked(&Probe::from_text(ex));
            let winner = top.first().map(|(w, _)| w.id).unwrap_or("nothing");
            if winner != e.id {
                lost.push(format!("{}: {ex:?} went to {winner}", e.id));
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{} examples lost:\n{}",
        lost.len(),
        lost.join("\n")
    );
}

#[test]
fn translations_exist_for_a_few_entries() {
    let with = ENTRIES
        .iter()
        .filter(|e| !e.translations.is_empty())
        .count();
    assert!(with >= 5, "only {with} entries translated");
}

#[test]
fn reply_code_and_status_are_read_from_free_text() {
    assert_eq!(
        reply_code_and_status("said: 550 5.1.1 <a@example.net>: User unknown"),
        (Some(550), Some("5.1.1".into()))
    );
    assert_eq!(
        reply_code_and_status("host mx.example.org[192.0.2.1] said: 452-4.2.2 over quota"),
        (Some(452), Some("4.2.2".into()))
    );
    assert_eq!(reply_code_and_status("port 5870 and 1.2.3.4"), (None, None));
    assert_eq!(
        reply_code_and_status("Status: 5.7.26"),
        (None, Some("5.7.26".into()))
    );
    assert_eq!(reply_code_and_status(""), (None, None));
    assert_eq!(reply_code_and_status("5"), (None, None));
}

fn failure(source: SegmentKind, code: u16, status: &str, text: &str, start: usize) -> Failure {
    Failure {
        source: Some(source),
        span: Span::new(start, start + 10),
        reply_span: Some(Span::new(start + 2, start + 8)),
        reply_code: Some(code),
        status: Some(status.into()),
        text: text.into(),
        ..Default::default()
    }
}

#[test]
fn identical_failures_group_into_one_finding() {
    let mut facts = Facts::default();
    for (i, rcpt) in ["<a@example.net>", "<b@example.org>", "<c@example.com>"]
        .iter()
        .enumerate()
    {
        facts.failures.push(failure(
            SegmentKind::MailLog,
            554,
            "5.7.1",
            &format!("{rcpt}: Relay access denied"),
            i * 20,
        ));
    }
    let out = diagnose(&facts, &[]);
    assert_eq!(out.len(), 1);
    let f = &out[0];
    assert_eq!(f.id, "smtp/554-5.7.1-relay-access-denied");
    assert_eq!(f.evidence.len(), 6, "span and reply span of each line");
    assert!(f.summary.contains("3 log lines"));
    assert!(
        f.summary.contains("postconf -n"),
        "asks for the config: {}",
        f.summary
    );
    assert!(f.fix.as_ref().is_some_and(|x| x.snippet.is_some()));
    assert!(!f.params.is_empty());
    assert!(f.confidence < 1.0);
}

#[test]
fn a_confirming_check_raises_confidence_and_joins_evidence() {
    let e = find("smtp/554-5.7.1-relay-access-denied").unwrap();
    let check_id = e
        .causes
        .iter()
        .find(|c| !c.check.is_empty())
        .map(|c| c.check)
        .expect("relay entry names a check");
    let mut facts = Facts::default();
    facts.failures.push(failure(
        SegmentKind::MailLog,
        554,
        "5.7.1",
        "<x@example.net>: Relay access denied",
        500,
    ));
    let check = Finding::new(check_id, Severity::Error, "from the config")
        .param("smtpd_relay_restrictions")
        .evidence(Span::new(10, 40), "the restriction list")
        .fix("do this", Some("a = b".into()));
    let before = diagnose(&facts, &[]);
    let out = diagnose(&facts, std::slice::from_ref(&check));
    let f = &out[0];
    assert!(f.confidence > before[0].confidence);
    assert!(f.summary.contains(check_id));
    assert!(f.evidence.iter().any(|e| e.start == 10), "config evidence");
    assert!(
        f.evidence.iter().any(|e| e.start == 500),
        "failure evidence"
    );
    assert_eq!(
        f.fix.as_ref().and_then(|x| x.snippet.as_deref()),
        Some("a = b")
    );
    assert!(!f.summary.contains("To decide"));
}

#[test]
fn unknown_text_with_a_code_is_explained_from_the_registries() {
    let mut facts = Facts::default();
    facts.failures.push(failure(
        SegmentKind::Bounce,
        550,
        "5.1.10",
        "zq wobble frobnicated",
        0,
    ));
    facts.failures.push(Failure {
        text: "nothing to say".into(),
        ..Default::default()
    });
    let out = diagnose(&facts, &[]);
    assert_eq!(
        out.len(),
        1,
        "the code-less, unmatched failure adds nothing"
    );
    assert_eq!(out[0].id, GENERIC_ID);
    assert!(out[0].summary.contains("null MX"), "{}", out[0].summary);
    assert!(out[0].summary.contains("permanent"));
}

#[test]
fn temporary_failures_are_warnings() {
    let mut facts = Facts::default();
    facts.failures.push(failure(
        SegmentKind::MailLog,
        454,
        "4.7.1",
        "<x@example.net>: Relay access denied",
        0,
    ));
    let out = diagnose(&facts, &[]);
    assert_eq!(out[0].severity, Severity::Warning);
}

#[test]
fn search_finds_entries_by_free_text() {
    let hits = search("Outlook: The server responded 554 5.7.1 Relay access denied");
    assert_eq!(
        hits.first().map(|e| e.id),
        Some("smtp/554-5.7.1-relay-access-denied")
    );
    assert!(search("").is_empty());
}

#[test]
fn every_entry_renders() {
    for e in ENTRIES {
        let t = explain_text(e);
        assert!(t.starts_with(e.id));
        assert!(t.contains("Root causes") && t.contains("Fixes") && t.contains("References"));
    }
}

#[test]
fn every_cause_names_a_known_check() {
    let unknown: Vec<String> = ENTRIES
        .iter()
        .flat_map(|e| e.causes.iter().map(move |c| (e.id, c.check)))
        .filter(|(_, check)| !check.is_empty() && crate::checks::find(check).is_none())
        .map(|(id, check)| format!("{id}: {check}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "causes name checks that are not registered:\n{}",
        unknown.join("\n")
    );
    let used = ENTRIES
        .iter()
        .flat_map(|e| e.causes.iter())
        .filter(|c| !c.check.is_empty())
        .count();
    assert!(used >= 40, "only {used} causes tied to a check");
}

/// Failures (entries with reply codes or statuses) classify into a Sisimai reason.
#[test]
fn failure_entries_carry_a_bounce_reason() {
    let reasons: Vec<&str> = crate::tables::BOUNCE_REASONS.iter().map(|r| r[0]).collect();
    for e in ENTRIES.iter().filter(|e| !e.generic) {
        if !e.bounce_reason.is_empty() {
            assert!(
                reasons.contains(&e.bounce_reason),
                "{}: {}",
                e.id,
                e.bounce_reason
            );
        }
        if !e.reply_codes.is_empty() || !e.statuses.is_empty() {
            assert!(
                !e.bounce_reason.is_empty(),
                "{} has codes but no bounce_reason",
                e.id
            );
        }
    }
}

#[test]
fn the_knowledge_base_covers_the_common_areas() {
    let count = |cat: &str| ENTRIES.iter().filter(|e| e.category == cat).count();
    for (cat, at_least) in [
        ("authentication", 6),
        ("blocklist", 5),
        ("dns", 8),
        ("tls", 5),
        ("auth", 8),
        ("config", 6),
        ("network", 5),
        ("delivery", 4),
        ("rate-limit", 3),
    ] {
        assert!(
            count(cat) >= at_least,
            "category {cat}: only {}",
            count(cat)
        );
    }
    for (lang, at_least) in [("de", 40), ("fr", 20), ("es", 8)] {
        let n = ENTRIES
            .iter()
            .filter(|e| e.translation(lang).is_some())
            .count();
        assert!(n >= at_least, "{lang}: only {n} translations");
    }
}

/// Texts that differ in a word or a code from a neighbouring entry's must still go to their own
/// entry. None of these is an entry's example, so they test the ranking, not the examples.
#[test]
fn near_neighbours_go_to_the_right_entry() {
    let cases = [
        (
            "host mx.example.org[192.0.2.7] said: 554 5.7.1 <x@example.org>: Relay access denied (in reply to RCPT TO command)",
            "smtp/554-5.7.1-relay-access-denied",
        ),
        (
            "host mx.example.org[192.0.2.7] said: 550 5.7.1 SPF fail - not authorized (in reply to MAIL FROM command)",
            "smtp/550-5.7.1-spf-fail",
        ),
        (
            "550 5.1.1 <x@example.org>: Recipient address rejected: User unknown",
            "smtp/550-5.1.1-user-unknown",
        ),
        (
            "550 5.1.2 <x@example.invalid>: Host unknown",
            "smtp/550-5.1.2-host-unknown",
        ),
        (
            "554 5.7.1 Service unavailable; Client host [203.0.113.4] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.4",
            "smtp/554-5.7.1-blocked-using-spamhaus",
        ),
        (
            "554 5.7.1 Service unavailable; Client host [203.0.113.4] blocked using zen.spamhaus.org; Error: open resolver; https://www.spamhaus.org/returnc/pub/198.51.100.53",
            "postfix/dnsbl-open-resolver",
        ),
        (
            "554 5.7.1 Service unavailable; Client host [203.0.113.4] blocked using rbl.example.net",
            "smtp/554-5.7.1-blocked-using-dnsbl",
        ),
        (
            "450 4.7.1 Client host rejected: cannot find your hostname, [203.0.113.4]",
            "postfix/450-4.7.1-cannot-find-your-hostname",
        ),
        (
            "450 4.7.1 Client host rejected: cannot find your reverse hostname, [203.0.113.4]",
            "postfix/450-4.7.1-cannot-find-your-reverse-hostname",
        ),
        (
            "504 5.5.2 <box>: Helo command rejected: need fully-qualified hostname",
            "postfix/504-5.5.2-helo-need-fqdn",
        ),
        (
            "504 5.5.2 <box>: Sender address rejected: need fully-qualified address",
            "postfix/need-fully-qualified-address",
        ),
        (
            "450 4.1.2 <x@example.invalid>: Recipient address rejected: Domain not found",
            "postfix/recipient-address-rejected-domain-not-found",
        ),
        (
            "450 4.1.8 <x@example.invalid>: Sender address rejected: Domain not found",
            "postfix/sender-address-rejected-domain-not-found",
        ),
        (
            "SASL authentication failed; server smtp.example.net[203.0.113.25] said: 535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6",
            "postfix/sasl-authentication-failed-relayhost",
        ),
        (
            "warning: unknown[203.0.113.4]: SASL PLAIN authentication failed: ",
            "postfix/535-5.7.8-authentication-failed",
        ),
        (
            "SASL authentication failed; server smtp.gmail.com[203.0.113.26] said: 535-5.7.8 Username and Password not accepted.",
            "gmail/535-5.7.8-credentials-not-accepted",
        ),
        (
            "status=deferred (connect to mail.example.com[private/dovecot-lmtp]: Permission denied)",
            "postfix/lmtp-socket-missing",
        ),
        (
            "status=deferred (connect to mx.example.net[203.0.113.5]:25: Connection refused)",
            "smtp/connection-refused",
        ),
        (
            "status=bounced (unknown user: \"lee\")",
            "postfix/local-unknown-user",
        ),
        (
            "554 5.7.9 Message not accepted for policy reasons.",
            "yahoo/554-5.7.9-dmarc-policy",
        ),
        (
            "534-5.7.9 Application-specific password required.",
            "gmail/534-5.7.9-application-specific-password",
        ),
        (
            "450 4.2.0 <x@example.com>: Recipient address rejected: Greylisted for 300 seconds",
            "smtp/450-4.2.0-greylisted",
        ),
        (
            "warning: TLS library problem: error:0A00006C:SSL routines::bad key share",
            "postfix/tls-handshake-failed",
        ),
        (
            "550-5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy.",
            "gmail/550-5.7.26-unauthenticated-sender",
        ),
        (
            "550 5.7.509: Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject.",
            "microsoft/550-5.7.509-dmarc-reject",
        ),
        (
            "550 5.7.1 Rejected by DMARC policy for example.org",
            "smtp/550-5.7.1-dmarc-reject",
        ),
        (
            "450 4.7.1 Error: too many recipients from 203.0.113.4",
            "postfix/anvil-rate-limit-exceeded",
        ),
        (
            "452 4.5.3 Error: too many recipients",
            "postfix/452-4.5.3-too-many-recipients",
        ),
        (
            "host mx.example.org[192.0.2.7] refused to talk to me: 554 5.7.1 Service unavailable; Client host [203.0.113.4] blocked using zen.spamhaus.org",
            "smtp/554-5.7.1-blocked-using-spamhaus",
        ),
        (
            "550-5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP.",
            "gmail/550-5.7.25-no-ptr-record",
        ),
        (
            "550 5.7.1 Client rejected: no reverse DNS for 203.0.113.4",
            "smtp/550-5.7.1-reverse-dns-required",
        ),
        (
            "554 5.4.6 Hop count exceeded - possible mail loop",
            "smtp/554-5.4.6-too-many-hops",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, want) in cases {
        assert!(find(want).is_some(), "no entry {want}");
        let got = search(text).first().map(|e| e.id).unwrap_or("nothing");
        if got != want {
            wrong.push(format!("{text:?}: {got}, want {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The `Diagnostic-Code:` field of a message (first one, with its folded continuation lines),
/// without the `smtp;` type. A plain header scan, so the figure below measures the knowledge
/// base alone and not the bounce parser.
fn diagnostic_code(message: &str) -> Option<String> {
    let mut lines = message.lines();
    while let Some(line) = lines.next() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if !name.eq_ignore_ascii_case("diagnostic-code") {
            continue;
        }
        let mut text = value.trim().to_owned();
        for cont in lines.by_ref() {
            if !cont.starts_with([' ', '\t']) {
                break;
            }
            text.push(' ');
            text.push_str(cont.trim());
        }
        let text = match text.split_once(';') {
            Some((kind, rest)) if !kind.contains(' ') => rest.trim().to_owned(),
            _ => text,
        };
        return Some(text).filter(|t| !t.is_empty());
    }
    None
}

/// Reads the bounce corpus in `../shared/corpus/bounces` (beside the repository, or
/// `$MAILTRIAGE_SHARED/corpus/bounces`; skipped when absent): each message's diagnostic text goes
/// through [`search`], and the best entry's bounce reason is compared with the corpus's expected
/// (Sisimai) reason. Floors guard against entries that start stealing each other's texts.
#[test]
fn corpus_diagnostics_find_entries_with_the_expected_reason() {
    let shared = std::env::var_os("MAILTRIAGE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let dir = shared.join("corpus/bounces");
    let Ok(expected) = std::fs::read_to_string(dir.join("expected.tsv")) else {
        eprintln!("skipped: no corpus under {}", dir.display());
        return;
    };
    let (mut texts, mut matched, mut agree) = (0, 0, 0);
    for row in expected.lines().skip(1) {
        let mut cells = row.split('\t');
        let (Some(file), Some(reason)) = (cells.next(), cells.next()) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(dir.join(file)) else {
            continue;
        };
        let Some(text) = diagnostic_code(&String::from_utf8_lossy(&bytes)) else {
            continue;
        };
        texts += 1;
        if let Some(best) = search(&text).first() {
            matched += 1;
            agree += usize::from(best.bounce_reason == reason);
        }
    }
    eprintln!("{texts} diagnostics, {matched} matched an entry, {agree} with the expected reason");
    assert!(texts >= 100, "only {texts} diagnostics read");
    assert!(matched * 100 >= texts * 65, "{matched} of {texts} matched");
    assert!(agree * 100 >= matched * 60, "{agree} of {matched} agree");
}

#[test]
fn the_phrase_index_finds_what_a_scan_of_each_entry_finds() {
    let mut texts: Vec<String> = Vec::new();
    for e in ENTRIES {
        for p in e.patterns {
            texts.push(format!("x {p} y"));
            texts.push(format!("{p}{p}"));
        }
    }
    for r in compiled_regexes().iter().flatten() {
        texts.push(format!("x {} y", r.required));
    }
    texts.push(String::new());
    texts.push("a".into());
    texts.push("Überprüfung fehlgeschlagen: 550 5.7.1 relay access denied …".to_lowercase());
    for t in &texts {
        let hits = phrase_hits(t);
        for (e, got) in ENTRIES.iter().zip(&hits.best) {
            let want = e
                .patterns
                .iter()
                .filter(|p| t.contains(**p))
                .map(|p| p.len())
                .max();
            assert_eq!(*got, want, "{}: {t:?}", e.id);
        }
        let literals = compiled_regexes().iter().flatten();
        for (r, got) in literals.zip(&hits.required) {
            assert_eq!(*got, t.contains(r.required.as_str()), "{:?}", r.required);
        }
    }
}

#[test]
fn a_regex_prefilter_only_requires_what_every_match_holds() {
    assert_eq!(
        required_literal("connect to \\S+:25: timed out"),
        ":25: timed out"
    );
    assert_eq!(
        required_literal("do not list domain \\S+ in both"),
        "do not list domain "
    );
    assert_eq!(required_literal("colou?r"), "colo");
    assert_eq!(required_literal("abc|def"), "");
    assert_eq!(required_literal("(open|mkdir)\\(x"), "(x");
    assert_eq!(required_literal("can(not|'t) send"), " send");
    assert_eq!(required_literal("\\b[245][0-9]"), "");
    assert_eq!(required_literal("5\\.7\\.6(0[6-9]|4[0-9])\\b"), "5.7.6");
    assert_eq!(required_literal("ab+c"), "ab");
    assert_eq!(required_literal("[0-9]{1,3}\\.x"), ".x");
    assert_eq!(required_literal("x[]a-z]yz"), "yz");
    assert_eq!(required_literal("(?i)abc"), "");
    // Safe on the real entries: wherever a regex matches an entry's example text (match and
    // no-match examples alike), that text holds the literal the prefilter requires.
    for e in ENTRIES {
        for r in entry_regexes(e) {
            for ex in e.examples_match.iter().chain(e.examples_no_match) {
                let lower = ex.to_lowercase();
                if r.re.is_match(&lower) {
                    assert!(
                        lower.contains(r.required.as_str()),
                        "{}: `{}` matches {ex:?} without {:?}",
                        e.id,
                        r.re.as_str(),
                        r.required
                    );
                }
            }
        }
    }
}

#[test]
fn every_entry_knows_its_place() {
    // `entry_regexes` finds an entry's compiled regexes by `index`.
    for (i, e) in ENTRIES.iter().enumerate() {
        assert_eq!(e.index, i, "{}", e.id);
    }
}
