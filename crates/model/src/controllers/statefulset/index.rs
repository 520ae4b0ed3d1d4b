//! Per-set incremental state, so a sync costs what changed instead of a walk over every replica.
//!
//! Upstream re-lists and re-walks all pods of a set on every sync (`getPodsForStatefulSet`,
//! then `updateStatefulSet` over `replicaCount` slots) — ~4 syncs per pod make a scale-up
//! quadratic. The decisions of that walk only depend on the pods that are *not quiet*: a quiet
//! replica (Running and Ready, available, not terminating, identity, storage and claim
//! retention up to date) makes `processReplica` do nothing and say nothing, and a quiet replica
//! of the update revision makes the rolling update step over it. This index keeps, per set:
//! the claim status of every candidate pod (from `ClaimPods`' rules), runs of quiet ordinals,
//! the status counts and the revisions in use — refreshed at each sync for the pods (and
//! claims) the watch saw change, and rebuilt when what they depend on changes (the set's
//! generation or its revisions). `control::update_stateful_set_fast` walks only the gaps
//! between quiet runs and reaches the same decisions, in the same order, as the full walk.

use super::utils::{self, ordinal_of};
use crate::api::ApiServer;
use crate::objects::{LabelSelector, Pod, StatefulSet, StatefulSetStatus};
use crate::vecmap::{VecMap, VecSet};
use std::collections::BTreeMap;

/// Disjoint runs of integers, `lo → hi` inclusive.
#[derive(Debug, Clone, Default)]
pub struct RunSet {
    runs: VecMap<i64, i64>,
}

impl RunSet {
    /// The run holding `x`, if any.
    pub fn run_containing(&self, x: i64) -> Option<(i64, i64)> {
        let (&lo, &hi) = self.runs.range(..=x).next_back()?;
        (x <= hi).then_some((lo, hi))
    }

    pub fn insert(&mut self, x: i64) {
        if self.run_containing(x).is_some() {
            return;
        }
        let (mut lo, mut hi) = (x, x);
        if let Some((&l, &h)) = self.runs.range(..x).next_back() {
            if h == x - 1 {
                lo = l;
            }
        }
        if let Some(h) = self.runs.remove(&(x + 1)) {
            hi = h;
        }
        self.runs.insert(lo, hi);
    }

    pub fn remove(&mut self, x: i64) {
        if let Some((lo, hi)) = self.run_containing(x) {
            self.runs.remove(&lo);
            if lo < x {
                self.runs.insert(lo, x - 1);
            }
            if x < hi {
                self.runs.insert(x + 1, hi);
            }
        }
    }
}

/// How `ClaimPods` treats a candidate pod (the set not being deleted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// Controlled by this set and matching: part of the set's pods.
    Claimed,
    /// Would be adopted or released: a write the full claiming loop makes.
    Action,
    Ignored,
}

/// `ClaimPods` with the `isMemberOf` filter, as `StatefulSetController::sync` applies it.
fn classify(set: &StatefulSet, selector: &LabelSelector, pod: &Pod) -> Claim {
    let matches =
        selector.matches(&pod.metadata.labels) && utils::is_member_of(set, &pod.metadata.name);
    match pod.metadata.controller_ref() {
        Some(r) if r.uid != set.metadata.uid => Claim::Ignored,
        Some(_) if matches => Claim::Claimed,
        Some(_) => Claim::Action,
        None if !matches || pod.metadata.is_deleting() => Claim::Ignored,
        None => Claim::Action,
    }
}

/// What one replica adds to the status counts (`count_status` with `minReadySeconds` 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub replicas: i32,
    pub ready: i32,
    pub available: i32,
    pub current: i32,
    pub updated: i32,
}

impl Counts {
    fn of(pod: &Pod, current_rev: &str, update_rev: &str) -> Counts {
        let mut c = Counts::default();
        let created = utils::is_created(pod);
        if created {
            c.replicas = 1;
        }
        if utils::is_running_and_ready(pod) {
            c.ready = 1;
            if utils::is_running_and_available(pod, 0, crate::time::Time(0)) {
                c.available = 1;
            }
        }
        if created && !utils::is_terminating(pod) {
            let rev = utils::pod_revision(pod);
            c.current = i32::from(rev == current_rev);
            c.updated = i32::from(rev == update_rev);
        }
        c
    }

    fn add(&mut self, o: Counts, sign: i32) {
        self.replicas += sign * o.replicas;
        self.ready += sign * o.ready;
        self.available += sign * o.available;
        self.current += sign * o.current;
        self.updated += sign * o.updated;
    }

    pub fn write_to(&self, status: &mut StatefulSetStatus) {
        status.replicas = self.replicas;
        status.ready_replicas = self.ready;
        status.available_replicas = self.available;
        status.current_replicas = self.current;
        status.updated_replicas = self.updated;
    }
}

/// The context quietness and counts were computed for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct QuietKey {
    generation: i64,
    current_rev: String,
    update_rev: String,
}

/// What the index remembers of one claimed pod.
#[derive(Debug, Clone)]
struct Member {
    ordinal: i64,
    revision: String,
    counts: Counts,
}

