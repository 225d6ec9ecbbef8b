use super::*;
use crate::text::slice;

/// The secrets of a paste run through the whole pipeline, as (kind, value) pairs.
fn found(text: &str) -> Vec<(SecretKind, String)> {
    let r = crate::analyze(text, &Default::default());
    for s in &r.secrets {
        assert!(s.line.contains(s.span) || s.kind == SecretKind::PrivateKey);
    }
    r.secrets
        .iter()
        .map(|s| (s.kind, slice(text, s.span).to_owned()))
        .collect()
}

fn values(text: &str) -> Vec<String> {
    found(text).into_iter().map(|(_, v)| v).collect()
}

#[test]
fn sasl_password_map_lines() {
    let text = "# /etc/postfix/sasl_passwd\n[smtp.example.net]:587 relay@example.org:Winter2024!\n\
                relay.example.com   alice:pa ss\nbob@example.org   bob@example.org:B0bsPass\n";
    assert_eq!(
        values(text),
        ["Winter2024!", "B0bsPass"],
        "a space makes three words"
    );
    let r = crate::analyze(text, &Default::default());
    assert_eq!(
        r.secrets[0].setting.as_deref(),
        Some("smtp_sasl_password_maps")
    );
}

#[test]
fn map_lines_that_hold_no_password() {
    for text in [
        // transport, sender-dependent relayhost, virtual alias, aliases, relayhost itself.
        "example.com smtp:[relay.example.net]:587\n",
        "example.org lmtp:unix:private/dovecot-lmtp\n",
        "alice@example.org [smtp.example.net]:587\n",
        "alice@example.org bob@example.net\n",
        "root: alice\n",
        "relayhost = [smtp.example.net]:587\n",
        "at 12:30 the relay example.com 10:45\n",
        "smtpd_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n",
        "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n",
        "auth_mechanisms = plain login\n",
        "password_scheme = SHA512-CRYPT\ndefault_pass_scheme = SHA512-CRYPT\n",
        "auth_debug_passwords = yes\nauth_verbose_passwords = sha1:6\n",
        "password_query = SELECT username AS user, password FROM mailbox WHERE username = '%u'\n",
        "[smtp.example.net]:587 relay@example.org:********\n",
        "see http://www.example.org:8080/path and ldap://ldap.example.org:389\n",
    ] {
        assert_eq!(values(text), Vec::<String>::new(), "{text}");
    }
}

#[test]
fn static_and_inline_sasl_maps_in_main_cf_and_master_cf() {
    let text = "relayhost = [smtp.example.net]:587\nsmtp_sasl_auth_enable = yes\n\
                smtp_sasl_password_maps = static:relay@example.org:Winter2024!\n";
    assert_eq!(values(text), ["Winter2024!"]);
    let text =
        "smtp_sasl_password_maps = inline:{ [smtp.example.net]:587=a@example.org:pw-one,\n    \
                { [mx.example.com]:25 = b@example.org:pw two } }\n";
    assert_eq!(values(text), ["pw-one", "pw two"]);
    let text = "submission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n\
                relay unix - - n - - smtp\n  -o smtp_sasl_password_maps=static:{relay@example.org:S3cr3t}\n";
    let r = crate::analyze(text, &Default::default());
    assert_eq!(values(text), ["S3cr3t"], "{:?}", r.segments);
}

