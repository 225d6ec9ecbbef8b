//! Prints the segments of each file given (kind, line range, version), and with `--time-10mb`
//! the time to segment and parse a generated 10 MB paste of config and log text.
//!
//! `cargo run --release -p mailtriage-core --example segments -- FILE…`
//! `cargo run --release -p mailtriage-core --example segments -- --time-10mb`

use mailtriage::text::line_number;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--time-10mb") {
        return time_10mb();
    }
    for path in args {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let input = String::from_utf8_lossy(&bytes);
        let (segs, notes) = mailtriage::segment::segment(&input);
        println!("== {path}");
        for s in segs {
            let first = input[s.start..s.end].lines().next().unwrap_or("");
            println!(
                "{:<15} {:>4}-{:<4} {:<8} {}",
                s.kind.as_str(),
                line_number(&input, s.start),
                line_number(&input, s.end.saturating_sub(1).max(s.start)),
                s.version.unwrap_or_default(),
                mailtriage::text::clip(first, 60)
            );
        }
        for n in notes {
            println!("note {}: {}", line_number(&input, n.start), n.message);
        }
    }
}

fn time_10mb() {
    let block = "Here is my config:\n\npostconf -n\n\nalias_maps = hash:/etc/aliases\n\
        mydestination = $myhostname, localhost\nmyhostname = mx.example.net\n\
        mynetworks = 127.0.0.0/8 [::1]/128 192.0.2.0/24\n\
        smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated,\n    \
        check_recipient_access hash:/etc/postfix/rcpt, reject_unauth_destination\n\n\
        Jul 18 08:25:19 mx postfix/smtpd[29282]: connect from a.example.org[192.0.2.10]\n\
        Jul 18 08:25:19 mx postfix/smtpd[29282]: NOQUEUE: reject: RCPT from a.example.org[192.0.2.10]: 554 5.7.1 <b@example.com>: Relay access denied; from=<a@example.org> to=<b@example.com> proto=ESMTP helo=<pc>\n\
        Jul 18 08:25:19 mx postfix/smtpd[29282]: disconnect from a.example.org[192.0.2.10]\n\n";
    let mut paste = String::new();
    while paste.len() < 10 * 1024 * 1024 {
        paste.push_str(block);
    }
    let log: String = block
        .lines()
        .filter(|l| l.starts_with("Jul"))
        .map(|l| format!("{l}\n"))
        .cycle()
        .take(10 * 1024 * 1024 / 150)
        .collect();
    let main_cf: String = (0..)
        .map(|i| {
            format!("p{i}_restrictions = permit_mynetworks,\n    reject_unauth_destination\n# c\n")
        })
        .take_while({
            let mut n = 0;
            move |s: &String| {
                n += s.len();
                n < 10 * 1024 * 1024
            }
        })
        .collect();
    for (name, text) in [("mixed", &paste), ("log", &log), ("main.cf", &main_cf)] {
        let t = Instant::now();
        let (segs, _) = mailtriage::segment::segment(text);
        let seg_time = t.elapsed();
        let t = Instant::now();
        let opts = mailtriage::Options::default();
        let mut params = 0;
        for s in &segs {
            if s.kind.is_postfix_config() {
                let (c, _) = mailtriage::postfix::parse_main_cf(
                    &text[s.start..s.end],
                    s.start,
                    s.kind,
                    &opts,
                );
                params += c.params.len();
                let _ = c.restrictions("smtpd_recipient_restrictions");
            }
        }
        println!(
            "{name}: {:.1} MB, {} segments, {params} params: segment {:?}, parse postfix {:?}",
            text.len() as f64 / 1e6,
            segs.len(),
            seg_time,
            t.elapsed()
        );
    }
}
