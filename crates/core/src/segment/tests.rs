use super::*;

/// `(kind, first line text)` of each segment.
fn kinds(input: &str) -> Vec<(SegmentKind, String)> {
    let (segs, _) = segment(input);
    for w in segs.windows(2) {
        assert!(w[0].end <= w[1].start, "segments overlap");
    }
    segs.iter()
        .map(|s| {
            let text = &input[s.start..s.end];
            (s.kind, text.lines().next().unwrap_or("").trim().to_owned())
        })
        .collect()
}

fn only_kinds(input: &str) -> Vec<SegmentKind> {
    kinds(input).into_iter().map(|k| k.0).collect()
}

use SegmentKind::*;

#[test]
fn empty_and_plain_prose() {
    assert!(segment("").0.is_empty());
    assert!(segment(" \n\n").0.is_empty());
    assert_eq!(
        only_kinds("Hello,\nmy mail does not go out.\n\nThanks"),
        [Prose]
    );
}

#[test]
fn heading_then_postconf_n_then_doveconf_n() {
    let input = "Here is my config.\n\npostconf -n\n\nalias_maps = hash:/etc/aliases\nbiff = no\ninet_interfaces = all\nmydestination = localhost\nmyhostname = mx.example.net\nmynetworks = 127.0.0.0/8 [::1]/128\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination\n\ndoveconf -n\n\n# 2.3.16 (7e2e900c1a): /etc/dovecot/dovecot.conf\n# OS: Linux 5.10.0 x86_64 Debian 11.2\nauth_mechanisms = plain login\nnamespace inbox {\n  inbox = yes\n  mailbox Sent {\n    special_use = \\Sent\n  }\n}\nprotocols = imap lmtp\n\nAny idea?\n";
    let k = kinds(input);
    let got: Vec<SegmentKind> = k.iter().map(|x| x.0).collect();
    assert_eq!(got, [Prose, PostconfN, Prose, DoveconfN, Prose], "{k:?}");
    let (segs, _) = segment(input);
    assert_eq!(segs[3].version.as_deref(), Some("2.3.16"));
    assert!(input[segs[3].start..segs[3].end].ends_with("protocols = imap lmtp"));
    assert_eq!(k[0].1, "Here is my config.");
}

#[test]
fn raw_main_cf_with_comments_blank_lines_and_continuations() {
    let input = "# See main.cf.dist\n\nsmtpd_banner = $myhostname ESMTP\nbiff = no\n\n# TLS\nsmtpd_tls_security_level = may\nsmtpd_relay_restrictions =\n    permit_mynetworks,\n    permit_sasl_authenticated,\n    reject_unauth_destination\nmyhostname = mx.example.org\n";
    let (segs, _) = segment(input);
    assert_eq!(segs.len(), 1, "{segs:?}");
    assert_eq!(segs[0].kind, MainCf);
    assert_eq!(segs[0].start, 0);
    assert!(input[..segs[0].end].ends_with("mx.example.org"));
}

#[test]
fn forum_indented_config_with_flush_continuations() {
    let input = "Try this:\n\n    smtpd_relay_restrictions =\n    permit_mynetworks\n    permit_sasl_authenticated\n    reject_unauth_destination\n\nThen reload.\n";
    assert_eq!(only_kinds(input), [Prose, MainCf, Prose]);
}

#[test]
fn quoted_config() {
    let input = "> mynetworks = 192.0.2.0/24\n> relayhost = [smtp.example.net]:587\n> smtp_sasl_auth_enable = yes\n\nWhy does this relay?\n";
    assert_eq!(only_kinds(input), [MainCf, Prose]);
}

#[test]
fn master_cf_with_commented_services() {
    let input = "My master.cf:\n\nsmtp      inet  n       -       y       -       -       smtpd\n#submission inet n       -       y       -       -       smtpd\n#  -o syslog_name=postfix/submission\n#  -o smtpd_tls_security_level=encrypt\npickup    unix  n       -       y       60      1       pickup\n  -o content_filter=\n";
    assert_eq!(only_kinds(input), [Prose, MasterCf]);
}

