//! Server-side defaulting (`pkg/apis/*/v1/defaults.go`) for the kinds Ordinal serves.

use super::FeatureGates;
use crate::objects::{Object, Pod, PodSpec, Volume};
use crate::rng::Rng;
use serde_json::json;

pub fn apply(obj: &mut Object, gates: &FeatureGates) {
    match obj {
        Object::StatefulSet(sts) => {
            let s = &mut sts.spec;
            if s.pod_management_policy.is_none() {
                s.pod_management_policy = Some("OrderedReady".into());
            }
            // `SetDefaults_StatefulSet` (apps/v1): `rollingUpdate: {}` only when the type itself
            // was defaulted; an explicit `type: RollingUpdate` without it stays without it.
            let us = s.update_strategy.get_or_insert_with(Default::default);
            if us.type_.as_deref().unwrap_or("").is_empty() {
                us.type_ = Some("RollingUpdate".into());
                if us.rolling_update.is_none() {
                    us.rolling_update = Some(Default::default());
                }
            }
            if us.type_.as_deref() == Some("RollingUpdate") {
                if let Some(ru) = us.rolling_update.as_mut() {
                    if ru.partition.is_none() {
                        ru.partition = Some(0);
                    }
                    if gates.max_unavailable_stateful_set && ru.max_unavailable.is_none() {
                        ru.max_unavailable = Some(crate::objects::IntOrString::Int(1));
                    }
                }
            }
            let rp = s
                .persistent_volume_claim_retention_policy
                .get_or_insert_with(Default::default);
            if rp.when_deleted.is_none() {
                rp.when_deleted = Some("Retain".into());
            }
            if rp.when_scaled.is_none() {
                rp.when_scaled = Some("Retain".into());
            }
            if s.replicas.is_none() {
                s.replicas = Some(1);
            }
            if s.revision_history_limit.is_none() {
                s.revision_history_limit = Some(10);
            }
            pod_spec(&mut s.template.spec);
            for pvc in &mut s.volume_claim_templates {
                // Defaulting recurses into the embedded claims (`SetDefaults_PersistentVolumeClaim`).
                pvc.spec
                    .volume_mode
                    .get_or_insert_with(|| "Filesystem".into());
                pvc.status.phase.get_or_insert_with(|| "Pending".into());
            }
        }
        Object::Pod(pod) => pod_spec(&mut pod.spec),
        Object::Service(svc) => {
            // `SetDefaults_Service`
            let s = &mut svc.spec;
            if s.type_.is_none() {
                s.type_ = Some("ClusterIP".into());
            }
            if s.session_affinity.is_none() {
                s.session_affinity = Some("None".into());
            }
            for p in &mut s.ports {
                if p.protocol.is_none() {
                    p.protocol = Some("TCP".into());
                }
                let unset = match &p.target_port {
                    None => true,
                    Some(crate::objects::IntOrString::Int(0)) => true,
                    Some(crate::objects::IntOrString::Str(t)) => t.is_empty(),
                    _ => false,
                };
                if unset {
                    p.target_port = Some(crate::objects::IntOrString::Int(i64::from(p.port)));
                }
            }
            let type_ = s.type_.clone().unwrap_or_default();
            if type_ != "ExternalName" {
                s.extra
                    .entry("internalTrafficPolicy")
                    .or_insert_with(|| json!("Cluster"));
            }
            if type_ == "NodePort" || type_ == "LoadBalancer" {
                s.extra
                    .entry("externalTrafficPolicy")
                    .or_insert_with(|| json!("Cluster"));
            }
            if type_ == "LoadBalancer" {
                s.extra
                    .entry("allocateLoadBalancerNodePorts")
                    .or_insert_with(|| json!(true));
            }
        }
        Object::PersistentVolumeClaim(pvc) => {
            pvc.spec
                .volume_mode
                .get_or_insert_with(|| "Filesystem".into());
        }
        Object::PersistentVolume(pv) => {
            // `SetDefaults_PersistentVolume`
            pv.spec
                .persistent_volume_reclaim_policy
                .get_or_insert_with(|| "Retain".into());
            pv.spec
                .volume_mode
                .get_or_insert_with(|| "Filesystem".into());
        }
        Object::StorageClass(sc) => {
            // `SetDefaults_StorageClass`
            sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
            sc.volume_binding_mode
                .get_or_insert_with(|| "Immediate".into());
        }
        Object::Namespace(ns) => {
            // `SetDefaults_Namespace` (the immutable name label, GA since v1.22) and
            // `SetDefaults_NamespaceSpec`.
            let name = ns.metadata.name.clone();
            if !name.is_empty() {
                ns.metadata
                    .labels
                    .insert("kubernetes.io/metadata.name".into(), name);
            }
            let spec = ns.spec.get_or_insert_with(|| json!({}));
            if let Some(m) = spec.as_object_mut() {
                m.entry("finalizers")
                    .or_insert_with(|| json!(["kubernetes"]));
            }
        }
        _ => {}
    }
}

