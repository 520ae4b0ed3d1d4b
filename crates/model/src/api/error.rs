//! API errors as the apiserver returns them (`metav1.Status`), and field errors
//! (`field.Error`) rendered exactly as v1.34's `ErrorBody` does.

use crate::objects::Kind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `metav1.StatusReason` values the model produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusReason {
    NotFound,
    AlreadyExists,
    Conflict,
    Invalid,
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    Gone,
    InternalError,
}

impl StatusReason {
    pub fn code(self) -> u16 {
        match self {
            StatusReason::BadRequest => 400,
            StatusReason::Forbidden => 403,
            StatusReason::NotFound => 404,
            StatusReason::MethodNotAllowed => 405,
            StatusReason::AlreadyExists | StatusReason::Conflict => 409,
            StatusReason::Gone => 410,
            StatusReason::Invalid => 422,
            StatusReason::InternalError => 500,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            StatusReason::NotFound => "NotFound",
            StatusReason::AlreadyExists => "AlreadyExists",
            StatusReason::Conflict => "Conflict",
            StatusReason::Invalid => "Invalid",
            StatusReason::BadRequest => "BadRequest",
            StatusReason::Forbidden => "Forbidden",
            StatusReason::MethodNotAllowed => "MethodNotAllowed",
            StatusReason::Gone => "Gone",
            StatusReason::InternalError => "InternalError",
        }
    }
}

/// `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldErrorType {
    Required,
    Invalid,
    Unsupported,
    Forbidden,
    Duplicate,
    NotFound,
    TooLong,
    TooMany,
}

impl FieldErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorType::Required => "Required value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::Unsupported => "Unsupported value",
            FieldErrorType::Forbidden => "Forbidden",
            FieldErrorType::Duplicate => "Duplicate value",
            FieldErrorType::NotFound => "Not found",
            FieldErrorType::TooLong => "Too long",
            FieldErrorType::TooMany => "Too many",
        }
    }
    /// Required/Forbidden/TooLong omit the value from the message (`ErrorBody`).
    fn shows_value(self) -> bool {
        !matches!(
            self,
            FieldErrorType::Required | FieldErrorType::Forbidden | FieldErrorType::TooLong
        )
    }
}

/// One cause of an Invalid error. `bad_value` is already rendered the v1.34 way: ints and bools
/// plain, strings quoted, everything else as JSON (see [`render_value`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub type_: FieldErrorType,
    pub bad_value: String,
    pub detail: String,
}

impl FieldError {
    pub fn new(type_: FieldErrorType, field: &str, bad_value: String, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            type_,
            bad_value,
            detail: detail.into(),
        }
    }
    pub fn invalid(field: &str, value: &serde_json::Value, detail: &str) -> FieldError {
        FieldError::new(FieldErrorType::Invalid, field, render_value(value), detail)
    }
    pub fn required(field: &str, detail: &str) -> FieldError {
        FieldError::new(FieldErrorType::Required, field, String::new(), detail)
    }
    pub fn forbidden(field: &str, detail: &str) -> FieldError {
        FieldError::new(FieldErrorType::Forbidden, field, String::new(), detail)
    }
    pub fn unsupported(field: &str, value: &serde_json::Value, supported: &[&str]) -> FieldError {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        FieldError::new(
            FieldErrorType::Unsupported,
            field,
            render_value(value),
            &format!("supported values: {}", list.join(", ")),
        )
    }
}

impl fmt::Display for FieldError {
    /// `spec.replicas: Invalid value: -1: must be greater than or equal to 0`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.type_.as_str())?;
        if self.type_.shows_value() {
            write!(f, ": {}", self.bad_value)?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// `ErrorBody` value rendering at apimachinery v0.34.0: numbers and bools with `%v`, strings
/// with `%q`, everything else `json.Marshal`ed (`{"app":"foo"}`, `null`).
pub fn render_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => go_quote(s),
        other => other.to_string(),
    }
}

