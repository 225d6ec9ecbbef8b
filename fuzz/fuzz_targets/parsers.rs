#![no_main]
//! Every parser on arbitrary input, each as if its segment were the whole paste. The first byte
//! picks the parser so one corpus serves all of them.
use libfuzzer_sys::fuzz_target;
use mailtriage::{report::SegmentKind, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let opts = Options::default();
    match which % 10 {
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
        8 => drop(mailtriage::bounce::parse_message(rest, 7)),
        _ => {
            // Secrets over the segments and facts of the input, then every masking pass.
            let (segments, _) = mailtriage::segment::segment(&text);
            let (facts, _) = mailtriage::facts::gather(&text, &segments, &opts);
            let secrets = mailtriage::secrets::find(&text, &segments, &facts);
            let red = mailtriage::secrets::Redactor::new(&secrets, &text);
            drop((red.input(), red.text(&text)));
        }
    }
});
