//! Benchmark: a StatefulSet scaled 0 → N replicas to Ready in virtual time, Parallel and
//! OrderedReady, on `Profile::with_workers(100)` (100 × 110 pod slots) with the real node side:
//! scheduler, volume controllers, kubelets, endpoints. Prints CPU time, peak memory and counts
//! (not asserted).
//!
//!     cargo run --release -p ordinal-model --example bench_scale [N] [Parallel|OrderedReady]
//!
//! Without a policy both run; each at N/10, N/2 and N.

use ordinal_model::objects::StatefulSet;
use ordinal_model::{Cluster, Input, Kind, PatchType, Profile};
use serde_json::json;
use std::time::Instant;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn web(policy: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx", "replicas": 0, "podManagementPolicy": policy,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"terminationGracePeriodSeconds": 10,
                    "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                    "ports": [{"containerPort": 80, "name": "web"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    })
}

fn service() -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None",
            "selector": {"app": "nginx"}}})
}

fn run(n: i32, policy: &str) {
    let mut c = Cluster::new(Profile::with_workers(100), 0);
    c.apply(Input::Create { object: service() }).expect("svc");
    c.apply(Input::Create {
        object: web(policy),
    })
    .expect("sts");
    c.run_for_ms(1_000);
    let rv0 = c.api.resource_version();
    let reasons0 = c.reasons().next_seq();
    let t0 = c.now();
    let cpu = Instant::now();
    c.apply(Input::Patch {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        patch_type: PatchType::Merge,
        patch: json!({"spec": {"replicas": n}}),
    })
    .expect("scale");
    // Step a virtual second at a time; stop at all Ready (or after a virtual day).
    let mut ready = 0;
    for _ in 0..86_400 {
        c.run_for_ms(1_000);
        ready = c
            .api
            .get::<StatefulSet>("default", "web")
            .map_or(0, |s| s.status.ready_replicas);
        if ready == n {
            break;
        }
    }
    let elapsed = cpu.elapsed();
    println!(
        "{policy:>12} n={n:>6}: {ready} ready after {:>6.1} virtual s; CPU {:>7.3} s; peak RSS {:>7} KiB; \
         writes {}; reasons {}; objects {}",
        c.now().since(t0) as f64 / 1000.0,
        elapsed.as_secs_f64(),
        peak_rss_kib(),
        c.api.resource_version() - rv0,
        c.reasons().next_seq() - reasons0,
        c.api.object_count(),
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: i32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let only = args.next();
    for policy in ["Parallel", "OrderedReady"] {
        if only.as_deref().is_some_and(|o| o != policy) {
            continue;
        }
        for size in [n / 10, n / 2, n] {
            run(size, policy);
        }
    }
}
