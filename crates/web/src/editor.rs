//! The paste area: a textarea over a highlight layer (the usual overlay technique). The textarea
//! keeps the text, caret and scrolling; behind it a layer draws only the lines on screen, with
//! transparent text and coloured `<mark>`s where evidence is, moved with the textarea's scroll.
//! A 10 MB paste thus costs a textarea value and a line index, never 10 MB of DOM.
//! A textarea itself cannot hold megabytes (Chromium lays out all of it: seconds for 10 MB), so a
//! paste of [`BIG_PASTE`] or more is taken from the paste event and shown read-only in a
//! line-virtualised view instead: the same layer with visible text inside a scroller sized to
//! the whole text.
//! Columns map to pixels by the monospace cell width measured at start; the CSS fixes the line
//! height ([`LINE_HEIGHT`]), padding ([`PAD_X`], [`PAD_Y`]) and tab size.

use crate::hover::{describe, HoverContext, WordInfo};
use crate::lines::{
    byte_offset, column_of, marks_in, offset_at, pieces, utf16_index, word_at, LineIndex, Mark,
};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

pub const LINE_HEIGHT: f64 = 20.0;
pub const PAD_X: f64 = 10.0;
pub const PAD_Y: f64 = 8.0;

/// A CSS length in pixels, to a hundredth.
fn px(x: f64) -> String {
    format!("{}px", mailtriage::text::fixed(x, 2))
}
/// Pastes from this size on go to the read-only virtualised view instead of the textarea.
pub const BIG_PASTE: usize = 1 << 20;
/// Lines drawn above and below the visible ones, so quick scrolling shows no gaps.
const OVERSCAN: usize = 30;
/// Evidence spanning more lines than this is drawn as a light tint.
const WIDE_LINES: usize = 4;
/// Caret information needs a UTF-16 → byte walk over the text; beyond this it is skipped.
const MAX_CARET_WALK: usize = 4 << 20;

/// One analysed text with everything the editor draws from it.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub generation: u64,
    pub text: String,
    pub index: LineIndex,
    /// Evidence spans of every finding, by start.
    pub marks: Vec<Mark>,
    /// Per finding: title and severity; per evidence: its label.
    pub findings: Vec<(String, String, Vec<String>)>,
    pub hover: HoverContext,
    /// Bytes in the longest line (the large view's scroll width).
    pub longest_line: usize,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        self.generation == other.generation
    }
}

/// A request to scroll to and flash a span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reveal {
    pub start: usize,
    pub end: usize,
    pub nonce: u32,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub textarea: NodeRef,
    pub snapshot: Rc<Snapshot>,
    pub active: Option<usize>,
    pub reveal: Option<Reveal>,
    /// The textarea holds edits not analysed yet (marks may be off by the edit).
    pub stale: bool,
    pub on_input: Callback<()>,
    /// Read-only view of a large paste instead of the textarea.
    pub big: bool,
    /// A paste of [`BIG_PASTE`] or more (into the textarea), or any paste into the large view.
    pub on_big_paste: Callback<String>,
    /// The text of a file dropped onto the paste area (it replaces the paste).
    pub on_file: Callback<String>,
    /// A click on highlighted evidence: the finding it belongs to.
    pub on_pick: Callback<usize>,
}

pub enum Msg {
    Scroll,
    Hover(f64, f64),
    Leave,
    Caret,
    Click(f64, f64),
}

/// The hover box: the findings whose evidence is under the pointer, and what the word there means.
struct Caret {
    line: usize,
    col: usize,
    word: Option<WordInfo>,
    evidence_for: Vec<String>,
}

struct Tip {
    x: f64,
    y: f64,
    evidence: Vec<String>,
    word: Option<WordInfo>,
}

pub struct Editor {
    top: f64,
    left: f64,
    height: f64,
    cell: f64,
    tip: Option<Tip>,
    /// Where the caret is: line, column, what the word there means, and which findings cite it.
    caret: Option<Caret>,
    backdrop: NodeRef,
    bigview: NodeRef,
    spacer: NodeRef,
    gutter: NodeRef,
    tip_ref: NodeRef,
    measure: NodeRef,
}

impl Editor {
    fn area(&self, ctx: &Context<Self>) -> Option<HtmlTextAreaElement> {
        ctx.props().textarea.cast::<HtmlTextAreaElement>()
    }

