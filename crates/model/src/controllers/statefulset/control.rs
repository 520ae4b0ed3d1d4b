//! Port of upstream `stateful_set_control.go` `updateStatefulSet`, `processReplica`,
//! `processCondemned`, the rolling update (with and without `MaxUnavailableStatefulSet`) and
//! `updateStatefulSetStatus`, round for round.
//!
//! Bounded work (no per-replica allocation up front): upstream builds a slice of
//! `spec.replicas` pods, filling gaps with not-yet-created stubs. Here replicas are a map of the
//! pods that exist, and a stub is built only for the ordinal about to be created. Every loop
//! over ordinals stops at a missing one, except Parallel creation, which creates at most
//! [`PARALLEL_CREATES_PER_SYNC`] pods per sync (upstream would create them all in one sync)
//! and requeues itself.

use super::index::SetIndex;
use super::pod_control::{self, why};
use super::reason::{PodState, StsReason};
use super::utils::{self, *};
use crate::api::ApiServer;
use crate::controllers::Ctx;
use crate::objects::{
    ControllerRevision, IntOrString, Kind, Object, Pod, StatefulSet, StatefulSetStatus, Typed,
};
use crate::time::Time;
use crate::vecmap::VecMap;
use std::sync::Arc;

/// upstream `MaxBatchSize`: the largest slow-start batch.
pub const MAX_BATCH_SIZE: usize = 500;
/// The model's cap on pods one Parallel sync creates (upstream: unbounded). With 4 × 500 a
/// 10 000-replica scale-up needs five syncs a few virtual ms apart.
pub const PARALLEL_CREATES_PER_SYNC: u32 = 2_000;

pub fn as_pod(o: &Arc<Object>) -> Option<&Pod> {
    Pod::from_object(o)
}

/// Pods a Parallel round over the index creates before it hands control back
/// ([`FastRound::Yielded`]): one sync that creates 200 pods, their claims and their Events was
/// the page's longest frame (tens of ms of cold wasm). The cluster resumes the round before
/// anything else runs, at the same instant (`Cluster::run_until_bounded`), so the writes, their
/// order and every reason are the single sync's; only the wall-clock work is split.
pub const CREATES_PER_SLICE: u32 = 16;

/// Where a Parallel round stopped between two creations: everything the rest of the round
/// reads (the pods as read at the start of the sync, the status counted then, the slow-start
/// error bookkeeping).
#[derive(Clone, Default)]
pub struct ParallelProgress {
    next_ord: i64,
    created: u32,
    errs: Vec<String>,
    stop_after: Option<i64>,
    snapshot: VecMap<i64, Option<Arc<Object>>>,
    status: StatefulSetStatus,
}

impl std::fmt::Debug for ParallelProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParallelProgress")
            .field("next_ord", &self.next_ord)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// How a round over the index ended: done (the status to write and the outcome), or
/// stopped between two creations, to be resumed.
pub enum FastRound {
    Done(StatefulSetStatus, Result<RoundOutcome, String>),
    Yielded(ParallelProgress),
}

/// What one round decided besides the status.
#[derive(Debug, Default)]
pub struct RoundOutcome {
    /// Parallel creation stopped at the per-sync cap: sync again soon.
    pub capped: bool,
}

struct Round<'s> {
    set: &'s StatefulSet,
    current_set: &'s StatefulSet,
    update_set: &'s StatefulSet,
    current_rev: String,
    update_rev: String,
    monotonic: bool,
    min_ready: i64,
    now: Time,
    start: i64,
    end: i64,
    ns: String,
}

/// The status a round starts from: its revisions and generation, counts still to fill.
fn round_status(r: &Round<'_>, collision_count: i32) -> StatefulSetStatus {
    StatefulSetStatus {
        observed_generation: Some(r.set.metadata.generation),
        current_revision: r.current_rev.clone(),
        update_revision: r.update_rev.clone(),
        collision_count: Some(collision_count),
        ..Default::default()
    }
}

