//! Typed API objects, k8s-shaped (apps/v1, core/v1 field names), serde round-trip.
//!
//! Each kind keeps the fields the model interprets typed and everything else verbatim in
//! `extra` maps, so `kubectl get -o yaml` shows what the user wrote.

#[macro_use]
pub mod json;
pub mod apps;
pub mod core;
pub mod meta;
pub mod pod;
pub mod storage;

pub use apps::*;
pub use core::*;
pub use json::Json;
pub use meta::*;
pub use pod::*;
pub use storage::*;

use serde::{Deserialize, Serialize};
use serde_json::Value;

macro_rules! kinds {
    ($( $kind:ident => $ty:ty, $api:literal, $resource:literal, $singular:literal, $namespaced:literal, [$($short:literal),*]; )*) => {
        /// Every kind the simulated apiserver serves. Order is the store's key order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Kind { $($kind),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$kind),*];

            /// `StatefulSet`
            pub fn name(self) -> &'static str {
                match self { $(Kind::$kind => stringify!($kind)),* }
            }
            /// `apps/v1`
            pub fn api_version(self) -> &'static str {
                match self { $(Kind::$kind => $api),* }
            }
            /// `statefulsets`
            pub fn resource(self) -> &'static str {
                match self { $(Kind::$kind => $resource),* }
            }
            /// `statefulset` (the lower-case singular kubectl prints in `pod/web-0`)
            pub fn singular(self) -> &'static str {
                match self { $(Kind::$kind => $singular),* }
            }
            pub fn namespaced(self) -> bool {
                match self { $(Kind::$kind => $namespaced),* }
            }
            pub fn short_names(self) -> &'static [&'static str] {
                match self { $(Kind::$kind => &[$($short),*]),* }
            }
            pub fn from_name(name: &str) -> Option<Kind> {
                Kind::ALL.iter().copied().find(|k| k.name() == name)
            }
        }

        /// One stored object of any kind. Stored behind `Arc` in the apiserver, so the size
        /// difference between variants costs nothing worth boxing for.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Object { $($kind($ty)),* }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$kind(_) => Kind::$kind),* }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$kind(o) => &o.metadata),* }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$kind(o) => &mut o.metadata),* }
            }
            /// The object as JSON with `apiVersion` and `kind`, keys sorted (kubectl's order).
            pub fn to_value(&self) -> Value {
                let mut v = match self {
                    $(Object::$kind(o) => json::Json::to_json(o)),*
                };
                if let Value::Object(map) = &mut v {
                    map.insert("apiVersion".into(), Value::String(self.kind().api_version().into()));
                    map.insert("kind".into(), Value::String(self.kind().name().into()));
                }
                v
            }
            /// Decodes a JSON object of the given kind (`apiVersion`/`kind` are ignored here;
            /// strict field checking happens before, in the apiserver's decoder).
            pub fn from_value(kind: Kind, mut v: Value) -> Result<Object, String> {
                if let Value::Object(map) = &mut v {
                    map.remove("apiVersion");
                    map.remove("kind");
                }
                Ok(match kind {
                    $(Kind::$kind => Object::$kind(json::Json::from_json(v)?)),*
                })
            }
        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Object { Object::$kind(o) }
            }
            impl TryFrom<Object> for $ty {
                type Error = Object;
                fn try_from(o: Object) -> Result<$ty, Object> {
                    match o { Object::$kind(x) => Ok(x), other => Err(other) }
                }
            }
            impl Typed for $ty {
                const KIND: Kind = Kind::$kind;
                fn meta(&self) -> &ObjectMeta { &self.metadata }
                fn meta_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
                fn from_object(o: &Object) -> Option<&Self> {
                    match o { Object::$kind(x) => Some(x), _ => None }
                }
            }
        )*
    };
}

/// A typed kind: lets generic code (`api.get::<Pod>(…)`) go from `Object` to the struct.
pub trait Typed: Clone + Into<Object> {
    const KIND: Kind;
    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;
    fn from_object(o: &Object) -> Option<&Self>;
}

