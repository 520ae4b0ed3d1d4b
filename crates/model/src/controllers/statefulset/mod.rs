//! The StatefulSet controller, ported round for round from upstream
//! `pkg/controller/statefulset` (`stateful_set.go` sync + claiming, `stateful_set_control.go`
//! the control loop, `stateful_pod_control.go` pod/claim writes, `stateful_set_utils.go`).
//!
//! Differences from upstream, chosen on purpose (each also noted where it lives):
//! - the informer's 30 s resync (`statefulSetResyncPeriod`) is one timer per set, armed on its
//!   first sync, rather than a relist of every set;
//! - Parallel creation is capped at [`control::PARALLEL_CREATES_PER_SYNC`] pods per sync;
//! - pod names with a zero-padded ordinal (`web-01`) get no ordinal (see `utils`).

pub mod control;
pub mod index;
pub mod pod_control;
pub mod reason;
pub mod revisions;
pub mod utils;

pub use reason::{PodState, StsReason};

use super::{Controller, ControllerId, Ctx, TAG_RECONCILE};
use crate::api::{ApiServer, StatusReason, WatchEvent, WatchEventType};
use crate::objects::{ControllerRevision, Kind, Object, ObjectRef, Pod, StatefulSet, Typed};
use crate::vecmap::VecSet;
use pod_control::{why, ACTOR};
use revisions::as_revision;
use std::collections::HashMap;
use std::sync::Arc;

/// Where the index files a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filed {
    /// controllerRef → StatefulSet of this name.
    Owned(String),
    /// No controllerRef; its name says `<parent>-<n>`.
    Orphan(String),
    /// Controlled by another kind, or an orphan no set can claim by name.
    Elsewhere,
}

type NsName = (String, String);

/// The informer-side index: which pods each set may claim, without scanning the namespace.
#[derive(Debug, Clone, Default)]
pub struct StatefulSetController {
    /// (ns, set name from the controllerRef) → {(ordinal, pod)}.
    owned: HashMap<NsName, VecSet<(i64, String)>>,
    /// (ns, parent name from the pod's own name) → {(ordinal, pod)} of orphan pods.
    orphans: HashMap<NsName, VecSet<(i64, String)>>,
    /// (ns, pod) → where it is filed.
    filed: HashMap<NsName, Filed>,
    /// Consecutive failed syncs per set (the workqueue rate limiter).
    failures: HashMap<ObjectRef, u32>,
    /// Parallel creation hit its cap: no more creations for this set before this time.
    throttled_until: HashMap<ObjectRef, crate::time::Time>,
    /// Per-set incremental state (see `index`): syncs walk only what changed.
    indexes: HashMap<ObjectRef, index::SetIndex>,
    /// Sets whose periodic resync timer is armed.
    resync_armed: VecSet<ObjectRef>,
    /// Per-set memo of the revision steps of a sync (see `revisions::RevisionCache`).
    revision_caches: HashMap<ObjectRef, revisions::RevisionCache>,
    /// A sync whose Parallel round stopped between two creations; the cluster resumes it
    /// before anything else runs ([`StatefulSetController::resume`]).
    pending: Option<Box<PendingRound>>,
    /// Creations per slice of a Parallel round when not [`control::CREATES_PER_SLICE`]
    /// (tests compare a sliced sync with an unsliced one).
    creates_per_slice: Option<u32>,
}

/// A sync stopped between two creations (`control::CREATES_PER_SLICE`): what the rest of its
/// round and the end of the sync read, as they were when the sync began.
struct PendingRound {
    key: ObjectRef,
    set: StatefulSet,
    current: Arc<Object>,
    update: Arc<Object>,
    update_set: Arc<StatefulSet>,
    current_set: Option<Arc<StatefulSet>>,
    collision_count: i32,
    revisions: Vec<Arc<Object>>,
    throttled: bool,
    budget: u32,
    progress: control::ParallelProgress,
}

/// `statefulSetResyncPeriod` in `stateful_set.go`: every set is synced again every 30 s even
/// without events (this is what un-sticks e.g. a minReadySeconds wait whose requeue upstream
/// skips when `availableReplicas == replicas`).
const RESYNC_PERIOD_MS: u64 = 30_000;
/// Timer tag of the periodic resync.
const TAG_RESYNC: u32 = 1;

