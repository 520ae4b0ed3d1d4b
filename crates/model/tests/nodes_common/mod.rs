//! Helpers shared by the nodes_* tests: creating objects through the API, a minimal
//! `kubectl get pods -w` row (the printer's STATUS rules of §3.1), and watch-log extraction.
#![allow(dead_code)]

use ordinal_model::api::{DeleteOptions, WatchEventType};
use ordinal_model::objects::*;
use ordinal_model::{Cluster, Input, Kind, Time};
use serde_json::{json, Value};

pub fn create(c: &mut Cluster, v: Value) {
    c.apply(Input::Create { object: v }).expect("create");
}

pub fn delete_pod(c: &mut Cluster, name: &str, grace: Option<i64>) {
    c.apply(Input::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions {
            propagation: None,
            grace_period_seconds: grace,
            uid: None,
        },
    })
    .expect("delete");
}

pub fn nginx_pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
            "ports": [{"containerPort": 80, "name": "web"}]}]}})
}

/// A StatefulSet-style pod: hostname/subdomain, a claim mounted over nginx's html dir.
pub fn web_pod(name: &str, claim: Option<&str>, readiness: bool) -> Value {
    let mut v = nginx_pod(name);
    v["spec"]["hostname"] = json!(name);
    v["spec"]["subdomain"] = json!("nginx");
    if let Some(claim) = claim {
        v["spec"]["volumes"] =
            json!([{"name": "www", "persistentVolumeClaim": {"claimName": claim}}]);
        v["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": "www", "mountPath": "/usr/share/nginx/html"}]);
    }
    if readiness {
        v["spec"]["containers"][0]["readinessProbe"] = json!({"httpGet": {"path": "/index.html", "port": 80}, "periodSeconds": 2, "failureThreshold": 2});
    }
    v
}

pub fn pvc(name: &str, class: Option<&str>) -> Value {
    let mut v = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
    if let Some(c) = class {
        v["spec"]["storageClassName"] = json!(c);
    }
    v
}

pub fn headless_service() -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"clusterIP": "None", "selector": {"app": "nginx"},
                 "ports": [{"port": 80, "name": "web"}]}})
}

/// The printer's STATUS column (`printPod`, v1.34).
pub fn status(p: &Pod) -> String {
    let mut reason = p
        .status
        .reason
        .clone()
        .unwrap_or_else(|| p.phase().to_string());
    let mut has_running = false;
    for cs in p.status.container_statuses.iter().rev() {
        if let Some(r) = cs.state.waiting.as_ref().and_then(|w| w.reason.clone()) {
            reason = r;
        } else if let Some(t) = &cs.state.terminated {
            reason = match &t.reason {
                Some(r) => r.clone(),
                None => format!("ExitCode:{}", t.exit_code),
            };
        } else if cs.ready && cs.state.running.is_some() {
            has_running = true;
        }
    }
    if reason == "Completed" && has_running {
        reason = if p.is_ready() {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    if p.metadata.deletion_timestamp.is_some() && !p.is_terminal() {
        reason = "Terminating".into();
    }
    reason
}

pub fn ready_col(p: &Pod) -> String {
    let ready = p
        .status
        .container_statuses
        .iter()
        .filter(|c| c.ready && c.state.running.is_some())
        .count();
    format!("{ready}/{}", p.spec.containers.len())
}

pub fn restarts(p: &Pod) -> i32 {
    p.status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .sum()
}

/// One `get pods -w`-like line per watch event of pod `name` since `rv`, with seconds since `t0`.
pub fn pod_rows(c: &Cluster, name: &str, rv: u64, t0: Time) -> String {
    let mut out = String::new();
    let Ok(events) = c.api.events_since(rv) else {
        return out;
    };
    for ev in events {
        if let Object::Pod(p) = &*ev.object {
            if p.metadata.name != name || p.metadata.ns() != "default" {
                continue;
            }
            let t = ev.at.since(t0) as f64 / 1000.0;
            out.push_str(&format!(
                "at {:<7} {:<8} {:<4} {:<18} {} ip={} node={}\n",
                format!("{t:.1}s"),
                ev.type_.as_str(),
                ready_col(p),
                status(p),
                restarts(p),
                p.status.pod_ip.as_deref().unwrap_or("<none>"),
                p.spec.node_name.as_deref().unwrap_or("<none>"),
            ));
        }
    }
    out
}

/// Events about object `name` (reason: message), in creation order.
pub fn events_for(c: &Cluster, ns: &str, name: &str) -> String {
    let mut evs: Vec<&Event> = c
        .list::<Event>(Some(ns))
        .into_iter()
        .filter(|e| e.involved_object.name == name)
        .collect();
    evs.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    evs.iter()
        .map(|e| {
            format!(
                "{:<8} {:<22} {} (x{}) [{}]\n",
                e.type_, e.reason, e.message, e.count, e.source.component
            )
        })
        .collect()
}

pub fn pod<'a>(c: &'a Cluster, name: &str) -> Option<&'a Pod> {
    c.api.get::<Pod>("default", name)
}

pub fn deleted(c: &Cluster, name: &str, rv: u64) -> bool {
    c.api
        .events_since(rv)
        .map(|mut it| {
            it.any(|e| {
                e.type_ == WatchEventType::Deleted
                    && e.object.meta().name == name
                    && e.object.kind() == Kind::Pod
            })
        })
        .unwrap_or(false)
}
