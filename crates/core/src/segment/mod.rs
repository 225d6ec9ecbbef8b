//! Segmenting: splits one paste into stretches of one kind each (config, log, bounce, prose…),
//! keeping byte spans into the original text.
//!
//! Three linear passes over the lines:
//! 1. [`classify`] each line on its own (forum quoting `> ` and indentation removed first);
//! 2. label each line with a family, using what came before (inside a Dovecot section, after a
//!    Postfix definition whose value continues, inside a bounce or an error dialog's paragraph);
//! 3. settle the lines that fit anything (comments, blank lines, names neither program knows,
//!    bare SMTP replies) by their neighbours, join runs of one family (a blank line inside a config
//!    does not end it when the config resumes), and pick each run's exact kind
//!    (`postconf -n` vs full `postconf` vs `main.cf`, `doveconf -n` vs full vs raw file).
//!
//! Headings such as "postconf -n" or "main.cf:" are prose: only the text they introduce is config.

mod classify;

pub use classify::is_log_line;

use crate::report::{Note, Segment, SegmentKind};
use crate::text::{lines, Line};
use classify::{classify, transcript_body, transcript_reply_code, Class};

/// A line without forum quoting (`> `, `>> `): what the original text said.
pub fn unquote(line: &str) -> &str {
    let mut s = line;
    loop {
        // Bytes, not a char pattern: asked twice of every line of a paste.
        let t = &s[s.bytes().take_while(|&b| b == b' ' || b == b'\t').count()..];
        match t.strip_prefix('>') {
            // `>>>` is an SMTP direction marker, not quoting.
            Some(rest) if !rest.starts_with(">>") => s = rest.strip_prefix(' ').unwrap_or(rest),
            _ => return s,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Postfix,
    Master,
    Dovecot,
    Log,
    Smtp,
    Bounce,
    Client,
    Prose,
}

impl Family {
    fn is_config(self) -> bool {
        matches!(self, Family::Postfix | Family::Master | Family::Dovecot)
    }
}

struct L<'a> {
    line: Line<'a>,
    /// Text without quoting and surrounding whitespace.
    t: &'a str,
    indent: usize,
    class: Class,
    fam: Option<Family>,
    /// The first line of a message: a bounce pasted right after another one starts its own
    /// segment here.
    starts: bool,
}

/// Most lines a Dovecot section may nest (guards `{` floods).
const MAX_DEPTH: usize = 64;

pub fn segment(input: &str) -> (Vec<Segment>, Vec<Note>) {
    if input.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut lower = String::new();
    let mut ls: Vec<L> = lines(input)
        .map(|line| {
            let body = unquote(line.text);
            let t = body.trim();
            L {
                line,
                t,
                indent: body.len() - body.trim_start().len(),
                class: classify(t, &mut lower),
                fam: None,
                starts: false,
            }
        })
        .collect();
    label(&mut ls);
    settle(&mut ls);
    (form(&ls), Vec::new())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    None,
    Postfix {
        indent: usize,
        /// The last definition's value continues (empty or ending with a comma).
        open: bool,
    },
    Master,
    Dovecot {
        depth: usize,
    },
    Bounce {
        in_headers: bool,
        /// The message declared a MIME boundary: it goes on to the closing boundary.
        multipart: bool,
        /// The body follows a header block of a whole message (at least [`MIN_HEADERS`]
        /// headers): it goes on until the text clearly leaves the message. Otherwise (a body
        /// pasted alone, a lone header line) each further paragraph must look like a bounce's.
        whole: bool,
        /// Header lines seen so far in the header block.
        headers: usize,
    },
    Client,
}

/// What an SMTP session in progress makes of the lines that follow, whatever they look like.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SmtpExpect {
    Nothing,
    /// After `354`: the message, up to a line holding only `.` (at most this many more lines).
    Body(usize),
    /// After `334`: the client's answer to an AUTH challenge (base64).
    Answer,
}

/// Header lines that make a header block a whole message rather than one quoted header.
const MIN_HEADERS: usize = 2;

/// Longest message body a transcript's `354` is taken to introduce.
const MAX_BODY_LINES: usize = 2000;

