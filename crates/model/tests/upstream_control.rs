//! Cases of upstream `pkg/controller/statefulset/stateful_set_control_test.go`, ported as
//! scenarios: each test is named after the upstream test (and case) it ports and asserts what
//! that test asserts — pod names and ordinals, revisions, images, status counts — plus the reason
//! variants the model records for the decisions.
//!
//! Upstream drives `UpdateStatefulSet` by hand against a fake client whose calls can be made to
//! fail (`SetCreateStatefulPodError`, `SetUpdateStatefulPodError`, `SetDeleteStatefulPodError`,
//! `SetUpdateStatefulSetStatusError`). The model has no per-call failure injection: its writes
//! go through the real apiserver. Where a test exists for an injected failure, the port says so
//! and checks the invariant the test protects (e.g. a refused create is reported and retried
//! until it succeeds, using a ResourceQuota as the real cause of refusal).
//!
//! The node side is the test-only fake in harness_fake_nodes (as upstream's `setPodRunning` /
//! `setPodReady`), so pods become Running and Ready 1 s after creation.

mod harness_fake_nodes;

use expect_test::expect;
use harness_fake_nodes::*;
use ordinal_model::api::DeleteOptions;
use ordinal_model::controllers::statefulset::StsReason;
use ordinal_model::objects::{ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet};
use ordinal_model::reason::Reason;
use ordinal_model::{Cluster, Input, Kind};
use serde_json::{json, Value};

const ORIGINAL_IMAGE: &str = "registry.k8s.io/nginx-slim:0.8";
const FOO: &str = "registry.k8s.io/nginx-slim:0.9";

/// `newStatefulSet(n)` in OrderedReady (upstream "Monotonic") or Parallel ("Burst").
fn policy(burst: bool) -> Value {
    json!({"podManagementPolicy": if burst { "Parallel" } else { "OrderedReady" }})
}

/// `scaleUpStatefulSetControl`: creates the set and runs until every replica is Ready.
fn scaled_up(replicas: i32, extra: Value) -> (Cluster, FakeNodes) {
    let (mut c, mut f) = cluster();
    create(&mut c, web(replicas, extra));
    f.advance(&mut c, 3_000 + 2_000 * replicas as u64);
    (c, f)
}

/// The status counts upstream's tests check.
fn counts(c: &Cluster) -> String {
    let s = sts(c, "web");
    let st = &s.status;
    format!(
        "replicas={} ready={} current={} updated={} available={} revisions {}",
        st.replicas,
        st.ready_replicas,
        st.current_replicas,
        st.updated_replicas,
        st.available_replicas,
        if st.current_revision == st.update_revision {
            "current=update"
        } else {
            "current!=update"
        }
    )
}

/// `name image` for every pod, by ordinal.
fn images(c: &Cluster) -> Vec<String> {
    let mut v: Vec<(i64, String)> = c
        .api
        .list::<Pod>(Some("default"))
        .map(|p| {
            let ord = p
                .metadata
                .name
                .rsplit_once('-')
                .and_then(|(_, n)| n.parse().ok())
                .unwrap_or(-1);
            let img = p
                .spec
                .containers
                .first()
                .map(|c| c.image.trim_start_matches("registry.k8s.io/nginx-slim:"))
                .unwrap_or("")
                .to_string();
            (ord, format!("{} {img}", p.metadata.name))
        })
        .collect();
    v.sort();
    v.into_iter().map(|x| x.1).collect()
}

/// Pods whose revision label is the set's update revision (`u`) or its current one (`c`).
fn revision_marks(c: &Cluster) -> Vec<String> {
    let s = sts(c, "web");
    let mut v: Vec<String> = c
        .api
        .list::<Pod>(Some("default"))
        .map(|p| {
            let r = p.metadata.labels.get("controller-revision-hash");
            let mark = if r == Some(&s.status.update_revision) {
                "u"
            } else if r == Some(&s.status.current_revision) {
                "c"
            } else {
                "?"
            };
            format!("{}={mark}", p.metadata.name)
        })
        .collect();
    v.sort_by_key(|n| n.len());
    v
}

fn sts_reasons(c: &Cluster, since: u64) -> Vec<StsReason> {
    c.reasons()
        .since(since)
        .filter_map(|r| match &r.reason {
            Reason::StatefulSet(s) if !matches!(s, StsReason::UpdatedStatus { .. }) => {
                Some(s.clone())
            }
            _ => None,
        })
        .collect()
}

