//! The scheduler: binds pending pods to nodes.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, WatchEvent};
use crate::objects::ObjectRef;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the Scheduler controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SchedulerReason {
    /// Placeholder until this controller lands; never constructed.
    #[doc(hidden)]
    NotYetImplemented,
}

impl fmt::Display for SchedulerReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchedulerReason::NotYetImplemented => f.write_str("not yet implemented"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Scheduler {}

impl Controller for Scheduler {
    const ID: ControllerId = ControllerId::Scheduler;
    fn watch(&mut self, _ev: &WatchEvent, _api: &ApiServer, _enqueue: &mut dyn FnMut(ObjectRef)) {}
    fn handle(&mut self, _key: &ObjectRef, _tag: u32, _ctx: &mut Ctx<'_>) {}
}