/// Pass 2: families from each line's class and what came before it.
fn label(ls: &mut [L]) {
    let mut st = State::None;
    let mut boundary: Option<String> = None;
    let mut prev_blank = true;
    let mut expect = SmtpExpect::Nothing;
    // The last non-blank line was part of an SMTP session (a command, a marked line, or a body or
    // answer line).
    let mut in_session = false;
    // A short forum-style separator (`---`) seen in a whole message's body: the message ends
    // there if the paragraph after it is plain prose.
    let mut sep: Option<usize> = None;
    for i in 0..ls.len() {
        let class = ls[i].class.clone();
        let t = ls[i].t;
        let ind = ls[i].indent;
        let blank = class == Class::Blank;
        let strong_other = matches!(class, Class::Log | Class::DoveBanner(_));

        // A message body or AUTH answer inside a transcript is SMTP, even when it looks like
        // headers or prose.
        // (Not in a bounce's body: a transcript quoted there is part of the message.)
        if matches!(st, State::Bounce { .. }) {
            expect = SmtpExpect::Nothing;
        }
        if expect != SmtpExpect::Nothing && !blank {
            if strong_other {
                expect = SmtpExpect::Nothing;
            } else {
                expect = match expect {
                    SmtpExpect::Body(n) if transcript_body(t) != "." && n > 0 => {
                        SmtpExpect::Body(n - 1)
                    }
                    _ => SmtpExpect::Nothing,
                };
                ls[i].fam = Some(Family::Smtp);
                in_session = true;
                prev_blank = false;
                continue;
            }
        }
        if matches!(class, Class::SmtpCommand | Class::SmtpReply) {
            let follows_session = in_session;
            in_session = class == Class::SmtpCommand || follows_session;
            if follows_session {
                expect = match transcript_reply_code(t) {
                    Some(354) => SmtpExpect::Body(MAX_BODY_LINES),
                    Some(334) => SmtpExpect::Answer,
                    _ => SmtpExpect::Nothing,
                };
            }
        } else if !blank {
            in_session = false;
        }

        // Inside a Dovecot section everything belongs to it until the braces balance.
        if let State::Dovecot { depth } = st {
            if depth > 0 && !strong_other {
                let inside = match class {
                    Class::SectionClose => {
                        st = State::Dovecot { depth: depth - 1 };
                        true
                    }
                    Class::SectionOpen => {
                        st = State::Dovecot {
                            depth: (depth + 1).min(MAX_DEPTH),
                        };
                        true
                    }
                    Class::Blank => {
                        prev_blank = true;
                        continue;
                    }
                    Class::Comment
                    | Class::Include
                    | Class::PostfixDef
                    | Class::DovecotDef
                    | Class::OtherDef { .. } => true,
                    _ => ind > 0,
                };
                if inside {
                    ls[i].fam = Some(Family::Dovecot);
                    prev_blank = false;
                    continue;
                }
                st = State::None;
            }
        }

        // Another bounce right after this one (a whole message's body can hold the headers of the
        // returned message, but not a header block from a mailer daemon): this message ends
        // before that block, which opens the next one below.
        if let State::Bounce {
            in_headers: false,
            multipart: false,
            whole: true,
            ..
        } = st
        {
            if prev_blank && !blank && ind == 0 && next_message_starts(ls, i) {
                st = State::None;
                boundary = None;
                sep = None;
                // Its first header line opens the message even when it is not the one that
                // marks the report (the `Content-Type` further down).
                ls[i].starts = true;
            }
        }
        if let State::Bounce {
            in_headers,
            mut multipart,
            whole,
            headers,
        } = st
        {
            let closing = boundary.as_deref().is_some_and(|b| {
                t.strip_prefix("--").and_then(|r| r.strip_suffix("--")) == Some(b)
            });
            if in_headers {
                if let Some(b) = mime_boundary(t) {
                    boundary = Some(b);
                    multipart = true;
                }
            }
            let in_body = !in_headers && (whole || multipart);
            let leaves = strong_other || leaves_message(&class);
            // A separator, then prose about the message.
            let after_sep = sep
                .filter(|_| !blank && in_body && class == Class::Text && !bounce_featured(&ls[i]));
            if !blank {
                sep = None;
            }
            let ends_here = strong_other
                || (in_body && leaves)
                || after_sep.is_some()
                || (!whole && matches!(class, Class::ClientMarker))
                || (!multipart
                    && !whole
                    && !in_headers
                    && prev_blank
                    && !blank
                    && !bounce_featured(&ls[i]));
            if !ends_here {
                if blank {
                    st = State::Bounce {
                        in_headers: false,
                        multipart,
                        whole: whole || (in_headers && headers >= MIN_HEADERS),
                        headers,
                    };
                    prev_blank = true;
                    continue;
                }
                let header_line =
                    matches!(class, Class::HeaderLike | Class::BounceHeader) && ind == 0;
                st = State::Bounce {
                    in_headers,
                    multipart,
                    whole,
                    headers: headers + usize::from(in_headers && header_line),
                };
                if in_body && !multipart && is_separator(t) {
                    sep = Some(i);
                }
                ls[i].fam = Some(Family::Bounce);
                if closing {
                    st = State::None;
                    boundary = None;
                }
                prev_blank = false;
                continue;
            }
            if let Some(s) = after_sep {
                ls[s].fam = None;
            } else if in_body && leaves {
                release_prose_tail(ls, i);
            }
            st = State::None;
            boundary = None;
            sep = None;
        }

        if st == State::Client {
            if blank {
                st = State::None;
            } else if !strong_other {
                ls[i].fam = Some(Family::Client);
                prev_blank = false;
                continue;
            } else {
                st = State::None;
            }
        }

        // Indented lines under a master.cf entry are its arguments, whatever they look like.
        if st == State::Master && ind > 0 && !prev_blank && !blank && !strong_other {
            ls[i].fam = Some(Family::Master);
            continue;
        }
        let fam = match &class {
            Class::Blank => None,
            Class::Log => {
                st = State::None;
                Some(Family::Log)
            }
            Class::DoveBanner(_) | Class::Include => {
                st = State::Dovecot { depth: 0 };
                Some(Family::Dovecot)
            }
            Class::SectionOpen => {
                st = State::Dovecot { depth: 1 };
                Some(Family::Dovecot)
            }
            Class::SectionClose => matches!(st, State::Dovecot { .. }).then_some(Family::Dovecot),
            Class::BounceHeader => {
                // The header block started above this line: take its earlier headers too.
                let mut j = i;
                while j > 0 {
                    let p = &ls[j - 1];
                    if p.class == Class::Blank || !(p.class == Class::HeaderLike || p.indent > 0) {
                        break;
                    }
                    if p.fam.is_some_and(|f| f != Family::Prose) {
                        break;
                    }
                    j -= 1;
                }
                // An mbox postmark (`From MAILER-DAEMON Tue Jun 11 19:13:34 2024`) opens it.
                if j > 0
                    && classify::is_mbox_postmark(ls[j - 1].t)
                    && matches!(ls[j - 1].fam, None | Some(Family::Prose))
                {
                    j -= 1;
                }
                boundary = None;
                let mut headers = 1;
                ls[j].starts = true;
                for p in &mut ls[j..i] {
                    p.fam = Some(Family::Bounce);
                    headers += usize::from(p.indent == 0);
                    if boundary.is_none() {
                        boundary = mime_boundary(p.t);
                    }
                }
                if boundary.is_none() {
                    boundary = mime_boundary(t);
                }
                st = State::Bounce {
                    in_headers: true,
                    multipart: boundary.is_some(),
                    whole: false,
                    headers,
                };
                Some(Family::Bounce)
            }
            Class::BounceBody => {
                st = State::Bounce {
                    in_headers: false,
                    multipart: false,
                    whole: false,
                    headers: 0,
                };
                Some(Family::Bounce)
            }
            Class::ClientMarker => {
                // The dialog's paragraph began above the first marker.
                let mut j = i;
                while j > 0 && ls[j - 1].class != Class::Blank {
                    let f = ls[j - 1].fam;
                    if !(f.is_none() || f == Some(Family::Prose)) {
                        break;
                    }
                    j -= 1;
                }
                for p in &mut ls[j..i] {
                    p.fam = Some(Family::Client);
                }
                st = State::Client;
                Some(Family::Client)
            }
            Class::MasterService { .. } => {
                st = State::Master;
                Some(Family::Master)
            }
            Class::MasterOption => (st == State::Master).then_some(Family::Master),
            Class::PostfixDef => {
                st = State::Postfix {
                    indent: ind,
                    open: value_continues(t),
                };
                Some(Family::Postfix)
            }
            Class::DovecotDef => {
                st = State::Dovecot { depth: 0 };
                Some(Family::Dovecot)
            }
            Class::OtherDef { paramlike } => {
                // A name neither program knows, written like a Postfix parameter (a user-defined
                // `$variable`, a misspelling): its continuation lines follow it.
                let dovecot_open = matches!(st, State::Dovecot { .. });
                if matches!(st, State::Postfix { .. }) || (*paramlike && !dovecot_open) {
                    st = State::Postfix {
                        indent: ind,
                        open: value_continues(t),
                    };
                }
                None
            }
            Class::Comment => None,
            Class::SmtpCommand => Some(Family::Smtp),
            Class::SmtpReply | Class::Text | Class::HeaderLike => match st {
                // Continuation lines of a Postfix value.
                State::Postfix { indent, open }
                    if !prev_blank
                        && prev_content_is(ls, i, Family::Postfix)
                        && (ind > indent
                            || (open
                                && restriction_words(t)
                                && ls[i - 1].fam == Some(Family::Postfix))) =>
                {
                    st = State::Postfix {
                        indent,
                        open: open || value_continues(t),
                    };
                    Some(Family::Postfix)
                }
                State::Master if !prev_blank && ind > 0 => Some(Family::Master),
                _ if class == Class::SmtpReply => None,
                _ => {
                    st = State::None;
                    Some(Family::Prose)
                }
            },
        };
        ls[i].fam = fam;
        prev_blank = blank;
    }
}