#[derive(Debug, Clone, Default)]
pub struct SetIndex {
    uid: String,
    /// Candidates to re-classify at the next sync (the watch saw them change).
    dirty_claims: VecSet<String>,
    /// Claimed pods to re-qualify (quietness, counts) at the next fast sync.
    dirty_members: VecSet<String>,
    claimed: VecSet<String>,
    actions: VecSet<String>,
    key: Option<QuietKey>,
    /// A B-tree, not a `VecMap`: one entry per replica (10 000 in the scale benchmark),
    /// inserted and removed as pods come and go.
    members: BTreeMap<String, Member>,
    /// Ordinals in range with a claimed pod.
    pub existing: RunSet,
    /// Ordinals whose replica `processReplica` would pass over without a word.
    pub quiet: RunSet,
    /// Quiet replicas of the update revision (the rolling update passes over them).
    pub quiet_updated: RunSet,
    /// Replicas a Parallel `processReplica` passes over (quiet, or Pending/unready with
    /// nothing to fix): a superset of `quiet`.
    pub quiet_parallel: RunSet,
    /// Claimed pods with an ordinal outside the range.
    pub condemned: VecSet<i64>,
    /// Summed counts of claimed pods with an ordinal ≥ 0 (replicas and condemned).
    pub counts: Counts,
    /// Revision label → claimed pods carrying it (`truncateHistory`'s live revisions).
    revisions: VecMap<String, usize>,
}

impl SetIndex {
    /// Whether the index was built for the set with this UID.
    pub fn is_for(&self, uid: &str) -> bool {
        self.uid == uid
    }

    /// The watch saw candidate `pod` of this set change.
    pub fn touch(&mut self, pod: &str) {
        self.dirty_claims.insert(pod.to_string());
    }

    /// Re-classifies the candidates the watch saw change; `candidates` lists them all (used
    /// when the index is new or the set was recreated). Returns whether the claiming loop
    /// would write nothing (no adoption, no release).
    pub fn refresh_claims(
        &mut self,
        set: &StatefulSet,
        selector: &LabelSelector,
        api: &ApiServer,
        candidates: impl FnOnce() -> Vec<String>,
    ) -> bool {
        if self.uid != set.metadata.uid {
            *self = SetIndex {
                uid: set.metadata.uid.clone(),
                ..Default::default()
            };
            self.dirty_claims.extend(candidates());
        }
        let ns = set.metadata.ns();
        for name in std::mem::take(&mut self.dirty_claims) {
            let claim = api
                .get::<Pod>(ns, &name)
                .map_or(Claim::Ignored, |p| classify(set, selector, p));
            match claim {
                Claim::Claimed => {
                    self.actions.remove(&name);
                    self.claimed.insert(name.clone());
                }
                Claim::Action => {
                    self.claimed.remove(&name);
                    self.actions.insert(name.clone());
                }
                Claim::Ignored => {
                    self.claimed.remove(&name);
                    self.actions.remove(&name);
                }
            }
            self.dirty_members.insert(name);
        }
        self.actions.is_empty()
    }

    fn forget(&mut self, name: &str) {
        let Some(m) = self.members.remove(name) else {
            return;
        };
        if let Some(n) = self.revisions.get_mut(&m.revision) {
            *n -= 1;
            if *n == 0 {
                self.revisions.remove(&m.revision);
            }
        }
        if m.ordinal >= 0 {
            self.counts.add(m.counts, -1);
            self.existing.remove(m.ordinal);
            self.quiet.remove(m.ordinal);
            self.quiet_updated.remove(m.ordinal);
            self.quiet_parallel.remove(m.ordinal);
            self.condemned.remove(&m.ordinal);
        }
    }

    /// Brings quietness, counts and revisions up to date for the claimed pods that changed
    /// (all of them when the set's generation or revisions changed). `is_quiet` is the
    /// per-replica check (it reads the pod's claims): (quiet, quiet for Parallel).
    pub fn refresh_members(
        &mut self,
        set: &StatefulSet,
        current_rev: &str,
        update_rev: &str,
        api: &ApiServer,
        mut is_quiet: impl FnMut(&Pod) -> (bool, bool),
    ) {
        let key = QuietKey {
            generation: set.metadata.generation,
            current_rev: current_rev.to_string(),
            update_rev: update_rev.to_string(),
        };
        if self.key.as_ref() != Some(&key) {
            self.key = Some(key);
            self.members.clear();
            self.existing = RunSet::default();
            self.quiet = RunSet::default();
            self.quiet_updated = RunSet::default();
            self.quiet_parallel = RunSet::default();
            self.condemned.clear();
            self.counts = Counts::default();
            self.revisions.clear();
            self.dirty_members = self.claimed.clone();
        }
        let ns = set.metadata.ns();
        for name in std::mem::take(&mut self.dirty_members) {
            self.forget(&name);
            if !self.claimed.contains(&name) {
                continue;
            }
            let Some(pod) = api.get::<Pod>(ns, &name) else {
                continue;
            };
            let ordinal = ordinal_of(&name);
            let revision = utils::pod_revision(pod).to_string();
            let counts = Counts::of(pod, current_rev, update_rev);
            *self.revisions.entry(revision.clone()).or_insert(0) += 1;
            if ordinal >= 0 {
                self.counts.add(counts, 1);
                if utils::in_ordinal_range(set, ordinal) {
                    self.existing.insert(ordinal);
                    let (quiet, quiet_parallel) = is_quiet(pod);
                    if quiet {
                        self.quiet.insert(ordinal);
                        if revision == update_rev {
                            self.quiet_updated.insert(ordinal);
                        }
                    }
                    if quiet || quiet_parallel {
                        self.quiet_parallel.insert(ordinal);
                    }
                } else {
                    self.condemned.insert(ordinal);
                }
            }
            self.members.insert(
                name,
                Member {
                    ordinal,
                    revision,
                    counts,
                },
            );
        }
    }

    /// Revisions of claimed pods (for `truncateHistory`).
    pub fn live_revisions(&self) -> impl Iterator<Item = &str> {
        self.revisions.keys().map(String::as_str)
    }
}
