#![no_main]
//! Every parser on arbitrary input, each as if its segment were the whole paste. The first byte
//! picks the parser so one corpus serves all of them.
use libfuzzer_sys::fuzz_target;
use mailtriage::bounce::{charset, dsn, mime, plain, reason};
use mailtriage::{report::SegmentKind, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let opts = Options::default();
    match which % 16 {
        0 => drop(mailtriage::segment::segment(&text)),
        1 => drop(mailtriage::postfix::parse_main_cf(&text, 7, SegmentKind::MainCf, &opts)),
        2 => drop(mailtriage::postfix::parse_master_cf(&text, 7)),
        3 => drop(mailtriage::dovecot::parse(&text, 7, SegmentKind::DovecotConf, &opts)),
        4 => drop(mailtriage::log::parse(&text, 7)),
        5 => drop(mailtriage::smtp::parse_transcript(&text, 7).0.failures()),
        6 => drop(mailtriage::client_error::parse(&text, 7).0.failure()),
        7 => {
            // The relay trace over a config read from the input, for a fixed outside client.
            let (cfg, _) = mailtriage::postfix::parse_main_cf(&text, 7, SegmentKind::MainCf, &opts);
            let (master, _) = mailtriage::postfix::parse_master_cf(&text, 7);
            let q = mailtriage::relay::RelayQuery {
                client_ip: Some("198.51.100.7".into()),
                recipient: "x@example.com".into(),
                port: Some(25),
                ..Default::default()
            };
            drop(mailtriage::relay::trace(&cfg, Some(&master), &q));
        }
        // Bounces: the whole reader on raw bytes (mbox split first), then each layer alone.
        8 => {
            for msg in mailtriage::bounce::mbox_messages(rest) {
                drop(mailtriage::bounce::parse_message(msg, 7));
            }
        }
        9 => {
            let (head, body) = mime::split_head(rest);
            let walk = mime::walk(&mime::parse_header(head), body);
            drop(mime::decode_words(&text));
            drop(mime::base64(rest));
            drop(mime::quoted_printable(rest, true));
            for cs in ["iso-2022-jp", "shift_jis", "koi8-r", "gb2312", "x-bogus"] {
                drop(charset::decode(rest, cs));
            }
            drop(walk);
        }
        10 => drop(dsn::parse(&text)),
        11 => {
            drop(plain::read(&text, &[]));
            let _ = plain::original_start(&text);
            let _ = plain::salient_line(&text);
        }
        12 => {
            let lower = text.to_ascii_lowercase();
            let _ = reason::by_phrase(&lower);
            for command in ["", "RCPT", "DATA", "MAIL"] {
                let _ = reason::decide(&reason::Evidence {
                    status: mailtriage::smtp::reply::find_statuses(&text).first().map(|s| s.0),
                    diagnostic: &lower,
                    command,
                    action: "failed",
                    diagnostic_type: "smtp",
                });
            }
        }
        13 => {
            // Errors quoted in prose: the whole input as the person's own words.
            let seg = mailtriage::Segment {
                kind: SegmentKind::Prose,
                start: 0,
                end: text.len(),
                version: None,
            };
            drop(mailtriage::facts::gather(&text, &[seg], &opts));
        }
        14 => {
            // Secrets over the segments and facts of the input, then every masking pass.
            let (segments, _) = mailtriage::segment::segment(&text);
            let (facts, _) = mailtriage::facts::gather(&text, &segments, &opts);
            let secrets = mailtriage::secrets::find(&text, &segments, &facts);
            let red = mailtriage::secrets::Redactor::new(&secrets, &text);
            drop((red.input(), red.text(&text)));
        }
        _ => drop(mailtriage::bounce::parse_message(rest, 7)),
    }
});