#[test]
fn map_files_of_postfix_tables() {
    let text = "/etc/postfix/mysql-virtual.cf:\nuser = mailuser\npassword = S3cretDbPass\n\
                hosts = 127.0.0.1\ndbname = mailserver\nquery = SELECT 1 FROM domains WHERE name='%s'\n\n\
                ldap-users.cf:\nserver_host = ldap.example.org\nbind = yes\nbind_dn = cn=postfix,dc=example,dc=org\nbind_pw = LdapB1nd!\n";
    assert_eq!(values(text), ["S3cretDbPass", "LdapB1nd!"]);
    assert_eq!(
        values("password = %{password}\npassword = \npass = yes\nargs = password=%w\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        values("password = 50%off-Sale\n"),
        ["50%off-Sale"],
        "a % inside is no variable"
    );
}

#[test]
fn dovecot_settings_and_side_files() {
    let text = "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nauth_mechanisms = plain login\n\
                passdb {\n  args = host=db.example.net user=dove password=s3cret dbname=mail\n  driver = ldap\n}\n\
                ssl_key_password = hunter22\nssl_cert = </etc/ssl/certs/mail.pem\nssl_key = </etc/ssl/private/mail.key\n";
    let got = found(text);
    assert_eq!(
        got,
        [
            (SecretKind::Password, "s3cret".to_owned()),
            (SecretKind::Password, "hunter22".to_owned())
        ]
    );
    let r = crate::analyze(text, &Default::default());
    assert_eq!(r.secrets[1].setting.as_deref(), Some("ssl_key_password"));
    // dovecot-sql.conf.ext, dovecot-ldap.conf.ext and 2.4 names.
    let text = "driver = mysql\nconnect = host=127.0.0.1 dbname=mail user=mailuser password=An0ther\n\
                default_pass_scheme = SHA512-CRYPT\n\ndn = cn=dovecot,dc=example,dc=org\ndnpass = LdapB1nd!\n\n\
                ssl_server_key_password = K3yPass\npassdb_static_password = St4tic\n";
    assert_eq!(values(text), ["An0ther", "LdapB1nd!", "K3yPass", "St4tic"]);
}

#[test]
fn hidden_values_are_not_secrets() {
    let text = "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\nssl_key = # hidden, use -P to show it\n\
                ssl_key_password = # hidden, use -P to show it\npassdb {\n  args = password=<hidden>\n  driver = static\n}\n";
    assert_eq!(values(text), Vec::<String>::new());
    assert!(!crate::analyze(text, &Default::default())
        .findings
        .iter()
        .any(|f| f.id == "privacy/secret_in_paste"));
}

#[test]
fn passwd_file_lines_and_hashes() {
    let text = "/etc/dovecot/users:\nalice@example.org:{PLAIN}alicepass:1000:1000::/home/alice\n\
                bob@example.org:{SHA512-CRYPT}$6$abcdefgh$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789::::\n\
                carol@example.org:{CRAM-MD5}0123456789abcdef0123456789abcdef:::\n\
                root:$6$saltsalt$Zm9vYmFyYmF6cXV4cXV1eHh4eXl5enp6MDEyMzQ1Njc4OQ:19000:0:99999:7:::\n";
    let got = found(text);
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], (SecretKind::Password, "alicepass".to_owned()));
    assert_eq!(got[1].0, SecretKind::PasswordHash);
    assert!(got[1].1.starts_with("$6$abcdefgh$"));
    assert_eq!(got[2].0, SecretKind::PasswordHash);
    assert!(got[3].1.starts_with("$6$saltsalt$"));
    let r = crate::analyze(text, &Default::default());
    assert!(r.secrets[2].label.contains("equivalent"));
    // Names, variables and empty schemes are not hashes.
    assert_eq!(
        values("myhostname = $myhostname\nx = {SHA512-CRYPT}\nprice is $6 and $5\n"),
        Vec::<String>::new()
    );
}

