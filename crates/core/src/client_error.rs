//! Mail client error dialogs: what people copy out of Outlook, Windows (Live) Mail, Thunderbird,
//! Apple Mail and iOS Mail when sending fails, in English, German, French and Spanish.
//!
//! A dialog is read as one flowing text: people paste it wrapped at whatever width the window
//! had, so lines are joined with single spaces (through [`Value`], which keeps the way back from
//! every byte to the paste). Outlook-style dialogs are a list of `Label: value` fields
//! (`Server Response: '554 5.7.1 …', Port: 25, Secure(SSL): No, Error Number: 0x800CCC79`) whose
//! labels are translated with the client; Thunderbird and Apple Mail wrap the server's reply in a
//! sentence (`The mail server responded: …. Please verify …`). The segmenter's client markers
//! (`segment/classify.rs`) are the openings of these same phrases, so what it cuts out as a
//! dialog is what this parser reads.

use crate::facts::Failure;
use crate::postfix::value::Value;
use crate::report::{Note, SegmentKind};
use crate::smtp::reply::parse_reply;
use crate::text::{lines_at, PhraseIndex, Span};
use serde::Serialize;
use std::sync::OnceLock;

const SOURCE: &str = "client dialog";

/// A dialog has a dozen fields; past this many label hits the text is something else, and the
/// rest is not looked at (keeps the overlap test below linear).
const MAX_LABELS: usize = 64;
/// Addresses kept per dialog.
const MAX_ADDRESSES: usize = 32;

/// Which program showed the dialog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientApp {
    Outlook,
    /// Windows Mail / Windows Live Mail / Outlook Express: the same field list as Outlook.
    WindowsMail,
    Thunderbird,
    AppleMail,
    IosMail,
    #[default]
    Unknown,
}

impl ClientApp {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientApp::Outlook => "outlook",
            ClientApp::WindowsMail => "windows mail",
            ClientApp::Thunderbird => "thunderbird",
            ClientApp::AppleMail => "apple mail",
            ClientApp::IosMail => "ios mail",
            ClientApp::Unknown => "mail client",
        }
    }
}

/// What an Outlook-style field is, whatever language the dialog is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldName {
    Subject,
    Account,
    Server,
    Protocol,
    ServerResponse,
    Port,
    Secure,
    ServerError,
    ErrorNumber,
}

/// One `Label: value` of the dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: FieldName,
    /// The value without quotes and trailing comma.
    pub value: String,
    /// From the label to the end of the value.
    pub span: Span,
    /// Just the value.
    pub value_span: Span,
}

/// The server's reply as the dialog quotes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServerResponse {
    pub code: Option<u16>,
    /// Enhanced status code (`5.7.1`).
    pub status: Option<String>,
    /// The words after code and status.
    pub text: String,
    pub span: Span,
}

/// One mail client error dialog.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClientError {
    pub span: Span,
    pub app: ClientApp,
    /// Language of the dialog's own words (`en`, `de`, `fr`, `es`), when recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'static str>,
    /// Addresses the dialog says were rejected.
    pub recipients: Vec<String>,
    /// A rejected sender address (Apple Mail, Outlook 0x800CCC78).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The outgoing server the client talked to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// `Secure(SSL)`: whether the client used an encrypted connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ServerResponse>,
    /// Outlook's `Server Error: 554`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_error: Option<u16>,
    /// Outlook's `Error Number: 0x800CCC79`, upper-cased hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_number: Option<String>,
    /// SMTP stage the failure belongs to (`CONNECT`, `STARTTLS`, `AUTH`, `MAIL`, `RCPT`, `DATA`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<&'static str>,
    /// What the dialog (or its error number) says happened, in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub fields: Vec<Field>,
    /// The dialog's own words, wrapped lines joined: what the knowledge base matches when the
    /// dialog quotes no server reply (an error number, a sentence of the client's).
    #[serde(skip)]
    pub dialog: String,
}

impl ClientError {
    pub fn field(&self, name: FieldName) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The failure in the shape every source shares; `None` when the dialog says nothing that
    /// can be diagnosed (no reply, no error number, no known sentence).
    pub fn failure(&self) -> Option<Failure> {
        if self.response.is_none() && self.error_number.is_none() && self.message.is_none() {
            return None;
        }
        let r = self.response.as_ref();
        let mut text = r.map(|r| r.text.clone()).unwrap_or_default();
        if text.is_empty() {
            // What the error number or sentence means, then the dialog's own words.
            text = [self.message.as_deref(), Some(self.dialog.as_str())]
                .into_iter()
                .flatten()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(": ");
        }
        Some(Failure {
            source: Some(SegmentKind::ClientError),
            span: self.span,
            reply_span: r.map(|r| r.span),
            reply_code: r.and_then(|r| r.code).or(self.server_error),
            status: r.and_then(|r| r.status.clone()),
            text,
            reporter: Some(self.app.as_str().to_owned()),
            stage: self.stage.map(str::to_owned),
            sender: self.sender.clone(),
            recipient: self.recipients.first().cloned(),
            port: self.port,
            tls: self.tls,
            ..Default::default()
        })
    }
}

