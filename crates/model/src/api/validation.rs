//! Validation with the apiserver's exact messages (`statefulset-semantics.md` §4).

use super::error::FieldError;
use super::server::ApiServer;
use crate::objects::Object;
use serde_json::json;

pub fn validate_create(api: &ApiServer, obj: &Object) -> Vec<FieldError> {
    let _ = api;
    let mut errs = Vec::new();
    if let Object::StatefulSet(sts) = obj {
        if let Some(r) = sts.spec.replicas {
            if r < 0 {
                errs.push(FieldError::invalid(
                    "spec.replicas",
                    &json!(r),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    errs
}

pub fn validate_update(api: &ApiServer, new: &Object, old: &Object) -> Vec<FieldError> {
    let _ = old;
    validate_create(api, new)
}

pub fn validate_status_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let _ = (new, old);
    Vec::new()
}