#[test]
fn log_lines_of_every_kind() {
    let input = "Jul 18 08:25:19 mx postfix/smtpd[29282]: connect from a.example.org[192.0.2.10]\n2024-03-01T10:00:00.123456+01:00 mx postfix/qmgr[12]: 4B2C1: removed\n2015-06-12 05:12:36 H=(a.example.org) [192.0.2.1] F=<x@example.org> rejected RCPT <y@example.net>: relay not permitted\nJan  3 01:02:03 mx sm-mta[123]: x1: ruleset=check_rcpt, arg1=<a@example.com>, reject=550 5.7.1 <a@example.com>... Relaying denied\n";
    assert_eq!(only_kinds(input), [MailLog]);
    let input = "-- Logs begin at Mon 2024-01-01 00:00:00 UTC. --\nJan 01 10:00:00 mx postfix/smtpd[1]: warning: hostname x does not resolve\n";
    assert_eq!(only_kinds(input), [MailLog]);
}

#[test]
fn smtp_transcript_needs_commands() {
    let input = "telnet mx.example.net 25\nTrying 192.0.2.25...\nConnected to mx.example.net.\n220 mx.example.net ESMTP Postfix\nEHLO client.example.org\n250-mx.example.net\n250-PIPELINING\n250 8BITMIME\nMAIL FROM:<a@example.org>\n250 2.1.0 Ok\nRCPT TO:<b@example.com>\n554 5.7.1 <b@example.com>: Relay access denied\nQUIT\n";
    let k = only_kinds(input);
    assert_eq!(k.last(), Some(&SmtpTranscript), "{k:?}");
    assert!(k.len() <= 2);
    // A lone reply quoted in prose is prose.
    assert_eq!(
        only_kinds("The error is:\n\n554 5.7.1 : Relay access denied\n\nWhat now?\n"),
        [Prose]
    );
    let marked = "C: EHLO a.example.org\nS: 250-mx.example.net\nS: 250 STARTTLS\n";
    assert_eq!(only_kinds(marked), [SmtpTranscript]);
}

#[test]
fn bounce_whole_message_and_body_only() {
    let whole = "Return-Path: <>\nReceived: by mx.example.net (Postfix)\n\tid 1234; Mon, 1 Jan 2024 10:00:00 +0000\nFrom: MAILER-DAEMON@mx.example.net (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"ABC.123\"\n\n--ABC.123\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<b@example.com>: host mx.example.com[198.51.100.7] said: 550 5.1.1 unknown user\n\n--ABC.123\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; b@example.com\nAction: failed\nStatus: 5.1.1\n\n--ABC.123--\n\nWhat does this mean?\n";
    assert_eq!(only_kinds(whole), [Bounce, Prose]);
    let body = "I got this back:\n\nThis is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<b@example.com>: host mx.example.com[198.51.100.7] said: 550 5.1.1 unknown user\n\nWhy is this happening?\n";
    assert_eq!(only_kinds(body), [Prose, Bounce, Prose]);
}

#[test]
fn client_dialogs() {
    let outlook = "I get this:\n\nThe rejected e-mail address was\n'b@example.com'. Subject 'Hi', Account: 'mail.example.net',\nServer: 'mail.example.net', Protocol: SMTP, Server Response: '554 5.7.1\n<b@example.com>: Relay access denied', Port: 25, Secure(SSL): No,\nServer Error: 554, Error Number:\n0x800CCC79\n\nHelp!\n";
    assert_eq!(only_kinds(outlook), [Prose, ClientError, Prose]);
    let tb = "Sending of the message failed.\nAn error occurred while sending mail. The mail server responded: 5.7.1 Relay access denied. Please check the message recipient and try again.\n";
    assert_eq!(only_kinds(tb), [ClientError]);
    let apple = "Cannot send message using the server mail.example.net.\nThe sender address a@example.org was rejected by the server.\n";
    assert_eq!(only_kinds(apple), [ClientError]);
}

