//! Benchmark: seeking to the middle of a 30-virtual-minute scenario resembling the StatefulSet
//! basics tutorial (issue 3: ≤ 100 ms). Builds the timeline (apply the headless Service and
//! `web`, scale, rolling update, partition staging, pod deletions, orphan delete + re-apply,
//! Parallel), then times `Timeline::seek` to the middle cold from the end, and a few more seeks.
//!
//!     cargo run --release -p ordinal-model --example bench_seek

use ordinal_model::api::{DeleteOptions, Propagation};
use ordinal_model::{Input, Kind, PatchType, Profile, Time, Timeline};
use serde_json::{json, Value};
use std::time::Instant;

fn service() -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
        "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None",
            "selector": {"app": "nginx"}}})
}

fn web(policy: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {"serviceName": "nginx", "replicas": 2, "podManagementPolicy": policy,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                    "ports": [{"containerPort": 80, "name": "web"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}})
}

fn patch(p: Value) -> Input {
    Input::Patch {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        patch_type: PatchType::Merge,
        patch: p,
    }
}

fn delete(kind: Kind, name: &str, propagation: Option<Propagation>) -> Input {
    Input::Delete {
        kind,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions {
            propagation,
            ..Default::default()
        },
    }
}

fn image(tag: &str) -> Input {
    patch(
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": format!("registry.k8s.io/nginx-slim:{tag}")}]}}}}),
    )
}

fn main() {
    // A fresh cluster: what the page builds before its first frame (the bootstrap simulates
    // the cluster's first ten minutes: nodes, kube-system).
    let fresh = Instant::now();
    let runs = 20;
    for seed in 0..runs {
        std::hint::black_box(Timeline::new(Profile::default(), seed));
    }
    println!(
        "fresh cluster (Timeline::new, default profile): {:.2} ms (mean of {runs})",
        fresh.elapsed().as_secs_f64() * 1000.0 / runs as f64
    );
    let build = Instant::now();
    let mut tl = Timeline::new(Profile::default(), 0);
    let t0 = tl.now();
    // (seconds after the start, input): the tutorial's steps, spread over 30 minutes.
    let steps: Vec<(u64, Input)> = vec![
        (0, Input::Create { object: service() }),
        (
            5,
            Input::Create {
                object: web("OrderedReady"),
            },
        ),
        (90, delete(Kind::Pod, "web-0", None)),
        (91, delete(Kind::Pod, "web-1", None)),
        (180, patch(json!({"spec": {"replicas": 5}}))),
        (300, patch(json!({"spec": {"replicas": 3}}))),
        (420, image("0.9")),
        (
            600,
            patch(
                json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 3}}}}),
            ),
        ),
        (610, image("0.10")),
        (700, delete(Kind::Pod, "web-2", None)),
        (
            800,
            patch(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}})),
        ),
        (
            900,
            patch(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}})),
        ),
        (
            1020,
            delete(Kind::StatefulSet, "web", Some(Propagation::Orphan)),
        ),
        (1050, delete(Kind::Pod, "web-0", None)),
        (
            1100,
            Input::Create {
                object: web("OrderedReady"),
            },
        ),
        (1200, patch(json!({"spec": {"replicas": 5}}))),
        (1350, delete(Kind::StatefulSet, "web", None)),
        (
            1440,
            Input::Create {
                object: web("Parallel"),
            },
        ),
        (1500, patch(json!({"spec": {"replicas": 5}}))),
        (1620, patch(json!({"spec": {"replicas": 2}}))),
        (1700, delete(Kind::StatefulSet, "web", None)),
        (1710, delete(Kind::Service, "nginx", None)),
    ];
    for (at, input) in steps {
        tl.advance_to(t0.plus_ms(at * 1000));
        if let Err(e) = tl.apply(input) {
            eprintln!("input at {at}s failed: {}", e.message);
        }
    }
    tl.advance_to(t0.plus_ms(30 * 60 * 1000));
    let built = build.elapsed();
    let end = tl.now();
    let writes = tl.cluster().api.resource_version();
    let mid = Time(t0.ms() + end.since(t0) / 2);
    let timed = |tl: &mut Timeline, t: Time| {
        let s = Instant::now();
        tl.seek(t);
        s.elapsed().as_secs_f64() * 1000.0
    };
    let cold = timed(&mut tl, mid);
    let back_to_end = timed(&mut tl, end);
    let mut worst: f64 = 0.0;
    for k in 1..30u64 {
        let t = Time(t0.ms() + end.since(t0) * k / 30);
        worst = worst.max(timed(&mut tl, t));
    }
    println!(
        "30-minute tutorial timeline: built in {:.0} ms ({writes} writes); seek to the middle {cold:.1} ms (cold, from the end); \
         middle → end {back_to_end:.1} ms; worst of 29 forward seeks {worst:.1} ms; event-log hash {:x}",
        built.as_secs_f64() * 1000.0,
        tl.cluster().event_log_hash()
    );
}