#[test]
fn auth_exchanges_in_transcripts_and_logs() {
    let text = "=== Trying smtp.example.net:587...\n<-  220 smtp.example.net ESMTP\n -> EHLO pc.example.org\n\
                <-  250-smtp.example.net\n<-  250 AUTH PLAIN LOGIN\n -> AUTH LOGIN\n<-  334 VXNlcm5hbWU6\n\
                 -> YWxpY2VAZXhhbXBsZS5vcmc=\n<-  334 UGFzc3dvcmQ6\n -> c2VjcmV0LXBhc3M=\n<** 535 5.7.8 Error: authentication failed\n";
    let got = found(text);
    assert_eq!(
        got,
        [
            (
                SecretKind::Credentials,
                "YWxpY2VAZXhhbXBsZS5vcmc=".to_owned()
            ),
            (SecretKind::Credentials, "c2VjcmV0LXBhc3M=".to_owned())
        ]
    );
    let log = "Mar  3 10:00:01 mx postfix/smtpd[123]: < unknown[192.0.2.7]: AUTH PLAIN AGFsaWNlAHNlY3JldA==\n\
               Mar  3 10:00:02 mx dovecot: auth: Debug: client in: AUTH\t1\tPLAIN\tservice=imap\tresp=AGJvYgBodW50ZXIy\n\
               Mar  3 10:00:03 mx dovecot: auth: Debug: client in: AUTH\t2\tPLAIN\tservice=imap\tresp=<hidden>\n\
               Mar  3 10:00:04 mx dovecot: auth: passwd-file(carol,192.0.2.9): Password mismatch (given password: Tr1ed-This)\n";
    assert_eq!(
        values(log),
        ["AGFsaWNlAHNlY3JldA==", "AGJvYgBodW50ZXIy", "Tr1ed-This"]
    );
    assert_eq!(
        values("-> AUTH PLAIN\n<- 334\n250-AUTH PLAIN LOGIN CRAM-MD5\n"),
        Vec::<String>::new()
    );
}

#[test]
fn headers_urls_oauth_and_private_keys() {
    let text =
        "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' https://api.example.com/\n\
                Authorization: Basic YWxpY2U6c2VjcmV0\n\
                introspection_url = https://dovecot:Cl1entS3cret@sso.example.org/introspect\n\
                client_id = dovecot\nclient_secret = 0a1b2c3d4e5f\n";
    assert_eq!(
        found(text),
        [
            (SecretKind::Token, "eyJhbGciOiJIUzI1NiJ9.e30.sig".to_owned()),
            (SecretKind::Credentials, "YWxpY2U6c2VjcmV0".to_owned()),
            (SecretKind::Password, "Cl1entS3cret".to_owned()),
            (SecretKind::ClientSecret, "0a1b2c3d4e5f".to_owned()),
        ]
    );
    let text = "ssl_key = -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n\
                -----END PRIVATE KEY-----\nssl = yes\n-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n";
    let got = found(text);
    assert_eq!(got.len(), 1, "a certificate is public: {got:?}");
    assert_eq!(got[0].0, SecretKind::PrivateKey);
    assert_eq!(
        got[0].1,
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7"
    );
    // Unterminated: the body ends where base64 lines end.
    let got = found("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\nthat was my key, sorry\n");
    assert_eq!(got, [(SecretKind::PrivateKey, "MIIEow\nAAAA".to_owned())]);
}

#[test]
fn forum_quoting_is_seen_through() {
    assert_eq!(
        values("> [smtp.example.net]:587 relay@example.org:Winter2024!\n> password = Qu0ted\n"),
        ["Winter2024!", "Qu0ted"]
    );
}

#[test]
fn redact_replaces_every_secret_and_keeps_lines() {
    let text = "smtp_sasl_password_maps = static:relay@example.org:Winter2024!\n\
                -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\nBKcwggSjAgEAAoIB\n-----END PRIVATE KEY-----\n\
                connect = host=db.example.net password=An0ther user=x\n";
    let r = crate::analyze(text, &Default::default());
    let red = redact(text, &r);
    assert_eq!(
        red,
        "smtp_sasl_password_maps = static:relay@example.org:•••••\n\
         -----BEGIN PRIVATE KEY-----\n•••••\n•••••\n-----END PRIVATE KEY-----\n\
         connect = host=db.example.net password=••••• user=x\n"
    );
    assert_eq!(red.lines().count(), text.lines().count());
    // A redacted paste holds no secret any more.
    assert!(crate::analyze(&red, &Default::default()).secrets.is_empty());
}

