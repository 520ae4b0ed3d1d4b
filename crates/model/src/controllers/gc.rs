//! The garbage collector: background, foreground and orphan propagation through ownerReferences.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, WatchEvent};
use crate::objects::ObjectRef;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the GarbageCollector controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GcReason {
    /// Placeholder until this controller lands; never constructed.
    #[doc(hidden)]
    NotYetImplemented,
}

impl fmt::Display for GcReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GcReason::NotYetImplemented => f.write_str("not yet implemented"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GarbageCollector {}

impl Controller for GarbageCollector {
    const ID: ControllerId = ControllerId::GarbageCollector;
    fn watch(&mut self, _ev: &WatchEvent, _api: &ApiServer, _enqueue: &mut dyn FnMut(ObjectRef)) {}
    fn handle(&mut self, _key: &ObjectRef, _tag: u32, _ctx: &mut Ctx<'_>) {}
}
