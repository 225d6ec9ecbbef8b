//! The examples menu: one sample per kind of input, and whole cases. Written for this project
//! (own hosts and addresses from the documentation ranges); the texts live in `web/examples/`.

pub struct Example {
    pub id: &'static str,
    pub label: &'static str,
    /// `true` for a whole case (several inputs telling one story).
    pub case: bool,
    pub text: &'static str,
}

macro_rules! example {
    ($id:literal, $label:literal, $case:literal) => {
        Example {
            id: $id,
            label: $label,
            case: $case,
            text: include_str!(concat!("../../../web/examples/", $id, ".txt")),
        }
    };
}

pub static EXAMPLES: &[Example] = &[
    example!("postconf-n", "postconf -n", false),
    example!("doveconf-n", "doveconf -n", false),
    example!("master-cf", "master.cf (postconf -Mf)", false),
    example!("bounce", "Bounce message", false),
    example!("mail-log", "Mail log", false),
    example!("smtp-transcript", "SMTP transcript", false),
    example!("client-dialog", "Mail client error dialog", false),
    example!(
        "case-outlook-relay",
        "Case: Outlook gets “Relay access denied” on port 25",
        true
    ),
    example!(
        "case-dead-dnsbl",
        "Case: every sender rejected by a dead block list",
        true
    ),
    example!(
        "case-missing-mydestination",
        "Case: own domain missing from mydestination",
        true
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_recognised_and_analysed() {
        for e in EXAMPLES {
            assert!(!e.text.trim().is_empty(), "{} is empty", e.id);
            let r = mailtriage::analyze(e.text, &mailtriage::Options::default());
            assert!(
                r.segments
                    .iter()
                    .any(|s| s.kind != mailtriage::SegmentKind::Prose),
                "{}: no input kind detected",
                e.id
            );
            if e.case {
                assert!(
                    !r.findings.is_empty(),
                    "{}: a case must yield findings",
                    e.id
                );
            }
        }
    }

    #[test]
    fn each_single_sample_is_of_its_kind() {
        use mailtriage::SegmentKind::*;
        let want = [
            ("postconf-n", PostconfN),
            ("doveconf-n", DoveconfN),
            ("master-cf", MasterCf),
            ("bounce", Bounce),
            ("mail-log", MailLog),
            ("smtp-transcript", SmtpTranscript),
            ("client-dialog", ClientError),
        ];
        for (id, kind) in want {
            let e = EXAMPLES.iter().find(|e| e.id == id).unwrap();
            let r = mailtriage::analyze(e.text, &mailtriage::Options::default());
            assert!(
                r.segments.iter().any(|s| s.kind == kind),
                "{id}: expected a {kind:?} segment, got {:?}",
                r.segments.iter().map(|s| s.kind).collect::<Vec<_>>()
            );
        }
    }
}
