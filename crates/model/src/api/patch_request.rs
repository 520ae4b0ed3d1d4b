//! PATCH requests: read the stored object, apply the patch to its JSON, decode, update.

use super::error::ApiError;
use super::server::ApiServer;
use crate::input::PatchType;
use crate::objects::{Kind, Object};
use serde_json::Value;
use std::sync::Arc;

pub fn patch_object(
    api: &mut ApiServer,
    kind: Kind,
    ns: &str,
    name: &str,
    patch_type: PatchType,
    patch: &Value,
) -> Result<Arc<Object>, ApiError> {
    let Some(current) = api.get_object(kind, ns, name).cloned() else {
        return Err(ApiError::not_found(kind, name));
    };
    let original = current.to_value();
    let patched = match patch_type {
        PatchType::Merge | PatchType::Strategic => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "json: cannot unmarshal array into Go value of type map[string]interface {}"
                        .into(),
                ));
            }
            merge_patch(&original, patch)
        }
        PatchType::Json => {
            return Err(ApiError::bad_request(
                "json patch is not supported yet".into(),
            ));
        }
    };
    let mut obj = super::decode::decode(&patched, api)?;
    // A patch never carries a stale resourceVersion: it applies to what is stored.
    obj.meta_mut().resource_version.clear();
    api.update(obj, "kubectl-patch")
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => serde_json::Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}
