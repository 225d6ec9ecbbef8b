//! Build step: turns the data under `kb/` into static Rust data, so neither the CLI nor the page
//! ships a parser for those formats.
//!
//! - `kb/data/*.tsv` (fact tables imported from the reference data by `tools/import-data.py`)
//!   become `pub static NAME: LazyLock<Vec<[&str; COLUMNS]>>`, rows in file order, header dropped
//!   (stored as one string per table, split on first use).
//! - `kb/entries/<dir>/<slug>.toml` (knowledge-base entries) are validated and become
//!   `kb::ENTRIES` (see the `kb_entries` module at the end of this file).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let kb = manifest.join("../../kb");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", kb.join("data").display());

    let mut code = String::new();
    for (file, name) in [
        ("postfix-params.tsv", "POSTFIX_PARAMS"),
        ("postfix-deprecated.tsv", "POSTFIX_DEPRECATED"),
        ("postfix-compat-defaults.tsv", "POSTFIX_COMPAT_DEFAULTS"),
        ("dovecot-settings.tsv", "DOVECOT_SETTINGS"),
        ("dnsbl-status.tsv", "DNSBL_STATUS"),
        ("bounce-reasons.tsv", "BOUNCE_REASONS"),
        ("enhanced-status-codes.tsv", "ENHANCED_STATUS_CODES"),
        ("smtp-reply-codes.tsv", "SMTP_REPLY_CODES"),
    ] {
        emit_tsv(&kb.join("data").join(file), name, &mut code);
    }
    std::fs::write(out.join("tables.rs"), code).unwrap();

    kb_entries::build(&kb, &out);
}

/// One TSV file as a static table of string cells. Fails the build on a ragged row.
fn emit_tsv(path: &Path, name: &str, code: &mut String) {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let n = header.len();
    // One string per table, cells split by U+001F and rows by U+001E, split once on first use
    // (`tables::split_table`): a slice of `[&str; N]` would cost the page 8 bytes of pointer per
    // cell in its data section.
    let mut blob = String::new();
    for (i, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cells.len(),
            n,
            "{}: row {} has {} cells, header has {n}",
            path.display(),
            i + 2,
            cells.len()
        );
        assert!(
            !line.contains(['\u{1e}', '\u{1f}']),
            "{}: row {} holds a separator character",
            path.display(),
            i + 2
        );
        blob.push_str(&cells.join("\u{1f}"));
        blob.push('\u{1e}');
    }
    writeln!(code, "/// Columns: {}.", header.join(", ")).unwrap();
    writeln!(
        code,
        "pub static {name}: std::sync::LazyLock<Vec<[&'static str; {n}]>> =\n    std::sync::LazyLock::new(|| split_table({blob:?}));"
    )
    .unwrap();
}

/// The knowledge base: every `kb/entries/**/*.toml` is read, validated and written out as Rust
/// data (`kb_entries.rs`, included by `src/kb/mod.rs`). Any invalid entry fails the build with
/// one message per problem, naming the file.
mod kb_entries {
    use serde::Deserialize;
    use std::collections::{BTreeMap, HashSet};
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct EntryFile {
        id: String,
        title: String,
        category: String,
        summary: String,
        side: String,
        #[serde(default = "default_severity")]
        severity: String,
        #[serde(default)]
        reply_codes: Vec<u16>,
        #[serde(default)]
        statuses: Vec<String>,
        #[serde(default)]
        patterns: Vec<String>,
        #[serde(default)]
        regexes: Vec<String>,
        #[serde(default)]
        params: Vec<String>,
        #[serde(default)]
        bounce_reason: String,
        #[serde(default)]
        paste_next: String,
        #[serde(default)]
        needs: Vec<String>,
        #[serde(default)]
        generic: bool,
        #[serde(default)]
        hints: BTreeMap<String, Hint>,
        causes: Vec<Cause>,
        fixes: Vec<Fix>,
        #[serde(default)]
        dead_ends: Vec<DeadEnd>,
        #[serde(default)]
        versions: BTreeMap<String, String>,
        references: Vec<Reference>,
        #[serde(default)]
        translations: BTreeMap<String, Translation>,
        examples: Examples,
    }

