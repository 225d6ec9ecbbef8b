//! SMTP sessions as people paste them: `swaks` output (`=== Trying …`, ` -> EHLO`, `<-  250-…`,
//! `<** 554 …`, `~>`/`<~` once TLS is up), `telnet` and `openssl s_client` sessions (bare
//! commands and replies), RFC-style `C:`/`S:` dialogues (also `[C]`/`[S]`), `>>>`/`<<<` as bounces
//! quote them, and Postfix's `In:`/`Out:` session transcripts.
//!
//! One pass over the lines. Replies are matched to commands in order (so pipelined commands get
//! their replies too); multi-line replies (`250-…`/`250 …`) are joined; a message body after
//! `354` and credentials after a `334` challenge are not taken for commands. What the server
//! advertised in each EHLO reply (AUTH mechanisms, STARTTLS, SIZE) is kept for checks.

use super::reply::{most_specific, parse_reply, EnhancedStatus};
use crate::facts::Failure;
use crate::report::{Note, SegmentKind};
use crate::text::{lines_at, Line, Span};
use std::collections::VecDeque;

/// The SMTP stage a command belongs to; `Connect` is the server's greeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    Connect,
    Ehlo,
    Helo,
    Starttls,
    Auth,
    Mail,
    Rcpt,
    /// `DATA`, `BDAT` and the end of the message (`.`).
    Data,
    Quit,
    Rset,
    /// Any other command (`NOOP`, `VRFY`, `XCLIENT`, an unknown word…).
    Other,
}

impl Stage {
    /// The name [`Failure::stage`] carries (`RCPT`, `CONNECT`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Connect => "CONNECT",
            Stage::Ehlo => "EHLO",
            Stage::Helo => "HELO",
            Stage::Starttls => "STARTTLS",
            Stage::Auth => "AUTH",
            Stage::Mail => "MAIL",
            Stage::Rcpt => "RCPT",
            Stage::Data => "DATA",
            Stage::Quit => "QUIT",
            Stage::Rset => "RSET",
            Stage::Other => "OTHER",
        }
    }

    fn of_verb(verb: &str) -> Stage {
        match verb {
            "EHLO" | "LHLO" => Stage::Ehlo,
            "HELO" => Stage::Helo,
            "STARTTLS" => Stage::Starttls,
            "AUTH" => Stage::Auth,
            "MAIL" => Stage::Mail,
            "RCPT" => Stage::Rcpt,
            "DATA" | "BDAT" | "." => Stage::Data,
            "QUIT" => Stage::Quit,
            "RSET" => Stage::Rset,
            _ => Stage::Other,
        }
    }
}

/// What the client sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Upper-cased verb (`RCPT`); `.` for the end of a message; empty for a line answering an
    /// AUTH challenge.
    pub verb: String,
    /// The rest of the line (`TO:<b@example.com>`); empty for credentials, which are not kept.
    pub argument: String,
    pub span: Span,
}

/// What the server answered, all lines of a multi-line reply joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerReply {
    pub code: u16,
    /// The most specific enhanced status code of the reply.
    pub status: Option<EnhancedStatus>,
    /// The words of every line after code and status, joined by single spaces.
    pub text: String,
    /// First to last line of the reply.
    pub span: Span,
}

/// One command and its reply (or the greeting, which has no command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub command: Option<Command>,
    pub reply: Option<ServerReply>,
    pub stage: Stage,
    /// TLS was up when the command was sent (after a successful STARTTLS, or implicit TLS).
    pub tls: bool,
    /// AUTH had succeeded earlier in the session.
    pub authenticated: bool,
    pub span: Span,
}

/// The server's answer to EHLO: its name and the extensions it offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EhloReply {
    pub span: Span,
    /// The reply was read over TLS (EHLO sent again after STARTTLS).
    pub tls: bool,
    pub hostname: String,
    /// The client's address as the server saw it, when the greeting line shows it (Exim's
    /// `Hello pc.example.org [192.0.2.8]`, Gmail's `at your service, [192.0.2.8]`).
    pub client_ip: Option<String>,
    /// Every extension line as `KEYWORD params` (keyword upper-cased).
    pub extensions: Vec<String>,
    /// Mechanisms of `AUTH` (and the old `AUTH=` form), upper-cased; empty when AUTH is not
    /// offered.
    pub auth_mechanisms: Vec<String>,
    pub starttls: bool,
    /// `SIZE` limit in bytes (`SIZE` without a number, or `SIZE 0`, is `None`: no fixed limit).
    pub size: Option<u64>,
}

