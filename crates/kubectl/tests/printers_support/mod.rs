//! Fixtures for the printer golden tests: objects shaped as a v1.34 cluster writes them
//! (kubelet/controller status fields included), built directly — no controllers needed.
#![allow(dead_code)]

use ordinal_model::objects::{Kind, Object};
use ordinal_model::time::{Time, EPOCH};
use serde_json::{json, Value};
use std::sync::Arc;

pub fn at(secs: u64) -> Time {
    EPOCH.plus_secs(secs)
}

pub fn ts(secs: u64) -> String {
    at(secs).rfc3339()
}

pub fn obj(kind: Kind, v: Value) -> Object {
    Object::from_value(kind, v).expect("fixture decodes")
}

pub fn arc(kind: Kind, v: Value) -> Arc<Object> {
    Arc::new(obj(kind, v))
}

/// Container state of a fixture pod.
#[derive(Clone, Copy)]
pub enum St {
    /// Created by the controller, not scheduled yet.
    Pending,
    /// Scheduled, volumes attaching: no container statuses yet.
    Scheduled,
    /// Kubelet reports `waiting: ContainerCreating`.
    Creating,
    /// Running and Ready since `started` (seconds after EPOCH).
    Running(u64),
    /// `waiting` with the given reason (ErrImagePull, ImagePullBackOff, CrashLoopBackOff).
    Waiting(&'static str),
    /// Terminated with exit code (container exited after deletion: terminal phase).
    Exited(i32),
}

/// A StatefulSet pod `web-N` as the controller + scheduler + kubelet write it.
pub fn web_pod(ordinal: u32, created: u64, node: &str, ip: &str, st: St) -> Value {
    let name = format!("web-{ordinal}");
    let host_ip = match node {
        "worker-1" => "172.18.0.3",
        "worker-2" => "172.18.0.4",
        _ => "172.18.0.5",
    };
    let mut spec = json!({
        "containers": [{
            "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
            "resources": {},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "volumeMounts": [
                {"mountPath": "/usr/share/nginx/html", "name": "www"},
                {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-7xk2p", "readOnly": true}
            ]
        }],
        "dnsPolicy": "ClusterFirst", "enableServiceLinks": true, "hostname": name,
        "preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Always",
        "schedulerName": "default-scheduler", "securityContext": {},
        "serviceAccount": "default", "serviceAccountName": "default", "subdomain": "nginx",
        "terminationGracePeriodSeconds": 10,
        "tolerations": [
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
        ],
        "volumes": [
            {"name": "www", "persistentVolumeClaim": {"claimName": format!("www-web-{ordinal}")}},
            {"name": "kube-api-access-7xk2p", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
            ]}}
        ]
    });
    let scheduled = !matches!(st, St::Pending);
    if scheduled {
        spec["nodeName"] = json!(node);
    }
    let cond = |t: &str, s: &str, at_s: u64| json!({"type": t, "status": s, "lastProbeTime": null, "lastTransitionTime": ts(at_s)});
    let mut status = json!({"phase": "Pending", "qosClass": "BestEffort"});
    match st {
        St::Pending => {
            status["conditions"] = json!([]);
        }
        St::Scheduled => {
            status["conditions"] = json!([cond("PodScheduled", "True", created)]);
        }
        _ => {
            status["hostIP"] = json!(host_ip);
            status["hostIPs"] = json!([{"ip": host_ip}]);
            status["startTime"] = json!(ts(created + 1));
        }
    }
    let image_id = "registry.k8s.io/nginx-slim@sha256:e1a9d8c5ac1e1ad4bb2f5b3c4b4e6b6fbc1bf2ed1f1f0b5e8e2fe2cda0b0c8d4";
    let cid = format!("containerd://{:0>64}", format!("{ordinal}c0ffee"));
    match st {
        St::Pending | St::Scheduled => {}
        St::Creating => {
            status["conditions"] = json!([
                cond("PodReadyToStartContainers", "False", created + 1), cond("Initialized", "True", created + 1),
                {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts(created + 1), "reason": "ContainersNotReady", "message": "containers with unready status: [nginx]"},
                {"type": "ContainersReady", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts(created + 1), "reason": "ContainersNotReady", "message": "containers with unready status: [nginx]"},
                cond("PodScheduled", "True", created)]);
            status["containerStatuses"] = json!([{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24", "imageID": "",
                "ready": false, "restartCount": 0, "started": false, "state": {"waiting": {"reason": "ContainerCreating"}}}]);
        }
        St::Running(started) => {
            status["phase"] = json!("Running");
            status["podIP"] = json!(ip);
            status["podIPs"] = json!([{"ip": ip}]);
            status["conditions"] = json!([
                cond("PodReadyToStartContainers", "True", started),
                cond("Initialized", "True", created + 1),
                cond("Ready", "True", started),
                cond("ContainersReady", "True", started),
                cond("PodScheduled", "True", created)
            ]);
            status["containerStatuses"] = json!([{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24", "imageID": image_id,
                "containerID": cid, "ready": true, "restartCount": 0, "started": true,
                "state": {"running": {"startedAt": ts(started)}}}]);
        }
        St::Waiting(reason) => {
            status["conditions"] = json!([
                cond("PodReadyToStartContainers", "True", created + 2), cond("Initialized", "True", created + 1),
                {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts(created + 1), "reason": "ContainersNotReady", "message": "containers with unready status: [nginx]"},
                {"type": "ContainersReady", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts(created + 1), "reason": "ContainersNotReady", "message": "containers with unready status: [nginx]"},
                cond("PodScheduled", "True", created)]);
            status["podIP"] = json!(ip);
            status["podIPs"] = json!([{"ip": ip}]);
            status["containerStatuses"] = json!([{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24", "imageID": "",
                "ready": false, "restartCount": 0, "started": false,
                "state": {"waiting": {"reason": reason, "message": "Back-off pulling image \"registry.k8s.io/nginx-slim:0.24\""}}}]);
        }
        St::Exited(code) => {
            status["phase"] = json!(if code == 0 { "Succeeded" } else { "Failed" });
            status["podIP"] = json!(ip);
            status["podIPs"] = json!([{"ip": ip}]);
            status["conditions"] = json!([
                cond("PodReadyToStartContainers", "False", created + 100), cond("Initialized", "True", created + 1),
                {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts(created + 100), "reason": "PodCompleted"},
                {"type": "ContainersReady", "status": "False", "lastProbeTime": null, "lastTransitionTime": ts(created + 100), "reason": "PodCompleted"},
                cond("PodScheduled", "True", created)]);
            status["containerStatuses"] = json!([{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24", "imageID": image_id,
                "containerID": cid, "ready": false, "restartCount": 0, "started": false,
                "state": {"terminated": {"exitCode": code, "reason": if code == 0 { "Completed" } else { "Error" },
                    "startedAt": ts(created + 8), "finishedAt": ts(created + 100), "containerID": cid}}}]);
        }
    }
    json!({
        "metadata": {
            "name": name, "namespace": "default", "generateName": "web-",
            "uid": format!("8f3b2c1a-0000-4000-8000-00000000000{ordinal}"),
            "creationTimestamp": ts(created),
            "labels": {"app": "nginx", "apps.kubernetes.io/pod-index": ordinal.to_string(),
                       "controller-revision-hash": "web-7b5c8d4f9", "statefulset.kubernetes.io/pod-name": name},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                                 "uid": "5e0c7d2b-1111-4222-8333-444455556666", "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": spec,
        "status": status
    })
}

pub fn web_sts(created: u64, replicas: i32, ready: i32) -> Value {
    json!({
        "metadata": {"name": "web", "namespace": "default", "uid": "5e0c7d2b-1111-4222-8333-444455556666",
                     "generation": 1, "creationTimestamp": ts(created)},
        "spec": {
            "replicas": replicas, "podManagementPolicy": "OrderedReady", "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "nginx"}}, "serviceName": "nginx",
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                    "imagePullPolicy": "IfNotPresent",
                    "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                    "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                    "volumeMounts": [{"mountPath": "/usr/share/nginx/html", "name": "www"}]}],
                    "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                    "securityContext": {}, "terminationGracePeriodSeconds": 10}
            },
            "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
                "status": {"phase": "Pending"}}]
        },
        "status": {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready, "currentReplicas": replicas,
                   "updatedReplicas": replicas, "availableReplicas": ready,
                   "currentRevision": "web-7b5c8d4f9", "updateRevision": "web-7b5c8d4f9", "collisionCount": 0}
    })
}

