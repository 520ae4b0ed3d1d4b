//! The tour parser: golden errors for broken files, a dump of a file using every clause,
//! command normalization, and the shipped tours parse.

use expect_test::{expect, expect_file};
use ordinal_kubectl::tour::{normalize_command, Tour};
use std::fmt::Write;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/tours")
}

#[test]
fn broken_tours_give_clear_errors() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = String::new();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        match Tour::parse(&name, &text) {
            Ok(_) => panic!("{name} parsed"),
            Err(e) => writeln!(out, "{e}").unwrap(),
        }
    }
    expect_file!["../../../tests/tours/parse-errors.txt"].assert_eq(&out);
}

#[test]
fn example_parses_every_clause() {
    let text = std::fs::read_to_string(root().join("example.md")).unwrap();
    let t = Tour::parse("example.md", &text).unwrap_or_else(|e| panic!("{e}"));
    expect_file!["../../../tests/tours/example.parsed"].assert_eq(&format!("{t:#?}\n"));
}

#[test]
fn too_large_and_hostile_input() {
    let big = "a".repeat(ordinal_kubectl::tour::MAX_TOUR_BYTES + 1);
    let e = Tour::parse("big.md", &big).unwrap_err();
    expect!["big.md:1: the tour is too large (524289 bytes; the limit is 524288)"]
        .assert_eq(&e.to_string());
    // Many headings: capped.
    let mut many = String::from("---\ntitle: T\nid: t\ndescription: d\n---\n");
    for i in 0..300 {
        writeln!(many, "## S{i}").unwrap();
    }
    let e = Tour::parse("many.md", &many).unwrap_err();
    expect!["many.md:206: more than 200 steps"].assert_eq(&e.to_string());
}

#[test]
fn commands_are_normalized() {
    let pairs = [
        (
            "kubectl scale sts web --replicas=5",
            "kubectl scale statefulset web --replicas=5",
        ),
        (
            "  $ kubectl   scale statefulset/web --replicas 5 ",
            "kubectl scale statefulset web --replicas=5",
        ),
        (
            "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}'",
            "kubectl patch statefulset web -p={\"spec\":{\"replicas\":3}}",
        ),
        (
            "kubectl patch statefulsets web --patch \"{\\\"a\\\":1}\"",
            "kubectl patch statefulset web -p={\"a\":1}",
        ),
        (
            "kubectl get po -l app=nginx",
            "kubectl get pod -l=app=nginx",
        ),
        (
            "kubectl get pvc --selector=app=nginx",
            "kubectl get pvc -l=app=nginx",
        ),
        (
            "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done",
            "for i in 0 1; do kubectl exec web-$i -- sh -c hostname; done",
        ),
        ("nslookup web-0.nginx", "nslookup web-0.nginx"),
        ("kubectl get svc\nmore", "kubectl get service"),
    ];
    for (a, b) in pairs {
        assert_eq!(normalize_command(a), b, "{a}");
    }
}

#[test]
fn shipped_tours_parse() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/tours");
    let mut summary = String::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let t = Tour::parse(&name, &std::fs::read_to_string(&p).unwrap())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{}.md", t.id), name, "a tour's id is its file name");
        for s in &t.steps {
            assert!(
                !s.check.clauses.is_empty(),
                "{name}: step {:?} has no check",
                s.title
            );
        }
        let cmds: usize = t.steps.iter().map(|s| s.commands.len()).sum();
        writeln!(summary, "{name}: {} steps, {cmds} commands", t.steps.len()).unwrap();
    }
    expect![[r#"
        canary.md: 8 steps, 12 commands
        statefulset-basics.md: 22 steps, 38 commands
    "#]]
    .assert_eq(&summary);
}
