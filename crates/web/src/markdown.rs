//! The small Markdown subset of `Finding.why` (paragraphs, `-`/`*`/`1.` lists, fenced code,
//! `` `code` ``, `**bold**`, `[text](https://…)`) read into structured blocks and shown as Yew
//! elements with text nodes only. No HTML in the text is ever interpreted; a link is only made
//! for `http(s)` addresses, and opens outside the page.

use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Code(String),
    Heading(Vec<Inline>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Link { text: String, url: String },
}

pub fn parse(md: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut code: Option<Vec<&str>> = None;
    let flush_para = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inline(&para.join(" "))));
            para.clear();
        }
    };
    let flush_list = |list: &mut Option<(bool, Vec<String>)>, blocks: &mut Vec<Block>| {
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List {
                ordered,
                items: items.iter().map(|i| inline(i)).collect(),
            });
        }
    };
    for line in md.lines() {
        if let Some(c) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(c.join("\n")));
                code = None;
            } else {
                c.push(line);
            }
            continue;
        }
        let t = line.trim();
        if t.starts_with("```") {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            code = Some(Vec::new());
        } else if t.is_empty() {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
        } else if let Some(h) = t.strip_prefix('#') {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            blocks.push(Block::Heading(inline(h.trim_start_matches('#').trim())));
        } else if let Some((ordered, item)) = list_item(t) {
            flush_para(&mut para, &mut blocks);
            match list.as_mut() {
                Some((o, items)) if *o == ordered => items.push(item.to_owned()),
                _ => {
                    flush_list(&mut list, &mut blocks);
                    list = Some((ordered, vec![item.to_owned()]));
                }
            }
        } else if let (Some((_, items)), true) = (list.as_mut(), line.starts_with(' ')) {
            // An indented line continues the last item.
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(t);
            }
        } else {
            flush_list(&mut list, &mut blocks);
            para.push(t);
        }
    }
    if let Some(c) = code {
        blocks.push(Block::Code(c.join("\n")));
    }
    flush_para(&mut para, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

fn list_item(t: &str) -> Option<(bool, &str)> {
    if let Some(r) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some((false, r));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        if let Some(r) = t[digits..].strip_prefix(". ") {
            return Some((true, r));
        }
    }
    None
}

/// Inline spans; anything unmatched stays literal text.
pub fn inline(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let parsed = match c {
            '`' => rest[1..]
                .find('`')
                .map(|e| (Inline::Code(rest[1..1 + e].to_owned()), e + 2)),
            '*' if rest.starts_with("**") => rest[2..]
                .find("**")
                .filter(|&e| e > 0)
                .map(|e| (Inline::Strong(rest[2..2 + e].to_owned()), e + 4)),
            '[' => link(rest),
            _ => None,
        };
        match parsed {
            Some((node, len)) => {
                if !text.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut text)));
                }
                out.push(node);
                rest = &rest[len..];
            }
            None => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !text.is_empty() {
        out.push(Inline::Text(text));
    }
    out
}

fn link(s: &str) -> Option<(Inline, usize)> {
    let close = s.find("](")?;
    let end = s[close + 2..].find(')')? + close + 2;
    let text = &s[1..close];
    let url = &s[close + 2..end];
    if text.contains('[') || !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    Some((
        Inline::Link {
            text: text.to_owned(),
            url: url.to_owned(),
        },
        end + 1,
    ))
}

pub fn view(md: &str) -> Html {
    parse(md).into_iter().map(view_block).collect()
}

fn view_block(b: Block) -> Html {
    match b {
        Block::Paragraph(i) => html! { <p>{ view_inlines(i) }</p> },
        Block::Heading(i) => {
            html! { <p class="md-heading"><strong>{ view_inlines(i) }</strong></p> }
        }
        Block::Code(c) => html! { <pre class="snippet"><code>{ c }</code></pre> },
        Block::List { ordered, items } => {
            let items: Html = items
                .into_iter()
                .map(|i| html! { <li>{ view_inlines(i) }</li> })
                .collect();
            if ordered {
                html! { <ol>{ items }</ol> }
            } else {
                html! { <ul>{ items }</ul> }
            }
        }
    }
}

/// One line of text with inline Markdown (`code`, **bold**, links): summaries, fixes, dead ends.
pub fn view_inline(s: &str) -> Html {
    view_inlines(inline(s))
}

