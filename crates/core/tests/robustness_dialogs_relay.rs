//! Property tests for the client-dialog parser and the relay trace: no input panics, every span
//! stays inside the input, and dialogs built from random field values read back those values.

use mailtriage::client_error;
use mailtriage::postfix::{parse_main_cf, parse_master_cf};
use mailtriage::relay::{trace, RelayQuery};
use mailtriage::report::SegmentKind;
use mailtriage::Options;
use proptest::prelude::*;

fn within(s: mailtriage::Span, base: usize, len: usize) -> bool {
    s.start <= s.end && s.start >= base && s.end <= base + len
}

/// The diagnosis fixtures (whole pastes with a failure and a config).
fn diagnosis_pastes() -> Vec<String> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/diagnosis");
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn dialogs_never_panic_and_spans_stay_inside(s in "\\PC{0,300}", base in 0usize..1000) {
        let (c, notes) = client_error::parse(&s, base);
        for f in &c.fields {
            prop_assert!(within(f.span, base, s.len()) && within(f.value_span, base, s.len()));
        }
        if let Some(r) = &c.response {
            prop_assert!(within(r.span, base, s.len()));
        }
        for n in notes {
            prop_assert!(n.start >= base && n.end <= base + s.len());
        }
        if let Some(f) = c.failure() {
            prop_assert!(within(f.span, base, s.len()));
        }
    }

    #[test]
    fn dialog_fields_read_back(
        port in 1u16..65535,
        tls in any::<bool>(),
        code in 400u16..599,
        local in "[a-z]{1,8}",
        wrap in 8usize..60,
        lang in 0usize..3,
    ) {
        let (resp, p, sec, yes, no, num) = [
            ("Server Response", "Port", "Secure(SSL)", "Yes", "No", "Error Number"),
            ("Serverantwort", "Port", "Sicher (SSL)", "Ja", "Nein", "Fehlernummer"),
            ("Respuesta del servidor", "Puerto", "Seguro (SSL)", "Sí", "No", "Número de error"),
        ][lang];
        let text = format!(
            "The rejected e-mail address was '{local}@example.com'. Subject 'x', Account: 'a.example.net', Server: 'a.example.net', Protocol: SMTP, {resp}: '{code} 5.7.1 <{local}@example.com>: Relay access denied', {p}: {port}, {sec}: {}, Server Error: {code}, {num}: 0x800CCC79",
            if tls { yes } else { no }
        );
        // Wrapped at an arbitrary width on spaces, as a window would.
        let mut wrapped = String::new();
        let mut col = 0;
        for w in text.split(' ') {
            if col > 0 && col + w.len() > wrap {
                wrapped.push_str("\r\n");
                col = 0;
            } else if col > 0 {
                wrapped.push(' ');
                col += 1;
            }
            wrapped.push_str(w);
            col += w.len();
        }
        let (c, _) = client_error::parse(&wrapped, 0);
        prop_assert_eq!(c.port, Some(port));
        prop_assert_eq!(c.tls, Some(tls));
        let r = c.response.unwrap();
        prop_assert_eq!(r.code, Some(code));
        prop_assert_eq!(r.text, format!("<{local}@example.com>: Relay access denied"));
        let rcpt = format!("{local}@example.com");
        prop_assert_eq!(c.recipients.first(), Some(&rcpt));
    }

    #[test]
    fn traces_never_panic_on_any_config(
        main in "\\PC{0,300}",
        master in "\\PC{0,200}",
        ip in proptest::option::of("[0-9a-f:.\\[\\]]{0,20}"),
        rcpt in "[a-z@.]{0,20}",
        port in proptest::option::of(any::<u16>()),
        auth in any::<bool>(),
        tls in proptest::option::of(any::<bool>()),
    ) {
        let (cfg, _) = parse_main_cf(&main, 0, SegmentKind::MainCf, &Options::default());
        let (m, _) = parse_master_cf(&master, main.len());
        let q = RelayQuery {
            client_ip: ip,
            authenticated: auth,
            port,
            tls,
            recipient: rcpt,
            ..Default::default()
        };
        let t = trace(&cfg, Some(&m), &q);
        for s in &t.steps {
            if let Some(sp) = s.span() {
                prop_assert!(sp.end <= main.len() + master.len());
            }
        }
        prop_assert!(t.steps.iter().filter(|s| s.deciding).count() <= 1);
    }

    #[test]
    fn restriction_lists_of_any_shape_trace(
        items in proptest::collection::vec(prop_oneof![
            Just("permit_mynetworks"), Just("permit_sasl_authenticated"), Just("reject_unauth_destination"),
            Just("defer_unauth_destination"), Just("permit"), Just("reject"), Just("defer"),
            Just("check_recipient_access hash:/etc/postfix/a"), Just("reject_rbl_client zen.example.net"),
            Just("cls"), Just("permit_auth_destination"), Just("reject_non_fqdn_recipient"),
        ], 0..12),
    ) {
        // `cls` is a restriction class that names itself: recursion must stop.
        let main = format!(
            "smtpd_restriction_classes = cls\ncls = cls, {}\nsmtpd_relay_restrictions = {}\n",
            items.join(", "),
            items.join(", ")
        );
        let (cfg, _) = parse_main_cf(&main, 0, SegmentKind::MainCf, &Options::default());
        let q = RelayQuery { client_ip: Some("198.51.100.1".into()), recipient: "x@example.com".into(), ..Default::default() };
        let t = trace(&cfg, None, &q);
        prop_assert!(t.steps.len() < 2000);
    }

    #[test]
    fn cut_pastes_keep_every_trace_span_inside(pick in any::<usize>(), cut in any::<usize>(), splice in any::<usize>()) {
        let all = diagnosis_pastes();
        prop_assume!(!all.is_empty());
        let base = &all[pick % all.len()];
        // Cut a piece out of the middle (on char boundaries), as a careless copy would.
        let mut a = cut % (base.len() + 1);
        while !base.is_char_boundary(a) { a -= 1; }
        let mut b = (a + splice % 200).min(base.len());
        while !base.is_char_boundary(b) { b -= 1; }
        let input = format!("{}{}", &base[..a], &base[b..]);
        let r = mailtriage::analyze(&input, &Options::default());
        if let Some(t) = &r.relay_trace {
            let n = input.len();
            for sp in t.steps.iter().filter_map(|s| s.span())
                .chain(t.auth.tls_auth_only_span)
                .chain(t.auth.sasl_enabled_span)
                .chain(t.service_span)
                .chain(t.failure_span)
                .chain(Some(t.config_span))
            {
                prop_assert!(sp.start <= sp.end && sp.end <= n);
            }
        }
        let _ = mailtriage::render::text(&r, &input);
        let _ = mailtriage::render::markdown(&r, &input);
    }
}