#[test]
fn line_endings_do_not_matter() {
    let lf = "Config:\n\nmyhostname = mx.example.net\nmynetworks = 127.0.0.0/8\n\nJul 18 08:25:19 mx postfix/smtpd[1]: connect from a[192.0.2.1]\n";
    let want = only_kinds(lf);
    assert_eq!(want, [Prose, MainCf, MailLog]);
    assert_eq!(only_kinds(&lf.replace('\n', "\r\n")), want);
    assert_eq!(only_kinds(&lf.replace('\n', "\r")), want);
}

#[test]
fn full_postconf_and_version() {
    let mut s = String::new();
    for (i, r) in crate::tables::POSTFIX_PARAMS.iter().enumerate().take(400) {
        if r[0] == "mail_version" || i == 200 {
            s.push_str("mail_version = 3.7.4\n");
        } else {
            s.push_str(&format!("{} = x\n", r[0]));
        }
    }
    let (segs, _) = segment(&s);
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].kind, PostconfFull);
    assert_eq!(segs[0].version.as_deref(), Some("3.7.4"));
}

#[test]
fn raw_dovecot_conf() {
    let input = "# Dovecot config\nprotocols = imap lmtp\n!include conf.d/*.conf\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    mode = 0660\n  }\n}\n";
    assert_eq!(only_kinds(input), [DovecotConf]);
}

#[test]
fn swaks_output_is_one_transcript_with_its_tls_and_auth_lines() {
    let input = "swaks says:\n\n=== Trying mail.example.net:587...\n=== Connected to mail.example.net.\n<-  220 mail.example.net ESMTP\n -> EHLO pc.example.org\n<-  250-mail.example.net\n<-  250 STARTTLS\n -> STARTTLS\n<-  220 2.0.0 Ready\n=== TLS started with cipher TLSv1.3\n ~> EHLO pc.example.org\n<~  250 AUTH PLAIN\n ~> AUTH LOGIN\n<~  334 VXNlcm5hbWU6\n ~> YW5u\n<~* 535 5.7.8 Error: authentication failed\n*** No authentication type succeeded\n ~> QUIT\n<~  221 Bye\n=== Connection closed with remote host.\n\nWhy?\n";
    let k = kinds(input);
    assert_eq!(
        k.iter().map(|x| x.0).collect::<Vec<_>>(),
        [Prose, SmtpTranscript, Prose],
        "{k:?}"
    );
    assert_eq!(k[1].1, "=== Trying mail.example.net:587...");
}

#[test]
fn telnet_message_body_and_auth_answers_stay_in_the_transcript() {
    let input = "220 mx.example.net ESMTP\nEHLO a.example.org\n250 AUTH LOGIN\nAUTH LOGIN\n334 VXNlcm5hbWU6\nYW5u\n334 UGFzc3dvcmQ6\ncGFzcw==\n235 2.7.0 Authentication successful\nMAIL FROM:<a@example.org>\n250 ok\nRCPT TO:<b@example.com>\n250 ok\nDATA\n354 go ahead\nFrom: Mail Delivery System <MAILER-DAEMON@example.org>\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host a.example.org.\n.\n250 2.0.0 queued\nQUIT\n221 bye\n\nThat worked.\n";
    assert_eq!(only_kinds(input), [SmtpTranscript, Prose]);
    // Without a 354 from the session, a body-like text after a transcript is not swallowed.
    let input = "EHLO a.example.org\n250 ok\n\nThis is the mail system at host a.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered.\n";
    assert_eq!(only_kinds(input), [SmtpTranscript, Bounce]);
}