fn count_status(status: &mut StatefulSetStatus, r: &Round<'_>, pods: &[&Pod]) {
    status.replicas = 0;
    status.ready_replicas = 0;
    status.available_replicas = 0;
    status.current_replicas = 0;
    status.updated_replicas = 0;
    for p in pods {
        if is_created(p) {
            status.replicas += 1;
        }
        if is_running_and_ready(p) {
            status.ready_replicas += 1;
            if is_running_and_available(p, r.min_ready, r.now) {
                status.available_replicas += 1;
            }
        }
        if is_created(p) && !is_terminating(p) {
            let rev = pod_revision(p);
            if rev == r.current_rev {
                status.current_replicas += 1;
            }
            if rev == r.update_rev {
                status.updated_replicas += 1;
            }
        }
    }
}

fn state_of(pod: &Pod) -> PodState {
    if is_terminating(pod) {
        PodState::Terminating
    } else if !is_running_and_ready(pod) {
        PodState::NotRunningAndReady
    } else {
        PodState::NotAvailable
    }
}

/// `newVersionedStatefulSetPod`
fn new_versioned_pod(r: &Round<'_>, ordinal: i64) -> Pod {
    let s = r.current_set;
    let rolling = !s.is_on_delete();
    let below = match s.partition() {
        Some(p) => ordinal < r.start + i64::from(p),
        None => ordinal < r.start + i64::from(s.status.current_replicas),
    };
    if rolling && below {
        utils::new_pod(r.current_set, ordinal, &r.current_rev)
    } else {
        utils::new_pod(r.update_set, ordinal, &r.update_rev)
    }
}

