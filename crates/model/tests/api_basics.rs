//! The apiserver core through the cluster's input path: create, get, list, update, delete,
//! the watch log, and determinism.

use ordinal_model::api::{DeleteOptions, Propagation, StatusReason, WatchEventType};
use ordinal_model::objects::{Node, Pod, StatefulSet};
use ordinal_model::{Cluster, Input, Kind};
use serde_json::json;

fn web_sts() -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx", "replicas": 2,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8"}]}}
        }
    })
}

#[test]
fn a_fresh_cluster_has_the_profile_nodes_namespaces_and_services() {
    let c = Cluster::default_cluster();
    let nodes: Vec<_> = c
        .list::<Node>(None)
        .iter()
        .map(|n| n.metadata.name.clone())
        .collect();
    assert_eq!(nodes, ["control-plane", "worker-1", "worker-2", "worker-3"]);
    assert!(c
        .get_object(Kind::Service, "kube-system", "kube-dns")
        .is_some());
    assert!(c.get_object(Kind::Namespace, "", "default").is_some());
    assert_eq!(c.now().rfc3339(), "2025-08-27T10:00:00Z");
}

#[test]
fn create_defaults_and_rejects_duplicates_with_the_apiserver_text() {
    let mut c = Cluster::default_cluster();
    let created = c
        .apply(Input::Create { object: web_sts() })
        .unwrap()
        .unwrap();
    let sts = ordinal_model::objects::StatefulSet::try_from((*created).clone()).unwrap();
    assert_eq!(sts.metadata.generation, 1);
    assert_eq!(
        sts.spec.pod_management_policy.as_deref(),
        Some("OrderedReady")
    );
    assert_eq!(sts.partition(), Some(0));
    assert_eq!(sts.spec.revision_history_limit, Some(10));
    assert_eq!(
        sts.spec.template.spec.termination_grace_period_seconds,
        Some(30)
    );
    let err = c.apply(Input::Create { object: web_sts() }).unwrap_err();
    assert_eq!(err.reason, StatusReason::AlreadyExists);
    assert_eq!(err.message, "statefulsets.apps \"web\" already exists");
    let err = c
        .apply(Input::Delete {
            kind: Kind::StatefulSet,
            namespace: "default".into(),
            name: "nope".into(),
            options: DeleteOptions::default(),
        })
        .unwrap_err();
    assert_eq!(err.message, "statefulsets.apps \"nope\" not found");
}

#[test]
fn spec_updates_bump_generation_and_orphan_delete_waits_for_its_finalizer() {
    let mut c = Cluster::default_cluster();
    c.apply(Input::Create { object: web_sts() }).unwrap();
    let mut v = web_sts();
    v["spec"]["replicas"] = json!(3);
    c.apply(Input::Update { object: v }).unwrap();
    let sts = c.api.get::<StatefulSet>("default", "web").unwrap();
    assert_eq!((sts.metadata.generation, sts.replicas()), (2, 3));
    let opts = DeleteOptions {
        propagation: Some(Propagation::Orphan),
        ..Default::default()
    };
    c.apply(Input::Delete {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        options: opts,
    })
    .unwrap();
    let sts = c.api.get::<StatefulSet>("default", "web").unwrap();
    assert!(sts.metadata.deletion_timestamp.is_some());
    assert_eq!(sts.metadata.finalizers, ["orphan"]);
}

#[test]
fn the_watch_log_records_every_write_in_order() {
    let mut c = Cluster::default_cluster();
    let start = c.api.resource_version();
    c.apply(Input::Create { object: web_sts() }).unwrap();
    c.apply(Input::Delete {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    let evs: Vec<_> = c
        .api
        .events_since(start)
        .unwrap()
        .filter(|e| e.object.kind() == Kind::StatefulSet)
        .map(|e| e.type_)
        .collect();
    assert_eq!(evs, [WatchEventType::Added, WatchEventType::Deleted]);
}

#[test]
fn pods_get_server_defaults() {
    let mut c = Cluster::default_cluster();
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "dns-test"},
        "spec": {"containers": [{"name": "dns-test", "image": "busybox:1.28"}], "restartPolicy": "Never"}});
    c.apply(Input::Create { object: pod }).unwrap();
    let p = c.api.get::<Pod>("default", "dns-test").unwrap();
    assert_eq!(p.phase(), "Pending");
    assert_eq!(
        p.spec.containers[0].image_pull_policy.as_deref(),
        Some("IfNotPresent")
    );
    assert!(p
        .spec
        .volumes
        .iter()
        .any(|v| v.name.starts_with("kube-api-access-")));
}

#[test]
fn same_seed_and_inputs_give_the_same_event_log_hash() {
    let run = |seed| {
        let mut c = Cluster::new(Default::default(), seed);
        c.apply(Input::Create { object: web_sts() }).unwrap();
        c.run_for_ms(60_000);
        c.event_log_hash()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}
