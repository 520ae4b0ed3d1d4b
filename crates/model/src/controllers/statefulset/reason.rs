//! Why the StatefulSet controller acted or stopped: one variant per action and per stop point
//! of upstream `stateful_set_control.go` (`updateStatefulSet`, `processReplica`,
//! `processCondemned`, the rolling update loop) and of the claiming / revision steps.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a pod the controller waits on is missing (`isRunningAndReady` / `isRunningAndAvailable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PodState {
    /// Created but not yet Running with Ready=True.
    NotRunningAndReady,
    /// Running and Ready, but not yet for `minReadySeconds`.
    NotAvailable,
    /// Being deleted (graceful termination in progress).
    Terminating,
}

impl fmt::Display for PodState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PodState::NotRunningAndReady => "is not Running and Ready",
            PodState::NotAvailable => "is not yet available (minReadySeconds)",
            PodState::Terminating => "is terminating",
        })
    }
}

/// Why the StatefulSet controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StsReason {
    // ---- claiming (ClaimPods, AdoptOrphanRevisions) -------------------------------------
    /// An orphan pod matching the selector and named `<set>-<n>` got this set as controller.
    AdoptedPod { pod: String },
    /// A pod this set controlled no longer matches its selector (or name): ownerReference removed.
    ReleasedPod { pod: String },
    /// An orphan ControllerRevision matching the selector was adopted.
    AdoptedRevision { revision: String },

    // ---- revisions (getStatefulSetRevisions, truncateHistory) ---------------------------
    /// The template changed: a new ControllerRevision was created.
    CreatedRevision { revision: String, number: i64 },
    /// The template equals an older revision: that revision is reused with a bumped number.
    RolledBack { revision: String, number: i64 },
    /// A revision name was taken by different data: collisionCount was incremented.
    RevisionNameCollision { collision_count: i32 },
    /// Old revisions beyond `revisionHistoryLimit` were deleted.
    TruncatedHistory { revision: String, limit: i32 },

    // ---- processReplica ---------------------------------------------------------------
    /// A Failed or Succeeded pod was deleted; it is recreated with the same name later.
    DeletedFailedPod { pod: String, phase: String },
    /// The Failed/Succeeded pod is still being removed; its replacement waits.
    WaitingForFailedPodRemoval { pod: String },
    /// `whenScaled: Delete` and a claim still points at an older pod: creation waits.
    WaitingForStalePvc { pod: String, pvc: String },
    /// A claim from volumeClaimTemplates was created before its pod.
    CreatedClaim { pvc: String, pod: String },
    /// The pod for a missing ordinal was created.
    CreatedMissingOrdinal { pod: String, ordinal: i32 },
    /// Creating the pod (or its claims) failed; the message is the FailedCreate event's error.
    CreateFailed { pod: String, error: String },
    /// OrderedReady: a pod waits until its predecessor `blocker` is Running and Ready (or available).
    WaitingForPredecessor {
        pod: String,
        blocker: String,
        state: PodState,
    },
    /// OrderedReady: the last replica is not Running and Ready; scale-down and updates wait.
    ReplicaNotReady { pod: String, state: PodState },
    /// OrderedReady: nothing above `pod` proceeds until it has terminated.
    WaitingForTermination { pod: String },
    /// OrderedReady: `pod` is Ready but not yet for `min_ready_seconds`.
    WaitingForAvailability { pod: String, min_ready_seconds: i64 },
    /// The pod's identity, storage or claim ownerReferences were fixed with an update.
    UpdatedIdentity { pod: String },
    /// The claim's ownerReferences were changed to match the retention policy.
    UpdatedClaimRetention { pvc: String },
    /// The claim has another controller; the retention policy is ignored for it.
    ConflictingClaimController { pvc: String },

    // ---- processCondemned ---------------------------------------------------------------
    /// A pod beyond the ordinal range was deleted (scale-down).
    DeletedCondemned { pod: String, ordinal: i32 },
    /// OrderedReady scale-down waits for the condemned pod to finish terminating.
    WaitingForCondemnedTermination { pod: String },
    /// OrderedReady scale-down waits until an unhealthy pod is healthy again.
    BlockedByUnhealthyPod { pod: String, state: PodState },

    // ---- updates ------------------------------------------------------------------------
    /// RollingUpdate: a pod not at the update revision was deleted (recreated at it).
    DeletedOutdatedRevision {
        pod: String,
        revision: String,
        partition: i32,
    },
    /// RollingUpdate waits for the pod just updated to become available.
    WaitingForUpdatedPod { pod: String },
    /// maxUnavailable: more pods are unavailable than allowed; the update waits.
    WaitingForMaxUnavailable {
        unavailable: i64,
        max_unavailable: i64,
    },
    /// OnDelete: pods at an older revision are replaced only when the user deletes them.
    OnDeleteWaitsForUser { outdated: i64 },
    /// Every replica is at the update revision: the current revision advanced.
    RolloutComplete { revision: String },

    // ---- the set itself -------------------------------------------------------------------
    /// The set is being deleted: only its status is maintained.
    SetBeingDeleted,
    /// Status written (counts or revisions changed).
    UpdatedStatus {
        replicas: i32,
        ready: i32,
        current: i32,
        updated: i32,
    },
    /// Parallel creation hit the per-sync cap; the rest follows on the next sync.
    CreationBatchCapped { created: u32 },
}

