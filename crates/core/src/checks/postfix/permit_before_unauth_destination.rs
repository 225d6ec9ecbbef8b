use super::{
    has_required, is_guard, list_for, permits_everything, restriction_classes, smtpd_services,
    walk, with_postconf,
};
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::Restriction;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/permit_before_unauth_destination",
    title: "Unconditional permit before the relay check (open relay)",
    severity: Severity::Critical,
    doc: r#"## What it does
Walks `smtpd_relay_restrictions` and `smtpd_recipient_restrictions` of every smtpd service (main.cf
and master.cf `-o` overrides, restriction classes followed) as smtpd does for a stranger sending
to a foreign domain, and reports a list that permits everything (`permit`, or an access table
that always answers OK such as `check_client_access static:OK`) before it reaches
`reject_unauth_destination` / `defer_unauth_destination`, when the other list does not stop
relaying either.

## Why is this bad?
Restriction lists are first match: once a restriction permits, the rest of that list is not
evaluated, so the relay check behind it never runs. If neither list refuses relaying, anyone can
send mail through the server to anywhere: an open relay, found and abused within hours.

Current Postfix refuses to start smtpd when a bare `permit` stands before the only relay check
(see `postfix/no_unauth_destination_guard`); an always-OK table is not caught by that test, and
releases before 2.10 did not stop at `permit` either.

## Example
```
smtpd_relay_restrictions = permit_mynetworks, check_client_access static:OK, reject_unauth_destination
smtpd_recipient_restrictions =
```

## Use instead
Keep the relay decision in `smtpd_relay_restrictions` and put nothing unconditional before the
relay check:
```
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
```

## References
- postconf(5) smtpd_relay_restrictions: https://www.postfix.org/postconf.5.html#smtpd_relay_restrictions
- postconf(5) smtpd_recipient_restrictions: https://www.postfix.org/postconf.5.html#smtpd_recipient_restrictions
- SMTPD_ACCESS_README: https://www.postfix.org/SMTPD_ACCESS_README.html
"#,
    fail: pastes![
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, check_client_access static:OK, reject_unauth_destination\nsmtpd_recipient_restrictions =\n",
        "mail_version = 2.9.6\nmyhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, permit, reject_unauth_destination\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination\n",
        "myhostname = mx.example.net\nsmtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\nsmtpd_recipient_restrictions = reject_unlisted_recipient, check_policy_service unix:private/policyd-spf, permit\n",
        "mail_version = 2.9.6\nmyhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, permit\n",
    ],
    run,
};

/// What a stranger sending to a foreign domain meets first in a list.
enum Verdict {
    Guarded,
    Permitted(Restriction),
    Passes,
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let classes = restriction_classes(cfg);
        let mut seen_spans = Vec::new();
        for svc in smtpd_services(facts, Some(cfg)) {
            if svc.loopback_only() {
                continue;
            }
            let names = ["smtpd_relay_restrictions", "smtpd_recipient_restrictions"];
            let lists: Vec<Vec<Restriction>> =
                names.iter().map(|n| list_for(cfg, &svc, n)).collect();
            // smtpd would not start: another check reports that.
            if !lists
                .iter()
                .any(|l| has_required(cfg, &svc, l, &classes, 0))
            {
                continue;
            }
            let verdicts: Vec<Verdict> = lists
                .iter()
                .map(|l| {
                    walk(cfg, &svc, l, &classes, &mut |r| {
                        if is_guard(&r.name) {
                            Some(Verdict::Guarded)
                        } else if permits_everything(r) {
                            Some(Verdict::Permitted(r.clone()))
                        } else {
                            None
                        }
                    })
                    .unwrap_or(Verdict::Passes)
                })
                .collect();
            if verdicts.iter().any(|v| matches!(v, Verdict::Guarded)) {
                continue;
            }
            for (name, v) in names.iter().zip(&verdicts) {
                let Verdict::Permitted(r) = v else { continue };
                let key = (r.span, svc.span_of(cfg, name));
                if seen_spans.contains(&key) {
                    continue;
                }
                seen_spans.push(key);
                let other = if *name == "smtpd_relay_restrictions" {
                    "smtpd_recipient_restrictions"
                } else {
                    "smtpd_relay_restrictions"
                };
                let what = match r.arg() {
                    Some(a) => format!("{} {a}", r.name),
                    None => r.name.clone(),
                };
                let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
                    .summary(format!(
                        "In `{name}` ({}), `{what}` permits every request before the relay check \
                         is reached, and `{other}` does not refuse relaying either: anyone can \
                         send mail through this server to any domain.",
                        svc.label()
                    ))
                    .confidence(0.9)
                    .param(*name)
                    .param(other)
                    .side(Side::SenderServer);
                if let Some(s) = r.span {
                    f = f.evidence(s, "permits everything");
                }
                f = super::evidence_for(f, cfg, &svc, name, "relay decision list");
                f = f.fix(
                    format!(
                        "Remove `{what}` from `{name}` (or move it after the relay check), then \
                         `postfix reload`."
                    ),
                    Some(
                        "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, \
                         reject_unauth_destination"
                            .into(),
                    ),
                );
                out.push(with_postconf(f, &[name, other]));
            }
        }
    }
}
