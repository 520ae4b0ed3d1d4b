//! Garbage collection through ownerReferences: background, foreground and orphan deletion of
//! a StatefulSet, re-adoption of orphans, and the retention policies.

mod harness_fake_nodes;

use expect_test::expect;
use harness_fake_nodes::*;
use ordinal_model::api::Propagation;
use ordinal_model::Kind;
use serde_json::json;

#[test]
fn background_cascade_deletes_pods_and_revisions_but_keeps_claims() {
    let (mut c, mut f) = ready_web(3, json!({}));
    let seq = c.reasons().next_seq();
    delete(&mut c, Kind::StatefulSet, "web", None);
    f.advance(&mut c, 5_000);
    expect![[r#"
        (
            [],
            [],
            [
                "www-web-0",
                "www-web-1",
                "www-web-2",
            ],
            [
                "controllerrevision/web-79dc58f667: deleted: its owner statefulset/web is gone or being deleted (Background propagation)",
                "pod/web-0: deleted: its owner statefulset/web is gone or being deleted (Background propagation)",
                "pod/web-1: deleted: its owner statefulset/web is gone or being deleted (Background propagation)",
                "pod/web-2: deleted: its owner statefulset/web is gone or being deleted (Background propagation)",
            ],
        )
    "#]]
    .assert_debug_eq(&(pod_names(&c), revisions(&c), pvc_names(&c), reasons(&c, seq, false)));
}

#[test]
fn foreground_keeps_the_set_until_its_pods_are_gone() {
    let (mut c, mut f) = ready_web(2, json!({}));
    delete(
        &mut c,
        Kind::StatefulSet,
        "web",
        Some(Propagation::Foreground),
    );
    c.run_for_ms(50);
    let s = sts(&c, "web");
    assert!(s.metadata.deletion_timestamp.is_some());
    assert_eq!(s.metadata.finalizers, ["foregroundDeletion"]);
    f.advance(&mut c, 5_000);
    assert!(c.get_object(Kind::StatefulSet, "default", "web").is_none());
    assert!(pod_names(&c).is_empty());
    assert_eq!(pvc_names(&c).len(), 2);
}

#[test]
fn orphan_delete_then_a_new_set_adopts_and_trims() {
    let (mut c, mut f) = ready_web(3, json!({}));
    delete(&mut c, Kind::StatefulSet, "web", Some(Propagation::Orphan));
    f.advance(&mut c, 2_000);
    assert!(c.get_object(Kind::StatefulSet, "default", "web").is_none());
    let orphans: Vec<usize> = c
        .api
        .list::<ordinal_model::objects::Pod>(Some("default"))
        .map(|p| p.metadata.owner_references.len())
        .collect();
    assert_eq!(orphans, [0, 0, 0]);
    let (rv, seq) = (c.api.resource_version(), c.reasons().next_seq());
    create(&mut c, web(2, json!({})));
    f.advance(&mut c, 10_000);
    expect![[r#"
        (
            [
                "-web-2",
            ],
            [
                "controllerrevision/web-79dc58f667: adopted orphan revision web-79dc58f667",
                "pod/web-0: adopted orphan pod web-0: it matches the selector and is named like a member",
                "pod/web-1: adopted orphan pod web-1: it matches the selector and is named like a member",
                "pod/web-2: adopted orphan pod web-2: it matches the selector and is named like a member",
                "pod/web-2: deleted web-2: ordinal 2 is outside the set's range (scale down)",
                "pod/web-2: scale down waits for web-2 to terminate (OrderedReady)",
            ],
        )
    "#]]
    .assert_debug_eq(&(pod_churn(&c, rv), reasons(&c, seq, false)));
    let owned = c
        .api
        .list::<ordinal_model::objects::Pod>(Some("default"))
        .all(|p| p.metadata.owner_references.len() == 1);
    assert!(owned);
}

#[test]
fn release_on_label_change() {
    let (mut c, mut f) = ready_web(2, json!({}));
    let seq = c.reasons().next_seq();
    c.apply(ordinal_model::Input::Patch {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: "web-1".into(),
        patch_type: ordinal_model::PatchType::Merge,
        patch: json!({"metadata": {"labels": {"app": "debug"}}}),
    })
    .unwrap();
    f.advance(&mut c, 2_000);
    let p = c
        .api
        .get::<ordinal_model::objects::Pod>("default", "web-1")
        .unwrap();
    assert!(p.metadata.owner_references.is_empty(), "released");
    expect![[r#"
        "pod/web-1: released pod web-1: it no longer matches the selector"
    "#]]
    .assert_debug_eq(&reasons(&c, seq, false)[0]);
}

#[test]
fn when_deleted_delete_removes_claims_with_the_set() {
    let (mut c, mut f) = ready_web(
        2,
        json!({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete", "whenScaled": "Retain"}}),
    );
    let refs: Vec<String> = c
        .api
        .list::<ordinal_model::objects::PersistentVolumeClaim>(Some("default"))
        .map(|p| {
            p.metadata
                .owner_references
                .iter()
                .map(|r| format!("{}/{}", r.kind, r.name))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    assert_eq!(refs, ["StatefulSet/web", "StatefulSet/web"]);
    patch_set(&mut c, "web", json!({"spec": {"replicas": 1}}));
    f.advance(&mut c, 5_000);
    assert_eq!(pvc_names(&c).len(), 2, "scale-down retains");
    delete(&mut c, Kind::StatefulSet, "web", None);
    f.advance(&mut c, 5_000);
    assert!(pvc_names(&c).is_empty());
}

#[test]
fn when_scaled_delete_removes_claims_of_scaled_down_pods() {
    let (mut c, mut f) = ready_web(
        3,
        json!({"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Delete"}}),
    );
    let seq = c.reasons().next_seq();
    patch_set(&mut c, "web", json!({"spec": {"replicas": 1}}));
    f.advance(&mut c, 10_000);
    expect![[r#"
        (
            [
                "www-web-0",
            ],
            [
                "persistentvolumeclaim/www-web-2: set the ownerReferences of claim www-web-2 to match the retention policy",
                "persistentvolumeclaim/www-web-1: set the ownerReferences of claim www-web-1 to match the retention policy",
                "pod/web-2: deleted web-2: ordinal 2 is outside the set's range (scale down)",
                "pod/web-2: scale down waits for web-2 to terminate (OrderedReady)",
                "pod/web-1: deleted web-1: ordinal 1 is outside the set's range (scale down)",
                "persistentvolumeclaim/www-web-2: deleted: its owner pod/web-2 is gone or being deleted (Background propagation)",
                "pod/web-1: scale down waits for web-1 to terminate (OrderedReady)",
                "persistentvolumeclaim/www-web-1: deleted: its owner pod/web-1 is gone or being deleted (Background propagation)",
            ],
        )
    "#]]
    .assert_debug_eq(&(pvc_names(&c), reasons(&c, seq, false)));
    // Scaling up again creates fresh claims.
    patch_set(&mut c, "web", json!({"spec": {"replicas": 3}}));
    f.advance(&mut c, 10_000);
    assert_eq!(pvc_names(&c), ["www-web-0", "www-web-1", "www-web-2"]);
    delete(&mut c, Kind::StatefulSet, "web", None);
    f.advance(&mut c, 5_000);
    assert_eq!(pvc_names(&c).len(), 3, "whenDeleted Retain keeps claims");
}