fn filing(pod: &Pod) -> Filed {
    match pod.metadata.controller_ref() {
        Some(r) if r.kind == "StatefulSet" && r.api_version.starts_with("apps/") => {
            Filed::Owned(r.name.clone())
        }
        Some(_) => Filed::Elsewhere,
        None => {
            let (parent, _) = utils::parent_and_ordinal(&pod.metadata.name);
            if parent.is_empty() {
                Filed::Elsewhere
            } else {
                Filed::Orphan(parent.to_string())
            }
        }
    }
}

impl StatefulSetController {
    fn unfile(&mut self, ns: &str, pod: &str) -> Option<Filed> {
        let key = (ns.to_string(), pod.to_string());
        let old = self.filed.remove(&key)?;
        let entry = (utils::ordinal_of(pod), pod.to_string());
        let bucket = match &old {
            Filed::Owned(set) => self.owned.get_mut(&(ns.to_string(), set.clone())),
            Filed::Orphan(parent) => self.orphans.get_mut(&(ns.to_string(), parent.clone())),
            Filed::Elsewhere => None,
        };
        if let Some(b) = bucket {
            b.remove(&entry);
        }
        Some(old)
    }

    fn file(&mut self, ns: &str, pod: &str, f: Filed) {
        let entry = (utils::ordinal_of(pod), pod.to_string());
        match &f {
            Filed::Owned(set) => {
                self.owned
                    .entry((ns.to_string(), set.clone()))
                    .or_default()
                    .insert(entry);
            }
            Filed::Orphan(parent) => {
                self.orphans
                    .entry((ns.to_string(), parent.clone()))
                    .or_default()
                    .insert(entry);
            }
            Filed::Elsewhere => {}
        }
        self.filed.insert((ns.to_string(), pod.to_string()), f);
    }

    /// Tells the index of set `set` in `ns` (if it has one) that candidate `pod` changed.
    fn touch(&mut self, ns: &str, set: &str, pod: &str) {
        if let Some(idx) = self
            .indexes
            .get_mut(&ObjectRef::new(Kind::StatefulSet, ns, set))
        {
            idx.touch(pod);
        }
    }

    /// Pods set `name` in `ns` may claim: those it controls and orphans named `<name>-<n>`.
    fn candidates(&self, ns: &str, name: &str) -> Vec<String> {
        let key = (ns.to_string(), name.to_string());
        let mut out: Vec<&(i64, String)> = Vec::new();
        if let Some(s) = self.owned.get(&key) {
            out.extend(s.iter());
        }
        if let Some(s) = self.orphans.get(&key) {
            out.extend(s.iter());
        }
        crate::sort::sort(&mut out);
        out.into_iter().map(|(_, n)| n.clone()).collect()
    }
}

impl Controller for StatefulSetController {
    const ID: ControllerId = ControllerId::StatefulSet;