kinds! {
    Namespace => core::Namespace, "v1", "namespaces", "namespace", false, ["ns"];
    Node => core::Node, "v1", "nodes", "node", false, ["no"];
    Service => core::Service, "v1", "services", "service", true, ["svc"];
    Endpoints => core::Endpoints, "v1", "endpoints", "endpoints", true, ["ep"];
    EndpointSlice => core::EndpointSlice, "discovery.k8s.io/v1", "endpointslices", "endpointslice", true, [];
    StatefulSet => apps::StatefulSet, "apps/v1", "statefulsets", "statefulset", true, ["sts"];
    ControllerRevision => apps::ControllerRevision, "apps/v1", "controllerrevisions", "controllerrevision", true, [];
    Pod => pod::Pod, "v1", "pods", "pod", true, ["po"];
    PersistentVolumeClaim => storage::PersistentVolumeClaim, "v1", "persistentvolumeclaims", "persistentvolumeclaim", true, ["pvc"];
    PersistentVolume => storage::PersistentVolume, "v1", "persistentvolumes", "persistentvolume", false, ["pv"];
    StorageClass => storage::StorageClass, "storage.k8s.io/v1", "storageclasses", "storageclass", false, ["sc"];
    Event => core::Event, "v1", "events", "event", true, ["ev"];
    ResourceQuota => core::ResourceQuota, "v1", "resourcequotas", "resourcequota", true, ["quota"];
}

impl Kind {
    /// API group (`apps`, `storage.k8s.io`, or empty for core).
    pub fn group(self) -> &'static str {
        match self.api_version().split_once('/') {
            Some((g, _)) => g,
            None => "",
        }
    }

    /// `statefulsets.apps` — the form API error messages use (`statefulsets.apps "web" not found`).
    pub fn qualified_resource(self) -> String {
        match self.group() {
            "" => self.resource().to_string(),
            g => format!("{}.{g}", self.resource()),
        }
    }

    /// `statefulset.apps` — the form kubectl prints in `statefulset.apps/web created`.
    pub fn qualified_singular(self) -> String {
        match self.group() {
            "" => self.singular().to_string(),
            g => format!("{}.{g}", self.singular()),
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_their_resources_as_kubectl_does() {
        assert_eq!(Kind::StatefulSet.qualified_resource(), "statefulsets.apps");
        assert_eq!(Kind::Pod.qualified_singular(), "pod");
        assert_eq!(Kind::StatefulSet.qualified_singular(), "statefulset.apps");
        assert_eq!(Kind::StorageClass.group(), "storage.k8s.io");
        assert!(!Kind::PersistentVolume.namespaced());
    }

    #[test]
    fn typed_decode_errors_keep_serde_json_texts() {
        let err = |v: Value| Object::from_value(Kind::Pod, v).unwrap_err();
        use serde_json::json;
        assert_eq!(
            err(json!({"spec": "x"})),
            "invalid type: string \"x\", expected struct PodSpec"
        );
        assert_eq!(
            err(json!({"spec": {"containers": "x"}})),
            "invalid type: string \"x\", expected a sequence"
        );
        assert_eq!(
            err(json!({"spec": {"priority": 3000000000u64}})),
            "invalid value: integer `3000000000`, expected i32"
        );
        assert_eq!(
            err(json!({"spec": {"containers": [{"ports": [{"containerPort": 1.5}]}]}})),
            "invalid type: floating point `1.5`, expected i32"
        );
        assert_eq!(
            err(json!({"spec": {"containers": [{"readinessProbe": {"httpGet": {"port": true}}}]}})),
            "data did not match any variant of untagged enum IntOrString"
        );
    }

    #[test]
    fn serde_writes_typed_fields_in_declaration_order() {
        let v = serde_json::json!({"metadata": {"name": "p", "labels": {"b": "2", "a": "1"}, "zz": 1},
                                   "spec": {"containers": [{"name": "c", "image": "i"}]}});
        let Object::Pod(p) = Object::from_value(Kind::Pod, v).unwrap() else {
            panic!("a pod")
        };
        assert_eq!(
            serde_json::to_string(&p.metadata).unwrap(),
            r#"{"name":"p","labels":{"a":"1","b":"2"},"zz":1}"#
        );
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            Object::Pod(p.clone())
                .to_value()
                .as_object()
                .map(|m| {
                    let mut m = m.clone();
                    m.remove("apiVersion");
                    m.remove("kind");
                    Value::Object(m)
                })
                .unwrap()
        );
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let v = serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "busybox", "workingDir": "/w"}],
                     "affinity": {"nodeAffinity": {}}}
        });
        let obj = Object::from_value(Kind::Pod, v).unwrap();
        let back = obj.to_value();
        assert_eq!(back["spec"]["containers"][0]["workingDir"], "/w");
        assert_eq!(
            back["spec"]["affinity"]["nodeAffinity"],
            serde_json::json!({})
        );
        assert_eq!(back["kind"], "Pod");
    }
}
