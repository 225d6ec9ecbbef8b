//! Why a recipient failed, in Sisimai's vocabulary (kb/data/bounce-reasons.tsv).
//!
//! The decision reads four facts: the enhanced status code, the diagnostic's wording, the SMTP
//! command that drew the error, and the DSN `Action`. It follows the semantics that make
//! Sisimai's reasons a shared vocabulary, in two passes:
//!
//! 1. **Specific causes** ([`FIRST_PASS`]), each confirmed by its own status code or by its
//!    wording, in an order where the more specific cause wins (a full mailbox reported with
//!    "retry timeout exceeded" is a full mailbox). Two rules tie wording to the command:
//!    "no such user" is `userunknown` only when it answers `RCPT` (or the code is `5.1.x`);
//!    after `DATA`, or when the command is unknown, the same words mean a recipient-side
//!    `filtered`. A sender-address refusal (`rejected`) needs `MAIL`, `DATA`, or a code that
//!    does not already point at the recipient.
//! 2. **Fallbacks** ([`SECOND_PASS`]) when the code names only a vague or retryable cause
//!    (`X.0.0`, `5.7.1`, `4.4.x`…): network, system, expiry and policy wording, then the
//!    code's own meaning, then the class of the code, the command, and the `Action`.
//!
//! Phrase tables are lowercase substrings; a `*` inside a phrase stands for any text between
//! the parts (`"user * unknown"`). No regexes: this runs on every bounce in bulk.
//! Every family is written for this project; `tests/fixtures/bounce/` has examples, and the
//! log at the end of this file says why each non-obvious rule exists.

use crate::smtp::reply::EnhancedStatus;

/// What the decision reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct Evidence<'a> {
    pub status: Option<EnhancedStatus>,
    /// The diagnostic, lowercased, whitespace collapsed.
    pub diagnostic: &'a str,
    /// `RCPT`, `MAIL`, `DATA`, `HELO`, `EHLO`, `CONN`, `STARTTLS` or empty.
    pub command: &'a str,
    /// DSN `Action` (lowercase) or empty.
    pub action: &'a str,
    /// DSN `Diagnostic-Code` type (lowercase: `smtp`, `x-unix`, `x-postfix`…) or empty.
    pub diagnostic_type: &'a str,
}

