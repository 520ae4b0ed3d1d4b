//! Scenario tests of the StatefulSet controller: inputs and time in, pod churn, reasons,
//! events and status out (snapshots). The node side is the test-only fake in harness_fake_nodes.

mod harness_fake_nodes;

use expect_test::expect;
use harness_fake_nodes::*;
use serde_json::json;

#[test]
fn ordered_creation_one_pod_at_a_time_with_claims_first() {
    let (mut c, mut f) = cluster();
    let rv = c.api.resource_version();
    let seq = c.reasons().next_seq();
    create(&mut c, web(3, json!({})));
    f.advance(&mut c, 10_000);
    expect![[r#"
        [
            "+web-0",
            "+web-1",
            "+web-2",
        ]
    "#]]
    .assert_debug_eq(&pod_churn(&c, rv));
    expect![[r#"
        [
            "controllerrevision/web-79dc58f667: the pod template changed: created revision web-79dc58f667 (#1)",
            "persistentvolumeclaim/www-web-0: created claim www-web-0 for web-0",
            "pod/web-0: created web-0: ordinal 0 was missing",
            "pod/web-1: web-1 waits: web-0 is not Running and Ready (OrderedReady)",
            "persistentvolumeclaim/www-web-1: created claim www-web-1 for web-1",
            "pod/web-1: created web-1: ordinal 1 was missing",
            "pod/web-2: web-2 waits: web-1 is not Running and Ready (OrderedReady)",
            "persistentvolumeclaim/www-web-2: created claim www-web-2 for web-2",
            "pod/web-2: created web-2: ordinal 2 was missing",
            "pod/web-2: web-2 is not Running and Ready: scale-down and updates wait (OrderedReady)",
        ]
    "#]]
    .assert_debug_eq(&reasons(&c, seq, false));
    expect![[r#"
        [
            "Normal SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "Normal SuccessfulCreate: create Pod web-0 in StatefulSet web successful",
            "Normal SuccessfulCreate: create Claim www-web-1 Pod web-1 in StatefulSet web success",
            "Normal SuccessfulCreate: create Pod web-1 in StatefulSet web successful",
            "Normal SuccessfulCreate: create Claim www-web-2 Pod web-2 in StatefulSet web success",
            "Normal SuccessfulCreate: create Pod web-2 in StatefulSet web successful",
        ]
    "#]]
    .assert_debug_eq(&sts_events(&c));
    let s = sts(&c, "web");
    expect![[r#"{"observedGeneration":1,"replicas":3,"readyReplicas":3,"currentReplicas":3,"updatedReplicas":3,"availableReplicas":3,"currentRevision":"web-79dc58f667","updateRevision":"web-79dc58f667","collisionCount":0}"#]]
    .assert_eq(&serde_json::to_string(&s.status).unwrap());
}

#[test]
fn ordered_scale_down_highest_first_keeps_claims() {
    let (mut c, mut f) = ready_web(3, json!({}));
    let rv = c.api.resource_version();
    patch_set(&mut c, "web", json!({"spec": {"replicas": 1}}));
    f.advance(&mut c, 10_000);
    expect![[r#"
        (
            [
                "-web-2",
                "-web-1",
            ],
            [
                "www-web-0",
                "www-web-1",
                "www-web-2",
            ],
        )
    "#]]
    .assert_debug_eq(&(pod_churn(&c, rv), pvc_names(&c)));
}

#[test]
fn parallel_creates_all_at_once() {
    let (mut c, mut f) = cluster();
    let rv = c.api.resource_version();
    create(&mut c, web(3, json!({"podManagementPolicy": "Parallel"})));
    f.advance(&mut c, 500);
    expect![[r#"
        [
            "web-0",
            "web-1",
            "web-2",
        ]
    "#]]
    .assert_debug_eq(&pods(&c));
    f.advance(&mut c, 5_000);
    patch_set(&mut c, "web", json!({"spec": {"replicas": 0}}));
    f.advance(&mut c, 200);
    expect![[r#"
        [
            "+web-0",
            "+web-1",
            "+web-2",
            "-web-0",
            "-web-1",
            "-web-2",
        ]
    "#]]
    .assert_debug_eq(&pod_churn(&c, rv));
}

#[test]
fn rolling_update_goes_from_the_highest_ordinal_down() {
    let (mut c, mut f) = ready_web(3, json!({}));
    let (rv, seq) = (c.api.resource_version(), c.reasons().next_seq());
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.9");
    f.advance(&mut c, 15_000);
    expect![[r#"
        (
            [
                "-web-2",
                "+web-2",
                "-web-1",
                "+web-1",
                "-web-0",
                "+web-0",
            ],
            [
                "controllerrevision/web-59fcf7585d: the pod template changed: created revision web-59fcf7585d (#2)",
                "pod/web-2: deleted web-2 to update it to revision web-59fcf7585d (rolling update, partition 0)",
                "pod/web-2: waiting for web-2 to terminate before going on (OrderedReady)",
                "pod/web-2: created web-2: ordinal 2 was missing",
                "pod/web-2: web-2 is not Running and Ready: scale-down and updates wait (OrderedReady)",
                "pod/web-1: deleted web-1 to update it to revision web-59fcf7585d (rolling update, partition 0)",
                "pod/web-1: waiting for web-1 to terminate before going on (OrderedReady)",
                "pod/web-1: created web-1: ordinal 1 was missing",
                "pod/web-2: web-2 waits: web-1 is not Running and Ready (OrderedReady)",
                "pod/web-0: deleted web-0 to update it to revision web-59fcf7585d (rolling update, partition 0)",
                "pod/web-0: waiting for web-0 to terminate before going on (OrderedReady)",
                "pod/web-0: created web-0: ordinal 0 was missing",
                "pod/web-1: web-1 waits: web-0 is not Running and Ready (OrderedReady)",
                "statefulset/web: every replica runs revision web-59fcf7585d: the update is complete",
            ],
        )
    "#]]
    .assert_debug_eq(&(pod_churn(&c, rv), reasons(&c, seq, false)));
    let s = sts(&c, "web");
    assert_eq!(s.status.current_revision, s.status.update_revision);
    assert_eq!(s.status.updated_replicas, 3);
    assert_eq!(revisions(&c).len(), 2);
}

#[test]
fn partition_stages_and_pods_below_it_come_back_at_the_current_revision() {
    let (mut c, mut f) = ready_web(
        3,
        json!({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}}),
    );
    let before = pod_revisions(&c);
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.9");
    f.advance(&mut c, 10_000);
    let staged = pod_revisions(&c);
    delete(&mut c, ordinal_model::Kind::Pod, "web-0", None);
    f.advance(&mut c, 10_000);
    let after_delete = pod_revisions(&c);
    assert_eq!(
        after_delete[0], before[0],
        "web-0 recreated at the current revision"
    );
    assert_ne!(staged[2], before[2], "web-2 is above the partition");
    assert_eq!(staged[1], before[1]);
    let s = sts(&c, "web");
    assert_eq!(
        (s.status.current_replicas, s.status.updated_replicas),
        (2, 1)
    );
    patch_set(
        &mut c,
        "web",
        json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}}),
    );
    f.advance(&mut c, 15_000);
    let s = sts(&c, "web");
    assert_eq!(s.status.current_revision, s.status.update_revision);
    expect![[r#"
        (
            [
                "web-0=web-79dc58f667",
                "web-1=web-79dc58f667",
                "web-2=web-79dc58f667",
            ],
            [
                "web-0=web-79dc58f667",
                "web-1=web-79dc58f667",
                "web-2=web-59fcf7585d",
            ],
            [
                "web-0=web-59fcf7585d",
                "web-1=web-59fcf7585d",
                "web-2=web-59fcf7585d",
            ],
        )
    "#]]
    .assert_debug_eq(&(before, staged, pod_revisions(&c)));
}

#[test]
fn on_delete_waits_for_the_user() {
    let (mut c, mut f) = ready_web(3, json!({"updateStrategy": {"type": "OnDelete"}}));
    let (rv, seq) = (c.api.resource_version(), c.reasons().next_seq());
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.9");
    f.advance(&mut c, 10_000);
    delete(&mut c, ordinal_model::Kind::Pod, "web-1", None);
    f.advance(&mut c, 10_000);
    let s = sts(&c, "web");
    assert_ne!(
        s.status.current_revision, s.status.update_revision,
        "OnDelete never completes the rollout"
    );
    expect![[r#"
        (
            [
                "-web-1",
                "+web-1",
            ],
            [
                "controllerrevision/web-59fcf7585d: the pod template changed: created revision web-59fcf7585d (#2)",
                "statefulset/web: OnDelete: 3 pods run an older revision until you delete them",
                "statefulset/web: OnDelete: 3 pods run an older revision until you delete them",
                "pod/web-1: waiting for web-1 to terminate before going on (OrderedReady)",
                "pod/web-1: created web-1: ordinal 1 was missing",
                "pod/web-2: web-2 waits: web-1 is not Running and Ready (OrderedReady)",
                "statefulset/web: OnDelete: 2 pods run an older revision until you delete them",
                "statefulset/web: OnDelete: 2 pods run an older revision until you delete them",
            ],
            [
                "web-0=web-79dc58f667",
                "web-1=web-59fcf7585d",
                "web-2=web-79dc58f667",
            ],
        )
    "#]]
    .assert_debug_eq(&(pod_churn(&c, rv), reasons(&c, seq, false), pod_revisions(&c)));
}

#[test]
fn rollback_reuses_the_earlier_revision_with_a_bumped_number() {
    let (mut c, mut f) = ready_web(2, json!({}));
    let first = sts(&c, "web").status.update_revision;
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.9");
    f.advance(&mut c, 10_000);
    let seq = c.reasons().next_seq();
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.8");
    f.advance(&mut c, 10_000);
    let s = sts(&c, "web");
    assert_eq!(s.status.update_revision, first);
    assert_eq!(s.status.current_revision, first);
    expect![[r#"
        (
            [
                "web-59fcf7585d #2",
                "web-79dc58f667 #3",
            ],
            [
                "controllerrevision/web-79dc58f667: the template equals an earlier one: reusing revision web-79dc58f667 as #3 (rollback)",
                "pod/web-1: deleted web-1 to update it to revision web-79dc58f667 (rolling update, partition 0)",
                "pod/web-1: waiting for web-1 to terminate before going on (OrderedReady)",
                "pod/web-1: created web-1: ordinal 1 was missing",
                "pod/web-1: web-1 is not Running and Ready: scale-down and updates wait (OrderedReady)",
                "pod/web-0: deleted web-0 to update it to revision web-79dc58f667 (rolling update, partition 0)",
                "pod/web-0: waiting for web-0 to terminate before going on (OrderedReady)",
                "pod/web-0: created web-0: ordinal 0 was missing",
                "pod/web-1: web-1 waits: web-0 is not Running and Ready (OrderedReady)",
                "statefulset/web: every replica runs revision web-79dc58f667: the update is complete",
            ],
        )
    "#]]
    .assert_debug_eq(&(revisions(&c), reasons(&c, seq, false)));
}

#[test]
fn min_ready_seconds_delays_the_next_pod() {
    let (mut c, mut f) = cluster();
    let (rv, t0) = (c.api.resource_version(), c.now());
    create(&mut c, web(3, json!({"minReadySeconds": 10})));
    f.advance(&mut c, 40_000);
    expect![[r#"
        [
            "0.0s +web-0",
            "11.0s +web-1",
            "22.0s +web-2",
        ]
    "#]]
    .assert_debug_eq(&pod_churn_timed(&c, rv, t0));
    assert_eq!(sts(&c, "web").status.available_replicas, 3);
}

#[test]
fn ordinals_start_numbers_pods_from_start() {
    let (mut c, mut f) = ready_web(3, json!({"ordinals": {"start": 2}}));
    let first = pod_names(&c);
    patch_set(&mut c, "web", json!({"spec": {"ordinals": null}}));
    f.advance(&mut c, 20_000);
    expect![[r#"
        (
            [
                "web-2",
                "web-3",
                "web-4",
            ],
            [
                "web-0",
                "web-1",
                "web-2",
            ],
        )
    "#]]
    .assert_debug_eq(&(first, pod_names(&c)));
}

#[test]
fn a_failed_pod_is_replaced_with_the_same_name() {
    let (mut c, mut f) = ready_web(3, json!({}));
    let (rv, seq) = (c.api.resource_version(), c.reasons().next_seq());
    f.fail(&mut c, "web-1");
    f.advance(&mut c, 5_000);
    expect![[r#"
        (
            [
                "-web-1",
                "+web-1",
            ],
            [
                "pod/web-1: deleted Failed pod web-1; it will be replaced with the same name",
                "pod/web-1: created web-1: ordinal 1 was missing",
                "pod/web-2: web-2 waits: web-1 is not Running and Ready (OrderedReady)",
            ],
            [
                "web-0 ready",
                "web-1 ready",
                "web-2 ready",
            ],
        )
    "#]]
    .assert_debug_eq(&(pod_churn(&c, rv), reasons(&c, seq, false), pods(&c)));
}

#[test]
fn an_unready_pod_blocks_scale_and_update() {
    let (mut c, mut f) = ready_web(3, json!({}));
    let (rv, seq) = (c.api.resource_version(), c.reasons().next_seq());
    f.set_ready(&mut c, "web-1", false);
    patch_set(&mut c, "web", json!({"spec": {"replicas": 5}}));
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.9");
    f.advance(&mut c, 10_000);
    assert_eq!(
        pod_churn(&c, rv),
        Vec::<String>::new(),
        "nothing moves while web-1 is unready"
    );
    let blocked = reasons(&c, seq, false);
    f.set_ready(&mut c, "web-1", true);
    f.advance(&mut c, 30_000);
    expect![[r#"
        (
            [
                "controllerrevision/web-59fcf7585d: the pod template changed: created revision web-59fcf7585d (#2)",
                "pod/web-2: web-2 waits: web-1 is not Running and Ready (OrderedReady)",
            ],
            [
                "+web-3",
                "+web-4",
                "-web-2",
                "+web-2",
                "-web-1",
                "+web-1",
                "-web-0",
                "+web-0",
            ],
        )
    "#]]
    .assert_debug_eq(&(blocked, pod_churn(&c, rv)));
}

#[test]
fn max_unavailable_updates_several_pods_at_once_behind_the_gate() {
    let (mut c, mut f) = cluster();
    c.apply(ordinal_model::Input::SetFeatureGate {
        name: "MaxUnavailableStatefulSet".into(),
        enabled: true,
    })
    .unwrap();
    create(
        &mut c,
        web(
            4,
            json!({"podManagementPolicy": "Parallel", "updateStrategy": {"rollingUpdate": {"maxUnavailable": 2}}}),
        ),
    );
    f.advance(&mut c, 5_000);
    let rv = c.api.resource_version();
    set_image(&mut c, "registry.k8s.io/nginx-slim:0.9");
    f.advance(&mut c, 10_000);
    expect![[r#"
        [
            "-web-2",
            "-web-3",
            "+web-2",
            "+web-3",
            "-web-0",
            "-web-1",
            "+web-0",
            "+web-1",
        ]
    "#]]
    .assert_debug_eq(&pod_churn(&c, rv));
}

#[test]
fn a_claim_being_deleted_blocks_its_pod_with_failed_create() {
    let (mut c, mut f) = ready_web(1, json!({}));
    // Hold the claim in Terminating with a finalizer, then delete the pod.
    let mut pvc = c
        .api
        .get::<ordinal_model::objects::PersistentVolumeClaim>("default", "www-web-0")
        .cloned()
        .unwrap();
    pvc.metadata
        .finalizers
        .push("kubernetes.io/pvc-protection".into());
    c.api.update(pvc.into(), "test").unwrap();
    delete(
        &mut c,
        ordinal_model::Kind::PersistentVolumeClaim,
        "www-web-0",
        None,
    );
    delete(&mut c, ordinal_model::Kind::Pod, "web-0", None);
    f.advance(&mut c, 3_000);
    let evs = sts_events(&c);
    expect![[r#"
        "Warning FailedCreate: create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted"
    "#]]
    .assert_debug_eq(&evs[evs.len() - 1]);
    assert!(pod_names(&c).is_empty());
}