/// Labels of Outlook / Windows Mail fields, lower-case, in English, German, French and Spanish.
/// Longer labels first where one starts another (`server response` before `server`).
const LABELS: &[(&str, FieldName, &str)] = &[
    ("server response", FieldName::ServerResponse, "en"),
    ("server error", FieldName::ServerError, "en"),
    ("error number", FieldName::ErrorNumber, "en"),
    ("secure(ssl)", FieldName::Secure, "en"),
    ("secure (ssl)", FieldName::Secure, "en"),
    ("subject", FieldName::Subject, "en"),
    ("account", FieldName::Account, "en"),
    ("protocol", FieldName::Protocol, "en"),
    ("serverantwort", FieldName::ServerResponse, "de"),
    ("serverfehler", FieldName::ServerError, "de"),
    ("fehlernummer", FieldName::ErrorNumber, "de"),
    ("sicher (ssl)", FieldName::Secure, "de"),
    ("sicher(ssl)", FieldName::Secure, "de"),
    ("betreff", FieldName::Subject, "de"),
    ("konto", FieldName::Account, "de"),
    ("protokoll", FieldName::Protocol, "de"),
    ("réponse du serveur", FieldName::ServerResponse, "fr"),
    ("erreur du serveur", FieldName::ServerError, "fr"),
    ("numéro d'erreur", FieldName::ErrorNumber, "fr"),
    ("numéro d’erreur", FieldName::ErrorNumber, "fr"),
    ("sécurisé (ssl)", FieldName::Secure, "fr"),
    ("sécurisé(ssl)", FieldName::Secure, "fr"),
    ("serveur", FieldName::Server, "fr"),
    ("objet", FieldName::Subject, "fr"),
    ("compte", FieldName::Account, "fr"),
    ("protocole", FieldName::Protocol, "fr"),
    ("respuesta del servidor", FieldName::ServerResponse, "es"),
    ("error del servidor", FieldName::ServerError, "es"),
    ("número de error", FieldName::ErrorNumber, "es"),
    ("seguro (ssl)", FieldName::Secure, "es"),
    ("seguro(ssl)", FieldName::Secure, "es"),
    ("servidor", FieldName::Server, "es"),
    ("asunto", FieldName::Subject, "es"),
    ("cuenta", FieldName::Account, "es"),
    ("protocolo", FieldName::Protocol, "es"),
    ("puerto", FieldName::Port, "es"),
    // Same word in English and German: counted as neither language.
    ("server", FieldName::Server, ""),
    ("port", FieldName::Port, ""),
];

/// Sentences that introduce the server's reply, each with the app that writes it and its
/// language. The reply runs to the sentence that follows (see [`REPLY_ENDS`]).
const REPLY_INTROS: &[(&str, ClientApp, &str)] = &[
    ("the mail server responded:", ClientApp::Thunderbird, "en"),
    ("the server responded:", ClientApp::Outlook, "en"),
    ("the server response was:", ClientApp::AppleMail, "en"),
    ("the server replied:", ClientApp::AppleMail, "en"),
    ("der mail-server antwortete:", ClientApp::Thunderbird, "de"),
    ("der server antwortete:", ClientApp::Thunderbird, "de"),
    ("die antwort des servers war:", ClientApp::AppleMail, "de"),
    (
        "le serveur de courrier a répondu :",
        ClientApp::Thunderbird,
        "fr",
    ),
    (
        "le serveur de courrier a répondu:",
        ClientApp::Thunderbird,
        "fr",
    ),
    ("le serveur a répondu :", ClientApp::Outlook, "fr"),
    ("le serveur a répondu:", ClientApp::Outlook, "fr"),
    ("la réponse du serveur était :", ClientApp::AppleMail, "fr"),
    ("la réponse du serveur était:", ClientApp::AppleMail, "fr"),
    (
        "el servidor de correo respondió:",
        ClientApp::Thunderbird,
        "es",
    ),
    ("el servidor respondió:", ClientApp::Outlook, "es"),
    ("la respuesta del servidor fue:", ClientApp::AppleMail, "es"),
];

/// Where a quoted reply stops: the client's own advice that follows it.
const REPLY_ENDS: &[&str] = &[
    " please verify",
    " please check",
    " please make sure",
    " please try",
    " bitte überprüfen",
    " bitte prüfen",
    " bitte stellen sie",
    " veuillez vérifier",
    " veuillez contrôler",
    " por favor, compruebe",
    " por favor compruebe",
    " por favor, verifique",
    " compruebe",
    " select a different outgoing mail server",
    " wählen sie einen anderen",
    " choisissez un autre serveur",
    " seleccione otro servidor",
];