/// Phrase families by reason. Lowercase; `*` joins parts that must appear in this order.
static FAMILIES: &[(&str, &[&str])] = &[
    (
        "mailboxfull",
        &[
            "mailbox full",
            "mailbox is full",
            "mailbox*is over quota",
            "mailbox over quota",
            "mail box full",
            "mailbox has exceeded",
            "mailbox exceeded",
            "mailbox size limit exceeded",
            "mailbox exceeds allowed size",
            "mailbox would exceed",
            "mailfolder is full",
            "mail quota exceeded",
            "over quota",
            "overquota",
            "over the allowed quota",
            "quota exceeded",
            "quota full",
            "exceeded storage allocation",
            "exceeds its quota",
            "exceed mailbox quota",
            "disk quota exceeded",
            "account is full",
            "user is over",
            "full mailbox",
            "not enough storage space in",
            "maildir over quota",
            "quota violation",
            "recipient's mailbox is full",
            "is over its storage limit",
            "mailbox has no more space",
            "no space left in mailbox",
        ],
    ),
    (
        "mesgtoobig",
        &[
            "message too large",
            "message too big",
            "message is too large",
            "message is too big",
            "message size exceeds",
            "message exceeds maximum",
            "exceeds fixed maximum message size",
            "message length exceeds",
            "size exceeds the maximum",
            "message file too big",
            "mail size limit",
            "message size too large",
            "exceeded maximum message size",
            "larger than the current system limit",
            "exceeds size limit",
            "size limit exceeded",
            "line limit exceeded",
            "too many lines",
            "email too large",
            "message size*exceeds",
        ],
    ),
    (
        "exceedlimit",
        &[
            "message header size exceeds",
            "exceeds the maximum size allowed by the recipient",
            "message size exceeds recipient's limit",
            "per-recipient size limit",
        ],
    ),
    (
        "suspend",
        &[
            "is disabled",
            "has been disabled",
            "account disabled",
            "account is disabled",
            "account has been disabled",
            "account has been suspended",
            "account is suspended",
            "account suspended",
            "account is locked",
            "account locked",
            "account is inactive",
            "account inactive",
            "account has been deactivated",
            "account is not active",
            "mailbox disabled",
            "mailbox is disabled",
            "mailbox has been disabled",
            "mailbox suspended",
            "mailbox currently suspended",
            "recipient suspended",
            "user suspended",
            "is suspended",
            "has been suspended",
            "deactivated",
            "not an active",
            "is frozen",
            "temporarily disabled",
            "account expired",
            "service suspended",
        ],
    ),
    (
        "hasmoved",
        &[
            "has been replaced by",
            "has moved to",
            "address has changed",
            "no longer at this address",
            "moved permanently",
        ],
    ),
    (
        "norelaying",
        &[
            "relay access denied",
            "relaying denied",
            "relay denied",
            "relay not permitted",
            "relaying not permitted",
            "relaying not allowed",
            "relay not allowed",
            "not permitted to relay",
            "not allowed to relay",
            "unable to relay",
            "we do not relay",
            "does not relay",
            "no relaying",
            "relaying mail to",
            "not a gateway",
            "relay prohibited",
            "relaying prohibited",
            "cannot relay",
            "not configured to relay",
            "relay not authorized",
            "relaying to * denied",
            "insecure mail relay",
            "mail relay not",
        ],
    ),
    (
        "authfailure",
        &[
            "spf check failed",
            "spf fail",
            "spf validation",
            "failed spf",
            "sender policy framework",
            "spf) domain authentication",
            "does not pass dmarc",
            "dmarc policy",
            "dmarc verification",
            "failed dmarc",
            "dmarc check",
            "dkim signature failed",
            "dkim check failed",
            "dkim verification failed",
            "mail is unauthenticated",
            "message is not authenticated",
            "unauthenticated email",
            "not designate",
            "is not allowed by spf",
            "spf record",
            "authentication checks failed",
        ],
    ),
    (
        "userunknown",
        &[
            "not listed in",
            "user unknown",
            "unknown user",
            "no such user",
            "no such mailbox",
            "no such recipient",
            "no such address",
            "no such account",
            "no such local user",
            "no such person",
            "unknown recipient",
            "recipient unknown",
            "invalid recipient",
            "recipient not found",
            "recipient does not exist",
            "recipient not exist",
            "user not found",
            "user not known",
            "user does not exist",
            "user doesn't exist",
            "user not exist",
            "mailbox not found",
            "mailbox does not exist",
            "mailbox not present",
            "address does not exist",
            "address not found",
            "account does not exist",
            "email account that you tried to reach does not exist",
            "does not exist.",
            "not a valid mailbox",
            "is not a valid user",
            "invalid mailbox",
            "mailbox invalid",
            "mailbox unavailable",
            "mailbox is unavailable",
            "mailbox not available",
            "no mailbox",
            "unknown mailbox",
            "address unknown",
            "unknown local part",
            "unknown local-part",
            "bad destination mailbox",
            "recipient name is not recognized",
            "not a valid recipient",
            "is not a known user",
            "no account by that name",
            "address rejected: access denied",
            "unknown or illegal alias",
            "no valid recipients",
            "addressee unknown",
            "mailbox unknown",
            "invalid address",
            "user reject",
            "not a local address",
            "recipient is not local",
            "recipient not ok",
            "no one at this address",
            "no longer accepts mail",
            "unknown e-mail address",
            "unknown email address",
            "no longer valid",
            "this user doesn't have a * account",
            "user * does not exist",
            "user * was not found",
            "user * unknown",
            "mailbox * does not exist",
            "recipient * was not found",
            "non-existent user",
            "nonexistent user",
            "badrcptto",
            "validrcptto",
            "address invalid",
            "check if address is correct",
        ],
    ),
    (
        "filtered",
        &[
            "not accepting mail from",
            "is not accepting any mail",
            "due to recipient preferences",
            "recipient's preferences",
            "by user's filter",
            "due to recipient filter",
            "message filtered",
            "rejected by recipient",
            // A Japanese carrier's (au/EZweb) notice for a refusal by the recipient's own
            // reception settings: no cause is given beyond the refusal itself.
            "recipients was rejected by a remote",
            "refused by recipient",
            "blocked by the recipient",
            "mailbox is not accepting",
            "user refuses",
            "refuse to receive",
            "only accepting mail from",
            "rejected due to user rules",
            "user reject",
            "restricted sms",
        ],
    ),
    (
        "requireptr",
        &[
            "reverse dns",
            "reverse-dns",
            "reverse lookup",
            "no ptr",
            "ptr record",
            "rdns",
            "cannot find your hostname",
            "cannot find your reverse hostname",
            "no host name found for ip address",
            "cannot resolve your address",
            "unresolvable address",
            "unresolvable ip",
            "ip name lookup failed",
            "does not resolve to",
            "hostname of your server",
            "client host rejected: cannot find your",
            "not match your ip",
            "cannot resolve your host",
        ],
    ),
    (
        "notcompliantrfc",
        &[
            "rfc 5322",
            "rfc5322",
            "rfc 2822",
            "rfc2822",
            "not rfc compliant",
            "not compliant with rfc",
            "duplicate header",
            "multiple from",
            "multiple addresses in from",
            "rfc 822",
        ],
    ),
    (
        "badreputation",
        &[
            "poor reputation",
            "bad reputation",
            "low reputation",
            "reputation of",
            "sender reputation",
            "ip reputation",
            "domain reputation",
        ],
    ),
    (
        "contenterror",
        &[
            "header error",
            "bad header",
            "invalid header",
            "malformed header",
            "header syntax",
            "message format",
            "8-bit data",
            "8bit data",
            "illegal character",
            "invalid mime",
            "mime error",
            "improper use of 8-bit",
        ],
    ),
    (
        "rejected",
        &[
            "permission to post",
            "not a member of",
            "recipient addresses rejected",
            "not have permission to send",
            "sender address rejected",
            "sender rejected",
            "sender was rejected",
            "sender denied",
            "sender verify failed",
            "sender verification",
            "invalid sender",
            "sender is not allowed",
            "domain of sender address",
            "envelope sender",
            "bad sender",
            "unknown sender",
            "sender blocked",
            "sender address has been blacklisted",
            "sender is in my black list",
            "sender is spammer",
            "sender not pre-approved",
            "sender domain is empty",
            "unroutable sender",
            "unrouteable sender",
            "address verification failed",
            "your email address has been blacklisted",
            "purported responsible address",
            "null sender is not allowed",
            "empty envelope sender",
            "not allowed to post",
            "not authorized to post",
            "only members can post",
            "only accepts mail from members",
            "you are not allowed to send to this list",
            "returned mail not accepted",
            "does not accept mail from",
            "mail from not owned by user",
            "email address is not verified",
            "batv",
            "administrative prohibition",
            "address rejected",
            "bogus mail from",
            "fully qualified email address required",
        ],
    ),
    (
        "hostunknown",
        &[
            "host unknown",
            "unknown host",
            "host or domain name not found",
            "no such domain",
            "unknown domain",
            "domain does not exist",
            "domain must exist",
            "domain is not reachable",
            "name or service not known",
            "nonexistent domain",
            "non-existent domain",
            "unroutable domain",
            "domain is not valid",
            "not a valid domain",
            "unrouteable address",
            "unroutable address",
            "domain may not exist",
            "mail domain * is unknown",
            "domain name not registered",
        ],
    ),
    (
        "spamdetected",
        &[
            "spam detected",
            "detected as spam",
            "classified as spam",
            "considered spam",
            "considered as spam",
            "considered to be spam",
            "identified as spam",
            "rejected as spam",
            "scored as spam",
            "looks like spam",
            "message is spam",
            "probable spam",
            "likely spam",
            "spam message",
            "spam content",
            "spam score",
            "spamassassin",
            "unsolicited",
            "bulk mail",
            "junk mail",
            "content filter rejection",
            "message content rejected",
            "high probability of spam",
            "detected spam",
            "spam rejected",
            "contains spam",
            "suspected spam",
            "appears to be spam",
            "spam-like",
            "marked as spam",
            "as spam",
            "spam filter",
        ],
    ),
    (
        "speeding",
        &[
            "rate limit",
            "rate-limit",
            "ratelimit",
            "sending rate",
            "exceeded the rate",
            "slow down",
            "throttl",
            "too many messages from",
            "too fast",
            "too many recipients this hour",
            "sent to too many recipients",
            "messages per hour",
            "too many emails",
        ],
    ),
    (
        "toomanyconn",
        &[
            "connection rate limit",
            "connection rate exceeded",
            "too many connections",
            "too many concurrent",
            "too many recipients",
            "too many sessions",
            "too many simultaneous",
            "connection limit",
            "too many smtp sessions",
            "too many errors",
            "maximum number of connections",
            "too many hosts",
        ],
    ),
    (
        "blocked",
        &[
            "is listed in",
            "are listed in",
            "listed in the",
            "was blocked by",
            "block list",
            "blocklist",
            "blacklist",
            "black list",
            "denylist",
            "spamhaus",
            "spamcop",
            "dnsbl",
            " rbl",
            "(rbl",
            "rbl:",
            "client host rejected",
            "client host * blocked",
            "your ip",
            "ip address * blocked",
            "ip address * listed",
            "sending ip",
            "sender ip address rejected",
            "dynamic ip",
            "dial-up",
            "dialup",
            "hosts with dynamic",
            "banned",
            "listed at",
            "listed on",
            "connection refused by",
            "refused to talk to me",
            "not accepting connections",
            "please use the smtp server of your isp",
            "use your provider",
            "my name was rejected",
            "helo command rejected",
            "go away",
            "you are not allowed to connect",
            "no access from",
            "access denied for ip",
            "blocked using",
            "blocked by",
            "is blocked",
            "ip blocked",
            "messages from * weren't sent",
            "messages from * temporarily deferred",
            "unwanted messages have been sent from",
            "service not available, closing transmission channel",
            "not allowed to send mail from",
            "your network",
            "your server requires confirmation",
            "open proxy",
            "(bl)",
            "smtp error from remote mail server after initial connection",
        ],
    ),
    (
        "virusdetected",
        &[
            "virus",
            "malware",
            "infected",
            "malicious content",
            "trojan",
            "worm found",
        ],
    ),
    (
        "policyviolation",
        &[
            "policy violation",
            "violates our",
            "violation of our",
            "content policy",
            "not permitted by policy",
            "policy reasons",
            "local policy",
            "protocol violation",
            "its content presents a potential",
            "attachment",
            "prohibited",
            "restricted",
            "policy rejection",
            "message rejected due to content",
            "delivery not authorized, message refused",
        ],
    ),
    (
        "systemerror",
        &[
            "system error",
            "server error",
            "internal error",
            "local error",
            "configuration error",
            "temporary local problem",
            "mail system error",
            "system config error",
            "requested action aborted",
            "unable to contact ldap",
            "ldap server",
            "server configuration",
            "misconfigured",
            "local configuration",
            "mail for * loops back to myself",
            "loops back to myself",
            "internal server error",
            "resources temporarily unavailable",
            "interrupted system call",
            "service unavailable",
            "unable to handle",
        ],
    ),
    (
        "networkerror",
        &[
            "network is unreachable",
            "no route to host",
            "host is unreachable",
            "host not found, try again",
            "host name lookup failure",
            "malformed or unexpected name server reply",
            "malformed name server reply",
            "dns error",
            "dns lookup",
            "dns query failed",
            "dns type",
            "temporary dns",
            "could not connect and send",
            "dns records for the destination",
            "mail loop",
            "mail forwarding loop",
            "routing loop",
            "too many hops",
            "hop count exceeded",
            "message looping",
            "unable to resolve route",
            "unrouteable mail domain",
            "lost connection",
            "connection reset",
        ],
    ),
    (
        "systemfull",
        &[
            "insufficient system storage",
            "insufficient disk space",
            "no space left on device",
            "disk full",
            "out of disk space",
            "system storage",
            "file system full",
            "mail system full",
            "not enough disk space",
        ],
    ),
    (
        "notaccept",
        &[
            "find a mail exchanger",
            "does not accept mail",
            "doesn't accept mail",
            "null mx",
            "not accept any mail",
            "accepts no mail",
            "no smtp service",
            "no mail exchanger",
            "no mx record",
            "no mx or a record",
            "does not have an mx",
            "has no mx",
        ],
    ),
    (
        "expired",
        &[
            "retry timeout exceeded",
            "requests to connect",
            "message expired",
            "delivery expired",
            "envelope expired",
            "delivery time expired",
            "queue lifetime",
            "too long in the queue",
            "in queue too long",
            "in the queue too long",
            "could not be delivered within",
            "was not delivered within",
            "could not be delivered for * days",
            "gave up",
            "giving up",
            "failing for a long time",
            "after a long failure period",
            "delivery attempts failed",
            "has been delayed",
            "delivery is delayed",
            "will be retried",
            "will retry",
            "will keep trying",
            "has not yet been delivered",
            "has not been delivered",
            "delivery to the following recipients has been delayed",
            "connection timed out",
            "message timed out",
            "server did not respond",
            "unable to deliver message after",
            "multiple retries",
            "allowed queue period",
            "could not be delivered for more than",
            "not been collected after",
            "could not find a gateway for",
            "delivery attempts will continue",
        ],
    ),
    (
        "failedstarttls",
        &[
            "starttls",
            "tls negotiation",
            "tls handshake",
            "tls required",
            "tls is required",
            "requiretls",
            "must issue a starttls",
        ],
    ),
    (
        "securityerror",
        &[
            "authentication required",
            "authentication failed",
            "must be authenticated",
            "must authenticate",
            "authentication is required",
            "not authenticated",
            "encryption required",
            "certificate",
            "insecure",
            "access denied",
            "security policy",
            "sender address is not authorized",
            "authorization required",
            "user not authorized",
        ],
    ),
    (
        "suppressed",
        &["suppression list", "on the suppression", "suppressed"],
    ),
    (
        "mailererror",
        &[
            "command not found",
            "command died",
            "mailer error",
            "exit status",
            "procmail",
            "maildrop",
            "unknown mailer error",
            "x-unix",
            "pipe to |",
            "command output:",
            "returned code",
        ],
    ),
    (
        "syntaxerror",
        &[
            "improper sequence",
            "sequence of commands",
            "syntax error",
            "command unrecognized",
            "unrecognized command",
            "bad sequence of commands",
            "command not recognized",
            "command not implemented",
            "invalid command",
        ],
    ),
    (
        "vacation",
        &[
            "out of the office",
            "out of office",
            "on vacation",
            "i am away",
            "i'm away",
            "away from my",
            "auto-reply",
            "automatic reply",
        ],
    ),
];

