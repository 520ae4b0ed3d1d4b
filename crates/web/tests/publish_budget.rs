//! The publisher builds at most `NEW_CARDS_PER_FRAME` pod cards per frame — new cards and
//! cards moving to another lane alike (a lane's keyed list builds a moved card anew) — and the
//! rest follow on later frames, each in its old lane until then, showing what it showed.

use leptos::prelude::*;
use ordinal_web::publish::{Published, Publisher, NEW_CARDS_PER_FRAME, UPDATED_CARDS_PER_FRAME};
use ordinal_web::vm::{ClusterVm, NodeVm, PodVm, PvcVm};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn pod(i: usize, node: Option<&str>) -> PodVm {
    PodVm {
        name: format!("web-{i}"),
        namespace: "default".into(),
        uid: format!("uid-{i:03}"),
        ordinal: Some(i as i64),
        status: if node.is_some() {
            "ContainerCreating"
        } else {
            "Pending"
        }
        .into(),
        ready: false,
        ready_col: "0/1".into(),
        restarts: "0".into(),
        node: node.map(str::to_string),
        image: "registry.k8s.io/nginx-slim:0.8".into(),
        revision: None,
        ip: None,
        owner: Some("web".into()),
        orphaned: false,
        adopted_ms: None,
        terminating: false,
        created_ms: 0,
    }
}

fn cluster(pods: usize, node: Option<&str>) -> ClusterVm {
    ClusterVm {
        now_ms: 10_000,
        nodes: vec![NodeVm {
            name: "worker-1".into(),
            ready: true,
            down: false,
            control_plane: false,
            ip: "172.18.0.3".into(),
            pod_cidr: "10.244.1.0/24".into(),
        }],
        pods: (0..pods).map(|i| pod(i, node)).collect(),
        ..Default::default()
    }
}

/// (cards on worker-1, unscheduled cards, does every worker-1 card's view model say worker-1?)
fn lanes(p: &Published) -> (usize, usize, bool) {
    let on_worker = p.lanes.get_untracked()[0].1.cards.get_untracked();
    let consistent = p.cards.with_value(|cards| {
        on_worker
            .iter()
            .all(|k| cards[k].vm.get_untracked().node.as_deref() == Some("worker-1"))
    });
    (
        on_worker.len(),
        p.unscheduled.get_untracked().len(),
        consistent,
    )
}

#[test]
fn cards_are_built_and_moved_a_budget_per_frame() {
    let n = NEW_CARDS_PER_FRAME * 2 + 5;
    let p = Published::new();
    let mut publisher = Publisher::default();

    // n pods appear unscheduled: built over three frames.
    let mut frames = 0;
    loop {
        publisher.publish(&p, cluster(n, None));
        frames += 1;
        let (_, unscheduled, _) = lanes(&p);
        assert_eq!(unscheduled, (NEW_CARDS_PER_FRAME * frames).min(n));
        if !publisher.deferred {
            break;
        }
    }
    assert_eq!(frames, 3);

    // All n are bound to worker-1 at once: they move over three frames; a card not moved yet
    // stays unscheduled with its old view model.
    for frame in 1..=3 {
        publisher.publish(&p, cluster(n, Some("worker-1")));
        let moved = (NEW_CARDS_PER_FRAME * frame).min(n);
        assert_eq!(lanes(&p), (moved, n - moved, true), "frame {frame}");
        assert_eq!(publisher.deferred, moved < n);
        let waiting = p.unscheduled.get_untracked();
        p.cards.with_value(|cards| {
            assert!(waiting
                .iter()
                .all(|k| cards[k].vm.get_untracked().status == "Pending"))
        });
    }
    assert_eq!(p.pod_count.get_untracked(), n);
}

/// Pods already shown that all change at once (200 pods turning Running in one rebuild at 16×)
/// update a budget of cards per frame; a card not updated yet still shows its last state.
#[test]
fn changed_cards_are_updated_a_budget_per_frame() {
    let n = UPDATED_CARDS_PER_FRAME * 2 + 5;
    let p = Published::new();
    let mut publisher = Publisher::default();
    let creating = cluster(n, Some("worker-1"));
    while {
        publisher.publish(&p, creating.clone());
        publisher.deferred
    } {}
    assert_eq!(lanes(&p), (n, 0, true));
    // More pods than `COMPACT_ABOVE`: the cards are compact.
    assert_eq!(
        p.compact.get_untracked(),
        n > ordinal_web::cluster_view::COMPACT_ABOVE
    );

    let mut running = creating.clone();
    for pod in &mut running.pods {
        pod.status = "Running".into();
        pod.ready = true;
        pod.ready_col = "1/1".into();
    }
    let shown = |p: &Published| {
        p.cards.with_value(|cards| {
            cards
                .values()
                .filter(|c| c.vm.get_untracked().status == "Running")
                .count()
        })
    };
    for frame in 1..=3 {
        publisher.publish(&p, running.clone());
        let updated = (UPDATED_CARDS_PER_FRAME * frame).min(n);
        assert_eq!(shown(&p), updated, "frame {frame}");
        assert_eq!(publisher.deferred, updated < n, "frame {frame}");
        // Stale cards stay in their lane, with their old state.
        assert_eq!(lanes(&p), (n, 0, true));
    }
    publisher.publish(&p, running);
    assert!(!publisher.deferred);
}

