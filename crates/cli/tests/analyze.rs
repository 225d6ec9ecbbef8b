//! `mailtriage analyze --format json` end to end: the report's top-level parts are all there
//! (the JSON contract the page and scripts read), and a pasted SMTP session comes back step by
//! step with its refusal, and without the AUTH credentials it carried.

use std::io::Write;
use std::process::{Command, Stdio};

fn analyze_json(text: &str) -> serde_json::Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailtriage"))
        .args(["analyze", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run mailtriage");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("mailtriage output");
    serde_json::from_slice(&out.stdout).expect("one JSON report")
}

#[test]
fn the_report_has_every_part_and_an_smtp_session_step_by_step() {
    // AUTH PLAIN with an initial response: base64 of "\0ann@example.org\0Quince-Lantern-42".
    let text = "\
=== Trying mx.example.net:587...
=== Connected to mx.example.net.
<-  220 mx.example.net ESMTP Postfix
 -> EHLO pc.example.org
<-  250-mx.example.net
<-  250-AUTH PLAIN LOGIN
<-  250 SIZE 10240000
 -> AUTH PLAIN AGFubkBleGFtcGxlLm9yZwBRdWluY2UtTGFudGVybi00Mg==
<** 535 5.7.8 Error: authentication failed: authentication failure
 -> QUIT
<-  221 2.0.0 Bye
";
    let r = analyze_json(text);
    for key in [
        "input_len",
        "segments",
        "findings",
        "bounces",
        "notes",
        "relay_trace",
        "secrets",
        "smtp_sessions",
    ] {
        assert!(r.get(key).is_some(), "no `{key}` in the report");
    }
    let s = &r["smtp_sessions"][0];
    assert_eq!(s["style"], "swaks");
    assert_eq!(s["port"], 587);
    assert_eq!(s["auth"], false);
    assert_eq!(s["offered"]["auth_mechanisms"][0], "PLAIN");
    let steps = s["steps"].as_array().expect("steps");
    let auth = steps
        .iter()
        .find(|x| x["stage"] == "AUTH")
        .expect("the AUTH step");
    assert_eq!(auth["reply_code"], 535);
    assert_eq!(auth["status"], "5.7.8");
    let whole = r.to_string();
    assert!(
        !whole.contains("AGFubkBleGFtcGxlLm9yZwBRdWluY2UtTGFudGVybi00Mg"),
        "the credentials are in the report"
    );
    assert!(s["described"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "AUTH refused"));
}