/// The first pass: specific causes, most specific first.
pub const FIRST_PASS: &[&str] = &[
    "mailboxfull",
    "mesgtoobig",
    "exceedlimit",
    "suspend",
    "hasmoved",
    "norelaying",
    "authfailure",
    "userunknown",
    "filtered",
    "requireptr",
    "notcompliantrfc",
    "badreputation",
    "contenterror",
    "rejected",
    "hostunknown",
    "spamdetected",
    "speeding",
    "toomanyconn",
    "blocked",
];

/// The second pass, for codes that leave the cause open.
pub const SECOND_PASS: &[&str] = &[
    "mailboxfull",
    "authfailure",
    "badreputation",
    "speeding",
    "spamdetected",
    "virusdetected",
    "policyviolation",
    "norelaying",
    "systemerror",
    "networkerror",
    "suspend",
    "contenterror",
    "systemfull",
    "notaccept",
    "expired",
    "failedstarttls",
    "securityerror",
    "suppressed",
    "mailererror",
];

/// Reasons a status code may name that still deserve a look at the wording.
const OPEN_REASONS: &[&str] = &[
    "onhold",
    "systemerror",
    "securityerror",
    "expired",
    "networkerror",
    "hostunknown",
    "userunknown",
];

/// Which families' phrases occur in one text: one bit per entry of [`FAMILIES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hits(u64);

