//! Other core/v1 (and discovery/v1) kinds: Namespace, Node, Service, Endpoints,
//! EndpointSlice, Event, ResourceQuota.

use super::meta::ObjectMeta;
use super::pod::Toleration;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde_json::Value;
use std::sync::Arc;

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Namespace {
        pub metadata: ObjectMeta => "metadata";
        pub spec: Option<Value> => "spec" if Option::is_none;
        pub status: Option<Value> => "status" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Node {
        pub metadata: ObjectMeta => "metadata";
        pub spec: NodeSpec => "spec";
        pub status: NodeStatus => "status";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct NodeSpec + extra {
        pub pod_cidr: Option<String> => "podCIDR" if Option::is_none;
        pub taints: Vec<Taint> => "taints" if Vec::is_empty;
        pub unschedulable: Option<bool> => "unschedulable" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Taint {
        pub key: String => "key";
        pub value: Option<String> => "value" if Option::is_none;
        pub effect: String => "effect";
        pub time_added: Option<Time> => "timeAdded" if Option::is_none;
    }
}

impl Taint {
    /// `v1helper.TolerationsTolerateTaint` for one toleration.
    pub fn tolerated_by(&self, t: &Toleration) -> bool {
        if t.effect
            .as_deref()
            .is_some_and(|e| !e.is_empty() && e != self.effect)
        {
            return false;
        }
        match t.operator.as_deref().unwrap_or("Equal") {
            "Exists" => t
                .key
                .as_deref()
                .is_none_or(|k| k.is_empty() || k == self.key),
            _ => {
                t.key.as_deref() == Some(self.key.as_str())
                    && t.value.as_deref().unwrap_or("") == self.value.as_deref().unwrap_or("")
            }
        }
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct NodeStatus + extra {
        pub capacity: VecMap<String, String> => "capacity" if VecMap::is_empty;
        pub allocatable: VecMap<String, String> => "allocatable" if VecMap::is_empty;
        pub conditions: Vec<NodeCondition> => "conditions" if Vec::is_empty;
        pub addresses: Vec<NodeAddress> => "addresses" if Vec::is_empty;
        pub node_info: Option<Value> => "nodeInfo" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct NodeCondition {
        pub type_: String => "type";
        pub status: String => "status";
        pub last_heartbeat_time: Option<Time> => "lastHeartbeatTime" if Option::is_none;
        pub last_transition_time: Option<Time> => "lastTransitionTime" if Option::is_none;
        pub reason: Option<String> => "reason" if Option::is_none;
        pub message: Option<String> => "message" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct NodeAddress {
        pub type_: String => "type";
        pub address: String => "address";
    }
}

impl Node {
    pub fn is_ready(&self) -> bool {
        self.status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
    }
    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Service {
        pub metadata: ObjectMeta => "metadata";
        pub spec: ServiceSpec => "spec";
        pub status: Value => "status";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServiceSpec + extra {
        pub ports: Vec<ServicePort> => "ports" if Vec::is_empty;
        pub selector: VecMap<String, String> => "selector" if VecMap::is_empty;
        pub cluster_ip: Option<String> => "clusterIP" if Option::is_none;
        pub cluster_ips: Vec<String> => "clusterIPs" if Vec::is_empty;
        pub type_: Option<String> => "type" if Option::is_none;
        pub publish_not_ready_addresses: Option<bool> => "publishNotReadyAddresses" if Option::is_none;
        pub session_affinity: Option<String> => "sessionAffinity" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ServicePort + extra {
        pub name: Option<String> => "name" if Option::is_none;
        pub protocol: Option<String> => "protocol" if Option::is_none;
        pub port: i32 => "port";
        pub target_port: Option<super::pod::IntOrString> => "targetPort" if Option::is_none;
        pub node_port: Option<i32> => "nodePort" if Option::is_none;
    }
}

impl Service {
    pub fn is_headless(&self) -> bool {
        self.spec.cluster_ip.as_deref() == Some("None")
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Endpoints {
        pub metadata: ObjectMeta => "metadata";
        pub subsets: Vec<EndpointSubset> => "subsets" if Vec::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct EndpointSubset {
        // Shared with the endpoints controller's index: a rewrite of up to 1 000 addresses
        // copies pointers, and comparing with the stored object starts with pointer equality.
        pub addresses: Vec<Arc<EndpointAddress>> => "addresses" if Vec::is_empty;
        pub not_ready_addresses: Vec<Arc<EndpointAddress>> => "notReadyAddresses" if Vec::is_empty;
        pub ports: Vec<Value> => "ports" if Vec::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct EndpointAddress {
        pub ip: String => "ip";
        pub hostname: Option<String> => "hostname" if Option::is_none;
        pub node_name: Option<String> => "nodeName" if Option::is_none;
        pub target_ref: Option<Value> => "targetRef" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct EndpointSlice {
        pub metadata: ObjectMeta => "metadata";
        pub address_type: String => "addressType";
        /// Shared with the endpointslice controller's per-pod view (as the Endpoints' addresses).
        pub endpoints: Vec<Arc<Value>> => "endpoints";
        pub ports: Vec<Value> => "ports" if Vec::is_empty;
    }
}

json_struct! {
    /// core/v1 Event. `involvedObject` is typed because `kubectl describe` and `get events` join on it.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Event {
        pub metadata: ObjectMeta => "metadata";
        pub involved_object: InvolvedObject => "involvedObject";
        pub reason: String => "reason";
        pub message: String => "message";
        pub type_: String => "type";
        pub source: EventSource => "source";
        pub first_timestamp: Option<Time> => "firstTimestamp" if Option::is_none;
        pub last_timestamp: Option<Time> => "lastTimestamp" if Option::is_none;
        pub count: i32 => "count";
        pub reporting_component: Option<String> => "reportingComponent" if Option::is_none;
        pub reporting_instance: Option<String> => "reportingInstance" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct InvolvedObject {
        pub kind: String => "kind";
        pub namespace: String => "namespace" if String::is_empty;
        pub name: String => "name";
        pub uid: String => "uid" if String::is_empty;
        pub api_version: String => "apiVersion" if String::is_empty;
        pub resource_version: String => "resourceVersion" if String::is_empty;
        pub field_path: Option<String> => "fieldPath" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct EventSource {
        pub component: String => "component" if String::is_empty;
        pub host: String => "host" if String::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ResourceQuota {
        pub metadata: ObjectMeta => "metadata";
        pub spec: ResourceQuotaSpec => "spec";
        pub status: ResourceQuotaStatus => "status";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ResourceQuotaSpec + extra {
        pub hard: VecMap<String, Value> => "hard" if VecMap::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ResourceQuotaStatus {
        pub hard: VecMap<String, Value> => "hard" if VecMap::is_empty;
        pub used: VecMap<String, Value> => "used" if VecMap::is_empty;
    }
}