/// `updateStatefulSet`. Returns the status to write and the round's error, if any.
/// `current_set` and `update_set` are `ApplyRevision` of `set` with `current` and `update`.
#[allow(clippy::too_many_arguments)]
pub fn update_stateful_set(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    current: &ControllerRevision,
    update: &ControllerRevision,
    current_set: &StatefulSet,
    update_set: &StatefulSet,
    collision_count: i32,
    pods: &[Arc<Object>],
    create_budget: u32,
) -> (StatefulSetStatus, Result<RoundOutcome, String>) {
    let r = Round {
        set,
        current_set,
        update_set,
        current_rev: current.metadata.name.clone(),
        update_rev: update.metadata.name.clone(),
        monotonic: !set.is_parallel(),
        min_ready: set.min_ready_seconds(),
        now: ctx.now,
        start: start_ordinal(set),
        end: end_ordinal(set),
        ns: set.metadata.ns().to_string(),
    };
    let mut status = round_status(&r, collision_count);
    let all: Vec<&Pod> = pods.iter().filter_map(as_pod).collect();
    count_status(&mut status, &r, &all);

    // Partition into replicas (in range, by ordinal) and condemned (descending ordinal).
    let mut replicas: VecMap<i64, &Pod> = VecMap::new();
    let mut condemned: Vec<&Pod> = Vec::new();
    for p in &all {
        let ord = ordinal_of(&p.metadata.name);
        if in_ordinal_range(set, ord) {
            replicas.insert(ord, p);
        } else if ord >= 0 {
            condemned.push(p);
        }
    }
    crate::sort::sort_by_key(&mut condemned, |p| {
        std::cmp::Reverse(ordinal_of(&p.metadata.name))
    });

    // The first unavailable pod: the lowest missing ordinal (a stub is unavailable) or the
    // first unavailable existing replica, else the lowest-ordinal unavailable condemned pod.
    let first_missing = {
        let mut expected = r.start;
        for &k in replicas.keys() {
            if k != expected {
                break;
            }
            expected += 1;
        }
        (expected <= r.end).then_some(expected)
    };
    let first_unavailable_existing = replicas
        .iter()
        .find(|(_, p)| is_unavailable(p, r.min_ready, r.now))
        .map(|(&o, p)| (o, p.metadata.name.clone()));
    let first_unavailable: Option<String> = match (first_missing, first_unavailable_existing) {
        (Some(m), Some((o, name))) => Some(if o < m { name } else { pod_name(set, m) }),
        (Some(m), None) => Some(pod_name(set, m)),
        (None, Some((_, name))) => Some(name),
        (None, None) => condemned
            .iter()
            .rev()
            .find(|p| is_unavailable(p, r.min_ready, r.now))
            .map(|p| p.metadata.name.clone()),
    };

    let set_name = set.metadata.name.clone();
    if set.metadata.is_deleting() {
        why(
            ctx,
            Kind::StatefulSet,
            &r.ns,
            &set_name,
            StsReason::SetBeingDeleted,
        );
        return (status, Ok(RoundOutcome::default()));
    }

    let recount =
        |status: &mut StatefulSetStatus, replicas: &VecMap<i64, &Pod>, condemned: &[&Pod]| {
            let list: Vec<&Pod> = replicas
                .values()
                .copied()
                .chain(condemned.iter().copied())
                .collect();
            count_status(status, &r, &list);
        };

    // ---- processReplica over the replicas, ascending --------------------------------------
    let mut outcome = RoundOutcome::default();
    if r.monotonic {
        let mut ord = r.start;
        while ord <= r.end {
            match process_replica(ctx, &r, ord, replicas.get(&ord).copied()) {
                Ok(false) => {}
                Ok(true) => {
                    recount(&mut status, &replicas, &condemned);
                    return (status, Ok(outcome));
                }
                Err(e) => {
                    recount(&mut status, &replicas, &condemned);
                    return (status, Err(e));
                }
            }
            ord += 1;
        }
    } else {
        // slowStartBatch(1, …): batches 1, 2, 4, … up to MaxBatchSize; stop after a batch with errors.
        let (mut batch, mut in_batch) = (1usize, 0usize);
        let mut errs: Vec<String> = Vec::new();
        let mut created = 0u32;
        let mut ord = r.start;
        while ord <= r.end {
            let slot = replicas.get(&ord).copied();
            if slot.is_none() {
                if created >= create_budget {
                    outcome.capped = true;
                    why(
                        ctx,
                        Kind::StatefulSet,
                        &r.ns,
                        &set_name,
                        StsReason::CreationBatchCapped { created },
                    );
                    break;
                }
                created += 1;
            }
            if let Err(e) = process_replica(ctx, &r, ord, slot) {
                errs.push(e);
            }
            in_batch += 1;
            if in_batch == batch {
                if !errs.is_empty() {
                    break;
                }
                batch = (batch * 2).min(MAX_BATCH_SIZE);
                in_batch = 0;
            }
            ord += 1;
        }
        if let Some(e) = pod_control::aggregate(&errs) {
            recount(&mut status, &replicas, &condemned);
            return (status, Err(e));
        }
        if outcome.capped {
            recount(&mut status, &replicas, &condemned);
            return (status, Ok(outcome));
        }
    }

    // ---- fix claims of condemned pods for the retention policy -----------------------------
    if !set.spec.volume_claim_templates.is_empty() {
        let mut errs = Vec::new();
        for p in &condemned {
            if !pod_control::claims_match_retention(ctx, r.update_set, p) {
                if let Err(e) = pod_control::update_claims_for_retention(ctx, r.update_set, p) {
                    errs.push(e);
                    if r.monotonic {
                        break;
                    }
                }
            }
        }
        if let Some(e) = pod_control::aggregate(&errs) {
            recount(&mut status, &replicas, &condemned);
            return (status, Err(e));
        }
    }

    // ---- processCondemned, descending -------------------------------------------------------
    let mut errs = Vec::new();
    for p in &condemned {
        match process_condemned(ctx, &r, p, first_unavailable.as_deref()) {
            Ok(true) if r.monotonic => {
                recount(&mut status, &replicas, &condemned);
                return (status, Ok(outcome));
            }
            Err(e) => {
                errs.push(e);
                if r.monotonic {
                    break;
                }
            }
            _ => {}
        }
    }
    recount(&mut status, &replicas, &condemned);
    if let Some(e) = pod_control::aggregate(&errs) {
        return (status, Err(e));
    }

    // ---- updates ------------------------------------------------------------------------------
    if set.is_on_delete() {
        let outdated = replicas
            .values()
            .filter(|p| pod_revision(p) != r.update_rev)
            .count() as i64;
        if outdated > 0 {
            why(
                ctx,
                Kind::StatefulSet,
                &r.ns,
                &set_name,
                StsReason::OnDeleteWaitsForUser { outdated },
            );
        }
        return (status, Ok(outcome));
    }
    let partition = i64::from(set.partition().unwrap_or(0));
    if ctx.api.gates.max_unavailable_stateful_set {
        let result = rolling_update_max_unavailable(ctx, &r, &replicas, partition, &mut status);
        return (status, result.map(|()| outcome));
    }
    // Highest ordinal first, down to the partition: delete the first outdated pod, or wait
    // on the first unavailable one (a missing ordinal is an unavailable stub).
    let low = r.start + partition;
    let mut ord = r.end;
    while ord >= low {
        if let Some(result) = rolling_update_ordinal(
            ctx,
            set,
            &r,
            ord,
            replicas.get(&ord).copied(),
            partition,
            &mut status,
        ) {
            return (status, result.map(|()| outcome));
        }
        ord -= 1;
    }
    (status, Ok(outcome))
}

