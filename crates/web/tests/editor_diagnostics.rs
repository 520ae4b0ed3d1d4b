//! The editor's inline diagnostics: where (line, column, marked span) and what (the
//! apiserver's or kubectl's own text), for parse, strict-decoding and validation errors.
//! Plain logic: runs on the host (`cargo test -p ordinal-web --test editor_diagnostics`) and in
//! the browser with the other wasm tests.

use ordinal_model::{Profile, Timeline};
use ordinal_web::editor::{diagnostics, Diag};
use ordinal_web::highlight::marked_tokens;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const WEB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
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
";

fn check(text: &str) -> Vec<Diag> {
    let tl = Timeline::new(Profile::default(), 1);
    diagnostics("web.yaml", text, &tl.cluster().api)
}

/// (manifest, expected "line L, column C" of the first diagnostic, its marked length, the start
/// of its message).
#[test]
fn diagnostics_carry_line_and_column() {
    let cases: Vec<(String, &str, usize, &str)> = vec![
        // Parse errors: libyaml's problem mark.
        (
            WEB.replace("  replicas: 2", "  replicas: 2: 3"),
            "line 7, column 14",
            1,
            "error: error parsing web.yaml: error converting YAML to JSON: ",
        ),
        (
            WEB.replace("      app: nginx\n  template", "      app: [nginx\n  template"),
            "line 11, column 11",
            1,
            "error: error parsing web.yaml: error converting YAML to JSON: ",
        ),
        (
            format!("---\n{}", WEB.replace("kind: StatefulSet", "kind: StatefulSet\n\tx: 1")),
            "line 4, column 1",
            1,
            "error: error parsing web.yaml: error converting YAML to JSON: ",
        ),
        // Strict decoding: the unknown key itself.
        (
            WEB.replace("        image:", "        imagee:"),
            "line 18, column 9",
            6,
            "Error from server (BadRequest): StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\"",
        ),
        (
            WEB.replace("  serviceName: nginx", "  serviceName: nginx\n  replica: 3"),
            "line 7, column 3",
            7,
            "Error from server (BadRequest): StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\"",
        ),
        // A type error: the key of the field.
        (
            WEB.replace("  replicas: 2", "  replicas: two"),
            "line 7, column 3",
            8,
            "Error from server (BadRequest): StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32",
        ),
        // Validation: the key of the field path's last segment.
        (
            WEB.replace("  replicas: 2", "  replicas: -1"),
            "line 7, column 3",
            8,
            "The StatefulSet.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            WEB.replace("        app: nginx\n    spec", "        app: other\n    spec"),
            "line 13, column 7",
            6,
            "The StatefulSet.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`",
        ),
        // A second document: positions are in file coordinates.
        (
            format!("{WEB}---\n{}", WEB.replace("  name: web", "  name: Web_1")),
            "line 23, column 3",
            4,
            "The StatefulSet.apps \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": ",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, at, len, message) in cases {
        let d = check(&text);
        let Some(first) = d.first() else {
            wrong.push(format!("no diagnostic for\n{text}"));
            continue;
        };
        if first.location() != at || first.len != len || !first.message.starts_with(message) {
            wrong.push(format!(
                "got {} (len {}) {}\nwant {at} (len {len}) {message}",
                first.location(),
                first.len,
                first.message
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    assert_eq!(check(WEB), Vec::<Diag>::new());
}

#[test]
fn the_overlay_marks_exactly_the_span() {
    let line = "  replicas: two # <b>x</b>";
    let marked: String = marked_tokens(line, &[(3, 8)])
        .into_iter()
        .filter(|(_, _, m)| *m)
        .map(|(_, t, _)| t)
        .collect();
    assert_eq!(marked, "replicas");
    let all: String = marked_tokens(line, &[(3, 8)])
        .into_iter()
        .map(|(_, t, _)| t)
        .collect();
    assert_eq!(
        all, line,
        "the pieces still spell the line (markup stays text)"
    );
    // A mark past the end of the line marks one space there.
    let past = marked_tokens("a:", &[(3, 1)]);
    assert_eq!(past.last(), Some(&("", " ".to_string(), true)));
}

/// A file `kubectl edit` opened is the stored object: checked as an update of it, it is clean,
/// and a forbidden change is reported at its key.
#[test]
fn edit_files_are_checked_as_updates() {
    use ordinal_kubectl::files::MemFiles;
    use ordinal_kubectl::Session;
    let mut files = MemFiles::new();
    files.insert("web.yaml", WEB);
    let mut s = Session::with_files(1, Box::new(files), true);
    s.run_script("kubectl apply -f web.yaml");
    s.advance_ms(10_000);
    let yaml = s.run_script("kubectl get sts web -o yaml");
    let check = |text: &str| {
        s.with_timeline(|tl| {
            ordinal_web::editor::diagnostics_for(
                "edit-statefulset-web.yaml",
                text,
                &tl.cluster().api,
                true,
            )
        })
    };
    assert_eq!(check(&yaml), Vec::<Diag>::new(), "{yaml}");
    let d = check(&yaml.replace("  serviceName: nginx", "  serviceName: other"));
    let first = d.first().expect("a forbidden update");
    assert!(
        first
            .message
            .contains("spec: Forbidden: updates to statefulset spec"),
        "{}",
        first.message
    );
    assert_eq!(
        first.location(),
        format!(
            "line {}, column 1",
            1 + yaml.lines().position(|l| l == "spec:").unwrap()
        )
    );
}