fn claims(n: usize, phase: &str) -> ClusterVm {
    ClusterVm {
        pvcs: (0..n)
            .map(|i| PvcVm {
                name: format!("www-web-{i:03}"),
                phase: phase.into(),
                volume: (phase == "Bound").then(|| format!("pvc-{i:03}")),
                capacity: "1Gi".into(),
                mounted_by: None,
                owner: None,
                terminating: false,
            })
            .collect(),
        ..cluster(0, None)
    }
}

/// The storage shelf is keyed by whole rows: a new or changed claim is a row built anew, so
/// they come a budget per frame too; a claim not updated yet shows its last state.
#[test]
fn storage_rows_are_built_a_budget_per_frame() {
    let budget = NEW_CARDS_PER_FRAME * 2;
    let n = budget + 6;
    let p = Published::new();
    let mut publisher = Publisher::default();
    publisher.publish(&p, claims(n, "Pending"));
    assert_eq!(p.pvcs.get_untracked().len(), budget);
    assert!(publisher.deferred);
    publisher.publish(&p, claims(n, "Pending"));
    assert_eq!(p.pvcs.get_untracked().len(), n);
    assert!(!publisher.deferred);

    publisher.publish(&p, claims(n, "Bound"));
    let phases: Vec<String> = p
        .pvcs
        .get_untracked()
        .into_iter()
        .map(|c| c.phase)
        .collect();
    assert_eq!(phases.iter().filter(|ph| *ph == "Bound").count(), budget);
    assert_eq!(phases.len(), n, "a claim not updated yet keeps its row");
    assert!(publisher.deferred);
    publisher.publish(&p, claims(n, "Bound"));
    assert_eq!(p.pvcs.get_untracked(), claims(n, "Bound").pvcs);
}

/// A lane takes, per frame, cards appended after its kept cards and one card among them, or
/// loses cards: other changes made Leptos' keyed list move the kept cards in the DOM (every
/// one after the change). A change a lane cannot take waits a frame (the card stays where it
/// was), and the lane keeps the pods' order.
#[test]
fn a_lane_takes_appends_and_one_insertion_per_frame() {
    let on = |n: usize, bound: &[usize]| ClusterVm {
        pods: (0..n)
            .map(|i| pod(i, bound.contains(&i).then_some("worker-1")))
            .collect(),
        ..cluster(0, None)
    };
    let names = |keys: Vec<String>, p: &Published| -> Vec<String> {
        p.cards.with_value(|cards| {
            keys.iter()
                .map(|k| cards[k].vm.get_untracked().name)
                .collect()
        })
    };
    let worker = |p: &Published| names(p.lanes.get_untracked()[0].1.cards.get_untracked(), p);
    let unscheduled = |p: &Published| names(p.unscheduled.get_untracked(), p);
    let p = Published::new();
    let mut publisher = Publisher::default();
    publisher.publish(&p, on(8, &[3, 4]));
    assert_eq!(worker(&p), ["web-3", "web-4"]);
    assert!(!publisher.deferred);

    // Bound at once: web-0..2 before the shown web-3, 4 and web-6, 7 after them.
    let bound = on(8, &[0, 1, 2, 3, 4, 6, 7]);
    publisher.publish(&p, bound.clone());
    assert_eq!(worker(&p), ["web-0", "web-3", "web-4", "web-6", "web-7"]);
    assert_eq!(unscheduled(&p), ["web-1", "web-2", "web-5"]);
    assert!(publisher.deferred);
    publisher.publish(&p, bound.clone());
    assert_eq!(
        worker(&p),
        ["web-0", "web-1", "web-3", "web-4", "web-6", "web-7"]
    );
    publisher.publish(&p, bound);
    assert_eq!(
        worker(&p),
        ["web-0", "web-1", "web-2", "web-3", "web-4", "web-6", "web-7"]
    );
    assert!(!publisher.deferred);

    // web-5 is bound as web-8 and web-9 are created: the unscheduled lane loses web-5 this
    // frame and takes the new pods on the next.
    let more = on(10, &[0, 1, 2, 3, 4, 5, 6, 7]);
    publisher.publish(&p, more.clone());
    assert_eq!(worker(&p).len(), 8);
    assert!(unscheduled(&p).is_empty());
    assert!(publisher.deferred);
    publisher.publish(&p, more);
    assert_eq!(unscheduled(&p), ["web-8", "web-9"]);
    assert!(!publisher.deferred);
}
