//! Why a recipient failed, in Sisimai's vocabulary (kb/data/bounce-reasons.tsv).
//!
//! Three sources, in this order of trust:
//! 1. status codes that name one cause only (`5.2.2` is a full mailbox whatever the words say);
//! 2. the wording of the diagnostic, read against ordered phrase tables (lowercase substring
//!    scans, no regex: this runs on every bounce in bulk). The first table that matches wins,
//!    so more specific causes come first ("mailbox full: retry timeout exceeded" is a full
//!    mailbox, not an expiry);
//! 3. the remaining status codes, then the SMTP command that failed.

use crate::smtp::reply::EnhancedStatus;

/// Ordered phrase tables: (reason, phrases). All phrases lowercase.
static PHRASES: &[(&str, &[&str])] = &[
    (
        "mailboxfull",
        &[
            "mailbox full",
            "mailbox is full",
            "mailbox is over quota",
            "mailbox over quota",
            "mail box full",
            "mailbox has exceeded",
            "mailbox size limit exceeded",
            "mailbox exceeds allowed size",
            "mailfolder is full",
            "mail quota exceeded",
            "over quota",
            "overquota",
            "over the allowed quota",
            "quota exceeded",
            "quota full",
            "exceeded storage allocation",
            "exceeds its quota",
            "would exceed mailbox quota",
            "disk quota exceeded",
            "account is full",
            "user is over",
            "full mailbox",
            "out of storage space",
            "insufficient storage space for",
            "not enough storage space",
            "maildir over quota",
            "has exceeded the max emails per hour",
            "quota violation",
        ],
    ),
    (
        "exceedlimit",
        &[
            "message header size exceeds",
            "exceeds the maximum size allowed by the recipient",
            "message size exceeds recipient's limit",
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
        ],
    ),
    (
        "virusdetected",
        &["virus", "malware", "infected", "malicious content"],
    ),
    (
        "authfailure",
        &[
            "spf check failed",
            "spf fail",
            "spf validation",
            "failed spf",
            "sender policy framework",
            "does not pass dmarc",
            "dmarc policy",
            "dmarc verification",
            "failed dmarc",
            "dmarc check",
            "dkim signature failed",
            "dkim check failed",
            "mail is unauthenticated",
            "message is not authenticated",
            "not designate",
            "is not allowed by spf",
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
            "relay attempt",
            "cannot relay",
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
            "looks like spam",
            "message is spam",
            "probable spam",
            "likely spam",
            "spam message",
            "spam content",
            "spam score",
            "spam filter",
            "spamassassin",
            "unsolicited",
            "bulk mail",
            "junk mail",
            "content filter rejection",
            "message content rejected",
            "blocked by spam",
            "high probability of spam",
            "detected spam",
            "spam rejected",
            "contains spam",
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
        ],
    ),
    (
        "toomanyconn",
        &[
            "too many connections",
            "too many concurrent",
            "too many recipients",
            "too many sessions",
            "too many simultaneous",
            "connection limit",
            "too many smtp sessions",
            "too many errors",
            "maximum number of connections",
        ],
    ),
    (
        "suspend",
        &[
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
            "mailbox is inactive",
            "mailbox has been disabled",
            "mailbox suspended",
            "recipient suspended",
            "user suspended",
            "is suspended",
            "has been suspended",
            "deactivated",
            "is disabled",
            "not an active",
            "is frozen",
        ],
    ),
    (
        "hasmoved",
        &[
            "has been replaced by",
            "has moved to",
            "address has changed",
            "no longer at this address",
        ],
    ),
    (
        "hostunknown",
        &[
            "host unknown",
            "unknown host",
            "host not found",
            "domain not found",
            "no such domain",
            "unknown domain",
            "domain does not exist",
            "domain name not found",
            "host or domain name not found",
            "name or service not known",
            "unrouteable mail domain",
            "non-existent hosts",
            "nonexistent domain",
            "nxdomain",
            "unroutable domain",
            "domain is not valid",
            "no route to domain",
            "not a valid domain",
        ],
    ),
    (
        "userunknown",
        &[
            "user unknown",
            "unknown user",
            "no such user",
            "no such mailbox",
            "no such recipient",
            "no such address",
            "no such account",
            "no such local user",
            "unknown recipient",
            "recipient unknown",
            "invalid recipient",
            "recipient not found",
            "user not found",
            "mailbox not found",
            "address not found",
            "does not exist",
            "doesn't exist",
            "doesn't have a",
            "not a valid mailbox",
            "invalid mailbox",
            "mailbox unavailable",
            "mailbox not available",
            "no mailbox",
            "unknown address",
            "address unknown",
            "unknown local part",
            "unknown local-part",
            "unrouteable address",
            "bad destination mailbox",
            "recipient name is not recognized",
            "not a valid recipient",
            "is not a known user",
            "not our customer",
            "no account by that name",
            "account does not exist",
            "address rejected: access denied",
            "undeliverable address",
            "unknown or illegal alias",
            "address is not valid",
            "no valid recipients",
            "user doesn't exist",
            "addressee unknown",
            "mailbox unknown",
            "not listed in",
            "invalid address",
            "user reject",
        ],
    ),
    (
        "rejected",
        &[
            "sender address rejected",
            "sender rejected",
            "sender denied",
            "sender verify failed",
            "sender verification",
            "invalid sender",
            "sender is not allowed",
            "sender domain",
            "domain of sender address",
            "envelope sender",
            "bad sender",
            "unknown sender",
            "sender blocked",
            "address verification failed",
            "your email address has been blacklisted",
            "mail from",
            "return path",
            "from address",
        ],
    ),
    (
        "blocked",
        &[
            "blocked",
            "block list",
            "blocklist",
            "blacklist",
            "black list",
            "denylist",
            "spamhaus",
            "spamcop",
            "dnsbl",
            "rbl",
            "client host rejected",
            "your ip",
            "your host",
            "ip address",
            "dynamic ip",
            "dial-up",
            "dialup",
            "banned",
            "listed at",
            "listed on",
            "not allowed to send",
            "access denied",
            "connection refused by",
            "refused to talk to me",
        ],
    ),
    (
        "filtered",
        &[
            "not accepting mail from",
            "recipient's preferences",
            "by user's filter",
            "due to recipient filter",
            "rejected by recipient",
            "refused by recipient",
            "blocked by the recipient",
            "delivery not authorized",
            "mailbox is not accepting",
            "permission denied",
        ],
    ),
    (
        "policyviolation",
        &[
            "policy violation",
            "violates our",
            "violation of our",
            "content policy",
            "prohibited",
            "not permitted by policy",
            "policy reasons",
            "local policy",
            "attachment",
            "restricted",
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
        ],
    ),
    (
        "notaccept",
        &[
            "does not accept mail",
            "doesn't accept mail",
            "null mx",
            "not accept any mail",
            "accepts no mail",
        ],
    ),
    (
        "systemfull",
        &[
            "insufficient system storage",
            "no space left",
            "disk full",
            "out of disk space",
            "system storage",
            "file system full",
        ],
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
            "service unavailable (in reply to end of data",
            "x-unix",
            "pipe to |",
        ],
    ),
    (
        "contenterror",
        &[
            "header error",
            "bad header",
            "invalid header",
            "malformed header",
            "message format",
            "8-bit data",
            "8bit data",
            "line too long",
            "illegal character",
            "invalid mime",
            "mime error",
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
            "duplicate header",
            "multiple from",
        ],
    ),
    (
        "syntaxerror",
        &[
            "syntax error",
            "command unrecognized",
            "unrecognized command",
            "bad sequence of commands",
            "command not recognized",
        ],
    ),
    (
        "networkerror",
        &[
            "network is unreachable",
            "no route to host",
            "connection refused",
            "connection reset",
            "connection timed out",
            "lost connection",
            "could not connect",
            "unable to connect",
            "couldn't connect",
            "mail loop",
            "loops back to myself",
            "routing loop",
            "too many hops",
            "hop count exceeded",
            "name server",
            "dns lookup",
            "dns error",
            "temporary dns",
            "timeout",
            "timed out",
            "unreachable",
            "malformed or unexpected name server reply",
        ],
    ),
    (
        "expired",
        &[
            "retry timeout exceeded",
            "message expired",
            "delivery time expired",
            "queue lifetime",
            "too long in the queue",
            "in queue too long",
            "in the queue too long",
            "could not be delivered within",
            "was not delivered within",
            "gave up",
            "giving up",
            "delivery attempts failed",
            "has been delayed",
            "delivery is delayed",
            "will be retried",
            "will retry",
            "will keep trying",
            "retry time not reached",
            "has not yet been delivered",
            "delivery to the following recipients has been delayed",
            "deferred",
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
            "temporary failure",
            "requested action aborted",
            "try again later",
            "service unavailable",
        ],
    ),
];

