//! API discovery as kubectl's RESTMapper sees it: which (apiVersion, kind) pairs the simulated
//! v1.34 apiserver serves.
//!
//! kubectl maps every manifest's `apiVersion`/`kind` to a resource *before* sending anything;
//! an unserved pair fails client-side with (kubectl `resource.Builder` at v1.34)
//! `error: resource mapping not found for name: "web" namespace: "" from "web.yaml": no matches
//! for kind "StatefulSet" in version "apps/v1beta1"` and the line `ensure CRDs are installed
//! first`. [`resolve`] gives the kubectl layer what it needs to print that: `NoMatch`'s
//! `Display` is the `no matches for kind …` part. `apps/v1beta1` and `apps/v1beta2` were
//! removed in v1.16, so 2016-era manifests end here.

use crate::objects::Kind;
use std::fmt;

/// An (apiVersion, kind) pair the server does not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoMatch {
    pub api_version: String,
    pub kind: String,
    /// `true` when a real v1.34 cluster serves this pair but Ordinal does not simulate it
    /// (e.g. `apps/v1` Deployment), so the UI can say so instead of pretending it is unknown.
    pub served_by_kubernetes: bool,
}

impl fmt::Display for NoMatch {
    /// `no matches for kind "StatefulSet" in version "apps/v1beta1"` (`meta.NoKindMatchError`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no matches for kind \"{}\" in version \"{}\"",
            self.kind, self.api_version
        )
    }
}

impl std::error::Error for NoMatch {}

/// Kinds a v1.34 cluster serves that Ordinal does not simulate (the common built-ins).
const REAL_BUT_NOT_SIMULATED: &[(&str, &str)] = &[
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "ServiceAccount"),
    ("v1", "ReplicationController"),
    ("v1", "LimitRange"),
    ("v1", "PodTemplate"),
    ("events.k8s.io/v1", "Event"),
    ("policy/v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("storage.k8s.io/v1", "CSIDriver"),
    ("storage.k8s.io/v1", "VolumeAttachment"),
    ("coordination.k8s.io/v1", "Lease"),
];

/// Every (apiVersion, kind) the simulated apiserver serves, in `Kind` order.
pub fn served() -> impl Iterator<Item = (&'static str, Kind)> {
    Kind::ALL.iter().map(|k| (k.api_version(), *k))
}

/// The RESTMapper lookup. Exact, case-sensitive match of both parts.
pub fn resolve(api_version: &str, kind: &str) -> Result<Kind, NoMatch> {
    Kind::from_name(kind)
        .filter(|k| k.api_version() == api_version)
        .ok_or_else(|| NoMatch {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            served_by_kubernetes: REAL_BUT_NOT_SIMULATED
                .iter()
                .any(|&(v, k)| v == api_version && k == kind),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_statefulset_versions_are_not_served() {
        assert_eq!(resolve("apps/v1", "StatefulSet"), Ok(Kind::StatefulSet));
        let e = resolve("apps/v1beta1", "StatefulSet").unwrap_err();
        assert_eq!(
            e.to_string(),
            "no matches for kind \"StatefulSet\" in version \"apps/v1beta1\""
        );
        assert!(!e.served_by_kubernetes);
        assert!(
            resolve("apps/v1", "Deployment")
                .unwrap_err()
                .served_by_kubernetes
        );
        assert_eq!(served().count(), Kind::ALL.len());
    }
}
