//! Reasons as data: every controller action and every wait carries one. The UI narrates them,
//! `sim why` prints them, tests assert on the variants. There is deliberately no catch-all
//! string variant: a new decision needs a new variant.
//!
//! Each controller owns one nested enum, so adding a decision touches only that controller.

use crate::objects::ObjectRef;
use crate::time::Time;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fmt;

/// How many reason records the log keeps (oldest dropped first).
pub const REASON_LOG_CAPACITY: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    StatefulSet(crate::controllers::statefulset::StsReason),
    GarbageCollector(crate::controllers::gc::GcReason),
    Scheduler(crate::controllers::scheduler::SchedulerReason),
    Kubelet(crate::controllers::kubelet::KubeletReason),
    Volume(crate::controllers::volume::VolumeReason),
    Endpoints(crate::controllers::endpoints::EndpointsReason),
    NodeLifecycle(crate::controllers::nodelifecycle::NodeLifecycleReason),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::StatefulSet(r) => r.fmt(f),
            Reason::GarbageCollector(r) => r.fmt(f),
            Reason::Scheduler(r) => r.fmt(f),
            Reason::Kubelet(r) => r.fmt(f),
            Reason::Volume(r) => r.fmt(f),
            Reason::Endpoints(r) => r.fmt(f),
            Reason::NodeLifecycle(r) => r.fmt(f),
        }
    }
}

impl Reason {
    /// True for reasons that explain why nothing happened (a stop point), as opposed to an action.
    pub fn is_wait(&self) -> bool {
        match self {
            Reason::StatefulSet(r) => r.is_wait(),
            Reason::Scheduler(r) => r.is_wait(),
            Reason::Kubelet(r) => r.is_wait(),
            Reason::Volume(r) => r.is_wait(),
            Reason::Endpoints(r) => r.is_wait(),
            Reason::NodeLifecycle(r) => r.is_wait(),
            Reason::GarbageCollector(r) => r.is_wait(),
        }
    }
}

/// One entry of the reason log: when, which controller, about which object, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonRecord {
    pub at: Time,
    /// Sequence number, unique and increasing (survives truncation of the log).
    pub seq: u64,
    pub controller: &'static str,
    pub object: ObjectRef,
    pub reason: Reason,
    /// This record's part of `Cluster::event_log_hash`, computed once (crate::digest).
    #[serde(skip)]
    pub(crate) digest: crate::digest::DigestCell,
}

impl fmt::Display for ReasonRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.object, self.reason)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReasonLog {
    records: VecDeque<ReasonRecord>,
    next_seq: u64,
    /// The last wait recorded per (controller, object), to drop repeats in O(1).
    last_wait: HashMap<(&'static str, ObjectRef), Reason>,
}

impl ReasonLog {
    pub fn push(&mut self, at: Time, controller: &'static str, object: ObjectRef, reason: Reason) {
        // A controller that re-evaluates the same stop point on every sync would flood the log
        // with identical waits; record a wait only when it differs from the object's last one.
        let slot = (controller, object.clone());
        if reason.is_wait() {
            if self.last_wait.get(&slot) == Some(&reason) {
                return;
            }
            self.last_wait.insert(slot, reason.clone());
        } else {
            // An action ends the wait: the same wait afterwards is news again.
            self.last_wait.remove(&slot);
        }
        if self.records.len() >= REASON_LOG_CAPACITY {
            self.records.pop_front();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.records.push_back(ReasonRecord {
            at,
            seq,
            controller,
            object,
            reason,
            digest: Default::default(),
        });
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &ReasonRecord> {
        self.records.iter()
    }

    /// Records with `seq >= from` (for incremental consumers such as the UI's feed).
    pub fn since(&self, from: u64) -> impl Iterator<Item = &ReasonRecord> {
        let start = self.records.partition_point(|r| r.seq < from);
        self.records.range(start..)
    }

    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
}
