//! The node lifecycle controller and the taint-eviction controller
//! (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`, `pkg/controller/tainteviction`).
//!
//! A node whose kubelet stops renewing its lease is marked `Ready=Unknown` once
//! `node-monitor-grace-period` has passed (50 s since v1.32, kubernetes/kubernetes#126287; the
//! monitor runs every 5 s), tainted `node.kubernetes.io/unreachable` (NoSchedule + NoExecute),
//! and its pods are marked not ready. Pods are deleted when their toleration of the NoExecute
//! taint runs out (300 s by default); with the kubelet gone nothing confirms the deletion, so
//! they stay Terminating until the node returns or someone force-deletes them.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, DeleteOptions, WatchEvent};
use crate::objects::{Kind, Node, NodeCondition, Object, ObjectRef, Pod, PodCondition, Taint};
use crate::reason::Reason;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `--node-monitor-grace-period` default in v1.34.
pub const NODE_MONITOR_GRACE_MS: u64 = 50_000;
/// `--node-monitor-period`.
const NODE_MONITOR_PERIOD_MS: u64 = 5_000;
const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const NOT_READY: &str = "node.kubernetes.io/not-ready";
const TAG_MONITOR: u32 = 1;

/// Why the node lifecycle controller acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeLifecycleReason {
    /// No heartbeat for the grace period: Ready=Unknown, unreachable taints, pods not ready.
    NodeNotReady { node: String, pods: Vec<String> },
    /// The kubelet is back: taints removed.
    NodeReady { node: String },
    /// The pod's toleration of the unreachable taint ran out: deleted.
    Evicted { node: String },
    /// The pod will be evicted at `at` unless the node recovers.
    EvictionScheduled { node: String, at: Time },
}

impl fmt::Display for NodeLifecycleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeLifecycleReason::NodeNotReady { node, pods } => write!(
                f,
                "node {node} stopped posting status: NotReady, tainted unreachable; pods not ready: [{}]",
                pods.join(" ")
            ),
            NodeLifecycleReason::NodeReady { node } => {
                write!(f, "node {node} is Ready again; unreachable taints removed")
            }
            NodeLifecycleReason::Evicted { node } => write!(
                f,
                "evicted from unreachable node {node} (tolerationSeconds ran out); stays Terminating until the node confirms"
            ),
            NodeLifecycleReason::EvictionScheduled { node, at } => {
                write!(f, "waits: node {node} unreachable; evicted at {at} unless it recovers")
            }
        }
    }
}

impl NodeLifecycleReason {
    pub fn is_wait(&self) -> bool {
        matches!(self, NodeLifecycleReason::EvictionScheduled { .. })
    }
}

#[derive(Debug, Clone, Default)]
pub struct NodeLifecycle {
    /// Nodes whose kubelet went silent, and the time of its last lease renewal.
    silent_since: VecMap<String, Time>,
}

fn node_key(name: &str) -> ObjectRef {
    ObjectRef::new(Kind::Node, "", name)
}

fn has_taint(node: &Node, key: &str, effect: &str) -> bool {
    node.spec
        .taints
        .iter()
        .any(|t| t.key == key && t.effect == effect)
}

impl NodeLifecycle {
    /// The kubelet of `node` stopped (fault NodeDown).
    pub fn node_down(&mut self, node: &str, ctx: &mut Ctx<'_>) {
        self.silent_since.entry(node.to_string()).or_insert(ctx.now);
        ctx.enqueue_for(ControllerId::NodeLifecycle, node_key(node), 0);
    }

    /// The kubelet of `node` is back (fault NodeUp).
    pub fn node_up(&mut self, node: &str, ctx: &mut Ctx<'_>) {
        self.silent_since.remove(node);
        ctx.enqueue_for(ControllerId::NodeLifecycle, node_key(node), 0);
    }

    pub fn is_silent(&self, node: &str) -> bool {
        self.silent_since.contains_key(node)
    }
}

impl Controller for NodeLifecycle {
    const ID: ControllerId = ControllerId::NodeLifecycle;