fn delete_pod(c: &mut Cluster, name: &str, grace: Option<i64>) {
    c.apply(Input::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions {
            grace_period_seconds: grace,
            ..Default::default()
        },
    })
    .expect("delete pod");
}

fn set_phase(c: &mut Cluster, name: &str, phase: &str) {
    let mut p = c
        .api
        .get::<Pod>("default", name)
        .cloned()
        .expect("pod exists");
    p.status.phase = Some(phase.into());
    c.api.update_status(p.into(), "test").expect("status");
}

// ---- TestStatefulSetControl ------------------------------------------------------------------

/// `CreatesPodsWithPodIndexLabelFeature` (Monotonic and Burst): 3 replicas, status 3/3/3, every
/// pod labelled `apps.kubernetes.io/pod-index` with the ordinal of its name.
#[test]
fn test_stateful_set_control_creates_pods_with_pod_index_label() {
    for burst in [false, true] {
        let (c, _) = scaled_up(3, policy(burst));
        assert_eq!(
            counts(&c),
            "replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update",
            "burst={burst}"
        );
        let labels: Vec<String> = c
            .api
            .list::<Pod>(Some("default"))
            .map(|p| {
                format!(
                    "{} index={:?} pod-name={:?}",
                    p.metadata.name,
                    p.metadata.labels.get("apps.kubernetes.io/pod-index"),
                    p.metadata.labels.get("statefulset.kubernetes.io/pod-name")
                )
            })
            .collect();
        expect![[r#"
            [
                "web-0 index=Some(\"0\") pod-name=Some(\"web-0\")",
                "web-1 index=Some(\"1\") pod-name=Some(\"web-1\")",
                "web-2 index=Some(\"2\") pod-name=Some(\"web-2\")",
            ]
        "#]]
        .assert_debug_eq(&labels);
    }
}

/// `ScalesUp`: 3 → 4, status 4 replicas, 4 ready, 4 updated (both policies).
#[test]
fn test_stateful_set_control_scales_up() {
    for burst in [false, true] {
        let (mut c, mut f) = scaled_up(3, policy(burst));
        let rv = c.api.resource_version();
        patch_set(&mut c, "web", json!({"spec": {"replicas": 4}}));
        f.advance(&mut c, 5_000);
        assert_eq!(pod_churn(&c, rv), ["+web-3"], "burst={burst}");
        assert_eq!(
            counts(&c),
            "replicas=4 ready=4 current=4 updated=4 available=4 revisions current=update"
        );
    }
}

/// `ScalesDown`: 3 → 0, status 0/0/0. OrderedReady deletes the highest ordinal first, one at a
/// time; Parallel all at once. Claims stay (retention Retain, the default).
#[test]
fn test_stateful_set_control_scales_down() {
    let mut out = Vec::new();
    for burst in [false, true] {
        let (mut c, mut f) = scaled_up(3, policy(burst));
        let (rv, t0) = (c.api.resource_version(), c.now());
        patch_set(&mut c, "web", json!({"spec": {"replicas": 0}}));
        f.advance(&mut c, 10_000);
        assert_eq!(
            counts(&c),
            "replicas=0 ready=0 current=0 updated=0 available=0 revisions current=update"
        );
        out.push((pod_churn_timed(&c, rv, t0), pvc_names(&c)));
    }
    expect![[r#"
        [
            (
                [
                    "0.1s -web-2",
                    "0.2s -web-1",
                    "0.3s -web-0",
                ],
                [
                    "www-web-0",
                    "www-web-1",
                    "www-web-2",
                ],
            ),
            (
                [
                    "0.1s -web-0",
                    "0.1s -web-1",
                    "0.1s -web-2",
                ],
                [
                    "www-web-0",
                    "www-web-1",
                    "www-web-2",
                ],
            ),
        ]
    "#]]
    .assert_debug_eq(&out);
}

/// `ReplacesPods`: 5 replicas; pods 0, 2 and 4 vanish; they come back with the same names and
/// claims (no ownerReference from a claim to a pod under Retain), status back at 5.
#[test]
fn test_stateful_set_control_replaces_pods() {
    let (mut c, mut f) = scaled_up(5, json!({}));
    let claims_before = pvc_names(&c);
    let rv = c.api.resource_version();
    for p in ["web-0", "web-2", "web-4"] {
        delete_pod(&mut c, p, Some(0));
    }
    f.advance(&mut c, 10_000);
    expect![[r#"
        [
            "-web-0",
            "-web-2",
            "-web-4",
            "+web-0",
            "+web-2",
            "+web-4",
        ]
    "#]]
    .assert_debug_eq(&pod_churn(&c, rv));
    assert_eq!(pvc_names(&c), claims_before);
    let pod_owned = c
        .api
        .list::<PersistentVolumeClaim>(Some("default"))
        .any(|pvc| {
            pvc.metadata
                .owner_references
                .iter()
                .any(|r| r.kind == "Pod")
        });
    assert!(!pod_owned, "no claim is owned by a pod under Retain");
    assert_eq!(
        counts(&c),
        "replicas=5 ready=5 current=5 updated=5 available=5 revisions current=update"
    );
}

/// `RecreatesFailedPod` / `RecreatesSucceededPod`: a terminal pod is deleted once and created
/// again with the same name (one delete, one create), in both policies.
#[test]
fn test_stateful_set_control_recreates_failed_and_succeeded_pod() {
    let mut out = Vec::new();
    for phase in ["Failed", "Succeeded"] {
        for burst in [false, true] {
            let (mut c, mut f) = scaled_up(3, policy(burst));
            let (rv, seq) = (c.api.resource_version(), c.reasons().next_seq());
            set_phase(&mut c, "web-0", phase);
            f.advance(&mut c, 5_000);
            let reasons: Vec<String> = sts_reasons(&c, seq)
                .into_iter()
                .filter(|r| {
                    matches!(
                        r,
                        StsReason::DeletedFailedPod { .. }
                            | StsReason::CreatedMissingOrdinal { .. }
                    )
                })
                .map(|r| format!("{r:?}"))
                .collect();
            out.push(format!(
                "{phase} burst={burst}: {:?} {reasons:?}",
                pod_churn(&c, rv)
            ));
            assert_eq!(
                counts(&c),
                "replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update"
            );
        }
    }
    expect![[r#"
        [
            "Failed burst=false: [\"-web-0\", \"+web-0\"] [\"DeletedFailedPod { pod: \\\"web-0\\\", phase: \\\"Failed\\\" }\", \"CreatedMissingOrdinal { pod: \\\"web-0\\\", ordinal: 0 }\"]",
            "Failed burst=true: [\"-web-0\", \"+web-0\"] [\"DeletedFailedPod { pod: \\\"web-0\\\", phase: \\\"Failed\\\" }\", \"CreatedMissingOrdinal { pod: \\\"web-0\\\", ordinal: 0 }\"]",
            "Succeeded burst=false: [\"-web-0\", \"+web-0\"] [\"DeletedFailedPod { pod: \\\"web-0\\\", phase: \\\"Succeeded\\\" }\", \"CreatedMissingOrdinal { pod: \\\"web-0\\\", ordinal: 0 }\"]",
            "Succeeded burst=true: [\"-web-0\", \"+web-0\"] [\"DeletedFailedPod { pod: \\\"web-0\\\", phase: \\\"Succeeded\\\" }\", \"CreatedMissingOrdinal { pod: \\\"web-0\\\", ordinal: 0 }\"]",
        ]
    "#]]
    .assert_debug_eq(&out);
}

/// `CreatePodFailure` (and `TestStatefulSetStatusUpdate` "sync error"): upstream injects one
/// failed pod create and expects the error, the status still written, and the set complete on
/// the following syncs. The model cannot fail a single call; a ResourceQuota of 2 pods is the
/// real-world cause: the third create is refused with the quota's message (FailedCreate), the
/// status counts the 2 pods, and once the quota is raised the retry creates web-2.
#[test]
fn test_stateful_set_control_create_pod_failure() {
    let (mut c, mut f) = cluster();
    create(
        &mut c,
        json!({"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": "pods", "namespace": "default"},
            "spec": {"hard": {"pods": "2"}}}),
    );
    create(&mut c, web(3, json!({})));
    f.advance(&mut c, 10_000);
    let failed: Vec<String> = sts_events(&c)
        .into_iter()
        .filter(|e| e.starts_with("Warning"))
        .take(1)
        .collect();
    expect![[r#"
        [
            "Warning FailedCreate: create Pod web-2 in StatefulSet web failed error: pods \"web-2\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2",
        ]
    "#]]
    .assert_debug_eq(&failed);
    assert_eq!(pod_names(&c), ["web-0", "web-1"]);
    assert_eq!(
        counts(&c),
        "replicas=2 ready=2 current=2 updated=2 available=2 revisions current=update"
    );
    c.apply(Input::Patch {
        kind: Kind::ResourceQuota,
        namespace: "default".into(),
        name: "pods".into(),
        patch_type: ordinal_model::PatchType::Merge,
        patch: json!({"spec": {"hard": {"pods": "3"}}}),
    })
    .expect("raise quota");
    // The workqueue's backoff after repeated failures can be long; the 30 s resync bounds it.
    f.advance(&mut c, 40_000);
    assert_eq!(pod_names(&c), ["web-0", "web-1", "web-2"]);
    assert_eq!(
        counts(&c),
        "replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update"
    );
}

/// `UpdatePodFailure`: upstream breaks a pod's identity so that the controller must update it,
/// and injects an update error. Without the injection the invariant is the update itself: a
/// pod whose `statefulset.kubernetes.io/pod-name` label was changed gets it back (in place,
/// same uid), with the SuccessfulUpdate event.
#[test]
fn test_stateful_set_control_update_pod_failure() {
    let (mut c, mut f) = scaled_up(3, json!({}));
    let uid = c
        .api
        .get::<Pod>("default", "web-0")
        .unwrap()
        .metadata
        .uid
        .clone();
    c.apply(Input::Patch {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: "web-0".into(),
        patch_type: ordinal_model::PatchType::Merge,
        patch: json!({"metadata": {"labels": {"statefulset.kubernetes.io/pod-name": "web-9"}}}),
    })
    .expect("patch pod");
    f.advance(&mut c, 2_000);
    let p = c.api.get::<Pod>("default", "web-0").cloned().unwrap();
    assert_eq!(p.metadata.uid, uid, "updated in place, not re-created");
    assert_eq!(
        p.metadata
            .labels
            .get("statefulset.kubernetes.io/pod-name")
            .map(String::as_str),
        Some("web-0")
    );
    let evs = sts_events(&c);
    expect![[r#"
        "Normal SuccessfulUpdate: update Pod web-0 in StatefulSet web successful"
    "#]]
    .assert_debug_eq(&evs[evs.len() - 1]);
}

/// `UpdateSetStatusFailure`: upstream fails the status write and checks the set still
/// converges (status written on a later sync). Invariant ported: after every change the status
/// ends equal to the pods and `observedGeneration` equals the generation.
#[test]
fn test_stateful_set_control_update_set_status_failure() {
    let (mut c, mut f) = scaled_up(3, json!({}));
    patch_set(&mut c, "web", json!({"spec": {"replicas": 5}}));
    set_image(&mut c, FOO);
    f.advance(&mut c, 30_000);
    let s = sts(&c, "web");
    assert_eq!(s.status.observed_generation, Some(s.metadata.generation));
    assert_eq!(
        counts(&c),
        "replicas=5 ready=5 current=5 updated=5 available=5 revisions current=update"
    );
}

/// `NewRevisionDeletePodFailure`: upstream fails the delete of the first pod of a rolling
/// update and expects the error. Ported invariant: a new revision deletes exactly the highest
/// ordinal first, and nothing else until it is back Ready.
#[test]
fn test_stateful_set_control_new_revision_delete_pod() {
    let (mut c, mut f) = scaled_up(3, json!({}));
    f.start_delay_ms = 60_000;
    let rv = c.api.resource_version();
    set_image(&mut c, FOO);
    f.advance(&mut c, 10_000);
    assert_eq!(pod_churn(&c, rv), ["-web-2", "+web-2"]);
    assert_eq!(revision_marks(&c), ["web-0=c", "web-1=c", "web-2=u"]);
}

/// `RecreatesPVCForPendingPod`: a Pending pod whose claim is gone gets the claim created again
/// on the next sync.
#[test]
fn test_stateful_set_control_recreates_pvc_for_pending_pod() {
    for burst in [false, true] {
        let (mut c, mut f) = cluster();
        f.start_delay_ms = 600_000;
        create(&mut c, web(1, policy(burst)));
        f.advance(&mut c, 1_000);
        assert_eq!(pods(&c), ["web-0"], "Pending");
        let seq = c.reasons().next_seq();
        delete(&mut c, Kind::PersistentVolumeClaim, "www-web-0", None);
        // The controller has no claim event handler (upstream neither: the claim informer only
        // feeds a lister); the next sync is the set's 30 s resync.
        f.advance(&mut c, 1_000);
        assert_eq!(pvc_names(&c), Vec::<String>::new());
        f.advance(&mut c, 30_000);
        assert_eq!(pvc_names(&c), ["www-web-0"]);
        let created: Vec<StsReason> = sts_reasons(&c, seq)
            .into_iter()
            .filter(|r| matches!(r, StsReason::CreatedClaim { .. }))
            .collect();
        expect![[r#"
            [
                CreatedClaim {
                    pvc: "www-web-0",
                    pod: "web-0",
                },
            ]
        "#]]
        .assert_debug_eq(&created);
    }
}

// ---- TestStatefulSetControlScaleDownDeleteError ----------------------------------------------

/// Upstream fails the first delete of a scale-down and expects the next sync to carry on. The
/// ported invariant: an OrderedReady scale-down deletes one condemned pod per step, the highest
/// ordinal first, and goes on to the next once it is gone.
#[test]
fn test_stateful_set_control_scale_down_delete_error() {
    let (mut c, mut f) = scaled_up(3, json!({}));
    let seq = c.reasons().next_seq();
    patch_set(&mut c, "web", json!({"spec": {"replicas": 1}}));
    f.advance(&mut c, 5_000);
    let decisions: Vec<String> = sts_reasons(&c, seq)
        .into_iter()
        .filter(|r| {
            matches!(
                r,
                StsReason::DeletedCondemned { .. }
                    | StsReason::WaitingForCondemnedTermination { .. }
            )
        })
        .map(|r| format!("{r:?}"))
        .collect();
    expect![[r#"
        [
            "DeletedCondemned { pod: \"web-2\", ordinal: 2 }",
            "WaitingForCondemnedTermination { pod: \"web-2\" }",
            "DeletedCondemned { pod: \"web-1\", ordinal: 1 }",
            "WaitingForCondemnedTermination { pod: \"web-1\" }",
        ]
    "#]]
    .assert_debug_eq(&decisions);
    assert_eq!(pod_names(&c), ["web-0"]);
}

// ---- TestStatefulSetControl_getSetRevisions --------------------------------------------------

/// The cases of `TestStatefulSetControl_getSetRevisions`: the first sync creates revision 1
/// (current = update); a template change creates revision 2 as the update revision while the
/// current stays; a template equal to an earlier one reuses that revision with its number bumped
/// (no new object); once every pod runs it, the current revision follows.
#[test]
fn test_stateful_set_control_get_set_revisions() {
    let (mut c, mut f) = scaled_up(3, json!({}));
    let first = sts(&c, "web").status.update_revision;
    let mut out = vec![format!("created: {:?}", revisions(&c))];
    f.start_delay_ms = 600_000;
    set_image(&mut c, FOO);
    f.advance(&mut c, 2_000);
    let s = sts(&c, "web");
    out.push(format!(
        "updated: {:?} current is first: {} update is first: {}",
        revisions(&c),
        s.status.current_revision == first,
        s.status.update_revision == first
    ));
    f.start_delay_ms = 1_000;
    set_image(&mut c, ORIGINAL_IMAGE);
    f.advance(&mut c, 20_000);
    let s = sts(&c, "web");
    out.push(format!(
        "rolled back: {:?} current is first: {} update is first: {}",
        revisions(&c),
        s.status.current_revision == first,
        s.status.update_revision == first
    ));
    expect![[r#"
        [
            "created: [\"web-79dc58f667 #1\"]",
            "updated: [\"web-59fcf7585d #2\", \"web-79dc58f667 #1\"] current is first: true update is first: false",
            "rolled back: [\"web-59fcf7585d #2\", \"web-79dc58f667 #3\"] current is first: true update is first: true",
        ]
    "#]]
    .assert_debug_eq(&out);
}

// ---- TestStatefulSetControlRollingUpdate -----------------------------------------------------

/// The cases of `TestStatefulSetControlRollingUpdate`: "monotonic image update", "… and scale
/// up", "… and scale down", and the burst ones: every pod ends on the new image at the update
/// revision, status complete.
#[test]
fn test_stateful_set_control_rolling_update() {
    let mut out = Vec::new();
    for burst in [false, true] {
        for (from, to) in [(3, 3), (3, 5), (5, 3)] {
            let (mut c, mut f) = scaled_up(from, policy(burst));
            patch_set(&mut c, "web", json!({"spec": {"replicas": to}}));
            set_image(&mut c, FOO);
            f.advance(&mut c, 40_000);
            let all_new = images(&c).iter().all(|i| i.ends_with(" 0.9"));
            out.push(format!(
                "burst={burst} {from}->{to}: {} pods all new: {all_new}; {}",
                pod_names(&c).len(),
                counts(&c)
            ));
        }
    }
    expect![[r#"
        [
            "burst=false 3->3: 3 pods all new: true; replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update",
            "burst=false 3->5: 5 pods all new: true; replicas=5 ready=5 current=5 updated=5 available=5 revisions current=update",
            "burst=false 5->3: 3 pods all new: true; replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update",
            "burst=true 3->3: 3 pods all new: true; replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update",
            "burst=true 3->5: 5 pods all new: true; replicas=5 ready=5 current=5 updated=5 available=5 revisions current=update",
            "burst=true 5->3: 3 pods all new: true; replicas=3 ready=3 current=3 updated=3 available=3 revisions current=update",
        ]
    "#]]
    .assert_debug_eq(&out);
}

/// `TestStatefulSetControlRollingUpdateWithPartition`: with partition p, pods with ordinal ≥ p
/// move to the update revision and the rest stay at the current one ("monotonic image update"
/// with partitions 0, 2, 5 of 5 replicas; and burst with partition 2), and the deletions go from
/// the highest ordinal down, stopping at the partition.
#[test]
fn test_stateful_set_control_rolling_update_with_partition() {
    let mut out = Vec::new();
    for (burst, partition) in [(false, 0), (false, 2), (false, 5), (true, 2)] {
        let mut extra = policy(burst);
        merge(
            &mut extra,
            &json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}}}),
        );
        let (mut c, mut f) = scaled_up(5, extra);
        let rv = c.api.resource_version();
        set_image(&mut c, FOO);
        f.advance(&mut c, 40_000);
        let deleted: Vec<String> = pod_churn(&c, rv)
            .into_iter()
            .filter(|e| e.starts_with('-'))
            .collect();
        out.push(format!(
            "burst={burst} partition={partition}: {:?} deleted {deleted:?}; current={} updated={}",
            revision_marks(&c),
            sts(&c, "web").status.current_replicas,
            sts(&c, "web").status.updated_replicas
        ));
    }
    expect![[r#"
        [
            "burst=false partition=0: [\"web-0=u\", \"web-1=u\", \"web-2=u\", \"web-3=u\", \"web-4=u\"] deleted [\"-web-4\", \"-web-3\", \"-web-2\", \"-web-1\", \"-web-0\"]; current=5 updated=5",
            "burst=false partition=2: [\"web-0=c\", \"web-1=c\", \"web-2=u\", \"web-3=u\", \"web-4=u\"] deleted [\"-web-4\", \"-web-3\", \"-web-2\"]; current=2 updated=3",
            "burst=false partition=5: [\"web-0=c\", \"web-1=c\", \"web-2=c\", \"web-3=c\", \"web-4=c\"] deleted []; current=5 updated=0",
            "burst=true partition=2: [\"web-0=c\", \"web-1=c\", \"web-2=u\", \"web-3=u\", \"web-4=u\"] deleted [\"-web-4\", \"-web-3\", \"-web-2\"]; current=2 updated=3",
        ]
    "#]]
    .assert_debug_eq(&out);
}

/// `TestStatefulSetControlOnDelete`: under OnDelete a template change deletes nothing; pods the
/// user deletes come back at the update revision, the others stay; a scale-up creates new pods
/// at the update revision.
#[test]
fn test_stateful_set_control_on_delete() {
    let (mut c, mut f) = scaled_up(3, json!({"updateStrategy": {"type": "OnDelete"}}));
    let rv = c.api.resource_version();
    set_image(&mut c, FOO);
    f.advance(&mut c, 10_000);
    assert_eq!(pod_churn(&c, rv), Vec::<String>::new(), "OnDelete waits");
    assert_eq!(revision_marks(&c), ["web-0=c", "web-1=c", "web-2=c"]);
    delete_pod(&mut c, "web-1", None);
    patch_set(&mut c, "web", json!({"spec": {"replicas": 4}}));
    f.advance(&mut c, 10_000);
    assert_eq!(
        revision_marks(&c),
        ["web-0=c", "web-1=u", "web-2=c", "web-3=u"]
    );
    assert_eq!(
        counts(&c),
        "replicas=4 ready=4 current=2 updated=2 available=4 revisions current!=update"
    );
}

// ---- TestStatefulSetControlLimitsHistory -----------------------------------------------------

/// Ten image updates: at most `revisionHistoryLimit` + 2 revisions remain (the live current and
/// update revisions are never truncated); the cases "monotonic update", "burst update", "zero
/// revisionHistoryLimit" and "positive revisionHistoryLimit" (5).
#[test]
fn test_stateful_set_control_limits_history() {
    let mut out = Vec::new();
    for (name, extra, limit) in [
        ("monotonic update", json!({}), 10),
        ("burst update", policy(true), 10),
        (
            "zero revisionHistoryLimit",
            json!({"revisionHistoryLimit": 0}),
            0,
        ),
        (
            "positive revisionHistoryLimit",
            json!({"revisionHistoryLimit": 5}),
            5,
        ),
    ] {
        let (mut c, mut f) = scaled_up(3, extra);
        let mut most = 0;
        for i in 0..10 {
            set_image(&mut c, &format!("registry.k8s.io/nginx-slim:0.{}", 10 + i));
            f.advance(&mut c, 15_000);
            let n = c.api.list::<ControllerRevision>(Some("default")).count();
            assert!(n <= limit + 2, "{name}: {n} revisions, limit {limit}");
            most = most.max(n);
        }
        out.push(format!("{name}: at most {most} revisions"));
    }
    expect![[r#"
        [
            "monotonic update: at most 11 revisions",
            "burst update: at most 11 revisions",
            "zero revisionHistoryLimit: at most 1 revisions",
            "positive revisionHistoryLimit: at most 6 revisions",
        ]
    "#]]
    .assert_debug_eq(&out);
}

// ---- TestStatefulSetControlRollback ----------------------------------------------------------

/// The cases of `TestStatefulSetControlRollback`: after an image update (optionally with a scale
/// up or down) every pod runs the new image; after applying the oldest revision back, every pod
/// runs the original image again, monotonic and burst.
#[test]
fn test_stateful_set_control_rollback() {
    let mut out = Vec::new();
    for burst in [false, true] {
        for (from, to) in [(3, 3), (3, 5), (5, 3)] {
            let (mut c, mut f) = scaled_up(from, policy(burst));
            patch_set(&mut c, "web", json!({"spec": {"replicas": to}}));
            set_image(&mut c, FOO);
            f.advance(&mut c, 40_000);
            let updated = images(&c).iter().all(|i| i.ends_with(" 0.9"));
            set_image(&mut c, ORIGINAL_IMAGE);
            f.advance(&mut c, 40_000);
            let rolled_back = images(&c).iter().all(|i| i.ends_with(" 0.8"));
            out.push(format!(
                "burst={burst} {from}->{to}: updated {updated}, rolled back {rolled_back}, {} pods, {} revisions",
                pod_names(&c).len(),
                revisions(&c).len()
            ));
        }
    }
    expect![[r#"
        [
            "burst=false 3->3: updated true, rolled back true, 3 pods, 2 revisions",
            "burst=false 3->5: updated true, rolled back true, 5 pods, 2 revisions",
            "burst=false 5->3: updated true, rolled back true, 3 pods, 2 revisions",
            "burst=true 3->3: updated true, rolled back true, 3 pods, 2 revisions",
            "burst=true 3->5: updated true, rolled back true, 5 pods, 2 revisions",
            "burst=true 5->3: updated true, rolled back true, 3 pods, 2 revisions",
        ]
    "#]]
    .assert_debug_eq(&out);
}

// ---- TestStatefulSetAvailability -------------------------------------------------------------

/// "replicas running for required time, when minReadySeconds is enabled" and "… not running for
/// required time": with minReadySeconds 60 a Ready pod is not available after 30 s and is after
/// 60 s (availableReplicas 0, then 1).
#[test]
fn test_stateful_set_availability() {
    let (mut c, mut f) = cluster();
    create(&mut c, web(1, json!({"minReadySeconds": 60})));
    f.advance(&mut c, 31_000);
    let s = sts(&c, "web");
    assert_eq!(
        (s.status.ready_replicas, s.status.available_replicas),
        (1, 0),
        "Ready for 30 s"
    );
    f.advance(&mut c, 35_000);
    let s = sts(&c, "web");
    assert_eq!(
        (s.status.ready_replicas, s.status.available_replicas),
        (1, 1),
        "Ready for 65 s"
    );
}

// ---- TestParallelScale -----------------------------------------------------------------------

/// Parallel scale up 3 → 10 creates every missing pod without waiting for readiness, and scale
/// down 10 → 1 deletes every condemned pod in the same sync.
#[test]
fn test_parallel_scale() {
    let (mut c, mut f) = scaled_up(3, policy(true));
    f.start_delay_ms = 600_000;
    let t0 = c.now();
    patch_set(&mut c, "web", json!({"spec": {"replicas": 10}}));
    f.advance(&mut c, 300);
    assert_eq!(pod_names(&c).len(), 10, "created without waiting");
    let created_since = c
        .api
        .list::<Pod>(Some("default"))
        .filter(|p| {
            p.metadata
                .creation_timestamp
                .is_some_and(|t| t >= t0.truncated())
        })
        .count();
    assert_eq!(created_since, 7, "the 7 missing pods, in one go");
    f.start_delay_ms = 1_000;
    f.advance(&mut c, 5_000);
    let rv = c.api.resource_version();
    patch_set(&mut c, "web", json!({"spec": {"replicas": 1}}));
    f.advance(&mut c, 200);
    assert_eq!(pod_churn(&c, rv).len(), 9);
    assert_eq!(pod_names(&c), ["web-0"]);
    f.advance(&mut c, 2_000);
    assert_eq!(
        counts(&c),
        "replicas=1 ready=1 current=1 updated=1 available=1 revisions current=update"
    );
}

// ---- TestStatefulSetControlRollingUpdateWithMaxUnavailable -----------------------------------

/// With the MaxUnavailableStatefulSet gate on and maxUnavailable 2, a rolling update of 5
/// replicas takes down at most 2 pods at a time, highest ordinals first, in both policies.
#[test]
fn test_stateful_set_control_rolling_update_with_max_unavailable() {
    let mut out = Vec::new();
    for burst in [false, true] {
        let (mut c, mut f) = cluster();
        c.apply(Input::SetFeatureGate {
            name: "MaxUnavailableStatefulSet".into(),
            enabled: true,
        })
        .unwrap();
        let mut extra = policy(burst);
        merge(
            &mut extra,
            &json!({"updateStrategy": {"rollingUpdate": {"maxUnavailable": 2}}}),
        );
        create(&mut c, web(5, extra));
        f.advance(&mut c, 15_000);
        let seq = c.reasons().next_seq();
        set_image(&mut c, FOO);
        let mut most_unready = 0;
        for _ in 0..400 {
            f.advance(&mut c, 100);
            let unready = 5 - c
                .api
                .list::<Pod>(Some("default"))
                .filter(|p| p.is_running_and_ready() && p.metadata.deletion_timestamp.is_none())
                .count();
            most_unready = most_unready.max(unready);
        }
        // The controller's deletion order (the watch log's removals follow the fake kubelet).
        let deleted: Vec<String> = sts_reasons(&c, seq)
            .into_iter()
            .filter_map(|r| match r {
                StsReason::DeletedOutdatedRevision { pod, .. } => Some(pod),
                _ => None,
            })
            .collect();
        out.push(format!(
            "burst={burst}: at most {most_unready} unavailable; deleted {deleted:?}; {}",
            counts(&c)
        ));
    }
    expect![[r#"
        [
            "burst=false: at most 2 unavailable; deleted [\"web-4\", \"web-3\", \"web-2\", \"web-1\", \"web-0\"]; replicas=5 ready=5 current=5 updated=5 available=5 revisions current=update",
            "burst=true: at most 2 unavailable; deleted [\"web-4\", \"web-3\", \"web-2\", \"web-1\", \"web-0\"]; replicas=5 ready=5 current=5 updated=5 available=5 revisions current=update",
        ]
    "#]]
    .assert_debug_eq(&out);
}

/// The set object these tests start from is the tutorial's, as upstream's `newStatefulSet`.
#[test]
fn the_ported_set_is_the_tutorials() {
    let (c, _) = scaled_up(1, json!({}));
    let s: StatefulSet = sts(&c, "web");
    assert_eq!(s.spec.service_name.as_deref(), Some("nginx"));
    assert_eq!(images(&c), ["web-0 0.8"]);
}
