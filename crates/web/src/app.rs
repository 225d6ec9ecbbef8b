//! The page: toolbar, paste area and results. Analysis runs on each edit (debounced) and on
//! Ctrl/Cmd+Enter, always in the worker that `web/boot.js` starts, with the worker's own instance
//! of the page's module (`crates/engine` behind `main.rs`'s exports): the main thread never
//! analyses and never blocks on a paste. Once the page is up (its first render) the worker is
//! told to warm its instance on the examples. Progress shows for large pastes and slow runs.
//! Everything the person pasted is shown through text nodes only.

use crate::editor::{set_textarea_value, textarea_value, Editor, Reveal, Snapshot, BIG_PASTE};
use crate::examples::EXAMPLES;
use crate::hover::HoverContext;
use crate::lines::{LineIndex, Mark};
use crate::markdown;
use crate::model::{
    parse_result, query_text, value_text, what_if_text, FindingView, PageResult, RelayTraceView,
    SmtpSessionView,
};
use gloo_timers::callback::{Interval, Timeout};
use js_sys::Reflect;
use mailtriage::text::fixed;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Pastes at least this long show progress at once (and wait longer after each edit).
pub const LARGE_PASTE: usize = 256 * 1024;
/// A smaller paste shows progress only when its analysis takes longer than this (the engine's
/// first load, a slow machine), so that quick runs do not flicker.
const SLOW_MS: f64 = 300.0;
const DEBOUNCE_MS: u32 = 150;
/// Evidence items listed per finding (a 10 MB log can give thousands; all stay highlighted).
const MAX_EVIDENCE_SHOWN: usize = 12;
const DEBOUNCE_LARGE_MS: u32 = 400;
/// Longest share link offered (Chromium opens URLs up to 2 MB).
const MAX_LINK: usize = 2_000_000;

#[wasm_bindgen]
extern "C" {
    /// `window.mailtriageWorker.analyze(id, text)` from `web/boot.js`.
    #[wasm_bindgen(catch, js_namespace = mailtriageWorker, js_name = analyze)]
    fn worker_analyze(id: u32, text: &str) -> Result<(), JsValue>;
    /// `window.mailtriageWorker.markdown(id)`: the Markdown of analysis `id`, if it is the
    /// worker's last.
    #[wasm_bindgen(catch, js_namespace = mailtriageWorker, js_name = markdown)]
    fn worker_markdown(id: u32) -> Result<(), JsValue>;
    /// `window.mailtriageWorker.share(id, paste)`: a link fragment for analysis `id`, carrying its
    /// report, or its paste with the secrets masked.
    #[wasm_bindgen(catch, js_namespace = mailtriageWorker, js_name = share)]
    fn worker_share(id: u32, paste: bool) -> Result<(), JsValue>;
    /// `window.mailtriageWorker.unpack(fragment)`: the text a share link carries.
    #[wasm_bindgen(catch, js_namespace = mailtriageWorker, js_name = unpack)]
    fn worker_unpack(fragment: &str) -> Result<(), JsValue>;
    /// `window.mailtriageWorker.warm(sample)`: have the worker run its analysis on `sample`
    /// until the first paste, so that its hot code is optimised by then (see web/worker.js).
    #[wasm_bindgen(catch, js_namespace = mailtriageWorker, js_name = warm)]
    fn worker_warm(sample: &str) -> Result<(), JsValue>;
}

#[derive(Clone, Copy, PartialEq)]
enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

pub enum Msg {
    Input,
    BigPaste(String),
    /// A dropped file's text: replaces the paste.
    File(String),
    Run,
    /// Analysis `id`: the engine's JSON, its time, and why it failed if it did.
    WorkerDone(u32, String, f64, Option<String>),
    /// The Markdown of analysis `id` (empty when the worker's last analysis is another).
    MarkdownDone(u32, String),
    CopyLink,
    /// A share link's fragment for analysis `id` (empty when it could not be made).
    LinkDone(u32, String),
    ToggleSharePaste,
    /// What the link the page was opened with carries: `paste` or `report` and the text, or
    /// `error` and why it could not be read.
    Unpacked(String, String),
    CloseShared,
    Tick,
    Select(usize),
    Pick(usize),
    RevealSpan(usize, usize),
    Example(String),
    CopyMarkdown,
    CopySnippet(usize),
    Copied(String),
    ToggleTheme,
    Clear,
}

/// `mailtriageWorker.onresult(id, json, ms, error)`.
type WorkerCallback = Closure<dyn FnMut(u32, String, f64, Option<String>)>;
/// `mailtriageWorker.onmarkdown(id, markdown)` and `onshare(id, fragment)`.
type MarkdownCallback = Closure<dyn FnMut(u32, String)>;
/// `mailtriageWorker.onunpacked(kind, text)`.
type UnpackCallback = Closure<dyn FnMut(String, String)>;

struct Busy {
    id: u32,
    bytes: usize,
    started: f64,
    text: String,
}

