//! Pod and the pieces of PodSpec the model interprets (core/v1). Everything else in a
//! manifest survives verbatim in the `extra` maps so `-o yaml` shows what the user wrote.

use super::meta::ObjectMeta;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Pod {
        pub metadata: ObjectMeta => "metadata";
        pub spec: PodSpec => "spec";
        pub status: PodStatus => "status";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PodTemplateSpec {
        pub metadata: ObjectMeta => "metadata";
        pub spec: PodSpec => "spec";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PodSpec + extra {
        pub init_containers: Vec<Container> => "initContainers" if Vec::is_empty;
        pub containers: Vec<Container> => "containers";
        pub volumes: Vec<Volume> => "volumes" if Vec::is_empty;
        pub hostname: Option<String> => "hostname" if Option::is_none;
        pub subdomain: Option<String> => "subdomain" if Option::is_none;
        pub node_name: Option<String> => "nodeName" if Option::is_none;
        pub node_selector: VecMap<String, String> => "nodeSelector" if VecMap::is_empty;
        pub restart_policy: Option<String> => "restartPolicy" if Option::is_none;
        pub termination_grace_period_seconds: Option<i64> => "terminationGracePeriodSeconds" if Option::is_none;
        pub active_deadline_seconds: Option<i64> => "activeDeadlineSeconds" if Option::is_none;
        pub dns_policy: Option<String> => "dnsPolicy" if Option::is_none;
        pub scheduler_name: Option<String> => "schedulerName" if Option::is_none;
        pub service_account_name: Option<String> => "serviceAccountName" if Option::is_none;
        pub tolerations: Vec<Toleration> => "tolerations" if Vec::is_empty;
        pub priority: Option<i32> => "priority" if Option::is_none;
        pub enable_service_links: Option<bool> => "enableServiceLinks" if Option::is_none;
        pub preemption_policy: Option<String> => "preemptionPolicy" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Toleration {
        pub key: Option<String> => "key" if Option::is_none;
        pub operator: Option<String> => "operator" if Option::is_none;
        pub value: Option<String> => "value" if Option::is_none;
        pub effect: Option<String> => "effect" if Option::is_none;
        pub toleration_seconds: Option<i64> => "tolerationSeconds" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Container + extra {
        pub name: String => "name";
        pub image: String => "image" if String::is_empty;
        pub command: Vec<String> => "command" if Vec::is_empty;
        pub args: Vec<String> => "args" if Vec::is_empty;
        pub env: Vec<EnvVar> => "env" if Vec::is_empty;
        pub ports: Vec<ContainerPort> => "ports" if Vec::is_empty;
        pub volume_mounts: Vec<VolumeMount> => "volumeMounts" if Vec::is_empty;
        pub readiness_probe: Option<Probe> => "readinessProbe" if Option::is_none;
        pub liveness_probe: Option<Probe> => "livenessProbe" if Option::is_none;
        pub startup_probe: Option<Probe> => "startupProbe" if Option::is_none;
        pub image_pull_policy: Option<String> => "imagePullPolicy" if Option::is_none;
        pub resources: Option<Value> => "resources" if Option::is_none;
        pub termination_message_path: Option<String> => "terminationMessagePath" if Option::is_none;
        pub termination_message_policy: Option<String> => "terminationMessagePolicy" if Option::is_none;
        pub stdin: Option<bool> => "stdin" if Option::is_none;
        pub tty: Option<bool> => "tty" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct EnvVar + extra {
        pub name: String => "name";
        pub value: Option<String> => "value" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ContainerPort + extra {
        pub name: Option<String> => "name" if Option::is_none;
        pub container_port: i32 => "containerPort";
        pub protocol: Option<String> => "protocol" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct VolumeMount + extra {
        pub name: String => "name";
        pub mount_path: String => "mountPath";
        pub read_only: Option<bool> => "readOnly" if Option::is_none;
        pub sub_path: Option<String> => "subPath" if Option::is_none;
    }
}

// Any other volume source (emptyDir, configMap, projected…), kept verbatim.
json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Volume + extra {
        pub name: String => "name";
        pub persistent_volume_claim: Option<PvcVolumeSource> => "persistentVolumeClaim" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct PvcVolumeSource {
        pub claim_name: String => "claimName";
        pub read_only: Option<bool> => "readOnly" if Option::is_none;
    }
}

/// An int-or-string port (`80` or `"web"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Probe + extra {
        pub http_get: Option<HttpGetAction> => "httpGet" if Option::is_none;
        pub exec: Option<ExecAction> => "exec" if Option::is_none;
        pub tcp_socket: Option<TcpSocketAction> => "tcpSocket" if Option::is_none;
        pub initial_delay_seconds: Option<i32> => "initialDelaySeconds" if Option::is_none;
        pub period_seconds: Option<i32> => "periodSeconds" if Option::is_none;
        pub timeout_seconds: Option<i32> => "timeoutSeconds" if Option::is_none;
        pub success_threshold: Option<i32> => "successThreshold" if Option::is_none;
        pub failure_threshold: Option<i32> => "failureThreshold" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct HttpGetAction + extra {
        pub path: Option<String> => "path" if Option::is_none;
        pub port: IntOrString => "port";
        pub scheme: Option<String> => "scheme" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ExecAction {
        pub command: Vec<String> => "command";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct TcpSocketAction + extra {
        pub port: IntOrString => "port";
    }
}

/// As `#[serde(untagged)]` decoded it: an integer that fits `i64`, else a string.
impl super::json::Json for IntOrString {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Number(n) if n.as_i64().is_some() => {
                Ok(IntOrString::Int(n.as_i64().unwrap_or(0)))
            }
            Value::String(s) => Ok(IntOrString::Str(s)),
            _ => Err("data did not match any variant of untagged enum IntOrString".into()),
        }
    }
    fn to_json(&self) -> Value {
        match self {
            IntOrString::Int(i) => Value::from(*i),
            IntOrString::Str(s) => Value::String(s.clone()),
        }
    }
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PodStatus + extra {
        pub phase: Option<String> => "phase" if Option::is_none;
        pub conditions: Vec<PodCondition> => "conditions" if Vec::is_empty;
        pub message: Option<String> => "message" if Option::is_none;
        pub reason: Option<String> => "reason" if Option::is_none;
        pub host_ip: Option<String> => "hostIP" if Option::is_none;
        pub pod_ip: Option<String> => "podIP" if Option::is_none;
        pub start_time: Option<Time> => "startTime" if Option::is_none;
        pub init_container_statuses: Vec<ContainerStatus> => "initContainerStatuses" if Vec::is_empty;
        pub container_statuses: Vec<ContainerStatus> => "containerStatuses" if Vec::is_empty;
        pub qos_class: Option<String> => "qosClass" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct PodCondition {
        pub type_: String => "type";
        pub status: String => "status";
        pub last_probe_time: Option<Time> => "lastProbeTime" if Option::is_none;
        pub last_transition_time: Option<Time> => "lastTransitionTime" if Option::is_none;
        pub reason: Option<String> => "reason" if Option::is_none;
        pub message: Option<String> => "message" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ContainerStatus {
        pub name: String => "name";
        pub state: ContainerState => "state";
        pub last_state: ContainerState => "lastState" if ContainerState::is_empty;
        pub ready: bool => "ready";
        pub restart_count: i32 => "restartCount";
        pub image: String => "image";
        pub image_id: String => "imageID";
        pub container_id: Option<String> => "containerID" if Option::is_none;
        pub started: Option<bool> => "started" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ContainerState {
        pub waiting: Option<StateWaiting> => "waiting" if Option::is_none;
        pub running: Option<StateRunning> => "running" if Option::is_none;
        pub terminated: Option<StateTerminated> => "terminated" if Option::is_none;
    }
}

impl ContainerState {
    pub fn is_empty(&self) -> bool {
        self.waiting.is_none() && self.running.is_none() && self.terminated.is_none()
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct StateWaiting {
        pub reason: Option<String> => "reason" if Option::is_none;
        pub message: Option<String> => "message" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct StateRunning {
        pub started_at: Option<Time> => "startedAt" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct StateTerminated {
        pub exit_code: i32 => "exitCode";
        pub signal: Option<i32> => "signal" if Option::is_none;
        pub reason: Option<String> => "reason" if Option::is_none;
        pub message: Option<String> => "message" if Option::is_none;
        pub started_at: Option<Time> => "startedAt" if Option::is_none;
        pub finished_at: Option<Time> => "finishedAt" if Option::is_none;
        pub container_id: Option<String> => "containerID" if Option::is_none;
    }
}

impl Pod {
    pub fn phase(&self) -> &str {
        self.status.phase.as_deref().unwrap_or("")
    }

    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// `podutil.IsPodReady`: the Ready condition is True.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    /// The StatefulSet controller's `isRunningAndReady`.
    pub fn is_running_and_ready(&self) -> bool {
        self.phase() == "Running" && self.is_ready()
    }

    /// `podutil.IsPodAvailable`: ready for at least `min_ready_seconds` at `now`.
    pub fn is_available(&self, min_ready_seconds: i64, now: Time) -> bool {
        if !self.is_ready() {
            return false;
        }
        if min_ready_seconds <= 0 {
            return true;
        }
        let Some(since) = self.condition("Ready").and_then(|c| c.last_transition_time) else {
            return false;
        };
        since.plus_secs(min_ready_seconds as u64) <= now
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.phase(), "Succeeded" | "Failed")
    }

    /// `true` once a pod has been written by the apiserver (the controller's in-memory stubs
    /// for not-yet-created replicas have no phase).
    pub fn is_created(&self) -> bool {
        self.status.phase.is_some()
    }
}