impl Hits {
    /// Scans `lower` once against every phrase of every family.
    pub fn of(lower: &str) -> Hits {
        let index = phrase_index();
        let b = lower.as_bytes();
        let mut bits = 0u64;
        // A `*` phrase whose tail is missing after one occurrence of its head is missing after
        // every later one too: such phrases are not tried again (keeps the scan linear).
        let mut dead = 0u64;
        index.scan(b, |i, phrase, (family, wild)| {
            if bits & (1 << family) != 0 || wild.is_some_and(|w| dead & (1 << w) != 0) {
                return;
            }
            match phrase_at(lower, i, phrase) {
                Some(true) => bits |= 1 << family,
                Some(false) => {
                    if let Some(w) = wild {
                        dead |= 1 << w;
                    }
                }
                None => {}
            }
        });
        // "Recipient address rejected" and a refused client address are never about the sender.
        if let Some(f) = family_of("rejected") {
            if bits & (1 << f) != 0
                && (lower.contains("recipient address rejected")
                    || lower.contains("sender ip address rejected")
                    || lower.contains("5.1.0 address rejected"))
            {
                bits &= !(1 << f);
            }
        }
        Hits(bits)
    }

    pub fn has(self, reason: &str) -> bool {
        family_of(reason).is_some_and(|f| self.0 & (1 << f) != 0)
    }
}