    fn watch(&mut self, ev: &WatchEvent, api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        match &*ev.object {
            Object::StatefulSet(s) => enqueue(ObjectRef::new(
                Kind::StatefulSet,
                s.metadata.ns(),
                &s.metadata.name,
            )),
            Object::Pod(pod) => {
                let ns = pod.metadata.ns();
                // Filed where it already is (most pod events): unfiling and filing it again
                // would leave the index as it is.
                let refiled = ev.type_ != WatchEventType::Deleted && {
                    let f = filing(pod);
                    self.filed
                        .get(&(ns.to_string(), pod.metadata.name.clone()))
                        .is_some_and(|old| *old == f)
                };
                let old = if refiled {
                    Some(filing(pod))
                } else {
                    self.unfile(ns, &pod.metadata.name)
                };
                for f in [old.clone(), Some(filing(pod))].into_iter().flatten() {
                    if let Filed::Owned(set) | Filed::Orphan(set) = f {
                        self.touch(ns, &set, &pod.metadata.name);
                    }
                }
                if let Some(Filed::Owned(set)) = &old {
                    enqueue(ObjectRef::new(Kind::StatefulSet, ns, set));
                }
                if ev.type_ == WatchEventType::Deleted {
                    return;
                }
                let f = filing(pod);
                match &f {
                    Filed::Owned(set) => {
                        if old.as_ref() != Some(&f) {
                            enqueue(ObjectRef::new(Kind::StatefulSet, ns, set));
                        }
                    }
                    // `getPodStatefulSets`: every set in the namespace whose selector matches.
                    Filed::Orphan(_) => {
                        for s in api.list::<StatefulSet>(Some(ns)) {
                            if s.spec.selector.as_ref().is_some_and(|sel| {
                                !sel.is_empty() && sel.matches(&pod.metadata.labels)
                            }) {
                                enqueue(ObjectRef::new(Kind::StatefulSet, ns, &s.metadata.name));
                            }
                        }
                    }
                    Filed::Elsewhere => {}
                }
                if !refiled {
                    self.file(ns, &pod.metadata.name, f);
                }
            }
            // A claim changed: its pod's claim retention may have (`<template>-<set>-<n>`).
            Object::PersistentVolumeClaim(c) if !self.indexes.is_empty() => {
                let ns = c.metadata.ns();
                let (parent, ordinal) = utils::parent_and_ordinal(&c.metadata.name);
                if ordinal < 0 {
                    return;
                }
                let mut pods = Vec::new();
                for s in api.list::<StatefulSet>(Some(ns)) {
                    let set = &s.metadata.name;
                    let named = s.spec.volume_claim_templates.iter().any(|t| {
                        parent.len() == t.metadata.name.len() + 1 + set.len()
                            && parent.starts_with(t.metadata.name.as_str())
                            && parent.ends_with(set.as_str())
                            && parent.as_bytes().get(t.metadata.name.len()) == Some(&b'-')
                    });
                    if named {
                        pods.push((set.clone(), utils::pod_name(s, ordinal)));
                    }
                }
                for (set, pod) in pods {
                    self.touch(ns, &set, &pod);
                }
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, tag: u32, ctx: &mut Ctx<'_>) {
        if key.kind != Kind::StatefulSet {
            return;
        }
        if tag == TAG_RESYNC {
            self.resync_armed.remove(key);
        } else if tag != TAG_RECONCILE {
            return;
        }
        let exists = ctx
            .api
            .get_object(Kind::StatefulSet, &key.namespace, &key.name)
            .is_some();
        if exists && self.resync_armed.insert(key.clone()) {
            ctx.wake_at(ctx.now.plus_ms(RESYNC_PERIOD_MS), key.clone(), TAG_RESYNC);
        }
        let result = self.sync(key, ctx);
        if self.pending.is_none() {
            self.sync_ended(key, result, ctx);
        }
    }
}

impl StatefulSetController {
    /// Sets how many pods a slice of a Parallel round creates before the sync hands control
    /// back (at least 1; `u32::MAX` never splits a sync). Only the wall-clock work changes.
    pub fn set_creates_per_slice(&mut self, n: u32) {
        self.creates_per_slice = Some(n.max(1));
    }

    fn slice(&self) -> u32 {
        self.creates_per_slice.unwrap_or(control::CREATES_PER_SLICE)
    }

    /// Whether a sync stopped between two creations and waits to be resumed.
    pub fn has_pending_round(&self) -> bool {
        self.pending.is_some()
    }

    /// Runs the next slice of a sync that stopped between two creations, and the end of the
    /// sync (status, history, requeues) once its round is done; false when none is pending.
    pub fn resume(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let Some(mut pending) = self.pending.take() else {
            return false;
        };
        let progress = std::mem::take(&mut pending.progress);
        // No watch event is handed out while a round is pending, so the index is the one the
        // sync began with.
        let slice = self.slice();
        let Some(idx) = self.indexes.get(&pending.key) else {
            return true;
        };
        let p = &*pending;
        let round = control::update_stateful_set_fast(
            ctx,
            &p.set,
            as_revision(&p.current),
            as_revision(&p.update),
            p.current_set.as_deref().unwrap_or(&p.update_set),
            &p.update_set,
            p.collision_count,
            idx,
            p.budget,
            slice,
            Some(progress),
        );
        match round {
            control::FastRound::Yielded(progress) => {
                pending.progress = progress;
                self.pending = Some(pending);
            }
            control::FastRound::Done(status, round) => {
                let p = &*pending;
                let result = self.end_sync(
                    &p.key,
                    &p.set,
                    EndOfRound {
                        status,
                        round,
                        fast: true,
                        pods: &[],
                        revisions: &p.revisions,
                        current: as_revision(&p.current),
                        update: as_revision(&p.update),
                        throttled: p.throttled,
                    },
                    ctx,
                );
                self.sync_ended(&p.key, result, ctx);
            }
        }
        true
    }

    /// The workqueue's bookkeeping after a sync: forget the failures, or requeue with backoff.
    fn sync_ended(&mut self, key: &ObjectRef, result: Result<(), String>, ctx: &mut Ctx<'_>) {
        match result {
            Ok(()) => {
                self.failures.remove(key);
            }
            Err(_) => {
                // The workqueue's default rate limiter: 5 ms · 2^failures, at most 1000 s.
                let n = self.failures.entry(key.clone()).or_insert(0);
                let delay = 5u64.saturating_mul(1u64 << (*n).min(30)).min(1_000_000);
                *n = n.saturating_add(1);
                ctx.requeue_after(key.clone(), delay);
            }
        }
    }
}

impl StatefulSetController {
    /// Revisions of the set's pods: from the index when the pods were not listed.
    fn live_revisions(
        &self,
        key: &ObjectRef,
        from_index: bool,
        pods: &[Arc<Object>],
    ) -> VecSet<String> {
        match self.indexes.get(key) {
            Some(idx) if from_index => VecSet::from_iter(idx.live_revisions().map(str::to_string)),
            _ => VecSet::from_iter(
                pods.iter()
                    .filter_map(control::as_pod)
                    .map(|p| utils::pod_revision(p).to_string()),
            ),
        }
    }

    /// `StatefulSetController.sync` → `syncStatefulSet` → `UpdateStatefulSet`.
    fn sync(&mut self, key: &ObjectRef, ctx: &mut Ctx<'_>) -> Result<(), String> {
        // The store's copy: a write replaces it, so this one stays as read.
        let Some(obj) = ctx
            .api
            .get_object(Kind::StatefulSet, &key.namespace, &key.name)
            .filter(|o| StatefulSet::from_object(o).is_some())
            .cloned()
        else {
            self.indexes.remove(key);
            self.revision_caches.remove(key);
            return Ok(());
        };
        let set = StatefulSet::from_object(&obj).expect("a StatefulSet");
        let mut cache = self.revision_caches.remove(key).unwrap_or_default();
        let result = self.sync_set(key, set, &mut cache, ctx);
        self.revision_caches.insert(key.clone(), cache);
        result
    }

    fn sync_set(
        &mut self,
        key: &ObjectRef,
        set: &StatefulSet,
        cache: &mut revisions::RevisionCache,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), String> {
        let Some(selector) = set.spec.selector.clone() else {
            // A nil selector selects nothing; validation never lets one through.
            return Ok(());
        };
        let ns = set.metadata.ns().to_string();

        // adoptOrphanRevisions
        let revisions = list_revisions(ctx.api, set);
        if revisions
            .iter()
            .any(|r| as_revision(r).metadata.controller_ref().is_none())
        {
            if set.metadata.is_deleting() {
                return Err("cannot adopt: the set is being deleted".into());
            }
            for rev in revisions
                .iter()
                .map(|r| as_revision(r))
                .filter(|r| r.metadata.controller_ref().is_none())
            {
                let mut adopted = rev.clone();
                adopted
                    .metadata
                    .owner_references
                    .push(utils::set_controller_ref(set));
                ctx.api
                    .update(adopted.into(), ACTOR)
                    .map_err(|e| e.to_string())?;
                why(
                    ctx,
                    Kind::ControllerRevision,
                    &ns,
                    &rev.metadata.name,
                    StsReason::AdoptedRevision {
                        revision: rev.metadata.name.clone(),
                    },
                );
            }
        }

        // getPodsForStatefulSet → ClaimPods with the isMemberOf filter. The index knows
        // whether that loop would write anything; when it would not (and the round can run
        // over the index), the pods are not listed at all.
        let fast_eligible = !set.metadata.is_deleting()
            && set.min_ready_seconds() <= 0
            && !set.is_on_delete()
            && !ctx.api.gates.max_unavailable_stateful_set;
        let needs_candidates = self
            .indexes
            .get(key)
            .is_none_or(|i| !i.is_for(&set.metadata.uid));
        let all_candidates = if needs_candidates {
            self.candidates(&ns, &set.metadata.name)
        } else {
            Vec::new()
        };
        let no_claim_writes = self.indexes.entry(key.clone()).or_default().refresh_claims(
            set,
            &selector,
            ctx.api,
            || all_candidates,
        );
        let use_index = fast_eligible && no_claim_writes;
        let mut pods: Vec<Arc<Object>> = if use_index {
            Vec::new()
        } else {
            self.claim_pods(set, &selector, ctx)?
        };

        // UpdateStatefulSet: revisions, the round, status, history.
        let mut revisions = list_revisions(ctx.api, set);
        revisions::sort_revisions(&mut revisions);
        let (current_obj, update_obj, collision_count) =
            match get_revisions(ctx, set, &revisions, cache) {
                Ok(v) => v,
                Err(e) => {
                    if use_index {
                        pods = self.claim_pods(set, &selector, ctx)?;
                    }
                    let live = self.live_revisions(key, false, &pods);
                    truncate_history(ctx, set, &live, &revisions, None, None);
                    return Err(e);
                }
            };
        let (current, update) = (as_revision(&current_obj), as_revision(&update_obj));
        // `ApplyRevision` of both (the same revision applies to the same set).
        let us = cache.apply(set, update);
        let other_current_set =
            (current.metadata.uid != update.metadata.uid).then(|| cache.apply(set, current));
        let current_set = other_current_set.as_ref().unwrap_or(&us);
        // Quietness and counts of the index for this round's revisions; a condemned pod
        // sends the round down the full walk (scale-down), with the pods listed after all —
        // the claiming loop writes nothing here, so running it after the revisions is the same.
        let mut fast = false;
        if use_index {
            if let Some(idx) = self.indexes.get_mut(key) {
                let api = &*ctx.api;
                idx.refresh_members(
                    set,
                    &current.metadata.name,
                    &update.metadata.name,
                    api,
                    |p| {
                        let quiet = control::is_quiet(api, set, &us, p);
                        let parallel = !quiet
                            && set.is_parallel()
                            && control::is_quiet_parallel(api, set, &us, p);
                        (quiet, parallel)
                    },
                );
                fast = idx.condemned.is_empty();
            }
            if !fast {
                pods = self.claim_pods(set, &selector, ctx)?;
            }
        }
        // The Parallel creation cap is a rate (one batch per CAPPED_REQUEUE_MS), not per sync:
        // pod events trigger syncs far more often than that.
        let throttle_end = self
            .throttled_until
            .get(key)
            .copied()
            .filter(|&t| ctx.now < t);
        let throttled = throttle_end.is_some();
        if let Some(t) = throttle_end {
            // The cluster's workqueue keeps only the earliest pending reconcile of a key, so an
            // event-driven sync before `t` consumes the capped requeue: ask for it again.
            ctx.requeue_after(key.clone(), t.since(ctx.now));
        }
        let budget = if throttled {
            0
        } else {
            control::PARALLEL_CREATES_PER_SYNC
        };
        let slice = self.slice();
        let (status, round) = match (fast, self.indexes.get(key)) {
            (true, Some(idx)) => match control::update_stateful_set_fast(
                ctx,
                set,
                current,
                update,
                current_set,
                &us,
                collision_count,
                idx,
                budget,
                slice,
                None,
            ) {
                control::FastRound::Done(status, round) => (status, round),
                control::FastRound::Yielded(progress) => {
                    self.pending = Some(Box::new(PendingRound {
                        key: key.clone(),
                        set: set.clone(),
                        current: current_obj.clone(),
                        update: update_obj.clone(),
                        update_set: us,
                        current_set: other_current_set,
                        collision_count,
                        revisions,
                        throttled,
                        budget,
                        progress,
                    }));
                    return Ok(());
                }
            },
            _ => control::update_stateful_set(
                ctx,
                set,
                current,
                update,
                current_set,
                &us,
                collision_count,
                &pods,
                budget,
            ),
        };
        self.end_sync(
            key,
            set,
            EndOfRound {
                status,
                round,
                fast,
                pods: &pods,
                revisions: &revisions,
                current,
                update,
                throttled,
            },
            ctx,
        )
    }

    /// The end of a sync once its round is done: the status, the history, the requeues.
    fn end_sync(
        &mut self,
        key: &ObjectRef,
        set: &StatefulSet,
        end: EndOfRound<'_>,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), String> {
        let EndOfRound {
            status,
            round,
            fast,
            pods,
            revisions,
            current,
            update,
            throttled,
        } = end;
        let status_result = update_status(ctx, set, status);
        let live = self.live_revisions(key, fast, pods);
        truncate_history(ctx, set, &live, revisions, Some(current), Some(update));
        let outcome = round?;
        let status = status_result?;
        if outcome.capped && !throttled {
            // One capped batch per virtual second: `replicas: 2147483647` grows the set at a
            // bounded rate instead of flooding a single instant.
            self.throttled_until
                .insert(key.clone(), ctx.now.plus_ms(CAPPED_REQUEUE_MS));
            ctx.requeue_after(key.clone(), CAPPED_REQUEUE_MS);
        } else if !outcome.capped {
            self.throttled_until.remove(key);
        }
        // syncStatefulSet: one more sync after minReadySeconds while not all are available.
        if set.min_ready_seconds() > 0 && status.available_replicas != set.replicas() {
            ctx.requeue_after(key.clone(), set.min_ready_seconds() as u64 * 1000);
        }
        Ok(())
    }
}

// By hand, out of line: the derives were inlined into `Cluster`'s (+2 kB of wasm).
impl Clone for PendingRound {
    #[inline(never)]
    fn clone(&self) -> PendingRound {
        PendingRound {
            key: self.key.clone(),
            set: self.set.clone(),
            current: self.current.clone(),
            update: self.update.clone(),
            update_set: self.update_set.clone(),
            current_set: self.current_set.clone(),
            collision_count: self.collision_count,
            revisions: self.revisions.clone(),
            throttled: self.throttled,
            budget: self.budget,
            progress: self.progress.clone(),
        }
    }
}

impl std::fmt::Debug for PendingRound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingRound")
            .field("key", &self.key)
            .field("progress", &self.progress)
            .finish_non_exhaustive()
    }
}

