use super::with_postconf;
use crate::checks::Check;
use crate::facts::Facts;
use crate::postfix::PostfixConfig;
use crate::report::{Finding, Severity, Side};

pub static CHECK: Check = Check {
    id: "postfix/mailbox_limit_below_message_limit",
    title: "Mailbox size limit smaller than the message size limit",
    severity: Severity::Error,
    doc: r#"## What it does
Compares the effective `message_size_limit` (default 10240000 bytes) with
`mailbox_size_limit` (default 51200000), when local(8) delivers (`local_transport` is `local`),
and with `virtual_mailbox_limit` (default 51200000), when virtual(8) delivers
(`virtual_mailbox_domains` set and `virtual_transport = virtual`). A limit of 0 means "no
limit" and is never reported.

## Why is this bad?
A mailbox must hold at least one message. local(8) and virtual(8) refuse to run with a mailbox
limit below the message limit (`fatal: main.cf configuration error: mailbox_size_limit is
smaller than message_size_limit`), so every delivery through them is deferred and the queue
grows. It usually happens when `message_size_limit` is raised (for large attachments) without
raising the mailbox limit.

## Example
```
message_size_limit = 104857600
mailbox_size_limit = 51200000
```

## Use instead
```
message_size_limit = 104857600
mailbox_size_limit = 0
```
(or any value at least as large as `message_size_limit`).

## References
- postconf(5) mailbox_size_limit: https://www.postfix.org/postconf.5.html#mailbox_size_limit
- postconf(5) message_size_limit: https://www.postfix.org/postconf.5.html#message_size_limit
- postconf(5) virtual_mailbox_limit: https://www.postfix.org/postconf.5.html#virtual_mailbox_limit
"#,
    fail: pastes![
        "myhostname = mx.example.net\nmessage_size_limit = 104857600\n",
        "myhostname = mx.example.net\nmessage_size_limit = 20480000\nmailbox_size_limit = 10240000\n",
        "myhostname = mx.example.net\nvirtual_mailbox_domains = example.org\nvirtual_mailbox_base = /var/vmail\nmessage_size_limit = 73400320\n",
    ],
    pass: pastes![
        "myhostname = mx.example.net\nmessage_size_limit = 104857600\nmailbox_size_limit = 0\n",
        "myhostname = mx.example.net\nmessage_size_limit = 40960000\n",
        "myhostname = mx.example.net\nmessage_size_limit = 104857600\nmailbox_size_limit = 0\nvirtual_mailbox_domains = example.org\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\n",
        "myhostname = mx.example.net\nmessage_size_limit = 0\n",
    ],
    run,
};

fn bytes(cfg: &PostfixConfig, name: &str) -> Option<u64> {
    cfg.effective(name)?.trim().parse().ok()
}

fn check_pair(cfg: &PostfixConfig, mailbox: &str, daemon: &str, out: &mut Vec<Finding>) {
    let (Some(msg), Some(mbx)) = (bytes(cfg, "message_size_limit"), bytes(cfg, mailbox)) else {
        return;
    };
    if msg == 0 || mbx == 0 || mbx >= msg {
        return;
    }
    let dflt = |n: &str| if cfg.is_explicit(n) { "" } else { " (default)" };
    let mut f = Finding::new(CHECK.id, CHECK.severity, CHECK.title)
        .summary(format!(
            "`{mailbox}` is {mbx}{} but `message_size_limit` is {msg}{}: {daemon} refuses to \
             start (\"{mailbox} is smaller than message_size_limit\"), so every delivery through \
             it is deferred.",
            dflt(mailbox),
            dflt("message_size_limit")
        ))
        .confidence(0.9)
        .param(mailbox)
        .param("message_size_limit")
        .side(Side::SenderServer);
    f = super::evidence_line(f, cfg, mailbox, "mailbox limit");
    f = super::evidence_line(f, cfg, "message_size_limit", "message limit");
    f = f.fix(
        format!(
            "Raise `{mailbox}` to at least `message_size_limit` (0 means no limit), then \
             `postfix reload`."
        ),
        Some(format!("{mailbox} = 0")),
    );
    out.push(with_postconf(f, &[mailbox, "message_size_limit"]));
}

fn run(facts: &Facts, out: &mut Vec<Finding>) {
    for cfg in &facts.postfix {
        let local = cfg
            .effective("local_transport")
            .is_some_and(|t| t.trim().starts_with("local"));
        if local {
            check_pair(cfg, "mailbox_size_limit", "local(8)", out);
        }
        let virtual_used = cfg
            .effective("virtual_mailbox_domains")
            .is_some_and(|v| !v.trim().is_empty() && !v.contains('$'))
            && cfg
                .effective("virtual_transport")
                .is_some_and(|t| t.trim().split(':').next() == Some("virtual"));
        if virtual_used {
            check_pair(cfg, "virtual_mailbox_limit", "virtual(8)", out);
        }
    }
}