/// Every family's phrases in one [`crate::text::PhraseIndex`], valued by (family, number among
/// the `*` phrases).
fn phrase_index() -> &'static crate::text::PhraseIndex<(u32, Option<u32>)> {
    static INDEX: std::sync::OnceLock<crate::text::PhraseIndex<(u32, Option<u32>)>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut all: Vec<(&'static str, (u32, Option<u32>))> = Vec::new();
        let mut wild = 0u32;
        for (f, (_, phrases)) in FAMILIES.iter().enumerate() {
            for p in phrases.iter().filter(|p| p.len() >= 2) {
                let w = p.contains('*').then(|| {
                    wild += 1;
                    wild - 1
                });
                all.push((p, (f as u32, w)));
            }
        }
        assert!(wild <= 64, "at most 64 `*` phrases");
        crate::text::PhraseIndex::new(all)
    })
}

fn family_of(reason: &str) -> Option<usize> {
    FAMILIES.iter().position(|(r, _)| *r == reason)
}

/// `phrase` starting at byte `at` of `text`; a `*` in the phrase stands for any text.
/// `Some(false)`: the head of a `*` phrase is here but its tail is nowhere after it.
/// `None`: the phrase does not start here.
fn phrase_at(text: &str, at: usize, phrase: &str) -> Option<bool> {
    let rest = &text.as_bytes()[at..];
    match phrase.split_once('*') {
        None => rest.starts_with(phrase.as_bytes()).then_some(true),
        Some((first, tail)) => {
            if !rest.starts_with(first.as_bytes()) {
                return None;
            }
            let after = text.get(at + first.len()..).unwrap_or("");
            Some(contains_phrase(after, tail))
        }
    }
}

/// Whether `lower` holds one of `reason`'s phrases.
pub fn includes(reason: &str, lower: &str) -> bool {
    !lower.is_empty() && Hits::of(lower).has(reason)
}

/// `phrase` in `text`, where `*` in the phrase stands for any (possibly empty) text.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    if !phrase.contains('*') {
        return text.contains(phrase);
    }
    let mut rest = text;
    for part in phrase.split('*') {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The reason whose phrases first match `lower`, over the whole vocabulary: used for text that
/// comes with no code and no command (an auto-reply's body, the prose of a paste).
pub fn by_phrase(lower: &str) -> Option<&'static str> {
    let hits = Hits::of(lower);
    FIRST_PASS
        .iter()
        .chain(SECOND_PASS)
        .find(|r| hits.has(r))
        .copied()
}