/// Go's `%q` for the strings we meet (ASCII printable passes through; the rest escaped).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An error from the simulated apiserver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub reason: StatusReason,
    /// The Status message, e.g. `statefulsets.apps "web" not found`.
    pub message: String,
    pub kind: Option<Kind>,
    pub name: String,
    /// Causes of an Invalid error.
    pub causes: Vec<FieldError>,
}

impl ApiError {
    pub fn code(&self) -> u16 {
        self.reason.code()
    }

    pub fn not_found(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: StatusReason::NotFound,
            message: format!("{} \"{name}\" not found", kind.qualified_resource()),
            kind: Some(kind),
            name: name.into(),
            causes: vec![],
        }
    }

    pub fn already_exists(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: StatusReason::AlreadyExists,
            message: format!("{} \"{name}\" already exists", kind.qualified_resource()),
            kind: Some(kind),
            name: name.into(),
            causes: vec![],
        }
    }

    pub fn conflict(kind: Kind, name: &str) -> ApiError {
        ApiError {
            reason: StatusReason::Conflict,
            message: format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                kind.qualified_resource()
            ),
            kind: Some(kind),
            name: name.into(),
            causes: vec![],
        }
    }

    /// A 422 with its causes. Message as the apiserver builds it (`NewInvalid`):
    /// `StatefulSet.apps "web" is invalid: <causes joined by ", ">`, with `[…]` around several.
    pub fn invalid(kind: Kind, name: &str, causes: Vec<FieldError>) -> ApiError {
        let group_kind = match kind.group() {
            "" => kind.name().to_string(),
            g => format!("{}.{g}", kind.name()),
        };
        let joined: Vec<String> = causes.iter().map(ToString::to_string).collect();
        let body = if joined.len() == 1 {
            joined[0].clone()
        } else {
            format!("[{}]", joined.join(", "))
        };
        ApiError {
            reason: StatusReason::Invalid,
            message: format!("{group_kind} \"{name}\" is invalid: {body}"),
            kind: Some(kind),
            name: name.into(),
            causes,
        }
    }

    pub fn bad_request(message: String) -> ApiError {
        ApiError {
            reason: StatusReason::BadRequest,
            message,
            kind: None,
            name: String::new(),
            causes: vec![],
        }
    }

    pub fn forbidden(kind: Kind, name: &str, message: String) -> ApiError {
        ApiError {
            reason: StatusReason::Forbidden,
            message,
            kind: Some(kind),
            name: name.into(),
            causes: vec![],
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_errors_render_like_v1_34() {
        let e = FieldError::invalid(
            "spec.replicas",
            &json!(-1),
            "must be greater than or equal to 0",
        );
        assert_eq!(
            e.to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        // Go marshals struct fields in declaration order, so struct values are rendered by the
        // caller; `render_value` is for maps (sorted keys, as json.Marshal sorts map keys).
        let e = FieldError::new(
            FieldErrorType::Invalid,
            "spec.updateStrategy.rollingUpdate",
            r#"{"Partition":0,"MaxUnavailable":null}"#.into(),
            "only allowed for updateStrategy 'RollingUpdate'",
        );
        assert_eq!(
            e.to_string(),
            "spec.updateStrategy.rollingUpdate: Invalid value: {\"Partition\":0,\"MaxUnavailable\":null}: only allowed for updateStrategy 'RollingUpdate'"
        );
        assert_eq!(
            render_value(&json!({"b": "x", "a": "y"})),
            r#"{"a":"y","b":"x"}"#
        );
        assert_eq!(
            FieldError::required("spec.selector", "").to_string(),
            "spec.selector: Required value"
        );
        let e = FieldError::unsupported(
            "spec.template.spec.restartPolicy",
            &json!("Never"),
            &["Always"],
        );
        assert_eq!(e.to_string(), "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
        assert_eq!(
            ApiError::not_found(Kind::StatefulSet, "web").message,
            "statefulsets.apps \"web\" not found"
        );
    }
}
