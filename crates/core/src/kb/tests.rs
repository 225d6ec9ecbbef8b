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