/// One ordinal of `updateStatefulSet`'s RollingUpdate loop (highest ordinal first, down to the
/// partition), shared by the full round and the indexed fast path. `Some` ends the round: the
/// first outdated pod was deleted, or the first unavailable one is waited on (a missing ordinal
/// is an unavailable stub); `None` moves on to the next lower ordinal.
fn rolling_update_ordinal(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    r: &Round<'_>,
    ord: i64,
    pod: Option<&Pod>,
    partition: i64,
    status: &mut StatefulSetStatus,
) -> Option<Result<(), String>> {
    let Some(p) = pod else {
        let name = pod_name(set, ord);
        why(
            ctx,
            Kind::Pod,
            &r.ns,
            &name.clone(),
            StsReason::WaitingForUpdatedPod { pod: name },
        );
        return Some(Ok(()));
    };
    if pod_revision(p) != r.update_rev && !is_terminating(p) {
        if let Err(e) = pod_control::delete_pod(ctx, set, p) {
            if !e.ends_with("not found") {
                return Some(Err(e));
            }
        }
        why(
            ctx,
            Kind::Pod,
            &r.ns,
            &p.metadata.name,
            StsReason::DeletedOutdatedRevision {
                pod: p.metadata.name.clone(),
                revision: r.update_rev.clone(),
                partition: partition as i32,
            },
        );
        status.current_replicas -= 1;
        return Some(Ok(()));
    }
    if is_unavailable(p, r.min_ready, r.now) {
        why(
            ctx,
            Kind::Pod,
            &r.ns,
            &p.metadata.name,
            StsReason::WaitingForUpdatedPod {
                pod: p.metadata.name.clone(),
            },
        );
        return Some(Ok(()));
    }
    None
}

