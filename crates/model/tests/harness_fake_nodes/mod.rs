//! TEST SUPPORT ONLY: a fake node layer standing in for the scheduler and kubelet (being
//! written concurrently), like upstream's fake pod control. It binds pods to a worker, makes
//! them Running and Ready after `start_delay_ms`, finishes graceful deletions at once, and lets a
//! test fail a pod or flip its readiness. Every write goes through the apiserver.
#![allow(dead_code)]

use ordinal_model::api::{DeleteOptions, Propagation, WatchEventType};
use ordinal_model::objects::{Pod, PodCondition, StatefulSet, Typed};
use ordinal_model::reason::Reason;
use ordinal_model::{Cluster, Input, Kind, Object, PatchType, Profile};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const ACTOR: &str = "fake-kubelet";

pub struct FakeNodes {
    last_rv: u64,
    /// Pods that may need the fake kubelet's attention.
    watch: BTreeSet<(String, String)>,
    /// Pods held not-ready (readiness probe failing).
    pub unready: BTreeSet<(String, String)>,
    /// From bind to Running+Ready.
    pub start_delay_ms: u64,
    pub tick_ms: u64,
    workers: Vec<String>,
    next_worker: usize,
}

impl FakeNodes {
    pub fn new(c: &Cluster) -> FakeNodes {
        FakeNodes {
            last_rv: 0,
            watch: BTreeSet::new(),
            unready: BTreeSet::new(),
            start_delay_ms: 1_000,
            tick_ms: 100,
            workers: c.profile.workers().map(|n| n.name.clone()).collect(),
            next_worker: 0,
        }
    }

    /// Runs the cluster for `ms`, acting as kubelet every `tick_ms`.
    pub fn advance(&mut self, c: &mut Cluster, ms: u64) {
        let end = c.now().plus_ms(ms);
        while c.now() < end {
            let next = c.now().plus_ms(self.tick_ms).min(end);
            c.run_until(next);
            self.pass(c);
        }
    }

    /// One kubelet pass over the pods touched since the last pass.
    pub fn pass(&mut self, c: &mut Cluster) {
        if let Ok(evs) = c.api.events_since(self.last_rv) {
            for ev in evs {
                self.last_rv = ev.rv;
                if let Object::Pod(p) = &*ev.object {
                    let k = (p.metadata.ns().to_string(), p.metadata.name.clone());
                    if ev.type_ == WatchEventType::Deleted {
                        self.watch.remove(&k);
                    } else {
                        self.watch.insert(k);
                    }
                }
            }
        }
        let now = c.now();
        let keys: Vec<_> = self.watch.iter().cloned().collect();
        for k in keys {
            // The store's copy (an Arc): a write replaces it, so this one stays as read.
            let Some(obj) = c
                .api
                .get_object(Kind::Pod, &k.0, &k.1)
                .filter(|o| Pod::from_object(o).is_some())
                .cloned()
            else {
                self.watch.remove(&k);
                continue;
            };
            let pod = Pod::from_object(&obj).expect("a pod");
            if pod.metadata.deletion_timestamp.is_some() {
                let opts = DeleteOptions {
                    grace_period_seconds: Some(0),
                    ..Default::default()
                };
                let _ = c.api.delete(Kind::Pod, &k.0, &k.1, &opts, ACTOR);
                continue;
            }
            if pod.spec.node_name.is_none() {
                let node = self.workers[self.next_worker % self.workers.len()].clone();
                self.next_worker += 1;
                let _ = c.api.bind_pod(&k.0, &k.1, &node, ACTOR);
                continue;
            }
            if pod.phase() == "Pending" {
                let since = pod.metadata.creation_timestamp.unwrap_or(now);
                if now.since(since) < self.start_delay_ms {
                    continue;
                }
                // The status subresource takes only `status` from the request.
                let mut p = status_only(pod);
                p.status.phase = Some("Running".into());
                p.status.start_time = Some(now.truncated());
                let ready = !self.unready.contains(&k);
                set_ready_condition(&mut p, ready, now);
                let _ = c.api.update_status(p.into(), ACTOR);
                self.watch.remove(&k);
                continue;
            }
            self.watch.remove(&k);
        }
    }

