use super::with_postconf;
use crate::checks::Check;
use crate::facts::Facts;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/myhostname_not_fqdn",
    title: "myhostname is not a fully qualified domain name",
    severity: Severity::Warning,
    doc: r#"## What it does
Reports a `myhostname` written in the paste that is not a public fully qualified name: a single
label (`mail`), `localhost` / `localhost.localdomain`, an address, or a name under a private
suffix (`.local`, `.localdomain`, `.lan`, `.home.arpa`, `.internal`). When `smtp_helo_name`
is set to a proper name, the HELO problem is gone and only information remains.

## Why is this bad?
Postfix greets other servers with `$myhostname` (HELO/EHLO) and derives `$mydomain`,
`$myorigin` and the default `mydestination` from it. A single label makes Postfix warn `My
hostname … is not a fully qualified name` and fall back to `localdomain`; receiving servers
reject a HELO that is not a resolvable FQDN (`504 5.5.2 … Helo command rejected: need
fully-qualified hostname`) or score it as spam. It should match the PTR record of the sending
address.

## Example
```
myhostname = mail
```

## Use instead
```
myhostname = mail.example.net
```

## References
- postconf(5) myhostname: https://www.postfix.org/postconf.5.html#myhostname
- postconf(5) smtp_helo_name: https://www.postfix.org/postconf.5.html#smtp_helo_name
- RFC 5321 section 4.1.1.1 (EHLO takes a fully qualified domain name): https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.1
"#,
    fail: pastes![
        "myhostname = mail\nmydestination = $myhostname, localhost\n",
        "myhostname = localhost.localdomain\n",
        "myhostname = mx.example.local\n",
    ],
    pass: pastes![
        "myhostname = mail.example.net\nmydestination = $myhostname, localhost\n",
        "mydestination = $myhostname, localhost\n",
    ],
    run,
};

const PRIVATE_SUFFIXES: &[&str] = &[
    ".local",
    ".localdomain",
    ".lan",
    ".home.arpa",
    ".internal",
    ".localhost",
];

/// Why the name is not a public FQDN.
fn problem(h: &str) -> Option<&'static str> {
    let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
    // Unexpanded or redacted (`*** my hostname ***`): not a name to judge.
    if h.contains('$') || !super::is_domain_like(&h) {
        return None;
    }
    if crate::postfix::network::parse_ip(&h).is_some() {
        return Some("an IP address, not a host name");
    }
    if h == "localhost" || h.starts_with("localhost.") {
        return Some("a loopback name");
    }
    if !h.contains('.') {
        return Some("a single label without a domain");
    }
    if PRIVATE_SUFFIXES.iter().any(|s| h.ends_with(s)) {
        return Some("a name under a private suffix, unknown in public DNS");
    }
    None
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let Some(p) = cfg.get("myhostname") else {
            continue;
        };
        let h = cfg.expand(&p.value.text);
        let Some(why) = problem(&h) else { continue };
        let helo_ok = cfg
            .get("smtp_helo_name")
            .map(|x| cfg.expand(&x.value.text))
            .is_some_and(|x| problem(&x).is_none() && !x.contains('$') && x.contains('.'));
        let sev = if helo_ok {
            Severity::Info
        } else {
            CHECK.severity
        };
        let mut summary = format!("`myhostname = {}` is {why}.", h.trim());
        if !h.contains('.') && !cfg.is_explicit("mydomain") {
            summary.push_str(
                " Postfix warns \"My hostname … is not a fully qualified name\" and uses \
                 `localdomain` for $mydomain.",
            );
        }
        if helo_ok {
            summary.push_str(
                " smtp_helo_name supplies a proper HELO name, but $myhostname still feeds \
                 $mydomain, $myorigin and mydestination.",
            );
        } else {
            summary.push_str(
                " It is the HELO name sent to other servers, many of which refuse it or count it \
                 as spam.",
            );
        }
        let mut f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(summary)
            .confidence(0.85)
            .param("myhostname")
            .side(Side::SenderServer)
            .evidence(p.span, "host name");
        f = super::evidence_line(f, cfg, "smtp_helo_name", "HELO name");
        f = f.fix(
            "Set the public name whose A/AAAA record points at this server and which its PTR \
             record names, then `postfix reload`.",
            Some("myhostname = mail.example.net".into()),
        );
        out.push(with_postconf(f, &["myhostname", "smtp_helo_name"]));
    }
}