/// Sentences that say what happened without a reply, with the app, the SMTP stage and what they
/// mean. Checked in order; the first found sets the stage.
const SENTENCES: &[(&str, ClientApp, &str, &str, &str)] = &[
    // (phrase, app, language, stage, meaning)
    (
        "one of the recipients was rejected by the server",
        ClientApp::Outlook,
        "en",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "the rejected e-mail address was",
        ClientApp::Outlook,
        "en",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "the rejected email address was",
        ClientApp::Outlook,
        "en",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "die abgelehnte e-mail-adresse",
        ClientApp::Outlook,
        "de",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "die zurückgewiesene e-mail-adresse",
        ClientApp::Outlook,
        "de",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "l'adresse de messagerie refusée",
        ClientApp::Outlook,
        "fr",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "l’adresse de messagerie refusée",
        ClientApp::Outlook,
        "fr",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "la dirección de correo electrónico rechazada",
        ClientApp::Outlook,
        "es",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "login to server",
        ClientApp::Thunderbird,
        "en",
        "AUTH",
        "logging in to the server failed",
    ),
    (
        "authentication to smtp server",
        ClientApp::Thunderbird,
        "en",
        "AUTH",
        "logging in to the server failed",
    ),
    (
        "anmeldung beim server",
        ClientApp::Thunderbird,
        "de",
        "AUTH",
        "logging in to the server failed",
    ),
    (
        "the mail server sent an incorrect greeting",
        ClientApp::Thunderbird,
        "en",
        "CONNECT",
        "the server's greeting was refused by the client",
    ),
    (
        "doesn't advertise that feature",
        ClientApp::Thunderbird,
        "en",
        "STARTTLS",
        "the server does not offer STARTTLS",
    ),
    (
        "unable to establish a secure link",
        ClientApp::Thunderbird,
        "en",
        "STARTTLS",
        "no TLS connection could be set up",
    ),
    (
        "was lost in the middle of the transaction",
        ClientApp::Thunderbird,
        "en",
        "DATA",
        "the connection broke during the transaction",
    ),
    (
        "the sender address",
        ClientApp::AppleMail,
        "en",
        "MAIL",
        "the server rejected the sender",
    ),
    (
        "the recipient “",
        ClientApp::IosMail,
        "en",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "the recipient \"",
        ClientApp::IosMail,
        "en",
        "RCPT",
        "the server rejected a recipient",
    ),
    (
        "the connection to the outgoing server",
        ClientApp::IosMail,
        "en",
        "CONNECT",
        "connecting to the outgoing server failed",
    ),
    (
        "sending of the message failed",
        ClientApp::Thunderbird,
        "en",
        "",
        "sending the message failed",
    ),
    (
        "sending of message failed",
        ClientApp::Thunderbird,
        "en",
        "",
        "sending the message failed",
    ),
    (
        "senden der nachricht fehlgeschlagen",
        ClientApp::Thunderbird,
        "de",
        "",
        "sending the message failed",
    ),
    (
        "l'envoi du message a échoué",
        ClientApp::Thunderbird,
        "fr",
        "",
        "sending the message failed",
    ),
    (
        "l’envoi du message a échoué",
        ClientApp::Thunderbird,
        "fr",
        "",
        "sending the message failed",
    ),
    (
        "falló el envío del mensaje",
        ClientApp::Thunderbird,
        "es",
        "",
        "sending the message failed",
    ),
    (
        "error al enviar el mensaje",
        ClientApp::Thunderbird,
        "es",
        "",
        "sending the message failed",
    ),
    (
        "cannot send message using the server",
        ClientApp::AppleMail,
        "en",
        "",
        "the outgoing server refused the message",
    ),
    (
        "kann nicht mit dem server",
        ClientApp::AppleMail,
        "de",
        "",
        "the outgoing server refused the message",
    ),
    (
        "impossible d'envoyer le message avec le serveur",
        ClientApp::AppleMail,
        "fr",
        "",
        "the outgoing server refused the message",
    ),
    (
        "impossible d’envoyer le message avec le serveur",
        ClientApp::AppleMail,
        "fr",
        "",
        "the outgoing server refused the message",
    ),
    (
        "no se puede enviar el mensaje usando el servidor",
        ClientApp::AppleMail,
        "es",
        "",
        "the outgoing server refused the message",
    ),
    (
        "cannot send mail",
        ClientApp::IosMail,
        "en",
        "",
        "sending the message failed",
    ),
];

/// Outlook / Windows Mail error numbers: stage and meaning.
const ERROR_NUMBERS: &[(&str, &str, &str)] = &[
    (
        "0x800CCC0E",
        "CONNECT",
        "the client could not connect to the server (wrong host or port, or blocked)",
    ),
    (
        "0x800CCC0F",
        "CONNECT",
        "the connection was closed unexpectedly (often a TLS/port mismatch or a firewall)",
    ),
    (
        "0x80042109",
        "CONNECT",
        "the client could not connect to the outgoing server",
    ),
    (
        "0x8004210B",
        "CONNECT",
        "the operation timed out waiting for the server",
    ),
    (
        "0x800CCC1A",
        "STARTTLS",
        "the server does not support the encryption type set in the account",
    ),
    (
        "0x800CCC7D",
        "STARTTLS",
        "the server does not offer a secure connection (no STARTTLS)",
    ),
    (
        "0x800CCC78",
        "MAIL",
        "the server refused the sender (often: authentication is required)",
    ),
    ("0x800CCC79", "RCPT", "the server rejected a recipient"),
    (
        "0x800CCC6A",
        "",
        "the outgoing server reported an internal (temporary) error",
    ),
    ("0x800CCC67", "", "the outgoing server reported an error"),
    (
        "0x800CCC80",
        "AUTH",
        "none of the authentication methods the client supports is offered by the server",
    ),
    ("0x800CCC90", "AUTH", "the POP3 server rejected the login"),
    ("0x800CCC92", "AUTH", "the POP3 server rejected the login"),
];

/// Meaning and stage of an Outlook error number.
pub fn error_number_meaning(number: &str) -> Option<(&'static str, &'static str)> {
    ERROR_NUMBERS
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(number))
        .map(|(_, stage, m)| (*stage, *m))
}

