#![no_main]
//! The whole pipeline on arbitrary bytes (lossily decoded, as the CLI reads files).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let report = mailtriage::analyze(&input, &Default::default());
    let _ = mailtriage::render::markdown(&report, &input);
});
