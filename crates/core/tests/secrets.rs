//! No rendering repeats a secret: the text and Markdown renderings (and the JSON report) of every
//! project fixture hold none of the secret values its report found, while the fixtures under
//! `tests/fixtures/secrets/` do hold secrets (so the test is not vacuous).

use mailtriage::{analyze, render, text::slice, Options};
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "txt" || x == "eml" || x == "log" || x == "cf")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn renderings_never_quote_a_secret() {
    let mut with_secrets = 0;
    for path in fixtures() {
        let input = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let report = analyze(&input, &Options::default());
        if report.secrets.is_empty() {
            continue;
        }
        with_secrets += 1;
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.id == "privacy/secret_in_paste"),
            "{}: secrets but no finding",
            path.display()
        );
        let outputs = [
            ("text", render::text(&report, &input)),
            ("markdown", render::markdown(&report, &input)),
            ("json", serde_json::to_string(&report).unwrap()),
            ("redacted", render::redact(&input, &report)),
        ];
        for s in &report.secrets {
            let value = slice(&input, s.span);
            for piece in value.lines().map(str::trim).filter(|p| p.len() >= 4) {
                for (name, out) in &outputs {
                    assert!(
                        !out.contains(piece),
                        "{}: {name} output quotes the {} on line {}",
                        path.display(),
                        s.kind.as_str(),
                        mailtriage::text::line_number(&input, s.span.start)
                    );
                }
            }
        }
        // The secret lines are still pointed at, masked.
        let md = &outputs[1].1;
        assert!(md.contains(render::MASK), "{}", path.display());
    }
    assert!(
        with_secrets >= 5,
        "only {with_secrets} fixtures hold secrets"
    );
}

#[test]
fn a_finding_that_quotes_a_secret_is_masked_in_every_rendering() {
    let input = "relayhost = [smtp.example.net]:587\nsmtp_sasl_password_maps = static:relay@example.org:Quoted-Secret-1\n";
    let mut report = analyze(input, &Options::default());
    let at = input.find("Quoted").unwrap();
    // A finding (of any check, now or later) that quotes the value in its texts and points at it.
    report.findings.push(
        mailtriage::Finding::new("test/quotes_value", mailtriage::Severity::Info, "Quotes it")
            .summary("The map says `static:relay@example.org:Quoted-Secret-1`.")
            .evidence(mailtriage::Span::new(at - 5, at + 15), "around the secret")
            .fix(
                "Keep Quoted-Secret-1 out of pastes.",
                Some("Quoted-Secret-1".into()),
            ),
    );
    for out in [
        render::text(&report, input),
        render::markdown(&report, input),
    ] {
        assert!(!out.contains("Quoted-Secret-1"), "{out}");
        assert!(out.contains("org:•••••"), "{out}");
    }
    assert_eq!(
        render::mask("x Quoted-Secret-1 y", &report, input),
        "x ••••• y"
    );
}