pub fn nginx_svc(created: u64) -> Value {
    json!({
        "metadata": {"name": "nginx", "namespace": "default", "uid": "0b8a1f8e-2222-4333-8444-555566667777",
                     "creationTimestamp": ts(created), "labels": {"app": "nginx"}},
        "spec": {"clusterIP": "None", "clusterIPs": ["None"], "internalTrafficPolicy": "Cluster",
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": "web", "port": 80, "protocol": "TCP", "targetPort": 80}],
                 "selector": {"app": "nginx"}, "sessionAffinity": "None", "type": "ClusterIP"},
        "status": {"loadBalancer": {}}
    })
}

pub fn www_pvc(ordinal: u32, created: u64, bound: bool) -> Value {
    let uid = format!("3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b6{ordinal}");
    let mut v = json!({
        "metadata": {"name": format!("www-web-{ordinal}"), "namespace": "default", "uid": uid,
            "creationTimestamp": ts(created), "labels": {"app": "nginx"},
            "annotations": {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                "volume.beta.kubernetes.io/storage-provisioner": "ordinal.sim/network-disk",
                "volume.kubernetes.io/storage-provisioner": "ordinal.sim/network-disk"},
            "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                 "storageClassName": "standard", "volumeMode": "Filesystem"},
        "status": {"phase": "Pending"}
    });
    if bound {
        v["spec"]["volumeName"] = json!(format!("pvc-{uid}"));
        v["status"] = json!({"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}});
    } else {
        v["metadata"]["annotations"] = json!({"volume.beta.kubernetes.io/storage-provisioner": "ordinal.sim/network-disk",
            "volume.kubernetes.io/storage-provisioner": "ordinal.sim/network-disk"});
    }
    v
}

pub fn www_pv(ordinal: u32, created: u64) -> Value {
    let uid = format!("3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b6{ordinal}");
    json!({
        "metadata": {"name": format!("pvc-{uid}"), "uid": format!("aa11bb22-0000-4000-8000-00000000000{ordinal}"),
            "creationTimestamp": ts(created),
            "annotations": {"pv.kubernetes.io/provisioned-by": "ordinal.sim/network-disk"},
            "finalizers": ["kubernetes.io/pv-protection"]},
        "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"},
                 "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": format!("www-web-{ordinal}"),
                              "namespace": "default", "uid": uid, "resourceVersion": "1234"},
                 "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "standard", "volumeMode": "Filesystem",
                 "csi": {"driver": "ordinal.sim/network-disk", "volumeHandle": format!("disk-{ordinal}"), "fsType": "ext4"}},
        "status": {"phase": "Bound", "lastPhaseTransitionTime": ts(created)}
    })
}

