//! What the page shows, read back from the report's JSON (the same JSON whether the analysis ran
//! on the main thread or in the worker). Every field defaults, so a report that grows new fields
//! (or lacks optional ones) still renders; `relay_trace` is rendered whenever the core sends it.

use crate::hover::{segment_facts, SegmentFacts};
use serde::{Deserialize, Serialize};

/// One analysis as the page receives it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PageResult {
    pub report: ReportView,
    /// `render::markdown` of the same report, for "Copy as Markdown".
    pub markdown: String,
    /// One per segment of the report.
    pub segment_facts: Vec<SegmentFacts>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReportView {
    pub input_len: usize,
    pub segments: Vec<SegmentView>,
    pub findings: Vec<FindingView>,
    pub bounces: Vec<BounceView>,
    pub notes: Vec<NoteView>,
    pub relay_trace: Option<RelayTraceView>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct SegmentView {
    pub kind: String,
    pub start: usize,
    pub end: usize,
    pub version: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FindingView {
    pub id: String,
    pub severity: String,
    pub confidence: f32,
    pub title: String,
    pub summary: String,
    pub why: String,
    pub params: Vec<String>,
    pub evidence: Vec<EvidenceView>,
    pub fix: Option<FixView>,
    pub dead_ends: Vec<DeadEndView>,
    pub references: Vec<ReferenceView>,
    pub side: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EvidenceView {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FixView {
    pub text: String,
    pub snippet: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DeadEndView {
    pub attempt: String,
    pub why: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReferenceView {
    pub title: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct BounceView {
    pub recipient: String,
    pub action: String,
    pub reason: String,
    pub hard: bool,
    pub status: String,
    pub reply_code: String,
    pub command: String,
    pub remote_mta: String,
    pub reporting_mta: String,
    pub diagnostic: String,
    pub side: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct NoteView {
    pub start: usize,
    pub end: usize,
    pub source: String,
    pub message: String,
}

/// The relay simulation (`Report.relay_trace`): the walk through the restriction lists as smtpd
/// would do it. Parts whose exact shape may still change are read as [`Loose`] values and shown
/// as text, so the page renders whatever the core sends.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RelayTraceView {
    pub query: Loose,
    pub steps: Vec<RelayStepView>,
    /// The deciding step: its index, an object naming it (`{"step": 3, …}`), or a description.
    pub decision: Loose,
    pub reply: Loose,
    pub what_if: Vec<Loose>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RelayStepView {
    pub list: Loose,
    pub restriction: Loose,
    pub matched: Loose,
    pub reason: Loose,
}

impl RelayTraceView {
    /// Index of the step that decided, when `decision` names one.
    pub fn deciding_step(&self) -> Option<usize> {
        let idx = match &self.decision {
            Loose::Fields(f) => ["step", "index", "deciding_step"].iter().find_map(|k| {
                f.iter()
                    .find(|(n, _)| n == k)
                    .and_then(|(_, v)| v.as_index())
            }),
            other => other.as_index(),
        };
        idx.filter(|&i| i < self.steps.len())
    }
}

impl RelayStepView {
    /// Whether the restriction matched (`true`, `"yes"`, `"matched"`, `"permit"`, …).
    pub fn is_match(&self) -> bool {
        match &self.matched {
            Loose::Bool(b) => *b,
            Loose::Text(s) => !matches!(
                s.to_ascii_lowercase().as_str(),
                "" | "no" | "false" | "no match" | "dunno"
            ),
            Loose::Null => false,
            _ => true,
        }
    }
}

/// Any JSON value, read leniently (a much smaller reader in the page than `serde_json::Value`),
/// fields kept in the order sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Loose {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Loose>),
    Fields(Vec<(String, Loose)>),
}

impl Loose {
    pub fn is_null(&self) -> bool {
        matches!(self, Loose::Null)
    }
    fn as_index(&self) -> Option<usize> {
        match self {
            Loose::Number(n) if *n >= 0.0 && n.fract() == 0.0 => Some(*n as usize),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Loose, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> serde::de::Visitor<'de> for LooseVisitor {
    type Value = Loose;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_none<E>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        Loose::deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<Loose>()? {
            items.push(v);
        }
        Ok(Loose::List(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        let mut fields = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Loose>()? {
            fields.push((k, v));
        }
        Ok(Loose::Fields(fields))
    }
}

const FIRST_KEYS: [&str; 6] = ["toggle", "if", "condition", "change", "name", "label"];

/// A value as one line of text: strings as they are, objects as `key: value` pairs.
pub fn value_text(v: &Loose) -> String {
    match v {
        Loose::Null => String::new(),
        Loose::Text(s) => s.clone(),
        Loose::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Loose::Number(n) => n.to_string(),
        Loose::List(a) => a.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Loose::Fields(o) => {
            // What a what-if toggles reads first; the rest in the order sent.
            let rank = |k: &str| {
                FIRST_KEYS
                    .iter()
                    .position(|f| *f == k)
                    .unwrap_or(FIRST_KEYS.len())
            };
            let mut items: Vec<_> = o.iter().filter(|(_, v)| !v.is_null()).collect();
            items.sort_by_key(|(k, _)| rank(k));
            items
                .into_iter()
                .map(|(k, v)| format!("{}: {}", k.replace('_', " "), value_text(v)))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// What the worker and the main thread hand over: the report as JSON plus its Markdown.
#[derive(Serialize)]
pub struct PageOutput<'a> {
    pub report: &'a mailtriage::Report,
    pub markdown: String,
    pub segment_facts: Vec<SegmentFacts>,
}

/// Runs the core on `text` and returns the page's JSON with the Markdown (the worker's answer;
/// see [`PageResult`]).
pub fn analyze_to_json(text: &str) -> String {
    let report = mailtriage::analyze(text, &mailtriage::Options::default());
    let markdown = mailtriage::render::markdown(&report, text);
    to_json(&report, text, markdown)
}

/// The page's JSON for a report. On the main thread `markdown` is left empty and made only when
/// asked for (it costs as much as the analysis itself).
pub fn to_json(report: &mailtriage::Report, text: &str, markdown: String) -> String {
    serde_json::to_string(&PageOutput {
        report,
        markdown,
        segment_facts: segment_facts(report, text),
    })
    .unwrap_or_else(|_| "{}".to_owned())
}

/// Reads what [`analyze_to_json`] produced. A malformed text gives an empty result, never a panic.
pub fn parse_result(json: &str) -> PageResult {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_report_reads_back_with_every_part() {
        let text = "mynetworks = 127.0.0.0/8\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\nsmtpd_tls_auth_only = yes\nmynetworks = 10.0.0.0/8\n\nMar  4 09:12:45 mx postfix/smtpd[4411]: NOQUEUE: reject: RCPT from c.example.org[203.0.113.40]: 554 5.7.1 <a@example.com>: Relay access denied; from=<me@example.net> to=<a@example.com> proto=ESMTP helo=<c>\n";
        let r = parse_result(&analyze_to_json(text));
        assert_eq!(r.report.input_len, text.len());
        assert!(r.report.segments.iter().any(|s| s.kind == "mail_log"));
        assert_eq!(r.segment_facts.len(), r.report.segments.len());
        assert!(r.segment_facts.iter().any(|f| f.label == "mail log"));
        assert!(!r.report.findings.is_empty());
        for f in &r.report.findings {
            assert!(!f.title.is_empty() && !f.severity.is_empty());
            for e in &f.evidence {
                assert!(e.start <= e.end && e.end <= text.len());
            }
        }
        assert!(r.markdown.starts_with("## mailtriage report"));
    }

    #[test]
    fn a_relay_trace_in_the_agreed_shape_is_read() {
        let json = r#"{"report":{"input_len":3,"relay_trace":{"query":{"client_ip":"203.0.113.9","sasl":false},
            "steps":[{"list":"smtpd_relay_restrictions","restriction":"permit_mynetworks","matched":false,"reason":"not in mynetworks"},
                     {"list":"smtpd_relay_restrictions","restriction":"reject_unauth_destination","matched":true,"reason":"example.com is not local"}],
            "decision":1,"reply":"554 5.7.1 Relay access denied","what_if":[{"toggle":"authenticated","decision":"permit"}]}}}"#;
        let r = parse_result(json);
        let t = r.report.relay_trace.unwrap();
        assert_eq!(t.steps.len(), 2);
        assert_eq!(t.deciding_step(), Some(1));
        assert!(!t.steps[0].is_match() && t.steps[1].is_match());
        assert_eq!(value_text(&t.query), "client ip: 203.0.113.9; sasl: no");
        assert_eq!(value_text(&Loose::Number(25.0)), "25");
        assert_eq!(value_text(&t.reply), "554 5.7.1 Relay access denied");
        assert_eq!(
            value_text(&t.what_if[0]),
            "toggle: authenticated; decision: permit"
        );
    }

    #[test]
    fn a_relay_trace_of_another_shape_still_reads() {
        let json = r#"{"report":{"relay_trace":{"query":{"client":{"ip":"192.0.2.8","sasl":null},"rcpt":["a@example.com"]},
            "steps":[{"list":"smtpd_recipient_restrictions","restriction":"reject_unauth_destination","matched":"yes","reason":"not local","extra":1.5}],
            "decision":{"step":0,"action":"reject"},"reply":{"code":554,"text":"Relay access denied"},"what_if":[],"new_field":true}}}"#;
        let t = parse_result(json).report.relay_trace.unwrap();
        assert_eq!(t.deciding_step(), Some(0));
        assert!(t.steps[0].is_match());
        assert_eq!(
            value_text(&t.query),
            "client: ip: 192.0.2.8; rcpt: a@example.com"
        );
        assert_eq!(value_text(&t.reply), "code: 554; text: Relay access denied");
    }

    #[test]
    fn malformed_json_gives_an_empty_result() {
        assert_eq!(parse_result("{not json"), PageResult::default());
    }
}
