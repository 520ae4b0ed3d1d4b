//! The kubelets of all nodes: image pulls, containers, probes, termination.

use super::{Controller, ControllerId, Ctx};
use crate::api::{ApiServer, WatchEvent};
use crate::objects::ObjectRef;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why the Kubelet controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KubeletReason {
    /// Placeholder until this controller lands; never constructed.
    #[doc(hidden)]
    NotYetImplemented,
}

impl fmt::Display for KubeletReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KubeletReason::NotYetImplemented => f.write_str("not yet implemented"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Kubelets {}

impl Kubelets {
    pub fn new(seed: u64) -> Kubelets {
        let _ = seed;
        Kubelets {}
    }
}

impl Controller for Kubelets {
    const ID: ControllerId = ControllerId::Kubelet;
    fn watch(&mut self, _ev: &WatchEvent, _api: &ApiServer, _enqueue: &mut dyn FnMut(ObjectRef)) {}
    fn handle(&mut self, _key: &ObjectRef, _tag: u32, _ctx: &mut Ctx<'_>) {}
}