impl EhloReply {
    /// The server offers the extension `keyword` (case-insensitive).
    pub fn offers(&self, keyword: &str) -> bool {
        self.extensions.iter().any(|e| {
            e.split([' ', '='])
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case(keyword))
        })
    }
}

/// Which program the paste came from, as far as its markers tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// `->`/`<-` lines (with `~>`/`<~` under TLS).
    Swaks,
    /// `C:`/`S:` or `[C]`/`[S]`.
    Marked,
    /// `>>>`/`<<<` (sendmail and bounces quoting a session).
    Arrows,
    /// Postfix `In:`/`Out:`.
    InOut,
    /// Bare commands and replies (telnet, `openssl s_client`, `nc`).
    #[default]
    Bare,
}

#[derive(Clone, Debug, Default)]
pub struct Transcript {
    pub span: Span,
    pub style: Style,
    pub exchanges: Vec<Exchange>,
    /// Every EHLO reply, in order (one before and one after STARTTLS, typically).
    pub ehlo: Vec<EhloReply>,
    /// TLS was established (STARTTLS answered with 2xx, `=== TLS started`, `openssl s_client`).
    pub tls: bool,
    /// Outcome of the last AUTH attempt: `Some(true)` on 235, `Some(false)` on 4xx/5xx, `None`
    /// when the session shows no AUTH.
    pub auth_succeeded: Option<bool>,
    /// User name of a successful AUTH PLAIN/LOGIN (decoded from base64).
    pub sasl_username: Option<String>,
    /// TCP port, when the paste says it (`telnet host 587`, `=== Trying host:587...`,
    /// `-connect host:465`).
    pub port: Option<u16>,
    /// Software named in the greeting (`postfix`, `exim`, `sendmail`, `exchange`…).
    pub server_software: Option<String>,
    /// Spans of AUTH credentials (base64 user names and passwords) to mask when showing the paste.
    pub secrets: Vec<Span>,
}

impl Transcript {
    /// The EHLO reply that applies to the commands after it: the last one.
    pub fn offered(&self) -> Option<&EhloReply> {
        self.ehlo.last()
    }

    /// A [`Failure`] for every 4xx/5xx reply.
    pub fn failures(&self) -> Vec<Failure> {
        let mut out = Vec::new();
        let mut sender: Option<String> = None;
        let mut helo: Option<String> = None;
        let mut accepted: Vec<String> = Vec::new();
        let mut client_ip: Option<String> = None;
        let mut ehlo = self.ehlo.iter();
        for ex in &self.exchanges {
            let arg = ex.command.as_ref().map_or("", |c| c.argument.as_str());
            let rcpt = (ex.stage == Stage::Rcpt).then(|| address(arg));
            match ex.stage {
                Stage::Ehlo | Stage::Helo => helo = Some(arg.trim().to_owned()),
                Stage::Mail => {
                    sender = Some(address(arg));
                    accepted.clear();
                }
                Stage::Rset | Stage::Connect => {
                    sender = None;
                    accepted.clear();
                }
                _ => {}
            }
            let Some(reply) = &ex.reply else { continue };
            if ex.stage == Stage::Ehlo && (200..300).contains(&reply.code) {
                if let Some(ip) = ehlo.next().and_then(|e| e.client_ip.clone()) {
                    client_ip = Some(ip);
                }
            }
            if reply.code < 400 {
                if let Some(r) = rcpt {
                    accepted.push(r);
                }
                if ex.stage == Stage::Data && ex.command.as_ref().is_some_and(|c| c.verb == ".") {
                    accepted.clear();
                }
                continue;
            }
            let recipient = match ex.stage {
                Stage::Rcpt => rcpt,
                Stage::Data if accepted.len() == 1 => accepted.first().cloned(),
                _ => None,
            };
            out.push(Failure {
                source: Some(SegmentKind::SmtpTranscript),
                // An AUTH command line or challenge answer holds credentials: point at the reply
                // only, so the evidence shown never quotes them.
                span: if ex.stage == Stage::Auth {
                    reply.span
                } else {
                    ex.span
                },
                reply_span: Some(reply.span),
                reply_code: Some(reply.code),
                status: reply.status.map(|s| s.to_string()),
                text: reply.text.clone(),
                reporter: self.server_software.clone(),
                stage: Some(ex.stage.as_str().to_owned()),
                sender: sender.clone().filter(|s| !s.is_empty()),
                recipient: recipient.filter(|r| !r.is_empty()),
                helo: helo.clone().filter(|h| !h.is_empty()),
                client_ip: client_ip.clone(),
                port: self.port,
                tls: Some(ex.tls),
                authenticated: Some(ex.authenticated),
                sasl_username: ex
                    .authenticated
                    .then(|| self.sasl_username.clone())
                    .flatten(),
                ..Failure::default()
            });
        }
        out
    }
}

