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

fn parallel_set(replicas: u32) -> Input {
    Input::Create {
        object: json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web"},
            "spec": {"serviceName": "web", "replicas": replicas, "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                        "ports": [{"containerPort": 80, "name": "web"}]}]}}}}),
    }
}

/// The page advances in pieces of a few timers (its frame budget): cutting time anywhere, even
/// inside one instant, and acting between the pieces makes the same history as a straight run,
/// and the same as replaying the recorded inputs.
#[test]
fn bounded_advancing_makes_the_straight_run_history() {
    let script = |tl: &mut Timeline, advance: &mut dyn FnMut(&mut Timeline, Time)| {
        let t0 = tl.now();
        tl.apply(svc("web")).unwrap();
        // 100 pods and their Events from one sync: several dispatch chunks.
        tl.apply(parallel_set(100)).unwrap();
        advance(tl, t0.plus_ms(1_234));
        tl.apply(svc("a")).unwrap();
        advance(tl, t0.plus_secs(45));
        tl.apply(svc("b")).unwrap();
        advance(tl, t0.plus_secs(90));
    };
    let mut straight = Timeline::new(Default::default(), 7);
    script(&mut straight, &mut |tl, t| tl.advance_to(t));
    let mut stopped_short = 0;
    let mut applied_mid_instant = false;
    let mut applied_mid_dispatch = false;
    let mut bounded = Timeline::new(Default::default(), 7);
    script(&mut bounded, &mut |tl, t| {
        while !tl.advance_bounded(t, 3) {
            stopped_short += 1;
            // An input may arrive while an instant is half run (timers still due now): it
            // must land after all of them, as replay applies it.
            // Only a half-run instant whose remaining timers write tells the orders apart.
            let rest_writes = || {
                let mut rest = tl.clone();
                let rv = rest.cluster().api.resource_version();
                rest.advance_to(rest.now());
                rest.cluster().api.resource_version() != rv
            };
            let half_run = tl.cluster().next_wake().is_some_and(|w| w <= tl.now());
            if !applied_mid_instant && half_run && rest_writes() {
                applied_mid_instant = true;
                tl.apply(svc("mid")).unwrap();
            }
            // Or while a burst of watch events is still being handed to the controllers: they
            // must all go out before the input, as in a straight run.
            if !applied_mid_dispatch && tl.cluster().dispatch_pending() {
                applied_mid_dispatch = true;
                tl.apply(svc("mid-dispatch")).unwrap();
            }
        }
    });
    assert!(stopped_short > 100, "stopped short {stopped_short} times");
    assert!(applied_mid_instant);
    assert!(applied_mid_dispatch);
    // The extra input is the only difference: replaying the bounded run's inputs straight
    // reproduces it exactly.
    let replayed = Timeline::from_inputs(
        Default::default(),
        7,
        bounded.inputs().to_vec(),
        Some(bounded.now()),
    );
    assert_eq!(
        replayed.cluster().event_log_hash(),
        bounded.cluster().event_log_hash()
    );
    assert!(names(&bounded).contains(&"mid".to_string()));
    assert!(names(&bounded).contains(&"mid-dispatch".to_string()));

    // Without the extra input, bounded and straight runs are identical.
    let mut plain = Timeline::new(Default::default(), 7);
    let mut dispatch_split = 0;
    script(&mut plain, &mut |tl, t| {
        while !tl.advance_bounded(t, 2) {
            dispatch_split += usize::from(tl.cluster().dispatch_pending());
        }
    });
    assert!(
        dispatch_split > 0,
        "no stop with watch events still to hand out"
    );
    assert_eq!(
        plain.cluster().event_log_hash(),
        straight.cluster().event_log_hash()
    );
    // Seeking back over the checkpoints the bounded run took reproduces it too.
    let end = plain.now();
    plain.seek(Time(end.ms() - 50_000));
    plain.seek(end);
    assert_eq!(
        plain.cluster().event_log_hash(),
        straight.cluster().event_log_hash()
    );
}

/// The page hashes the log about once a second while the cluster runs (each entry's digest is
/// kept with it, `crate::digest`); hashing often, seeking back through checkpoints that carry
/// those digests and forking the future (whose new entries reuse the same resourceVersions)
/// must give exactly what one hash of a straight run gives.
#[test]
fn hashing_often_equals_hashing_once() {
    let script = |tl: &mut Timeline, every: Option<u64>| {
        let t0 = tl.now();
        let advance = |tl: &mut Timeline, to: Time| match every {
            Some(step) => {
                while tl.now() < to {
                    let next = Time((tl.now().ms() + step).min(to.ms()));
                    tl.advance_to(next);
                    // The page warms the digests a few at a time (its frame budget), then
                    // hashes.
                    let batch = |n: &mut u32| {
                        *n += 1;
                        *n <= 5
                    };
                    loop {
                        let mut n = 0;
                        if !tl.cluster().warm_event_log_hash(&mut || batch(&mut n)) {
                            break;
                        }
                    }
                    tl.cluster().event_log_hash();
                    assert!(!tl.cluster().warm_event_log_hash(&mut || false));
                }
            }
            None => tl.advance_to(to),
        };
        tl.apply(svc("web")).unwrap();
        tl.apply(parallel_set(12)).unwrap();
        advance(tl, t0.plus_secs(60));
        if every.is_some() {
            // A fork: back to 30 s, where resourceVersions after it are about to be reused.
            tl.seek(t0.plus_secs(30));
            tl.cluster().event_log_hash();
        } else {
            tl.seek(t0.plus_secs(30));
        }
        tl.apply(svc("late")).unwrap();
        advance(tl, t0.plus_secs(90));
    };
    let mut often = Timeline::new(Default::default(), 11);
    script(&mut often, Some(700));
    let mut once = Timeline::new(Default::default(), 11);
    script(&mut once, None);
    assert_eq!(names(&often), ["kubernetes", "late", "web"]);
    assert_eq!(
        often.cluster().event_log_hash(),
        once.cluster().event_log_hash()
    );
    let replayed = Timeline::from_inputs(
        Default::default(),
        11,
        once.inputs().to_vec(),
        Some(once.now()),
    );
    assert_eq!(
        replayed.cluster().event_log_hash(),
        often.cluster().event_log_hash()
    );
}

/// A Parallel sync that creates many pods hands control back every few creations (the page's
/// frame budget) and the cluster resumes it before anything else: the writes, their order,
/// the Events and every reason are those of one uninterrupted sync — also when a failed
/// creation stops the round at the end of its slow-start batch, and when the page stops
/// between slices and a user acts there.
#[test]
fn a_sync_split_between_creations_writes_what_one_sync_writes() {
    use ordinal_model::{Cluster, Kind};
    let set = |replicas: u32| {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {"serviceName": "web", "replicas": replicas, "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "www"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}})
    };
    let scale = |replicas: u32| Input::Patch {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        patch_type: ordinal_model::input::PatchType::Merge,
        patch: json!({"spec": {"replicas": replicas}}),
    };
    // (seconds after the start, input)
    let script: Vec<(u64, Input)> = vec![
        (0, svc("web")),
        (1, Input::Create { object: set(3) }),
        // web-40's claim is held in Terminating: creating web-40 fails, and the round stops at
        // the end of web-40's slow-start batch (web-62), three slices after the failure.
        (
            20,
            Input::Create {
                object: json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": "www-web-40", "finalizers": ["example.com/hold"]},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
            },
        ),
        (
            21,
            Input::Delete {
                kind: Kind::PersistentVolumeClaim,
                namespace: "default".into(),
                name: "www-web-40".into(),
                options: Default::default(),
            },
        ),
        (22, scale(120)),
        // Released: the next round creates web-40 and the rest, over the index again.
        (
            50,
            Input::Patch {
                kind: Kind::PersistentVolumeClaim,
                namespace: "default".into(),
                name: "www-web-40".into(),
                patch_type: ordinal_model::input::PatchType::Merge,
                patch: json!({"metadata": {"finalizers": null}}),
            },
        ),
        (60, scale(200)),
        (120, scale(30)),
    ];
    let run = |slice: Option<u32>, max_handles: usize| {
        let mut c = Cluster::new(Default::default(), 11);
        if let Some(n) = slice {
            c.statefulset.set_creates_per_slice(n);
        }
        let t0 = c.now();
        let (mut pending_rounds, mut acted_mid_round) = (0, false);
        for (at, input) in script.iter().cloned() {
            while !c.run_until_bounded(t0.plus_secs(at), max_handles) {
                if c.statefulset.has_pending_round() {
                    pending_rounds += 1;
                    // A user acting between two slices lands after the whole sync.
                    if !acted_mid_round && max_handles == 1 && pending_rounds == 5 {
                        acted_mid_round = true;
                        c.apply(svc("mid-round")).unwrap();
                    }
                }
            }
            c.apply(input).unwrap();
        }
        c.run_until(t0.plus_secs(180));
        let reasons: Vec<String> = c.reasons().iter().map(|r| format!("{r:?}")).collect();
        (c, reasons, pending_rounds, acted_mid_round)
    };
    let (whole, whole_reasons, _, _) = run(Some(u32::MAX), usize::MAX);
    let (sliced, sliced_reasons, _, _) = run(None, usize::MAX);
    assert_eq!(sliced.event_log_hash(), whole.event_log_hash());
    assert_eq!(sliced_reasons, whole_reasons);
    // The held claim stopped the 120-pod round at web-62 in both.
    let failed = whole_reasons
        .iter()
        .filter(|r| r.contains("www-web-40"))
        .count();
    assert!(failed > 0, "no reason names the held claim");

    // Stepping one unit of work at a time stops between slices.
    let (stepped, stepped_reasons, pending_rounds, acted) = run(None, 1);
    assert!(pending_rounds >= 5, "{pending_rounds} stops inside a round");
    assert!(acted);
    // The extra input is the only difference: the straight replay of its inputs is the same.
    let replayed = Cluster::replay(
        Default::default(),
        11,
        stepped.inputs(),
        Some(stepped.now()),
    );
    assert_eq!(replayed.event_log_hash(), stepped.event_log_hash());
    assert!(stepped_reasons.len() >= whole_reasons.len());
}
