use super::*;
use crate::text::slice;

fn one(line: &str) -> LogEvent {
    let (mut evs, notes) = parse(line, 0);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(evs.len(), 1, "expected one event from {line:?}");
    evs.remove(0)
}

fn st(s: &str) -> Option<EnhancedStatus> {
    EnhancedStatus::parse(s)
}

#[test]
fn postfix_relay_reject_with_every_field() {
    let l = "Jul 18 08:25:19 mx1 postfix/submission/smtpd[29282]: NOQUEUE: reject: RCPT from laptop.example.net[192.0.2.44]: 554 5.7.1 <kim@example.org>: Relay access denied; from=<ann@example.net> to=<kim@example.org> proto=ESMTP helo=<LAPTOP>";
    let e = one(l);
    assert_eq!(e.timestamp.as_deref(), Some("Jul 18 08:25:19"));
    assert_eq!(e.host.as_deref(), Some("mx1"));
    assert_eq!(e.program, "postfix/submission/smtpd");
    assert_eq!(e.pid, Some(29282));
    assert_eq!(
        (e.process.as_deref(), e.service.as_deref()),
        (Some("smtpd"), Some("submission"))
    );
    assert_eq!(e.kind, EventKind::Reject);
    assert_eq!(e.queue_id.as_deref(), Some("NOQUEUE"));
    assert_eq!(e.stage.as_deref(), Some("RCPT"));
    assert_eq!(e.client_host.as_deref(), Some("laptop.example.net"));
    assert_eq!(e.client_ip.as_deref(), Some("192.0.2.44"));
    assert_eq!(e.reply_code, Some(554));
    assert_eq!(e.status, st("5.7.1"));
    assert_eq!(
        e.reply_text.as_deref(),
        Some("<kim@example.org>: Relay access denied")
    );
    assert_eq!(
        slice(l, e.reply_span.unwrap()),
        "554 5.7.1 <kim@example.org>: Relay access denied"
    );
    assert_eq!(e.from.as_deref(), Some("ann@example.net"));
    assert_eq!(e.to.as_deref(), Some("kim@example.org"));
    assert_eq!(e.helo.as_deref(), Some("LAPTOP"));
    assert_eq!(slice(l, e.field_span("to").unwrap()), "kim@example.org");
    assert_eq!(slice(l, e.field_span("client").unwrap()), "192.0.2.44");
    let f = e.failure().unwrap();
    assert_eq!(f.source, Some(SegmentKind::MailLog));
    assert_eq!(f.recipient.as_deref(), Some("kim@example.org"));
    assert_eq!(f.sender.as_deref(), Some("ann@example.net"));
    assert_eq!(f.client_ip.as_deref(), Some("192.0.2.44"));
    assert_eq!(f.service.as_deref(), Some("submission"));
    assert_eq!(f.stage.as_deref(), Some("RCPT"));
    assert_eq!(f.status.as_deref(), Some("5.7.1"));
    assert_eq!(f.reporter.as_deref(), Some("postfix/submission/smtpd"));
}

#[test]
fn rfc3339_journald_and_bare_prefixes() {
    let text = "-- Logs begin at Sun 2026-03-01 09:00:00 UTC. --\n\
2026-03-01T10:00:00.123456+00:00 mx1 postfix/smtpd[7]: connect from unknown[198.51.100.9]\n\
-- Boot 0123456789abcdef --\n\
postfix-out/smtp[99]: 4F1A2B3C4D: to=<bo@example.org>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[203.0.113.5]:25: Connection timed out)\n\
Mar  1 10:00:02 mx1 kernel: [  1.0] something unrelated\n\
just some prose: with a colon\n";
    let (evs, notes) = parse(text, 0);
    assert!(notes.is_empty());
    assert_eq!(evs.len(), 2, "{evs:#?}");
    assert_eq!(
        evs[0].timestamp.as_deref(),
        Some("2026-03-01T10:00:00.123456+00:00")
    );
    assert_eq!(evs[0].kind, EventKind::Connect);
    assert_eq!(evs[0].service.as_deref(), Some("smtp"));
    let d = &evs[1];
    assert_eq!(d.instance.as_deref(), Some("postfix-out"));
    assert_eq!(d.kind, EventKind::Delivery);
    assert_eq!(d.delivery, Some(DeliveryStatus::Deferred));
    assert_eq!(d.queue_id.as_deref(), Some("4F1A2B3C4D"));
    assert_eq!(d.status, st("4.4.1"));
    assert_eq!(
        d.reply_text.as_deref(),
        Some("connect to mx.example.org[203.0.113.5]:25: Connection timed out")
    );
    let f = d.failure().unwrap();
    assert_eq!(f.recipient.as_deref(), Some("bo@example.org"));
    assert_eq!(f.status.as_deref(), Some("4.4.1"));
}

