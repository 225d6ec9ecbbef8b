use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::Param;
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "postfix/duplicate_parameter",
    title: "Parameter set twice in main.cf",
    severity: Severity::Warning,
    doc: r#"## What it does
Finds a `main.cf` parameter defined more than once.

## Why is this bad?
Postfix reads `main.cf` top to bottom and the last definition wins: the earlier one is ignored
without any warning. Admins often append a corrected line at the end of the file and later edit
the first one, which then has no effect; or a how-to adds a second `smtpd_recipient_restrictions`
that silently replaces the one with `permit_sasl_authenticated`.

## Example
```
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
# ... many lines later
smtpd_recipient_restrictions = reject_unauth_destination
```

## Use instead
Keep one definition holding everything you want:
```
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
```
`postconf -n` shows the value in force.

## References
- postconf(5), "main.cf file format": https://www.postfix.org/postconf.5.html
"#,
    fail: pastes!["myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination\nbiff = no\nsmtpd_recipient_restrictions = reject_unauth_destination\n"],
    pass: pastes![
        "myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination\n",
        // A master.cf `-o` override is not a second main.cf definition.
        "myhostname = mx.example.net\nsmtpd_tls_security_level = may\nsmtpd_sasl_auth_enable = no\n\nsubmission inet n       -       y       -       -       smtpd\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sasl_auth_enable=yes\n",
    ],
    run,
};

/// Ignored definitions shown as evidence per parameter (the count says how many there are).
const MAX_IGNORED_SHOWN: usize = 10;
fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        // Per name, in order of first appearance: the ignored definitions and the one in force.
        let mut order: Vec<&str> = Vec::new();
        let mut by_name: std::collections::HashMap<&str, (Vec<&Param>, &Param)> =
            std::collections::HashMap::new();
        for (earlier, winner) in cfg.duplicates() {
            by_name
                .entry(earlier.name.as_str())
                .or_insert_with(|| {
                    order.push(earlier.name.as_str());
                    (Vec::new(), winner)
                })
                .0
                .push(earlier);
        }
        // Many repeated names are capped by the pipeline (`report::cap_per_check`).
        for name in &order {
            let (ignored, winner) = &by_name[name];
            out.push(one_name(ignored, winner));
        }
    }
}

/// One finding for a parameter defined `ignored.len() + 1` times.
fn one_name(ignored: &[&Param], winner: &Param) -> Finding {
    let name = &winner.name;
    let same = ignored.iter().all(|p| p.value.text == winner.value.text);
    let times = ignored.len() + 1;
    let summary = match (times, same) {
        (2, true) => {
            format!("`{name}` is set twice to the same value; the first line is redundant.")
        }
        (2, false) => format!(
            "`{name}` is set twice; Postfix ignores the earlier value `{}` and uses the later \
             `{}`.",
            crate::text::clip(&ignored[0].value.text, 120),
            crate::text::clip(&winner.value.text, 120)
        ),
        (n, true) => format!(
            "`{name}` is set {n} times to the same value; all but the last line are redundant."
        ),
        (n, false) => format!(
            "`{name}` is set {n} times; Postfix ignores the {} earlier definitions and uses the \
             last, `{}`.",
            n - 1,
            crate::text::clip(&winner.value.text, 120)
        ),
    };
    let mut f = Finding::new(
        CHECK.id,
        if same { Severity::Info } else { CHECK.severity },
        CHECK.title,
    )
    .summary(summary)
    .param(name);
    for p in ignored.iter().take(MAX_IGNORED_SHOWN) {
        f = f.evidence(p.span, "ignored definition");
    }
    f.evidence(winner.span, "definition in force").fix(
        format!("Keep a single `{name}` line with the value you want and delete the others."),
        Some(format!("{name} = {}", winner.value.text)),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_of_repeats_give_a_few_findings() {
        let mut paste = String::from("myhostname = mx.example.net\n");
        for i in 0..3000 {
            paste.push_str(&format!(
                "biff = {}\n",
                if i % 2 == 0 { "no" } else { "yes" }
            ));
        }
        for i in 0..200 {
            paste.push_str(&format!(
                "param_{i}_maps = hash:/etc/postfix/a\nparam_{i}_maps = hash:/etc/postfix/b\n"
            ));
        }
        let r = crate::analyze(&paste, &Default::default());
        let dup: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.id == super::CHECK.id)
            .collect();
        assert_eq!(dup.len(), crate::report::MAX_PER_CHECK);
        let biff = dup.iter().find(|f| f.params == ["biff"]).unwrap();
        assert!(biff.summary.contains("3000 times"), "{}", biff.summary);
        assert_eq!(biff.evidence.len(), super::MAX_IGNORED_SHOWN + 1);
        let rest = dup.last().unwrap();
        assert!(
            rest.summary.starts_with("177 more findings"),
            "{}",
            rest.summary
        );
        assert_eq!(rest.params.len(), 50);
    }
}
