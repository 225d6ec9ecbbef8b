// scratch: every check's examples, every finding
#[test]
fn dbg() {
    for c in mailtriage::checks::CHECKS {
        for (kind, exs) in [("fail", c.fail), ("pass", c.pass)] {
            for ex in exs.iter() {
                let r = mailtriage::analyze(ex, &Default::default());
                let ids: Vec<String> = r
                    .findings
                    .iter()
                    .map(|f| format!("{}:{}", f.severity.as_str(), f.id))
                    .collect();
                eprintln!("{} {} -> {:?}", c.id, kind, ids);
            }
        }
    }
}
