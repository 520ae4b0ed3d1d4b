//! Component tests of the page's view logic, in a real browser (headless Chromium):
//! `cargo xtask test` runs them through wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]

use ordinal_kubectl::Session;
use ordinal_web::complete::{complete, Names};
use ordinal_web::terminal::TermBuf;
use ordinal_web::vm::{self, pod_accessible_name, pvc_accessible_name, step_back_target};
use ordinal_web::{highlight, speed_label, toggle_label, App};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> (HtmlElement, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), App);
    (container, handle)
}

#[wasm_bindgen_test]
fn labels() {
    assert_eq!(toggle_label(true), "Pause");
    assert_eq!(toggle_label(false), "Play");
    assert_eq!(speed_label(4), "4×");
    assert_eq!(speed_label(0), "0.25×");
    assert_eq!(speed_label(99), "as fast as possible");
}

#[wasm_bindgen_test]
fn accessible_names_follow_the_contract() {
    assert_eq!(
        pod_accessible_name(
            "web-0",
            "Running",
            true,
            Some("worker-2"),
            "registry.k8s.io/nginx-slim:0.8"
        ),
        "Pod web-0, Running, Ready, worker-2, image registry.k8s.io/nginx-slim:0.8"
    );
    assert_eq!(
        pod_accessible_name("web-1", "Pending", false, None, "nginx"),
        "Pod web-1, Pending, Not ready, unscheduled, image nginx"
    );
    assert_eq!(
        pvc_accessible_name("www-web-0", "Bound", Some("pvc-1"), "1Gi"),
        "PersistentVolumeClaim www-web-0, Bound, pvc-1, 1Gi"
    );
    assert_eq!(
        pvc_accessible_name("www-web-9", "Pending", None, "1Gi"),
        "PersistentVolumeClaim www-web-9, Pending, none, 1Gi"
    );
    assert_eq!(vm::image_tag("registry.k8s.io/nginx-slim:0.8"), "0.8");
    assert_eq!(vm::image_tag("localhost:5000/nginx"), "latest");
}

#[wasm_bindgen_test]
fn view_model_follows_the_tutorial() {
    let mut s = Session::new(1);
    s.run_script(&format!(
        "cat > web.yaml <<'EOF'\n{}EOF\nkubectl apply -f web.yaml\nkubectl rollout status sts/web",
        ordinal_web::WEB_YAML
    ));
    let c = s.cluster();
    let v = vm::cluster_vm(&c);
    let names: Vec<&str> = v.pods.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["web-0", "web-1"]);
    assert!(v
        .pods
        .iter()
        .all(|p| p.ready && p.ordinal.is_some() && !p.orphaned));
    assert_eq!(v.sets.len(), 1);
    assert_eq!((v.sets[0].desired, v.sets[0].ready), (2, 2));
    assert_eq!(v.pvcs.len(), 2);
    assert!(v
        .pvcs
        .iter()
        .all(|p| p.phase == "Bound" && p.mounted_by.is_some()));
    let keys: Vec<String> = v.dns.iter().map(|r| r.key()).collect();
    let ip0 = v.pods[0].ip.clone().unwrap();
    assert!(
        keys.contains(&format!("web-0.nginx.default.svc.cluster.local A {ip0}")),
        "{keys:?}"
    );
    // Step back goes to the event instant before the newest one.
    let times = vm::event_times(&c);
    assert!(times.len() > 2);
    let last = *times.last().unwrap();
    assert_eq!(step_back_target(&times, last, 0), times[times.len() - 2]);
    assert_eq!(step_back_target(&[], 5, 1), 1);
}

#[wasm_bindgen_test]
fn terminal_buffer_joins_partial_lines_and_clears() {
    let mut t = TermBuf::default();
    t.push_text("a\nb", false);
    t.push_text("c\n", false);
    assert_eq!(t.texts(), ["a", "bc"]);
    t.push_text("x\x1b[H\x1b[2J\x1b[3Jafter\n", false);
    assert_eq!(t.texts(), ["after"]);
    t.push_text("<img src=x onerror=alert(1)>\n", true);
    assert_eq!(t.lines.last().unwrap().text, "<img src=x onerror=alert(1)>");
}

#[wasm_bindgen_test]
fn completion() {
    let names = Names {
        pods: vec!["web-0".into(), "web-1".into()],
        sets: vec!["web".into()],
        ..Names::default()
    };
    assert_eq!(complete("kub", &names).insert.as_deref(), Some("ectl "));
    assert_eq!(
        complete("kubectl sc", &names).insert.as_deref(),
        Some("ale ")
    );
    assert_eq!(
        complete("kubectl get po", &names).choices,
        ["po", "pod", "pods"]
    );
    assert_eq!(
        complete("kubectl delete pod w", &names).insert.as_deref(),
        Some("eb-")
    );
    assert_eq!(
        complete("kubectl scale sts/", &names).insert.as_deref(),
        Some("web ")
    );
    assert_eq!(
        complete("kubectl get pods --wa", &names).insert.as_deref(),
        Some("tch ")
    );
    assert_eq!(
        complete("sim node d", &names).insert.as_deref(),
        Some("own ")
    );
}

#[wasm_bindgen_test]
fn highlighting_keeps_the_text() {
    for line in [
        "  name: web # <b>bold</b>",
        "- containerPort: 80",
        "apiVersion: apps/v1",
        "---",
        "      storage: \"1Gi\"",
        "",
    ] {
        let joined: String = highlight::tokens(line)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(joined, line);
    }
    let t = highlight::tokens("  name: web # c");
    assert_eq!(t[1], ("hl-key", "name".to_string()));
    assert_eq!(t.last().unwrap().0, "hl-comment");
}

/// Waits for the next animation frame and then a task.
async fn after_a_frame() {
    let done = js_sys::Promise::new(&mut |resolve, _| {
        let later = wasm_bindgen::closure::Closure::once_into_js(move || {
            let task = wasm_bindgen::closure::Closure::once_into_js(move || {
                resolve.call0(&wasm_bindgen::JsValue::NULL).unwrap();
            });
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(task.unchecked_ref(), 0)
                .unwrap();
        });
        web_sys::window()
            .unwrap()
            .request_animation_frame(later.unchecked_ref())
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(done).await.unwrap();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn mounts_with_the_contract_names() {
    // A fresh start (no saved scenario from another test): its lanes are drawn before the model runs.
    if let Ok(Some(storage)) = web_sys::window().unwrap().local_storage() {
        storage.clear().unwrap();
    }
    let (root, _handle) = mount();
    let present = |selector: &str| root.query_selector(selector).unwrap().is_some();
    let terminal_output = r#"[role="log"][aria-label="Terminal output"]"#;
    let dns = r#"table[aria-label="DNS records"]"#;
    leptos::task::tick().await;
    // Drawn in the mount task: the cluster (a fresh cluster's worker lanes, before the model
    // has run) and the terminal.
    assert!(present(terminal_output));
    assert!(present(dns));
    assert!(present(
        r#"[data-node="worker-1"] [role="list"][aria-label="Pods on worker-1"]"#
    ));
    // The page builds the engine in a task after its first frame, and the editor and the
    // reason feed in a task after the next one (`app.rs`, `after_paint`).
    after_a_frame().await;
    after_a_frame().await;
    let manifest: HtmlTextAreaElement = root
        .query_selector("#manifest-input")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(manifest.value().contains("kind: StatefulSet"));
    assert!(present(terminal_output));
    assert!(present(
        r#"[role="log"][aria-label="Controller events"][aria-live="polite"]"#
    ));
    assert!(present(dns));
}