/// Reads one dialog (the text of a `client_error` segment) starting at paste offset `base`.
pub fn parse(text: &str, base: usize) -> (ClientError, Vec<Note>) {
    let mut notes = Vec::new();
    // The dialog as one line of text: wrapped lines joined by single spaces.
    let mut flat = Value::default();
    for line in lines_at(text, base) {
        flat.push(line.text, line.start);
    }
    let whole = flat.span().unwrap_or(Span::new(base, base + text.len()));
    let mut ce = ClientError {
        span: whole,
        ..Default::default()
    };
    ce.dialog = crate::text::clip(&flat.text, 2000).to_owned();
    let t = flat.text.as_str();
    // ASCII case folding keeps byte offsets; labels hold their non-ASCII letters in lower case.
    let lower = t.to_ascii_lowercase();

    let first_label = read_fields(&flat, &lower, &mut ce);
    read_sentences(&flat, &lower, &mut ce);
    read_addresses(t, &lower, first_label, &mut ce);

    if crate::text::contains(&lower, "windows live mail")
        || crate::text::contains(&lower, "windows mail")
    {
        if matches!(ce.app, ClientApp::Outlook | ClientApp::Unknown) {
            ce.app = ClientApp::WindowsMail;
        }
    } else if crate::text::contains(&lower, "thunderbird") && ce.app == ClientApp::Unknown {
        ce.app = ClientApp::Thunderbird;
    }
    if ce.response.is_none() && ce.error_number.is_none() && ce.message.is_none() {
        notes.push(Note::new(
            whole,
            SOURCE,
            "looks like a mail client's error message, but neither a server reply nor an error \
             number could be read from it",
        ));
    }
    (ce, notes)
}