pub struct App {
    textarea: NodeRef,
    /// A large paste, shown in the read-only view instead of the textarea (see editor.rs).
    big: Option<Rc<String>>,
    snapshot: Rc<Snapshot>,
    result: Rc<PageResult>,
    /// The worker's id of the analysis shown (for its Markdown).
    shown_id: u32,
    generation: u64,
    debounce: Option<Timeout>,
    busy: Option<Busy>,
    next_id: u32,
    ticker: Option<Interval>,
    active: Option<usize>,
    reveal: Option<Reveal>,
    nonce: u32,
    stale: bool,
    last_ms: Option<f64>,
    status: Option<String>,
    status_timer: Option<Timeout>,
    theme: Theme,
    /// Share links include the paste (secrets masked).
    share_paste: bool,
    /// The report a share link carried, shown read-only.
    shared_report: Option<String>,
    _worker_cb: Option<(
        WorkerCallback,
        MarkdownCallback,
        MarkdownCallback,
        UnpackCallback,
    )>,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn perf_mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Measuring hooks for `tools/measure-page.mjs` and the browser tests.
fn expose(name: &str, v: &JsValue) {
    if let Some(w) = web_sys::window() {
        let _ = Reflect::set(&w, &JsValue::from_str(name), v);
    }
}

fn stored_theme() -> Theme {
    let v = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("mailtriage-theme").ok().flatten());
    match v.as_deref() {
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        _ => Theme::System,
    }
}

fn apply_theme(t: Theme) {
    let Some(w) = web_sys::window() else { return };
    if let Some(root) = w.document().and_then(|d| d.document_element()) {
        let _ = match t {
            Theme::System => root.remove_attribute("data-theme"),
            _ => root.set_attribute("data-theme", t.name()),
        };
    }
    if let Ok(Some(s)) = w.local_storage() {
        let _ = s.set_item("mailtriage-theme", t.name());
    }
}