pub fn node(name: &str, ip: &str, created: u64, ready: bool, control_plane: bool) -> Value {
    let mut labels = json!({"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"});
    let mut taints = json!([]);
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        taints = json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
    }
    let hb = ts(created + 590);
    let cond = |t: &str, s: &str, r: &str, m: &str| {
        json!({"type": t, "status": s, "lastHeartbeatTime": hb,
        "lastTransitionTime": ts(created), "reason": r, "message": m})
    };
    json!({
        "metadata": {"name": name, "uid": format!("node-uid-{name}"), "creationTimestamp": ts(created), "labels": labels,
            "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"], "taints": taints},
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "8", "ephemeral-storage": "102400Mi", "hugepages-2Mi": "0", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "8", "ephemeral-storage": "102400Mi", "hugepages-2Mi": "0", "memory": "16Gi", "pods": "110"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                if ready { cond("Ready", "True", "KubeletReady", "kubelet is posting ready status") }
                else { cond("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.") }
            ],
            "nodeInfo": {"architecture": "amd64", "bootID": format!("boot-{name}"), "containerRuntimeVersion": "containerd://2.1.3",
                "kernelVersion": "6.8.0-1027", "kubeProxyVersion": "", "kubeletVersion": "v1.34.0",
                "machineID": format!("machine-{name}"), "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": format!("uuid-{name}")}
        }
    })
}

#[allow(clippy::too_many_arguments)]
pub fn event(
    name: &str,
    kind: &str,
    obj_name: &str,
    uid: &str,
    reason: &str,
    msg: &str,
    component: &str,
    first: u64,
    last: u64,
    count: i32,
) -> Value {
    json!({
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(first)},
        "involvedObject": {"kind": kind, "namespace": "default", "name": obj_name, "uid": uid,
            "apiVersion": if kind == "StatefulSet" { "apps/v1" } else { "v1" }},
        "reason": reason, "message": msg, "type": if reason.starts_with("Failed") || reason == "BackOff" { "Warning" } else { "Normal" },
        "source": {"component": component},
        "firstTimestamp": ts(first), "lastTimestamp": ts(last), "count": count,
        "reportingComponent": component, "reportingInstance": ""
    })
}