/// `SetDefaults_PodSpec` / `SetDefaults_Container` for the fields `-o yaml` shows.
pub fn pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    spec.extra
        .entry("securityContext")
        .or_insert_with(|| json!({}));
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        if c.image_pull_policy.is_none() {
            let tag = image_tag(&c.image);
            c.image_pull_policy = Some(
                if tag.is_none() || tag == Some("latest") {
                    "Always"
                } else {
                    "IfNotPresent"
                }
                .into(),
            );
        }
        c.termination_message_path
            .get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy
            .get_or_insert_with(|| "File".into());
        c.resources.get_or_insert_with(|| json!({}));
        for p in &mut c.ports {
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
        for probe in [
            &mut c.readiness_probe,
            &mut c.liveness_probe,
            &mut c.startup_probe,
        ]
        .into_iter()
        .flatten()
        {
            probe.timeout_seconds.get_or_insert(1);
            probe.period_seconds.get_or_insert(10);
            probe.success_threshold.get_or_insert(1);
            probe.failure_threshold.get_or_insert(3);
            if let Some(h) = &mut probe.http_get {
                h.path.get_or_insert_with(|| "/".into());
                h.scheme.get_or_insert_with(|| "HTTP".into());
            }
        }
    }
}

/// The tag of an image reference (`nginx:1.2` → `1.2`; digests and registries with ports handled).
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, t)| t)
}

pub fn qos_class(spec: &PodSpec) -> &'static str {
    let has_resources = spec.containers.iter().any(|c| {
        c.resources
            .as_ref()
            .is_some_and(|r| r.as_object().is_some_and(|m| !m.is_empty()))
    });
    if has_resources {
        "Burstable"
    } else {
        "BestEffort"
    }
}

/// The projected service-account volume the ServiceAccount admission plugin adds to every pod.
/// Kept as text and parsed (a `json!` literal compiles to far more wasm than its text).
const KUBE_API_ACCESS: &str = r#"{
    "defaultMode": 420,
    "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
    ]
}"#;

/// [`KUBE_API_ACCESS`] parsed once, as the kept keys of a `Volume` (`{"projected": …}`): every
/// pod admitted gets it (a Parallel scale-up admits hundreds in one sync), and each pod's volume
/// shares this one map until something changes it (`Extra` is copy-on-write).
pub(crate) fn kube_api_access_source() -> &'static crate::objects::json::Extra {
    static PARSED: std::sync::OnceLock<crate::objects::json::Extra> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        let mut source = serde_json::Map::new();
        source.insert(
            "projected".into(),
            serde_json::from_str(KUBE_API_ACCESS).unwrap_or_default(),
        );
        source.into()
    })
}

/// The ServiceAccount admission plugin: `serviceAccountName: default` and the projected
/// `kube-api-access-<5>` volume mounted at `/var/run/secrets/kubernetes.io/serviceaccount`.
pub fn service_account_volume(pod: &mut Pod, rng: &mut Rng) {
    let spec = &mut pod.spec;
    spec.service_account_name
        .get_or_insert_with(|| "default".into());
    spec.extra
        .entry("serviceAccount")
        .or_insert_with(|| json!("default"));
    if spec
        .volumes
        .iter()
        .any(|v| v.name.starts_with("kube-api-access-"))
    {
        return;
    }
    let name = format!("kube-api-access-{}", rng.name_suffix(5));
    spec.volumes.push(Volume {
        name: name.clone(),
        persistent_volume_claim: None,
        extra: kube_api_access_source().clone(),
    });
    for c in &mut spec.containers {
        c.volume_mounts.push(crate::objects::VolumeMount {
            name: name.clone(),
            mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
            read_only: Some(true),
            sub_path: None,
            extra: Default::default(),
        });
    }
    // DefaultTolerationSeconds admission: tolerate not-ready/unreachable for 300 s.
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !spec
            .tolerations
            .iter()
            .any(|t| t.key.as_deref() == Some(key))
        {
            spec.tolerations.push(crate::objects::Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
            });
        }
    }
    spec.enable_service_links.get_or_insert(true);
    spec.priority.get_or_insert(0);
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
}