/// `updateStatefulSetAfterInvariantEstablished` (feature `MaxUnavailableStatefulSet`).
fn rolling_update_max_unavailable(
    ctx: &mut Ctx<'_>,
    r: &Round<'_>,
    replicas: &VecMap<i64, &Pod>,
    partition: i64,
    status: &mut StatefulSetStatus,
) -> Result<(), String> {
    let replica_count = i64::from(r.set.replicas().max(0));
    let max_unavailable = max_unavailable(r.set, replica_count);
    let missing = replica_count - replicas.len() as i64;
    let unavailable = missing
        + replicas
            .values()
            .filter(|p| is_unavailable(p, r.min_ready, r.now))
            .count() as i64;
    if unavailable > max_unavailable {
        why(
            ctx,
            Kind::StatefulSet,
            &r.ns,
            &r.set.metadata.name,
            StsReason::WaitingForMaxUnavailable {
                unavailable,
                max_unavailable,
            },
        );
        return Ok(());
    }
    let to_delete = max_unavailable - unavailable;
    let mut deleted = 0;
    // Missing ordinals (stubs) carry the update revision above the partition: never deleted.
    for (&ord, p) in replicas.iter().rev() {
        if deleted >= to_delete || ord < r.start + partition {
            break;
        }
        if pod_revision(p) != r.update_rev && !is_terminating(p) {
            if let Err(e) = pod_control::delete_pod(ctx, r.set, p) {
                if !e.ends_with("not found") {
                    return Err(e);
                }
            }
            why(
                ctx,
                Kind::Pod,
                &r.ns,
                &p.metadata.name,
                StsReason::DeletedOutdatedRevision {
                    pod: p.metadata.name.clone(),
                    revision: r.update_rev.clone(),
                    partition: partition as i32,
                },
            );
            deleted += 1;
            status.current_replicas -= 1;
        }
    }
    Ok(())
}

/// `getStatefulSetMaxUnavailable`: int or percent of replicas (rounded down), at least 1.
fn max_unavailable(set: &StatefulSet, replicas: i64) -> i64 {
    let v = set
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.max_unavailable.clone())
        .unwrap_or(IntOrString::Int(1));
    let n = match v {
        IntOrString::Int(i) => i,
        IntOrString::Str(s) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<i64>().ok())
            .map_or(1, |pct| pct.saturating_mul(replicas) / 100),
    };
    n.max(1)
}

/// `processReplica`: `Ok(true)` = stop here (monotonic), `Err` = the round failed.
fn process_replica(
    ctx: &mut Ctx<'_>,
    r: &Round<'_>,
    ord: i64,
    slot: Option<&Pod>,
) -> Result<bool, String> {
    let ns = r.ns.as_str();
    let stub;
    let pod: &Pod = match slot {
        Some(p) => p,
        None => {
            stub = new_versioned_pod(r, ord);
            &stub
        }
    };
    let name = pod.metadata.name.clone();
    // 1. Failed or Succeeded: delete; the replacement comes once it is gone.
    if is_failed_or_succeeded(pod) {
        if !is_terminating(pod) {
            pod_control::delete_pod(ctx, r.set, pod)?;
            why(
                ctx,
                Kind::Pod,
                ns,
                &name,
                StsReason::DeletedFailedPod {
                    pod: name.clone(),
                    phase: pod.phase().into(),
                },
            );
        } else {
            why(
                ctx,
                Kind::Pod,
                ns,
                &name,
                StsReason::WaitingForFailedPodRemoval { pod: name.clone() },
            );
        }
        return Ok(true);
    }
    // 2. Not created: claims, then the pod.
    if !is_created(pod) {
        if let Some(pvc) = pod_control::stale_claim(ctx, r.set, pod) {
            why(
                ctx,
                Kind::Pod,
                ns,
                &name,
                StsReason::WaitingForStalePvc {
                    pod: name.clone(),
                    pvc,
                },
            );
            return Ok(true);
        }
        pod_control::create_pod(ctx, r.set, pod)?;
        if r.monotonic {
            return Ok(true);
        }
    }
    // 3. Pending: create claims that went missing.
    if utils::is_pending(pod) {
        pod_control::create_claims(ctx, r.set, pod)?;
        if let Err(e) = pod_control::update_claims_for_retention(ctx, r.set, pod) {
            pod_control::record_pod_event(ctx, "update", r.set, &name, Some(&e));
            return Err(e);
        }
    }
    if r.monotonic {
        // 4. Terminating.
        if is_terminating(pod) {
            why(
                ctx,
                Kind::Pod,
                ns,
                &name,
                StsReason::WaitingForTermination { pod: name.clone() },
            );
            return Ok(true);
        }
        // 5. Not Running and Ready.
        if !is_running_and_ready(pod) {
            let state = state_of(pod);
            if ord < r.end {
                let next = pod_name(r.set, ord + 1);
                why(
                    ctx,
                    Kind::Pod,
                    ns,
                    &next.clone(),
                    StsReason::WaitingForPredecessor {
                        pod: next,
                        blocker: name.clone(),
                        state,
                    },
                );
            } else {
                why(
                    ctx,
                    Kind::Pod,
                    ns,
                    &name,
                    StsReason::ReplicaNotReady {
                        pod: name.clone(),
                        state,
                    },
                );
            }
            return Ok(true);
        }
        // 6. Not available for minReadySeconds.
        if !is_running_and_available(pod, r.min_ready, r.now) {
            why(
                ctx,
                Kind::Pod,
                ns,
                &name,
                StsReason::WaitingForAvailability {
                    pod: name.clone(),
                    min_ready_seconds: r.min_ready,
                },
            );
            return Ok(true);
        }
    }
    // 7. Identity, storage and claim retention.
    if !is_created(pod) {
        // A stub created just now (Parallel) matches by construction.
        return Ok(false);
    }
    let retention_ok = pod_control::claims_match_retention(ctx, r.update_set, pod);
    if identity_matches(r.set, pod) && storage_matches(r.set, pod) && retention_ok {
        return Ok(false);
    }
    pod_control::update_pod(ctx, r.update_set, &name)?;
    Ok(false)
}