/// What an enhanced status code means by itself (RFC 3463 and its registry), in this
/// vocabulary. `None` for codes that name no cause (`X.0.0`, `4.3.0`, `4.7.0`…).
pub fn status_reason(st: EnhancedStatus) -> Option<&'static str> {
    let temp = st.class == 4;
    Some(match (st.subject, st.detail) {
        _ if st.class == 2 => "delivered",
        (1, 0) | (1, 1) | (1, 3) if !temp => "userunknown",
        (1, 2) if !temp => "hostunknown",
        (1, 4) if !temp => "filtered",
        (1, 6) => "hasmoved",
        (1, 7) | (1, 8) => "rejected",
        (1, 9) => "systemerror",
        (1, 10) => "notaccept",
        // A disabled mailbox: refused for now (4.2.1 usually throttles), or for good.
        (2, 1) if temp => "blocked",
        (2, 0) | (2, 1) | (2, 4) => "filtered",
        (2, 2) => "mailboxfull",
        (2, 3) => "exceedlimit",
        (3, 0) if !temp => "systemerror",
        (3, 1) => "systemfull",
        (3, 2) => "notaccept",
        (3, 3) | (3, 5) => "systemerror",
        (3, 4) => "mesgtoobig",
        (4, 0) if !temp => "networkerror",
        (4, 1) | (4, 7) if temp => "expired",
        (4, 2) | (4, 4) | (4, 6) | (4, 8) if temp => "networkerror",
        (4, 3) => "systemerror",
        (4, 4) => "hostunknown",
        (4, 5) => "systemfull",
        (5, 2) | (5, 6) if !temp => "syntaxerror",
        (5, 3) if temp => "systemerror",
        (5, 3) => "toomanyconn",
        (5, 4) | (5, 5) => "systemerror",
        (6, 0) | (6, 1) | (6, 2) | (6, 3) | (6, 5) | (6, 6) | (6, 7) | (6, 8) | (6, 9) => {
            "contenterror"
        }
        (7, 1) | (7, 2) if temp => "blocked",
        (7, 0) if temp => return None,
        (7, 0..=12) | (7, 14) | (7, 15) | (7, 19) => "securityerror",
        (7, 13) => "suspend",
        (7, 16) => "mesgtoobig",
        (7, 17) | (7, 18) => "hasmoved",
        (7, 20..=24) | (7, 26) | (7, 29) => "authfailure",
        (7, 25) => "requireptr",
        (7, 27) => "notaccept",
        (7, 28) => "spamdetected",
        (7, 30) => "failedstarttls",
        _ => return None,
    })
}

/// Wordings of a failed recipient directory look-up.
const DIRECTORY_MISS: &[&str] = &[
    "recipient name is not recognized",
    "check if address is correct",
    "check that the address is correct",
    "not listed in public name & address book",
    "not listed in the address book",
    "not listed in domino directory",
    "not found in directory",
    "not present in directory",
    // qmail-local's own refusal for a missing local mailbox: a recipient look-up by
    // definition (qmail-local runs only for a recipient of this host).
    "no mailbox here by that name",
];

/// Commands sent before the message itself: a refusal there cannot be about its content.
fn before_data(command: &str) -> bool {
    matches!(
        command,
        "CONN" | "EHLO" | "HELO" | "MAIL" | "RCPT" | "STARTTLS"
    )
}

/// Whether the first-pass cause `reason` is confirmed by the evidence.
fn probe(reason: &str, e: &Evidence, h: Hits, named: Option<&'static str>) -> bool {
    let d = e.diagnostic;
    match reason {
        // The code alone is enough for these.
        "mailboxfull" | "mesgtoobig" | "exceedlimit" | "hasmoved" | "authfailure"
        | "requireptr" | "spamdetected" | "toomanyconn" | "blocked"
            if named == Some(reason) =>
        {
            true
        }
        // Directory look-ups (Exchange's "recipient name is not recognized", a Notes address
        // book) only ever answer for a recipient: no command needs to be named.
        "userunknown" if DIRECTORY_MISS.iter().any(|p| d.contains(p)) => true,
        "userunknown" => {
            if named == Some("userunknown") {
                // 5.1.1 says "no such user" unless the words say the refusal was about
                // something else (relaying, a block, a full box, the sender…).
                ![
                    "norelaying",
                    "blocked",
                    "mailboxfull",
                    "hasmoved",
                    "rejected",
                    "notaccept",
                ]
                .iter()
                .any(|r| h.has(r))
            } else {
                e.command == "RCPT" && h.has("userunknown")
            }
        }
        "filtered" => {
            if named == Some("suspend") {
                false
            } else if named == Some("filtered") {
                h.has("userunknown") || h.has("filtered")
            } else {
                !before_data(e.command) && (h.has("filtered") || h.has("userunknown"))
            }
        }
        "rejected" => {
            if named == Some("rejected") {
                return true;
            }
            let open = named.is_none_or(|n| matches!(n, "securityerror" | "systemerror"));
            let applies = match e.command {
                "MAIL" => true,
                "DATA" => named != Some("userunknown"),
                _ => open,
            };
            applies && h.has("rejected")
        }
        // A destination with no mail exchanger at all accepts no mail (RFC 7505 spirit): that
        // is notaccept even under a 5.4.4 code.
        "hostunknown" if h.has("notaccept") => false,
        "hostunknown" => {
            if named == Some("hostunknown") {
                !h.has("networkerror")
            } else {
                h.has("hostunknown")
            }
        }
        // A per-recipient size limit (5.2.3) is exceedlimit even when worded as "too large".
        "mesgtoobig" if named == Some("exceedlimit") => false,
        // Connection-rate limits are about concurrency, not the sending rate.
        "speeding" if d.contains("connection rate") => false,
        "norelaying" => {
            // Relay refusals answer RCPT; other stages mention relays in passing.
            !matches!(e.command, "CONN" | "EHLO" | "HELO" | "DATA") && h.has("norelaying")
        }
        _ => h.has(reason),
    }
}