/// `TO:<b@example.com> NOTIFY=NEVER` → `b@example.com`; `FROM:<>` → ``.
fn address(arg: &str) -> String {
    let a = arg.split_once(':').map_or(arg, |(_, v)| v).trim();
    match a.strip_prefix('<') {
        Some(r) => r.split('>').next().unwrap_or("").to_owned(),
        None => a.split_whitespace().next().unwrap_or("").to_owned(),
    }
}

/// Who wrote a line, as its marker says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Client,
    Server,
    /// Tool chatter (`=== Connected to …`, `Trying 192.0.2.1...`, `*** …`).
    Info,
    /// No marker.
    Bare,
}

/// The line's marker, whether it says TLS is up (`~>`, `<~`), the style, and the text after it.
fn marker(t: &str) -> (Side, bool, Option<Style>, &str) {
    const MARKS: [(&str, Side, bool, Style); 15] = [
        ("<~*", Side::Server, true, Style::Swaks),
        ("<**", Side::Server, false, Style::Swaks),
        ("<~", Side::Server, true, Style::Swaks),
        ("~>", Side::Client, true, Style::Swaks),
        ("<-", Side::Server, false, Style::Swaks),
        ("->", Side::Client, false, Style::Swaks),
        ("<<<", Side::Server, false, Style::Arrows),
        (">>>", Side::Client, false, Style::Arrows),
        ("S:", Side::Server, false, Style::Marked),
        ("C:", Side::Client, false, Style::Marked),
        ("[S]", Side::Server, false, Style::Marked),
        ("[C]", Side::Client, false, Style::Marked),
        ("Out:", Side::Server, false, Style::InOut),
        ("In:", Side::Client, false, Style::InOut),
        ("===", Side::Info, false, Style::Swaks),
    ];
    for (m, side, tls, style) in MARKS {
        if let Some(rest) = t.strip_prefix(m) {
            // Word markers (`S:`, `In:`) need a space after them: `C:\path` is no marker.
            let wordy = m.ends_with(':');
            if wordy && !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
                continue;
            }
            return (side, tls, Some(style), rest.trim());
        }
    }
    if t.starts_with("***") {
        return (Side::Info, false, None, t);
    }
    (Side::Bare, false, None, t)
}

/// A reply line: code, whether more lines follow (`250-`), and the line's text after the code.
fn reply_line(body: &str) -> Option<(u16, bool, &str)> {
    let r = parse_reply(body)?;
    let code = r.code?;
    if r.start != 0 {
        return None;
    }
    let more = body.as_bytes().get(3) == Some(&b'-');
    Some((code, more, body.get(4..).unwrap_or("").trim()))
}

const VERBS: [&str; 17] = [
    "EHLO", "HELO", "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "QUIT", "RSET", "AUTH", "STARTTLS",
    "NOOP", "VRFY", "EXPN", "HELP", "XCLIENT", "ETRN",
];

/// `RCPT TO:<x>` → (`RCPT`, `TO:<x>`) when the first word is an SMTP verb.
fn command_verb(body: &str) -> Option<(String, &str)> {
    let word_end = body.find([' ', '\t', ':']).unwrap_or(body.len());
    let word = &body[..word_end];
    let upper = word.to_ascii_uppercase();
    VERBS.contains(&upper.as_str()).then(|| {
        let rest = body[word_end..].trim_start();
        (upper, rest)
    })
}

