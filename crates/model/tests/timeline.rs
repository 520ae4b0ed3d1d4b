//! Scrubbing and forking: seeking anywhere reproduces exactly the state a straight run had.

use ordinal_model::time::Time;
use ordinal_model::{Input, Scenario, Timeline};
use serde_json::json;

fn svc(name: &str) -> Input {
    Input::Create {
        object: json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"clusterIP": "None", "selector": {"app": name}, "ports": [{"port": 80, "name": "web"}]}}),
    }
}

fn names(tl: &Timeline) -> Vec<String> {
    tl.cluster()
        .list::<ordinal_model::objects::Service>(Some("default"))
        .iter()
        .map(|s| s.metadata.name.clone())
        .collect()
}

#[test]
fn seeking_back_and_forth_reproduces_the_straight_run() {
    let mut tl = Timeline::new(Default::default(), 3);
    let t0 = tl.now();
    tl.advance_to(t0.plus_secs(30));
    tl.apply(svc("a")).unwrap();
    tl.advance_to(t0.plus_secs(95));
    tl.apply(svc("b")).unwrap();
    tl.advance_to(t0.plus_secs(300));
    let straight = tl.cluster().event_log_hash();

    tl.seek(t0.plus_secs(60));
    assert_eq!(names(&tl), ["a", "kubernetes"]);
    assert!(tl.in_past());
    tl.seek(t0.plus_secs(10));
    assert_eq!(names(&tl), ["kubernetes"]);
    tl.seek(t0.plus_secs(300));
    assert_eq!(tl.cluster().event_log_hash(), straight);
}

/// A share link of a cluster whose first input came before any time passed (a tour's Run
/// button right after it reset the cluster) reopens in the same state.
#[test]
fn inputs_at_the_first_instant_survive_a_rebuild() {
    let mut tl = Timeline::new(Default::default(), 3);
    let t0 = tl.now();
    tl.apply(svc("a")).unwrap();
    tl.advance_to(t0.plus_secs(40));
    let rebuilt = Timeline::from_inputs(
        Default::default(),
        3,
        tl.inputs().to_vec(),
        Some(t0.plus_secs(40)),
    );
    assert_eq!(names(&rebuilt), ["a", "kubernetes"]);
    assert_eq!(
        rebuilt.cluster().event_log_hash(),
        tl.cluster().event_log_hash()
    );
}

#[test]
fn acting_in_the_past_forks_and_drops_the_future() {
    let mut tl = Timeline::new(Default::default(), 3);
    let t0 = tl.now();
    tl.advance_to(t0.plus_secs(30));
    tl.apply(svc("a")).unwrap();
    tl.advance_to(t0.plus_secs(90));
    tl.apply(svc("b")).unwrap();
    tl.advance_to(t0.plus_secs(120));
    tl.seek(t0.plus_secs(60));
    tl.apply(svc("c")).unwrap();
    assert_eq!(tl.end(), t0.plus_secs(60));
    tl.advance_to(t0.plus_secs(120));
    assert_eq!(names(&tl), ["a", "c", "kubernetes"]);
    assert_eq!(tl.inputs().len(), 2);
}

#[test]
fn scenarios_round_trip_and_reject_tampering() {
    let mut tl = Timeline::new(Default::default(), 11);
    tl.apply(svc("a")).unwrap();
    tl.advance_to(tl.now().plus_secs(5));
    let s = Scenario::of_cluster(tl.cluster());
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(
        back.replay().event_log_hash(),
        tl.cluster().event_log_hash()
    );
    assert!(Scenario::from_json("{")
        .unwrap_err()
        .starts_with("scenario is not valid"));
    let tampered = s.to_json().replace("\"version\":1", "\"version\":9");
    assert!(Scenario::from_json(&tampered)
        .unwrap_err()
        .contains("version 9"));
    let mut bad = s.clone();
    bad.workers = 0;
    assert!(Scenario::from_json(&bad.to_json()).is_err());
    let _ = Time(0);
}

#[test]
fn inputs_at_a_checkpoint_instant_survive_seeking() {
    // A checkpoint holds the state before the inputs of its own instant: the start of the
    // timeline and every 20 s boundary.
    let mut tl = Timeline::new(Default::default(), 3);
    let t0 = tl.now();
    tl.apply(svc("a")).unwrap();
    tl.advance_to(t0.plus_secs(20));
    tl.apply(svc("b")).unwrap();
    tl.advance_to(t0.plus_secs(60));
    let straight = tl.cluster().event_log_hash();
    tl.seek(t0);
    assert_eq!(names(&tl), ["a", "kubernetes"]);
    tl.seek(t0.plus_secs(20));
    assert_eq!(names(&tl), ["a", "b", "kubernetes"]);
    tl.seek(t0.plus_secs(10));
    tl.seek(t0.plus_secs(60));
    assert_eq!(tl.cluster().event_log_hash(), straight);
}