/// What the end of a sync reads from its round.
struct EndOfRound<'a> {
    status: crate::objects::StatefulSetStatus,
    round: Result<control::RoundOutcome, String>,
    /// The round ran over the index (the pods were not listed).
    fast: bool,
    pods: &'a [Arc<Object>],
    revisions: &'a [Arc<Object>],
    current: &'a ControllerRevision,
    update: &'a ControllerRevision,
    throttled: bool,
}

/// `ListRevisions` → `history.ListControllerRevisions`: revisions in the namespace matching the
/// selector that are orphans or controlled by this set.
fn list_revisions(api: &ApiServer, set: &StatefulSet) -> Vec<Arc<Object>> {
    let Some(sel) = &set.spec.selector else {
        return Vec::new();
    };
    api.list_objects(Kind::ControllerRevision, Some(set.metadata.ns()))
        .filter(|o| {
            ControllerRevision::from_object(o).is_some_and(|r| {
                sel.matches(&r.metadata.labels)
                    && r.metadata
                        .controller_ref()
                        .is_none_or(|c| c.uid == set.metadata.uid)
            })
        })
        .cloned()
        .collect()
}

/// Delay before the next sync after Parallel creation hit its per-sync cap.
pub const CAPPED_REQUEUE_MS: u64 = 1_000;

