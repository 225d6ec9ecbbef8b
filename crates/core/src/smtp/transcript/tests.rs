use super::*;
use crate::text::slice;

fn failures_of(text: &str) -> (Transcript, Vec<Failure>) {
    let (t, notes) = parse_transcript(text, 0);
    assert!(notes.is_empty(), "{notes:?}");
    let f = t.failures();
    (t, f)
}

#[test]
fn swaks_session_with_starttls_and_failed_auth() {
    let text = "\
=== Trying mail.example.net:587...
=== Connected to mail.example.net.
<-  220 mail.example.net ESMTP Postfix (Debian/GNU)
 -> EHLO laptop.example.org
<-  250-mail.example.net
<-  250-PIPELINING
<-  250-SIZE 52428800
<-  250-STARTTLS
<-  250-ENHANCEDSTATUSCODES
<-  250 8BITMIME
 -> STARTTLS
<-  220 2.0.0 Ready to start TLS
=== TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256
 ~> EHLO laptop.example.org
<~  250-mail.example.net
<~  250-PIPELINING
<~  250-SIZE 52428800
<~  250-AUTH PLAIN LOGIN
<~  250 8BITMIME
 ~> AUTH LOGIN
<~  334 VXNlcm5hbWU6
 ~> YW5uQGV4YW1wbGUub3Jn
<~  334 UGFzc3dvcmQ6
 ~> bm90LXJlYWxseQ==
<~* 535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6
*** No authentication type succeeded
 ~> QUIT
<~  221 2.0.0 Bye
=== Connection closed with remote host.
";
    let (t, f) = failures_of(text);
    assert_eq!(t.style, Style::Swaks);
    assert_eq!(t.port, Some(587));
    assert!(t.tls);
    assert_eq!(t.auth_succeeded, Some(false));
    assert_eq!(t.sasl_username, None);
    assert_eq!(t.server_software.as_deref(), Some("postfix"));
    assert_eq!(t.ehlo.len(), 2);
    let (before, after) = (&t.ehlo[0], &t.ehlo[1]);
    assert!(before.starttls && !before.tls && before.auth_mechanisms.is_empty());
    assert_eq!(before.size, Some(52_428_800));
    assert_eq!(before.hostname, "mail.example.net");
    assert!(after.tls && !after.starttls);
    assert_eq!(after.auth_mechanisms, ["PLAIN", "LOGIN"]);
    assert!(after.offers("pipelining") && !after.offers("CHUNKING"));
    // The credentials are marked for masking.
    let secrets: Vec<&str> = t.secrets.iter().map(|s| slice(text, *s)).collect();
    assert_eq!(secrets, ["YW5uQGV4YW1wbGUub3Jn", "bm90LXJlYWxseQ=="]);
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.stage.as_deref(), Some("AUTH"));
    assert_eq!(
        (f.reply_code, f.status.as_deref(), f.tls, f.authenticated),
        (Some(535), Some("5.7.8"), Some(true), Some(false))
    );
    assert_eq!(f.text, "Error: authentication failed: UGFzc3dvcmQ6");
    // The evidence does not quote the credentials line before the reply.
    assert_eq!(f.span, f.reply_span.unwrap());
    assert_eq!(
        slice(text, f.reply_span.unwrap()),
        "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6"
    );
    assert_eq!(f.helo.as_deref(), Some("laptop.example.org"));
    assert_eq!(f.port, Some(587));
}