    fn watch(&mut self, ev: &WatchEvent, api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        match &*ev.object {
            Object::Node(n) => {
                let tainted = has_taint(n, UNREACHABLE, "NoExecute")
                    || has_taint(n, UNREACHABLE, "NoSchedule");
                if tainted || self.silent_since.contains_key(&n.metadata.name) {
                    enqueue(node_key(&n.metadata.name));
                }
            }
            Object::Pod(p) => {
                if let Some(n) = p
                    .spec
                    .node_name
                    .as_deref()
                    .and_then(|n| api.get::<Node>("", n))
                {
                    if has_taint(n, UNREACHABLE, "NoExecute") {
                        enqueue(node_key(&n.metadata.name));
                    }
                }
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, _tag: u32, ctx: &mut Ctx<'_>) {
        let Some(node) = ctx.api.get::<Node>("", &key.name).cloned() else {
            return;
        };
        let now = ctx.now;
        if let Some(since) = self.silent_since.get(&key.name).copied() {
            let grace_end = since.plus_ms(NODE_MONITOR_GRACE_MS);
            // monitorNodeHealth runs on a 5 s period: the first pass after the grace period.
            let detect_at =
                Time(grace_end.ms().div_ceil(NODE_MONITOR_PERIOD_MS) * NODE_MONITOR_PERIOD_MS);
            if now < detect_at {
                ctx.wake_at(detect_at, key.clone(), TAG_MONITOR);
                return;
            }
            let node = self.mark_unknown(node, ctx);
            self.evict_pass(&node, ctx);
        } else if node.is_ready() {
            let stale: Vec<&Taint> = node
                .spec
                .taints
                .iter()
                .filter(|t| t.key == UNREACHABLE || t.key == NOT_READY)
                .collect();
            if !stale.is_empty() {
                let mut n = node.clone();
                n.spec
                    .taints
                    .retain(|t| t.key != UNREACHABLE && t.key != NOT_READY);
                if ctx.api.update(n.into(), "node-controller").is_ok() {
                    ctx.reason(
                        key.clone(),
                        Reason::NodeLifecycle(NodeLifecycleReason::NodeReady {
                            node: key.name.clone(),
                        }),
                    );
                }
            }
        }
    }
}

impl NodeLifecycle {
    /// `tryUpdateNodeHealth` (conditions → Unknown), `MarkPodsNotReady`, and the taint passes.
    fn mark_unknown(&mut self, node: Node, ctx: &mut Ctx<'_>) -> Node {
        let now = ctx.now.truncated();
        let name = node.metadata.name.clone();
        let mut node = node;
        let ready_unknown = node
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "Unknown");
        if !ready_unknown {
            let mut n = node.clone();
            for c in &mut n.status.conditions {
                if matches!(
                    c.type_.as_str(),
                    "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure"
                ) {
                    *c = NodeCondition {
                        type_: c.type_.clone(),
                        status: "Unknown".into(),
                        last_heartbeat_time: c.last_heartbeat_time,
                        last_transition_time: Some(now),
                        reason: Some("NodeStatusUnknown".into()),
                        message: Some("Kubelet stopped posting node status.".into()),
                    };
                }
            }
            if let Ok(o) = ctx.api.update_status(n.into(), "node-controller") {
                if let Object::Node(n) = &*o {
                    node = n.clone();
                }
                ctx.event(
                    Kind::Node,
                    &node.metadata,
                    "Normal",
                    "NodeNotReady",
                    format!("Node {name} status is now: NodeNotReady"),
                );
            }
            let mut marked = Vec::new();
            let pods: Vec<Pod> = ctx
                .api
                .list::<Pod>(None)
                .filter(|p| p.spec.node_name.as_deref() == Some(name.as_str()) && !p.is_terminal())
                .cloned()
                .collect();
            for p in pods {
                let mut q = p.clone();
                let mut changed = false;
                for c in &mut q.status.conditions {
                    if c.type_ == "Ready" && c.status != "False" {
                        c.status = "False".into();
                        c.last_transition_time = Some(now);
                        changed = true;
                    }
                }
                if changed {
                    if let Ok(o) = ctx.api.update_status(q.into(), "node-controller") {
                        let meta = o.meta().clone();
                        ctx.event(
                            Kind::Pod,
                            &meta,
                            "Warning",
                            "NodeNotReady",
                            "Node is not ready".into(),
                        );
                        marked.push(p.metadata.name.clone());
                    }
                }
            }
            ctx.reason(
                node_key(&name),
                Reason::NodeLifecycle(NodeLifecycleReason::NodeNotReady {
                    node: name.clone(),
                    pods: marked,
                }),
            );
        }
        if !has_taint(&node, UNREACHABLE, "NoSchedule")
            || !has_taint(&node, UNREACHABLE, "NoExecute")
        {
            let mut n = node.clone();
            n.spec.taints.retain(|t| t.key != NOT_READY);
            for effect in ["NoSchedule", "NoExecute"] {
                if !has_taint(&n, UNREACHABLE, effect) {
                    n.spec.taints.push(Taint {
                        key: UNREACHABLE.into(),
                        value: None,
                        effect: effect.into(),
                        time_added: if effect == "NoExecute" {
                            Some(now)
                        } else {
                            None
                        },
                    });
                }
            }
            if let Ok(o) = ctx.api.update(n.into(), "node-controller") {
                if let Object::Node(n) = &*o {
                    node = n.clone();
                }
            }
        }
        node
    }

    /// The taint-eviction controller: delete pods whose toleration of the NoExecute taint ran out.
    fn evict_pass(&mut self, node: &Node, ctx: &mut Ctx<'_>) {
        let Some(taint) = node
            .spec
            .taints
            .iter()
            .find(|t| t.key == UNREACHABLE && t.effect == "NoExecute")
            .cloned()
        else {
            return;
        };
        let added = taint.time_added.unwrap_or(ctx.now);
        let name = node.metadata.name.clone();
        let pods: Vec<Pod> = ctx
            .api
            .list::<Pod>(None)
            .filter(|p| p.spec.node_name.as_deref() == Some(name.as_str()))
            .filter(|p| !p.is_terminal() && !p.metadata.is_deleting())
            .cloned()
            .collect();
        let mut next: Option<Time> = None;
        for p in pods {
            // The smallest tolerationSeconds among matching tolerations; none matching: now.
            let matching: Vec<Option<i64>> = p
                .spec
                .tolerations
                .iter()
                .filter(|t| taint.tolerated_by(t))
                .map(|t| t.toleration_seconds)
                .collect();
            let due = if matching.is_empty() {
                Some(added)
            } else if matching.iter().any(|s| s.is_none()) {
                None
            } else {
                let secs = matching.iter().flatten().copied().min().unwrap_or(0).max(0);
                Some(added.plus_secs(secs as u64))
            };
            let Some(due) = due else { continue };
            let pkey = ObjectRef::new(Kind::Pod, p.metadata.ns(), &p.metadata.name);
            if due > ctx.now {
                next = Some(next.map_or(due, |n: Time| n.min(due)));
                ctx.reason(
                    pkey,
                    Reason::NodeLifecycle(NodeLifecycleReason::EvictionScheduled {
                        node: name.clone(),
                        at: due,
                    }),
                );
                continue;
            }
            // PodDisruptionConditions (GA in v1.31): the reason goes on the pod first.
            let mut q = p.clone();
            q.status
                .conditions
                .retain(|c| c.type_ != "DisruptionTarget");
            q.status.conditions.push(PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                last_probe_time: None,
                last_transition_time: Some(ctx.now.truncated()),
                reason: Some("DeletionByTaintManager".into()),
                message: Some("Taint manager: deleting due to NoExecute taint".into()),
            });
            let _ = ctx.api.update_status(q.into(), "taint-eviction-controller");
            ctx.event_as(
                "taint-eviction-controller",
                Kind::Pod,
                &p.metadata,
                "Normal",
                "TaintManagerEviction",
                format!(
                    "Marking for deletion Pod {}/{}",
                    p.metadata.ns(),
                    p.metadata.name
                ),
            );
            if ctx
                .api
                .delete(
                    Kind::Pod,
                    p.metadata.ns(),
                    &p.metadata.name,
                    &DeleteOptions::default(),
                    "taint-eviction-controller",
                )
                .is_ok()
            {
                ctx.reason(
                    pkey,
                    Reason::NodeLifecycle(NodeLifecycleReason::Evicted { node: name.clone() }),
                );
            }
        }
        if let Some(at) = next {
            ctx.wake_at(at, node_key(&name), TAG_MONITOR);
        }
    }
}
