//! Endpoints and EndpointSlices for Services; the DNS view derives from them.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, WatchEvent};
use crate::objects::ObjectRef;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the Endpoints controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointsReason {
    /// Placeholder until this controller lands; never constructed.
    #[doc(hidden)]
    NotYetImplemented,
}

impl fmt::Display for EndpointsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointsReason::NotYetImplemented => f.write_str("not yet implemented"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EndpointsController {}

impl Controller for EndpointsController {
    const ID: ControllerId = ControllerId::Endpoints;
    fn watch(&mut self, _ev: &WatchEvent, _api: &ApiServer, _enqueue: &mut dyn FnMut(ObjectRef)) {}
    fn handle(&mut self, _key: &ObjectRef, _tag: u32, _ctx: &mut Ctx<'_>) {}
}
