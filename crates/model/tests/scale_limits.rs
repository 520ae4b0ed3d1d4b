//! `replicas: 2147483647` with the real node agents (scheduler, volume controllers, kubelets,
//! endpoints): nothing allocates per replica or loops over the replica count, creation goes at
//! the capped rate, and the model stays responsive.

use ordinal_model::objects::{Pod, StatefulSet};
use ordinal_model::{Cluster, Input, Profile};
use serde_json::json;
use std::time::Instant;

fn web(policy: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx", "replicas": i32::MAX, "podManagementPolicy": policy,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                    "ports": [{"containerPort": 80, "name": "web"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    })
}

#[test]
fn max_int_replicas_stay_bounded_with_real_agents() {
    for policy in ["OrderedReady", "Parallel"] {
        let mut c = Cluster::new(Profile::default(), 0);
        let service = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
            "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None",
                "selector": {"app": "nginx"}}});
        c.apply(Input::Create { object: service }).expect("service");
        let objects_before = c.api.object_count();
        let wall = Instant::now();
        c.apply(Input::Create {
            object: web(policy),
        })
        .expect("set");
        c.run_for_ms(500);
        let elapsed = wall.elapsed();
        let pods = c.api.list::<Pod>(Some("default")).count();
        let objects = c.api.object_count() - objects_before;
        // Parallel: one capped batch (2 000) in 0.5 virtual s; OrderedReady:
        // one pod at a time. Each pod brings a claim, a volume and a few Events.
        let max_pods = if policy == "Parallel" { 2_000 } else { 1 };
        assert!((1..=max_pods).contains(&pods), "{policy}: {pods} pods");
        assert!(
            objects <= 10 * max_pods + 20,
            "{policy}: {objects} new objects"
        );
        assert!(!c.spin_detected, "{policy}: a controller spun");
        assert_eq!(
            c.api
                .get::<StatefulSet>("default", "web")
                .and_then(|s| s.spec.replicas),
            Some(i32::MAX)
        );
        // Generous (debug builds, shared machines): a freeze would take far longer.
        assert!(
            elapsed.as_secs() < 120,
            "{policy}: 0.5 virtual seconds took {elapsed:?}"
        );
    }
}