/// Chatter of telnet, netcat and `openssl s_client` around a bare session.
fn is_chatter(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    let l = l.trim_start_matches(['$', '#', ' ']);
    [
        "trying ",
        "connected to ",
        "escape character is",
        "connection closed",
        "telnet ",
        "nc ",
        "openssl s_client",
        "swaks ",
        "connected(",
        "depth=",
        "verify return:",
        "verify error:",
        "read r block",
        "---",
        "ssl handshake has read",
        "new, tlsv",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

/// Reads a transcript whose first byte is at `base` of the paste. Never fails: lines it cannot
/// place are skipped, and a paste without one reply gets a note.
pub fn parse_transcript(text: &str, base: usize) -> (Transcript, Vec<Note>) {
    let mut p = Parser {
        t: Transcript {
            span: Span::new(base, base + text.len()),
            ..Transcript::default()
        },
        pending: VecDeque::new(),
        reply: None,
        in_data: false,
        challenge: None,
        auth_lines: 0,
        user: None,
        tls: false,
        authenticated: false,
        styled: false,
        session_open: false,
        greeted: false,
    };
    for line in lines_at(text, base) {
        p.line(&line);
    }
    p.finish_reply();
    let mut notes = Vec::new();
    if p.t.exchanges.iter().all(|e| e.reply.is_none()) {
        notes.push(Note::new(
            p.t.span,
            "smtp transcript",
            "no SMTP reply found in this transcript: only the commands could be read",
        ));
    }
    (p.t, notes)
}

/// A reply being read, line by line.
struct PartialReply {
    code: u16,
    span: Span,
    texts: Vec<String>,
    /// The first line's status (the one that counts when lines disagree).
    status: Option<EnhancedStatus>,
}

struct Parser {
    t: Transcript,
    /// Exchanges (indexes) waiting for their reply, oldest first.
    pending: VecDeque<usize>,
    reply: Option<PartialReply>,
    /// Inside a message body (after 354, until `.`).
    in_data: bool,
    /// The server sent a 334 challenge to this AUTH exchange: the next client line answers it.
    challenge: Option<usize>,
    /// Client lines answering challenges in the current AUTH exchange.
    auth_lines: usize,
    /// User name read from the current AUTH exchange.
    user: Option<String>,
    tls: bool,
    authenticated: bool,
    /// Some line had a direction marker: bare lines are then not commands.
    styled: bool,
    /// A greeting or command was seen since the last connection marker.
    session_open: bool,
    /// The server's greeting of this session was read.
    greeted: bool,
}

impl Parser {
    fn line(&mut self, line: &Line) {
        let t = crate::segment::unquote(line.text).trim();
        if t.is_empty() {
            return;
        }
        let (mut side, tls_mark, mut style, body) = marker(t);
        // `exim -bh` prints its own tracing behind `>>>` (`>>> using ACL "acl_check_rcpt"`):
        // only commands and replies there are the session.
        if style == Some(Style::Arrows)
            && !(command_verb(body).is_some() || body == "." || reply_line(body).is_some())
        {
            side = Side::Info;
            style = None;
        }
        if let Some(s) = style {
            if !self.styled && side != Side::Info {
                self.t.style = s;
                self.styled = true;
            }
        }
        if tls_mark && !self.tls {
            self.tls = true;
            self.t.tls = true;
        }
        let side = match side {
            Side::Bare if is_chatter(t) => Side::Info,
            Side::Bare if self.styled => {
                // A bare line in a marked paste: a wrapped reply line goes on with the reply.
                if let Some(r) = &mut self.reply {
                    r.texts.push(t.to_owned());
                    r.span = r.span.cover(line.span());
                }
                return;
            }
            Side::Bare => {
                if self.in_data || self.challenge.is_some() {
                    Side::Client
                } else if reply_line(body).is_some() {
                    Side::Server
                } else if command_verb(body).is_some() {
                    Side::Client
                } else {
                    // Shell prompts, certificate dumps, wrapped text.
                    return;
                }
            }
            s => s,
        };
        match side {
            Side::Info => self.info(t),
            Side::Server => self.server(line, body),
            Side::Client => self.client(line, body),
            Side::Bare => {}
        }
    }

    fn info(&mut self, t: &str) {
        let lower = t.to_ascii_lowercase();
        let l = lower.trim_start_matches(['$', '#', ' ', '=']).trim_start();
        if l.starts_with("trying ")
            || l.starts_with("telnet ")
            || l.starts_with("nc ")
            || l.starts_with("openssl s_client")
            || l.starts_with("swaks ")
            || l.starts_with("connected(")
        {
            if self.session_open {
                self.new_session();
            }
            if let Some(p) = port_in(l, t.starts_with("===")) {
                self.t.port = Some(p);
            }
        }
        if l.starts_with("openssl s_client")
            || l.starts_with("connected(")
            || l.starts_with("ssl handshake has read")
            || l.starts_with("new, tlsv")
            || l.starts_with("tls started")
        {
            // s_client is on TLS before the first line of SMTP (implicit TLS, or `-starttls`
            // done by openssl itself).
            self.tls = true;
            self.t.tls = true;
        }
    }

    fn new_session(&mut self) {
        self.finish_reply();
        self.pending.clear();
        self.in_data = false;
        self.challenge = None;
        self.tls = false;
        self.authenticated = false;
        self.session_open = false;
        self.greeted = false;
    }

    fn client(&mut self, line: &Line, body: &str) {
        self.finish_reply();
        if body.is_empty() && !self.in_data && self.challenge.is_none() {
            return;
        }
        self.session_open = true;
        if self.in_data {
            if body == "." {
                self.push_command(".".into(), String::new(), line.span(), Stage::Data);
                self.in_data = false;
            }
            return;
        }
        if let Some(ex) = self.challenge.take() {
            // An answer to a 334 challenge: credentials (or `*` to cancel).
            let span = line.sub_span(body);
            if body != "*" && !body.is_empty() {
                self.t.secrets.push(span);
            }
            if self.auth_lines == 0 && self.user.is_none() {
                // LOGIN asks for the user name first; PLAIN carries it in its one response.
                let mech = self.t.exchanges[ex]
                    .command
                    .as_ref()
                    .map_or("", |c| c.argument.as_str())
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                self.user = match mech.as_str() {
                    "LOGIN" => decode_b64(body),
                    "PLAIN" => decode_b64(body).and_then(|s| plain_user(&s)),
                    _ => None,
                };
            }
            self.auth_lines += 1;
            let tls = self.tls;
            let authenticated = self.authenticated;
            self.t.exchanges.push(Exchange {
                command: Some(Command {
                    verb: String::new(),
                    argument: String::new(),
                    span,
                }),
                reply: None,
                stage: Stage::Auth,
                tls,
                authenticated,
                span: line.span(),
            });
            self.pending.push_back(self.t.exchanges.len() - 1);
            return;
        }
        let (verb, arg) = match command_verb(body) {
            Some((v, a)) => (v, a),
            None => {
                let w = body.split_whitespace().next().unwrap_or("");
                (
                    w.to_ascii_uppercase(),
                    body.get(w.len()..).unwrap_or("").trim(),
                )
            }
        };
        let stage = Stage::of_verb(&verb);
        let mut argument = arg.to_owned();
        if stage == Stage::Auth {
            self.auth_lines = 0;
            self.user = None;
            let mut words = arg.split_whitespace();
            let mech = words.next().unwrap_or("").to_ascii_uppercase();
            if let Some(initial) = words.next() {
                // An initial response carries credentials: keep only the mechanism.
                if initial != "=" {
                    self.t.secrets.push(line.sub_span(initial));
                }
                self.user = match mech.as_str() {
                    "PLAIN" => decode_b64(initial).and_then(|s| plain_user(&s)),
                    "LOGIN" => decode_b64(initial),
                    _ => None,
                };
                self.auth_lines = 1;
                argument = mech;
            }
        }
        self.push_command(verb, argument, line.sub_span(body), stage);
    }

    fn push_command(&mut self, verb: String, argument: String, span: Span, stage: Stage) {
        self.t.exchanges.push(Exchange {
            command: Some(Command {
                verb,
                argument,
                span,
            }),
            reply: None,
            stage,
            tls: self.tls,
            authenticated: self.authenticated,
            span,
        });
        self.pending.push_back(self.t.exchanges.len() - 1);
    }

    fn server(&mut self, line: &Line, body: &str) {
        let Some((code, more, rest)) = reply_line(body) else {
            // A marked server line that is no reply: a wrapped part of the current one.
            if let Some(r) = &mut self.reply {
                r.texts.push(body.to_owned());
                r.span = r.span.cover(line.span());
            }
            return;
        };
        let span = line.sub_span(body);
        match &mut self.reply {
            Some(r) if r.code == code => {
                r.span = r.span.cover(span);
                r.texts.push(strip_status(rest).to_owned());
            }
            _ => {
                self.finish_reply();
                self.reply = Some(PartialReply {
                    code,
                    span,
                    texts: vec![strip_status(rest).to_owned()],
                    status: parse_reply(body).and_then(|r| r.status),
                });
            }
        }
        if !more {
            self.finish_reply();
        }
    }

    /// Gives the reply read so far to the oldest command waiting for one.
    fn finish_reply(&mut self) {
        let Some(r) = self.reply.take() else { return };
        let words: Vec<&str> = r
            .texts
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let text = words.join(" ");
        let status = most_specific(r.status, &text);
        let reply = ServerReply {
            code: r.code,
            status,
            text,
            span: r.span,
        };
        let idx = match self.pending.pop_front() {
            Some(i) => i,
            None => {
                // No command waits: the greeting (of a new session when the last one ended with
                // QUIT), or a reply whose command the paste cut off.
                let ended = self
                    .t
                    .exchanges
                    .last()
                    .is_some_and(|e| e.stage == Stage::Quit);
                if ended {
                    self.new_session();
                }
                let greeting = !self.greeted;
                self.greeted = true;
                self.session_open = true;
                self.t.exchanges.push(Exchange {
                    command: None,
                    reply: None,
                    stage: if greeting {
                        Stage::Connect
                    } else {
                        Stage::Other
                    },
                    tls: self.tls,
                    authenticated: self.authenticated,
                    span: r.span,
                });
                if greeting && self.t.server_software.is_none() {
                    self.t.server_software = software(&r.texts.join(" "));
                }
                self.t.exchanges.len() - 1
            }
        };
        self.after_reply(idx, &r.texts, reply);
    }

    fn after_reply(&mut self, idx: usize, lines: &[String], reply: ServerReply) {
        let code = reply.code;
        let ex = &mut self.t.exchanges[idx];
        ex.span = ex.span.cover(reply.span);
        let stage = ex.stage;
        let verb = ex
            .command
            .as_ref()
            .map_or("", |c| c.verb.as_str())
            .to_owned();
        let tls = ex.tls;
        let span = reply.span;
        ex.reply = Some(reply);
        match stage {
            Stage::Ehlo if (200..300).contains(&code) => {
                let e = ehlo_reply(lines, span, tls);
                self.t.ehlo.push(e);
            }
            Stage::Starttls if (200..300).contains(&code) => {
                self.tls = true;
                self.t.tls = true;
                // RFC 3207: the session starts over; what was learnt before TLS is void.
                self.authenticated = false;
            }
            Stage::Auth if code == 334 => self.challenge = Some(idx),
            Stage::Auth if (200..300).contains(&code) => {
                self.authenticated = true;
                self.t.auth_succeeded = Some(true);
                self.t.sasl_username = self.user.take();
            }
            Stage::Auth if code >= 400 => {
                self.t.auth_succeeded = Some(false);
                self.user = None;
            }
            Stage::Data if verb != "." && code == 354 => self.in_data = true,
            _ => {}
        }
    }
}

/// Removes the enhanced status code at the start of a reply line's text.
fn strip_status(rest: &str) -> &str {
    match parse_reply(rest) {
        Some(r) if r.code.is_none() && r.status.is_some() => r.text,
        _ => rest,
    }
}

/// Reads the extension lines of an EHLO reply (the first line is the server's name).
fn ehlo_reply(lines: &[String], span: Span, tls: bool) -> EhloReply {
    let mut e = EhloReply {
        span,
        tls,
        hostname: lines
            .first()
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or("")
            .to_owned(),
        client_ip: lines.first().and_then(|l| bracketed_ip(l)),
        ..EhloReply::default()
    };
    for l in lines.iter().skip(1) {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        let (kw, params) = match l.find([' ', '=']) {
            Some(i) => (&l[..i], l[i + 1..].trim()),
            None => (l, ""),
        };
        let kw = kw.to_ascii_uppercase();
        match kw.as_str() {
            "AUTH" => {
                for m in params.split_whitespace() {
                    let m = m.to_ascii_uppercase();
                    if !e.auth_mechanisms.contains(&m) {
                        e.auth_mechanisms.push(m);
                    }
                }
            }
            "STARTTLS" => e.starttls = true,
            "SIZE" => e.size = params.parse().ok().filter(|&n| n > 0),
            _ => {}
        }
        e.extensions.push(if params.is_empty() {
            kw
        } else {
            format!("{kw} {params}")
        });
    }
    e
}

/// The first `[address]` in `s` that is an IP address.
fn bracketed_ip(s: &str) -> Option<String> {
    s.split('[').skip(1).find_map(|part| {
        let inner = part.split(']').next()?;
        crate::postfix::network::parse_ip(inner).map(|_| inner.to_owned())
    })
}

/// The software the greeting names.
fn software(greeting: &str) -> Option<String> {
    let l = greeting.to_ascii_lowercase();
    [
        ("postfix", "postfix"),
        ("exim", "exim"),
        ("sendmail", "sendmail"),
        ("microsoft esmtp", "exchange"),
        ("exchange", "exchange"),
        ("haraka", "haraka"),
        ("opensmtpd", "opensmtpd"),
        ("qmail", "qmail"),
        ("gsmtp", "gmail"),
    ]
    .iter()
    .find(|(needle, _)| l.contains(needle))
    .map(|(_, name)| (*name).to_owned())
}

/// The port in `telnet host 587`, `trying host:587...`, `-connect host:465`, `nc host 25`.
fn port_in(l: &str, swaks: bool) -> Option<u16> {
    let words: Vec<&str> = l.split_whitespace().collect();
    let first = *words.first()?;
    if matches!(first, "telnet" | "nc") {
        return words.iter().skip(2).find_map(|w| w.parse().ok());
    }
    let target = if first == "openssl" {
        words
            .iter()
            .position(|w| *w == "-connect")
            .and_then(|i| words.get(i + 1))
    } else if first == "trying" && swaks {
        words.get(1)
    } else if first == "swaks" {
        words
            .iter()
            .position(|w| matches!(*w, "-s" | "--server" | "-p" | "--port"))
            .and_then(|i| words.get(i + 1))
    } else {
        None
    }?;
    let t = target.trim_end_matches('.');
    if let Ok(p) = t.parse() {
        return Some(p);
    }
    // `host:25`, `[2001:db8::1]:25`; a bare IPv6 address has no port.
    if t.matches(':').count() > 1 && !t.contains("]:") {
        return None;
    }
    let (_, port) = t.rsplit_once(':')?;
    port.parse().ok()
}

/// The authentication identity of an AUTH PLAIN response (`authzid NUL authcid NUL password`).
fn plain_user(decoded: &str) -> Option<String> {
    let mut parts = decoded.split('\0');
    let _authz = parts.next()?;
    let user = parts.next()?;
    parts.next()?;
    (!user.is_empty()).then(|| user.to_owned())
}

/// Standard base64 (RFC 4648) to UTF-8 text; None for anything else or for control characters
/// other than NUL (so random words are not read as names).
fn decode_b64(s: &str) -> Option<String> {
    let data = s.trim_end_matches('=');
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    if data.is_empty() || s.len() > 1024 || !data.bytes().all(alphabet) {
        return None;
    }
    let text = String::from_utf8(crate::bounce::mime::base64(s.as_bytes())).ok()?;
    (!text.chars().any(|c| c.is_control() && c != '\0')).then_some(text)
}

#[cfg(test)]
mod tests;