fn view_inlines(v: Vec<Inline>) -> Html {
    v.into_iter()
        .map(|i| match i {
            Inline::Text(t) => html! { { t } },
            Inline::Code(c) => html! { <code>{ c }</code> },
            Inline::Strong(s) => html! { <strong>{ s }</strong> },
            Inline::Link { text, url } => html! {
                <a href={url} target="_blank" rel="noopener noreferrer">{ text }</a>
            },
        })
        .collect()
}

/// A finding's summary cut where the core joined its parts ("… Root cause in your config: …
/// Who must act: …"): `(lead, text)` pairs, the first without a lead. A summary without such
/// parts is one pair.
pub fn summary_parts(s: &str) -> Vec<(&str, &str)> {
    // The core's own leads (`kb::SUMMARY_LEADS`), so the cut follows its wording.
    let mut cuts: Vec<(usize, &str)> = mailtriage::kb::SUMMARY_LEADS
        .iter()
        .flat_map(|lead| {
            s.match_indices(lead)
                .filter(|(i, _)| s[..*i].ends_with(' '))
                .collect::<Vec<_>>()
        })
        .collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut from = 0;
    let mut lead = "";
    for (i, l) in cuts {
        if i < from {
            continue;
        }
        let text = s[from..i].trim();
        if !text.is_empty() || !lead.is_empty() {
            out.push((lead, text));
        }
        lead = l;
        from = i + l.len();
    }
    out.push((lead, s[from..].trim()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_cut_at_the_parts_the_core_joined() {
        let s = "1 log line reports: Relay access denied. Root cause in your config: the client sent on port 25. Who must act: the mail client. Ruled out: domain not local.";
        assert_eq!(
            summary_parts(s),
            [
                ("", "1 log line reports: Relay access denied."),
                ("Root cause in your config:", "the client sent on port 25."),
                ("Who must act:", "the mail client."),
                ("Ruled out:", "domain not local."),
            ]
        );
        assert_eq!(summary_parts("Plain summary."), [("", "Plain summary.")]);
        // A lead inside a word or at the very start is not a cut.
        assert_eq!(summary_parts("Ruled out: x"), [("", "Ruled out: x")]);
    }

    #[test]
    fn a_core_root_cause_summary_is_cut_at_the_core_leads() {
        let text = include_str!("../../../web/examples/case-outlook-relay.txt");
        let r = mailtriage::analyze(text, &mailtriage::Options::default());
        let f = r
            .findings
            .iter()
            .find(|f| f.root_cause)
            .expect("a root cause");
        let parts = summary_parts(&f.summary);
        let leads: Vec<&str> = parts.iter().map(|p| p.0).collect();
        assert_eq!(leads[0], "", "{parts:?}");
        assert!(leads.contains(&"Root cause in your config:"), "{parts:?}");
        assert!(leads.contains(&"Who must act:"), "{parts:?}");
        assert!(parts.iter().all(|(_, t)| !t.is_empty()), "{parts:?}");
    }

    #[test]
    fn blocks_and_inlines_are_read() {
        let md = "Postfix relays only for **trusted** clients.\nSee `mynetworks`.\n\n- one\n  more\n- two\n\n```\nsmtpd_tls_auth_only = yes\n```\n1. first";
        let b = parse(md);
        assert_eq!(b.len(), 4);
        assert_eq!(
            b[0],
            Block::Paragraph(vec![
                Inline::Text("Postfix relays only for ".into()),
                Inline::Strong("trusted".into()),
                Inline::Text(" clients. See ".into()),
                Inline::Code("mynetworks".into()),
                Inline::Text(".".into()),
            ])
        );
        assert_eq!(
            b[1],
            Block::List {
                ordered: false,
                items: vec![
                    vec![Inline::Text("one more".into())],
                    vec![Inline::Text("two".into())]
                ]
            }
        );
        assert_eq!(b[2], Block::Code("smtpd_tls_auth_only = yes".into()));
        assert!(matches!(&b[3], Block::List { ordered: true, .. }));
    }

    #[test]
    fn html_and_odd_links_stay_text() {
        let b = parse(
            "<img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://example.org/a)",
        );
        let Block::Paragraph(i) = &b[0] else { panic!() };
        assert_eq!(
            i[0],
            Inline::Text("<img src=x onerror=alert(1)> [x](javascript:alert(1)) ".into())
        );
        assert_eq!(
            i[1],
            Inline::Link {
                text: "ok".into(),
                url: "https://example.org/a".into()
            }
        );
        // Unclosed markers are literal.
        assert_eq!(inline("a `b **c"), vec![Inline::Text("a `b **c".into())]);
    }
}