#[test]
fn swaks_relay_denied_after_successful_auth_plain() {
    // AUTH PLAIN with an initial response: "\0bob@example.org\0pw".
    let text = "\
=== Trying 192.0.2.25:25...
<-  220 mx.example.net ESMTP Exim 4.96
 -> EHLO client.example.org
<-  250-mx.example.net Hello client.example.org [198.51.100.4]
<-  250-SIZE
<-  250-AUTH=PLAIN
<-  250 HELP
 -> AUTH PLAIN AGJvYkBleGFtcGxlLm9yZwBwdw==
<-  235 Authentication succeeded
 -> MAIL FROM:<bob@example.org>
<-  250 OK
 -> RCPT TO:<carol@example.com> NOTIFY=NEVER
<** 550 relay not permitted
 -> QUIT
<-  221 mx.example.net closing connection
";
    let (t, f) = failures_of(text);
    assert_eq!(t.port, Some(25));
    assert!(!t.tls);
    assert_eq!(t.auth_succeeded, Some(true));
    assert_eq!(t.sasl_username.as_deref(), Some("bob@example.org"));
    assert_eq!(t.server_software.as_deref(), Some("exim"));
    assert_eq!(t.ehlo[0].size, None);
    assert_eq!(t.ehlo[0].auth_mechanisms, ["PLAIN"]);
    assert_eq!(
        t.secrets
            .iter()
            .map(|s| slice(text, *s))
            .collect::<Vec<_>>(),
        ["AGJvYkBleGFtcGxlLm9yZwBwdw=="]
    );
    // The credentials are not kept in the command.
    let auth = t.exchanges.iter().find(|e| e.stage == Stage::Auth).unwrap();
    assert_eq!(auth.command.as_ref().unwrap().argument, "PLAIN");
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.stage.as_deref(), Some("RCPT"));
    assert_eq!(f.recipient.as_deref(), Some("carol@example.com"));
    assert_eq!(f.sender.as_deref(), Some("bob@example.org"));
    assert_eq!((f.reply_code, f.status.as_deref()), (Some(550), None));
    assert_eq!(
        (f.authenticated, f.sasl_username.as_deref(), f.tls),
        (Some(true), Some("bob@example.org"), Some(false))
    );
    assert_eq!(f.reporter.as_deref(), Some("exim"));
    // Exim's EHLO greeting names the address it sees the client at.
    assert_eq!(t.ehlo[0].client_ip.as_deref(), Some("198.51.100.4"));
    assert_eq!(f.client_ip.as_deref(), Some("198.51.100.4"));
}

#[test]
fn telnet_session_with_message_body() {
    let text = "\
$ telnet mx.example.net 25
Trying 192.0.2.25...
Connected to mx.example.net.
Escape character is '^]'.
220 mx.example.net ESMTP Postfix
ehlo pc.example.org
250-mx.example.net
250-PIPELINING
250-SIZE 10240000
250 DSN
mail from:<ann@example.org>
250 2.1.0 Ok
rcpt to:<dan@example.net>
250 2.1.5 Ok
data
354 End data with <CR><LF>.<CR><LF>
Subject: test
250 this line is part of the message
MAIL FROM:<so is this>

.
554 5.7.1 Spam message rejected
quit
221 2.0.0 Bye
Connection closed by foreign host.
";
    let (t, f) = failures_of(text);
    assert_eq!(t.style, Style::Bare);
    assert_eq!(t.port, Some(25));
    let verbs: Vec<&str> = t
        .exchanges
        .iter()
        .map(|e| e.command.as_ref().map_or("(greeting)", |c| c.verb.as_str()))
        .collect();
    assert_eq!(
        verbs,
        ["(greeting)", "EHLO", "MAIL", "RCPT", "DATA", ".", "QUIT"]
    );
    assert!(t.exchanges.iter().all(|e| e.reply.is_some()));
    assert_eq!(t.ehlo[0].size, Some(10_240_000));
    assert!(!t.ehlo[0].starttls);
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.stage.as_deref(), Some("DATA"));
    assert_eq!(f.status.as_deref(), Some("5.7.1"));
    // One recipient was accepted: the message failed for that one.
    assert_eq!(f.recipient.as_deref(), Some("dan@example.net"));
    assert_eq!(f.text, "Spam message rejected");
    assert_eq!(f.reporter.as_deref(), Some("postfix"));
    // The exchange's span runs from the `.` to its reply.
    assert!(slice(text, f.span).starts_with('.'));
}