    pub fn fail(&mut self, c: &mut Cluster, name: &str) {
        if let Some(pod) = c.api.get::<Pod>("default", name).cloned() {
            let mut p = pod;
            p.status.phase = Some("Failed".into());
            set_ready_condition(&mut p, false, c.now());
            let _ = c.api.update_status(p.into(), ACTOR);
        }
    }

    pub fn set_ready(&mut self, c: &mut Cluster, name: &str, ready: bool) {
        let k = ("default".to_string(), name.to_string());
        if ready {
            self.unready.remove(&k);
        } else {
            self.unready.insert(k);
        }
        if let Some(pod) = c.api.get::<Pod>("default", name).cloned() {
            if pod.phase() == "Running" {
                let mut p = pod;
                set_ready_condition(&mut p, ready, c.now());
                let _ = c.api.update_status(p.into(), ACTOR);
            }
        }
    }
}

/// A pod naming `pod` with its status (all a status update reads), without cloning its spec.
fn status_only(pod: &Pod) -> Pod {
    Pod {
        metadata: ordinal_model::objects::ObjectMeta::named(
            Some(pod.metadata.ns()),
            &pod.metadata.name,
        ),
        status: pod.status.clone(),
        ..Default::default()
    }
}

fn set_ready_condition(p: &mut Pod, ready: bool, now: ordinal_model::Time) {
    let status = if ready { "True" } else { "False" };
    p.status.conditions.retain(|c| c.type_ != "Ready");
    p.status.conditions.push(PodCondition {
        type_: "Ready".into(),
        status: status.into(),
        last_transition_time: Some(now.truncated()),
        ..Default::default()
    });
}

// ---- scenario helpers ---------------------------------------------------------------------

/// The tutorial's headless `nginx` Service (selects `app: nginx`, the `web` set's pods).
pub fn nginx_service() -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None",
            "selector": {"app": "nginx"}}})
}

/// The tutorial's `web` StatefulSet (nginx-slim, `www` claims), with `extra` merged into spec.
pub fn web(replicas: i32, extra_spec: Value) -> Value {
    let mut v = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx", "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"terminationGracePeriodSeconds": 10,
                    "containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
                    "ports": [{"containerPort": 80, "name": "web"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    });
    merge(&mut v["spec"], &extra_spec);
    v
}

pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

pub fn cluster() -> (Cluster, FakeNodes) {
    let mut c = Cluster::new(Profile::default(), 1);
    // This layer is the kubelet and scheduler in these tests (like upstream's fake pod control).
    c.set_node_agents(false);
    let f = FakeNodes::new(&c);
    (c, f)
}

pub fn patch_set(c: &mut Cluster, name: &str, patch: Value) {
    c.apply(Input::Patch {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: name.into(),
        patch_type: PatchType::Merge,
        patch,
    })
    .expect("patch");
}

pub fn delete(c: &mut Cluster, kind: Kind, name: &str, propagation: Option<Propagation>) {
    c.apply(Input::Delete {
        kind,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions {
            propagation,
            ..Default::default()
        },
    })
    .expect("delete");
}

pub fn create(c: &mut Cluster, v: Value) {
    c.apply(Input::Create { object: v }).expect("create");
}

/// Pod names in the namespace, in list order, with their revision label and phase.
pub fn pods(c: &Cluster) -> Vec<String> {
    c.api
        .list::<Pod>(Some("default"))
        .map(|p| {
            let ready = if p.is_running_and_ready() {
                " ready"
            } else {
                ""
            };
            let del = if p.metadata.deletion_timestamp.is_some() {
                " terminating"
            } else {
                ""
            };
            format!("{}{ready}{del}", p.metadata.name)
        })
        .collect()
}

pub fn pod_names(c: &Cluster) -> Vec<String> {
    c.api
        .list::<Pod>(Some("default"))
        .map(|p| p.metadata.name.clone())
        .collect()
}

pub fn sts(c: &Cluster, name: &str) -> StatefulSet {
    c.api
        .get::<StatefulSet>("default", name)
        .cloned()
        .expect("set exists")
}