impl fmt::Display for StsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StsReason::*;
        match self {
            AdoptedPod { pod } => write!(f, "adopted orphan pod {pod}: it matches the selector and is named like a member"),
            ReleasedPod { pod } => write!(f, "released pod {pod}: it no longer matches the selector"),
            AdoptedRevision { revision } => write!(f, "adopted orphan revision {revision}"),
            CreatedRevision { revision, number } => {
                write!(f, "the pod template changed: created revision {revision} (#{number})")
            }
            RolledBack { revision, number } => write!(
                f,
                "the template equals an earlier one: reusing revision {revision} as #{number} (rollback)"
            ),
            RevisionNameCollision { collision_count } => write!(
                f,
                "revision name already taken by different data: collisionCount is now {collision_count}"
            ),
            TruncatedHistory { revision, limit } => write!(
                f,
                "deleted old revision {revision} (revisionHistoryLimit {limit})"
            ),
            DeletedFailedPod { pod, phase } => write!(
                f,
                "deleted {phase} pod {pod}; it will be replaced with the same name"
            ),
            WaitingForFailedPodRemoval { pod } => {
                write!(f, "{pod} waits: the old {pod} is still being removed")
            }
            WaitingForStalePvc { pod, pvc } => write!(
                f,
                "{pod} waits: claim {pvc} still belongs to an earlier {pod} (whenScaled: Delete)"
            ),
            CreatedClaim { pvc, pod } => write!(f, "created claim {pvc} for {pod}"),
            CreatedMissingOrdinal { pod, ordinal } => {
                write!(f, "created {pod}: ordinal {ordinal} was missing")
            }
            CreateFailed { pod, error } => write!(f, "could not create {pod}: {error}"),
            WaitingForPredecessor {
                pod,
                blocker,
                state,
            } => write!(f, "{pod} waits: {blocker} {state} (OrderedReady)"),
            ReplicaNotReady { pod, state } => write!(
                f,
                "{pod} {state}: scale-down and updates wait (OrderedReady)"
            ),
            WaitingForTermination { pod } => write!(
                f,
                "waiting for {pod} to terminate before going on (OrderedReady)"
            ),
            WaitingForAvailability {
                pod,
                min_ready_seconds,
            } => write!(
                f,
                "waiting for {pod} to be Ready for {min_ready_seconds}s (minReadySeconds)"
            ),
            UpdatedIdentity { pod } => {
                write!(f, "fixed {pod}'s identity labels, volumes or claim owners")
            }
            UpdatedClaimRetention { pvc } => write!(
                f,
                "set the ownerReferences of claim {pvc} to match the retention policy"
            ),
            ConflictingClaimController { pvc } => write!(
                f,
                "claim {pvc} has another controller: its retention policy is ignored"
            ),
            DeletedCondemned { pod, ordinal } => write!(
                f,
                "deleted {pod}: ordinal {ordinal} is outside the set's range (scale down)"
            ),
            WaitingForCondemnedTermination { pod } => {
                write!(f, "scale down waits for {pod} to terminate (OrderedReady)")
            }
            BlockedByUnhealthyPod { pod, state } => write!(
                f,
                "scale down waits: {pod} {state} (OrderedReady)"
            ),
            DeletedOutdatedRevision {
                pod,
                revision,
                partition,
            } => write!(
                f,
                "deleted {pod} to update it to revision {revision} (rolling update, partition {partition})"
            ),
            WaitingForUpdatedPod { pod } => write!(
                f,
                "rolling update waits for {pod} to be Running and Ready"
            ),
            WaitingForMaxUnavailable {
                unavailable,
                max_unavailable,
            } => write!(
                f,
                "rolling update waits: {unavailable} pods unavailable, maxUnavailable is {max_unavailable}"
            ),
            OnDeleteWaitsForUser { outdated } => write!(
                f,
                "OnDelete: {outdated} pods run an older revision until you delete them"
            ),
            RolloutComplete { revision } => {
                write!(f, "every replica runs revision {revision}: the update is complete")
            }
            SetBeingDeleted => f.write_str("the set is being deleted: only its status is updated"),
            UpdatedStatus {
                replicas,
                ready,
                current,
                updated,
            } => write!(
                f,
                "status: {replicas} replicas, {ready} ready, {current} current, {updated} updated"
            ),
            CreationBatchCapped { created } => write!(
                f,
                "created {created} pods this round (the per-sync cap); the rest follow"
            ),
        }
    }
}

impl StsReason {
    /// True for stop points (the sync ended without acting).
    pub fn is_wait(&self) -> bool {
        use StsReason::*;
        matches!(
            self,
            WaitingForFailedPodRemoval { .. }
                | WaitingForStalePvc { .. }
                | WaitingForPredecessor { .. }
                | ReplicaNotReady { .. }
                | WaitingForTermination { .. }
                | WaitingForAvailability { .. }
                | WaitingForCondemnedTermination { .. }
                | BlockedByUnhealthyPod { .. }
                | WaitingForUpdatedPod { .. }
                | WaitingForMaxUnavailable { .. }
                | OnDeleteWaitsForUser { .. }
                | SetBeingDeleted
        )
    }
}