/// The reason for one recipient, or `None` when nothing points anywhere (the caller then says
/// `onhold` or `undefined`).
pub fn decide(e: &Evidence) -> Option<&'static str> {
    if matches!(e.action, "delivered" | "relayed" | "expanded")
        || e.status.is_some_and(|s| s.class == 2)
    {
        return Some("delivered");
    }
    let named = e.status.and_then(status_reason);
    let h = Hits::of(e.diagnostic);
    // Local delivery programs (`X-Unix`) speak no SMTP: their words are read by the fallbacks.
    let local = e.diagnostic_type.starts_with("x-unix");
    if !local {
        if let Some(r) = FIRST_PASS.iter().find(|r| probe(r, e, h, named)) {
            return Some(r);
        }
    }
    let open = named.is_none_or(|n| OPEN_REASONS.contains(&n));
    if open || local {
        if let Some(r) = SECOND_PASS.iter().find(|r| h.has(r)) {
            // A local delivery program that failed is a mailer error, whatever it calls it.
            if local && matches!(*r, "systemerror" | "networkerror" | "expired") {
                return Some("mailererror");
            }
            return Some(r);
        }
        if let Some(n) = named {
            return Some(n);
        }
        if let Some(st) = e.status {
            match st.subject {
                6 => return Some("contenterror"),
                7 => return Some("securityerror"),
                _ => {}
            }
        }
        if e.diagnostic_type.starts_with("x-unix") {
            return Some("mailererror");
        }
        if h.has("syntaxerror") {
            return Some("syntaxerror");
        }
        if matches!(e.action, "delayed" | "expired") {
            return Some("expired");
        }
        if matches!(e.command, "EHLO" | "HELO") {
            return Some("blocked");
        }
        return None;
    }
    named
}

/// Hard bounces: the reasons that table marks `hard_by_default` (and `notaccept` when
/// permanent). A temporary status is never hard.
pub fn is_hard(reason: &str, permanent: bool) -> bool {
    if !permanent && reason == "notaccept" {
        return false;
    }
    match crate::tables::BOUNCE_REASONS
        .iter()
        .find(|r| r[0] == reason)
    {
        Some(r) => r[3] == "yes" || r[3] == "depends",
        None => false,
    }
}

/// Sisimai's stand-in status for a bounce that carries no code (`5.0.911` for an unknown user),
/// read from the reasons table, so stored statuses stay comparable.
pub fn pseudo_status(reason: &str, permanent: bool) -> Option<&'static str> {
    let row = crate::tables::BOUNCE_REASONS
        .iter()
        .find(|r| r[0] == reason)?;
    let want = if permanent { '5' } else { '4' };
    let mut codes = row[4].split(',').map(str::trim).filter(|c| !c.is_empty());
    let all: Vec<&'static str> = codes.by_ref().collect();
    all.iter()
        .find(|c| c.starts_with(want))
        .or(all.first())
        .copied()
}

/// Whose side must act for a reason. `remote_refused` says the refusal came from a remote
/// server named in the bounce (not the sender's own server).
pub fn side(reason: &str, remote_refused: bool) -> &'static str {
    match reason {
        "userunknown" | "mailboxfull" | "hasmoved" | "suspend" | "filtered" | "exceedlimit"
        | "systemfull" | "systemerror" | "mailererror" | "notaccept" | "hostunknown" => {
            "recipient_server"
        }
        // A relay refusal from the sender's own server means the client did not authenticate
        // (or used the wrong server); from the recipient's MX it means that MX does not
        // consider the domain its own.
        "norelaying" if remote_refused => "recipient_server",
        "norelaying" | "rejected" | "authfailure" | "requireptr" | "blocked" | "badreputation"
        | "speeding" | "toomanyconn" | "spamdetected" | "virusdetected" | "policyviolation"
        | "contenterror" | "mesgtoobig" | "notcompliantrfc" | "securityerror"
        | "failedstarttls" | "syntaxerror" | "suppressed" => "sender_server",
        "networkerror" | "expired" => "network",
        _ => "unknown",
    }
}

