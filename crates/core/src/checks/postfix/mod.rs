//! Checks over Postfix configuration (`main.cf` / `postconf` output and `master.cf`).

pub mod deprecated_parameter;
pub mod deprecated_restriction;
pub mod duplicate_parameter;
pub mod unknown_parameter;

use crate::facts::Facts;
use crate::postfix::{Override, PostfixConfig, Version};
use crate::text::Span;

/// Every `-o name=value` of every master.cf service in the paste, with the service's name.
pub(crate) fn master_overrides(facts: &Facts) -> impl Iterator<Item = (&str, &Override)> {
    facts.master.iter().flat_map(|m| {
        m.services
            .iter()
            .flat_map(|s| s.overrides.iter().map(move |o| (s.name.as_str(), o)))
    })
}

/// The Postfix release the paste is about: a config's own `mail_version` first, else any
/// config's version (which may come from [`crate::Options::postfix_version`]).
pub(crate) fn paste_version(facts: &Facts) -> Option<Version> {
    facts
        .postfix
        .iter()
        .find(|c| c.version_stated)
        .or_else(|| facts.postfix.iter().find(|c| c.version.is_some()))
        .and_then(|c| c.version)
}

/// `line N` wording for summaries is left to renderers; evidence carries spans. This names a
/// config in summaries when several are pasted.
pub(crate) fn config_label(cfg: &PostfixConfig) -> &'static str {
    cfg.kind.map_or("main.cf", |k| k.label())
}

/// A span for evidence, never empty-handed.
pub(crate) fn or_whole(span: Option<Span>, whole: Span) -> Span {
    span.unwrap_or(whole)
}
