//! The objects a fresh cluster of the profile starts with: namespaces, nodes, storage
//! classes and the control-plane Services.

use crate::api::ApiServer;
use crate::objects::*;
use crate::profile::{self, Profile};
use crate::vecmap::VecMap;
use serde_json::{json, Value};

const ACTOR: &str = "bootstrap";

pub fn create_all(api: &mut ApiServer, profile: &Profile) {
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        let mut n = Namespace {
            metadata: ObjectMeta::named(None, ns),
            ..Default::default()
        };
        n.metadata
            .labels
            .insert("kubernetes.io/metadata.name".into(), ns.into());
        n.spec = Some(json!({"finalizers": ["kubernetes"]}));
        n.status = Some(json!({"phase": "Active"}));
        must(api.create(n.into(), ACTOR));
    }
    for np in &profile.nodes {
        must(api.create(node(np, api.now()).into(), ACTOR));
    }
    storage_classes(api);
    services(api);
    coredns(api, profile);
}

/// A coredns pod as kubeadm's Deployment makes it; `coredns` fills in its name, generateName,
/// pod-template-hash and node. Kept as text and parsed: a `json!` literal this size compiled to
/// ≈ 10 kB of wasm code.
const COREDNS_POD: &str = r#"{
    "metadata": {
        "namespace": "kube-system",
        "labels": {"k8s-app": "kube-dns"}
    },
    "spec": {
        "priorityClassName": "system-cluster-critical",
        "priority": 2000000000,
        "serviceAccountName": "coredns",
        "dnsPolicy": "Default",
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [
            {"key": "CriticalAddonsOnly", "operator": "Exists"},
            {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
        ],
        "containers": [{
            "name": "coredns",
            "image": "registry.k8s.io/coredns/coredns:v1.12.1",
            "imagePullPolicy": "IfNotPresent",
            "args": ["-conf", "/etc/coredns/Corefile"],
            "ports": [
                {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}
            ],
            "resources": {
                "limits": {"memory": "170Mi"},
                "requests": {"cpu": "100m", "memory": "70Mi"}
            },
            "livenessProbe": {
                "httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"},
                "initialDelaySeconds": 60, "timeoutSeconds": 5,
                "successThreshold": 1, "failureThreshold": 5
            },
            "readinessProbe": {
                "httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}
            },
            "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": true}]
        }],
        "volumes": [{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]
    }
}"#;

/// CoreDNS as kubeadm deploys it: two replicas of the `coredns` Deployment in kube-system
/// (`coredns-<template hash>-<5>`), on the control-plane node as in kind (the workers join
/// after CoreDNS is scheduled). The Deployment/ReplicaSet kinds are not simulated, so the pods
/// carry no ownerReferences.
fn coredns(api: &mut ApiServer, profile: &Profile) {
    let Some(cp) = profile.nodes.iter().find(|n| n.control_plane) else {
        return;
    };
    let Ok(template) = serde_json::from_str::<Value>(COREDNS_POD) else {
        return must::<(), &str>(Err("COREDNS_POD is not JSON"));
    };
    let hash = api.rng().name_suffix(10);
    for _ in 0..2 {
        let suffix = api.rng().name_suffix(5);
        let name = format!("coredns-{hash}-{suffix}");
        let mut pod = template.clone();
        let meta = &mut pod["metadata"];
        meta["name"] = Value::String(name);
        meta["generateName"] = Value::String(format!("coredns-{hash}-"));
        meta["labels"]["pod-template-hash"] = Value::String(hash.clone());
        pod["spec"]["nodeName"] = Value::String(cp.name.clone());
        match Object::from_value(Kind::Pod, pod) {
            Ok(obj) => must(api.create(obj, ACTOR)),
            Err(e) => must::<(), String>(Err(e)),
        }
    }
}

/// Every node's `status.nodeInfo` (the same on all nodes of the profile).
fn node_info() -> Value {
    let mut info: Value = serde_json::from_str(
        r#"{
            "architecture": "amd64",
            "containerRuntimeVersion": "containerd://2.1.3",
            "kernelVersion": "6.8.0-ordinal",
            "operatingSystem": "linux",
            "osImage": "Debian GNU/Linux 12 (bookworm)"
        }"#,
    )
    .unwrap_or_default();
    let version = Value::String(profile::KUBERNETES_VERSION.into());
    info["kubeProxyVersion"] = version.clone();
    info["kubeletVersion"] = version;
    info
}

fn must<T, E: std::fmt::Debug>(r: Result<T, E>) {
    if let Err(e) = r {
        // The bootstrap objects are fixed data; failing to create one is a bug in this file.
        debug_assert!(false, "bootstrap object rejected: {e:?}");
    }
}