/// The `Label: value` fields of Outlook-style dialogs.
fn read_fields(flat: &Value, lower: &str, ce: &mut ClientError) -> Option<usize> {
    // (label start, value start, field, language)
    let mut found: Vec<(usize, usize, FieldName, &'static str)> = Vec::new();
    // Every label's places in one pass, then read label by label in table order, each label's
    // places left to right without overlaps (as `match_indices` would give them).
    static INDEX: OnceLock<PhraseIndex<u32>> = OnceLock::new();
    let index =
        INDEX.get_or_init(|| PhraseIndex::new(LABELS.iter().zip(0u32..).map(|(l, k)| (l.0, k))));
    let b = lower.as_bytes();
    let mut hits: Vec<(u32, usize)> = Vec::new();
    index.scan(b, |at, p, k| {
        if b[at..].starts_with(p.as_bytes()) {
            hits.push((k, at));
        }
    });
    crate::text::sort_by_key(&mut hits, |h| h.0);
    let mut last: Option<(u32, usize)> = None;
    for (k, i) in hits {
        let Some(&(label, name, lang)) = LABELS.get(k as usize) else {
            continue;
        };
        if last.is_some_and(|(lk, end)| lk == k && i < end) {
            continue;
        }
        last = Some((k, i + label.len()));
        {
            if found.len() >= MAX_LABELS {
                break;
            }
            if !starts_word(lower, i) || found.iter().any(|f| f.0 <= i && i < f.1) {
                continue;
            }
            let after = i + label.len();
            let rest = &lower[after..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
            if !rest[gap..].starts_with(':') {
                continue;
            }
            found.push((i, after + gap + 1, name, lang));
        }
    }
    crate::text::sort_by_key(&mut found, |f| f.0);
    found.dedup_by_key(|f| f.0);
    let first_label = found.first().map(|f| f.0);
    for (k, &(start, vstart, name, lang)) in found.iter().enumerate() {
        let vend = found.get(k + 1).map_or(lower.len(), |n| n.0);
        let raw = flat.text.get(vstart..vend).unwrap_or("");
        let (off, value) = clean(raw);
        let value_span = flat
            .span_of(vstart + off, vstart + off + value.len())
            .unwrap_or(ce.span);
        let span = flat
            .span_of(start, vstart + off + value.len())
            .unwrap_or(ce.span);
        if ce.lang.is_none() && !lang.is_empty() {
            ce.lang = Some(lang);
        }
        if ce.fields.iter().any(|f| f.name == name) {
            continue;
        }
        let v = value.to_owned();
        match name {
            FieldName::Account => ce.account = Some(v.clone()),
            FieldName::Server => ce.server = Some(v.clone()),
            FieldName::Protocol => ce.protocol = Some(v.clone()),
            FieldName::Port => ce.port = v.parse().ok(),
            FieldName::Secure => ce.tls = yes_no(&v),
            FieldName::ServerError => {
                // `Server Error: 554`, or in Outlook's own reports the whole reply
                // (`Server error: '554 5.7.1 <x>: Relay access denied'`).
                ce.server_error = v.split_whitespace().next().and_then(|c| c.parse().ok());
                if ce.response.is_none() && v.contains(' ') {
                    ce.response = response(&v, value_span);
                }
            }
            FieldName::ErrorNumber => {
                let n = v.split_whitespace().next().unwrap_or("");
                if let Some(hex) = n
                    .get(..2)
                    .filter(|p| p.eq_ignore_ascii_case("0x"))
                    .and_then(|_| n.get(2..))
                    .filter(|h| !h.is_empty())
                {
                    ce.error_number = Some(format!("0x{}", hex.to_ascii_uppercase()));
                }
            }
            FieldName::ServerResponse => {
                ce.response = response(&v, value_span);
            }
            FieldName::Subject => {}
        }
        ce.fields.push(Field {
            name,
            value: v,
            span,
            value_span,
        });
    }
    if !ce.fields.is_empty() && ce.app == ClientApp::Unknown {
        ce.app = ClientApp::Outlook;
    }
    if let Some(n) = ce.error_number.as_deref() {
        if let Some((stage, meaning)) = error_number_meaning(n) {
            if !stage.is_empty() {
                ce.stage = Some(stage);
            }
            ce.message = Some(meaning.to_owned());
        }
    }
    // `Task '… - Sending' reported error (0x800CCC78) : '…'`
    if ce.error_number.is_none() {
        if let Some(i) = crate::text::find(lower, "(0x") {
            let hex: String = lower[i + 3..]
                .chars()
                .take_while(|c| c.is_ascii_hexdigit())
                .collect();
            if hex.len() == 8 {
                let n = format!("0x{}", hex.to_ascii_uppercase());
                if let Some((stage, meaning)) = error_number_meaning(&n) {
                    if !stage.is_empty() {
                        ce.stage = Some(stage);
                    }
                    ce.message = Some(meaning.to_owned());
                }
                ce.error_number = Some(n);
                if ce.app == ClientApp::Unknown {
                    ce.app = ClientApp::Outlook;
                }
            }
        }
    }
    first_label
}

/// A value without surrounding spaces and quotes, and without the trailing separator (`,` or
/// `.`) of the sentence it sits in. Returns its offset in `raw` and the value.
fn clean(raw: &str) -> (usize, &str) {
    let t = raw.trim_start_matches(|c: char| c.is_whitespace() || QUOTES_OPEN.contains(&c));
    let off = raw.len() - t.len();
    let t = t.trim_end_matches(|c: char| {
        c.is_whitespace() || c == ',' || c == '.' || QUOTES_CLOSE.contains(&c)
    });
    (off, t)
}

const QUOTES_OPEN: [char; 7] = ['\'', '‘', '’', '"', '“', '„', '«'];
const QUOTES_CLOSE: [char; 7] = ['\'', '’', '‘', '"', '”', '“', '»'];

fn yes_no(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "yes" | "ja" | "oui" | "sí" | "si" | "true" | "1" => Some(true),
        "no" | "nein" | "non" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn starts_word(lower: &str, i: usize) -> bool {
    i == 0
        || lower[..i]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric() && c != '-' && c != '_')
}

/// A server reply as a dialog quotes it (`554 5.7.1 <x>: Relay access denied`).
fn response(v: &str, span: Span) -> Option<ServerResponse> {
    let v = v.trim().trim_end_matches('.').trim_end();
    let r = parse_reply(v)?;
    Some(ServerResponse {
        code: r.code,
        status: r.status.map(|s| s.to_string()),
        text: r.text.to_owned(),
        span,
    })
}

/// Thunderbird / Apple Mail / iOS sentences and the replies they quote.
fn read_sentences(flat: &Value, lower: &str, ce: &mut ClientError) {
    // Where each of [`SENTENCES`] and then each of [`REPLY_INTROS`] first occurs, from one pass.
    static INDEX: OnceLock<PhraseIndex<u32>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let sentences = SENTENCES.iter().map(|s| s.0);
        let intros = REPLY_INTROS.iter().map(|r| r.0);
        PhraseIndex::new(sentences.chain(intros).zip(0u32..))
    });
    let b = lower.as_bytes();
    let mut first: Vec<Option<usize>> = vec![None; SENTENCES.len() + REPLY_INTROS.len()];
    index.scan(b, |at, p, k| {
        if let Some(slot @ None) = first.get_mut(k as usize) {
            if b[at..].starts_with(p.as_bytes()) {
                *slot = Some(at);
            }
        }
    });
    let (sentences_at, intros_at) = first.split_at(SENTENCES.len());
    for (&(_, app, lang, stage, meaning), at) in SENTENCES.iter().zip(sentences_at) {
        if at.is_none() {
            continue;
        }
        if ce.app == ClientApp::Unknown {
            ce.app = app;
        }
        if ce.lang.is_none() {
            ce.lang = Some(lang);
        }
        if ce.stage.is_none() && !stage.is_empty() {
            ce.stage = Some(stage);
        }
        if ce.message.is_none() {
            ce.message = Some(meaning.to_owned());
        }
    }
    if ce.response.is_none() {
        for (&(intro, app, lang), &at) in REPLY_INTROS.iter().zip(intros_at) {
            let Some(i) = at else { continue };
            let start = i + intro.len();
            let rest = &lower[start..];
            let end = REPLY_ENDS
                .iter()
                .filter_map(|e| crate::text::find(rest, e))
                .min()
                .unwrap_or(rest.len());
            let raw = flat.text.get(start..start + end).unwrap_or("");
            let (off, body) = clean(raw);
            let span = flat
                .span_of(start + off, start + off + body.len())
                .unwrap_or(ce.span);
            if let Some(r) = response(body, span) {
                ce.response = Some(r);
            } else if !body.is_empty() {
                // A reply without a code (some servers, some clients strip it).
                ce.response = Some(ServerResponse {
                    code: None,
                    status: None,
                    text: body.to_owned(),
                    span,
                });
            }
            if matches!(ce.app, ClientApp::Unknown | ClientApp::IosMail) {
                ce.app = app;
            }
            if ce.lang.is_none() {
                ce.lang = Some(lang);
            }
            break;
        }
    }
    // `Cannot send message using the server mail.example.net.` / `Login to server x with …`
    if ce.server.is_none() {
        for intro in [
            "using the server ",
            "login to server ",
            "outgoing server (smtp) ",
            "the outgoing server ",
            "by the server ",
            "avec le serveur ",
            "usando el servidor ",
            "mit dem server ",
        ] {
            if let Some(i) = crate::text::find(lower, intro) {
                let rest = &flat.text[i + intro.len()..];
                let host: String = rest
                    .trim_start_matches(QUOTES_OPEN)
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .collect();
                let host = host.trim_end_matches('.');
                if host.contains('.') {
                    ce.server = Some(host.to_owned());
                    break;
                }
            }
        }
    }
    if ce.stage.is_none() {
        if let Some(r) = &ce.response {
            if crate::text::contains_lower(&r.text, "starttls") {
                ce.stage = Some("STARTTLS");
            }
        }
    }
    // Thunderbird's advice after the reply tells which command failed.
    if ce.stage.is_none() || ce.stage == Some("RCPT") {
        if crate::text::contains(lower, "verify that your email address is correct")
            || crate::text::contains(lower, "überprüfen sie ihre e-mail-adresse")
        {
            ce.stage = Some("MAIL");
        } else if crate::text::contains(lower, "check the message recipient") {
            ce.stage = Some("RCPT");
        }
    }
}

