//! The `ordinal check-doc` command line: reports, exit codes, `--fix`, bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

fn checkdoc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/checkdoc")
}

fn ordinal(args: &[&str], cwd: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run ordinal")
}

fn tmp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ordinal-checkdoc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn reports_match_the_committed_ones() {
    let dir = checkdoc_dir();
    for name in ["statefulset-basics-current", "statefulset-basics-2016"] {
        let o = ordinal(&["check-doc", &format!("{name}.md")], &dir);
        let want = std::fs::read_to_string(dir.join(format!("{name}.report"))).unwrap();
        assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{name}");
        assert_eq!(o.status.code(), Some(1), "drift exits 1");
    }
}

#[test]
fn fix_rewrites_only_output_and_then_passes() {
    let d = tmp_dir("fix");
    let doc = "# T\n\nSome *prose*.\n\n```shell\nkubectl apply -f https://k8s.io/examples/application/web/web.yaml\n```\nOutput:\n```\nservice \"nginx\" created\n```\n\n```shell\n$ kubectl get sts web\nNAME      DESIRED   CURRENT   AGE\nweb       2         1         20s\n\n$ echo done\ndone\n```\ntrailing text without newline";
    let f = d.join("t.md");
    std::fs::write(&f, doc).unwrap();
    let o = ordinal(&["check-doc", "t.md"], &d);
    assert_eq!(o.status.code(), Some(1));
    let report = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        report.ends_with("check-doc: 3 blocks, 1 match, 2 differ\n"),
        "{report}"
    );
    let o = ordinal(&["check-doc", "--fix", "t.md"], &d);
    assert_eq!(o.status.code(), Some(0));
    let fixed = std::fs::read_to_string(&f).unwrap();
    assert_eq!(
        fixed,
        "# T\n\nSome *prose*.\n\n```shell\nkubectl apply -f https://k8s.io/examples/application/web/web.yaml\n```\nOutput:\n```\nservice/nginx created\nstatefulset.apps/web created\n```\n\n```shell\n$ kubectl get sts web\nNAME   READY   AGE\nweb    2/2     13s\n\n$ echo done\ndone\n```\ntrailing text without newline"
    );
    let o = ordinal(&["check-doc", "t.md"], &d);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn seed_flag_and_usage_errors() {
    let dir = checkdoc_dir();
    let o = ordinal(
        &["check-doc", "statefulset-basics-current.md", "--seed", "3"],
        &dir,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("check-doc statefulset-basics-current.md (seed 3)\n"));
    for (args, msg) in [
        (vec!["check-doc"], "ordinal check-doc: missing FILE.md"),
        (
            vec!["check-doc", "a.md", "--seed", "x"],
            "--seed needs a number",
        ),
        (vec!["check-doc", "a.md", "--bogus"], "unknown flag --bogus"),
        (vec!["check-doc", "a.md", "b.md"], "one FILE.md at a time"),
    ] {
        let o = ordinal(&args, &dir);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(msg), "{args:?}");
    }
}

#[test]
fn bad_input_gets_a_clear_error() {
    let d = tmp_dir("bad");
    std::fs::write(
        d.join("junk.md"),
        [0x7f, b'E', b'L', b'F', 0, 0xff, 0xfe, 1, 2],
    )
    .unwrap();
    std::fs::write(d.join("nul.md"), b"```shell\necho a\0b\n```\n").unwrap();
    std::fs::write(d.join("huge.md"), vec![b'a'; 5 * 1024 * 1024]).unwrap();
    for (file, msg) in [
        (
            "missing.md",
            "ordinal check-doc: cannot read missing.md: No such file or directory",
        ),
        (
            "junk.md",
            "ordinal check-doc: junk.md: not a text file (invalid UTF-8 at byte 5)",
        ),
        (
            "nul.md",
            "ordinal check-doc: nul.md: not a text file (NUL byte at offset 15)",
        ),
        (
            "huge.md",
            "ordinal check-doc: huge.md: too large (5242880 bytes; the limit is 4194304 bytes)",
        ),
        (".", "ordinal check-doc: .: is a directory"),
    ] {
        let o = ordinal(&["check-doc", file], &d);
        assert_eq!(o.status.code(), Some(2), "{file}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!("{msg}\n"),
            "{file}"
        );
        assert!(o.stdout.is_empty());
    }
    // A text file with no shell blocks: nothing to check, no drift.
    std::fs::write(d.join("prose.md"), "# Just prose\n\n```yaml\na: 1\n```\n").unwrap();
    let o = ordinal(&["check-doc", "prose.md"], &d);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stdout).ends_with("check-doc: 0 blocks, 0 match, 0 differ\n")
    );
    let _ = std::fs::remove_dir_all(&d);
}