#[test]
fn transcripts_do_not_swallow_logs_or_bounce_sessions() {
    let input = "S: 220 mx.example.com ESMTP\nC: EHLO a.example.org\nS: 250 ok\nDec 01 10:00:00 mx postfix/smtpd[1]: connect from a.example.org[192.0.2.1]\nC: QUIT\n";
    assert_eq!(only_kinds(input), [SmtpTranscript, MailLog, Prose]);
    let bounce = "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>\nSubject: Returned mail: see transcript for details\n\n   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n>>> RCPT To:<b@example.com>\n<<< 550 5.1.1 <b@example.com>... User unknown\n550 5.1.1 <b@example.com>... User unknown\n";
    assert_eq!(only_kinds(bounce), [Bounce]);
}

#[test]
fn arrows_in_prose_are_not_a_transcript() {
    let input =
        "Open the settings:\n-> Accounts\n-> Outgoing server\n-> set port 587\nThen send again.\n";
    assert_eq!(only_kinds(input), [Prose]);
    let input = "Type this:\n\nEHLO test\n\nand see what it says.\n";
    assert_eq!(only_kinds(input), [Prose]);
}

#[test]
fn openssl_s_client_output_joins_the_session() {
    let input = "openssl s_client -connect smtp.example.net:465 -quiet\ndepth=0 CN = smtp.example.net\nverify return:1\n220 smtp.example.net ESMTP\nEHLO a.example.org\n250 AUTH PLAIN\n";
    assert_eq!(only_kinds(input), [SmtpTranscript]);
}

#[test]
fn journald_formats_and_quoted_logs() {
    let input = "Tue 2026-12-01 10:00:00 UTC mx postfix/smtpd[1]: connect from a[192.0.2.1]\nDec 01 10:00:01 mx postfix/smtpd[1]: lost connection after AUTH from a[192.0.2.1]\n2026-12-01T10:00:02+0000 mx postfix/smtpd[1]: disconnect from a[192.0.2.1]\n";
    assert_eq!(only_kinds(input), [MailLog]);
    let quoted = "You wrote:\n> Dec  1 10:00:00 mx postfix/smtpd[1]: connect from a[192.0.2.1]\n> Dec  1 10:00:01 mx postfix/smtpd[1]: disconnect from a[192.0.2.1]\n";
    assert_eq!(only_kinds(quoted), [Prose, MailLog]);
}

#[test]
fn forum_indented_postconf_n_and_full_doveconf() {
    let input = "My postconf -n:\n\n    alias_maps = hash:/etc/aliases\n    biff = no\n    inet_interfaces = all\n    mydestination = localhost\n    myhostname = mx.example.net\n    mynetworks = 127.0.0.0/8 [::1]/128\n\nthanks\n";
    assert_eq!(only_kinds(input), [Prose, PostconfN, Prose]);
    let mut full = String::from("# 2.3.21 (47349e2482): /etc/dovecot/dovecot.conf\n");
    for r in crate::tables::DOVECOT_SETTINGS
        .iter()
        .filter(|r| r[1] == "yes" && r[0].bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .take(350)
    {
        full.push_str(&format!("{} = \n", r[0]));
    }
    full.push_str("service imap-login {\n  inet_listener imap {\n    port = 143\n  }\n}\n");
    let (segs, _) = segment(&full);
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].kind, DoveconfFull);
    assert_eq!(segs[0].version.as_deref(), Some("2.3.21"));
}

/// The text of each segment of one kind.
fn texts_of(input: &str, kind: SegmentKind) -> Vec<&str> {
    segment(input)
        .0
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| &input[s.start..s.end])
        .collect()
}

const EXIM_HEADERS: &str = "From: Mail Delivery System <Mailer-Daemon@relay.example.net>\nTo: ann@example.net\nSubject: Mail delivery failed: returning message to sender\nContent-Type: text/plain; charset=us-ascii\n\n";