/// `processCondemned`: `Ok(true)` = stop here (monotonic).
fn process_condemned(
    ctx: &mut Ctx<'_>,
    r: &Round<'_>,
    pod: &Pod,
    first_unavailable: Option<&str>,
) -> Result<bool, String> {
    let ns = r.ns.as_str();
    let name = pod.metadata.name.clone();
    if is_terminating(pod) {
        if r.monotonic {
            why(
                ctx,
                Kind::Pod,
                ns,
                &name,
                StsReason::WaitingForCondemnedTermination { pod: name.clone() },
            );
            return Ok(true);
        }
        return Ok(false);
    }
    let is_first = first_unavailable == Some(name.as_str());
    if r.monotonic && !is_first && !is_running_and_available(pod, r.min_ready, r.now) {
        let blocker = first_unavailable.unwrap_or(&name).to_string();
        let state = if is_running_and_ready(pod) {
            PodState::NotAvailable
        } else {
            PodState::NotRunningAndReady
        };
        why(
            ctx,
            Kind::Pod,
            ns,
            &blocker.clone(),
            StsReason::BlockedByUnhealthyPod {
                pod: blocker,
                state,
            },
        );
        return Ok(true);
    }
    pod_control::delete_pod(ctx, r.set, pod)?;
    why(
        ctx,
        Kind::Pod,
        ns,
        &name,
        StsReason::DeletedCondemned {
            pod: name.clone(),
            ordinal: ordinal_of(&name) as i32,
        },
    );
    Ok(true)
}

/// A replica `processReplica` passes over without a write or a word (with `minReadySeconds`
/// 0): not failed, created, not Pending, not terminating, Running and Ready, identity,
/// storage and claim retention up to date. `update_set` is the set at its update revision.
pub fn is_quiet(api: &ApiServer, set: &StatefulSet, update_set: &StatefulSet, pod: &Pod) -> bool {
    !is_failed_or_succeeded(pod)
        && is_created(pod)
        && !is_pending(pod)
        && !is_terminating(pod)
        && is_running_and_ready(pod)
        && is_running_and_available(pod, 0, Time(0))
        && identity_matches(set, pod)
        && storage_matches(set, pod)
        && pod_control::claims_match_retention_in(api, update_set, pod)
}

