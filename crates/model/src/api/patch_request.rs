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
    let engine_type = match patch_type {
        PatchType::Strategic => crate::patch::PatchType::Strategic,
        PatchType::Merge => crate::patch::PatchType::Merge,
        PatchType::Json => crate::patch::PatchType::Json,
    };
    let schema = crate::patch::schema_for_kind(kind.name());
    let patched =
        crate::patch::apply_patch(&schema, &original, patch, engine_type).map_err(|e| {
            match patch_type {
                // `patch.go`: JSON-patch failures are 422 with no details (kubectl: "The request is
                // invalid: …"); merge-patch failures are 400 Bad Request.
                PatchType::Json => ApiError {
                    reason: super::error::StatusReason::Invalid,
                    message: e.message,
                    kind: None,
                    name: String::new(),
                    causes: vec![],
                },
                _ => ApiError::bad_request(e.message),
            }
        })?;
    let mut obj = super::decode::decode(&patched, api)?;
    // A patch never carries a stale resourceVersion: it applies to what is stored.
    obj.meta_mut().resource_version.clear();
    api.update(obj, "kubectl-patch")
}
