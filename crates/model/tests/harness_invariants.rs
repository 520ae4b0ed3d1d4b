//! Randomized invariant harness for the StatefulSet controller and the garbage collector.
//!
//! Seeded operations (scale, image change, partition, strategy and policy toggles, pod
//! deletion, pod failure, readiness flips, set deletion with each propagation and
//! re-creation, time advances) against the cluster with the test-only fake node layer;
//! invariants are checked after every step, convergence at the end, and each seed runs twice
//! with the event-log hashes compared.
//!
//! `cargo test --release -p ordinal-model --test harness_invariants -- --ignored` runs
//! 1 000 × `ORDINAL_HEAVY_SCALE` seeds of 200 operations.

mod harness_fake_nodes;

use harness_fake_nodes::*;
use ordinal_model::api::{Propagation, WatchEventType};
use ordinal_model::controllers::statefulset::StsReason;
use ordinal_model::objects::{Pod, StatefulSet};
use ordinal_model::reason::Reason;
use ordinal_model::rng::Rng;
use ordinal_model::{Cluster, Kind, Object};
use serde_json::json;
use std::collections::BTreeMap;

const IMAGES: [&str; 3] = [
    "registry.k8s.io/nginx-slim:0.8",
    "registry.k8s.io/nginx-slim:0.9",
    "registry.k8s.io/nginx-slim:0.10",
];

/// What the checker remembers from the watch log between steps.
#[derive(Default)]
struct Checker {
    rv: u64,
    reason_seq: u64,
    /// Latest state of each pod (by name) and of the set, replayed from the log.
    pods: BTreeMap<String, Pod>,
    set: Option<StatefulSet>,
}

fn ordinal(name: &str) -> Option<i64> {
    let (parent, n) = name.rsplit_once('-')?;
    (parent == "web").then(|| n.parse().ok())?
}

impl Checker {
    /// Replays new watch events, checking the ordering and claim invariants at each one.
    fn check_log(&mut self, c: &Cluster, seed: u64) {
        let evs: Vec<_> = c.api.events_since(self.rv).expect("log").cloned().collect();
        for ev in evs {
            self.rv = ev.rv;
            match &*ev.object {
                Object::StatefulSet(s) => {
                    self.set = (ev.type_ != WatchEventType::Deleted).then(|| s.clone());
                }
                Object::Pod(p) => {
                    let name = p.metadata.name.clone();
                    if ev.type_ == WatchEventType::Added {
                        self.check_ordered_creation(p, seed);
                    }
                    if ev.type_ == WatchEventType::Deleted {
                        self.pods.remove(&name);
                    } else {
                        self.pods.insert(name, p.clone());
                    }
                }
                Object::PersistentVolumeClaim(pvc) => {
                    let n = &pvc.metadata.name;
                    let ok = n
                        .strip_prefix("www-")
                        .and_then(ordinal)
                        .is_some_and(|o| o >= 0);
                    assert!(ok, "seed {seed}: claim name {n} is not www-web-<ordinal>");
                    if ev.type_ == WatchEventType::Deleted {
                        assert!(
                            !pvc.metadata.owner_references.is_empty(),
                            "seed {seed}: claim {n} deleted without a retention-policy ownerRef"
                        );
                    }
                }
                _ => {}
            }
        }
        for r in c.reasons().since(self.reason_seq) {
            if let Reason::StatefulSet(StsReason::DeletedOutdatedRevision {
                pod, partition, ..
            }) = &r.reason
            {
                let o = ordinal(pod).unwrap_or(-1);
                assert!(
                    o >= i64::from(*partition),
                    "seed {seed}: {pod} updated below partition {partition}"
                );
            }
        }
        self.reason_seq = c.reasons().next_seq();
    }

    /// OrderedReady: pod i is created only when every in-range pod below it is Running and
    /// Ready and not terminating.
    fn check_ordered_creation(&self, p: &Pod, seed: u64) {
        let Some(set) = &self.set else { return };
        if set.is_parallel() || set.metadata.deletion_timestamp.is_some() {
            return;
        }
        let owned = p
            .metadata
            .controller_ref()
            .is_some_and(|r| r.uid == set.metadata.uid);
        let Some(i) = ordinal(&p.metadata.name) else {
            return;
        };
        if !owned {
            return;
        }
        let start = i64::from(set.ordinal_start());
        for j in start..i {
            let name = format!("web-{j}");
            let ok = self.pods.get(&name).is_some_and(|q| {
                q.is_running_and_ready() && q.metadata.deletion_timestamp.is_none()
            });
            assert!(
                ok,
                "seed {seed}: web-{i} created while {name} was not Running and Ready"
            );
        }
    }
}

