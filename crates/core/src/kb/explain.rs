//! An entry as readable text: what `mailtriage explain ID` prints and the page's plain view.

use super::Entry;
use crate::report::Side;
use std::fmt::Write as _;

pub fn side_label(side: Side) -> &'static str {
    match side {
        Side::Client => "the mail client's settings",
        Side::SenderServer => "the sending side's own server",
        Side::RecipientServer => "the recipient's server or domain",
        Side::Network => "the network, DNS or a block list in between",
        Side::Unknown => "undecided",
    }
}

/// The whole entry, English, in sections.
pub fn explain_text(e: &Entry) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}\n{}", e.id, e.title);
    let mut meta = vec![format!("category: {}", e.category)];
    if !e.reply_codes.is_empty() {
        let codes: Vec<String> = e.reply_codes.iter().map(u16::to_string).collect();
        meta.push(format!("reply codes: {}", codes.join(", ")));
    }
    if !e.statuses.is_empty() {
        meta.push(format!("status: {}", e.statuses.join(", ")));
    }
    if !e.bounce_reason.is_empty() {
        meta.push(format!("bounce reason: {}", e.bounce_reason));
    }
    let _ = writeln!(s, "{}", meta.join(" · "));
    let _ = writeln!(s, "who must act: {}\n", side_label(e.side));
    let _ = writeln!(s, "{}\n", e.summary);
    for h in e.hints {
        let from = match h.source {
            "bounce" => "In a bounce",
            "client" => "In a mail client or SMTP dialog",
            _ => "In a mail log",
        };
        let _ = writeln!(s, "{from}: {}", h.text);
    }
    if !e.hints.is_empty() {
        s.push('\n');
    }
    let _ = writeln!(s, "Root causes");
    for c in e.causes {
        let _ = write!(s, "  - ({}%) {}", pct(c.likelihood), c.text);
        if !c.check.is_empty() {
            let _ = write!(s, " [check: {}]", c.check);
        }
        s.push('\n');
    }
    let _ = writeln!(s, "\nFixes");
    for f in e.fixes {
        let _ = writeln!(s, "  - ({}% success) {}", pct(f.success), f.text);
        for line in f.snippet.lines() {
            let _ = writeln!(s, "        {line}");
        }
    }
    if !e.dead_ends.is_empty() {
        let _ = writeln!(s, "\nDead ends");
        for d in e.dead_ends {
            let _ = writeln!(s, "  - {} — {}", d.attempt, d.why);
        }
    }
    if !e.paste_next.is_empty() {
        let _ = writeln!(s, "\nTo decide the cause: {}", e.paste_next);
    }
    if !e.params.is_empty() {
        let _ = writeln!(s, "\nSettings concerned: {}", e.params.join(", "));
    }
    if !e.versions.is_empty() {
        let _ = writeln!(s, "\nVersions");
        for (sw, note) in e.versions {
            let _ = writeln!(s, "  - {sw}: {note}");
        }
    }
    let _ = writeln!(s, "\nReferences");
    for r in e.references {
        if r.url.is_empty() {
            let _ = writeln!(s, "  - {}", r.title);
        } else {
            let _ = writeln!(s, "  - {} <{}>", r.title, r.url);
        }
    }
    if !e.translations.is_empty() {
        let langs: Vec<&str> = e.translations.iter().map(|t| t.lang).collect();
        let _ = writeln!(s, "\nAlso in: {}", langs.join(", "));
    }
    s
}

fn pct(x: f32) -> u32 {
    (x * 100.0).round() as u32
}