#[test]
fn redactor_masks_excerpts_by_span_and_text_by_value() {
    let text = "password = S3cretDbPass\nhosts = 127.0.0.1\n";
    let r = crate::analyze(text, &Default::default());
    let red = Redactor::for_report(&r, text);
    assert_eq!(red.excerpt(Span::new(0, 23)), "password = •••••");
    assert_eq!(red.excerpt(Span::new(14, 30)), "•••••\nhosts ");
    assert_eq!(
        red.text("it said S3cretDbPass twice: S3cretDbPass."),
        "it said ••••• twice: •••••."
    );
    assert_eq!(mask("nothing here", &r, text), "nothing here");
    // Out-of-range spans and texts shorter than a needle never panic.
    assert_eq!(red.excerpt(Span::new(5, 500)), "");
    assert_eq!(red.text("S3c"), "S3c");
}

#[test]
fn evidence_excerpts_join_folded_lines_and_stay_masked() {
    let text = "password = S3cretDbPass\nDiagnostic-Code: smtp; 550 5.1.1 <bo@example.org>:\n    no such user\n";
    let r = crate::analyze(text, &Default::default());
    let red = Redactor::for_report(&r, text);
    let all = Span::new(0, text.len());
    assert_eq!(
        red.excerpt_line(all, 200),
        "password = ••••• Diagnostic-Code: smtp; 550 5.1.1 <bo@example.org>: no such user"
    );
    // Cut to the characters asked for, with a mark that there is more.
    assert_eq!(red.excerpt_line(all, 16), "password = •••••…");
    assert_eq!(red.excerpt_line(Span::new(24, 40), 80), "Diagnostic-Code:");
    // Spans that end past the text, start inside a character, or are empty never panic.
    assert_eq!(excerpt_line("née", Span::new(2, 99), &[], 10), "e");
    assert_eq!(excerpt_line("", Span::new(3, 1), &[], 10), "");
}

#[test]
fn the_finding_names_kinds_and_settings_never_values() {
    let text = "smtp_sasl_password_maps = static:relay@example.org:Winter2024!\n\
                alice@example.org:{SHA512-CRYPT}$6$abcdefgh$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789::::\n";
    let r = crate::analyze(text, &Default::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "privacy/secret_in_paste")
        .expect("finding");
    assert_eq!(f.severity, crate::Severity::Warning);
    assert!(
        f.summary.contains("1 password and 1 password hash"),
        "{}",
        f.summary
    );
    assert_eq!(f.params, ["smtp_sasl_password_maps"]);
    assert_eq!(f.evidence.len(), 2);
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        !json.contains("Winter2024!") && !json.contains("AbCdEfGhIjKl"),
        "{json}"
    );
    // Hashes alone are information.
    let r = crate::analyze(
        "alice@example.org:{SHA512-CRYPT}$6$abcdefgh$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789::::\n",
        &Default::default(),
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "privacy/secret_in_paste");
    assert_eq!(f.map(|f| f.severity), Some(crate::Severity::Info));
}

#[test]
fn long_lines_of_secrets_stay_linear() {
    let line = "connect = ".to_owned() + &"password=x1234 ".repeat(20_000);
    let t = std::time::Instant::now();
    let n = values(&line).len();
    assert_eq!(n, 20_000);
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
    let tricky = ":$a=".repeat(50_000) + &"resp=".repeat(50_000) + &"authorization:".repeat(20_000);
    let _ = values(&tricky);
}