#[test]
fn postfix_bounce_keeps_remote_reply_and_stage() {
    let l = "Feb  3 11:00:00 mx1 postfix/smtp[812]: 9ABCDEF012: to=<nobody@example.org>, relay=mx.example.org[203.0.113.5]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.org[203.0.113.5] said: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))";
    let e = one(l);
    assert_eq!(e.delivery, Some(DeliveryStatus::Bounced));
    assert_eq!(e.relay.as_deref(), Some("mx.example.org[203.0.113.5]:25"));
    assert_eq!(e.reply_code, Some(550));
    assert_eq!(e.status, st("5.1.1"));
    assert_eq!(e.stage.as_deref(), Some("RCPT"));
    assert!(slice(l, e.reply_span.unwrap()).ends_with("virtual mailbox table"));
    let sent = one("Feb  3 11:00:01 mx1 postfix/lmtp[813]: 0123ABCDEF: to=<a@example.net>, relay=mail.example.net[private/dovecot-lmtp], delay=0.1, dsn=2.0.0, status=sent (250 2.0.0 <a@example.net> Saved)");
    assert_eq!(sent.delivery, Some(DeliveryStatus::Sent));
    assert!(sent.failure().is_none());
}

#[test]
fn postfix_client_sasl_and_warnings() {
    let e = one("Feb  3 11:00:00 mx1 postfix/submission/smtpd[9]: 3C4D5E6F70: client=laptop.example.net[192.0.2.44], sasl_method=PLAIN, sasl_username=ann@example.net");
    assert_eq!(e.kind, EventKind::Accepted);
    assert_eq!(e.sasl_username.as_deref(), Some("ann@example.net"));
    assert_eq!(e.sasl_method.as_deref(), Some("PLAIN"));
    assert!(e.failure().is_none());

    let e = one("Feb  3 11:00:00 mx1 postfix/smtpd[9]: warning: unknown[192.0.2.66]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=bob@example.net");
    assert_eq!(e.kind, EventKind::SaslFailure);
    assert_eq!(e.client_ip.as_deref(), Some("192.0.2.66"));
    assert_eq!(e.client_host.as_deref(), Some("unknown"));
    assert_eq!(e.sasl_method.as_deref(), Some("LOGIN"));
    assert_eq!(e.sasl_username.as_deref(), Some("bob@example.net"));
    let f = e.failure().unwrap();
    assert_eq!(f.stage.as_deref(), Some("AUTH"));

    let e = one("Feb  3 11:00:00 mx1 postfix/smtpd[9]: warning: SASL: Connect to private/auth failed: No such file or directory");
    assert_eq!(e.kind, EventKind::ConfigError);
    let e = one("Feb  3 11:00:00 mx1 postfix/smtpd[9]: fatal: no SASL authentication mechanisms");
    assert_eq!(e.kind, EventKind::Fatal);
    assert!(e.failure().is_some());
    let e = one("Feb  3 11:00:00 mx1 postfix/smtpd[9]: warning: TLS library problem: error:0A000418:SSL routines::tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:1584:SSL alert number 48:");
    assert_eq!(e.kind, EventKind::Tls);
    let e = one("Feb  3 11:00:00 mx1 postfix/smtpd[9]: warning: unknown smtpd restriction: \"permit_sasl_authenticate\"");
    assert_eq!(e.kind, EventKind::ConfigError);
    let e = one(
        "Feb  3 11:00:00 mx1 postfix/smtpd[9]: lost connection after AUTH from unknown[192.0.2.66]",
    );
    assert_eq!(
        (e.stage.as_deref(), e.client_ip.as_deref()),
        (Some("AUTH"), Some("192.0.2.66"))
    );
    assert!(e.failure().is_none());
}