#[test]
fn plain_bounce_body_belongs_to_its_headers() {
    let input = format!("{EXIM_HEADERS}This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error.\n\n  bo@unknown.example.org\n    Unrouteable address\n\n------ This is a copy of the message, including all the headers. ------\n\nFrom: Ann <ann@example.net>\nSubject: hello\n\nSee you tomorrow.\n");
    let segs = segment(&input).0;
    assert_eq!(segs.len(), 1, "{segs:?}");
    assert_eq!(segs[0].kind, Bounce);
    assert_eq!((segs[0].start, segs[0].end), (0, input.trim_end().len()));
    // An auto-reply is a message of the same kind.
    let ooo = "From: Kim <kim@example.org>\nSubject: Automatic reply: budget\nAuto-Submitted: auto-replied\n\nI am away until Monday.\n\nPlease write to office@example.org meanwhile.\n";
    assert_eq!(only_kinds(ooo), [Bounce]);
    // One bounce-like header quoted in prose does not make the rest of the post a message.
    let quoted = "My users get mail with\nSubject: Undelivered Mail Returned to Sender\n\nand I do not know why.\n";
    assert_eq!(only_kinds(quoted).last(), Some(&Prose));
}

#[test]
fn multipart_bounce_stays_whole_through_its_closing_boundary() {
    let input = "Received: by mx.example.net (Postfix)\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"B.42\"\nFrom: MAILER-DAEMON@mx.example.net (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\n\nThis is a MIME-encapsulated message.\n\n--B.42\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\nThe mail system gave up.\n\nPlease contact your system administrator.\n\n--B.42\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; c@example.com\nStatus: 5.1.1\n\n--B.42--\n\nAny idea what that means?\n";
    let k = kinds(input);
    assert_eq!(
        k.iter().map(|x| x.0).collect::<Vec<_>>(),
        [Bounce, Prose],
        "{k:?}"
    );
    assert!(texts_of(input, Bounce)[0].ends_with("--B.42--"));
    assert_eq!(k[1].1, "Any idea what that means?");
}

#[test]
fn bounce_then_postconf_n() {
    let input = format!("{EXIM_HEADERS}This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered.\n\n  bo@example.org\n    Unrouteable address\n\nalias_maps = hash:/etc/aliases\nmydestination = localhost\nmyhostname = mx.example.net\nmynetworks = 127.0.0.0/8\nrelayhost =\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n");
    assert_eq!(only_kinds(&input), [Bounce, PostconfN]);
    assert!(texts_of(&input, Bounce)[0].ends_with("Unrouteable address"));
}

#[test]
fn bounce_then_prose_then_log_line() {
    let input = format!("{EXIM_HEADERS}This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients.\n\n  bo@example.org\n    Unrouteable address\n\nMy server logged this at the same time:\nMar 13 10:00:00 mx exim[123]: 1tAbc-000001-Xy ** bo@example.org: Unrouteable address\n");
    let k = kinds(&input);
    assert_eq!(
        k.iter().map(|x| x.0).collect::<Vec<_>>(),
        [Bounce, Prose, MailLog],
        "{k:?}"
    );
    assert_eq!(k[1].1, "My server logged this at the same time:");
    // The bounce's own prose before its recipients stays in it.
    assert!(texts_of(&input, Bounce)[0].contains("its recipients."));
    // A short forum rule, then the writer's words.
    let input = format!("{EXIM_HEADERS}This message was created automatically by mail delivery software.\n\n  bo@example.org\n    Unrouteable address\n\n---\n\nThe domain exists, so why is it unrouteable?\n");
    assert_eq!(only_kinds(&input), [Bounce, Prose]);
    assert!(texts_of(&input, Bounce)[0].ends_with("Unrouteable address"));
}

