//! The fixed cluster profile (`shared/reference/cluster-profile.md`): the facts every part of
//! Ordinal agrees on — nodes, CIDRs, DNS, storage classes, versions.

/// Kubernetes version the whole simulation behaves as.
pub const KUBERNETES_VERSION: &str = "v1.34.1";
pub const CLUSTER_DOMAIN: &str = "cluster.local";
pub const DNS_SERVICE_IP: &str = "10.96.0.10";
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
/// Capacity of every node (`maxPods`).
pub const MAX_PODS_PER_NODE: u32 = 110;

/// One simulated node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeProfile {
    pub name: String,
    /// Control-plane nodes carry the `node-role.kubernetes.io/control-plane:NoSchedule` taint.
    pub control_plane: bool,
    /// Third octet of the node's pod CIDR `10.244.<n>.0/24`.
    pub pod_cidr_octet: u8,
    /// The node's InternalIP.
    pub internal_ip: String,
    pub max_pods: u32,
}

impl NodeProfile {
    pub fn pod_cidr(&self) -> String {
        format!("10.244.{}.0/24", self.pod_cidr_octet)
    }
}

/// The cluster's shape. `Profile::default()` is the profile every tutorial runs against:
/// `control-plane` plus `worker-1..3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub nodes: Vec<NodeProfile>,
}

impl Profile {
    /// The default profile with `workers` worker nodes (benchmarks use more than three).
    pub fn with_workers(workers: u8) -> Profile {
        // Octet 0 is the control plane; workers take 1..=workers. 254 is the most a /16 split
        // into /24s per node can hold in this addressing scheme.
        let workers = workers.min(254);
        let mut nodes = vec![NodeProfile {
            name: "control-plane".into(),
            control_plane: true,
            pod_cidr_octet: 0,
            internal_ip: "172.18.0.2".into(),
            max_pods: MAX_PODS_PER_NODE,
        }];
        for n in 1..=workers {
            nodes.push(NodeProfile {
                name: format!("worker-{n}"),
                control_plane: false,
                pod_cidr_octet: n,
                internal_ip: format!(
                    "172.18.{}.{}",
                    u16::from(n + 2) / 256,
                    u16::from(n + 2) % 256
                ),
                max_pods: MAX_PODS_PER_NODE,
            });
        }
        Profile { nodes }
    }

    pub fn workers(&self) -> impl Iterator<Item = &NodeProfile> {
        self.nodes.iter().filter(|n| !n.control_plane)
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::with_workers(3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_has_control_plane_and_three_workers() {
        let p = Profile::default();
        let names: Vec<_> = p.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["control-plane", "worker-1", "worker-2", "worker-3"]);
        assert_eq!(p.nodes[2].pod_cidr(), "10.244.2.0/24");
        assert_eq!(p.workers().count(), 3);
    }
}
