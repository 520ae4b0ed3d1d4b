use super::*;
use serde_json::json;
use std::time::Instant;

fn one(text: &str) -> Value {
    yaml_to_json(text, &Limits::FILE).unwrap()
}

fn err(text: &str) -> String {
    yaml_to_json(text, &Limits::FILE).unwrap_err()
}

const WEB_YAML: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      resources:
        requests:
          storage: 1Gi
";

#[test]
fn web_yaml_two_documents_in_order() {
    let docs = parse_manifest("web.yaml", WEB_YAML, &Limits::FILE).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].line, 1);
    assert_eq!(docs[1].line, 15);
    assert_eq!(
        docs[0].value["spec"]["ports"][0],
        json!({"port": 80, "name": "web"})
    );
    assert_eq!(docs[1].value["spec"]["replicas"], json!(2));
    assert_eq!(
        docs[1].value["spec"]["volumeClaimTemplates"][0]["spec"]["accessModes"],
        json!(["ReadWriteOnce"])
    );
}

#[test]
fn yaml_1_1_scalars() {
    let v = one("
octal: 0644
hex: 0x1F
bin: 0b101
under: 1_000
leading_zero_float: 08
float: 1.5
exp: 1e3
dot: .5
neg: -12
big: 18446744073709551615
yes: yes
Y: Y
y: y
no: no
n: n
on: on
off: off
True: True
quoted_yes: \"yes\"
single: 'on'
tilde: ~
empty:
nul: null
date: 2001-12-14
str_tag: !!str 123
int_tag: !!int \"12\"
float_tag: !!float 3
version: 1.10
plain: hello world
");
    expect_test::expect![[r#"
        {
          "big": 18446744073709551615,
          "bin": 5,
          "date": "2001-12-14",
          "dot": 0.5,
          "empty": null,
          "exp": 1000,
          "false": false,
          "float": 1.5,
          "float_tag": 3,
          "hex": 31,
          "int_tag": 12,
          "leading_zero_float": 8,
          "neg": -12,
          "nul": null,
          "octal": 420,
          "plain": "hello world",
          "quoted_yes": "yes",
          "single": "on",
          "str_tag": "123",
          "tilde": null,
          "true": true,
          "under": 1000,
          "version": 1.1
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&v).unwrap());
}

#[test]
fn bool_and_int_keys_become_strings() {
    let v = one("1: a\ntrue: b\n1.5: c\n");
    assert_eq!(v, json!({"1": "a", "true": "b", "1.5": "c"}));
}

#[test]
fn merge_keys_go_yaml_v2_order() {
    let v = one("
base: &base
  a: 1
  b: 2
other: &other
  c: 3
derived:
  <<: [*base, *other]
  b: 20
early:
  a: 100
  <<: *base
");
    assert_eq!(v["derived"], json!({"a": 1, "b": 20, "c": 3}));
    // v2 writes merged entries in order: a `<<` after a key overrides it.
    assert_eq!(v["early"], json!({"a": 1, "b": 2}));
    assert_eq!(
        err("a: &a [1]\nb:\n  <<: *a\n"),
        "error converting YAML to JSON: error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"
    );
}

#[test]
fn nan_and_inf_values_fail_like_encoding_json() {
    assert!(err("a: .nan\n").ends_with("json: unsupported value: NaN"));
    assert!(err("a: -.inf\n").ends_with("json: unsupported value: -Inf"));
}

#[test]
fn parse_errors_worded_like_kubectl() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: b: c\n";
    let e = parse_manifest("pod.yaml", text, &Limits::FILE).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error parsing pod.yaml: error converting YAML to JSON: error converting YAML to JSON: yaml: line 8: mapping values are not allowed in this context"
    );
    // Line numbers are relative to the document (kubectl parses documents one by one).
    let text2 = format!("a: 1\n---\n{text}");
    let e2 = parse_manifest("pod.yaml", &text2, &Limits::FILE).unwrap_err();
    assert_eq!(e2.to_string(), e.to_string());
    match e2 {
        ManifestError::Parse { document_line, .. } => assert_eq!(document_line, 3),
        other => panic!("{other:?}"),
    }
    assert!(err("a: *nope\n").ends_with("yaml: unknown anchor 'nope' referenced"));
    assert!(
        err("a:\n\t- b\n").contains("yaml: line 2: found character that cannot start any token")
    );
    assert!(err("a: &x [*x]\n").ends_with("yaml: anchor 'x' value contains itself"));
    assert!(err("a: !!int abc\n").ends_with("yaml: cannot decode !!str `abc` as a !!int"));
}

#[test]
fn separators_and_empty_documents() {
    let text = "---\n# only a comment\n---\na: 1\n--- # trailing comment\n\n---\nb: 2\n";
    let docs = parse_manifest("f.yaml", text, &Limits::FILE).unwrap();
    assert_eq!(docs.iter().map(|d| d.line).collect::<Vec<_>>(), vec![4, 8]);
    assert_eq!(docs[1].value, json!({"b": 2}));
    let e = parse_manifest("f.yaml", "a: 1\n--- b: 2\n", &Limits::FILE).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error parsing f.yaml: invalid Yaml document separator: b: 2"
    );
    // The documents before a bad one are still available through the reader.
    let r: Vec<_> = ManifestReader::new("f.yaml", "a: 1\n---\nb: [\n", &Limits::FILE)
        .unwrap()
        .collect();
    assert!(r[0].is_ok() && r[1].is_err());
}

