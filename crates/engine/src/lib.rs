//! The page's analysis as its worker runs it (`web/worker.js`, never the page's main thread).
//! The page has one wasm module (`crates/web`'s binary) that both threads instantiate: the main
//! thread only mounts the UI, the worker only calls the exports of `crates/web/src/main.rs`,
//! which hold one [`Session`].
//!
//! [`Session::analyze`] answers with the page's JSON (the report, plus [`SegmentFacts`] for the
//! hover texts) and keeps the report, so that [`Session::markdown`] can render "Copy as
//! Markdown" only when it is asked for (rendering costs about as much as the analysis).

use mailtriage::postfix::params::Version;
use mailtriage::{Facts, Options, Report, SegmentKind};
use serde::Serialize;

/// What the page needs to know of each segment beyond the report: the core's label, and what
/// the hover texts need (for Postfix configuration the release and `compatibility_level` the
/// core read from it; for Dovecot whether it is 2.4 syntax). The page reads it back in
/// `crates/web/src/model.rs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SegmentFacts {
    pub label: String,
    /// `postconf -n`, `postconf` or `main.cf` text.
    pub postfix_config: bool,
    pub master_cf: bool,
    pub postfix_version: Option<String>,
    pub compatibility_level: Option<String>,
    /// Dovecot configuration: whether it is 2.4 syntax.
    pub dovecot_2_4: Option<bool>,
}

/// The [`SegmentFacts`] of every segment of `report`, in the same order, from the `facts` the
/// report was read from ([`mailtriage::analyze_with_facts`]).
pub fn segment_facts(report: &Report, facts: &Facts) -> Vec<SegmentFacts> {
    report
        .segments
        .iter()
        .map(|s| {
            let mut f = SegmentFacts {
                label: s.kind.label().to_owned(),
                postfix_config: s.kind.is_postfix_config(),
                master_cf: s.kind == SegmentKind::MasterCf,
                ..SegmentFacts::default()
            };
            let cfg = facts.postfix.iter().find(|c| c.span.start == s.start);
            if let Some(cfg) = cfg.filter(|_| f.postfix_config) {
                f.postfix_version = cfg.version.map(|v| v.to_string());
                f.compatibility_level = Some(cfg.compatibility_level.to_string());
            }
            if s.kind.is_dovecot_config() {
                let v = s.version.as_deref().and_then(Version::parse);
                f.dovecot_2_4 = Some(v.is_some_and(|v| v >= Version::new(2, 4, 0)));
            }
            f
        })
        .collect()
}

/// The page's JSON: `{"report": …, "segment_facts": […], "core_ms": …}`.
#[derive(Serialize)]
struct PageOutput<'a> {
    report: &'a Report,
    segment_facts: Vec<SegmentFacts>,
}

/// The page's JSON for `report`, read from `facts`.
pub fn to_json(report: &Report, facts: &Facts) -> String {
    serde_json::to_string(&PageOutput {
        report,
        segment_facts: segment_facts(report, facts),
    })
    .unwrap_or_else(|_| "{}".to_owned())
}

/// Analyses `text` and returns the page's JSON (no session kept).
pub fn analyze_to_json(text: &str) -> String {
    let (report, facts) = mailtriage::analyze_with_facts(text, &Options::default());
    to_json(&report, &facts)
}

/// The last analysis, kept for "Copy as Markdown".
#[derive(Default)]
pub struct Session {
    last: Option<(String, Report)>,
}

impl Session {
    /// Analyses `text`, keeps its report, and returns the page's JSON.
    pub fn analyze(&mut self, text: &str) -> String {
        let (report, facts) = mailtriage::analyze_with_facts(text, &Options::default());
        let json = to_json(&report, &facts);
        self.last = Some((text.to_owned(), report));
        json
    }

    /// The last report as Markdown (`render::markdown`, secrets masked); empty before any
    /// analysis.
    pub fn markdown(&self) -> String {
        self.last
            .as_ref()
            .map(|(text, report)| mailtriage::render::markdown(report, text))
            .unwrap_or_default()
    }

    /// The last analysed paste with every secret the report found masked (`secrets::redact`):
    /// what a share link may carry when the person includes the paste.
    pub fn redacted(&self) -> String {
        self.last
            .as_ref()
            .map(|(text, report)| mailtriage::secrets::redact(text, report))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_keeps_the_report_for_markdown() {
        let mut s = Session::default();
        assert_eq!(s.markdown(), "");
        let text = "mynetworks = 0.0.0.0/0\nmyhostname = mx.example.net\n";
        let json = s.analyze(text);
        assert!(json.starts_with("{\"report\":"), "{json}");
        assert!(json.contains("\"segment_facts\":["));
        assert!(json.contains("open_relay_mynetworks"), "{json}");
        let md = s.markdown();
        assert!(md.contains("mynetworks"), "{md}");
        // A new analysis replaces the kept one.
        s.analyze("");
        assert!(!s.markdown().contains("mynetworks"));
    }

    #[test]
    fn the_redacted_paste_masks_secrets_and_keeps_the_rest() {
        let mut s = Session::default();
        let text = "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n\n# /etc/postfix/sasl_passwd\n[smtp.example.net]:587 shop@example.net:Plum7-Orchard-Vane\n";
        s.analyze(text);
        let r = s.redacted();
        assert!(!r.contains("Plum7-Orchard-Vane"), "{r}");
        assert!(
            r.contains("shop@example.net:") && r.contains("smtp_sasl_password_maps"),
            "{r}"
        );
        assert_eq!(r.lines().count(), text.lines().count());
    }

    #[test]
    fn segment_facts_carry_release_level_and_syntax() {
        let text = "# 2.4.1 (7cd14a0a): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0 x86_64\nssl = required\nprotocols = imap\n\nmail_version = 3.8.4\ncompatibility_level = 3.6\nmyhostname = mx.example.net\nsmtpd_tls_auth_only = yes\n";
        let (report, facts) = mailtriage::analyze_with_facts(text, &Options::default());
        let facts = segment_facts(&report, &facts);
        assert_eq!(facts.len(), report.segments.len());
        assert!(
            facts.iter().any(|f| f.dovecot_2_4 == Some(true)),
            "{facts:?}"
        );
        assert!(
            facts.iter().any(|f| f.postfix_config
                && f.postfix_version.as_deref() == Some("3.8.4")
                && f.compatibility_level.as_deref() == Some("3.6")),
            "{facts:?}"
        );
    }
}
