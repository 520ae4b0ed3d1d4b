use super::*;
use serde_json::json;

fn pod() -> Value {
    json!({
        "metadata": {"name": "web-0", "labels": {"app": "nginx", "tier": "web"}, "resourceVersion": "1234"},
        "spec": {
            "replicas": 2,
            "big": 1234567,
            "half": 0.5,
            "containers": [
                {"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8"},
                {"name": "side", "image": "busybox"}
            ],
            "nothing": null,
            "empty": []
        },
        "data": {"secret": "aGVsbG8="}
    })
}

fn run(t: &str) -> String {
    GoTemplate::parse(t).unwrap().execute(&pod()).unwrap()
}

fn fail(t: &str) -> String {
    match GoTemplate::parse(t) {
        Err(e) => e.to_string(),
        Ok(g) => g.execute(&pod()).unwrap_err().to_string(),
    }
}

#[test]
fn tutorial_template() {
    assert_eq!(
        run("{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}"),
        "registry.k8s.io/nginx-slim:0.8busybox"
    );
}

#[test]
fn golden() {
    let cases: &[(&str, &str)] = &[
        ("{{.metadata.name}}", "web-0"),
        ("{{.spec.replicas}}", "2"),
        ("{{.spec.big}}", "1.234567e+06"),
        ("{{.spec.half}}", "0.5"),
        ("{{.metadata.labels}}", "map[app:nginx tier:web]"),
        ("{{.spec.empty}}", "[]"),
        ("{{.missing}}", "<no value>"),
        ("{{.missing.deeper}}", "<no value>"),
        ("{{.spec.nothing}}", "<no value>"),
        ("{{index .metadata.labels \"app\"}}", "nginx"),
        (
            "{{index .spec.containers 1 | printf \"%v\"}}",
            "map[image:busybox name:side]",
        ),
        ("{{(index .spec.containers 1).name}}", "side"),
        ("{{len .spec.containers}}", "2"),
        ("{{range .spec.containers}}{{.name}} {{end}}", "nginx side "),
        (
            "{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}",
            "app=nginx;tier=web;",
        ),
        ("{{range .spec.empty}}x{{else}}none{{end}}", "none"),
        (
            "{{if .spec.empty}}yes{{else if .spec.replicas}}replicas{{else}}no{{end}}",
            "replicas",
        ),
        ("{{with .metadata}}{{.name}}{{end}}", "web-0"),
        ("{{with .missing}}x{{else}}gone{{end}}", "gone"),
        (
            "{{$n := .metadata.name}}{{$n}}-{{$.metadata.resourceVersion}}",
            "web-0-1234",
        ),
        (
            "{{printf \"%s has %d\" .metadata.name (len .spec.containers)}}",
            "web-0 has 2",
        ),
        ("{{printf \"%-8s|%5s|\" \"a\" \"b\"}}", "a       |    b|"),
        ("{{.metadata.name | printf \"%q\"}}", "\"web-0\""),
        (
            "{{eq .metadata.name \"web-0\"}} {{ne 1 2}} {{lt 1 2}}",
            "true true true",
        ),
        ("{{not .spec.empty}} {{and 1 0}} {{or 0 \"x\"}}", "true 0 x"),
        ("a  {{- .metadata.name -}}  b", "aweb-0b"),
        ("{{/* a comment */}}x", "x"),
        ("{{base64decode .data.secret}}", "hello"),
        ("{{print 1 2 \"a\" 3}}", "1 2a3"),
        ("{{html \"<a>\"}}", "&lt;a&gt;"),
        (
            "{{range $i, $c := .spec.containers}}{{$i}}:{{$c.name}}\n{{end}}",
            "0:nginx\n1:side\n",
        ),
    ];
    for (t, want) in cases {
        assert_eq!(&run(t), want, "template {t}");
    }
}

#[test]
fn errors() {
    assert_eq!(
        fail("{{if eq .spec.replicas 2}}x{{end}}"),
        "template: output:1:5: executing \"output\" at <eq .spec.replicas 2>: error calling eq: incompatible types for comparison"
    );
    assert_eq!(
        fail("{{.metadata.name.x}}"),
        "template: output:1:2: executing \"output\" at <.metadata.name.x>: can't evaluate field x in type string"
    );
    assert_eq!(fail("{{.a"), "template: output:1: unclosed action");
    assert_eq!(fail("{{end}}"), "template: output:1: unexpected {{end}}");
    assert_eq!(fail("{{if .a}}x"), "template: output:1: unexpected EOF");
    assert_eq!(
        fail("{{foo .a}}"),
        "template: output:1: function \"foo\" not defined"
    );
    assert_eq!(
        fail("{{$x}}"),
        "template: output:1: undefined variable \"$x\""
    );
    assert_eq!(
        fail("{{index .spec.containers 5}}"),
        "template: output:1:2: executing \"output\" at <index .spec.containers 5>: error calling index: index out of range: 5"
    );
    let strict = GoTemplate::parse("{{.missing}}")
        .unwrap()
        .allow_missing_keys(false);
    assert_eq!(
        strict.execute(&pod()).unwrap_err().to_string(),
        "template: output:1:2: executing \"output\" at <.missing>: map has no entry for key \"missing\""
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn tpl() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "{{",
            "}}",
            "{{-",
            "-}}",
            " ",
            ".",
            ".spec",
            ".containers",
            ".name",
            "$",
            "$i",
            "$c",
            ":=",
            "=",
            ",",
            "|",
            "(",
            ")",
            "range",
            "if",
            "else",
            "end",
            "with",
            "index",
            "len",
            "printf",
            "\"%s\"",
            "\"x\"",
            "`r`",
            "1",
            "2.5",
            "-3",
            "eq",
            "not",
            "and",
            "or",
            "nil",
            "true",
            "/*",
            "*/",
            "x",
        ]);
        prop::collection::vec(atoms, 0..30).prop_map(|v| v.concat())
    }

    fn check(t: &str) {
        if let Ok(g) = GoTemplate::parse(t) {
            let _ = g.execute(&pod());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics(t in tpl()) { check(&t); }
        #[test]
        fn never_panics_arbitrary(t in ".{0,80}") { check(&t); }
    }

    #[test]
    #[ignore = "heavy: run with --ignored, scaled by ORDINAL_HEAVY_SCALE"]
    fn never_panics_heavy() {
        let scale: u32 = std::env::var("ORDINAL_HEAVY_SCALE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let mut runner =
            proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(20_000 * scale));
        runner
            .run(&tpl(), |t| {
                check(&t);
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn multibyte_and_hostile_edges() {
    for t in [
        "é{{- .metadata.name -}}é",
        "{{é}}",
        "{{\"é\" -}}  é",
        "{{-é}}",
        "{{ -}}",
        "{{",
        "}}{{",
        "{{.a}}}",
    ] {
        if let Ok(g) = GoTemplate::parse(t) {
            let _ = g.execute(&pod());
        }
    }
    assert_eq!(run("é{{- .metadata.name -}} é"), "éweb-0é");
    // Deep nesting is refused, not a stack overflow.
    let deep = "{{if 1}}".repeat(500) + &"{{end}}".repeat(500);
    assert!(GoTemplate::parse(&deep).is_err());
    let deep_paren = "{{".to_string() + &"(".repeat(500) + "1" + &")".repeat(500) + "}}";
    assert!(GoTemplate::parse(&deep_paren).is_err());
}
