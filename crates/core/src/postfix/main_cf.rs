//! Reading `main.cf` text (`postconf -n`, `postconf`, or the raw file) into [`PostfixConfig`].

use super::params::Version;
use super::value::Value;
use super::{Param, PostfixConfig};
use crate::facts::Options;
use crate::report::{Note, SegmentKind};
use crate::segment::unquote;
use crate::text::{lines_at, Span};

const SOURCE: &str = "main.cf";

/// Whether `s` is a parameter name (`[A-Za-z0-9_]+`, as Postfix accepts in main.cf).
fn is_param_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `name = value` → (name, value-part-with-leading-spaces); `None` when the line is not a
/// definition.
fn definition(body: &str) -> Option<(&str, &str)> {
    let (name, value) = body.split_once('=')?;
    let name = name.trim_end();
    is_param_name(name).then_some((name, value))
}

/// Leading whitespace width of `s`.
fn indent(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

pub fn parse(
    text: &str,
    base: usize,
    kind: SegmentKind,
    opts: &Options,
) -> (PostfixConfig, Vec<Note>) {
    let mut notes = Vec::new();
    let mut cfg = PostfixConfig {
        kind: Some(kind),
        span: Span::new(base, base + text.len()),
        ..Default::default()
    };

    // Forum pastes indent every line; continuation means "more indented than the definitions".
    let base_indent = lines_at(text, base)
        .filter_map(|l| {
            let body = unquote(l.text);
            let t = body.trim_start();
            (!t.is_empty() && !t.starts_with('#') && definition(t).is_some()).then(|| indent(body))
        })
        .min()
        .unwrap_or(0);

    let mut current: Option<Param> = None;
    for line in lines_at(text, base) {
        let body = unquote(line.text);
        let body_at = line.sub_span(body).start;
        let t = body.trim_start();
        if t.is_empty() || t.starts_with('#') {
            // Comments and blank lines neither end nor join a logical line.
            continue;
        }
        let ind = indent(body);
        let def = if ind <= base_indent {
            definition(t)
        } else {
            None
        };
        match (def, current.as_mut()) {
            (Some((name, value)), _) => {
                if let Some(p) = current.take() {
                    cfg.push(p);
                }
                let name_at = body_at + ind;
                let value_at = name_at + (t.len() - value.len());
                let v = Value::single(value, value_at);
                current = Some(Param {
                    name: name.to_owned(),
                    value: v,
                    span: Span::new(name_at, line.end),
                    name_span: Span::new(name_at, name_at + name.len()),
                    overridden: false,
                });
            }
            (None, Some(p)) => {
                if ind <= base_indent {
                    notes.push(Note::new(
                        line.span(),
                        SOURCE,
                        format!(
                            "line has no `=` and is not indented; read as part of `{}` (Postfix \
                             itself needs continuation lines to start with whitespace)",
                            p.name
                        ),
                    ));
                }
                p.value.push(t, body_at + ind);
                p.span = p.span.cover(line.span());
            }
            (None, None) => notes.push(Note::new(
                line.span(),
                SOURCE,
                format!("not a `name = value` line: {:?}", crate::text::clip(t, 60)),
            )),
        }
    }
    if let Some(p) = current.take() {
        cfg.push(p);
    }

    cfg.version = cfg
        .get("mail_version")
        .and_then(|p| Version::parse(&p.value.text));
    cfg.version_stated = cfg.version.is_some();
    if cfg.version.is_none() {
        cfg.version = opts.postfix_version.as_deref().and_then(Version::parse);
    }
    if let Some(p) = cfg.get("compatibility_level") {
        let v = cfg.expand(&p.value.text);
        match Version::parse(&v) {
            Some(l) => cfg.compatibility_level = l,
            None => notes.push(Note::new(
                p.value.span().unwrap_or(p.span),
                SOURCE,
                format!("compatibility_level {v:?} is not a level; read as 0"),
            )),
        }
    }
    (cfg, notes)
}

impl PostfixConfig {
    fn push(&mut self, p: Param) {
        if let Some(&old) = self.index.get(&p.name) {
            if let Some(o) = self.params.get_mut(old) {
                o.overridden = true;
            }
        }
        self.index.insert(p.name.clone(), self.params.len());
        self.params.push(p);
    }
}
