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
