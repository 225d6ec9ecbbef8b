//! What hovering (or putting the caret on) a word of the paste tells: a Postfix parameter's
//! meaning, its default for the release and `compatibility_level` the paste shows, and whether
//! it is deprecated; a Dovecot setting's meaning and whether it exists in the detected 2.3/2.4
//! syntax. Facts come from the core's tables (`postfix::params`, `dovecot::settings`: the only
//! part of the core the UI code reads), the release and syntax of each segment from the engine's
//! `SegmentFacts`; the one-line meanings, which those tables do not carry, from
//! `web/data/*-meanings.tsv`.

use crate::model::{SegmentFacts, SegmentView};
use mailtriage::dovecot::{settings, Syntax};
use mailtriage::postfix::params::{self, Version};

const POSTFIX_MEANINGS: &str = include_str!("../../../web/data/postfix-meanings.tsv");
const DOVECOT_MEANINGS: &str = include_str!("../../../web/data/dovecot-meanings.tsv");

fn meaning(table: &'static str, name: &str) -> Option<&'static str> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .find(|(n, _)| *n == name)
        .map(|(_, m)| m)
}

/// Per segment, what hovering a word there looks up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HoverContext {
    segments: Vec<SegmentContext>,
}

#[derive(Clone, Debug, PartialEq)]
struct SegmentContext {
    start: usize,
    end: usize,
    postfix_names: bool,
    postfix: Option<(Option<Version>, Version)>,
    dovecot: Option<Syntax>,
}

impl HoverContext {
    pub fn new(segments: &[SegmentView], facts: &[SegmentFacts]) -> HoverContext {
        let segments = segments
            .iter()
            .zip(facts)
            .map(|(s, f)| SegmentContext {
                start: s.start,
                end: s.end,
                postfix_names: f.postfix_config || f.master_cf,
                postfix: f.postfix_config.then(|| {
                    (
                        f.postfix_version.as_deref().and_then(Version::parse),
                        f.compatibility_level
                            .as_deref()
                            .and_then(Version::parse)
                            .unwrap_or_default(),
                    )
                }),
                dovecot: f
                    .dovecot_2_4
                    .map(|v24| if v24 { Syntax::V2_4 } else { Syntax::V2_3 }),
            })
            .collect();
        HoverContext { segments }
    }

    fn at(&self, offset: usize) -> Option<&SegmentContext> {
        self.segments
            .iter()
            .find(|s| s.start <= offset && offset < s.end)
    }

    /// The postfix release/level nearest to `offset`: its own segment's, else the first Postfix
    /// configuration in the paste (a `master.cf` or log next to `postconf -n`).
    fn postfix_context(&self, offset: usize) -> (Option<Version>, Version) {
        self.at(offset)
            .and_then(|s| s.postfix)
            .or_else(|| self.segments.iter().find_map(|s| s.postfix))
            .unwrap_or((None, Version::default()))
    }
}

/// What a word means, as a title and a few short lines.
#[derive(Clone, Debug, PartialEq)]
pub struct WordInfo {
    pub name: String,
    pub lines: Vec<String>,
    pub deprecated: bool,
}

/// The description of `word` found at byte `offset`, or `None` when it names nothing known.
pub fn describe(ctx: &HoverContext, word: &str, offset: usize) -> Option<WordInfo> {
    let seg = ctx.at(offset);
    if let Some(syntax) = seg.and_then(|s| s.dovecot) {
        if let Some(info) = describe_dovecot(word, syntax) {
            return Some(info);
        }
    }
    let in_postfix = seg.is_some_and(|s| s.postfix_names);
    // Outside Postfix configuration only names with an underscore count (`smtpd_use_tls` in
    // prose, not every `from` or `status` in a log line).
    if in_postfix || word.contains('_') {
        let (version, level) = ctx.postfix_context(offset);
        return describe_postfix(word, version, level);
    }
    None
}

fn describe_postfix(name: &str, version: Option<Version>, level: Version) -> Option<WordInfo> {
    let info = params::info(name);
    let dep = params::deprecated(name);
    let meaning = meaning(POSTFIX_MEANINGS, name);
    if info.is_none() && dep.is_none() && meaning.is_none() {
        return None;
    }
    let mut lines = Vec::new();
    if let Some(m) = meaning {
        lines.push(m.to_owned());
    }
    let release = match version {
        Some(v) => format!("Postfix {v}"),
        None => "the latest Postfix".to_owned(),
    };
    if let Some(info) = info {
        if !info.exists_in(version) {
            lines.push(format!("Not a parameter of {release}."));
        } else {
            let level_text = if level == Version::default() {
                "compatibility_level unset".to_owned()
            } else {
                format!("compatibility_level {level}")
            };
            lines.push(match params::default_value(name, version, level) {
                Some(d) if d.is_empty() => format!("Default in {release} ({level_text}): empty."),
                Some(d) => format!("Default in {release} ({level_text}): {d}"),
                None => format!("Default in {release}: depends on the host (see postconf -d)."),
            });
        }
        if info.since > Version::new(2, 1, 0) {
            lines.push(format!("Since Postfix {}.", info.since));
        }
        if let Some(r) = info.removed_after {
            lines.push(format!("Last documented in Postfix {r}."));
        }
    }
    if let Some(d) = dep {
        let mut s = String::from("Deprecated");
        if let Some(w) = d.warned_since {
            s.push_str(&format!(" since Postfix {w}"));
        }
        if let Some(r) = d.removed_in {
            s.push_str(&format!(", stops working in {r}"));
        }
        s.push_str(&format!(": use {} instead.", d.replacement));
        lines.push(s);
        if d.removed_by(version) {
            lines.push(format!("{release} no longer accepts it."));
        }
    }
    Some(WordInfo {
        name: name.to_owned(),
        lines,
        deprecated: dep.is_some(),
    })
}

