//! Decoding a request body into a typed object, as the apiserver does: the kind must exist in
//! the request's group/version, unknown fields are rejected (strict field validation, kubectl's
//! default since v1.25), then the typed decode runs.

use super::error::ApiError;
use super::server::ApiServer;
use crate::objects::{Kind, Object};
use serde_json::Value;

pub fn decode(body: &Value, api: &ApiServer) -> Result<Object, ApiError> {
    let _ = api;
    let kind_name = body.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = body.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let Some(kind) = Kind::from_name(kind_name).filter(|k| k.api_version() == api_version) else {
        return Err(ApiError::bad_request(format!(
            "no kind \"{kind_name}\" is registered for version \"{api_version}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""
        )));
    };
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    Object::from_value(kind, body.clone()).map_err(|e| {
        ApiError::bad_request(format!(
            "{} in version \"{version}\" cannot be handled as a {}: {e}",
            kind.name(),
            kind.name()
        ))
    })
}