/// Rejected addresses: quoted in the rejection sentence, between `<>` in the reply, or named in
/// Thunderbird's `recipient "x"` / Apple's `The sender address x`.
fn read_addresses(t: &str, lower: &str, first_label: Option<usize>, ce: &mut ClientError) {
    let add = |a: &str, ce: &mut ClientError| {
        let a = a.trim_matches(|c: char| !c.is_alphanumeric());
        if ce.recipients.len() < MAX_ADDRESSES
            && looks_like_address(a)
            && !ce.recipients.iter().any(|x| x.eq_ignore_ascii_case(a))
        {
            ce.recipients.push(a.to_owned());
        }
    };
    let sender_sentence = ["the sender address ", "l'adresse de l'expéditeur "]
        .iter()
        .find_map(|p| crate::text::find(lower, p).map(|i| i + p.len()));
    if let Some(i) = sender_sentence {
        if let Some(w) = t.get(i..).and_then(|r| r.split_whitespace().next()) {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if looks_like_address(w) {
                ce.sender = Some(w.to_owned());
                if ce.stage.is_none() || ce.stage == Some("RCPT") {
                    ce.stage = Some("MAIL");
                }
            }
        }
    }
    // The rejected-address sentence comes before the first field label.
    let head = first_label.and_then(|i| t.get(..i)).unwrap_or("");
    for w in head.split_whitespace() {
        add(w, ce);
    }
    let in_reply = ce.response.as_ref().and_then(|r| {
        r.text
            .split_once('<')
            .and_then(|(_, rest)| rest.split_once('>'))
            .map(|(a, _)| a.to_owned())
    });
    if let Some(a) = in_reply {
        if ce.stage == Some("MAIL") && ce.sender.is_none() && looks_like_address(&a) {
            // The reply to MAIL FROM names the sender.
            ce.sender = Some(a);
        } else if ce.sender.as_deref() != Some(a.as_str()) {
            add(&a, ce);
        }
    }
    for p in ["recipient \"", "recipient “", "recipient ", "destinataire "] {
        if let Some(i) = crate::text::find(lower, p) {
            if let Some(w) = t
                .get(i + p.len()..)
                .and_then(|r| r.split_whitespace().next())
            {
                add(w, ce);
            }
        }
    }
}