#[test]
fn bounce_body_keeps_its_transcript_and_quoted_headers() {
    let input = "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>\nSubject: Returned mail: see transcript for details\nAuto-Submitted: auto-generated (failure)\n\nThe original message was received at Mon, 1 Jan 2024 10:00:00 +0000\nfrom client.example.org [192.0.2.5]\n\n---------------------------------------------------------------\n\nIf your message was also sent to other recipients, they are not listed here.\n\n   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n>>> RCPT To:<b@example.com>\n<<< 550 5.1.1 <b@example.com>... User unknown\n550 5.1.1 <b@example.com>... User unknown\n\n   ----- Original message follows -----\n\nReceived: from client.example.org (client.example.org [192.0.2.5])\n\tby relay.example.org with ESMTP id 40AA; Mon, 1 Jan 2024 10:00:00 +0000\nFrom: a@example.org\nTo: b@example.com\nSubject: lunch\n\nShall we meet at noon?\n";
    let segs = segment(input).0;
    assert_eq!(segs.len(), 1, "{segs:?}");
    assert_eq!(segs[0].kind, Bounce);
    assert_eq!(segs[0].end, input.trim_end().len());
}

#[test]
fn mbox_postmark_opens_the_bounce_and_quoted_sessions_stay_inside() {
    let input = "From MAILER-DAEMON Tue Jun 11 19:13:34 2024\nReturn-Path: <>\nFrom: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nSubject: Mail delivery failed\n\nThis message was created automatically by mail delivery software.\n\n  b@example.com\n    SMTP error from remote mail server after end of data:\n\n------ This is a copy of the message's headers. ------\n\ndata\n354 Enter mail, end with \".\" on a line by itself\nFrom: a@example.org\n";
    let segs = segment(input).0;
    assert_eq!(segs.len(), 1, "{segs:?}");
    assert_eq!((segs[0].kind, segs[0].start), (Bounce, 0));
    // Words that merely start with "From" are not a postmark.
    let input = "From my server I got:\nFrom: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.example.net.\n";
    assert_eq!(only_kinds(input), [Prose, Bounce]);
}

#[test]
fn two_bounces_pasted_back_to_back_are_two_segments() {
    let first = "From: Mail Delivery System <MAILER-DAEMON@mx1.example.net>\nTo: ann@example.org\nSubject: Mail delivery failed: returning message to sender\nDate: Mon, 3 Mar 2025 09:00:00 +0000\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its recipients.\n\n  kim@example.com\n    host mx.example.com [203.0.113.5]\n    SMTP error from remote mail server after RCPT TO:<kim@example.com>:\n    550 5.1.1 User unknown\n";
    let second = "Return-Path: <>\nFrom: MAILER-DAEMON@mx2.example.net (Mail Delivery System)\nTo: ann@example.org\nSubject: Undelivered Mail Returned to Sender\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<lou@example.com>: host mx.example.com[203.0.113.5] said: 552 5.2.2 Mailbox full\n";
    let k = kinds(&format!("{first}\n{second}"));
    assert_eq!(
        k.iter().map(|x| x.0).collect::<Vec<_>>(),
        [Bounce, Bounce],
        "{k:?}"
    );
    assert!(k[1].1.starts_with("Return-Path: <>"), "{k:?}");
    // With an mbox postmark before the second one.
    let k = kinds(&format!(
        "{first}\nFrom MAILER-DAEMON Mon Mar  3 09:05:00 2025\n{second}"
    ));
    assert_eq!(k.len(), 2, "{k:?}");
    assert!(k[1].1.starts_with("From MAILER-DAEMON"), "{k:?}");
}

#[test]
fn a_bounce_quoting_its_message_sent_by_postmaster_stays_one() {
    // The returned message was sent by a postmaster@ address: its headers in the bounce body
    // do not open another bounce.
    let input = "From: MAILER-DAEMON <>\nTo: postmaster@example.net\nSubject: Mail delivery failed\nDate: Wed, 12 Jun 2024 09:39:51 +0900\n\nThere was an error delivering your mail to <kim@example.org>.\n\nmx.example.org [192.0.2.25] did not like our RCPT TO:\n550 5.1.1 <kim@example.org>: Recipient address rejected: User unknown\n\nOriginal message follows.\n\nSubject: Weekly numbers\nTo: <kim@example.org>\nDate: Wed, 12 Jun 2024 09:39:51 +0900\nFrom: <postmaster@example.net>\n\nThe numbers are attached.\n";
    assert_eq!(only_kinds(input), [Bounce]);
}
