//! Object metadata, owner references and label selectors (`metav1`).

use crate::time::Time;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

pub type Labels = VecMap<String, String>;

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

// Fields the model keeps but does not interpret (e.g. `managedFields`).
json_struct! {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct ObjectMeta + extra {
        pub name: String => "name" if String::is_empty;
        pub generate_name: Option<String> => "generateName" if Option::is_none;
        pub namespace: Option<String> => "namespace" if Option::is_none;
        pub uid: String => "uid" if String::is_empty;
        pub resource_version: String => "resourceVersion" if String::is_empty;
        pub generation: i64 => "generation" if is_zero_i64;
        pub creation_timestamp: Option<Time> => "creationTimestamp" if Option::is_none;
        pub deletion_timestamp: Option<Time> => "deletionTimestamp" if Option::is_none;
        pub deletion_grace_period_seconds: Option<i64> => "deletionGracePeriodSeconds" if Option::is_none;
        pub labels: Labels => "labels" if VecMap::is_empty;
        pub annotations: VecMap<String, String> => "annotations" if VecMap::is_empty;
        pub owner_references: Vec<OwnerReference> => "ownerReferences" if Vec::is_empty;
        pub finalizers: Vec<String> => "finalizers" if Vec::is_empty;
    }
}

impl ObjectMeta {
    pub fn named(namespace: Option<&str>, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
            ..ObjectMeta::default()
        }
    }

    pub fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }

    /// The owner reference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }

    pub fn is_deleting(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct OwnerReference {
        pub api_version: String => "apiVersion";
        pub kind: String => "kind";
        pub name: String => "name";
        pub uid: String => "uid";
        pub controller: Option<bool> => "controller" if Option::is_none;
        pub block_owner_deletion: Option<bool> => "blockOwnerDeletion" if Option::is_none;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct LabelSelector {
        pub match_labels: Labels => "matchLabels" if VecMap::is_empty;
        pub match_expressions: Vec<LabelSelectorRequirement> => "matchExpressions" if Vec::is_empty;
    }
}

json_struct! {
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct LabelSelectorRequirement {
        pub key: String => "key";
        pub operator: String => "operator";
        pub values: Vec<String> => "values" if Vec::is_empty;
    }
}

impl LabelSelector {
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// `metav1.LabelSelectorAsSelector` semantics: an empty selector matches everything
    /// (callers that need "nothing" for a nil selector handle `None` themselves).
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let have = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => have.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => have.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => have.is_some(),
                    "DoesNotExist" => have.is_none(),
                    // Validation rejects other operators; an unknown one matches nothing.
                    _ => false,
                }
            })
    }

    /// `app=nginx,tier in (web)` — the string form `kubectl describe` prints.
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {op} ({})", r.key, r.values.join(",")),
            });
        }
        parts.join(",")
    }
}

/// A reference to one object, used in reasons, events and the UI.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: crate::objects::Kind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: crate::objects::Kind, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

impl std::fmt::Display for ObjectRef {
    /// `pod/web-0`, the form kubectl and `sim why` use.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind.singular(), self.name)
    }
}
