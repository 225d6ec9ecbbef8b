//! What the page shows, read back from the JSON that the engine (`crates/engine`, in the page's
//! worker) sends. Every field defaults, so a report that grows new fields (or lacks optional
//! ones) still renders; `relay_trace` is rendered whenever the core sends it. The UI code never
//! calls the analysis: these types mirror the core's report by hand, and its JSON is read without
//! serde's derived decoding, to keep the page's first load small.

/// One analysis as the page receives it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageResult {
    pub report: ReportView,
    /// One per segment of the report.
    pub segment_facts: Vec<SegmentFacts>,
}

/// What the hover texts need to know of a segment: the engine's own type (the page's module
/// links the engine), read back from its JSON below.
pub use mailtriage_engine::SegmentFacts;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportView {
    pub input_len: usize,
    pub segments: Vec<SegmentView>,
    pub findings: Vec<FindingView>,
    pub bounces: Vec<BounceView>,
    pub notes: Vec<NoteView>,
    pub relay_trace: Option<RelayTraceView>,
    /// Where the paste holds passwords or keys: masked wherever the page quotes the paste.
    pub secrets: Vec<SecretView>,
    pub smtp_sessions: Vec<SmtpSessionView>,
}

/// A pasted SMTP transcript (`Report.smtp_sessions`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SmtpSessionView {
    pub span: SpanView,
    pub style: String,
    pub port: Option<usize>,
    pub server: Option<String>,
    pub software: Option<String>,
    pub tls: bool,
    pub auth: Option<bool>,
    pub offered: Option<SmtpOfferView>,
    pub steps: Vec<SmtpStepView>,
    pub more_steps: usize,
    /// The core's phrases about the session ("port 587", "no TLS"…).
    pub described: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SmtpOfferView {
    pub starttls: bool,
    pub auth_mechanisms: Vec<String>,
    pub size: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SmtpStepView {
    pub stage: String,
    pub command: String,
    pub reply_code: Option<usize>,
    pub status: Option<String>,
    pub reply: String,
    pub tls: bool,
    pub authenticated: bool,
    pub span: SpanView,
}

impl SmtpStepView {
    /// The server refused (4xx/5xx).
    pub fn refused(&self) -> bool {
        self.reply_code.is_some_and(|c| c >= 400)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecretView {
    pub span: SpanView,
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanView {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SegmentView {
    pub kind: String,
    pub start: usize,
    pub end: usize,
    pub version: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
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

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvidenceView {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FixView {
    pub text: String,
    pub snippet: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeadEndView {
    pub attempt: String,
    pub why: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReferenceView {
    pub title: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
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

#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoteView {
    pub start: usize,
    pub end: usize,
    pub source: String,
    pub message: String,
}

/// The relay simulation (`Report.relay_trace`): the walk through the restriction lists as smtpd
/// would do it. Parts whose exact shape may still change are read as [`Loose`] values and shown
/// as text, so the page renders whatever the core sends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelayTraceView {
    pub query: Loose,
    pub steps: Vec<RelayStepView>,
    /// The deciding step: its index, an object naming it (`{"step": 3, …}`), or a description.
    pub decision: Loose,
    pub reply: Loose,
    pub what_if: Vec<Loose>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelayStepView {
    pub list: Loose,
    pub restriction: Loose,
    pub matched: Loose,
    pub reason: Loose,
    /// This step decided (the core marks it so).
    pub deciding: Loose,
    /// Where the restriction is written in the paste (when it is).
    pub start: Loose,
    pub end: Loose,
}

impl RelayTraceView {
    /// Index of the step that decided: the one marked `deciding`, else the one `decision` names.
    pub fn deciding_step(&self) -> Option<usize> {
        if let Some(i) = self
            .steps
            .iter()
            .position(|s| matches!(s.deciding, Loose::Bool(true)))
        {
            return Some(i);
        }
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

/// A what-if of the relay trace as one line: "If the client authenticated: reject (no change) —
/// reason." Shapes other than `{label, decision, changes, reason}` are shown as plain text.
pub fn what_if_text(w: &Loose) -> String {
    let Loose::Fields(f) = w else {
        return value_text(w);
    };
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let (Some(Loose::Text(label)), Some(decision)) = (get("label"), get("decision")) else {
        return value_text(w);
    };
    let decision = value_text(decision);
    let mut out = if decision == "unknown" {
        format!("If {label}: no decision")
    } else {
        format!("If {label}: {decision}")
    };
    match get("changes") {
        Some(Loose::Bool(false)) if decision != "unknown" => out.push_str(" (no change)"),
        Some(Loose::Bool(true)) => out.push_str(" (changes the outcome)"),
        _ => {}
    }
    if let Some(r) = get("reason").filter(|r| !r.is_null()) {
        out.push_str(" — ");
        out.push_str(&value_text(r));
    }
    out
}

/// The simulated request as a sentence ("RCPT TO lena@example.com from 192.0.2.140
/// (shop.example.org), port 25, no TLS, not logged in"); other shapes as plain text.
pub fn query_text(q: &Loose) -> String {
    let Loose::Fields(f) = q else {
        return value_text(q);
    };
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let text = |k: &str| match get(k) {
        Some(Loose::Text(t)) if !t.is_empty() => Some(t.clone()),
        Some(Loose::Number(n)) => Some(number_text(*n)),
        _ => None,
    };
    let Some(rcpt) = text("recipient") else {
        return value_text(q);
    };
    let mut out = format!("RCPT TO {rcpt}");
    match (text("client_ip"), text("client_host")) {
        (Some(ip), Some(h)) => out.push_str(&format!(" from {ip} ({h})")),
        (Some(x), None) | (None, Some(x)) => out.push_str(&format!(" from {x}")),
        _ => {}
    }
    if let Some(p) = text("port") {
        out.push_str(&format!(", port {p}"));
    }
    match get("tls") {
        Some(Loose::Bool(true)) => out.push_str(", TLS"),
        Some(Loose::Bool(false)) => out.push_str(", no TLS"),
        _ => {}
    }
    match get("authenticated") {
        Some(Loose::Bool(true)) => out.push_str(", logged in"),
        Some(Loose::Bool(false)) => out.push_str(", not logged in"),
        _ => {}
    }
    if let Some(s) = text("service") {
        out.push_str(&format!(" (master.cf service {s})"));
    }
    out
}

impl RelayStepView {
    /// The restriction's place in the paste, when the core gave one.
    pub fn span(&self) -> Option<(usize, usize)> {
        match (self.start.as_index(), self.end.as_index()) {
            (Some(a), Some(b)) if a < b => Some((a, b)),
            _ => None,
        }
    }

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

/// A JSON number as the page writes it: whole numbers as they are, others to three decimals
/// (the report's numbers are ports, counts and confidences).
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return (n as i64).to_string();
    }
    let t = mailtriage::text::fixed(n, 3);
    t.trim_end_matches('0').trim_end_matches('.').to_owned()
}

const FIRST_KEYS: [&str; 6] = ["toggle", "if", "condition", "change", "name", "label"];

/// A value as one line of text: strings as they are, objects as `key: value` pairs.
pub fn value_text(v: &Loose) -> String {
    match v {
        Loose::Null => String::new(),
        Loose::Text(s) => s.clone(),
        Loose::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Loose::Number(n) => number_text(*n),
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
            mailtriage::text::sort_by_key(&mut items, |(k, _)| rank(k));
            items
                .into_iter()
                .map(|(k, v)| format!("{}: {}", k.replace('_', " "), value_text(v)))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// Reads what the engine sent (`mailtriage_engine::to_json`). A malformed text gives an empty result, never a panic.
/// Hand-written over [`Loose`] rather than `serde::Deserialize`: serde_json's deserialiser and
/// the derived impls were a tenth of the page's code.
pub fn parse_result(json: &str) -> PageResult {
    match Loose::parse(json) {
        Some(v) => PageResult::read(v),
        None => PageResult::default(),
    }
}

impl Loose {
    /// Parses one JSON text (RFC 8259). `None` when it is not JSON; nesting deeper than
    /// [`MAX_DEPTH`] is refused rather than recursed into.
    pub fn parse(json: &str) -> Option<Loose> {
        let mut p = JsonReader {
            s: json.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }
}

const MAX_DEPTH: usize = 128;

struct JsonReader<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonReader<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        let hit = self.s.get(self.i) == Some(&b);
        self.i += hit as usize;
        hit
    }

    fn word(&mut self, w: &str, v: Loose) -> Option<Loose> {
        self.s[self.i..].starts_with(w.as_bytes()).then(|| {
            self.i += w.len();
            v
        })
    }

    fn value(&mut self, depth: usize) -> Option<Loose> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'n' => self.word("null", Loose::Null),
            b't' => self.word("true", Loose::Bool(true)),
            b'f' => self.word("false", Loose::Bool(false)),
            b'"' => self.string().map(Loose::Text),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Loose::List(items))
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let k = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        fields.push((k, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Loose::Fields(fields))
            }
            _ => {
                let start = self.i;
                while matches!(
                    self.s.get(self.i),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).ok()?;
                t.parse().ok().map(Loose::Number)
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        self.i += 4;
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    }

    /// A string at `"`; escapes decoded, a lone surrogate read as U+FFFD.
    fn string(&mut self) -> Option<String> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let start = self.i;
            while !matches!(self.s.get(self.i), Some(b'"' | b'\\') | None) {
                self.i += 1;
            }
            out.extend_from_slice(&self.s[start..self.i]);
            let c = *self.s.get(self.i)?;
            self.i += 1;
            if c == b'"' {
                break;
            }
            let e = *self.s.get(self.i)?;
            self.i += 1;
            let ch = match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&hi)
                        && self.s[self.i..].starts_with(b"\\u")
                    {
                        let save = self.i;
                        self.i += 2;
                        match self.hex4()? {
                            lo @ 0xDC00..0xE000 => 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                            _ => {
                                self.i = save;
                                0xFFFD
                            }
                        }
                    } else {
                        hi
                    };
                    char::from_u32(code).unwrap_or('\u{fffd}')
                }
                _ => return None,
            };
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
        }
        String::from_utf8(out).ok()
    }
}

/// A page-side value read from [`Loose`]; a missing or mistyped part reads as its default.
trait Read: Default {
    fn read(v: Loose) -> Self;
}

impl Read for Loose {
    fn read(v: Loose) -> Self {
        v
    }
}

impl Read for String {
    fn read(v: Loose) -> Self {
        match v {
            Loose::Text(s) => s,
            _ => String::new(),
        }
    }
}

impl Read for bool {
    fn read(v: Loose) -> Self {
        matches!(v, Loose::Bool(true))
    }
}

impl Read for usize {
    fn read(v: Loose) -> Self {
        v.as_index().unwrap_or(0)
    }
}

impl Read for f32 {
    fn read(v: Loose) -> Self {
        match v {
            Loose::Number(n) => n as f32,
            _ => 0.0,
        }
    }
}

impl<T: Read> Read for Option<T> {
    fn read(v: Loose) -> Self {
        (!v.is_null()).then(|| T::read(v))
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(v: Loose) -> Self {
        match v {
            Loose::List(items) => items.into_iter().map(T::read).collect(),
            _ => Vec::new(),
        }
    }
}

/// `Read` for a struct from a JSON object: each listed field by its name, others ignored.
macro_rules! read_fields {
    ($($t:ty { $($f:ident),* $(,)? })*) => {$(
        impl Read for $t {
            fn read(v: Loose) -> Self {
                let mut out = <$t>::default();
                if let Loose::Fields(fields) = v {
                    for (k, v) in fields {
                        match k.as_str() {
                            $(stringify!($f) => out.$f = Read::read(v),)*
                            _ => {}
                        }
                    }
                }
                out
            }
        }
    )*};
}

read_fields! {
    PageResult { report, segment_facts }
    ReportView { input_len, segments, findings, bounces, notes, relay_trace, secrets, smtp_sessions }
    SmtpSessionView { span, style, port, server, software, tls, auth, offered, steps, more_steps, described }
    SmtpOfferView { starttls, auth_mechanisms, size }
    SmtpStepView { stage, command, reply_code, status, reply, tls, authenticated, span }
    SecretView { span, kind }
    SpanView { start, end }
    SegmentView { kind, start, end, version }
    FindingView { id, severity, confidence, title, summary, why, params, evidence, fix, dead_ends, references, side }
    EvidenceView { start, end, label }
    FixView { text, snippet }
    DeadEndView { attempt, why }
    ReferenceView { title, url }
    BounceView { recipient, action, reason, hard, status, reply_code, command, remote_mta, reporting_mta, diagnostic, side }
    NoteView { start, end, source, message }
    RelayTraceView { query, steps, decision, reply, what_if }
    RelayStepView { list, restriction, matched, reason, deciding, start, end }
    SegmentFacts { label, postfix_config, master_cf, postfix_version, compatibility_level, dovecot_2_4 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_report_reads_back_with_every_part() {
        let text = "mynetworks = 127.0.0.0/8\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\nsmtpd_tls_auth_only = yes\nmynetworks = 10.0.0.0/8\n\nMar  4 09:12:45 mx postfix/smtpd[4411]: NOQUEUE: reject: RCPT from c.example.org[203.0.113.40]: 554 5.7.1 <a@example.com>: Relay access denied; from=<me@example.net> to=<a@example.com> proto=ESMTP helo=<c>\n";
        let r = parse_result(&mailtriage_engine::analyze_to_json(text));
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
        assert_eq!(value_text(&Loose::Number(-2.0)), "-2");
        assert_eq!(value_text(&Loose::Number(0.85f32 as f64)), "0.85");
        assert_eq!(value_text(&Loose::Number(1.5)), "1.5");
        assert_eq!(value_text(&t.reply), "554 5.7.1 Relay access denied");
        assert_eq!(
            value_text(&t.what_if[0]),
            "toggle: authenticated; decision: permit"
        );
    }

    #[test]
    fn the_core_relay_trace_reads_with_its_deciding_step_and_what_ifs() {
        let text = "mydestination = $myhostname, localhost\nmyhostname = mx.example.net\nmynetworks = 127.0.0.0/8\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_sasl_auth_enable = yes\n\nJul  9 11:02:17 mx postfix/smtpd[7701]: NOQUEUE: reject: RCPT from pc.example.org[192.0.2.140]: 554 5.7.1 <kim@example.com>: Relay access denied; from=<ann@example.net> to=<kim@example.com> proto=ESMTP helo=<PC>\n";
        let r = parse_result(&mailtriage_engine::analyze_to_json(text));
        let t = r.report.relay_trace.expect("a relay trace");
        let d = t.deciding_step().expect("a deciding step");
        assert_eq!(
            value_text(&t.steps[d].restriction),
            "reject_unauth_destination"
        );
        let (a, b) = t.steps[d].span().expect("its place in the paste");
        assert_eq!(&text[a..b], "reject_unauth_destination");
        let q = query_text(&t.query);
        assert!(
            q.starts_with("RCPT TO kim@example.com from 192.0.2.140 (pc.example.org)"),
            "{q}"
        );
        assert!(!t.what_if.is_empty());
        let w = what_if_text(&t.what_if[0]);
        assert!(w.starts_with("If the client authenticated: "), "{w}");
    }

    #[test]
    fn an_smtp_session_reads_back_with_its_offer_and_refusal() {
        let text = "=== Trying mx.example.net:587...\n=== Connected to mx.example.net.\n<-  220 mx.example.net ESMTP Postfix\n -> EHLO pc.example.org\n<-  250-mx.example.net\n<-  250-SIZE 10240000\n<-  250-STARTTLS\n<-  250 8BITMIME\n -> MAIL FROM:<ann@example.org>\n<-  250 2.1.0 Ok\n -> RCPT TO:<kim@example.com>\n<** 554 5.7.1 <kim@example.com>: Relay access denied\n -> QUIT\n<-  221 2.0.0 Bye\n";
        let r = parse_result(&mailtriage_engine::analyze_to_json(text));
        let s = r.report.smtp_sessions.first().expect("a session");
        assert_eq!(s.style, "swaks");
        assert_eq!(s.port, Some(587));
        let o = s.offered.as_ref().expect("an EHLO offer");
        assert!(o.starttls && o.auth_mechanisms.is_empty());
        assert_eq!(o.size, Some(10240000));
        let refused: Vec<_> = s.steps.iter().filter(|x| x.refused()).collect();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].stage, "RCPT");
        assert_eq!(refused[0].command, "RCPT TO:<kim@example.com>");
        assert_eq!(refused[0].status.as_deref(), Some("5.7.1"));
        let (a, b) = (refused[0].span.start, refused[0].span.end);
        assert!(text[a..b].contains("RCPT TO"), "{:?}", &text[a..b]);
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
        for bad in [
            "",
            "{",
            "[1,",
            "{\"a\":}",
            "\"\\x\"",
            "\"open",
            "[1] 2",
            "tru",
            "{\"a\" 1}",
            "\"\\u12\"",
        ] {
            assert_eq!(Loose::parse(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(Loose::parse(&deep), None);
    }

    #[test]
    fn the_json_reader_reads_what_serde_json_writes() {
        let text = "é \u{1F600} \"q\" \\ /\n\t\u{1}\u{7f}";
        let json = serde_json::to_string(
            &serde_json::json!({"a": [text, 1.5, -2, 1e3, true, false, null], "b": {}}),
        )
        .unwrap();
        let v = Loose::parse(&format!(" {json} \n")).unwrap();
        let Loose::Fields(f) = v else { panic!("{v:?}") };
        assert_eq!(f[0].0, "a");
        assert_eq!(
            f[0].1,
            Loose::List(vec![
                Loose::Text(text.to_owned()),
                Loose::Number(1.5),
                Loose::Number(-2.0),
                Loose::Number(1000.0),
                Loose::Bool(true),
                Loose::Bool(false),
                Loose::Null,
            ])
        );
        assert_eq!(f[1], ("b".to_owned(), Loose::Fields(vec![])));
        // Escaped surrogate pairs; a lone surrogate reads as U+FFFD.
        assert_eq!(
            Loose::parse(r#""\ud83d\ude00 \ud800x \u00e9""#),
            Some(Loose::Text("\u{1F600} \u{FFFD}x é".to_owned()))
        );
    }
}
