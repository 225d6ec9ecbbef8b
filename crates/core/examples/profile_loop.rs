//! Analyses one file N times (default 200), for a profiler to sample:
//! `perf record --call-graph dwarf,16384 -F 2000 target/release/examples/profile_loop FILE 200`
//! (build with `CARGO_PROFILE_RELEASE_DEBUG=true` for symbols).

use mailtriage::{analyze, Options};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| {
        eprintln!("usage: profile_loop FILE [N]");
        std::process::exit(2)
    });
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let bytes = std::fs::read(&path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let opts = Options::default();
    let t = Instant::now();
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..runs {
        let one = Instant::now();
        findings += analyze(&text, &opts).findings.len();
        best = best.min(one.elapsed().as_secs_f64() * 1e3);
    }
    let each = t.elapsed().as_secs_f64() * 1e3 / runs.max(1) as f64;
    println!("{runs} runs, {each:.3} ms each, best {best:.3} ms ({findings} findings in all)");
}