    /// The element that scrolls the text: the textarea, or the large view.
    fn scroller(&self, ctx: &Context<Self>) -> Option<HtmlElement> {
        if ctx.props().big {
            self.bigview.cast::<HtmlElement>()
        } else {
            self.area(ctx).map(|a| a.unchecked_into())
        }
    }

    /// Byte offset under a viewport point, when the textarea shows the analysed text.
    fn offset_at_point(&self, ctx: &Context<Self>, cx: f64, cy: f64) -> Option<usize> {
        let p = ctx.props();
        if p.stale {
            return None;
        }
        let area = self.scroller(ctx)?;
        let r = area.get_bounding_client_rect();
        let x = cx - r.left() + area.scroll_left() as f64 - PAD_X;
        let y = cy - r.top() + area.scroll_top() as f64 - PAD_Y;
        if x < 0.0 || y < 0.0 || self.cell <= 0.0 {
            return None;
        }
        let line = (y / LINE_HEIGHT) as usize;
        let col = (x / self.cell) as usize;
        let s = &p.snapshot;
        let off = offset_at(&s.text, &s.index, line, col)?;
        // Past the end of the line is no word.
        (off < s.index.line_span(line).1).then_some(off)
    }

    fn marks_at(&self, ctx: &Context<Self>, off: usize) -> Vec<usize> {
        ctx.props()
            .snapshot
            .marks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.start <= off && off < m.end)
            .map(|(i, _)| i)
            .collect()
    }

    fn window(&self, ctx: &Context<Self>) -> (usize, usize) {
        let count = ctx.props().snapshot.index.line_count();
        let first = ((self.top / LINE_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let shown = (self.height / LINE_HEIGHT) as usize + 2 * OVERSCAN + 2;
        (first.min(count), (first + shown).min(count))
    }

    fn sync_scroll(&mut self, ctx: &Context<Self>) -> bool {
        let Some(area) = self.scroller(ctx) else {
            return false;
        };
        let (top, left, h) = (
            area.scroll_top() as f64,
            area.scroll_left() as f64,
            area.client_height() as f64,
        );
        let before = self.window(ctx);
        self.top = top;
        self.left = left;
        self.height = h;
        self.place_layers(ctx);
        before != self.window(ctx)
    }

    /// Moves the highlight layer and gutter with the textarea (CSSOM, allowed by the CSP).
    fn place_layers(&self, ctx: &Context<Self>) {
        let (first, _) = self.window(ctx);
        let dy = first as f64 * LINE_HEIGHT - self.top;
        let s = &ctx.props().snapshot;
        if let Some(b) = self.backdrop.cast::<HtmlElement>() {
            // Inside the large view the layer scrolls with its scroller; over the textarea it is
            // moved by the textarea's scroll.
            let t = if ctx.props().big {
                format!("translateY({})", px(first as f64 * LINE_HEIGHT))
            } else {
                format!("translate({}, {})", px(-self.left), px(dy))
            };
            let _ = b.style().set_property("transform", &t);
        }
        if let (true, Some(sp)) = (ctx.props().big, self.spacer.cast::<HtmlElement>()) {
            let h = s.index.line_count() as f64 * LINE_HEIGHT + 2.0 * PAD_Y;
            let w =
                s.longest_line.min(crate::lines::MAX_DRAWN_LINE) as f64 * self.cell + 2.0 * PAD_X;
            let _ = sp.style().set_property("height", &px(h));
            let _ = sp.style().set_property("width", &px(w));
        }
        if let Some(g) = self.gutter.cast::<HtmlElement>() {
            let _ = g
                .style()
                .set_property("transform", &format!("translateY({})", px(dy)));
            let digits = ctx
                .props()
                .snapshot
                .index
                .line_count()
                .to_string()
                .len()
                .max(3);
            let _ = g.style().set_property("min-width", &format!("{digits}ch"));
        }
    }

    fn reveal(&mut self, ctx: &Context<Self>, r: Reveal) {
        let Some(area) = self.scroller(ctx) else {
            return;
        };
        let s = &ctx.props().snapshot;
        let line = s.index.line_of(r.start);
        let col = column_of(&s.text, &s.index, r.start) as f64;
        let h = area.client_height() as f64;
        let w = area.client_width() as f64;
        area.set_scroll_top((line as f64 * LINE_HEIGHT - h / 3.0).max(0.0) as i32);
        let x = col * self.cell;
        area.set_scroll_left(if x > w - 4.0 * PAD_X {
            (x - w / 3.0) as i32
        } else {
            0
        });
        if let Some(ta) = self
            .area(ctx)
            .filter(|_| s.text.len() <= MAX_CARET_WALK && !ctx.props().big)
        {
            let a = utf16_index(&s.text, r.start);
            let b = utf16_index(&s.text, r.end.min(s.text.len()));
            let _ = ta.set_selection_range(a, b);
        }
        self.sync_scroll(ctx);
    }

    fn view_lines(&self, ctx: &Context<Self>) -> Html {
        let p = ctx.props();
        let s = &p.snapshot;
        let (first, last) = self.window(ctx);
        let (vs, _) = s.index.line_span(first);
        let (_, ve) = s.index.line_span(last.saturating_sub(1).max(first));
        let visible = marks_in(&s.marks, vs, ve);
        let flash = p.reveal.map(|r| {
            if r.nonce % 2 == 0 {
                "flash-a"
            } else {
                "flash-b"
            }
        });
        (first..last)
            .map(|i| {
                let (ls, le) = s.index.line_span(i);
                let here: Vec<usize> = visible
                    .iter()
                    .copied()
                    .filter(|&m| s.marks[m].start < le.max(ls + 1) && s.marks[m].end > ls)
                    .collect();
                let parts: Html = pieces(&s.text, ls, le, &s.marks, &here)
                    .into_iter()
                    .map(|pc| match pc.marks.last() {
                        None => html! { { pc.text.to_owned() } },
                        Some(_) => {
                            let f = pc.marks.iter().map(|&m| s.marks[m].finding);
                            let is_active = p.active.is_some_and(|a| f.clone().any(|x| x == a));
                            let inner = &s.marks[*pc.marks.last().unwrap()];
                            let top = inner.finding;
                            let sev = s.findings.get(top).map(|x| x.1.as_str()).unwrap_or("info");
                            // Evidence that is a whole message or section is only tinted, so
                            // the precise spans inside it stand out.
                            let wide = s.index.line_of(inner.end) - s.index.line_of(inner.start) > WIDE_LINES;
                            html! {
                                <mark class={classes!("ev", format!("sev-{sev}"), wide.then_some("wide"),
                                        is_active.then_some("active"), is_active.then_some(flash).flatten())}
                                      data-finding={top.to_string()}>{ pc.text.to_owned() }</mark>
                            }
                        }
                    })
                    .collect();
                html! { <div class="bl">{ parts }</div> }
            })
            .collect()
    }

    fn caret_at(&self, ctx: &Context<Self>, off: usize) -> Caret {
        let s = &ctx.props().snapshot;
        let word = word_at(&s.text, off)
            .or_else(|| off.checked_sub(1).and_then(|o| word_at(&s.text, o)))
            .and_then(|(ws, w)| describe(&s.hover, w, ws));
        let mut evidence_for: Vec<String> = self
            .marks_at(ctx, off)
            .into_iter()
            .filter_map(|m| s.findings.get(s.marks[m].finding).map(|f| f.0.clone()))
            .collect();
        evidence_for.dedup();
        Caret {
            line: s.index.line_of(off),
            col: column_of(&s.text, &s.index, off),
            word,
            evidence_for,
        }
    }

    fn view_caret(&self) -> Html {
        match &self.caret {
            None => {
                html! { <span class="hint">{ "Hover or move the caret onto a parameter to see what it means." }</span> }
            }
            Some(c) => html! {
                <>
                    <span class="pos">{ format!("Ln {}, Col {}", c.line + 1, c.col + 1) }</span>
                    if !c.evidence_for.is_empty() {
                        <span class="caret-evidence">{ format!("Evidence for: {}", c.evidence_for.join("; ")) }</span>
                    }
                    if let Some(i) = &c.word {
                        <span class={classes!("word", i.deprecated.then_some("deprecated"))}>
                            <code>{ i.name.clone() }</code>{ " — " }{ i.lines.join(" ") }
                        </span>
                    }
                </>
            },
        }
    }
}

impl Component for Editor {
    type Message = Msg;
    type Properties = EditorProps;

    fn create(_ctx: &Context<Self>) -> Self {
        Editor {
            top: 0.0,
            left: 0.0,
            height: 600.0,
            cell: 7.8,
            tip: None,
            caret: None,
            backdrop: NodeRef::default(),
            bigview: NodeRef::default(),
            spacer: NodeRef::default(),
            gutter: NodeRef::default(),
            tip_ref: NodeRef::default(),
            measure: NodeRef::default(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Scroll => {
                let hide = self.tip.take().is_some();
                self.sync_scroll(ctx) || hide
            }
            Msg::Leave => self.tip.take().is_some(),
            Msg::Hover(x, y) => {
                let Some(off) = self.offset_at_point(ctx, x, y) else {
                    return self.tip.take().is_some();
                };
                let s = &ctx.props().snapshot;
                let at = self.marks_at(ctx, off);
                let evidence: Vec<String> = at
                    .iter()
                    .map(|&m| {
                        let mk = &s.marks[m];
                        let (title, _, labels) = &s.findings[mk.finding];
                        match labels.get(mk.evidence) {
                            Some(l) if !l.is_empty() => format!("{title} — {l}"),
                            _ => title.clone(),
                        }
                    })
                    .collect();
                let word = word_at(&s.text, off).and_then(|(ws, w)| describe(&s.hover, w, ws));
                let area_rect = self.scroller(ctx).map(|a| a.get_bounding_client_rect());
                self.tip = match (evidence.is_empty() && word.is_none(), area_rect) {
                    (false, Some(r)) => Some(Tip {
                        x: x - r.left() + 12.0,
                        y: y - r.top() + 18.0,
                        evidence,
                        word,
                    }),
                    _ => None,
                };
                true
            }
            Msg::Click(x, y) => {
                if let Some(off) = self.offset_at_point(ctx, x, y) {
                    if let Some(&m) = self.marks_at(ctx, off).last() {
                        ctx.props()
                            .on_pick
                            .emit(ctx.props().snapshot.marks[m].finding);
                    }
                }
                if ctx.props().big {
                    self.caret = self
                        .offset_at_point(ctx, x, y)
                        .map(|off| self.caret_at(ctx, off));
                    return true;
                }
                ctx.link().send_message(Msg::Caret);
                false
            }
            Msg::Caret => {
                let p = ctx.props();
                let s = &p.snapshot;
                let Some(area) = self.area(ctx) else {
                    return false;
                };
                if p.stale || p.big || s.text.len() > MAX_CARET_WALK {
                    return self.caret.take().is_some();
                }
                let u16pos = area.selection_start().ok().flatten().unwrap_or(0) as usize;
                let off = byte_offset(&s.text, u16pos);
                self.caret = Some(self.caret_at(ctx, off));
                true
            }
        }
    }

    fn changed(&mut self, ctx: &Context<Self>, old: &EditorProps) -> bool {
        let p = ctx.props();
        if p.snapshot != old.snapshot || p.big != old.big {
            self.tip = None;
            self.caret = None;
            self.sync_scroll(ctx);
        }
        if let Some(r) = p.reveal {
            if old.reveal.map(|o| o.nonce) != Some(r.nonce) {
                self.reveal(ctx, r);
            }
        }
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, first: bool) {
        if first {
            if let Some(m) = self.measure.cast::<HtmlElement>() {
                let w = m.get_bounding_client_rect().width();
                if w > 0.0 {
                    self.cell = w / 20.0;
                }
            }
            self.sync_scroll(ctx);
        }
        self.place_layers(ctx);
        if let (Some(t), Some(el)) = (&self.tip, self.tip_ref.cast::<HtmlElement>()) {
            let st = el.style();
            let _ = st.set_property("left", &px(t.x));
            let _ = st.set_property("top", &px(t.y));
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let p = ctx.props();
        let link = ctx.link();
        let (first, last) = self.window(ctx);
        let on_input = p.on_input.reform(|_: InputEvent| ());
        let big = p.big;
        let on_big = p.on_big_paste.clone();
        let onpaste = Callback::from(move |e: Event| {
            let Some(text) = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok())
            else {
                return;
            };
            if big || text.len() >= BIG_PASTE {
                e.prevent_default();
                on_big.emit(text);
            }
        });
        let onkeyup = link.callback(|_: KeyboardEvent| Msg::Caret);
        let onscroll = link.callback(|_: Event| Msg::Scroll);
        let onmousemove =
            link.callback(|e: MouseEvent| Msg::Hover(e.client_x() as f64, e.client_y() as f64));
        let onmouseleave = link.callback(|_: MouseEvent| Msg::Leave);
        let onclick =
            link.callback(|e: MouseEvent| Msg::Click(e.client_x() as f64, e.client_y() as f64));
        let on_file = p.on_file.clone();
        let ondragover = Callback::from(|e: DragEvent| {
            if e.data_transfer()
                .is_some_and(|d| d.types().includes(&"Files".into(), 0))
            {
                e.prevent_default();
            }
        });
        let ondrop = Callback::from(move |e: DragEvent| {
            let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            else {
                return; // dropped text: the textarea inserts it itself
            };
            e.prevent_default();
            let cb = on_file.clone();
            let done = wasm_bindgen::closure::Closure::once(move |v: wasm_bindgen::JsValue| {
                cb.emit(v.as_string().unwrap_or_default())
            });
            let _ = file.text().then(&done);
            done.forget();
        });
        let gutter: Html = (first..last)
            .map(|i| html! { <div>{ i + 1 }</div> })
            .collect();
        html! {
            <div class="editor-wrap">
                <div class={classes!("editor", p.stale.then_some("stale"), (p.snapshot.text.is_empty() && !p.stale).then_some("empty"))}>
                    <div class="gutter" aria-hidden="true">
                        <div class="gutter-inner" ref={self.gutter.clone()}>{ gutter }</div>
                    </div>
                    <div class="field" {ondragover} {ondrop}>
                        if p.big {
                            <div class="bigview" ref={self.bigview.clone()} tabindex="0" role="textbox"
                                 aria-readonly="true" aria-multiline="true"
                                 aria-label="Your large paste (read-only; paste again to replace it)"
                                 onscroll={onscroll.clone()} onmousemove={onmousemove.clone()}
                                 onmouseleave={onmouseleave.clone()} onclick={onclick.clone()} onpaste={onpaste.clone()}>
                                <div class="spacer" ref={self.spacer.clone()}></div>
                                <div class="backdrop-inner big-lines" ref={self.backdrop.clone()}>{ self.view_lines(ctx) }</div>
                            </div>
                        } else {
                            <div class="backdrop" aria-hidden="true">
                                <div class="backdrop-inner" ref={self.backdrop.clone()}>{ self.view_lines(ctx) }</div>
                            </div>
                        }
                        <textarea
                            hidden={p.big}
                            id="paste"
                            ref={p.textarea.clone()}
                            class="paste"
                            wrap="off"
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            aria-label="Paste: configuration, logs, bounces, SMTP transcripts or error dialogs"
                            aria-describedby="paste-help caret-info"
                            placeholder="Paste postconf -n, doveconf -n, postconf -Mf, a bounce, mail log lines, an SMTP transcript or your mail client's error here…"
                            oninput={on_input}
                            {onpaste}
                            {onkeyup}
                            {onscroll}
                            {onmousemove}
                            {onmouseleave}
                            {onclick}
                        />
                        if let Some(t) = &self.tip {
                            <div class={classes!("tooltip", (!t.evidence.is_empty()).then_some("tip-evidence"))} role="tooltip" ref={self.tip_ref.clone()}>
                                if !t.evidence.is_empty() {
                                    <div class="tip-section">
                                        <strong>{ "Evidence for" }</strong>
                                        { for t.evidence.iter().map(|l| html! { <div>{ l.clone() }</div> }) }
                                    </div>
                                }
                                if let Some(w) = &t.word {
                                    <div class={classes!("tip-section", "tip-word", w.deprecated.then_some("deprecated"))}>
                                        <strong><code>{ w.name.clone() }</code></strong>
                                        { for w.lines.iter().map(|l| html! { <div>{ l.clone() }</div> }) }
                                    </div>
                                }
                            </div>
                        }
                    </div>
                </div>
                <div id="caret-info" class="caret-info">{ self.view_caret() }</div>
                <span class="measure" ref={self.measure.clone()} aria-hidden="true">{ "00000000000000000000" }</span>
            </div>
        }
    }
}

/// The textarea's element (for the app, which reads and sets its value).
pub fn textarea_value(r: &NodeRef) -> String {
    r.cast::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

pub fn set_textarea_value(r: &NodeRef, v: &str) {
    if let Some(t) = r.cast::<HtmlTextAreaElement>() {
        t.set_value(v);
        // Setting the value puts the caret at the end, which would scroll there.
        let _ = t.set_selection_range(0, 0);
        t.set_scroll_top(0);
        t.set_scroll_left(0);
    }
}
