//! Tours are checked by `ordinal check-doc` in CI: every shipped tour runs without drift.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn every_shipped_tour_passes_check_doc() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/tours");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "md") {
            continue;
        }
        n += 1;
        let o = Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .arg("check-doc")
            .arg(&p)
            .output()
            .expect("run ordinal");
        let report = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: check-doc found drift\n{report}{}",
            p.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(report.contains(" 0 differ"), "{report}");
    }
    assert!(n >= 2, "the tours are shipped");
}