/// How many names `CreateControllerRevision` tries before giving up on a round (upstream loops
/// until it finds a free name; each collision needs a different revision under that name).
const MAX_REVISION_NAME_ATTEMPTS: u32 = 64;

/// `getStatefulSetRevisions`: (current, update, collisionCount). `revisions` are sorted.
fn get_revisions(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    revisions: &[Arc<Object>],
    cache: &mut revisions::RevisionCache,
) -> Result<(Arc<Object>, Arc<Object>, i32), String> {
    let ns = set.metadata.ns().to_string();
    let mut collision_count = set.status.collision_count.unwrap_or(0);
    let next = revisions.last().map_or(1, |r| as_revision(r).revision + 1);
    // `newRevision(set, next, collisionCount)`: its data is the set's patch (memoized).
    let patch = cache.patch(set);
    let equal: Vec<&Arc<Object>> = revisions
        .iter()
        .filter(|r| as_revision(r).data == patch.data)
        .collect();
    let update = match (equal.last(), revisions.last()) {
        (Some(eq), Some(last))
            if Arc::ptr_eq(eq, last)
                || revisions::equal_revision(as_revision(last), as_revision(eq)) =>
        {
            last.clone()
        }
        (Some(eq), _) => {
            // Rollback: the equal older revision gets the next number.
            if as_revision(eq).revision != next {
                let mut bumped = as_revision(eq).clone();
                bumped.revision = next;
                let obj = ctx
                    .api
                    .update(bumped.into(), ACTOR)
                    .map_err(|e| e.to_string())?;
                let bumped = ControllerRevision::from_object(&obj)
                    .ok_or("revision update returned another kind")?;
                why(
                    ctx,
                    Kind::ControllerRevision,
                    &ns,
                    &bumped.metadata.name,
                    StsReason::RolledBack {
                        revision: bumped.metadata.name.clone(),
                        number: bumped.revision,
                    },
                );
                obj
            } else {
                (*eq).clone()
            }
        }
        (None, _) => {
            let candidate = patch.new_revision(set, next, collision_count);
            // CreateControllerRevision: on a name taken by other data, bump collisionCount.
            let mut attempt = 0;
            loop {
                attempt += 1;
                if attempt > MAX_REVISION_NAME_ATTEMPTS {
                    return Err("could not find a free ControllerRevision name".into());
                }
                let hash = patch.hash(collision_count);
                let mut clone = candidate.clone();
                clone.metadata.name = revisions::revision_name(&set.metadata.name, &hash);
                match ctx.api.create(clone.clone().into(), ACTOR) {
                    Ok(obj) => {
                        let created = ControllerRevision::from_object(&obj)
                            .ok_or("revision create returned another kind")?;
                        why(
                            ctx,
                            Kind::ControllerRevision,
                            &ns,
                            &created.metadata.name,
                            StsReason::CreatedRevision {
                                revision: created.metadata.name.clone(),
                                number: created.revision,
                            },
                        );
                        break obj;
                    }
                    Err(e) if e.reason == StatusReason::AlreadyExists => {
                        let existing = ctx
                            .api
                            .get_object(Kind::ControllerRevision, &ns, &clone.metadata.name)
                            .filter(|o| ControllerRevision::from_object(o).is_some())
                            .cloned()
                            .ok_or_else(|| e.to_string())?;
                        if as_revision(&existing).data == clone.data {
                            break existing;
                        }
                        collision_count = collision_count.saturating_add(1);
                        why(
                            ctx,
                            Kind::StatefulSet,
                            &ns,
                            &set.metadata.name,
                            StsReason::RevisionNameCollision { collision_count },
                        );
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
        }
    };
    let current = revisions
        .iter()
        .find(|r| as_revision(r).metadata.name == set.status.current_revision)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok((current, update, collision_count))
}

/// `updateStatefulSetStatus`: `completeRollingUpdate`, then write only if inconsistent.
fn update_status(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    mut status: crate::objects::StatefulSetStatus,
) -> Result<crate::objects::StatefulSetStatus, String> {
    let replicas = set.replicas();
    if !set.is_on_delete()
        && status.updated_replicas == replicas
        && status.ready_replicas == replicas
        && status.replicas == replicas
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
    let old = &set.status;
    let inconsistent = status.observed_generation.unwrap_or(0)
        > old.observed_generation.unwrap_or(0)
        || status.replicas != old.replicas
        || status.current_replicas != old.current_replicas
        || status.ready_replicas != old.ready_replicas
        || status.updated_replicas != old.updated_replicas
        || status.current_revision != old.current_revision
        || status.available_replicas != old.available_replicas
        || status.update_revision != old.update_revision;
    if !inconsistent {
        return Ok(status);
    }
    // The status updater re-reads the set on conflict; here the store is the informer.
    if ctx
        .api
        .get::<StatefulSet>(set.metadata.ns(), &set.metadata.name)
        .is_none()
    {
        return Ok(status);
    }
    let completed = status.current_revision == status.update_revision
        && old.current_revision != status.current_revision
        && !old.current_revision.is_empty();
    // The status subresource takes only `status` from the request (the rest is the stored
    // object's): name the set and send its new status, without cloning the stored copy.
    let fresh = StatefulSet {
        metadata: crate::objects::ObjectMeta::named(Some(set.metadata.ns()), &set.metadata.name),
        status: crate::objects::StatefulSetStatus {
            conditions: Vec::new(),
            ..status.clone()
        },
        ..Default::default()
    };
    ctx.api
        .update_status(fresh.into(), ACTOR)
        .map_err(|e| e.to_string())?;
    let ns = set.metadata.ns().to_string();
    if completed {
        why(
            ctx,
            Kind::StatefulSet,
            &ns,
            &set.metadata.name,
            StsReason::RolloutComplete {
                revision: status.update_revision.clone(),
            },
        );
    }
    why(
        ctx,
        Kind::StatefulSet,
        &ns,
        &set.metadata.name,
        StsReason::UpdatedStatus {
            replicas: status.replicas,
            ready: status.ready_replicas,
            current: status.current_replicas,
            updated: status.updated_replicas,
        },
    );
    Ok(status)
}

/// `truncateHistory`: delete non-live revisions beyond `revisionHistoryLimit`, oldest first.
fn truncate_history(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    pod_revisions: &VecSet<String>,
    revisions: &[Arc<Object>],
    current: Option<&ControllerRevision>,
    update: Option<&ControllerRevision>,
) {
    let limit = set.spec.revision_history_limit.unwrap_or(10);
    if limit < 0 {
        return;
    }
    let mut live: VecSet<&str> = VecSet::new();
    live.extend(current.map(|r| r.metadata.name.as_str()));
    live.extend(update.map(|r| r.metadata.name.as_str()));
    live.extend(pod_revisions.iter().map(String::as_str));
    let history: Vec<&ControllerRevision> = revisions
        .iter()
        .map(|r| as_revision(r))
        .filter(|r| !live.contains(r.metadata.name.as_str()))
        .collect();
    let excess = history.len().saturating_sub(limit as usize);
    let ns = set.metadata.ns().to_string();
    for r in history.into_iter().take(excess) {
        if ctx
            .api
            .delete(
                Kind::ControllerRevision,
                &ns,
                &r.metadata.name,
                &Default::default(),
                ACTOR,
            )
            .is_err()
        {
            return;
        }
        why(
            ctx,
            Kind::ControllerRevision,
            &ns,
            &r.metadata.name,
            StsReason::TruncatedHistory {
                revision: r.metadata.name.clone(),
                limit,
            },
        );
    }
}

impl StatefulSetController {
    /// `getPodsForStatefulSet` → `ClaimPods` with the `isMemberOf` filter: adopts matching
    /// orphans, releases controlled pods that stopped matching, returns the set's pods.
    fn claim_pods(
        &self,
        set: &StatefulSet,
        selector: &crate::objects::LabelSelector,
        ctx: &mut Ctx<'_>,
    ) -> Result<Vec<Arc<Object>>, String> {
        let ns = set.metadata.ns().to_string();
        let mut pods: Vec<Arc<Object>> = Vec::new();
        for name in self.candidates(&ns, &set.metadata.name) {
            let Some(obj) = ctx.api.get_object(Kind::Pod, &ns, &name).cloned() else {
                continue;
            };
            let Some(pod) = Pod::from_object(&obj) else {
                continue;
            };
            let matches = selector.matches(&pod.metadata.labels) && utils::is_member_of(set, &name);
            match pod.metadata.controller_ref() {
                Some(r) if r.uid != set.metadata.uid => {}
                Some(_) if matches => pods.push(obj.clone()),
                Some(_) => {
                    if set.metadata.is_deleting() {
                        continue;
                    }
                    let mut released = pod.clone();
                    released
                        .metadata
                        .owner_references
                        .retain(|r| r.uid != set.metadata.uid);
                    match ctx.api.update(released.into(), ACTOR) {
                        Ok(_) => why(
                            ctx,
                            Kind::Pod,
                            &ns,
                            &name,
                            StsReason::ReleasedPod { pod: name.clone() },
                        ),
                        Err(e) if e.reason == StatusReason::NotFound => {}
                        Err(e) => return Err(e.to_string()),
                    }
                }
                None => {
                    if set.metadata.is_deleting() || !matches || pod.metadata.is_deleting() {
                        continue;
                    }
                    let mut adopted = pod.clone();
                    adopted
                        .metadata
                        .owner_references
                        .push(utils::set_controller_ref(set));
                    match ctx.api.update(adopted.into(), ACTOR) {
                        Ok(_) => {
                            why(
                                ctx,
                                Kind::Pod,
                                &ns,
                                &name,
                                StsReason::AdoptedPod { pod: name.clone() },
                            );
                            // Upstream keeps the pre-adoption copy in the claimed list.
                            pods.push(obj.clone());
                        }
                        Err(e) if e.reason == StatusReason::NotFound => {}
                        Err(e) => return Err(e.to_string()),
                    }
                }
            }
        }
        Ok(pods)
    }
}