/// Checks that hold at any instant.
fn check_state(c: &Cluster, seed: u64) {
    for p in c.api.list::<Pod>(Some("default")) {
        if let Some(r) = p.metadata.controller_ref() {
            assert_eq!(
                p.metadata.labels.get("statefulset.kubernetes.io/pod-name"),
                Some(&p.metadata.name),
                "seed {seed}: identity label of {}",
                p.metadata.name
            );
            assert_eq!(r.name, "web");
        }
    }
    if let Some(s) = c.api.get::<StatefulSet>("default", "web") {
        assert!(s.status.observed_generation.unwrap_or(0) <= s.metadata.generation);
        assert!(
            s.status.ready_replicas <= s.status.replicas,
            "seed {seed}: ready > replicas"
        );
    }
}

/// Once faults stop, the set converges: exactly its ordinals, all Ready, at the right
/// revisions, status equal to the pods.
fn check_converged(c: &Cluster, seed: u64) {
    let Some(s) = c.api.get::<StatefulSet>("default", "web").cloned() else {
        return;
    };
    let pods: Vec<&Pod> = c
        .api
        .list::<Pod>(Some("default"))
        .filter(|p| {
            p.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == s.metadata.uid)
        })
        .collect();
    let mut ords: Vec<i64> = pods
        .iter()
        .filter_map(|p| ordinal(&p.metadata.name))
        .collect();
    ords.sort();
    let want: Vec<i64> = (0..i64::from(s.replicas())).collect();
    assert_eq!(ords, want, "seed {seed}: converged ordinals");
    assert!(
        pods.iter().all(|p| p.is_running_and_ready()),
        "seed {seed}: all ready"
    );
    assert_eq!(
        s.status.replicas,
        s.replicas(),
        "seed {seed}: status.replicas"
    );
    assert_eq!(
        s.status.ready_replicas,
        s.replicas(),
        "seed {seed}: status.readyReplicas"
    );
    assert_eq!(s.status.observed_generation, Some(s.metadata.generation));
    let updated = pods
        .iter()
        .filter(|p| {
            p.metadata.labels.get("controller-revision-hash") == Some(&s.status.update_revision)
        })
        .count() as i32;
    assert_eq!(
        s.status.updated_replicas, updated,
        "seed {seed}: updatedReplicas"
    );
    if !s.is_on_delete() {
        let partition = i64::from(s.partition().unwrap_or(0));
        for p in &pods {
            let o = ordinal(&p.metadata.name).unwrap_or(0);
            if o >= partition {
                assert_eq!(
                    p.metadata.labels.get("controller-revision-hash"),
                    Some(&s.status.update_revision),
                    "seed {seed}: {} above the partition is updated",
                    p.metadata.name
                );
            }
        }
    }
}