/// The reason whose phrases first match `lower` (lowercased text), by table order.
pub fn by_phrase(lower: &str) -> Option<&'static str> {
    if lower.is_empty() {
        return None;
    }
    PHRASES
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|p| lower.contains(p)))
        .map(|(r, _)| *r)
}

/// Status codes that name one cause whatever the words say.
pub fn decisive(st: EnhancedStatus) -> Option<&'static str> {
    Some(match (st.subject, st.detail) {
        (2, 2) => "mailboxfull",
        (2, 3) => "exceedlimit",
        (3, 4) => "mesgtoobig",
        (1, 6) | (7, 17) | (7, 18) => "hasmoved",
        (1, 7) | (1, 8) => "rejected",
        (1, 10) | (7, 27) => "notaccept",
        (7, 20..=24) | (7, 26) | (7, 29) => "authfailure",
        (7, 25) => "requireptr",
        (7, 13) => "suspend",
        (7, 9) => "policyviolation",
        (7, 16) => "mesgtoobig",
        (4, 7) => "expired",
        (3, 1) | (4, 5) => "systemfull",
        (5, 3) => "toomanyconn",
        _ => return None,
    })
}

/// What a status code suggests when the words say nothing recognisable.
pub fn by_status(st: EnhancedStatus) -> Option<&'static str> {
    if let Some(r) = decisive(st) {
        return Some(r);
    }
    Some(match (st.subject, st.detail) {
        (1, 1) | (1, 0) | (1, 3) => "userunknown",
        (1, 2) => "hostunknown",
        (1, 4) => "filtered",
        (1, 9) => "systemerror",
        (2, 0) | (2, 4) => "filtered",
        (2, 1) => "suspend",
        (3, 0) | (3, 3) | (3, 5) => "systemerror",
        (3, 2) => "notaccept",
        (4, 1) => "expired",
        (4, 4) if st.class == 5 => "hostunknown",
        (4, 0) | (4, 2) | (4, 4) | (4, 6) => "networkerror",
        (4, 3) => "systemerror",
        (5, 2) | (5, 6) | (5, 0) | (5, 1) | (5, 5) | (5, 4) => "syntaxerror",
        (6, _) => "contenterror",
        (7, 5..=8) | (7, 12) => "securityerror",
        (7, 10) | (7, 11) | (7, 30) => "failedstarttls",
        (7, 28) => "blocked",
        _ => return None,
    })
}