fn node(np: &profile::NodeProfile, now: crate::time::Time) -> Node {
    let mut meta = ObjectMeta::named(None, &np.name);
    let labels = &mut meta.labels;
    labels.insert("beta.kubernetes.io/arch".into(), "amd64".into());
    labels.insert("beta.kubernetes.io/os".into(), "linux".into());
    labels.insert("kubernetes.io/arch".into(), "amd64".into());
    labels.insert("kubernetes.io/hostname".into(), np.name.clone());
    labels.insert("kubernetes.io/os".into(), "linux".into());
    if np.control_plane {
        labels.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
    }
    let mut spec = NodeSpec {
        pod_cidr: Some(np.pod_cidr()),
        ..Default::default()
    };
    spec.extra.insert("podCIDRs".into(), json!([np.pod_cidr()]));
    if np.control_plane {
        spec.taints.push(Taint {
            key: "node-role.kubernetes.io/control-plane".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        });
    }
    let resources: VecMap<String, String> = VecMap::from_iter(
        [
            ("cpu", "4".to_string()),
            ("ephemeral-storage", "102626232Ki".to_string()),
            ("memory", "16365952Ki".to_string()),
            ("pods", np.max_pods.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v)),
    );
    let cond = |t: &str, s: &str, reason: &str, msg: &str| NodeCondition {
        type_: t.into(),
        status: s.into(),
        last_heartbeat_time: Some(now.truncated()),
        last_transition_time: Some(now.truncated()),
        reason: Some(reason.into()),
        message: Some(msg.into()),
    };
    let status = NodeStatus {
        capacity: resources.clone(),
        allocatable: resources,
        conditions: vec![
            cond(
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            cond(
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            cond(
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            cond(
                "Ready",
                "True",
                "KubeletReady",
                "kubelet is posting ready status",
            ),
        ],
        addresses: vec![
            NodeAddress {
                type_: "InternalIP".into(),
                address: np.internal_ip.clone(),
            },
            NodeAddress {
                type_: "Hostname".into(),
                address: np.name.clone(),
            },
        ],
        node_info: Some(node_info()),
        extra: Default::default(),
    };
    Node {
        metadata: meta,
        spec,
        status,
    }
}

/// `standard` (default): network-attached disks, bound at once, follow the pod to any node.
/// `local`: node-local disks, bound when the first consumer is scheduled.
pub const STANDARD_PROVISIONER: &str = "ordinal.sim/network-disk";
pub const LOCAL_PROVISIONER: &str = "ordinal.sim/local-disk";

fn storage_classes(api: &mut ApiServer) {
    for (name, provisioner, binding, default) in [
        ("standard", STANDARD_PROVISIONER, "Immediate", true),
        ("local", LOCAL_PROVISIONER, "WaitForFirstConsumer", false),
    ] {
        let mut sc = StorageClass {
            metadata: ObjectMeta::named(None, name),
            provisioner: provisioner.into(),
            reclaim_policy: Some("Delete".into()),
            volume_binding_mode: Some(binding.into()),
            allow_volume_expansion: None,
            extra: Default::default(),
        };
        if default {
            sc.metadata.annotations.insert(
                "storageclass.kubernetes.io/is-default-class".into(),
                "true".into(),
            );
        }
        must(api.create(sc.into(), ACTOR));
    }
}

fn services(api: &mut ApiServer) {
    let svc = |ns: &str,
               name: &str,
               ip: &str,
               ports: Vec<ServicePort>,
               selector: &[(&str, &str)],
               labels: &[(&str, &str)]| {
        let mut meta = ObjectMeta::named(Some(ns), name);
        meta.labels = VecMap::from_iter(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Service {
            metadata: meta,
            spec: ServiceSpec {
                ports,
                selector: VecMap::from_iter(
                    selector.iter().map(|(k, v)| (k.to_string(), v.to_string())),
                ),
                cluster_ip: Some(ip.into()),
                cluster_ips: vec![ip.into()],
                type_: Some("ClusterIP".into()),
                ..Default::default()
            },
            status: json!({"loadBalancer": {}}),
        }
    };
    let port = |name: &str, proto: &str, port: i32, target: i32| ServicePort {
        name: Some(name.into()),
        protocol: Some(proto.into()),
        port,
        target_port: Some(IntOrString::Int(i64::from(target))),
        node_port: None,
        extra: Default::default(),
    };
    must(
        api.create(
            svc(
                "default",
                "kubernetes",
                "10.96.0.1",
                vec![port("https", "TCP", 443, 6443)],
                &[],
                &[("component", "apiserver"), ("provider", "kubernetes")],
            )
            .into(),
            ACTOR,
        ),
    );
    must(
        api.create(
            svc(
                "kube-system",
                "kube-dns",
                profile::DNS_SERVICE_IP,
                vec![
                    port("dns", "UDP", 53, 53),
                    port("dns-tcp", "TCP", 53, 53),
                    port("metrics", "TCP", 9153, 9153),
                ],
                &[("k8s-app", "kube-dns")],
                &[
                    ("k8s-app", "kube-dns"),
                    ("kubernetes.io/cluster-service", "true"),
                    ("kubernetes.io/name", "CoreDNS"),
                ],
            )
            .into(),
            ACTOR,
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bootstrap data kept as JSON text must parse: a typo would otherwise become a pod
    /// or node quietly missing fields.
    #[test]
    fn the_json_texts_parse() {
        let pod: Value = serde_json::from_str(COREDNS_POD).unwrap();
        assert_eq!(pod["spec"]["containers"][0]["name"], "coredns");
        let info = node_info();
        assert_eq!(info["osImage"], "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(info["kubeletVersion"], profile::KUBERNETES_VERSION);
        let access = crate::api::defaults::kube_api_access_source();
        assert_eq!(
            access["projected"]["sources"].as_array().map(Vec::len),
            Some(3)
        );
    }
}