/// The last non-blank, non-comment line before `i` belongs to `fam`.
fn prev_content_is(ls: &[L], i: usize, fam: Family) -> bool {
    ls[..i]
        .iter()
        .rev()
        .take(64)
        .find(|l| !matches!(l.class, Class::Blank | Class::Comment))
        .is_some_and(|l| {
            l.fam == Some(fam) || (matches!(l.class, Class::OtherDef { .. }) && l.fam.is_none())
        })
}

/// `name =` or `name = a,` — the value goes on on the next lines.
fn value_continues(t: &str) -> bool {
    let v = t.split_once('=').map_or(t, |(_, v)| v).trim_end();
    v.is_empty() || v.ends_with(',')
}

/// Words as restriction lists hold them (`permit_mynetworks`, `hash:/etc/postfix/x`, `reject`).
fn restriction_words(t: &str) -> bool {
    let first = t.split([' ', ',', '\t']).next().unwrap_or("");
    let word_ok = first.contains('_')
        || crate::postfix::value::table_ref(first).is_some()
        || matches!(first, "reject" | "permit" | "defer" | "warn_if_reject");
    word_ok
        && !t.ends_with(':')
        && t.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b" _:/.,[]{}=!$-\t".contains(&b)
        })
}

/// `boundary="…"` in a Content-Type header line.
fn mime_boundary(t: &str) -> Option<String> {
    let lower = t.to_ascii_lowercase();
    let at = lower.find("boundary=")?;
    let v = t.get(at + 9..)?;
    let v = v.trim_start_matches('"');
    let end = v.find(['"', ';', ' ']).unwrap_or(v.len());
    let b = v.get(..end)?;
    (!b.is_empty()).then(|| b.to_owned())
}