/// Hard bounces: the reasons that table marks `hard_by_default` (and `notaccept` when
/// permanent). A temporary status is never hard.
pub fn is_hard(reason: &str, permanent: bool) -> bool {
    if !permanent {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn st(s: &str) -> EnhancedStatus {
        EnhancedStatus::parse(s).unwrap()
    }

    #[test]
    fn every_reason_in_the_tables_is_in_the_vocabulary() {
        let known: Vec<&str> = crate::tables::BOUNCE_REASONS.iter().map(|r| r[0]).collect();
        for (r, phrases) in PHRASES {
            assert!(known.contains(r), "{r}");
            for p in *phrases {
                assert_eq!(*p, p.to_ascii_lowercase(), "{p}");
            }
        }
    }

    #[test]
    fn specific_wording_wins_over_generic() {
        assert_eq!(
            by_phrase("mailbox is full: retry timeout exceeded"),
            Some("mailboxfull")
        );
        assert_eq!(by_phrase("relay access denied"), Some("norelaying"));
        assert_eq!(by_phrase("nothing to see"), None);
    }

    #[test]
    fn statuses_and_pseudo_statuses() {
        assert_eq!(by_status(st("5.1.1")), Some("userunknown"));
        assert_eq!(decisive(st("4.2.2")), Some("mailboxfull"));
        assert_eq!(by_status(st("5.7.1")), None);
        assert_eq!(pseudo_status("userunknown", true), Some("5.0.911"));
        assert_eq!(pseudo_status("mailboxfull", false), Some("4.0.922"));
        assert!(is_hard("userunknown", true) && !is_hard("userunknown", false));
        assert!(!is_hard("mailboxfull", true));
    }
}
