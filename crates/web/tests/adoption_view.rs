//! Orphans and adoption in the view model: an orphan says so in its accessible name, and a
//! set's adoption of it animates as a function of model time (transform/opacity only, none
//! with reduced motion). Plain logic: runs on the host and in the browser.

use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::Session;
use ordinal_web::publish::Anim;
use ordinal_web::vm::{cluster_vm, PodVm, ADOPT_MS};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn web0(s: &Session) -> PodVm {
    s.with_timeline(|tl| cluster_vm(tl.cluster()))
        .pods
        .into_iter()
        .find(|p| p.name == "web-0")
        .expect("web-0")
}

#[test]
fn orphans_are_named_and_adoption_animates_by_model_time() {
    let mut files = MemFiles::new();
    files.insert("web.yaml", ordinal_web::WEB_YAML);
    let mut s = Session::with_files(3, Box::new(files), true);
    s.run_script("kubectl apply -f web.yaml");
    s.advance_ms(60_000);
    let p = web0(&s);
    assert!(!p.orphaned && p.adopted_ms.is_none());
    assert!(!p.accessible_name().contains("orphaned"));

    s.run_script("kubectl delete sts web --cascade=orphan");
    s.advance_ms(5_000);
    let p = web0(&s);
    assert!(p.orphaned && p.owner.is_none());
    assert!(
        p.accessible_name()
            .starts_with("Pod web-0, Running, Ready, worker-")
            && p.accessible_name()
                .ends_with(", image registry.k8s.io/nginx-slim:0.8, orphaned"),
        "{}",
        p.accessible_name()
    );

    s.run_script("kubectl apply -f web.yaml");
    // Step until the set adopts web-0.
    let mut adopted = None;
    for _ in 0..200 {
        s.advance_ms(50);
        let p = web0(&s);
        if p.owner.is_some() {
            adopted = Some(p);
            break;
        }
    }
    let p = adopted.expect("the re-created set adopts web-0");
    let at = p
        .adopted_ms
        .expect("the adoption time comes from the AdoptedPod reason");
    assert!(!p.orphaned && !p.accessible_name().contains("orphaned"));

    let start = Anim::live(at, &p);
    assert!(start.adopting());
    let mid = Anim::live(at + ADOPT_MS / 2, &p);
    let style = mid.style(false);
    assert!(
        style.starts_with("transform: translate(") && style.contains("opacity:"),
        "{style}"
    );
    assert!(!style.contains("left") && !style.contains("top") && !style.contains("width"));
    assert_eq!(mid.style(true), "", "no motion with prefers-reduced-motion");
    assert!(!Anim::live(at + ADOPT_MS, &p).adopting());
    // Scrubbed to before the adoption: nothing animates.
    assert!(!Anim::live(at.saturating_sub(1), &p).adopting());

    // The animation window passes: the view model forgets the adoption.
    s.advance_ms(ADOPT_MS + 100);
    assert_eq!(web0(&s).adopted_ms, None);
    // The feed's narration comes from the same reason.
    let said = s.with_timeline(|tl| {
        tl.cluster()
            .reasons()
            .iter()
            .any(|r| r.to_string().contains("adopted orphan pod web-0"))
    });
    assert!(said);
}
