//! The node lifecycle controller: NotReady after missed heartbeats, taints, eviction.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, WatchEvent};
use crate::objects::ObjectRef;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the NodeLifecycle controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeLifecycleReason {
    /// Placeholder until this controller lands; never constructed.
    #[doc(hidden)]
    NotYetImplemented,
}

impl fmt::Display for NodeLifecycleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeLifecycleReason::NotYetImplemented => f.write_str("not yet implemented"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NodeLifecycle {}

impl Controller for NodeLifecycle {
    const ID: ControllerId = ControllerId::NodeLifecycle;
    fn watch(&mut self, _ev: &WatchEvent, _api: &ApiServer, _enqueue: &mut dyn FnMut(ObjectRef)) {}
    fn handle(&mut self, _key: &ObjectRef, _tag: u32, _ctx: &mut Ctx<'_>) {}
}