fn looks_like_address(a: &str) -> bool {
    let Some((local, domain)) = a.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && a.chars()
            .all(|c| c.is_alphanumeric() || "._%+-@!#$&*=?^`{|}~/'".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::slice;

    #[test]
    fn sentences_and_intros_are_phrases_the_index_holds() {
        // The phrase index leaves out phrases shorter than two bytes.
        assert!(SENTENCES.iter().all(|s| s.0.len() >= 2));
        assert!(REPLY_INTROS.iter().all(|r| r.0.len() >= 2));
    }

    fn read(s: &str) -> ClientError {
        parse(s, 0).0
    }

    #[test]
    fn outlook_wrapped_dialog() {
        let s = "The message could not be sent because one of the recipients was rejected by the\r\nserver. The rejected e-mail address was 'friend@example.com'. Subject 'Hello',\r\nAccount: 'mail.example.net', Server: 'mail.example.net', Protocol: SMTP, Server\r\nResponse: '554 5.7.1 <friend@example.com>: Relay access denied', Port: 25,\r\nSecure(SSL): No, Server Error: 554, Error Number: 0x800CCC79\r\n";
        let c = read(s);
        assert_eq!(c.app, ClientApp::Outlook);
        assert_eq!(c.lang, Some("en"));
        assert_eq!(c.recipients, ["friend@example.com"]);
        assert_eq!(c.server.as_deref(), Some("mail.example.net"));
        assert_eq!(c.account.as_deref(), Some("mail.example.net"));
        assert_eq!(c.protocol.as_deref(), Some("SMTP"));
        assert_eq!(c.port, Some(25));
        assert_eq!(c.tls, Some(false));
        assert_eq!(c.server_error, Some(554));
        assert_eq!(c.error_number.as_deref(), Some("0x800CCC79"));
        assert_eq!(c.stage, Some("RCPT"));
        let r = c.response.as_ref().unwrap();
        assert_eq!((r.code, r.status.as_deref()), (Some(554), Some("5.7.1")));
        assert_eq!(r.text, "<friend@example.com>: Relay access denied");
        assert_eq!(
            slice(s, r.span),
            "554 5.7.1 <friend@example.com>: Relay access denied"
        );
        let port = c.field(FieldName::Port).unwrap();
        assert_eq!(slice(s, port.span), "Port: 25");
        let f = c.failure().unwrap();
        assert_eq!(f.port, Some(25));
        assert_eq!(f.tls, Some(false));
        assert_eq!(f.stage.as_deref(), Some("RCPT"));
        assert_eq!(f.recipient.as_deref(), Some("friend@example.com"));
        assert_eq!(f.reply_code, Some(554));
        assert_eq!(f.source, Some(SegmentKind::ClientError));
    }

    #[test]
    fn curly_quotes_and_a_reply_split_over_lines() {
        let s = "The rejected e-mail address was\n‘pal@example.org’. Subject ‘Test ‘, Account: ‘mx.example.net’,\nServer: ‘mx.example.net’, Protocol:\nSMTP, Server Response: ‘554 5.7.1\n<pal@example.org>: Relay access\ndenied’, Port: 25, Secure(SSL): No,\nServer Error: 554, Error Number:\n0x800CCC79\n";
        let c = read(s);
        let r = c.response.unwrap();
        assert_eq!(r.text, "<pal@example.org>: Relay access denied");
        assert!(slice(s, r.span).starts_with("554 5.7.1\n<pal"));
        assert_eq!(c.recipients, ["pal@example.org"]);
        assert_eq!(c.protocol.as_deref(), Some("SMTP"));
        assert_eq!(c.error_number.as_deref(), Some("0x800CCC79"));
    }

    #[test]
    fn outlook_in_german_french_spanish() {
        let de = "Die Nachricht konnte nicht gesendet werden, da einer der Empfänger vom Server abgelehnt wurde. Die abgelehnte E-Mail-Adresse lautete \"kunde@example.com\". Betreff 'Angebot', Konto: 'mail.example.net', Server: 'mail.example.net', Protokoll: SMTP, Serverantwort: '554 5.7.1 <kunde@example.com>: Relay access denied', Port: 25, Sicher (SSL): Nein, Serverfehler: 554, Fehlernummer: 0x800CCC79";
        let c = read(de);
        assert_eq!(c.lang, Some("de"));
        assert_eq!((c.port, c.tls), (Some(25), Some(false)));
        assert_eq!(c.response.as_ref().unwrap().code, Some(554));
        assert_eq!(c.recipients, ["kunde@example.com"]);
        assert_eq!(c.stage, Some("RCPT"));

        let fr = "L'adresse de messagerie refusée était 'client@example.com'. Objet 'Devis', Compte : 'mail.example.net', Serveur : 'smtp.example.net', Protocole : SMTP, Réponse du serveur : '550 5.1.1 <client@example.com>: Recipient address rejected: User unknown in virtual mailbox table', Port : 587, Sécurisé (SSL) : Oui, Erreur du serveur : 550, Numéro d'erreur : 0x800CCC79";
        let c = read(fr);
        assert_eq!(c.lang, Some("fr"));
        assert_eq!(c.server.as_deref(), Some("smtp.example.net"));
        assert_eq!((c.port, c.tls), (Some(587), Some(true)));
        let r = c.response.unwrap();
        assert_eq!(r.status.as_deref(), Some("5.1.1"));
        assert!(r.text.ends_with("virtual mailbox table"));

        let es = "La dirección de correo electrónico rechazada era 'amigo@example.com'. Asunto 'Hola', Cuenta: 'correo.example.net', Servidor: 'correo.example.net', Protocolo: SMTP, Respuesta del servidor: '454 4.7.1 <amigo@example.com>: Relay access denied', Puerto: 25, Seguro (SSL): No, Error del servidor: 454, Número de error: 0x800CCC79";
        let c = read(es);
        assert_eq!(c.lang, Some("es"));
        assert_eq!((c.port, c.tls), (Some(25), Some(false)));
        assert_eq!(c.failure().unwrap().reply_code, Some(454));
    }

    #[test]
    fn error_numbers_without_reply() {
        let s = "Task 'mail.example.net - Sending' reported error (0x800CCC0E) : 'Outlook cannot connect to your outgoing (SMTP) e-mail server.'";
        let c = read(s);
        assert_eq!(c.error_number.as_deref(), Some("0x800CCC0E"));
        assert_eq!(c.stage, Some("CONNECT"));
        let f = c.failure().unwrap();
        assert!(f.reply_code.is_none());
        assert!(f.text.contains("could not connect"));

        let s = "Task 'Sending' reported error (0x800CCC78) : 'Cannot send the message. Verify the email address in your account properties. The server responded: 530 5.7.0 Must issue a STARTTLS command first.'";
        let c = read(s);
        assert_eq!(c.stage, Some("MAIL"));
        let r = c.response.unwrap();
        assert_eq!((r.code, r.status.as_deref()), (Some(530), Some("5.7.0")));
        assert_eq!(r.text, "Must issue a STARTTLS command first");
    }

    #[test]
    fn thunderbird_messages() {
        let s = "Sending of the message failed.\nAn error occurred while sending mail. The mail server responded: 5.7.1 <dest@example.com>: Relay access denied. Please check the message recipient \"dest@example.com\" and try again.";
        let c = read(s);
        assert_eq!(c.app, ClientApp::Thunderbird);
        let r = c.response.as_ref().unwrap();
        assert_eq!(r.code, None);
        assert_eq!(r.status.as_deref(), Some("5.7.1"));
        assert_eq!(r.text, "<dest@example.com>: Relay access denied");
        assert_eq!(
            slice(s, r.span),
            "5.7.1 <dest@example.com>: Relay access denied"
        );
        assert_eq!(c.recipients, ["dest@example.com"]);

        let c = read("Login to server smtp.example.net with username \"ann@example.net\" failed.");
        assert_eq!(c.stage, Some("AUTH"));
        assert_eq!(c.server.as_deref(), Some("smtp.example.net"));
        assert!(c.failure().is_some());

        let c = read("The mail server sent an incorrect greeting: mx.example.net ESMTP ready.");
        assert_eq!(c.stage, Some("CONNECT"));

        let c = read("Senden der Nachricht fehlgeschlagen.\nDer Mail-Server antwortete: 5.7.1 <x@example.com>: Relay access denied. Bitte überprüfen Sie den Empfänger.");
        assert_eq!(c.lang, Some("de"));
        assert_eq!(
            c.response.unwrap().text,
            "<x@example.com>: Relay access denied"
        );
    }

    #[test]
    fn outlook_report_with_the_reply_in_server_error() {
        let c = read("The following recipient(s) cannot be reached: 'Lena' on 4 March 2024 09:12. Server error: '554 5.7.1 <lena@example.com>: Relay access denied'");
        let r = c.response.unwrap();
        assert_eq!((r.code, r.status.as_deref()), (Some(554), Some("5.7.1")));
        assert_eq!(c.server_error, Some(554));
        assert_eq!(c.recipients, ["lena@example.com"]);
    }

    #[test]
    fn thunderbird_advice_names_the_command() {
        let c = read("An error occurred while sending mail. The mail server responded: 5.7.1 <me@example.net>: Sender address rejected: not owned by user ann. Please verify that your email address is correct in your account settings and try again.");
        assert_eq!(c.stage, Some("MAIL"));
        assert_eq!(c.sender.as_deref(), Some("me@example.net"));
        assert!(c.recipients.is_empty());
        assert_eq!(
            c.response.unwrap().text,
            "<me@example.net>: Sender address rejected: not owned by user ann"
        );
    }

    #[test]
    fn apple_and_ios() {
        let s = "Cannot send message using the server mail.example.net.\nThe server response was: 5.7.1 <b@example.com>: Relay access denied";
        let c = read(s);
        assert_eq!(c.app, ClientApp::AppleMail);
        assert_eq!(c.server.as_deref(), Some("mail.example.net"));
        assert_eq!(c.recipients, ["b@example.com"]);
        let c = read("Cannot send message using the server mail.example.net.\nThe sender address me@example.org was rejected by the server mail.example.net.");
        assert_eq!(c.sender.as_deref(), Some("me@example.org"));
        assert_eq!(c.stage, Some("MAIL"));
        assert!(c.recipients.is_empty());
        let c = read("Cannot Send Mail\nThe recipient “x@example.com” was rejected by the server.");
        assert_eq!(c.app, ClientApp::IosMail);
        assert_eq!(c.recipients, ["x@example.com"]);
        assert_eq!(c.stage, Some("RCPT"));
    }

    /// What the segmenter cuts out as a dialog is what this parser reads, in every language.
    #[test]
    fn segmenter_and_parser_agree() {
        let pastes = [
            "Hallo,\n\nDie abgelehnte E-Mail-Adresse lautete 'k@example.com'. Betreff 'x', Konto: 'mail.example.net',\nServer: 'mail.example.net', Protokoll: SMTP, Serverantwort: '554 5.7.1\n<k@example.com>: Relay access denied', Port: 25, Sicher (SSL): Nein,\nServerfehler: 554, Fehlernummer: 0x800CCC79\n\nDanke\n",
            "Bonjour\n\nL'envoi du message a échoué.\nLe serveur de courrier a répondu : 5.7.1 <c@example.com>: Relay access denied. Veuillez vérifier le destinataire.\n\nMerci\n",
            "Hola\n\nNo se puede enviar el mensaje usando el servidor smtp.example.net.\nLa respuesta del servidor fue: 5.7.1 <a@example.com>: Relay access denied\n\nGracias\n",
            "Task 'mail.example.net - Sending' reported error (0x800CCC0E) : 'Cannot connect.'\n",
            "Login to server smtp.example.net with username \"u@example.net\" failed.\n",
        ];
        for paste in pastes {
            let (segs, _) = crate::segment::segment(paste);
            let dialogs: Vec<_> = segs
                .iter()
                .filter(|g| g.kind == SegmentKind::ClientError)
                .collect();
            assert_eq!(dialogs.len(), 1, "{paste:?}: {segs:?}");
            let g = dialogs[0];
            let (c, notes) = parse(&paste[g.start..g.end], g.start);
            assert!(notes.is_empty(), "{paste:?}: {notes:?}");
            let f = c.failure().expect("a failure");
            assert!(g.span().contains(f.span), "{paste:?}");
        }
    }

    #[test]
    fn long_inputs_stay_linear() {
        let many_labels = "Port: 25, ".repeat(50_000);
        let many_addresses = format!(
            "{} Server Response: '554 5.7.1 x'",
            (0..50_000)
                .map(|i| format!("a{i}@example.com "))
                .collect::<String>()
        );
        for s in [many_labels, many_addresses] {
            let t = std::time::Instant::now();
            let (c, _) = parse(&s, 0);
            assert!(c.fields.len() <= MAX_LABELS && c.recipients.len() <= MAX_ADDRESSES);
            assert!(t.elapsed().as_secs() < 5, "took {:?}", t.elapsed());
        }
    }

    #[test]
    fn nothing_readable_is_a_note_not_a_panic() {
        let (c, notes) = parse("Server Response: ''", 3);
        assert!(c.failure().is_none());
        assert_eq!(notes.len(), 1);
        for s in [
            "",
            ":",
            "Port:",
            "Server Response:",
            "(0x",
            "'",
            "‘’",
            "Error Number: 0x",
        ] {
            let _ = parse(s, 0);
        }
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/parsers.rs`): an error number starting with a
    /// multi-byte character was cut inside it.
    #[test]
    fn an_error_number_starting_with_a_wide_character_is_read_without_panic() {
        let text = "Port: 25,\r\nSecure(SSL): No, Server Error: 554, Error Number:\r\n\u{FFFD}\u{FFFD}\"0x800CCC79\r\n";
        let (c, _) = parse(text, 0);
        assert_eq!(c.port, Some(25));
        assert_eq!(c.error_number, None);
        let (c, _) = parse(
            "Port: 25, Secure(SSL): No, Server Error: 554, Error Number: 0x800ccc79\n",
            0,
        );
        assert_eq!(c.error_number.as_deref(), Some("0x800CCC79"));
    }
}