#[test]
fn rfc_style_dialogue_with_pipelining_and_multiline_error() {
    let text = "\
S: 220 smtp.example.com ESMTP ready
C: EHLO a.example.org
S: 250-smtp.example.com
S: 250-PIPELINING
S: 250 STARTTLS
C: MAIL FROM:<a@example.org>
C: RCPT TO:<x@example.com>
C: RCPT TO:<y@example.com>
C: DATA
S: 250 2.1.0 sender ok
S: 550-5.1.1 The email account that you tried to reach does
S: 550-5.1.1 not exist. Please check the address and
S: 550 5.1.1 try again.
S: 250 2.1.5 recipient ok
S: 354 go ahead
C: .
S: 451 4.3.0 temporary local problem
";
    let (t, f) = failures_of(text);
    assert_eq!(t.style, Style::Marked);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].recipient.as_deref(), Some("x@example.com"));
    assert_eq!(f[0].stage.as_deref(), Some("RCPT"));
    assert_eq!(f[0].status.as_deref(), Some("5.1.1"));
    assert_eq!(
        f[0].text,
        "The email account that you tried to reach does not exist. Please check the address and try again."
    );
    let rs = f[0].reply_span.unwrap();
    assert!(slice(text, rs).starts_with("550-5.1.1 The email"));
    assert!(slice(text, rs).ends_with("try again."));
    assert_eq!(f[1].stage.as_deref(), Some("DATA"));
    assert_eq!(f[1].reply_code, Some(451));
    assert_eq!(f[1].recipient.as_deref(), Some("y@example.com"));
    assert_eq!(f[1].tls, Some(false));
}

#[test]
fn arrows_as_bounces_quote_them_and_postfix_in_out() {
    let text = "\
>>> MAIL From:<a@example.org> SIZE=1234
<<< 250 2.1.0 <a@example.org>... Sender ok
>>> RCPT To:<b@example.com>
<<< 550 5.7.1 <b@example.com>... Relaying denied
";
    let (t, f) = failures_of(text);
    assert_eq!(t.style, Style::Arrows);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].stage.as_deref(), Some("RCPT"));
    assert_eq!(f[0].recipient.as_deref(), Some("b@example.com"));
    assert_eq!(f[0].sender.as_deref(), Some("a@example.org"));

    let text = "\
Out: 220 mx.example.net ESMTP Postfix
In:  EHLO [198.51.100.9]
Out: 250-mx.example.net
Out: 250 SMTPUTF8
In:  MAIL FROM:<>
Out: 250 2.1.0 Ok
In:  RCPT TO:<root@example.net>
Out: 450 4.1.8 <>: Sender address rejected: Domain not found
";
    let (t, f) = failures_of(text);
    assert_eq!(t.style, Style::InOut);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status.as_deref(), Some("4.1.8"));
    assert_eq!(f[0].sender, None);
    assert_eq!(f[0].helo.as_deref(), Some("[198.51.100.9]"));
}

#[test]
fn greeting_refusals_and_new_sessions() {
    let text = "\
=== Trying mx.example.net:25...
<-  220 mx.example.net ESMTP
 -> QUIT
<-  221 bye
=== Trying mx.example.net:2525...
<** 554 5.7.1 Your address is listed
";
    let (t, f) = failures_of(text);
    assert_eq!(t.port, Some(2525));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].stage.as_deref(), Some("CONNECT"));
    assert_eq!(f[0].reply_code, Some(554));
    // A second greeting after QUIT without a connection line starts a new session too.
    let text = "220 a.example.net ESMTP\nQUIT\n221 bye\n421 4.3.2 Service shutting down\n";
    let (_, f) = failures_of(text);
    assert_eq!(f[0].stage.as_deref(), Some("CONNECT"));
}

#[test]
fn openssl_s_client_is_tls_from_the_start() {
    let text = "\
$ openssl s_client -connect mail.example.net:465 -quiet
depth=0 CN = mail.example.net
verify return:1
220 mail.example.net ESMTP
EHLO me.example.org
250-mail.example.net
250-AUTH PLAIN
250 SIZE 1000
AUTH PLAIN
334
AGFubgBzZWNyZXQ=
535 5.7.8 Error: authentication failed
";
    let (t, f) = failures_of(text);
    assert_eq!(t.port, Some(465));
    assert!(t.tls);
    assert_eq!(t.ehlo[0].size, Some(1000));
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].stage.as_deref(), f[0].tls),
        (Some("AUTH"), Some(true))
    );
    assert_eq!(t.secrets.len(), 1);
    assert_eq!(slice(text, t.secrets[0]), "AGFubgBzZWNyZXQ=");
}