/// Writes to the clipboard (async Clipboard API; `execCommand("copy")` where it is missing).
fn copy_to_clipboard(text: &str, done: Callback<String>) {
    let Some(w) = web_sys::window() else { return };
    let clip = Reflect::get(&w.navigator(), &"clipboard".into()).unwrap_or(JsValue::UNDEFINED);
    let write = Reflect::get(&clip, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = write {
        if let Ok(p) = f.call1(&clip, &JsValue::from_str(text)) {
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let ok = done.clone();
                let ok = Closure::once(move |_: JsValue| ok.emit("Copied".into()));
                let err = Closure::once(move |_: JsValue| done.emit("Copy failed".into()));
                let _ = p.then2(&ok, &err);
                ok.forget();
                err.forget();
                return;
            }
        }
    }
    let Some(doc) = w.document() else { return };
    let ok = (|| -> Option<bool> {
        let ta = doc
            .create_element("textarea")
            .ok()?
            .dyn_into::<web_sys::HtmlTextAreaElement>()
            .ok()?;
        ta.set_value(text);
        doc.body()?.append_child(&ta).ok()?;
        ta.select();
        let exec = Reflect::get(&doc, &"execCommand".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        let r = exec.call1(&doc, &"copy".into()).ok()?.as_bool();
        ta.remove();
        r
    })();
    done.emit(
        if ok == Some(true) {
            "Copied"
        } else {
            "Copy failed"
        }
        .into(),
    );
}

fn fmt_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MB", fixed(n as f64 / (1 << 20) as f64, 1))
    } else {
        format!("{} KB", fixed((n as f64 / 1024.0).max(1.0), 0))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl App {
    fn install(&mut self, text: String, result: PageResult, ms: f64) {
        self.generation += 1;
        let mut marks: Vec<Mark> = result
            .report
            .findings
            .iter()
            .enumerate()
            .flat_map(|(fi, f)| {
                f.evidence
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.start < e.end && e.end <= text.len())
                    .map(move |(ei, e)| Mark {
                        start: e.start,
                        end: e.end,
                        finding: fi,
                        evidence: ei,
                    })
            })
            .collect();
        // Wider spans first, so a narrower one inside is drawn on top.
        mailtriage::text::sort_by(&mut marks, |a, b| {
            a.start.cmp(&b.start).then(b.end.cmp(&a.end))
        });
        let findings = result
            .report
            .findings
            .iter()
            .map(|f| {
                (
                    f.title.clone(),
                    f.severity.clone(),
                    f.evidence.iter().map(|e| e.label.clone()).collect(),
                )
            })
            .collect();
        let hover = HoverContext::new(&result.report.segments, &result.segment_facts);
        let index = LineIndex::new(&text);
        self.snapshot = Rc::new(Snapshot {
            generation: self.generation,
            longest_line: index.longest_line(),
            index,
            text,
            marks,
            findings,
            hover,
        });
        self.result = Rc::new(result);
        self.active = None;
        self.stale = false;
        self.last_ms = Some(ms);
        perf_mark("mailtriage:analysed");
        expose("__mailtriage_last_ms", &JsValue::from_f64(ms));
        expose(
            "__mailtriage_generation",
            &JsValue::from_f64(self.generation as f64),
        );
    }

    fn run(&mut self, ctx: &Context<Self>) {
        self.debounce = None;
        let text = match &self.big {
            Some(t) => String::clone(t),
            None => textarea_value(&self.textarea),
        };
        self.next_id += 1;
        let id = self.next_id;
        perf_mark("mailtriage:analysis-start");
        if worker_analyze(id, &text).is_err() {
            self.busy = None;
            self.ticker = None;
            self.status =
                Some("The analyser could not start (this browser has no module workers).".into());
            return;
        }
        self.busy = Some(Busy {
            id,
            bytes: text.len(),
            started: now(),
            text,
        });
        let link = ctx.link().clone();
        self.ticker = Some(Interval::new(100, move || link.send_message(Msg::Tick)));
    }

    /// Whether the running analysis shows its progress: a large paste at once, others once slow.
    fn progress_shown(&self) -> bool {
        self.busy
            .as_ref()
            .is_some_and(|b| b.bytes >= LARGE_PASTE || now() - b.started > SLOW_MS)
    }

    fn reveal(&mut self, start: usize, end: usize) {
        self.nonce += 1;
        self.reveal = Some(Reveal {
            start,
            end,
            nonce: self.nonce,
        });
    }

    fn flash_status(&mut self, ctx: &Context<Self>, s: String) {
        self.status = Some(s);
        let link = ctx.link().clone();
        self.status_timer = Some(Timeout::new(2500, move || {
            link.send_message(Msg::Copied(String::new()))
        }));
    }

    fn view_toolbar(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onchange = link.batch_callback(|e: Event| {
            let sel = e.target_dyn_into::<HtmlSelectElement>()?;
            let v = sel.value();
            sel.set_value("");
            (!v.is_empty()).then_some(Msg::Example(v))
        });
        let has_report = !self.snapshot.text.is_empty() || self.big.is_some();
        html! {
            <div class="toolbar" role="group" aria-label="Actions">
                <label class="examples">
                    <span class="visually-hidden">{ "Load an example" }</span>
                    <select id="examples" {onchange} aria-label="Load an example">
                        <option value="" selected=true>{ "Examples…" }</option>
                        <optgroup label="One kind of input">
                            { for EXAMPLES.iter().filter(|e| !e.case).map(|e| html! { <option value={e.id}>{ e.label }</option> }) }
                        </optgroup>
                        <optgroup label="Whole cases">
                            { for EXAMPLES.iter().filter(|e| e.case).map(|e| html! { <option value={e.id}>{ e.label }</option> }) }
                        </optgroup>
                    </select>
                </label>
                <button id="run" type="button" onclick={link.callback(|_| Msg::Run)} title="Ctrl+Enter / ⌘+Enter">{ "Analyse" }</button>
                <button id="copy-md" type="button" disabled={!has_report} onclick={link.callback(|_| Msg::CopyMarkdown)}>{ "Copy as Markdown" }</button>
                <button id="copy-link" type="button" disabled={!has_report} onclick={link.callback(|_| Msg::CopyLink)}
                        title="A link to this report; the text stays in the link, never on a server">{ "Copy link" }</button>
                <label class="share-paste">
                    <input id="share-paste" type="checkbox" checked={self.share_paste} onchange={link.callback(|_| Msg::ToggleSharePaste)} />
                    { " with the paste (secrets masked)" }
                </label>
                <button id="clear" type="button" disabled={!has_report} onclick={link.callback(|_| Msg::Clear)}>{ "Clear" }</button>
                <button id="theme" type="button" onclick={link.callback(|_| Msg::ToggleTheme)}
                        aria-label={format!("Colour theme: {} (switch)", self.theme.name())}>
                    { format!("Theme: {}", self.theme.name()) }
                </button>
                <span class="status" role="status">{ self.status.clone().unwrap_or_default() }</span>
            </div>
        }
    }

    fn count_text(&self) -> String {
        let r = &self.result.report;
        if let Some(b) = self.busy.as_ref().filter(|_| self.progress_shown()) {
            return format!("Analysing {} in the background…", fmt_bytes(b.bytes));
        }
        if self.snapshot.text.is_empty() {
            return "Nothing pasted yet.".into();
        }
        let kinds = r.segments.iter().filter(|s| s.kind != "prose").count();
        let mut parts = vec![
            plural(r.findings.len(), "finding", "findings"),
            plural(kinds, "input recognised", "inputs recognised"),
        ];
        if !r.bounces.is_empty() {
            parts.push(plural(
                r.bounces.len(),
                "bounced recipient",
                "bounced recipients",
            ));
        }
        parts.join(", ")
    }

    fn view_progress(&self) -> Html {
        match self.busy.as_ref().filter(|_| self.progress_shown()) {
            None => html! {},
            Some(b) => html! {
                <div class="progress" id="progress">
                    <progress aria-label="Analysis in progress"></progress>
                    <span>{ format!("{} · {} s — the page stays usable", fmt_bytes(b.bytes), fixed((now() - b.started) / 1000.0, 1)) }</span>
                </div>
            },
        }
    }

    fn view_empty(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        html! {
            <div class="empty" id="empty-state">
                <h2>{ "Paste what you have" }</h2>
                <p>{ "Any mix of these, as they are — the page finds each part by itself:" }</p>
                <ul>
                    <li><code>{ "postconf -n" }</code>{ " — your Postfix main.cf settings" }</li>
                    <li><code>{ "postconf -Mf" }</code>{ " — your master.cf services" }</li>
                    <li><code>{ "doveconf -n" }</code>{ " — your Dovecot settings" }</li>
                    <li>{ "a bounce message (best with its headers: “show original” / “view source”)" }</li>
                    <li>{ "mail log lines, e.g. from " }<code>{ "/var/log/mail.log" }</code>{ " or " }<code>{ "journalctl -u postfix" }</code></li>
                    <li>{ "an SMTP session transcript, or the error dialog of Outlook, Thunderbird or Apple Mail" }</li>
                </ul>
                <p>{ "Paste with Ctrl+V (⌘V), or drop a file (a log, a saved .eml bounce) onto the paste area. Large logs are fine: up to 10 MB stay responsive." }</p>
                <p class="privacy"><strong>{ "Nothing leaves your browser." }</strong>{ " The analysis runs on this page, in WebAssembly; the page sends no network requests, so passwords or addresses in the paste stay on your machine." }</p>
                <p>{ "Or start from an example:" }</p>
                <div class="example-buttons">
                    { for EXAMPLES.iter().filter(|e| e.case).map(|e| {
                        let id = e.id.to_owned();
                        html! { <button type="button" class="example" onclick={link.callback(move |_| Msg::Example(id.clone()))}>{ e.label }</button> }
                    }) }
                </div>
            </div>
        }
    }

    fn lines_of(&self, start: usize, end: usize) -> (usize, usize) {
        let ix = &self.snapshot.index;
        (
            ix.line_of(start) + 1,
            ix.line_of(end.saturating_sub(1).max(start)) + 1,
        )
    }

    fn view_segments(&self, ctx: &Context<Self>) -> Html {
        let facts = &self.result.segment_facts;
        let segs: Vec<_> = self
            .result
            .report
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind != "prose")
            .collect();
        if segs.is_empty() {
            return html! { <p class="muted">{ "No configuration, log, bounce or dialog recognised — only prose. Paste the command output itself." }</p> };
        }
        html! {
            <ul class="chips" aria-label="Recognised inputs" id="segments">
                { for segs.into_iter().map(|(i, s)| {
                    let (a, b) = self.lines_of(s.start, s.end);
                    let (st, en) = (s.start, s.end);
                    let label = facts
                        .get(i)
                        .map(|f| f.label.clone())
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| s.kind.replace('_', " "));
                    html! {
                        <li>
                            <button type="button" class="chip" data-kind={s.kind.clone()}
                                    onclick={ctx.link().callback(move |_| Msg::RevealSpan(st, en))}
                                    aria-label={format!("{label}, lines {a} to {b}: show in the paste")}>
                                <span class="chip-kind">{ label }</span>
                                if let Some(v) = &s.version { <span class="chip-version">{ v.clone() }</span> }
                                <span class="chip-lines">{ if a == b { format!("line {a}") } else { format!("lines {a}–{b}") } }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        }
    }

    /// The start of `start..end` of the paste as one line, secrets masked
    /// (`secrets::excerpt_line`: an excerpt may end up in a screenshot or a ticket).
    fn excerpt(&self, start: usize, end: usize) -> String {
        // The report's secrets come ordered by position, as the masking wants them.
        let spans: Vec<mailtriage::Span> = self
            .result
            .report
            .secrets
            .iter()
            .map(|x| mailtriage::Span::new(x.span.start, x.span.end))
            .collect();
        let span = mailtriage::Span::new(start, end.max(start));
        mailtriage::secrets::excerpt_line(&self.snapshot.text, span, &spans, 140)
    }

    fn view_finding(&self, ctx: &Context<Self>, i: usize, f: &FindingView) -> Html {
        let link = ctx.link();
        let active = self.active == Some(i);
        let conf = (f.confidence * 100.0).round() as u32;
        let shown = f.evidence.len().min(MAX_EVIDENCE_SHOWN);
        let evidence: Html = f
            .evidence
            .iter()
            .take(shown)
            .filter(|e| e.end <= self.snapshot.text.len())
            .map(|e| {
                let (a, b) = self.lines_of(e.start, e.end);
                let (st, en) = (e.start, e.end);
                let onclick = link.batch_callback(move |_| vec![Msg::Select(i), Msg::RevealSpan(st, en)]);
                html! {
                    <li>
                        <button type="button" class="evidence-link" {onclick}>
                            { if b > a { format!("Lines {a}–{b}") } else { format!("Line {a}") } }{ if e.label.is_empty() { String::new() } else { format!(" · {}", e.label) } }
                        </button>
                        <code class="excerpt">{ self.excerpt(e.start, e.end) }</code>
                    </li>
                }
            })
            .collect();
        html! {
            <li class={classes!("finding", format!("sev-{}", f.severity), active.then_some("active"))} id={format!("finding-{i}")} data-id={f.id.clone()}>
                <button type="button" class="finding-head" aria-pressed={active.to_string()} onclick={link.callback(move |_| Msg::Select(i))}>
                    <span class={classes!("sev", format!("sev-{}", f.severity))}>{ f.severity.clone() }</span>
                    <span class="finding-title">{ f.title.clone() }</span>
                    <span class="confidence" title="confidence">{ format!("{conf}%") }</span>
                </button>
                if !f.summary.is_empty() {
                    <div class="summary">
                        { for markdown::summary_parts(&f.summary).into_iter().map(|(lead, text)| html! {
                            <p>
                                if !lead.is_empty() { <strong>{ lead }</strong>{ " " } }
                                { markdown::view_inline(text) }
                            </p>
                        }) }
                    </div>
                }
                if !f.evidence.is_empty() {
                    <div class="block">
                        <h4>{ "Evidence in your paste" }</h4>
                        <ul class="evidence">{ evidence }</ul>
                        if f.evidence.len() > shown {
                            <p class="muted">{ format!("… and {} more places, all highlighted in the paste.", f.evidence.len() - shown) }</p>
                        }
                    </div>
                }
                if let Some(fix) = &f.fix {
                    <div class="block fix">
                        <h4>{ "Fix" }</h4>
                        <p>{ markdown::view_inline(&fix.text) }</p>
                        if let Some(sn) = &fix.snippet {
                            <div class="snippet-wrap">
                                <pre class="snippet"><code>{ sn.trim_end().to_owned() }</code></pre>
                                <button type="button" class="copy-snippet" onclick={link.callback(move |_| Msg::CopySnippet(i))}
                                        aria-label={format!("Copy the fix for {}", f.title)}>{ "Copy" }</button>
                            </div>
                        }
                    </div>
                }
                if !f.why.is_empty() {
                    <details class="block why" open={i == 0}>
                        <summary>{ "Why" }</summary>
                        <div class="md">{ markdown::view(&f.why) }</div>
                    </details>
                }
                if !f.dead_ends.is_empty() {
                    <details class="block dead-ends">
                        <summary>{ format!("What will not help ({})", f.dead_ends.len()) }</summary>
                        <ul>
                            { for f.dead_ends.iter().map(|d| html! { <li><strong>{ markdown::view_inline(&d.attempt) }</strong>{ " — " }{ markdown::view_inline(&d.why) }</li> }) }
                        </ul>
                    </details>
                }
                if !f.references.is_empty() {
                    <p class="refs">{ "References: " }
                        { for f.references.iter().enumerate().map(|(k, r)| html! {
                            <>
                                if k > 0 { { ", " } }
                                if let Some(u) = r.url.as_ref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                                    <a href={u.clone()} target="_blank" rel="noopener noreferrer">{ r.title.clone() }</a>
                                } else { { r.title.clone() } }
                            </>
                        }) }
                    </p>
                }
                <p class="meta"><code>{ f.id.clone() }</code>
                    if let Some(side) = &f.side { { format!(" · to act: {}", side.replace('_', " ")) } }
                </p>
            </li>
        }
    }

    fn view_relay_trace(&self, ctx: &Context<Self>, t: &RelayTraceView) -> Html {
        let decided = t.deciding_step();
        html! {
            <section class="relay-trace" id="relay-trace" aria-labelledby="relay-h">
                <h3 id="relay-h">{ "Relay decision, step by step" }</h3>
                if !t.query.is_null() { <p class="muted">{ format!("As smtpd would decide: {}", query_text(&t.query)) }</p> }
                <div class="table-wrap">
                    <table>
                        <thead><tr><th scope="col">{ "restriction" }</th><th scope="col" class="matched">{ "matched" }</th><th scope="col">{ "why" }</th></tr></thead>
                        <tbody>
                            { for t.steps.iter().enumerate().map(|(k, s)| {
                                let restriction = value_text(&s.restriction);
                                let list = value_text(&s.list);
                                // Each list's steps under its name.
                                let new_list = k == 0 || value_text(&t.steps[k - 1].list) != list;
                                html! {
                                    <>
                                    if new_list { <tr class="list-row"><th scope="rowgroup" colspan="3"><code>{ list }</code></th></tr> }
                                    <tr class={classes!((decided == Some(k)).then_some("decided"))}>
                                        <td>
                                            if let Some((a, b)) = s.span() {
                                                <button type="button" class="evidence-link" onclick={ctx.link().callback(move |_| Msg::RevealSpan(a, b))}
                                                        aria-label={format!("{restriction}: show in the paste")}><code>{ restriction.clone() }</code></button>
                                            } else { <code>{ restriction.clone() }</code> }
                                        </td>
                                        <td class="matched">{ if s.is_match() { "yes" } else { "no" } }{ if decided == Some(k) { " — decides" } else { "" } }</td>
                                        <td>{ markdown::view_inline(&value_text(&s.reason)) }</td>
                                    </tr>
                                    </>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                if decided.is_none() && !t.decision.is_null() { <p><strong>{ "Decision: " }</strong>{ value_text(&t.decision) }</p> }
                if !t.reply.is_null() { <p><strong>{ "Reply: " }</strong><code>{ value_text(&t.reply) }</code></p> }
                if !t.what_if.is_empty() {
                    <ul class="what-if">
                        { for t.what_if.iter().map(|w| html! { <li>{ markdown::view_inline(&what_if_text(w)) }</li> }) }
                    </ul>
                }
            </section>
        }
    }

    fn view_session(&self, ctx: &Context<Self>, k: usize, x: &SmtpSessionView) -> Html {
        let (a, b) = self.lines_of(x.span.start, x.span.end);
        let style = match x.style.as_str() {
            "bare" => "telnet / openssl s_client",
            "marked" => "C:/S:",
            "arrows" => ">>>/<<<",
            "in_out" => "Postfix In:/Out:",
            other => other,
        };
        let mut facts = vec![format!("{style} transcript, lines {a}–{b}")];
        facts.extend(x.described.iter().cloned());
        let link = ctx.link();
        html! {
            <section class="smtp-session" id={format!("smtp-session-{k}")} aria-label={format!("SMTP session, lines {a} to {b}")}>
                <h3>{ "SMTP session" }</h3>
                <p class="muted">{ facts.join(" · ") }</p>
                <div class="table-wrap">
                    <table>
                        <thead><tr><th scope="col">{ "line" }</th><th scope="col">{ "client" }</th><th scope="col">{ "server" }</th></tr></thead>
                        <tbody>
                            { for x.steps.iter().map(|st| {
                                let (la, _) = self.lines_of(st.span.start, st.span.end);
                                let (sa, sb) = (st.span.start, st.span.end);
                                let reply = match st.reply_code {
                                    Some(c) => format!("{c}{} {}", st.status.as_deref().map(|s| format!(" {s}")).unwrap_or_default(), st.reply),
                                    None => st.reply.clone(),
                                };
                                let mode = match (st.tls, st.authenticated) {
                                    (true, true) => " (TLS, logged in)",
                                    (true, false) => " (TLS)",
                                    (false, true) => " (logged in)",
                                    _ => "",
                                };
                                html! {
                                    <tr class={classes!(st.refused().then_some("refused"))}>
                                        <td><button type="button" class="evidence-link" onclick={link.callback(move |_| Msg::RevealSpan(sa, sb))}
                                                    aria-label={format!("line {la}: show in the paste")}>{ la }</button></td>
                                        <td><code>{ if st.command.is_empty() { "(connect)".to_owned() } else { st.command.clone() } }</code><span class="muted">{ mode }</span></td>
                                        <td>{ reply }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                if x.more_steps > 0 { <p class="muted">{ format!("… and {} more commands.", x.more_steps) }</p> }
            </section>
        }
    }

    fn view_bounces(&self) -> Html {
        let b = &self.result.report.bounces;
        if b.is_empty() {
            return html! {};
        }
        html! {
            <section aria-labelledby="bounces-h" id="bounces">
                <h3 id="bounces-h">{ "Bounced recipients" }</h3>
                <div class="table-wrap">
                    <table>
                        <thead><tr>
                            <th scope="col">{ "recipient" }</th><th scope="col">{ "reason" }</th><th scope="col">{ "hard/soft" }</th>
                            <th scope="col">{ "status" }</th><th scope="col">{ "reply" }</th><th scope="col">{ "remote MTA" }</th>
                        </tr></thead>
                        <tbody>
                            { for b.iter().map(|r| html! {
                                <tr>
                                    <td>{ r.recipient.clone() }</td>
                                    <td>{ r.reason.clone() }</td>
                                    <td>{ if r.hard { "hard" } else { "soft" } }</td>
                                    <td>{ r.status.clone() }</td>
                                    <td>{ r.reply_code.clone() }</td>
                                    <td>{ r.remote_mta.clone() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </section>
        }
    }

    fn view_notes(&self, ctx: &Context<Self>) -> Html {
        let n = &self.result.report.notes;
        if n.is_empty() {
            return html! {};
        }
        html! {
            <details class="notes" id="notes">
                <summary>{ format!("Notes from the readers ({})", n.len()) }</summary>
                <ul>
                    { for n.iter().take(200).map(|note| {
                        let (a, _) = self.lines_of(note.start, note.end);
                        let (st, en) = (note.start, note.end);
                        html! {
                            <li>
                                <button type="button" class="evidence-link" onclick={ctx.link().callback(move |_| Msg::RevealSpan(st, en))}>{ format!("Line {a}") }</button>
                                { format!(" {} — {}", note.source, note.message) }
                            </li>
                        }
                    }) }
                </ul>
            </details>
        }
    }

    fn view_results(&self, ctx: &Context<Self>) -> Html {
        let r = &self.result.report;
        let empty = self.snapshot.text.is_empty() && self.busy.is_none();
        html! {
            <section class="results" aria-labelledby="results-h">
                <h2 id="results-h" class="visually-hidden">{ "Diagnosis" }</h2>
                <div class="summary-line">
                    <p id="result-count" aria-live="polite" aria-atomic="true">{ self.count_text() }</p>
                    if let Some(ms) = self.last_ms {
                        if !empty { <p class="timing" id="timing">{ format!("analysed in {} ms", fixed(ms, 1)) }</p> }
                    }
                </div>
                { self.view_progress() }
                if let Some(md) = &self.shared_report {
                    <section class="shared-report" id="shared-report" aria-labelledby="shared-h">
                        <div class="shared-head">
                            <h3 id="shared-h">{ "Report from a link" }</h3>
                            <button type="button" onclick={ctx.link().callback(|_| Msg::CloseShared)}>{ "Close" }</button>
                        </div>
                        <p class="muted">{ "The link carries this report only, not the paste it was made from." }</p>
                        <div class="md">{ markdown::view(md) }</div>
                    </section>
                }
                if empty { { self.view_empty(ctx) } } else if self.busy.is_some() && r.segments.is_empty() {
                    // First analysis of this text still running: nothing to say yet.
                } else {
                    { self.view_segments(ctx) }
                    if r.findings.is_empty() {
                        <p class="muted" id="no-findings">{ "No findings for this paste. Add the configuration or log lines that go with it (for a relay problem: postconf -n, postconf -Mf and the log line)." }</p>
                    } else {
                        <ol class="findings" id="findings">
                            { for r.findings.iter().enumerate().map(|(i, f)| self.view_finding(ctx, i, f)) }
                        </ol>
                    }
                    if let Some(t) = &r.relay_trace { { self.view_relay_trace(ctx, t) } }
                    { for r.smtp_sessions.iter().enumerate().take(5).map(|(k, x)| self.view_session(ctx, k, x)) }
                    { self.view_bounces() }
                    { self.view_notes(ctx) }
                }
            </section>
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let theme = stored_theme();
        apply_theme(theme);
        // Results from the worker come back through `mailtriageWorker.onresult` / `onmarkdown`.
        let link = ctx.link().clone();
        let cb = WorkerCallback::new(move |id, json, ms, error| {
            link.send_message(Msg::WorkerDone(id, json, ms, error))
        });
        let link = ctx.link().clone();
        let md = MarkdownCallback::new(move |id, md| link.send_message(Msg::MarkdownDone(id, md)));
        let link = ctx.link().clone();
        let share = MarkdownCallback::new(move |id, f| link.send_message(Msg::LinkDone(id, f)));
        let link = ctx.link().clone();
        let unpacked =
            UnpackCallback::new(move |kind, text| link.send_message(Msg::Unpacked(kind, text)));
        let worker_cb = web_sys::window().and_then(|w| {
            let mw = Reflect::get(&w, &"mailtriageWorker".into()).ok()?;
            if mw.is_undefined() {
                return None;
            }
            Reflect::set(&mw, &"onresult".into(), cb.as_ref()).ok()?;
            Reflect::set(&mw, &"onmarkdown".into(), md.as_ref()).ok()?;
            Reflect::set(&mw, &"onshare".into(), share.as_ref()).ok()?;
            Reflect::set(&mw, &"onunpacked".into(), unpacked.as_ref()).ok()?;
            Some((cb, md, share, unpacked))
        });
        App {
            textarea: NodeRef::default(),
            big: None,
            snapshot: Rc::new(Snapshot::default()),
            result: Rc::new(PageResult::default()),
            shown_id: 0,
            generation: 0,
            debounce: None,
            busy: None,
            next_id: 0,
            ticker: None,
            active: None,
            reveal: None,
            nonce: 0,
            stale: false,
            last_ms: None,
            status: None,
            status_timer: None,
            theme,
            share_paste: false,
            shared_report: None,
            _worker_cb: worker_cb,
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first: bool) {
        if first {
            perf_mark("mailtriage:interactive");
            expose("__mailtriage_ready", &JsValue::TRUE);
            // The worker's analysis, warmed on the examples before the first paste.
            let sample: Vec<&str> = EXAMPLES.iter().map(|e| e.text).collect();
            let _ = worker_warm(&sample.join("\n\n"));
            // Opened from a share link: its text is in the fragment, which no request carries.
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            if let Some(f) = hash
                .strip_prefix('#')
                .filter(|f| f.starts_with("paste=") || f.starts_with("report="))
            {
                let _ = worker_unpack(f);
            }
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Input => {
                let was_stale = self.stale;
                self.stale = true;
                let len = textarea_value_len(&self.textarea);
                let link = ctx.link().clone();
                let ms = if len >= LARGE_PASTE {
                    DEBOUNCE_LARGE_MS
                } else {
                    DEBOUNCE_MS
                };
                self.debounce = Some(Timeout::new(ms, move || link.send_message(Msg::Run)));
                !was_stale
            }
            Msg::BigPaste(pasted) => {
                if self.big.is_some() && pasted.len() < BIG_PASTE {
                    // A small paste into the large view replaces it and goes back to editing.
                    self.big = None;
                    set_textarea_value(&self.textarea, &pasted);
                    self.run(ctx);
                    return true;
                }
                let text = if self.big.is_some() {
                    pasted
                } else {
                    splice_at_selection(&self.textarea, &pasted)
                };
                // Show the text at once; marks come with the analysis.
                self.generation += 1;
                let index = LineIndex::new(&text);
                self.snapshot = Rc::new(Snapshot {
                    generation: self.generation,
                    longest_line: index.longest_line(),
                    index,
                    text: text.clone(),
                    ..Snapshot::default()
                });
                self.result = Rc::new(PageResult::default());
                self.active = None;
                self.stale = true;
                self.big = Some(Rc::new(text));
                set_textarea_value(&self.textarea, "");
                self.run(ctx);
                true
            }
            Msg::File(text) => {
                if text.len() >= BIG_PASTE {
                    set_textarea_value(&self.textarea, "");
                    self.big = Some(Rc::new(String::new()));
                    return Component::update(self, ctx, Msg::BigPaste(text));
                }
                self.big = None;
                set_textarea_value(&self.textarea, &text);
                self.run(ctx);
                true
            }
            Msg::Run => {
                self.run(ctx);
                // Nothing to redraw until the results come, unless progress shows at once: a
                // redraw of a long paste here would only delay taking in the results.
                self.progress_shown()
            }
            Msg::WorkerDone(id, json, ms, error) => {
                let Some(b) = self.busy.take_if(|b| b.id == id) else {
                    return false;
                };
                self.ticker = None;
                if let Some(e) = error {
                    self.status = Some(format!("The analyser failed: {e}"));
                    self.stale = false;
                    return true;
                }
                let t0 = now();
                let result = parse_result(&json);
                expose("__mailtriage_last_parse_ms", &JsValue::from_f64(now() - t0));
                expose(
                    "__mailtriage_last_json_bytes",
                    &JsValue::from_f64(json.len() as f64),
                );
                self.shown_id = id;
                self.install(b.text, result, ms);
                expose(
                    "__mailtriage_last_total_ms",
                    &JsValue::from_f64(now() - b.started),
                );
                true
            }
            Msg::Tick => self.progress_shown(),
            Msg::Select(i) => {
                self.active = Some(i);
                if let Some(e) = self
                    .result
                    .report
                    .findings
                    .get(i)
                    .and_then(|f| f.evidence.first())
                {
                    let (s, e) = (e.start, e.end);
                    self.reveal(s, e);
                }
                true
            }
            Msg::Pick(i) => {
                self.active = Some(i);
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&format!("finding-{i}")))
                {
                    el.scroll_into_view();
                }
                true
            }
            Msg::RevealSpan(s, e) => {
                self.reveal(s, e);
                true
            }
            Msg::Example(id) => {
                if let Some(e) = EXAMPLES.iter().find(|e| e.id == id) {
                    self.big = None;
                    set_textarea_value(&self.textarea, e.text);
                    self.run(ctx);
                }
                true
            }
            Msg::CopyMarkdown => {
                // Rendered by the engine on request, from the report it kept.
                if worker_markdown(self.shown_id).is_err() {
                    self.flash_status(ctx, "Copy failed".into());
                    return true;
                }
                false
            }
            Msg::CopyLink => {
                if worker_share(self.shown_id, self.share_paste).is_err() {
                    self.flash_status(ctx, "Link failed".into());
                    return true;
                }
                false
            }
            Msg::LinkDone(id, fragment) => {
                if id != self.shown_id || fragment.is_empty() {
                    self.flash_status(ctx, "Link failed: the paste changed, try again".into());
                    return true;
                }
                let Some(loc) = web_sys::window().map(|w| w.location()) else {
                    return false;
                };
                let base = format!(
                    "{}{}{}",
                    loc.origin().unwrap_or_default(),
                    loc.pathname().unwrap_or_default(),
                    loc.search().unwrap_or_default()
                );
                let url = format!("{base}#{fragment}");
                if url.len() > MAX_LINK {
                    self.flash_status(
                        ctx,
                        "Too large for a link, even compressed: copy the Markdown instead".into(),
                    );
                    return true;
                }
                copy_to_clipboard(&url, ctx.link().callback(Msg::Copied));
                expose("__mailtriage_last_link", &JsValue::from_str(&url));
                false
            }
            Msg::ToggleSharePaste => {
                self.share_paste = !self.share_paste;
                true
            }
            Msg::Unpacked(kind, text) => {
                match kind.as_str() {
                    "paste" => {
                        self.big = None;
                        set_textarea_value(&self.textarea, &text);
                        self.run(ctx);
                        self.flash_status(
                            ctx,
                            "Opened from a link: its paste, secrets masked".into(),
                        );
                    }
                    "report" => self.shared_report = Some(text),
                    _ => self.flash_status(ctx, format!("The link could not be read: {text}")),
                }
                true
            }
            Msg::CloseShared => {
                self.shared_report = None;
                true
            }
            Msg::MarkdownDone(id, md) => {
                if id != self.shown_id || md.is_empty() {
                    // The paste changed meanwhile: its own report is on its way.
                    self.flash_status(ctx, "Copy failed: the paste changed, try again".into());
                    return true;
                }
                copy_to_clipboard(&md, ctx.link().callback(Msg::Copied));
                expose("__mailtriage_last_copy", &JsValue::from_str(&md));
                false
            }
            Msg::CopySnippet(i) => {
                if let Some(sn) = self
                    .result
                    .report
                    .findings
                    .get(i)
                    .and_then(|f| f.fix.as_ref())
                    .and_then(|f| f.snippet.clone())
                {
                    copy_to_clipboard(sn.trim_end(), ctx.link().callback(Msg::Copied));
                }
                false
            }
            Msg::Copied(s) => {
                if s.is_empty() {
                    self.status = None;
                } else {
                    self.flash_status(ctx, s);
                }
                true
            }
            Msg::ToggleTheme => {
                self.theme = self.theme.next();
                apply_theme(self.theme);
                true
            }
            Msg::Clear => {
                self.big = None;
                set_textarea_value(&self.textarea, "");
                self.run(ctx);
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onkeydown = link.batch_callback(|e: KeyboardEvent| {
            ((e.ctrl_key() || e.meta_key()) && e.key() == "Enter").then(|| {
                e.prevent_default();
                Msg::Run
            })
        });
        html! {
            <div class="app" {onkeydown}>
                <header class="top">
                    <div class="brand">
                        <h1>{ "mailtriage" }</h1>
                        <p class="tagline">{ "Paste Postfix/Dovecot config, logs or a bounce — see what went wrong, the evidence, and the fix. Nothing leaves your browser." }</p>
                    </div>
                    { self.view_toolbar(ctx) }
                </header>
                <main class="main">
                    <section class="input" aria-label="Your paste">
                        <p id="paste-help" class="visually-hidden">{ "Analysis runs as you type; press Control+Enter to analyse at once. Highlighted text is evidence for a finding." }</p>
                        if let Some(b) = &self.big {
                            <p class="big-banner" id="big-banner">
                                { format!("Large paste ({}): shown read-only so the page stays responsive. Paste again to replace it, or Clear.", fmt_bytes(b.len())) }
                            </p>
                        }
                        <Editor
                            big={self.big.is_some()}
                            on_big_paste={link.callback(Msg::BigPaste)}
                            on_file={link.callback(Msg::File)}
                            textarea={self.textarea.clone()}
                            snapshot={self.snapshot.clone()}
                            active={self.active}
                            reveal={self.reveal}
                            stale={self.stale}
                            on_input={link.callback(|_| Msg::Input)}
                            on_pick={link.callback(Msg::Pick)}
                        />
                    </section>
                    { self.view_results(ctx) }
                </main>
            </div>
        }
    }
}

/// The textarea's text with `pasted` in place of its selection (what a paste would make).
fn splice_at_selection(r: &NodeRef, pasted: &str) -> String {
    let Some(t) = r.cast::<web_sys::HtmlTextAreaElement>() else {
        return pasted.to_owned();
    };
    let value = t.value();
    if value.is_empty() {
        return pasted.to_owned();
    }
    let to_byte = |u16pos: u32| crate::lines::byte_offset(&value, u16pos as usize);
    let a = to_byte(t.selection_start().ok().flatten().unwrap_or(0));
    let b = to_byte(t.selection_end().ok().flatten().unwrap_or(0)).max(a);
    let mut out = String::with_capacity(value.len() + pasted.len());
    out.push_str(&value[..a]);
    out.push_str(pasted);
    out.push_str(&value[b..]);
    out
}

fn textarea_value_len(r: &NodeRef) -> usize {
    r.cast::<web_sys::HtmlTextAreaElement>()
        .map(|t| t.text_length() as usize)
        .unwrap_or(0)
}
