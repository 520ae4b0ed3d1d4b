//! `kubectl edit`: the object opened in the page's editor, the saved file turned into a patch,
//! kubectl's messages for unchanged, invalid and broken edits; without an editor, kubectl's
//! error for an editor that cannot be launched.

use expect_test::expect;
use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::session::EditorRequest;
use ordinal_kubectl::Session;

const WEB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 1
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

fn session(editor: bool) -> Session {
    let mut files = MemFiles::new();
    files.insert("web.yaml", WEB);
    let mut s = Session::with_files(0, Box::new(files), true);
    if editor {
        s.enable_editor();
    }
    s.run_script("kubectl apply -f web.yaml");
    s.advance_ms(20_000);
    s
}

fn output(s: &mut Session) -> String {
    s.poll().into_iter().map(|(_, t)| t).collect()
}

/// Submits `line` and returns the file the editor was asked to open (and its text).
fn open(s: &mut Session, line: &str) -> (String, String) {
    s.submit(line);
    let reqs = s.take_editor_requests();
    match reqs.as_slice() {
        [EditorRequest::Open { file, text }] => (file.clone(), text.clone()),
        other => panic!("expected one open request, got {other:?} and {}", output(s)),
    }
}

#[test]
fn without_an_editor_kubectl_cannot_launch_one() {
    let mut s = session(false);
    let out = s.run_script("kubectl edit sts web\necho $?\nEDITOR=nano kubectl edit sts web\nkubectl edit sts nope\nkubectl edit\n");
    expect![[r#"
        error: unable to launch the editor "vi"
        1
        error: unable to launch the editor "nano"
        Error from server (NotFound): statefulsets.apps "nope" not found
        error: you must provide one or more resources by argument or filename.
        Example resource specifications include:
           '-f rsrc.yaml'
           '--filename=rsrc.json'
           '<resource> <name>'
           '<resource>'
    "#]]
    .assert_eq(&out);
}

#[test]
fn opens_the_object_under_kubectls_header_and_edits_it() {
    let mut s = session(true);
    let (file, text) = open(&mut s, "kubectl edit sts web");
    assert_eq!(file, "edit-statefulset-web.yaml");
    assert!(s.busy() && s.is_edit_file(&file));
    let head: Vec<&str> = text.lines().take(6).collect();
    expect![[r#"
        # Please edit the object below. Lines beginning with a '#' will be ignored,
        # and an empty file will abort the edit. If an error occurs while saving this file will be
        # reopened with the relevant failures.
        #
        apiVersion: apps/v1
        kind: StatefulSet"#]]
    .assert_eq(&head.join("\n"));
    assert!(text.contains("  uid: "), "the object as the server has it");
    // Time passes while the file is open; the set's status changes underneath.
    s.advance_ms(30_000);
    let edited = text.replace("nginx-slim:0.8", "nginx-slim:0.9");
    assert!(s.save_edit(&file, &edited));
    assert_eq!(output(&mut s), "statefulset.apps/web edited\n");
    assert!(!s.busy() && !s.is_edit_file(&file));
    assert_eq!(
        s.take_editor_requests(),
        vec![EditorRequest::Close { file: file.clone() }]
    );
    let out =
        s.run_script("kubectl get sts web -o jsonpath='{.spec.template.spec.containers[0].image}'");
    assert_eq!(out, "registry.k8s.io/nginx-slim:0.9");
    assert!(!s.save_edit(&file, &edited), "no edit waits on it any more");
}

#[test]
fn unchanged_and_empty_saves_cancel() {
    let mut s = session(true);
    let (file, text) = open(&mut s, "kubectl edit statefulset/web");
    // Comments do not count as changes.
    s.save_edit(&file, &format!("# a note\n{text}"));
    assert_eq!(output(&mut s), "Edit cancelled, no changes made.\n");
    assert!(!s.busy());
    s.take_editor_requests();
    let (file, _) = open(&mut s, "kubectl edit sts web");
    s.save_edit(&file, "# nothing\n\n");
    assert_eq!(output(&mut s), "Edit cancelled, saved file was empty.\n");
}

#[test]
fn invalid_edits_reopen_with_the_failures_and_the_users_text() {
    let mut s = session(true);
    let (file, text) = open(&mut s, "kubectl edit sts web");
    let bad = text.replace("  replicas: 1\n", "  replicas: -1\n");
    s.save_edit(&file, &bad);
    assert_eq!(
        output(&mut s),
        "error: statefulsets.apps \"web\" is invalid\n"
    );
    assert!(s.busy(), "kubectl waits for the reopened file");
    let reqs = s.take_editor_requests();
    let [EditorRequest::Open {
        file: f2,
        text: reopened,
    }] = reqs.as_slice()
    else {
        panic!("{reqs:?}")
    };
    assert_eq!(f2, &file);
    let reasons: Vec<&str> = reopened.lines().skip(4).take(3).collect();
    expect![[r#"
        # statefulsets.apps "web" was not valid:
        # * spec.replicas: Invalid value: -1: must be greater than or equal to 0
        #"#]]
    .assert_eq(&reasons.join("\n"));
    assert!(
        reopened.contains("  replicas: -1\n"),
        "the user's text is kept"
    );
    // Saving the same broken text again gives up, keeping the file.
    s.save_edit(&file, reopened);
    expect![[r#"
        A copy of your changes has been stored to "edit-statefulset-web.yaml"
        error: Edit cancelled, no valid changes were saved.
    "#]]
    .assert_eq(&output(&mut s));
    assert!(!s.busy());
    assert!(s.take_editor_requests().is_empty(), "the file stays open");
}

#[test]
fn syntax_errors_and_renames_read_like_kubectl() {
    let mut s = session(true);
    let (file, text) = open(&mut s, "kubectl edit sts web");
    s.save_edit(
        &file,
        &text.replace("kind: StatefulSet", "kind: [StatefulSet"),
    );
    assert_eq!(output(&mut s), "");
    let reqs = s.take_editor_requests();
    let [EditorRequest::Open { text: reopened, .. }] = reqs.as_slice() else {
        panic!("{reqs:?}")
    };
    let reason = reopened.lines().nth(4).unwrap_or("");
    assert!(
        reason.starts_with("# The edited file had a syntax error: error parsing edited-file: error converting YAML to JSON: "),
        "{reason}"
    );
    let renamed = text.replace("  name: web\n", "  name: web2\n");
    s.save_edit(&file, &renamed);
    expect![[r#"
        A copy of your changes has been stored to "edit-statefulset-web.yaml"
        error: At least one of apiVersion, kind and name was changed
    "#]]
    .assert_eq(&output(&mut s));
    assert!(!s.busy());
}

#[test]
fn ctrl_c_abandons_the_edit() {
    let mut s = session(true);
    let (file, _) = open(&mut s, "kubectl edit pods web-0 -o json");
    assert_eq!(file, "edit-pod-web-0.json");
    s.interrupt();
    assert!(!s.busy() && !s.is_edit_file(&file));
    assert_eq!(s.last_status(), 130);
}