#[test]
fn json_manifests() {
    let docs = parse_manifest(
        "x.json",
        "  {\"kind\": \"Pod\", \"n\": 1}\n{\"kind\": \"Service\"}\n",
        &Limits::FILE,
    )
    .unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].value, json!({"kind": "Service"}));
    assert_eq!(docs[1].line, 2);
    assert!(parse_manifest("x.json", "{\"a\": }", &Limits::FILE).is_err());
}

// ---- hostile input: each must be a clear error (or success) well under a second ----

fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    eprintln!("[hostile] {label}: {:?}", t.elapsed());
    r
}

#[test]
fn quadratic_alias_bomb_is_rejected_fast() {
    // ~30 KB: one anchor with 3000 items, referenced 3000 times = 9 M nodes after expansion.
    let mut s = String::from("a: &a [");
    s.push_str(&vec!["x"; 3000].join(","));
    s.push_str("]\nb: [");
    s.push_str(&vec!["*a"; 3000].join(","));
    s.push_str("]\n");
    assert!(s.len() < 40_000);
    let t = Instant::now();
    let e = timed("quadratic alias bomb", || yaml_to_json(&s, &Limits::FILE)).unwrap_err();
    assert!(
        e.ends_with("yaml: document contains excessive aliasing"),
        "{e}"
    );
    assert!(t.elapsed().as_millis() < 1000);
}

#[test]
fn billion_laughs_is_rejected_fast() {
    let s = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
";
    let t = Instant::now();
    let e = timed("billion laughs", || yaml_to_json(s, &Limits::FILE)).unwrap_err();
    assert!(
        e.contains("excessive aliasing") || e.contains("nodes"),
        "{e}"
    );
    assert!(t.elapsed().as_millis() < 1000);
}

#[test]
fn deep_nesting_is_rejected_fast() {
    for (label, s) in [
        (
            "10 000-deep flow nesting",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        (
            "10 000-deep flow maps",
            format!("{}1{}", "{a: ".repeat(10_000), "}".repeat(10_000)),
        ),
        (
            "10 000-deep block sequences (compact)",
            format!("{}x\n", "- ".repeat(10_000)),
        ),
    ] {
        let t = Instant::now();
        let e = timed(label, || yaml_to_json(&s, &Limits::FILE)).unwrap_err();
        assert!(e.contains("exceeded max depth of 1000"), "{label}: {e}");
        assert!(t.elapsed().as_millis() < 1000, "{label}");
    }
    // JSON path too.
    let s = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let e = timed("10 000-deep JSON", || {
        parse_manifest("x.json", &s, &Limits::FILE)
    })
    .unwrap_err();
    assert!(
        e.to_string().starts_with("error parsing x.json: json: "),
        "{e}"
    );
}

fn big_manifest(target: usize) -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < target {
        s.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  labels:\n    app: web\ndata:\n  key: \"value {i}\"\n  other: |\n    line one\n    line two\n"
        ));
        i += 1;
    }
    s
}

#[test]
fn five_megabyte_manifest_is_a_clear_error() {
    let s = big_manifest(5_000_000);
    let t = Instant::now();
    let e = timed("5 MB manifest", || {
        parse_manifest("big.yaml", &s, &Limits::FILE)
    })
    .unwrap_err();
    assert!(matches!(e, ManifestError::TooLarge { .. }));
    assert!(e
        .to_string()
        .starts_with("error reading big.yaml: the file is "));
    assert!(t.elapsed().as_millis() < 1000);
}

#[test]
fn manifest_under_the_cap_parses() {
    let s = big_manifest(1_000_000);
    let docs = timed("1 MB manifest (parsed)", || {
        parse_manifest("big.yaml", &s, &Limits::FILE)
    })
    .unwrap();
    assert!(docs.len() > 5000);
    assert_eq!(
        docs[0].value["data"]["other"],
        json!("line one\nline two\n")
    );
}

#[test]
fn editor_limit() {
    let s = big_manifest(300_000);
    assert!(matches!(
        parse_manifest("buffer", &s, &Limits::EDITOR),
        Err(ManifestError::TooLarge { .. })
    ));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn yamlish() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a",
            "b: ",
            ": ",
            "- ",
            "-",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&x ",
            "*x",
            "&y ",
            "*y",
            "<<: ",
            "\n",
            "\n  ",
            "\n    ",
            "'",
            "\"",
            "|",
            ">",
            "#",
            "---\n",
            "...\n",
            "!!str ",
            "!!int ",
            "0644",
            "yes",
            "~",
            "? ",
            "\t",
            "%YAML 1.1\n",
            "\\",
            "é",
            "1e9",
            ".inf",
        ]);
        prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
    }

    fn check(s: &str) {
        let _ = parse_manifest("fuzz.yaml", s, &Limits::FILE);
        let _ = yaml_to_json(s, &Limits::EDITOR);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_structured(s in yamlish()) { check(&s); }
        #[test]
        fn never_panics_arbitrary(s in ".{0,200}") { check(&s); }
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
            .run(&yamlish(), |s| {
                check(&s);
                Ok(())
            })
            .unwrap();
    }
}