/// A replica the Parallel `processReplica` passes over without a write or a word: not failed,
/// created, identity, storage and retention up to date, and when Pending, every claim present,
/// not being deleted, with no conflicting controller and its ownerReferences up to date
/// (`createPersistentVolumeClaims` and `UpdatePodClaimForRetentionPolicy` do nothing).
pub fn is_quiet_parallel(
    api: &ApiServer,
    set: &StatefulSet,
    update_set: &StatefulSet,
    pod: &Pod,
) -> bool {
    if is_failed_or_succeeded(pod) || !is_created(pod) {
        return false;
    }
    if is_pending(pod) {
        let ordinal = ordinal_of(&pod.metadata.name);
        let claims_settled = set.spec.volume_claim_templates.iter().all(|t| {
            let name = utils::claim_name(&t.metadata.name, set, ordinal);
            api.get::<crate::objects::PersistentVolumeClaim>(set.metadata.ns(), &name)
                .is_some_and(|c| {
                    !c.metadata.is_deleting()
                        && !utils::has_unexpected_controller(c, set, pod)
                        && utils::claim_owner_up_to_date(c, set, pod)
                })
        });
        if !claims_settled {
            return false;
        }
    }
    identity_matches(set, pod)
        && storage_matches(set, pod)
        && pod_control::claims_match_retention_in(api, update_set, pod)
}

/// The last position (0-based, from the start ordinal) of the `slowStartBatch` batch holding
/// `pos`: batches of 1, 2, 4, … then [`MAX_BATCH_SIZE`].
fn batch_end(pos: i64) -> i64 {
    let max = MAX_BATCH_SIZE as i64;
    let (mut start, mut size) = (0i64, 1i64);
    while size < max {
        if pos < start + size {
            return start + size - 1;
        }
        start += size;
        size = (size * 2).min(max);
    }
    start + ((pos - start) / max + 1) * max - 1
}