// Rule log (why the non-obvious rules exist):
// - userunknown needs RCPT or a 5.1.x code: the same "user unknown" words after DATA come from
//   a content or recipient filter that runs once the message is in (Sisimai's `filtered`).
// - filtered never applies before DATA unless the code is 5.2.x: a refusal at RCPT cannot have
//   seen the message.
// - rejected (sender address) is read at MAIL and DATA, and at RCPT only when the code does not
//   already name the recipient; "recipient address rejected" is never the sender's fault.
// - hostunknown yields to networkerror wording with a 5.4.4 code: a DNS lookup that failed is
//   not proof the domain does not exist; temporary DNS errors (4.x) are networkerror.
// - "connection timed out" is expired, not networkerror: the sending side retried until the
//   queue lifetime ran out, which is what the bounce reports.
// - 4.2.1 and 4.7.1 are blocks (throttling or a listed client), 5.2.1 is a disabled mailbox.
// - a code that names a cause outside OPEN_REASONS settles the reason when no specific
//   wording did (5.3.4 is mesgtoobig whatever else the words say).
// - directory-miss wordings (DIRECTORY_MISS) are userunknown at any stage: only a recipient
//   look-up produces them.
// - X-Unix (local delivery program) failures are mailererror even when worded as a system or
//   network error: the program, not the mail system, failed.
// - 5.2.3 is exceedlimit even when worded "message too large"; "connection rate limit" is
//   toomanyconn, not speeding; a destination with no mail exchanger is notaccept, not
//   hostunknown, even under 5.4.4.
// - "unknown address" is not an unknown-user wording: Amazon SES labels every refusal it
//   relays "Unknown address error" before quoting the real reply (5.7.1 "Access denied"…).
// - qmail-local's "no mailbox here by that name" is userunknown at any stage (DIRECTORY_MISS).
// - a Japanese carrier's bare refusal ("recipients was rejected by a remote mail server", no
//   cause) is the recipient's reception filter: filtered.
// Rules in bounce/mod.rs and bounce/plain.rs that feed this decision:
// - OpenSMTPD's notice (its fixed opening) is read instead of its DSN part, which carries only
//   the queue state (4.4.7 for every delay), so its codeless errors get pseudo codes;
// - "this is only a temporary failure report" (a delay notice describing itself) does not make
//   a codeless failure temporary; the recipient's words, reply class or a 4.x.x code do;
// - a relay refusal by a host under the sender's domain (its own smart host) and not the
//   recipient's is side sender_server; by any other remote host, recipient_server;
// - qmail's "does not like recipient/sender", "failed after I sent the message" and dma's
//   "did not like our RCPT TO/MAIL FROM/DATA" name the command;
// - a complete DSN group (Status present) with a 5xx SMTP diagnostic and no named stage
//   answers RCPT, except under 5.7.x (policy decisions are taken after DATA as often);
// - "Recipient address rejected" names RCPT when no transcript says otherwise;
// - the status is the DSN field unless the diagnostic's code is more specific (X.0.0 and
//   X.Y.0 fields, the catch-alls 4.4.7, 4.7.0, 5.3.x, X.5.x); a code written after a reply
//   code is the answering server's own; an expiry code wrapping a real attempt's code yields;
// - with no code, the failure is temporary only when the words say so (temporary,
//   persistent, retries);
// - vendor codes (bounce/vendor.rs) decide before all of this;
// - an auto-reply announcing that the mailbox is out of use is suspend, not vacation.

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> Option<EnhancedStatus> {
        EnhancedStatus::parse(s)
    }

    fn ev<'a>(status: &str, diag: &'a str, command: &'a str) -> Evidence<'a> {
        Evidence {
            status: st(status),
            diagnostic: diag,
            command,
            ..Evidence::default()
        }
    }

    #[test]
    fn every_family_is_in_the_vocabulary_and_lowercase() {
        let known: Vec<&str> = crate::tables::BOUNCE_REASONS.iter().map(|r| r[0]).collect();
        for (r, phrases) in FAMILIES {
            assert!(known.contains(r), "{r}");
            for p in *phrases {
                assert_eq!(*p, p.to_ascii_lowercase(), "{p}");
            }
        }
        for r in FIRST_PASS.iter().chain(SECOND_PASS) {
            assert!(known.contains(r), "{r}");
        }
    }

    #[test]
    fn specific_wording_wins_over_generic() {
        assert_eq!(
            decide(&ev("4.4.7", "mailbox is full: retry timeout exceeded", "")),
            Some("mailboxfull")
        );
        assert_eq!(
            decide(&ev("5.7.1", "relay access denied", "RCPT")),
            Some("norelaying")
        );
        assert_eq!(decide(&ev("", "nothing to see", "")), None);
    }

    #[test]
    fn unknown_user_depends_on_the_command() {
        assert_eq!(
            decide(&ev("5.0.0", "550 user unknown", "RCPT")),
            Some("userunknown")
        );
        assert_eq!(
            decide(&ev("5.0.0", "550 user unknown", "DATA")),
            Some("filtered")
        );
        assert_eq!(decide(&ev("", "550 no such user", "")), Some("filtered"));
        assert_eq!(
            decide(&ev("5.1.1", "550 5.1.1 no such user", "")),
            Some("userunknown")
        );
        assert_eq!(
            decide(&ev("5.1.1", "550 5.1.1 mailbox full", "")),
            Some("mailboxfull")
        );
    }

    #[test]
    fn wildcard_phrases() {
        assert!(contains_phrase(
            "user kim@example.org unknown",
            "user * unknown"
        ));
        assert!(!contains_phrase("unknown user kim", "user * unknown"));
    }

    #[test]
    fn codes_and_pseudo_codes() {
        assert_eq!(status_reason(st("5.1.1").unwrap()), Some("userunknown"));
        assert_eq!(status_reason(st("4.2.2").unwrap()), Some("mailboxfull"));
        assert_eq!(decide(&ev("5.3.4", "rejected", "DATA")), Some("mesgtoobig"));
        assert_eq!(decide(&ev("4.4.1", "", "")), Some("expired"));
        assert_eq!(pseudo_status("userunknown", true), Some("5.0.911"));
        assert_eq!(pseudo_status("mailboxfull", false), Some("4.0.922"));
        assert!(is_hard("userunknown", true) && !is_hard("notaccept", false));
        assert!(!is_hard("mailboxfull", true));
    }
}