#[test]
fn passwords_in_test_sessions_and_commands() {
    let text = "a1 LOGIN alice@example.org \"Imap-Pw-1\"\nC: PASS Pop3-Pw-2\na002 login bob Imap-Pw-7\n\
                swaks --to b@example.com --server mail.example.net:587 --auth LOGIN --auth-user a@example.org --auth-password Swaks-Pw-3\n\
                doveadm auth test -x service=imap alice@example.org Doveadm-Pw-4\n\
                testsaslauthd -u alice -p Sasl-Pw-5\n\
                printf '\\0alice@example.org\\0Printf-Pw-6' | base64\n";
    assert_eq!(
        values(text),
        [
            "Imap-Pw-1",
            "Pop3-Pw-2",
            "Imap-Pw-7",
            "Swaks-Pw-3",
            "Doveadm-Pw-4",
            "Sasl-Pw-5",
            "Printf-Pw-6"
        ]
    );
    for near in [
        "a1 LOGIN\n",
        "a1 OK LOGIN completed\n",
        "you login as root\n",
        "pass it on\n",
        "PASS\n",
        "doveadm auth test alice@example.org\n",
        "swaks --to b@example.com --auth LOGIN\n",
        "printf 'one\\0two' | base64\n",
        "testsaslauthd -u username -p password -s smtp\n",
        "# base64 of \\x00username\\x00password\n",
        "EMAIL_HOST_PASSWORD = 'secret'\n",
    ] {
        assert_eq!(values(near), Vec::<String>::new(), "{near}");
    }
}

#[test]
fn mask_spans_hides_every_covered_part_and_only_that() {
    let paste = "user=bob password=Hunter2Secret! end\nnext";
    let pw = paste.find("Hunter2").unwrap();
    let eol = paste.find('\n').unwrap();
    let secret = [Span::new(pw, pw + "Hunter2Secret!".len())];
    assert_eq!(
        mask_spans(paste, Span::new(0, eol), &secret),
        "user=bob password=••••• end"
    );
    // The excerpt starts inside the secret; overlapping spans give one mask; spans elsewhere
    // change nothing.
    let spans = [
        Span::new(pw, pw + 14),
        Span::new(pw + 5, pw + 15),
        Span::new(paste.len() - 2, paste.len()),
    ];
    assert_eq!(
        mask_spans(paste, Span::new(pw + 3, eol), &spans),
        "•••••end"
    );
    assert_eq!(mask_spans("plain", Span::new(0, 5), &spans[2..]), "plain");
    // Spans that cut a character are widened to whole characters.
    let t = "pw=éé!";
    assert_eq!(
        mask_spans(t, Span::new(0, t.len()), &[Span::new(4, 6)]),
        "pw=•••••!"
    );
}

#[test]
fn marker_pass_agrees_with_plain_searches() {
    // Lines built from pieces of the marker words, in both cases, at every offset.
    let pieces = [
        "au",
        "auth",
        "AUTH ",
        "resp",
        "resp=",
        "giv",
        "given password",
        "GIVEN PASSWORD",
        "lo",
        "login",
        "pa",
        "PASS",
        "swak",
        "swaks",
        "doveadm",
        "testsaslauthd",
        "d=",
        "W=",
        "x=",
        ":/",
        "://",
        "{",
        "$",
        "\\",
        ":",
        " ",
        "é",
        "pw",
        "PWD",
        "secre",
        "Secret",
        "bind_p",
        "bind_pw",
    ];
    let mut x = 7u32;
    for _ in 0..3000 {
        let mut line = String::new();
        for _ in 0..(x % 7) {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            line.push_str(pieces[(x >> 8) as usize % pieces.len()]);
        }
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let f = MARKERS.found(&line);
        let lower = line.to_ascii_lowercase();
        for (k, w) in MARKERS.words.iter().enumerate() {
            assert_eq!(
                f.words & (1 << k) != 0,
                lower.contains(w),
                "{w} in {line:?}"
            );
        }
        for (k, c) in [b'{', b'$', b':', b'\\', b'='].iter().enumerate() {
            assert_eq!(
                f.bytes & (1 << k) != 0,
                line.as_bytes().contains(c),
                "{line:?}"
            );
        }
    }
}
