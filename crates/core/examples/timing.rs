//! Times the whole analysis (`mailtriage::analyze`: segmenting, every parser, checks, knowledge
//! base) on seed 002 when `../shared/seeds` is there, and on generated mail logs and mixed pastes
//! of 1, 5 and 10 MB, to show the time grows linearly with the paste, and on 10 MB of shapes that
//! would expose quadratic paths.
//!
//! `cargo run --release -p mailtriage-core --example timing [-- FILE…]`
//!
//! Each input is analysed `RUNS` times and the best time is printed (the machine is shared).

use mailtriage::{analyze, Options};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const MB: usize = 1_000_000;

fn main() {
    let files: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let files = if files.is_empty() { seed_002() } else { files };
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        report(&path.display().to_string(), &text, 20);
    }
    for size in [MB, 5 * MB, 10 * MB] {
        report(&format!("mail log {} MB", size / MB), &mail_log(size), RUNS);
    }
    for size in [MB, 5 * MB, 10 * MB] {
        report(&format!("mixed paste {} MB", size / MB), &mixed(size), RUNS);
    }
    // Shapes that would expose quadratic paths: one endless line, endless section openings, one
    // multi-line reply that never ends, a message body that never ends.
    let hostile: [(&str, &str); 8] = [
        (
            "10 MB same parameter",
            "relayhost = [smtp.example.net]:587\n",
        ),
        (
            "10 MB continuations",
            "smtpd_relay_restrictions =\n  permit_mynetworks,\n  $smtpd_relay_restrictions,\n",
        ),
        (
            "10 MB master.cf",
            "smtp inet n - y - - smtpd\n  -o smtpd_tls_security_level=may\n",
        ),
        (
            "one 10 MB line",
            "smtpd_recipient_restrictions = permit_mynetworks, ",
        ),
        ("10 MB of `x {`", "x {\n"),
        ("10 MB of `250-`", "250-PIPELINING\n"),
        ("10 MB after 354", "DATA\n354 go ahead\nSubject: x\n"),
        (
            "10 MB bounces left for logs",
            "From: MAILER-DAEMON@mx.example.net\nTo: a@example.org\n\nwords\n\nmore words\n---\nJul 18 08:25:19 mx postfix/smtpd[1]: connect\n",
        ),
    ];
    for (name, unit) in hostile {
        let text = unit.repeat(10 * MB / unit.len());
        report(name, &text, 1);
    }
}

fn seed_002() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("no seeds under {} (skipped)", dir.display());
        return Vec::new();
    };
    rd.flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("002_"))
        })
        .collect()
}

fn report(name: &str, text: &str, runs: usize) {
    let opts = Options::default();
    let mut best = Duration::MAX;
    let mut summary = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = analyze(text, &opts);
        let took = t.elapsed();
        if took < best {
            best = took;
            summary = format!(
                "{} segments, {} findings, {} notes",
                r.segments.len(),
                r.findings.len(),
                r.notes.len()
            );
        }
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "{name:<22} {:>9} bytes  {:>10.3} ms  {:>7.1} ms/MB  ({summary})",
        text.len(),
        best.as_secs_f64() * 1e3,
        best.as_secs_f64() * 1e3 / mb.max(1e-9)
    );
}

/// A mail server's log: Postfix, Dovecot, Exim and Sendmail lines of many kinds, with queue ids,
/// addresses and clients that change from line to line.
fn mail_log(size: usize) -> String {
    let mut out = String::with_capacity(size + 512);
    let mut i: u64 = 0;
    while out.len() < size {
        let n = i % 250;
        let qid = format!("4F{:08X}", i.wrapping_mul(2_654_435_761) & 0xFFFF_FFFF);
        let ip = format!("198.51.100.{}", n + 1);
        let t = format!(
            "Dec  1 {:02}:{:02}:{:02}",
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        );
        let line = match i % 12 {
            0 => format!("{t} mx postfix/smtpd[{n}]: connect from c{n}.example.org[{ip}]"),
            1 => format!("{t} mx postfix/smtpd[{n}]: NOQUEUE: reject: RCPT from c{n}.example.org[{ip}]: 554 5.7.1 <u{n}@example.com>: Relay access denied; from=<s{n}@example.org> to=<u{n}@example.com> proto=ESMTP helo=<c{n}>"),
            2 => format!("{t} mx postfix/smtpd[{n}]: {qid}: client=c{n}.example.org[{ip}], sasl_method=PLAIN, sasl_username=user{n}@example.net"),
            3 => format!("{t} mx postfix/smtp[{n}]: {qid}: to=<r{n}@example.com>, relay=mx.example.com[203.0.113.5]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[203.0.113.5] said: 550 5.1.1 <r{n}@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))"),
            4 => format!("{t} mx postfix/smtp[{n}]: {qid}: to=<d{n}@example.com>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.com[203.0.113.5]:25: Connection timed out)"),
            5 => format!("{t} mx postfix/submission/smtpd[{n}]: warning: unknown[{ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6"),
            6 => format!("{t} mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<user{n}@example.net>, method=PLAIN, rip={ip}, lip=192.0.2.2, TLS, session=<x{n}>"),
            7 => format!("2026-12-01 10:00:{:02} H=(c{n}.example.org) [{ip}] F=<s{n}@example.org> rejected RCPT <u{n}@example.com>: relay not permitted", i % 60),
            8 => format!("{t} mx sm-mta[{n}]: 0B1{qid}: ruleset=check_rcpt, arg1=<u{n}@example.com>, relay=c{n}.example.org [{ip}], reject=550 5.7.1 <u{n}@example.com>... Relaying denied"),
            9 => format!("{t} mx postfix/smtpd[{n}]: warning: TLS library problem: error:0A000126:SSL routines::unexpected eof while reading"),
            10 => format!("{t} mx postfix/qmgr[{n}]: {qid}: from=<s{n}@example.org>, size=2114, nrcpt=1 (queue active)"),
            _ => format!("{t} mx postfix/smtpd[{n}]: disconnect from c{n}.example.org[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"),
        };
        out.push_str(&line);
        out.push('\n');
        i += 1;
    }
    out
}