#[test]
fn postfix_reject_relatives() {
    let e = one("Feb  3 11:00:00 mx1 postfix/smtpd[9]: NOQUEUE: reject: CONNECT from spammer.example.com[203.0.113.66]: 554 5.7.1 Service unavailable; Client host [203.0.113.66] blocked using zen.example.org; https://example.org/lookup?ip=203.0.113.66; proto=SMTP");
    assert_eq!(e.stage.as_deref(), Some("CONNECT"));
    assert!(e.reply_text.as_deref().unwrap().contains("blocked using"));
    assert_eq!(e.reply_code, Some(554));

    let e = one("Feb  3 11:00:00 mx1 postfix/cleanup[9]: 5A6B7C8D9E: milter-reject: END-OF-MESSAGE from relay.example.com[203.0.113.7]: 5.7.1 Spam message rejected; from=<x@example.com> to=<ann@example.net> proto=ESMTP helo=<relay.example.com>");
    assert_eq!(e.kind, EventKind::MilterReject);
    assert_eq!(e.stage.as_deref(), Some("DATA"));
    assert_eq!((e.reply_code, e.status), (None, st("5.7.1")));
    assert_eq!(e.to.as_deref(), Some("ann@example.net"));

    let e = one("Feb  3 11:00:00 mx1 postfix/cleanup[9]: 5A6B7C8D9E: reject: header Subject: cheap pills from relay.example.com[203.0.113.7]; from=<x@example.com> to=<ann@example.net> proto=ESMTP helo=<relay.example.com>: 5.7.1 Message content rejected");
    assert_eq!(e.stage.as_deref(), Some("DATA"));
    assert_eq!(e.client_ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(e.reply_text.as_deref(), Some("Message content rejected"));

    // A web page ate the <…> parts: the line still reads.
    let e = one("Jan 23 03:10:57 mx1 postfix/smtpd[15921]: NOQUEUE: reject: RCPT from out.example.com[198.51.100.53]: 554 5.7.1 : Relay access denied; from= to= proto=ESMTP helo=");
    assert_eq!(e.reply_code, Some(554));
    let f = e.failure().unwrap();
    assert_eq!((f.recipient, f.sender, f.helo), (None, None, None));
}

#[test]
fn exim_lines() {
    let e = one("2026-02-03 05:12:36 H=(client.example.com) [198.51.100.20] F=<a@example.com> rejected RCPT <b@example.org>: relay not permitted");
    assert_eq!(e.software, Software::Exim);
    assert_eq!(e.kind, EventKind::Reject);
    assert_eq!(e.stage.as_deref(), Some("RCPT"));
    assert_eq!(e.helo.as_deref(), Some("client.example.com"));
    assert_eq!(e.client_ip.as_deref(), Some("198.51.100.20"));
    assert_eq!(e.from.as_deref(), Some("a@example.com"));
    assert_eq!(e.to.as_deref(), Some("b@example.org"));
    assert_eq!(e.reply_text.as_deref(), Some("relay not permitted"));

    let e = one("2026-02-03 05:12:37 [4242] 1vXyZa-000Abc-Q1 ** b@example.org R=dnslookup T=remote_smtp H=mx.example.org [203.0.113.5]: SMTP error from remote mail server after RCPT TO:<b@example.org>: 550 5.1.1 <b@example.org>: Recipient address rejected");
    assert_eq!(e.pid, Some(4242));
    assert_eq!(e.queue_id.as_deref(), Some("1vXyZa-000Abc-Q1"));
    assert_eq!(e.delivery, Some(DeliveryStatus::Bounced));
    assert_eq!(e.to.as_deref(), Some("b@example.org"));
    assert_eq!((e.reply_code, e.status), (Some(550), st("5.1.1")));
    assert_eq!(e.stage.as_deref(), Some("RCPT"));
    assert_eq!(e.relay.as_deref(), Some("mx.example.org[203.0.113.5]"));
    assert!(e.client_ip.is_none());

    let e = one("2026-02-03 05:12:38 1vXyZa-000Abc-Q2 == c@example.org R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host");
    assert_eq!(e.delivery, Some(DeliveryStatus::Deferred));
    assert!(e.failure().is_some());

    let e = one("Feb  3 05:12:39 mx2 exim[77]: dovecot_login authenticator failed for (laptop) [192.0.2.44]:51234: 535 Incorrect authentication data (set_id=ann@example.net)");
    assert_eq!(e.kind, EventKind::SaslFailure);
    assert_eq!(e.sasl_username.as_deref(), Some("ann@example.net"));
    assert_eq!(e.client_ip.as_deref(), Some("192.0.2.44"));
    assert_eq!(e.reply_code, Some(535));
}

#[test]
fn sendmail_lines() {
    let e = one("Feb  3 05:12:40 mx3 sendmail[123]: 51J5CeAb012345: ruleset=check_rcpt, arg1=<b@example.org>, relay=client.example.com [198.51.100.20], reject=550 5.7.1 <b@example.org>... Relaying denied");
    assert_eq!(e.software, Software::Sendmail);
    assert_eq!(e.kind, EventKind::Reject);
    assert_eq!(e.stage.as_deref(), Some("RCPT"));
    assert_eq!(e.to.as_deref(), Some("b@example.org"));
    assert_eq!(e.client_ip.as_deref(), Some("198.51.100.20"));
    assert_eq!((e.reply_code, e.status), (Some(550), st("5.7.1")));

    let e = one("Feb  3 05:12:41 mx3 sm-mta[124]: 51J5CeAb012346: to=<c@example.org>, delay=00:00:05, xdelay=00:00:05, mailer=esmtp, pri=120, relay=mx.example.org. [203.0.113.5], dsn=4.0.0, stat=Deferred: Connection refused by mx.example.org.");
    assert_eq!(e.delivery, Some(DeliveryStatus::Deferred));
    assert_eq!(e.status, st("4.0.0"));
    assert!(e.client_ip.is_none());
    assert!(e.relay.as_deref().unwrap().contains("203.0.113.5"));
}

#[test]
fn dovecot_and_courier_lines() {
    let e = one("Feb  3 05:12:42 mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<ann@example.net>, method=PLAIN, rip=192.0.2.44, lip=198.51.100.2, TLS, session=<abcd>");
    assert_eq!(e.software, Software::Dovecot);
    assert_eq!(e.process.as_deref(), Some("imap-login"));
    assert_eq!(e.kind, EventKind::LoginFailure);
    assert_eq!(e.sasl_username.as_deref(), Some("ann@example.net"));
    assert_eq!(e.client_ip.as_deref(), Some("192.0.2.44"));
    assert_eq!(e.local_ip.as_deref(), Some("198.51.100.2"));
    assert_eq!(e.tls, Some(true));
    assert_eq!(e.failure().unwrap().tls, Some(true));

    let e = one("Feb  3 05:12:43 pop3-login: Info: Disconnected (tried to use disallowed plaintext auth): user=<>, rip=192.0.2.45, lip=198.51.100.2, session=<x>");
    assert_eq!(e.kind, EventKind::LoginFailure);
    assert_eq!(e.tls, Some(false));
    assert!(e.host.is_none());

    let e = one("Feb  3 05:12:44 mx1 dovecot: auth-worker(4321): Error: sql(ann@example.net,192.0.2.44,<s>): Password mismatch");
    assert_eq!(e.kind, EventKind::AuthError);
    assert_eq!(e.level.as_deref(), Some("Error"));
    assert_eq!(e.sasl_username.as_deref(), Some("ann@example.net"));

    let e = one("Feb  3 05:12:45 mx1 dovecot[1]: doveconf: Fatal: Error in configuration file /etc/dovecot/dovecot.conf line 7: Unknown setting: ssl_cert_file");
    assert_eq!(e.kind, EventKind::ConfigError);
    assert!(e.failure().unwrap().text.contains("Unknown setting"));

    let e = one(
        "Feb  3 05:12:46 imap(ann@example.net)<777><sess>: Error: Mailbox INBOX: Quota exceeded",
    );
    assert_eq!(e.process.as_deref(), Some("imap"));
    assert_eq!(e.sasl_username.as_deref(), Some("ann@example.net"));
    assert_eq!(e.kind, EventKind::Error);

    let e = one(
        "Jul 18 08:24:41 mx1 imapd: LOGIN FAILED, user=ann@example.net, ip=[::ffff:192.0.2.44]",
    );
    assert_eq!(e.software, Software::Courier);
    assert_eq!(e.kind, EventKind::LoginFailure);
    assert_eq!(e.client_ip.as_deref(), Some("192.0.2.44"));
    let e = one("Jul 18 08:24:41 mx1 imapd: LOGIN, user=ann@example.net, ip=[::ffff:192.0.2.44], protocol=IMAP");
    assert_eq!(e.kind, EventKind::Login);
}

#[test]
fn spans_are_offset_by_base_and_crlf_is_fine() {
    let text =
        "x\r\nFeb  3 11:00:00 mx1 postfix/smtpd[9]: connect from a.example.net[192.0.2.1]\r\n";
    let (evs, _) = parse(text, 1000);
    assert_eq!(evs.len(), 1);
    let sp = evs[0].field_span("client").unwrap();
    assert_eq!(
        slice(text, Span::new(sp.start - 1000, sp.end - 1000)),
        "192.0.2.1"
    );
}

#[test]
fn quoted_lines_and_journald_short_full() {
    let text = "> Dec  1 10:00:00 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from a.example.org[192.0.2.1]: 554 5.7.1 <b@example.com>: Relay access denied; from=<a@example.org> to=<b@example.com> proto=ESMTP helo=<a>\n\
Tue 2026-12-01 10:00:00 UTC mx postfix/smtpd[2]: warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n\
Dec 01 10:00:00 mx postfix/smtpd[3]: connect from a.example.org[192.0.2.1]\n\
2026-12-01T10:00:00+0000 mx postfix/smtpd[4]: disconnect from a.example.org[192.0.2.1]\n";
    let (evs, notes) = parse(text, 0);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(evs.len(), 4, "{evs:#?}");
    assert_eq!(evs[0].kind, EventKind::Reject);
    assert_eq!(evs[0].to.as_deref(), Some("b@example.com"));
    assert_eq!(
        slice(text, evs[0].reply_span.unwrap()),
        "554 5.7.1 <b@example.com>: Relay access denied"
    );
    assert_eq!(
        evs[1].timestamp.as_deref(),
        Some("Tue 2026-12-01 10:00:00 UTC")
    );
    assert_eq!(evs[1].kind, EventKind::SaslFailure);
    assert_eq!(evs[1].host.as_deref(), Some("mx"));
    assert_eq!(evs[2].timestamp.as_deref(), Some("Dec 01 10:00:00"));
    assert_eq!(
        evs[3].timestamp.as_deref(),
        Some("2026-12-01T10:00:00+0000")
    );
    assert_eq!(evs[3].kind, EventKind::Disconnect);
}

#[test]
fn lines_as_a_syslog_server_receives_them() {
    // RFC 5424: version 1, then timestamp, host, app, procid, msgid and structured data.
    let l = "<22>1 2026-03-01T10:00:00.123Z mx1.example.net postfix/smtpd 20311 - - NOQUEUE: reject: RCPT from unknown[203.0.113.80]: 554 5.7.1 <kim@example.com>: Relay access denied; from=<ann@example.net> to=<kim@example.com> proto=ESMTP helo=<pc>";
    let e = one(l);
    assert_eq!(e.timestamp.as_deref(), Some("2026-03-01T10:00:00.123Z"));
    assert_eq!(e.host.as_deref(), Some("mx1.example.net"));
    assert_eq!(e.program, "postfix/smtpd");
    assert_eq!(e.pid, Some(20311));
    assert_eq!(e.kind, EventKind::Reject);
    assert_eq!(e.to.as_deref(), Some("kim@example.com"));
    assert_eq!(
        slice(l, e.reply_span.unwrap()),
        "554 5.7.1 <kim@example.com>: Relay access denied"
    );
    // Structured data, with a `]` inside a quoted value, and `-` for a missing host.
    let l = "<22>1 2026-03-01T10:00:01Z - postfix/smtpd 20311 ID47 [meta seq=\"7\" note=\"a \\] b\"][origin ip=\"192.0.2.1\"] connect from unknown[203.0.113.80]";
    let e = one(l);
    assert_eq!(e.host, None);
    assert_eq!(e.client_ip.as_deref(), Some("203.0.113.80"));
    assert_eq!(e.kind, EventKind::Connect);
    // RFC 3164 with its priority: the usual line after `<pri>`.
    let e = one("<22>Mar  1 10:00:02 mx1 postfix/smtpd[20312]: connect from unknown[203.0.113.81]");
    assert_eq!(e.pid, Some(20312));
    assert_eq!(e.host.as_deref(), Some("mx1"));
    // Not a priority: too many digits, or none.
    assert!(strip_priority("<1234>x").is_none() && strip_priority("<>x").is_none());
    assert!(crate::segment::is_log_line(
        "<30>1 2026-03-01T10:00:00Z mx1 dovecot - - - imap-login: Login: user=<ann@example.net>"
    ));
}
