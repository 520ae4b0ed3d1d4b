//! apps/v1 kinds: StatefulSet and ControllerRevision.

use super::meta::{LabelSelector, ObjectMeta};
use super::pod::{IntOrString, PodTemplateSpec};
use super::storage::PersistentVolumeClaim;
use serde_json::Value;

fn is_zero(v: &i32) -> bool {
    *v == 0
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct StatefulSet {
        pub metadata: ObjectMeta => "metadata";
        pub spec: StatefulSetSpec => "spec";
        pub status: StatefulSetStatus => "status";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct StatefulSetSpec + extra {
        pub replicas: Option<i32> => "replicas" if Option::is_none;
        pub selector: Option<LabelSelector> => "selector" if Option::is_none;
        pub template: PodTemplateSpec => "template";
        pub volume_claim_templates: Vec<PersistentVolumeClaim> => "volumeClaimTemplates" if Vec::is_empty;
        pub service_name: Option<String> => "serviceName" if Option::is_none;
        pub pod_management_policy: Option<String> => "podManagementPolicy" if Option::is_none;
        pub update_strategy: Option<UpdateStrategy> => "updateStrategy" if Option::is_none;
        pub revision_history_limit: Option<i32> => "revisionHistoryLimit" if Option::is_none;
        pub min_ready_seconds: Option<i32> => "minReadySeconds" if Option::is_none;
        pub persistent_volume_claim_retention_policy: Option<RetentionPolicy> => "persistentVolumeClaimRetentionPolicy" if Option::is_none;
        pub ordinals: Option<Ordinals> => "ordinals" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct UpdateStrategy {
        pub type_: Option<String> => "type" if Option::is_none;
        pub rolling_update: Option<RollingUpdate> => "rollingUpdate" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct RollingUpdate {
        pub partition: Option<i32> => "partition" if Option::is_none;
        pub max_unavailable: Option<IntOrString> => "maxUnavailable" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct RetentionPolicy {
        pub when_deleted: Option<String> => "whenDeleted" if Option::is_none;
        pub when_scaled: Option<String> => "whenScaled" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Ordinals {
        pub start: i32 => "start";
    }
}

json_struct! {
    /// `StatefulSetStatus`; which fields carry `omitempty` follows `apps/v1/types.go`.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct StatefulSetStatus {
        pub observed_generation: Option<i64> => "observedGeneration" if Option::is_none;
        pub replicas: i32 => "replicas";
        pub ready_replicas: i32 => "readyReplicas" if is_zero;
        pub current_replicas: i32 => "currentReplicas" if is_zero;
        pub updated_replicas: i32 => "updatedReplicas" if is_zero;
        pub available_replicas: i32 => "availableReplicas";
        pub current_revision: String => "currentRevision" if String::is_empty;
        pub update_revision: String => "updateRevision" if String::is_empty;
        pub collision_count: Option<i32> => "collisionCount" if Option::is_none;
        pub conditions: Vec<Value> => "conditions" if Vec::is_empty;
    }
}

impl StatefulSet {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
    pub fn ordinal_start(&self) -> i32 {
        self.spec.ordinals.as_ref().map_or(0, |o| o.start)
    }
    pub fn is_parallel(&self) -> bool {
        self.spec.pod_management_policy.as_deref() == Some("Parallel")
    }
    pub fn is_on_delete(&self) -> bool {
        self.spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            == Some("OnDelete")
    }
    pub fn min_ready_seconds(&self) -> i64 {
        i64::from(self.spec.min_ready_seconds.unwrap_or(0))
    }
    pub fn partition(&self) -> Option<i32> {
        self.spec
            .update_strategy
            .as_ref()?
            .rolling_update
            .as_ref()?
            .partition
    }
    pub fn when_deleted(&self) -> &str {
        self.spec
            .persistent_volume_claim_retention_policy
            .as_ref()
            .and_then(|p| p.when_deleted.as_deref())
            .unwrap_or("Retain")
    }
    pub fn when_scaled(&self) -> &str {
        self.spec
            .persistent_volume_claim_retention_policy
            .as_ref()
            .and_then(|p| p.when_scaled.as_deref())
            .unwrap_or("Retain")
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ControllerRevision {
        pub metadata: ObjectMeta => "metadata";
        /// The strategic-merge patch `{"spec":{"template":{…,"$patch":"replace"}}}` (`getPatch`).
        pub data: Value => "data";
        pub revision: i64 => "revision";
    }
}
