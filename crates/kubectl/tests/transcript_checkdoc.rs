//! `ordinal check-doc` on both reference tutorials, against the committed reports in
//! `tests/checkdoc/*.report` (update with
//! `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test transcript_checkdoc`).
//!
//! Every DIFF in these reports is explained in `tests/checkdoc/README.md`; a change in a report
//! is a change in Ordinal's behaviour (or in check-doc) and needs the same explanation.

use ordinal_kubectl::checkdoc;
use ordinal_kubectl::files::NativeFiles;
use ordinal_kubectl::Session;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/checkdoc")
}

/// What `cd tests/checkdoc && ordinal check-doc NAME` prints.
fn run(name: &str, seed: u64) -> checkdoc::Outcome {
    let dir = dir();
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let mut s = Session::with_files(seed, Box::new(NativeFiles), true);
    s.set_cwd(&dir.canonicalize().unwrap().to_string_lossy());
    checkdoc::check(name, &text, s)
}

#[test]
fn current_tutorial_report() {
    let o = run("statefulset-basics-current.md", 0);
    expect_test::expect_file!["../../../tests/checkdoc/statefulset-basics-current.report"]
        .assert_eq(&o.report);
    assert_eq!(o.exit_code(), 1);
}

#[test]
fn tutorial_2016_report() {
    let o = run("statefulset-basics-2016.md", 0);
    expect_test::expect_file!["../../../tests/checkdoc/statefulset-basics-2016.report"]
        .assert_eq(&o.report);
    // What the issue asks the 2016 report to show.
    for needle in [
        "-NAME      DESIRED   CURRENT   AGE",
        "+NAME   READY   AGE",
        "-service \"nginx\" created",
        "+error: the path \"web.yml\" does not exist",
        "+warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.",
        // busybox ≥ 1.29's nslookup: the newer server line, and no search list for dotted names.
        "+Address:\t10.96.0.10:53",
        "+** server can't find web-0.nginx: NXDOMAIN",
        "+Error from server (AlreadyExists): pods \"dns-test\" already exists",
        // the JSON patch alone rolled every Pod to 0.7 (RollingUpdate)
        "-gcr.io/google_containers/nginx-slim:0.8\n-gcr.io/google_containers/nginx-slim:0.8\n-gcr.io/google_containers/nginx-slim:0.8\n+gcr.io/google_containers/nginx-slim:0.7\n+gcr.io/google_containers/nginx-slim:0.7\n+gcr.io/google_containers/nginx-slim:0.7",
        // the cascading delete returns at once; both Pods are still there
        "-No resources found.\n+NAME    READY   STATUS    RESTARTS   AGE\n+web-0",
    ] {
        assert!(o.report.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn current_tutorial_known_errors_are_reported() {
    let o = run("statefulset-basics-current.md", 0);
    for needle in [
        // the OnDelete patch trap
        "+The StatefulSet \"web\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: {\"Partition\":0,\"MaxUnavailable\":null}: only allowed for updateStrategy 'RollingUpdate'",
        // apply prints in file order
        "-statefulset.apps/web created\n service/nginx unchanged\n+statefulset.apps/web created",
        // web-parallel.yaml after the set and the Service were deleted
        "-service/nginx updated\n-statefulset.apps/web updated\n+service/nginx created\n+statefulset.apps/web created",
    ] {
        assert!(o.report.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn fixed_docs_match_and_other_seeds_run() {
    // --fix output checks clean against the same seed (idempotent).
    let dir = dir();
    for name in [
        "statefulset-basics-current.md",
        "statefulset-basics-2016.md",
    ] {
        let o = run(name, 0);
        let mut s = Session::with_files(0, Box::new(NativeFiles), true);
        s.set_cwd(&dir.canonicalize().unwrap().to_string_lossy());
        let again = checkdoc::check(name, &o.fixed, s);
        assert_eq!(again.differ, 0, "{}", again.report);
    }
    // Another seed changes IPs, UIDs and timing, not the verdicts.
    let a = run("statefulset-basics-current.md", 0);
    let b = run("statefulset-basics-current.md", 7);
    assert_eq!((a.blocks, a.differ), (b.blocks, b.differ), "{}", b.report);
}
