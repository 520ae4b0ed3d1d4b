//! Storage kinds: PersistentVolumeClaim, PersistentVolume (core/v1), StorageClass (storage.k8s.io/v1).

use super::meta::ObjectMeta;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde_json::Value;

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PersistentVolumeClaim {
        pub metadata: ObjectMeta => "metadata";
        pub spec: PvcSpec => "spec";
        pub status: PvcStatus => "status" if PvcStatus::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PvcSpec + extra {
        pub access_modes: Vec<String> => "accessModes" if Vec::is_empty;
        pub resources: Option<ResourceRequirements> => "resources" if Option::is_none;
        pub storage_class_name: Option<String> => "storageClassName" if Option::is_none;
        pub volume_name: Option<String> => "volumeName" if Option::is_none;
        pub volume_mode: Option<String> => "volumeMode" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ResourceRequirements {
        pub requests: VecMap<String, Value> => "requests" if VecMap::is_empty;
        pub limits: VecMap<String, Value> => "limits" if VecMap::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PvcStatus {
        pub phase: Option<String> => "phase" if Option::is_none;
        pub access_modes: Vec<String> => "accessModes" if Vec::is_empty;
        pub capacity: VecMap<String, Value> => "capacity" if VecMap::is_empty;
    }
}

impl PvcStatus {
    pub fn is_empty(&self) -> bool {
        self.phase.is_none() && self.access_modes.is_empty() && self.capacity.is_empty()
    }
}

impl PersistentVolumeClaim {
    /// The requested storage as written (`1Gi`).
    pub fn requested_storage(&self) -> Option<String> {
        let v = self.spec.resources.as_ref()?.requests.get("storage")?;
        Some(match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PersistentVolume {
        pub metadata: ObjectMeta => "metadata";
        pub spec: PvSpec => "spec";
        pub status: PvStatus => "status";
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PvSpec + extra {
        pub access_modes: Vec<String> => "accessModes" if Vec::is_empty;
        pub capacity: VecMap<String, Value> => "capacity" if VecMap::is_empty;
        pub claim_ref: Option<ClaimRef> => "claimRef" if Option::is_none;
        pub persistent_volume_reclaim_policy: Option<String> => "persistentVolumeReclaimPolicy" if Option::is_none;
        pub storage_class_name: Option<String> => "storageClassName" if Option::is_none;
        pub volume_mode: Option<String> => "volumeMode" if Option::is_none;
        pub node_affinity: Option<Value> => "nodeAffinity" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ClaimRef {
        pub api_version: Option<String> => "apiVersion" if Option::is_none;
        pub kind: Option<String> => "kind" if Option::is_none;
        pub name: String => "name";
        pub namespace: String => "namespace";
        pub uid: String => "uid" if String::is_empty;
        pub resource_version: String => "resourceVersion" if String::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PvStatus {
        pub phase: Option<String> => "phase" if Option::is_none;
        pub last_phase_transition_time: Option<Time> => "lastPhaseTransitionTime" if Option::is_none;
        pub reason: Option<String> => "reason" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct StorageClass + extra {
        pub metadata: ObjectMeta => "metadata";
        pub provisioner: String => "provisioner";
        pub reclaim_policy: Option<String> => "reclaimPolicy" if Option::is_none;
        pub volume_binding_mode: Option<String> => "volumeBindingMode" if Option::is_none;
        pub allow_volume_expansion: Option<bool> => "allowVolumeExpansion" if Option::is_none;
    }
}