/// The watch log's pod creations and deletions since `rv`: `+web-0`, `-web-2`.
pub fn pod_churn(c: &Cluster, since_rv: u64) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(evs) = c.api.events_since(since_rv) {
        for ev in evs {
            if let Object::Pod(p) = &*ev.object {
                match ev.type_ {
                    WatchEventType::Added => out.push(format!("+{}", p.metadata.name)),
                    WatchEventType::Deleted => out.push(format!("-{}", p.metadata.name)),
                    WatchEventType::Modified => {}
                }
            }
        }
    }
    out
}

/// The StatefulSet controller's and GC's reasons since `seq`, as `object: sentence`.
pub fn reasons(c: &Cluster, since_seq: u64, with_status: bool) -> Vec<String> {
    c.reasons()
        .since(since_seq)
        .filter(|r| match &r.reason {
            Reason::StatefulSet(s) => {
                with_status
                    || !matches!(
                        s,
                        ordinal_model::controllers::statefulset::StsReason::UpdatedStatus { .. }
                    )
            }
            Reason::GarbageCollector(_) => true,
            _ => false,
        })
        .map(|r| format!("{}: {}", r.object, r.reason))
        .collect()
}

/// Events recorded by the statefulset-controller: `Type Reason: message`.
pub fn sts_events(c: &Cluster) -> Vec<String> {
    let mut evs: Vec<_> = c
        .api
        .list::<ordinal_model::objects::Event>(Some("default"))
        .filter(|e| e.source.component == "statefulset-controller")
        .map(|e| {
            let seq = e
                .metadata
                .name
                .rsplit('.')
                .next()
                .and_then(|h| u128::from_str_radix(h, 16).ok())
                .unwrap_or(0);
            (seq, format!("{} {}: {}", e.type_, e.reason, e.message))
        })
        .collect();
    evs.sort();
    evs.into_iter().map(|e| e.1).collect()
}

/// Like [`pod_churn`], each entry prefixed with the virtual seconds since `t0` (`12.3s +web-1`).
pub fn pod_churn_timed(c: &Cluster, since_rv: u64, t0: ordinal_model::Time) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(evs) = c.api.events_since(since_rv) {
        for ev in evs {
            if let Object::Pod(p) = &*ev.object {
                let sign = match ev.type_ {
                    WatchEventType::Added => "+",
                    WatchEventType::Deleted => "-",
                    WatchEventType::Modified => continue,
                };
                let t = ev.at.since(t0) as f64 / 1000.0;
                out.push(format!("{t:.1}s {sign}{}", p.metadata.name));
            }
        }
    }
    out
}

/// `name=revision-label` for each pod.
pub fn pod_revisions(c: &Cluster) -> Vec<String> {
    c.api
        .list::<Pod>(Some("default"))
        .map(|p| {
            format!(
                "{}={}",
                p.metadata.name,
                p.metadata
                    .labels
                    .get("controller-revision-hash")
                    .cloned()
                    .unwrap_or_default()
            )
        })
        .collect()
}

pub fn pvc_names(c: &Cluster) -> Vec<String> {
    c.api
        .list::<ordinal_model::objects::PersistentVolumeClaim>(Some("default"))
        .map(|p| p.metadata.name.clone())
        .collect()
}

pub fn revisions(c: &Cluster) -> Vec<String> {
    c.api
        .list::<ordinal_model::objects::ControllerRevision>(Some("default"))
        .map(|r| format!("{} #{}", r.metadata.name, r.revision))
        .collect()
}

/// Creates `web` with `replicas` and runs until all are Running and Ready.
pub fn ready_web(replicas: i32, extra: Value) -> (Cluster, FakeNodes) {
    let (mut c, mut f) = cluster();
    create(&mut c, web(replicas, extra));
    f.advance(&mut c, 5_000 + 2_000 * replicas as u64);
    (c, f)
}

pub fn set_image(c: &mut Cluster, image: &str) {
    patch_set(
        c,
        "web",
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": image,
            "ports": [{"containerPort": 80, "name": "web"}],
            "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}}}}),
    );
}