#[test]
fn starttls_refused_and_auth_before_tls() {
    let text = "\
220 mx.example.net ESMTP
EHLO c.example.org
250-mx.example.net
250 STARTTLS
STARTTLS
454 4.7.0 TLS not available due to local problem
AUTH LOGIN
503 5.5.1 Error: authentication not enabled
";
    let (t, f) = failures_of(text);
    assert!(!t.tls);
    let stages: Vec<_> = f.iter().map(|f| f.stage.as_deref().unwrap()).collect();
    assert_eq!(stages, ["STARTTLS", "AUTH"]);
    assert_eq!(f[1].tls, Some(false));
    assert_eq!(t.auth_succeeded, Some(false));
}

#[test]
fn commands_without_replies_get_a_note_and_nothing_breaks() {
    let (t, notes) = parse_transcript("EHLO a.example.org\nMAIL FROM:<a@example.org>\n", 5);
    assert_eq!(t.exchanges.len(), 2);
    assert_eq!(notes.len(), 1);
    assert_eq!(t.span, Span::new(5, 50));
    for junk in [
        "",
        "<-",
        "-> \n<~*\n334\n\n",
        "S:\nC:\n354\n.\n",
        "250-\n250-\n",
        "AUTH PLAIN ====\n334 x\n\u{0}\u{ff}\n",
    ] {
        let (t, _) = parse_transcript(junk, 0);
        let _ = t.failures();
    }
}

#[test]
fn base64_user_names() {
    assert_eq!(decode_b64("YW5u").as_deref(), Some("ann"));
    assert_eq!(
        decode_b64("YW5uQGV4YW1wbGUub3Jn").as_deref(),
        Some("ann@example.org")
    );
    assert_eq!(decode_b64("not base64!"), None);
    assert_eq!(
        decode_b64("AGFubgBzZWNyZXQ=")
            .and_then(|s| plain_user(&s))
            .as_deref(),
        Some("ann")
    );
    assert_eq!(address("TO:<b@example.com> NOTIFY=NEVER"), "b@example.com");
    assert_eq!(address("FROM:<>"), "");
    assert_eq!(address("to: c@example.com"), "c@example.com");
}

#[test]
fn exim_bh_tracing_is_not_taken_for_commands() {
    let text = "\
**** SMTP testing session as if from host 192.0.2.8
**** This is not for real!

>>> host in hosts_connection_nolog? no (option unset)
220 mx.example.net ESMTP Exim 4.96
ehlo pc.example.org
>>> pc.example.org in helo_lookup_domains? no (end of list)
250-mx.example.net Hello pc.example.org [192.0.2.8]
250 HELP
mail from:<a@example.org>
250 OK
rcpt to:<b@example.com>
>>> using ACL \"acl_check_rcpt\"
>>> processing \"require\" (/etc/exim4/exim4.conf:101)
550 relay not permitted
LOG: H=(pc.example.org) [192.0.2.8] F=<a@example.org> rejected RCPT <b@example.com>: relay not permitted
";
    let (t, f) = failures_of(text);
    assert_eq!(t.style, Style::Bare);
    assert_eq!(t.server_software.as_deref(), Some("exim"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].stage.as_deref(), Some("RCPT"));
    assert_eq!(f[0].recipient.as_deref(), Some("b@example.com"));
    assert_eq!(f[0].text, "relay not permitted");
}

#[test]
fn line_endings_do_not_matter() {
    let lf = "220 mx.example.net ESMTP\nEHLO a.example.org\n250-mx.example.net\n250 SIZE 100\nRCPT TO:<b@example.com>\n550 5.1.1 no\n";
    let want = failures_of(lf).1;
    for other in [lf.replace('\n', "\r\n"), lf.replace('\n', "\r")] {
        let (t, got) = failures_of(&other);
        assert_eq!(t.ehlo[0].size, Some(100));
        assert_eq!(got.len(), want.len());
        assert_eq!(got[0].status, want[0].status);
        assert_eq!(slice(&other, got[0].reply_span.unwrap()), "550 5.1.1 no");
    }
}
