//! The page's controls (faults, Apply, Reset) while the terminal runs a command: they act at
//! once in a second terminal, as the tutorial's "in a second terminal", instead of being typed
//! into the running command (a watch would swallow them until Ctrl-C; a pod's shell would run
//! `sim` inside the pod). With the terminal idle they run there, as if typed.

use ordinal_web::engine::{Cmd, Engine, SPEEDS};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const WEB_YAML: &str = include_str!("../../../www/manifests/web.yaml");

/// Runs `frames` ticks of 16 ms at 16×; returns (terminal, second terminal) output.
fn frames(e: &mut Engine, frames: usize) -> (String, String) {
    let (mut main, mut side) = (String::new(), String::new());
    for _ in 0..frames {
        let out = e.tick(16.0, &|| 0.0);
        out.output.iter().for_each(|(_, t)| main.push_str(t));
        out.side.iter().for_each(|(_, t)| side.push_str(t));
    }
    (main, side)
}

/// An engine at 16× with the tutorial's web.yaml applied and both pods Ready.
fn web_running() -> Engine {
    let mut e = engine();
    e.queue
        .push_back(Cmd::Line("kubectl apply -f web.yaml".into()));
    frames(&mut e, 150);
    e
}

fn engine() -> Engine {
    let mut e = Engine::new(7, &[("web.yaml".into(), WEB_YAML.into())]);
    e.speed = SPEEDS.iter().position(|s| *s == 16.0).unwrap();
    e
}

#[test]
fn a_control_used_during_a_watch_runs_in_the_second_terminal_and_the_watch_shows_it() {
    let mut e = web_running();
    e.queue
        .push_back(Cmd::Line("kubectl get pods -w -l app=nginx".into()));
    let (main, _) = frames(&mut e, 5);
    assert!(e.session.busy(), "the watch runs: {main}");

    e.queue
        .push_back(Cmd::Control("kubectl delete pod web-1".into()));
    let (main, side) = frames(&mut e, 40);
    assert_eq!(
        side,
        "$ kubectl delete pod web-1\npod \"web-1\" deleted from default namespace\n"
    );
    assert!(
        !main.contains("kubectl delete"),
        "typed into the watch: {main}"
    );
    assert!(
        !e.side_running(),
        "kubectl delete returned once the pod was gone"
    );
    assert!(
        main.lines()
            .any(|l| l.starts_with("web-1 ") && l.contains("Terminating")),
        "the watch shows the deletion: {main}"
    );
    assert!(e.session.busy(), "the watch still runs");

    // Idle again: a control runs in the terminal, echoed as if typed.
    e.queue.push_back(Cmd::Interrupt);
    e.queue
        .push_back(Cmd::Control("sim node down worker-1".into()));
    let (main, side) = frames(&mut e, 2);
    assert!(
        main.ends_with("^C\n$ sim node down worker-1\nnode/worker-1 down\n"),
        "{main}"
    );
    assert_eq!(side, "");
}

#[test]
fn controls_wait_their_turn_in_the_second_terminal_and_a_pending_multi_line_command_is_left_alone()
{
    let mut e = engine();
    // A multi-line command being typed (the prompt is `> `): controls must not join it.
    e.queue.push_back(Cmd::Line("for n in 1 2; do".into()));
    e.queue
        .push_back(Cmd::Control("kubectl apply -f web.yaml".into()));
    e.queue
        .push_back(Cmd::Control("sim node down worker-2".into()));
    let (main, side) = frames(&mut e, 3);
    assert_eq!(main, "$ for n in 1 2; do\n");
    assert_eq!(
        side,
        "$ kubectl apply -f web.yaml\nservice/nginx created\nstatefulset.apps/web created\n\
         $ sim node down worker-2\nnode/worker-2 down\n"
    );
    e.queue.push_back(Cmd::Line("echo $n; done".into()));
    let (main, _) = frames(&mut e, 2);
    assert_eq!(main, "> echo $n; done\n1\n2\n");
}

#[test]
fn lines_typed_in_the_second_terminal_run_there_while_the_first_watches() {
    let mut e = web_running();
    e.queue
        .push_back(Cmd::Line("kubectl get pods -w -l app=nginx".into()));
    e.queue
        .push_back(Cmd::SideLine("kubectl delete pod web-0".into()));
    let (main, side) = frames(&mut e, 40);
    assert_eq!(
        side,
        "$ kubectl delete pod web-0\npod \"web-0\" deleted from default namespace\n"
    );
    assert!(
        main.lines()
            .any(|l| l.starts_with("web-0 ") && l.contains("Terminating")),
        "{main}"
    );
    assert_eq!(
        e.side_prompt(),
        "$ ",
        "kubectl delete returned once the pod was gone"
    );

    // A watch there too: Ctrl-C in the second terminal stops only its own.
    e.queue
        .push_back(Cmd::SideLine("kubectl get sts web -w".into()));
    let (_, side) = frames(&mut e, 3);
    assert!(
        side.starts_with("$ kubectl get sts web -w\nNAME   READY   AGE\nweb "),
        "{side}"
    );
    assert!(e.side_running());
    assert_eq!(e.side_prompt(), "");
    e.queue.push_back(Cmd::SideInterrupt);
    let (_, side) = frames(&mut e, 1);
    assert!(side.ends_with("^C\n"), "{side}");
    assert!(!e.side_running());
    assert!(e.session.busy(), "the first terminal still watches");
}