fn run_seed(seed: u64, ops: usize) -> u64 {
    let (mut c, mut f) = cluster();
    let mut rng = Rng::new(seed);
    let mut chk = Checker::default();
    let mut image = 0usize;
    create(&mut c, web(2, json!({})));
    for _ in 0..ops {
        let exists = c
            .api
            .get::<StatefulSet>("default", "web")
            .is_some_and(|s| s.metadata.deletion_timestamp.is_none());
        let pod = format!("web-{}", rng.below(5));
        match rng.below(16) {
            0..=2 if exists => {
                patch_set(&mut c, "web", json!({"spec": {"replicas": rng.below(6)}}))
            }
            3 if exists => {
                image = (image + 1 + rng.below(2) as usize) % IMAGES.len();
                set_image(&mut c, IMAGES[image]);
            }
            4 if exists => patch_set(
                &mut c,
                "web",
                json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": rng.below(5)}}}}),
            ),
            5 if exists => {
                let on_delete = rng.below(2) == 0;
                let strategy = if on_delete {
                    json!({"type": "OnDelete", "rollingUpdate": null})
                } else {
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
                };
                let _ = c.apply(ordinal_model::Input::Patch {
                    kind: Kind::StatefulSet,
                    namespace: "default".into(),
                    name: "web".into(),
                    patch_type: ordinal_model::PatchType::Merge,
                    patch: json!({"spec": {"updateStrategy": strategy}}),
                });
            }
            6 => {
                let _ = c.apply(ordinal_model::Input::Delete {
                    kind: Kind::Pod,
                    namespace: "default".into(),
                    name: pod,
                    options: Default::default(),
                });
            }
            7 => f.fail(&mut c, &pod),
            8 => f.set_ready(&mut c, &pod, false),
            9 | 10 => f.set_ready(&mut c, &pod, true),
            11 if exists => {
                let p = match rng.below(3) {
                    0 => Propagation::Background,
                    1 => Propagation::Foreground,
                    _ => Propagation::Orphan,
                };
                delete(&mut c, Kind::StatefulSet, "web", Some(p));
            }
            12 if exists && rng.below(4) == 0 => {
                // Only on a fresh set: the policy is immutable on real clusters? (it is mutable
                // since 1.27; the model follows the apiserver's validation either way)
                let _ = c.apply(ordinal_model::Input::Patch {
                    kind: Kind::StatefulSet,
                    namespace: "default".into(),
                    name: "web".into(),
                    patch_type: ordinal_model::PatchType::Merge,
                    patch: json!({"spec": {"persistentVolumeClaimRetentionPolicy": {
                        "whenScaled": if rng.below(2) == 0 { "Delete" } else { "Retain" },
                        "whenDeleted": if rng.below(2) == 0 { "Delete" } else { "Retain" }}}}),
                });
            }
            _ if c.api.get::<StatefulSet>("default", "web").is_none() => {
                let policy = if rng.below(2) == 0 {
                    "Parallel"
                } else {
                    "OrderedReady"
                };
                create(
                    &mut c,
                    web(rng.below(5) as i32, json!({"podManagementPolicy": policy})),
                );
            }
            _ => {}
        }
        f.advance(&mut c, rng.below(4_000));
        chk.check_log(&c, seed);
        check_state(&c, seed);
    }
    // Faults stop: everything ready, plenty of time.
    for k in f.unready.clone() {
        f.set_ready(&mut c, &k.1, true);
    }
    f.advance(&mut c, 10_000);
    // A Failed pod outside the set's range is never replaced (processReplica only sees pods in
    // range) and, under OrderedReady, blocks the scale-down of every other unhealthy condemned
    // pod but the lowest (`processCondemned` waits unless the pod is `firstUnhealthyPod`):
    // "You cannot scale down a StatefulSet when any of the stateful Pods it manages is
    // unhealthy" (task "Scale a StatefulSet", troubleshooting). A real cluster stays stuck there
    // too; the operator deletes those pods, and so does the harness.
    delete_failed_condemned(&mut c);
    f.advance(&mut c, 110_000);
    chk.check_log(&c, seed);
    check_state(&c, seed);
    check_converged(&c, seed);
    assert!(!c.spin_detected, "seed {seed}: a controller spun");
    c.event_log_hash()
}

/// Deletes (gracefully, like `kubectl delete pod`) the set's Failed pods whose ordinal is
/// outside `0..replicas`.
fn delete_failed_condemned(c: &mut Cluster) {
    let Some(s) = c.api.get::<StatefulSet>("default", "web").cloned() else {
        return;
    };
    let replicas = i64::from(s.replicas());
    let stuck: Vec<String> = c
        .api
        .list::<Pod>(Some("default"))
        .filter(|p| {
            p.phase() == "Failed"
                && p.metadata.deletion_timestamp.is_none()
                && ordinal(&p.metadata.name).is_some_and(|o| o >= replicas)
        })
        .map(|p| p.metadata.name.clone())
        .collect();
    for pod in stuck {
        let _ = c.apply(ordinal_model::Input::Delete {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: pod,
            options: Default::default(),
        });
    }
}

fn run(seeds: u64, ops: usize) {
    for seed in 0..seeds {
        let a = run_seed(seed, ops);
        let b = run_seed(seed, ops);
        assert_eq!(a, b, "seed {seed}: two runs differ");
    }
}

/// Seeds of the 1 000-seed sweep that fail, OPEN and not yet diagnosed (none now). Replay one
/// with `ORDINAL_HARNESS_ONLY=<seed> cargo test --release -p ordinal-model --test
/// harness_invariants harness_heavy -- --ignored`.
const KNOWN_OPEN_SEEDS: &[u64] = &[];

/// The heavy sweep: every seed (but the open ones) is run; all failures are reported at the end.
fn sweep(seeds: u64, ops: usize) {
    if let Some(only) = std::env::var("ORDINAL_HARNESS_ONLY")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return run_one(only, ops);
    }
    let failed: Vec<u64> = (0..seeds)
        .filter(|s| !KNOWN_OPEN_SEEDS.contains(s))
        .filter(|&seed| std::panic::catch_unwind(|| run_one(seed, ops)).is_err())
        .collect();
    assert!(failed.is_empty(), "failing seeds: {failed:?}");
}

fn run_one(seed: u64, ops: usize) {
    let a = run_seed(seed, ops);
    let b = run_seed(seed, ops);
    assert_eq!(a, b, "seed {seed}: two runs differ");
}

#[test]
fn harness_smoke() {
    run(4, 60);
}

#[test]
#[ignore]
fn harness_heavy() {
    let scale: u64 = std::env::var("ORDINAL_HEAVY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    // ORDINAL_HARNESS_SEEDS overrides the seed count (for timing a sample).
    let seeds = std::env::var("ORDINAL_HARNESS_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000 * scale);
    sweep(seeds, 200);
}
