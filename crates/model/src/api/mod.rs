//! The simulated apiserver: storage, watch log, admission, defaulting and validation.

pub mod admission;
pub mod decode;
pub mod defaults;
pub mod discovery;
pub mod error;
pub mod fields;
pub mod names;
mod patch_request;
pub mod quantity;
pub mod quota;
pub mod selector;
pub mod server;
pub mod validation;

pub use error::{ApiError, FieldError, FieldErrorType, StatusReason};
pub use patch_request::patch_object;
pub use selector::Selector;
pub use server::{ApiServer, DeleteOptions, Propagation, WatchEvent, WatchEventType};

/// Feature gates that change behaviour, with v1.34 defaults (`cluster-profile.md`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeatureGates {
    /// Alpha and off in v1.34 (beta/on from v1.35).
    pub max_unavailable_stateful_set: bool,
}

impl FeatureGates {
    pub const NAMES: &'static [&'static str] = &["MaxUnavailableStatefulSet"];

    pub fn set(&mut self, name: &str, on: bool) -> Result<(), String> {
        match name {
            "MaxUnavailableStatefulSet" => self.max_unavailable_stateful_set = on,
            other => return Err(format!("unrecognized feature gate: {other}")),
        }
        Ok(())
    }
}