/// Lines that start text which is no part of a pasted message: configuration and logs.
/// (Transcripts, replies and quoted headers are what bounces hold, so they do not count.)
fn leaves_message(c: &Class) -> bool {
    matches!(
        c,
        Class::Log
            | Class::DoveBanner(_)
            | Class::Include
            | Class::PostfixDef
            | Class::DovecotDef
            | Class::MasterService { .. }
    )
}

/// A short rule such as forum posts put between a quote and the writer's own words (`---`,
/// `***`, `___`). Bounces draw theirs much longer, so those are not taken.
fn is_separator(t: &str) -> bool {
    (3..=8).contains(&t.len())
        && ['-', '_', '=', '*', '~']
            .iter()
            .any(|&c| t.chars().all(|x| x == c))
}

/// When a message is left for configuration or logs at line `end`: the paragraphs of plain prose
/// just before it ("Here is my log:") are the writer's, not the message's. Each line is looked at
/// once: released lines leave the bounce, and the walk stops at the first paragraph that is not
/// plain prose.
fn release_prose_tail(ls: &mut [L], end: usize) {
    let mut k = end;
    loop {
        let mut e = k;
        while e > 0 && ls[e - 1].class == Class::Blank {
            e -= 1;
        }
        let mut s = e;
        while s > 0 && ls[s - 1].class != Class::Blank && ls[s - 1].fam == Some(Family::Bounce) {
            s -= 1;
        }
        let whole_paragraph = s < e && (s == 0 || ls[s - 1].class == Class::Blank);
        if !whole_paragraph
            || !ls[s..e]
                .iter()
                .all(|l| l.class == Class::Text && l.indent == 0 && !bounce_featured(l))
        {
            return;
        }
        for l in &mut ls[s..e] {
            l.fam = None;
        }
        k = s;
    }
}

