use crate::checks::Check;
use crate::facts::Facts;
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
    fail: &["myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination\nbiff = no\nsmtpd_recipient_restrictions = reject_unauth_destination\n"],
    pass: &["myhostname = mx.example.net\nsmtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination\n"],
    run,
};

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        for (earlier, winner) in cfg.duplicates() {
            let same = earlier.value.text == winner.value.text;
            let summary = if same {
                format!(
                    "`{}` is set twice to the same value; the first line is redundant.",
                    earlier.name
                )
            } else {
                format!(
                    "`{}` is set twice; Postfix ignores the earlier value `{}` and uses the later \
                     `{}`.",
                    earlier.name,
                    crate::text::clip(&earlier.value.text, 120),
                    crate::text::clip(&winner.value.text, 120)
                )
            };
            out.push(
                Finding::new(
                    CHECK.id,
                    if same { Severity::Info } else { CHECK.severity },
                    CHECK.title,
                )
                .summary(summary)
                .param(&earlier.name)
                .evidence(earlier.span, "ignored definition")
                .evidence(winner.span, "definition in force")
                .fix(
                    format!(
                        "Keep a single `{}` line with the value you want and delete the other.",
                        earlier.name
                    ),
                    Some(format!("{} = {}", winner.name, winner.value.text)),
                ),
            );
        }
    }
}