/// `updateStatefulSet` over the per-set index: the walks of `update_stateful_set` step over
/// runs of quiet replicas, which they would pass without a write or a word, so the decisions
/// and reasons are the same. The caller guarantees what makes that hold: the set is not being
/// deleted, `minReadySeconds` is 0, RollingUpdate without `MaxUnavailableStatefulSet`, no
/// condemned pod, and no claim to adopt or release.
#[allow(clippy::too_many_arguments)]
pub fn update_stateful_set_fast(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    current: &ControllerRevision,
    update: &ControllerRevision,
    current_set: &StatefulSet,
    update_set: &StatefulSet,
    collision_count: i32,
    idx: &SetIndex,
    create_budget: u32,
    creates_per_slice: u32,
    resume: Option<ParallelProgress>,
) -> FastRound {
    let r = Round {
        set,
        current_set,
        update_set,
        current_rev: current.metadata.name.clone(),
        update_rev: update.metadata.name.clone(),
        monotonic: !set.is_parallel(),
        min_ready: 0,
        now: ctx.now,
        start: start_ordinal(set),
        end: end_ordinal(set),
        ns: set.metadata.ns().to_string(),
    };
    // A resumed round goes on with what its first slice read and counted.
    let (mut status, mut snapshot, start_at, mut created, mut errs, mut stop_after) = match resume {
        Some(p) => (
            p.status,
            p.snapshot,
            p.next_ord,
            p.created,
            p.errs,
            p.stop_after,
        ),
        None => {
            let mut status = round_status(&r, collision_count);
            idx.counts.write_to(&mut status);
            (status, VecMap::new(), r.start, 0, Vec::new(), None)
        }
    };
    // The full walk reads the pods as claimed at the start of the sync; a pod is only written
    // while its own ordinal is processed, so fetching on first use and keeping it is the same.
    let fetch = |snapshot: &mut VecMap<i64, Option<Arc<Object>>>,
                 api: &ApiServer,
                 ord: i64|
     -> Option<Arc<Object>> {
        snapshot
            .entry(ord)
            .or_insert_with(|| {
                idx.existing.run_containing(ord)?;
                api.get_object(Kind::Pod, &r.ns, &pod_name(set, ord))
                    .cloned()
            })
            .clone()
    };
    let set_name = set.metadata.name.clone();
    let mut outcome = RoundOutcome::default();
    if r.monotonic {
        let mut ord = r.start;
        while ord <= r.end {
            if let Some((_, hi)) = idx.quiet.run_containing(ord) {
                ord = hi + 1;
                continue;
            }
            let obj = fetch(&mut snapshot, ctx.api, ord);
            match process_replica(ctx, &r, ord, obj.as_ref().and_then(as_pod)) {
                Ok(false) => {}
                Ok(true) => return FastRound::Done(status, Ok(outcome)),
                Err(e) => return FastRound::Done(status, Err(e)),
            }
            ord += 1;
        }
    } else {
        let mut created_in_slice = 0u32;
        let mut ord = start_at;
        while ord <= r.end {
            if stop_after.is_some_and(|s| ord > s) {
                break;
            }
            if let Some((_, hi)) = idx.quiet_parallel.run_containing(ord) {
                ord = hi + 1;
                continue;
            }
            let obj = fetch(&mut snapshot, ctx.api, ord);
            let creates = obj.is_none();
            if creates {
                if created >= create_budget {
                    outcome.capped = true;
                    why(
                        ctx,
                        Kind::StatefulSet,
                        &r.ns,
                        &set_name,
                        StsReason::CreationBatchCapped { created },
                    );
                    break;
                }
                created += 1;
            }
            if let Err(e) = process_replica(ctx, &r, ord, obj.as_ref().and_then(as_pod)) {
                errs.push(e);
            }
            if !errs.is_empty() && stop_after.is_none() {
                stop_after = Some(r.start + batch_end(ord - r.start));
            }
            ord += 1;
            if creates {
                created_in_slice += 1;
                if created_in_slice >= creates_per_slice && ord <= r.end {
                    return FastRound::Yielded(ParallelProgress {
                        next_ord: ord,
                        created,
                        errs,
                        stop_after,
                        snapshot,
                        status,
                    });
                }
            }
        }
        if let Some(e) = pod_control::aggregate(&errs) {
            return FastRound::Done(status, Err(e));
        }
        if outcome.capped {
            return FastRound::Done(status, Ok(outcome));
        }
    }
    // No condemned pods: their claim fixing and processCondemned have nothing to do.
    let partition = i64::from(set.partition().unwrap_or(0));
    let low = r.start + partition;
    let mut ord = r.end;
    while ord >= low {
        if let Some((lo, _)) = idx.quiet_updated.run_containing(ord) {
            ord = lo - 1;
            continue;
        }
        let obj = fetch(&mut snapshot, ctx.api, ord);
        let pod = obj.as_ref().and_then(as_pod);
        if let Some(result) = rolling_update_ordinal(ctx, set, &r, ord, pod, partition, &mut status)
        {
            return FastRound::Done(status, result.map(|()| outcome));
        }
        ord -= 1;
    }
    FastRound::Done(status, Ok(outcome))
}

#[cfg(test)]
mod tests {
    use super::batch_end;

    #[test]
    fn batch_ends_follow_slow_start() {
        // Walk the batches as slowStartBatch does and compare every position.
        let (mut batch, mut in_batch) = (1usize, 0usize);
        let mut ends = Vec::new();
        for pos in 0..3_000i64 {
            in_batch += 1;
            if in_batch == batch {
                ends.push(pos);
                batch = (batch * 2).min(super::MAX_BATCH_SIZE);
                in_batch = 0;
            }
        }
        let mut e = ends.iter();
        let mut current = *e.next().unwrap();
        for pos in 0..2_500i64 {
            if pos > current {
                current = *e.next().unwrap();
            }
            assert_eq!(batch_end(pos), current, "position {pos}");
        }
    }
}
