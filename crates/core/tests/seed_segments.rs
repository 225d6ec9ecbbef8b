//! Reads the seed pastes in `../shared/seeds` (beside the repository; skipped when absent) and
//! checks the segment kinds expected of seed 002: an Outlook dialog, a `postconf -n`, a
//! `doveconf -n` (2.1.7), several `main.cf` files and log lines, with prose in two languages.

use mailtriage::report::SegmentKind;
use std::path::Path;

#[test]
fn seed_002_segment_kinds() {
    // `../shared` beside the repository root; MAILTRIAGE_SHARED points elsewhere (a worktree).
    let shared = std::env::var_os("MAILTRIAGE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("seeds");
    let Some(path) = std::fs::read_dir(&dir).ok().and_then(|rd| {
        rd.flatten().map(|e| e.path()).find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("002_"))
        })
    }) else {
        eprintln!("skipped: no seed 002 under {}", dir.display());
        return;
    };
    let input = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    let (segs, _) = mailtriage::segment::segment(&input);
    let count = |k: SegmentKind| segs.iter().filter(|s| s.kind == k).count();
    assert_eq!(count(SegmentKind::ClientError), 1);
    assert_eq!(count(SegmentKind::PostconfN), 1);
    assert!(count(SegmentKind::MainCf) >= 4, "{segs:?}");
    assert!(count(SegmentKind::MailLog) >= 2);
    assert!(count(SegmentKind::Prose) >= 5);
    let dove: Vec<_> = segs
        .iter()
        .filter(|s| s.kind == SegmentKind::DoveconfN)
        .collect();
    assert_eq!(dove.len(), 1);
    assert_eq!(dove[0].version.as_deref(), Some("2.1.7"));
    // The dialog holds its error number; the postconf -n holds the restriction it shows.
    let text = |k: SegmentKind| {
        segs.iter()
            .filter(|s| s.kind == k)
            .map(|s| &input[s.start..s.end])
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(text(SegmentKind::ClientError).contains("0x800CCC79"));
    assert!(text(SegmentKind::PostconfN).contains("smtpd_recipient_restrictions"));
    assert!(!text(SegmentKind::PostconfN).contains("postconf -n"));
    // No config swallows the Russian title or the English prose around it.
    assert!(text(SegmentKind::Prose).contains("ошибка"));
    assert!(text(SegmentKind::Prose).contains("Any thoughts?"));
}