/// Forum-post blocks repeated: prose, `postconf -n`, `master.cf`, `doveconf -n`, a log excerpt, a
/// bounce, an SMTP transcript and a client dialog, in changing combinations.
fn mixed(size: usize) -> String {
    let blocks: [&str; 8] = [
        "Hello, since yesterday my users cannot send mail to outside domains. Here is what I have.\n\n",
        "postconf -n\n\nalias_maps = hash:/etc/aliases\nbiff = no\ncompatibility_level = 3.6\ninet_interfaces = all\nmail_version = 3.7.11\nmydestination = $myhostname, localhost.$mydomain, localhost\nmyhostname = mx.example.net\nmynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 192.0.2.0/24\nsmtpd_recipient_restrictions = permit_mynetworks, check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination\nsmtpd_relay_restrictions = ${{$compatibility_level} <level {1} ? {} : {permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}\nsmtpd_sasl_auth_enable = yes\nsmtpd_sasl_path = private/auth\nsmtpd_sasl_type = dovecot\n\n",
        "master.cf:\n\nsmtp      inet  n       -       y       -       -       smtpd\nsubmission inet n       -       y       -       -       smtpd\n  -o syslog_name=postfix/submission\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject\npickup    unix  n       -       y       60      1       pickup\n\n",
        "doveconf -n\n\n# 2.3.21 (47349e2482): /etc/dovecot/dovecot.conf\n# OS: Linux 6.1.0 x86_64 Debian 12.8\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\nprotocols = imap lmtp\nservice auth {\n  unix_listener /var/spool/postfix/private/auth {\n    group = postfix\n    mode = 0660\n    user = postfix\n  }\n}\nssl = required\n\n",
        "The log says:\n\nDec  1 10:00:00 mx postfix/smtpd[4121]: connect from pc.example.org[203.0.113.9]\nDec  1 10:00:00 mx postfix/smtpd[4121]: NOQUEUE: reject: RCPT from pc.example.org[203.0.113.9]: 554 5.7.1 <a@example.com>: Relay access denied; from=<me@example.net> to=<a@example.com> proto=ESMTP helo=<pc>\nDec  1 10:00:01 mx postfix/smtpd[4121]: disconnect from pc.example.org[203.0.113.9] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4\n\n",
        "The bounce:\n\nFrom: MAILER-DAEMON@mx.example.net (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<b@example.com>: host mx.example.com[198.51.100.7] said: 550 5.1.1 <b@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n",
        "With telnet:\n\n220 mx.example.net ESMTP Postfix\nEHLO pc.example.org\n250-mx.example.net\n250-PIPELINING\n250-SIZE 10240000\n250 STARTTLS\nMAIL FROM:<me@example.net>\n250 2.1.0 Ok\nRCPT TO:<a@example.com>\n554 5.7.1 <a@example.com>: Relay access denied\nQUIT\n221 2.0.0 Bye\n\n",
        "Outlook shows:\n\nThe rejected e-mail address was 'a@example.com'. Subject 'Hi', Account: 'mx.example.net', Server: 'mx.example.net', Protocol: SMTP, Server Response: '554 5.7.1 <a@example.com>: Relay access denied', Port: 25, Secure(SSL): No, Server Error: 554, Error Number: 0x800CCC79\n\nAny idea what is wrong?\n\n",
    ];
    let mut out = String::with_capacity(size + 4096);
    let mut i = 0usize;
    while out.len() < size {
        // Change the order and the mix so no two neighbouring posts are the same.
        out.push_str(blocks[0]);
        for k in 1..blocks.len() {
            if !(i + k).is_multiple_of(3) {
                out.push_str(blocks[(k + i) % (blocks.len() - 1) + 1]);
            }
        }
        i += 1;
    }
    out
}
