//! Bounces pasted one after another: every pair of the project's bounce fixtures (each with the
//! next and the one after it, in name order), joined by a blank line, gives the records of both,
//! in order, as each gives alone.

use mailtriage::{analyze, Options};
use std::path::Path;

fn records(text: &str) -> Vec<(String, String, String)> {
    analyze(text, &Options::default())
        .bounces
        .into_iter()
        .map(|b| (b.recipient, b.reason, b.status))
        .collect()
}

#[test]
fn back_to_back_bounces_give_the_records_of_each() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bounce");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/bounce")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "only {} fixtures", files.len());
    let texts: Vec<String> = files
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect();
    let alone: Vec<_> = texts.iter().map(|t| records(t)).collect();
    let n = texts.len();
    let mut failed = Vec::new();
    for i in 0..n {
        for j in [(i + 1) % n, (i + 2) % n] {
            let joined = format!("{}\n\n{}", texts[i].trim_end(), texts[j]);
            let want: Vec<_> = alone[i].iter().chain(&alone[j]).cloned().collect();
            if records(&joined) != want {
                failed.push(format!(
                    "{} + {}",
                    files[i].file_name().unwrap().to_string_lossy(),
                    files[j].file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "pairs that lose or mix records: {failed:?}"
    );
}