/// Whether a new message begins at `ls[i]`, the first line after a blank line in the body of
/// another message: a header block (an mbox postmark above it allowed) of at least
/// [`MIN_HEADERS`] headers that marks a delivery report — a report subject, the mailer daemon as
/// sender, `Return-Path: <>`, `multipart/report`… The returned message's own headers may come
/// from a `postmaster@` address, which alone does not count. Reads the block once (blocks after
/// blank lines do not overlap: linear over the paste).
fn next_message_starts(ls: &[L], i: usize) -> bool {
    let header = |l: &L| {
        matches!(l.class, Class::HeaderLike | Class::BounceHeader) && l.indent == 0 || l.indent > 0
    };
    let first = i + usize::from(classify::is_mbox_postmark(ls[i].t));
    let Some(l) = ls.get(first) else {
        return false;
    };
    if l.indent > 0 || !header(l) {
        return false;
    }
    let block = ls[first..]
        .iter()
        .take_while(|l| l.class != Class::Blank && header(l));
    let (mut headers, mut report) = (0, false);
    for l in block {
        headers += usize::from(l.indent == 0);
        if l.class == Class::BounceHeader {
            let lower = l.t.to_ascii_lowercase();
            report |= !lower.starts_with("from:")
                || lower.contains("mailer-daemon")
                || lower.contains("mail delivery");
        }
    }
    report && headers >= MIN_HEADERS
}

/// Lines typical of a bounce body past its first paragraph.
fn bounce_featured(l: &L) -> bool {
    if matches!(
        l.class,
        Class::BounceBody | Class::BounceHeader | Class::HeaderLike | Class::SmtpReply
    ) || l.indent > 0
    {
        return true;
    }
    let t = l.t;
    t.starts_with('<')
        || t.starts_with("--")
        || t.contains(" said:")
        || t.contains("@")
        || crate::text::contains_lower(t, "original message")
}

/// Pass 3a: lines that fit anything take the family of their neighbours.
fn settle(ls: &mut [L]) {
    let n = ls.len();
    // For each line: the config family of the nearest labelled line before / after it within the
    // same block (no prose or other family in between), and whether a blank line separates them.
    let mut prev: Vec<Option<(Family, bool)>> = vec![None; n];
    let mut cur: Option<(Family, bool)> = None;
    for i in 0..n {
        prev[i] = cur;
        match (ls[i].fam, &ls[i].class) {
            (Some(f), _) => cur = f.is_config().then_some((f, false)),
            (None, Class::Blank) => cur = cur.map(|(f, _)| (f, true)),
            _ => {}
        }
    }
    let mut next: Vec<Option<Family>> = vec![None; n];
    let mut cur: Option<Family> = None;
    for i in (0..n).rev() {
        next[i] = cur;
        if let Some(f) = ls[i].fam {
            cur = f.is_config().then_some(f);
        }
    }
    for i in 0..n {
        if ls[i].fam.is_some() {
            continue;
        }
        let p = prev[i];
        let nx = next[i];
        ls[i].fam = match ls[i].class {
            Class::Blank => None,
            Class::OtherDef { paramlike } => {
                let near = p.map(|x| x.0).or(nx).filter(|f| *f != Family::Master);
                match near {
                    Some(f) => Some(f),
                    None if paramlike => Some(Family::Postfix),
                    None => Some(Family::Prose),
                }
            }
            Class::Comment | Class::MasterOption | Class::SectionClose => match (p, nx) {
                (Some((a, _)), Some(b)) if a == b => Some(a),
                (_, Some(b)) => Some(b),
                (Some((a, false)), None) => Some(a),
                _ => Some(Family::Prose),
            },
            Class::SmtpReply => None,
            _ => Some(Family::Prose),
        };
    }
    // Bare replies are a transcript only next to client commands.
    let mut i = 0;
    while i < n {
        if ls[i].class != Class::SmtpReply || ls[i].fam.is_some() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && matches!(ls[j].class, Class::SmtpReply | Class::Blank) && ls[j].fam.is_none()
        {
            j += 1;
        }
        let before = ls[..i]
            .iter()
            .rev()
            .find(|l| l.class != Class::Blank)
            .is_some_and(|l| l.fam == Some(Family::Smtp));
        let after = ls.get(j).is_some_and(|l| l.fam == Some(Family::Smtp));
        let f = if before || after {
            Family::Smtp
        } else {
            Family::Prose
        };
        for l in &mut ls[i..j] {
            if l.class != Class::Blank {
                l.fam = Some(f);
            }
        }
        i = j;
    }
    // One command alone (an instruction in prose, "type EHLO test") is not a transcript.
    let mut i = 0;
    while i < n {
        if ls[i].fam != Some(Family::Smtp) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut count = 0;
        while j < n && (ls[j].fam == Some(Family::Smtp) || ls[j].class == Class::Blank) {
            count += usize::from(ls[j].fam.is_some());
            j += 1;
        }
        if count < 2 {
            for l in &mut ls[i..j] {
                if l.fam.is_some() {
                    l.fam = Some(Family::Prose);
                }
            }
        }
        i = j;
    }
}

