use super::{evidence_line, list_for, smtpd_services, walk, with_postconf, Smtpd};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::{Cidr, NetworkEntry, PostfixConfig};
use crate::report::{Finding, Severity, Side};
use std::net::IpAddr;

pub static CHECK: Check = Check {
    id: "postfix/open_relay_mynetworks",
    title: "mynetworks trusts the whole Internet (open relay)",
    severity: Severity::Critical,
    doc: r#"## What it does
Reads `mynetworks` (in main.cf and in master.cf `-o mynetworks=` overrides of services that are
reachable from outside) and reports address blocks that cover every address (`0.0.0.0/0`,
`::/0`) or a wide public range (an IPv4 block wider than /16, an IPv6 block wider than /32, that
is not private address space). It also reports `mynetworks_style = class` when `mynetworks`
itself is not set.

## Why is this bad?
`permit_mynetworks` lets every client in `mynetworks` relay mail to any destination without
logging in. With the whole Internet (or your provider's whole network) in that list, anyone can
send spam through your server: it gets listed on block lists within hours and your own mail
stops being delivered. `mynetworks_style = class` trusts the whole class A/B/C network of every
interface address, which on a rented server is your hosting provider's customers.

`mynetworks_style = subnet` is not reported: whether the interface's subnet is yours depends on
the host, which the paste does not show.

## Example
```
mynetworks = 0.0.0.0/0
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## Use instead
Trust only the host itself (plus a LAN you control), and let remote users authenticate:
```
mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128
```

## References
- postconf(5) mynetworks: https://www.postfix.org/postconf.5.html#mynetworks
- postconf(5) mynetworks_style: https://www.postfix.org/postconf.5.html#mynetworks_style
- SMTPD_ACCESS_README: https://www.postfix.org/SMTPD_ACCESS_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nmynetworks = 127.0.0.0/8 0.0.0.0/0\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n",
        "myhostname = mx.example.net\nmynetworks = 127.0.0.0/8, [::1]/128, [::]/0\n",
        "myhostname = mx.example.net\nmynetworks = 127.0.0.0/8 23.0.0.0/8\n",
        "myhostname = mx.example.net\nmynetworks_style = class\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nmynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n",
        "myhostname = mx.example.net\nmynetworks = 127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, [fd00::]/8, 203.0.113.0/24\n",
        "myhostname = mx.example.net\nmynetworks_style = host\n",
    ],
    run,
};

/// Address space that is not routed on the Internet: trusting it is a local decision.
fn is_private(c: &Cidr) -> bool {
    let inside = |net: &str| {
        Cidr::parse(net).is_some_and(|n| {
            n.addr.is_ipv4() == c.addr.is_ipv4() && c.prefix >= n.prefix && n.contains(c.addr)
        })
    };
    match c.addr {
        IpAddr::V4(_) => [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "100.64.0.0/10",
            "0.0.0.0/8",
            "198.18.0.0/15",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ]
        .iter()
        .any(|n| inside(n)),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped().filter(|_| c.prefix >= 96) {
                let inner = Cidr {
                    addr: IpAddr::V4(v4),
                    prefix: c.prefix - 96,
                };
                return is_private(&inner);
            }
            ["fc00::/7", "fe80::/10", "::1/128"]
                .iter()
                .any(|n| inside(n))
        }
    }
}

/// Why a block is too wide, or `None`.
fn too_wide(c: &Cidr) -> Option<(&'static str, f32)> {
    let (v4_prefix, is_v4) = match c.addr {
        IpAddr::V4(_) => (c.prefix, true),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(_) if c.prefix >= 96 => (c.prefix - 96, true),
            _ => (c.prefix, false),
        },
    };
    if v4_prefix == 0 {
        return Some(("every address on the Internet", 1.0));
    }
    if is_private(c) {
        return None;
    }
    if is_v4 && v4_prefix < 16 {
        return Some(("a public IPv4 range wider than /16", 0.85));
    }
    if !is_v4 && c.prefix < 32 {
        return Some(("a public IPv6 range wider than /32", 0.85));
    }
    None
}

/// Whether some smtpd server lets `mynetworks` decide relaying (permit_mynetworks reached before
/// the relay guard in either list).
fn relays_for_mynetworks(cfg: &PostfixConfig, svc: &Smtpd<'_>) -> bool {
    let classes = super::restriction_classes(cfg);
    ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
        .iter()
        .any(|l| {
            let list = list_for(cfg, svc, l);
            walk(cfg, svc, &list, &classes, &mut |r| {
                if r.name.eq_ignore_ascii_case("permit_mynetworks") {
                    Some(true)
                } else if super::is_guard(&r.name) {
                    Some(false)
                } else {
                    None
                }
            })
            .unwrap_or(false)
        })
}

fn report_entries(
    used: bool,
    entries: &[NetworkEntry],
    where_: &str,
    line: Option<crate::text::Span>,
    out: &mut Vec<Finding>,
) {
    for e in entries.iter().filter(|e| !e.negated) {
        let Some(c) = e.cidr() else { continue };
        let Some((what, conf)) = too_wide(&c) else {
            continue;
        };
        let sev = if used {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let consequence = if used {
            "so every client there may relay mail anywhere without logging in: an open relay"
        } else {
            "no relay list uses permit_mynetworks right now, but any later use (or a content \
             filter's re-injection service) turns this into an open relay"
        };
        let mut f = Finding::new(CHECK.id, sev, CHECK.title)
            .summary(format!(
                "`mynetworks` ({where_}) contains `{}`, {what}; {consequence}.",
                e.text
            ))
            .confidence(conf)
            .param("mynetworks")
            .side(Side::SenderServer);
        if let Some(s) = e.span.or(line) {
            f = f.evidence(s, "trusted network block");
        }
        if let Some(l) = line {
            if e.span.is_none_or(|s| !l.contains(s)) {
                f = f.evidence(l, "mynetworks definition");
            }
        }
        f = f
            .fix(
                "Remove the block; trust only this host (and a LAN you control) and let remote \
                 users authenticate with SASL on port 587.",
                Some("mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128".into()),
            )
            .dead_end(
                "Adding reject_unauth_destination after permit_mynetworks",
                "permit_mynetworks already permitted the request; the later restriction is never \
                 reached for those clients.",
            );
        out.push(with_postconf(f, &["mynetworks"]));
    }
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        if cfg.is_explicit("mynetworks") {
            let entries = cfg.mynetworks().unwrap_or_default();
            let line = cfg.get("mynetworks").map(|p| p.span);
            // Services with their own mynetworks are judged below.
            let used = smtpd_services(facts, Some(cfg))
                .iter()
                .filter(|s| !s.overrides_param("mynetworks"))
                .any(|s| relays_for_mynetworks(cfg, s));
            report_entries(used, &entries, super::config_label(cfg), line, out);
        } else if cfg
            .effective("mynetworks_style")
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("class"))
        {
            let f = Finding::new(CHECK.id, Severity::Error, CHECK.title)
                .summary(
                    "`mynetworks` is not set and `mynetworks_style = class`: Postfix trusts the \
                     whole class A/B/C network of every interface address, on a rented server \
                     typically thousands of other customers' hosts, which may then relay through \
                     this server.",
                )
                .confidence(0.75)
                .param("mynetworks_style")
                .param("mynetworks")
                .side(Side::SenderServer)
                .fix(
                    "Set mynetworks explicitly to the networks you control.",
                    Some("mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128".into()),
                );
            let f = evidence_line(f, cfg, "mynetworks_style", "mynetworks_style");
            out.push(with_postconf(f, &["mynetworks_style", "mynetworks"]));
        }
        // Services reachable from outside that override mynetworks.
        for svc in smtpd_services(facts, Some(cfg)) {
            let Some(s) = svc.service else { continue };
            if svc.loopback_only() {
                continue;
            }
            let Some(o) = s.override_of("mynetworks") else {
                continue;
            };
            let entries: Vec<NetworkEntry> = o
                .value
                .items()
                .iter()
                .map(NetworkEntry::from_item)
                .collect();
            let used = relays_for_mynetworks(cfg, &svc);
            report_entries(used, &entries, &svc.label(), Some(o.span), out);
        }
    }
}