fn describe_dovecot(name: &str, syntax: Syntax) -> Option<WordInfo> {
    let info = settings::setting_info(name)?;
    let mut lines = Vec::new();
    if let Some(m) = meaning(DOVECOT_MEANINGS, name) {
        lines.push(m.to_owned());
    }
    let (here, label) = match syntax {
        Syntax::V2_3 => (info.in_2_3, "2.3"),
        Syntax::V2_4 => (info.in_2_4, "2.4"),
    };
    lines.push(if here {
        format!("A Dovecot {label} setting.")
    } else {
        format!("Not a Dovecot {label} setting.")
    });
    let mut deprecated = false;
    if let Some(to) = info.renamed_to_2_4 {
        lines.push(format!("Renamed in Dovecot 2.4 to {to}."));
        deprecated = syntax == Syntax::V2_4 || !info.in_2_4;
    } else if info.in_2_3 && !info.in_2_4 {
        lines.push("Removed in Dovecot 2.4.".to_owned());
        deprecated = true;
    } else if !info.in_2_3 && info.in_2_4 {
        lines.push("New in Dovecot 2.4.".to_owned());
    }
    if let Some(p) = info.plugin {
        lines.push(format!("Defined by the {p} plugin."));
    }
    if let Some(n) = info.note {
        lines.push(n.to_owned());
    }
    Some(WordInfo {
        name: name.to_owned(),
        lines,
        deprecated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hover context of a whole paste, as the page builds it from the analysis.
    fn context(text: &str) -> HoverContext {
        let r = crate::model::parse_result(&mailtriage_engine::analyze_to_json(text));
        assert_eq!(r.segment_facts.len(), r.report.segments.len());
        HoverContext::new(&r.report.segments, &r.segment_facts)
    }

    #[test]
    fn a_postfix_parameter_shows_meaning_and_versioned_default() {
        let text = "compatibility_level = 2\nmail_version = 3.7.4\nsmtpd_relay_restrictions = permit_mynetworks\n";
        let ctx = context(text);
        let off = text.find("smtpd_relay").unwrap();
        let i = describe(&ctx, "smtpd_relay_restrictions", off).unwrap();
        assert!(i.lines[0].contains("relay"));
        assert!(i.lines.iter().any(|l| l.contains("Postfix 3.7.4")
            && l.contains("compatibility_level 2")
            && l.contains("permit_sasl_authenticated, defer_unauth_destination")));
        assert!(!i.deprecated);
    }

    #[test]
    fn deprecated_names_say_what_replaces_them() {
        let text = "smtpd_use_tls = yes\nmyhostname = mx.example.net\n";
        let ctx = context(text);
        let i = describe(&ctx, "smtpd_use_tls", 0).unwrap();
        assert!(i.deprecated);
        assert!(i.lines.iter().any(|l| l.starts_with("Deprecated")));
    }

    #[test]
    fn dovecot_settings_follow_the_detected_syntax() {
        let text = "# 2.4.1 (7cd14a0a): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0 x86_64\nssl_cert = </etc/x.pem\nprotocols = imap\n";
        let ctx = context(text);
        let i = describe(&ctx, "ssl_cert", text.find("ssl_cert").unwrap()).unwrap();
        assert!(i.deprecated);
        assert!(i.lines.iter().any(|l| l.contains("ssl_server_cert_file")));
        // Plain words in a log are not looked up as parameters.
        let log = "May 14 10:21:02 mx1 postfix/smtpd[20311]: connect from unknown[203.0.113.80]\n";
        let ctx = context(log);
        assert_eq!(describe(&ctx, "from", log.find("from").unwrap()), None);
    }

    #[test]
    fn meaning_tables_name_real_parameters() {
        for l in POSTFIX_MEANINGS.lines().skip(1) {
            let (name, m) = l.split_once('\t').expect("two columns");
            assert!(!m.is_empty());
            // Restriction names are not parameters; everything else must be in the core's table.
            let restriction = ["permit_", "reject_", "defer_", "check_"]
                .iter()
                .any(|p| name.starts_with(p));
            assert!(
                restriction || params::is_known(name),
                "{name} is not a Postfix parameter"
            );
        }
        for l in DOVECOT_MEANINGS.lines().skip(1) {
            let (name, _) = l.split_once('\t').expect("two columns");
            assert!(
                settings::setting_info(name).is_some(),
                "{name} is not a Dovecot setting"
            );
        }
    }
}