    fn default_severity() -> String {
        "error".into()
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Hint {
        text: String,
        #[serde(default)]
        side: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Cause {
        text: String,
        likelihood: f32,
        #[serde(default)]
        check: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fix {
        text: String,
        #[serde(default)]
        snippet: String,
        success: f32,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct DeadEnd {
        attempt: String,
        why: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Reference {
        title: String,
        #[serde(default)]
        url: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Translation {
        title: String,
        summary: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Examples {
        #[serde(rename = "match")]
        must_match: Vec<String>,
        no_match: Vec<String>,
    }

    const SIDES: &[(&str, &str)] = &[
        ("client", "Client"),
        ("sender_server", "SenderServer"),
        ("recipient_server", "RecipientServer"),
        ("network", "Network"),
        ("unknown", "Unknown"),
    ];
    const SEVERITIES: &[(&str, &str)] = &[
        ("critical", "Critical"),
        ("error", "Error"),
        ("warning", "Warning"),
        ("info", "Info"),
    ];
    const HINT_SOURCES: &[&str] = &["bounce", "log", "client"];
    const VERSION_KEYS: &[&str] = &["postfix", "dovecot", "exim", "sendmail"];
    const NEEDS: &[&str] = &["postfix", "master", "dovecot", "log", "bounce"];

    pub fn build(kb: &Path, out: &Path) {
        let dir = kb.join("entries");
        println!("cargo:rerun-if-changed={}", dir.display());
        let reasons = bounce_reasons(&kb.join("data/bounce-reasons.tsv"));
        let mut files = Vec::new();
        walk(&dir, &mut files);
        files.sort();
        let mut errors = Vec::new();
        let mut entries = Vec::new();
        let mut ids = HashSet::new();
        for path in &files {
            println!("cargo:rerun-if-changed={}", path.display());
            let rel = path.strip_prefix(kb).unwrap_or(path).display().to_string();
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(format!("{rel}: cannot read: {e}"));
                    continue;
                }
            };
            let entry: EntryFile = match toml::from_str(&text) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(format!("{rel}: not a valid entry: {e}"));
                    continue;
                }
            };
            let mut problems = Vec::new();
            validate(&entry, path, &reasons, &mut problems);
            if !ids.insert(entry.id.clone()) {
                problems.push(format!("duplicate id {}", entry.id));
            }
            errors.extend(problems.into_iter().map(|p| format!("{rel}: {p}")));
            entries.push(entry);
        }
        if !errors.is_empty() {
            panic!(
                "\n\nknowledge base: {} problem(s) in kb/entries:\n  - {}\n\n",
                errors.len(),
                errors.join("\n  - ")
            );
        }
        let mut code = String::new();
        writeln!(code, "/// Every knowledge-base entry, in file order.").unwrap();
        writeln!(code, "pub static ENTRIES: &[Entry] = &[").unwrap();
        for (i, e) in entries.iter().enumerate() {
            emit(e, i, &mut code);
        }
        code.push_str("];\n");
        std::fs::write(out.join("kb_entries.rs"), code).unwrap();
    }

    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                println!("cargo:rerun-if-changed={}", p.display());
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }

    fn bounce_reasons(path: &Path) -> HashSet<String> {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .map(str::to_owned)
            .collect()
    }

    /// The same test the runtime uses (`kb::Entry::matches_text`): the text, lowercased, holds a
    /// literal pattern or matches a regex.
    fn matches(e: &EntryFile, regexes: &[regex_lite::Regex], text: &str) -> bool {
        let hay = text.to_lowercase();
        e.patterns.iter().any(|p| hay.contains(p.as_str()))
            || regexes.iter().any(|r| r.is_match(&hay))
    }

    fn is_status(s: &str) -> bool {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() == 3
            && matches!(parts[0], "2" | "4" | "5")
            && parts[1..]
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
    }

    fn validate(e: &EntryFile, path: &Path, reasons: &HashSet<String>, problems: &mut Vec<String>) {
        let dir = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match e.id.split_once('/') {
            Some((group, slug)) => {
                if group != dir {
                    problems.push(format!(
                        "id {} must start with its folder name `{dir}/`",
                        e.id
                    ));
                }
                if slug.is_empty()
                    || !e.id.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._/".contains(&b)
                    })
                {
                    problems.push(format!(
                        "id {} may hold only lowercase letters, digits and - . _ /",
                        e.id
                    ));
                }
            }
            None => problems.push(format!("id {} lacks its `group/` prefix", e.id)),
        }
        for (name, value) in [
            ("title", &e.title),
            ("category", &e.category),
            ("summary", &e.summary),
        ] {
            if value.trim().is_empty() {
                problems.push(format!("English {name} is empty"));
            }
        }
        if !SIDES.iter().any(|(k, _)| *k == e.side) {
            problems.push(format!("side `{}` is not one of {SIDES:?}", e.side));
        }
        if !SEVERITIES.iter().any(|(k, _)| *k == e.severity) {
            problems.push(format!("severity `{}` is unknown", e.severity));
        }
        for c in &e.reply_codes {
            if !(200..=599).contains(c) {
                problems.push(format!("reply code {c} is not an SMTP reply code"));
            }
        }
        for s in &e.statuses {
            if !is_status(s) {
                problems.push(format!(
                    "status `{s}` is not an enhanced status code (5.7.1)"
                ));
            }
        }
        if !e.bounce_reason.is_empty() && !reasons.contains(&e.bounce_reason) {
            problems.push(format!(
                "bounce_reason `{}` is not in kb/data/bounce-reasons.tsv",
                e.bounce_reason
            ));
        }
        for n in &e.needs {
            if !NEEDS.contains(&n.as_str()) {
                problems.push(format!("needs `{n}` is not one of {NEEDS:?}"));
            }
        }
        if !e.needs.is_empty() && e.paste_next.trim().is_empty() {
            problems.push("needs is set but paste_next (what to paste) is empty".into());
        }
        if e.patterns.is_empty() && e.regexes.is_empty() {
            problems.push("no patterns and no regexes: the entry could never match".into());
        }
        for p in &e.patterns {
            if p.trim().len() < 4 {
                problems.push(format!("pattern `{p}` is too short to be specific"));
            }
            if *p != p.to_lowercase() {
                problems.push(format!(
                    "pattern `{p}` must be lowercase (text is lowercased before matching)"
                ));
            }
        }
        let mut regexes = Vec::new();
        for r in &e.regexes {
            match regex_lite::Regex::new(r) {
                Ok(re) => regexes.push(re),
                Err(err) => problems.push(format!("regex `{r}` does not compile: {err}")),
            }
        }
        for (k, h) in &e.hints {
            if !HINT_SOURCES.contains(&k.as_str()) {
                problems.push(format!("hint source `{k}` is not one of {HINT_SOURCES:?}"));
            }
            if h.text.trim().is_empty() {
                problems.push(format!("hint `{k}` has no text"));
            }
            if let Some(s) = &h.side {
                if !SIDES.iter().any(|(k, _)| k == s) {
                    problems.push(format!("hint side `{s}` is unknown"));
                }
            }
        }
        if e.causes.is_empty() {
            problems.push("no root cause".into());
        }
        for c in &e.causes {
            if c.text.trim().is_empty() || !(0.0..=1.0).contains(&c.likelihood) {
                problems.push("a cause needs text and a likelihood in 0..=1".into());
            }
            if !c.check.is_empty() && c.check.split_once('/').is_none() {
                problems.push(format!(
                    "cause check `{}` is not a `group/name` id",
                    c.check
                ));
            }
        }
        // Likelihoods are shares of one population (admins who see this failure): they are
        // listed most likely first, as `kb::Entry::causes` promises, and cannot exceed 1.
        let total: f32 = e.causes.iter().map(|c| c.likelihood).sum();
        if total > 1.001 {
            problems.push(format!(
                "cause likelihoods add up to {total:.2}, more than 1"
            ));
        }
        if e.causes
            .windows(2)
            .any(|w| w[0].likelihood < w[1].likelihood)
        {
            problems.push("causes must be listed most likely first".into());
        }
        if e.fixes.is_empty() {
            problems.push("no fix".into());
        }
        for f in &e.fixes {
            if f.text.trim().is_empty() || !(0.0..=1.0).contains(&f.success) {
                problems.push("a fix needs text and a success rate in 0..=1".into());
            }
        }
        for d in &e.dead_ends {
            if d.attempt.trim().is_empty() || d.why.trim().is_empty() {
                problems.push("a dead end needs both attempt and why".into());
            }
        }
        for k in e.versions.keys() {
            if !VERSION_KEYS.contains(&k.as_str()) {
                problems.push(format!("versions key `{k}` is not one of {VERSION_KEYS:?}"));
            }
        }
        if e.references.is_empty() {
            problems.push("no reference".into());
        }
        for r in &e.references {
            if !r.url.is_empty() && !r.url.starts_with("https://") {
                problems.push(format!("reference url `{}` must be https://", r.url));
            }
        }
        for (lang, t) in &e.translations {
            if lang.len() != 2 || t.title.trim().is_empty() || t.summary.trim().is_empty() {
                problems.push(format!(
                    "translation `{lang}` needs a two-letter language, title and summary"
                ));
            }
        }
        if e.examples.must_match.is_empty() {
            problems.push("no example that must match".into());
        }
        if e.examples.no_match.is_empty() {
            problems.push("no example that must not match".into());
        }
        for ex in &e.examples.must_match {
            if !matches(e, &regexes, ex) {
                problems.push(format!("example does not match: {ex:?}"));
            }
        }
        for ex in &e.examples.no_match {
            if matches(e, &regexes, ex) {
                problems.push(format!("no_match example matches: {ex:?}"));
            }
        }
    }