/// Pass 3b: runs of one family become segments.
fn form(ls: &[L]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut run: Option<(Family, usize, usize)> = None; // family, first line, last line
    let flush = |run: Option<(Family, usize, usize)>, out: &mut Vec<Segment>| {
        if let Some((f, a, b)) = run {
            out.push(make_segment(f, &ls[a..=b]));
        }
    };
    for (i, l) in ls.iter().enumerate() {
        let Some(f) = l.fam else { continue };
        match run {
            Some((rf, a, _)) if rf == f && !l.starts => run = Some((rf, a, i)),
            _ => {
                flush(run, &mut out);
                run = Some((f, i, i));
            }
        }
    }
    flush(run, &mut out);
    out
}

fn make_segment(f: Family, ls: &[L]) -> Segment {
    let start = ls.first().map_or(0, |l| l.line.start);
    let end = ls.last().map_or(start, |l| l.line.end);
    let (kind, version) = match f {
        Family::Postfix => postfix_kind(ls),
        Family::Dovecot => dovecot_kind(ls),
        Family::Master => (SegmentKind::MasterCf, None),
        Family::Log => (SegmentKind::MailLog, None),
        Family::Smtp => (SegmentKind::SmtpTranscript, None),
        Family::Bounce => (SegmentKind::Bounce, None),
        Family::Client => (SegmentKind::ClientError, None),
        Family::Prose => (SegmentKind::Prose, None),
    };
    Segment {
        kind,
        start,
        end,
        version,
    }
}

/// Full `postconf` output lists every parameter (hundreds); `postconf -n` only the set ones,
/// sorted, with no comments, blank lines or continuation lines; anything else is a `main.cf`.
fn postfix_kind(ls: &[L]) -> (SegmentKind, Option<String>) {
    let mut defs = 0usize;
    let mut other = 0usize;
    let mut sorted = true;
    let mut last: &str = "";
    let mut version = None;
    for l in ls {
        match l.class {
            Class::PostfixDef | Class::OtherDef { .. } | Class::DovecotDef => {
                defs += 1;
                let (name, value) = l.t.split_once('=').unwrap_or((l.t, ""));
                let name = name.trim();
                if name < last {
                    sorted = false;
                }
                last = name;
                if name == "mail_version" {
                    version = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
                }
                if l.indent > 0 && ls.first().is_some_and(|f| f.indent == 0) {
                    other += 1;
                }
            }
            _ => other += 1,
        }
    }
    let kind = if defs >= 300 || (version.is_some() && defs >= 50 && other == 0) {
        SegmentKind::PostconfFull
    } else if other == 0 && sorted && defs >= 6 {
        SegmentKind::PostconfN
    } else {
        SegmentKind::MainCf
    };
    (kind, version)
}

fn dovecot_kind(ls: &[L]) -> (SegmentKind, Option<String>) {
    let banner = ls.iter().find_map(|l| match &l.class {
        Class::DoveBanner(v) => Some(v.clone()),
        _ => None,
    });
    let settings = ls
        .iter()
        .filter(|l| {
            matches!(
                l.class,
                Class::DovecotDef | Class::OtherDef { .. } | Class::PostfixDef
            )
        })
        .count();
    let kind = match (&banner, settings >= 300) {
        (Some(_), false) => SegmentKind::DoveconfN,
        (Some(_), true) => SegmentKind::DoveconfFull,
        (None, _) => SegmentKind::DovecotConf,
    };
    (kind, banner)
}

#[cfg(test)]
mod tests;