    fn strs(v: &[String]) -> String {
        let mut s = String::from("&[");
        for x in v {
            write!(s, "{x:?}, ").unwrap();
        }
        s.push(']');
        s
    }

    fn variant<'a>(table: &[(&str, &'a str)], key: &str) -> &'a str {
        table
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or("Unknown")
    }

    fn emit(e: &EntryFile, index: usize, code: &mut String) {
        let c = code;
        writeln!(c, "    Entry {{").unwrap();
        writeln!(c, "        index: {index},").unwrap();
        writeln!(c, "        id: {:?},", e.id).unwrap();
        writeln!(c, "        title: {:?},", e.title.trim()).unwrap();
        writeln!(c, "        category: {:?},", e.category).unwrap();
        writeln!(c, "        summary: {:?},", e.summary.trim()).unwrap();
        writeln!(c, "        side: Side::{},", variant(SIDES, &e.side)).unwrap();
        writeln!(
            c,
            "        severity: Severity::{},",
            variant(SEVERITIES, &e.severity)
        )
        .unwrap();
        writeln!(c, "        reply_codes: &{:?},", e.reply_codes).unwrap();
        writeln!(c, "        statuses: {},", strs(&e.statuses)).unwrap();
        writeln!(c, "        patterns: {},", strs(&e.patterns)).unwrap();
        writeln!(c, "        regexes: {},", strs(&e.regexes)).unwrap();
        writeln!(c, "        params: {},", strs(&e.params)).unwrap();
        writeln!(c, "        bounce_reason: {:?},", e.bounce_reason).unwrap();
        writeln!(c, "        paste_next: {:?},", e.paste_next.trim()).unwrap();
        writeln!(c, "        needs: {},", strs(&e.needs)).unwrap();
        writeln!(c, "        generic: {},", e.generic).unwrap();
        c.push_str("        hints: &[");
        for (k, h) in &e.hints {
            let side = match &h.side {
                Some(s) => format!("Some(Side::{})", variant(SIDES, s)),
                None => "None".into(),
            };
            write!(
                c,
                "Hint {{ source: {k:?}, text: {:?}, side: {side} }}, ",
                h.text.trim()
            )
            .unwrap();
        }
        c.push_str("],\n        causes: &[");
        for x in &e.causes {
            write!(
                c,
                "Cause {{ text: {:?}, likelihood: {:?}, check: {:?} }}, ",
                x.text.trim(),
                x.likelihood,
                x.check
            )
            .unwrap();
        }
        c.push_str("],\n        fixes: &[");
        for x in &e.fixes {
            write!(
                c,
                "KbFix {{ text: {:?}, snippet: {:?}, success: {:?} }}, ",
                x.text.trim(),
                x.snippet.trim_end(),
                x.success
            )
            .unwrap();
        }
        c.push_str("],\n        dead_ends: &[");
        for x in &e.dead_ends {
            write!(
                c,
                "KbDeadEnd {{ attempt: {:?}, why: {:?} }}, ",
                x.attempt.trim(),
                x.why.trim()
            )
            .unwrap();
        }
        // Version notes and translations are shown only by `explain`: compiled in only with the
        // `kb-explain` feature (default on; the page, which shows neither, leaves them out).
        let for_explain = std::env::var_os("CARGO_FEATURE_KB_EXPLAIN").is_some();
        c.push_str("],\n        versions: &[");
        for k in VERSION_KEYS.iter().filter(|_| for_explain) {
            if let Some(v) = e.versions.get(*k) {
                write!(c, "({k:?}, {:?}), ", v.trim()).unwrap();
            }
        }
        c.push_str("],\n        references: &[");
        for x in &e.references {
            write!(
                c,
                "KbReference {{ title: {:?}, url: {:?} }}, ",
                x.title, x.url
            )
            .unwrap();
        }
        c.push_str("],\n        translations: &[");
        for (lang, t) in e.translations.iter().filter(|_| for_explain) {
            write!(
                c,
                "Translation {{ lang: {lang:?}, title: {:?}, summary: {:?} }}, ",
                t.title.trim(),
                t.summary.trim()
            )
            .unwrap();
        }
        c.push_str("],\n");
        // The examples are validated above either way; they are compiled in only with the
        // `kb-examples` feature (default on: tests read them; the page leaves them out).
        let with_examples = std::env::var_os("CARGO_FEATURE_KB_EXAMPLES").is_some();
        let examples = |xs: &[String]| {
            if with_examples {
                strs(xs)
            } else {
                "&[]".to_owned()
            }
        };
        writeln!(
            c,
            "        examples_match: {},",
            examples(&e.examples.must_match)
        )
        .unwrap();
        writeln!(
            c,
            "        examples_no_match: {},",
            examples(&e.examples.no_match)
        )
        .unwrap();
        c.push_str("    },\n");
    }
}
