//! Port of upstream `stateful_set_utils.go`: names, ordinals, identity, storage, pod templates,
//! and the PVC retention-policy ownerReference rules.

use crate::objects::{
    OwnerReference, PersistentVolumeClaim, Pod, PvcVolumeSource, StatefulSet, Volume,
};
use crate::time::Time;

/// `apps.StatefulSetPodNameLabel`
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// `apps.PodIndexLabel` (PodIndexLabel feature, GA in 1.32)
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// `apps.StatefulSetRevisionLabel`
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// `getParentNameAndOrdinal`: the regex `(.*)-([0-9]+)$`; the ordinal must parse as int32.
///
/// Divergence (documented): upstream also accepts leading zeros (`web-01` has ordinal 1 and
/// competes with `web-1` for the same slot). Here such names get ordinal −1, so every ordinal
/// has at most one pod — they are still claimed and count nowhere, as upstream's loser does.
pub fn parent_and_ordinal(name: &str) -> (&str, i64) {
    let Some(dash) = name.rfind('-') else {
        return ("", -1);
    };
    let (parent, digits) = (&name[..dash], &name[dash + 1..]);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return ("", -1);
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return (parent, -1);
    }
    match digits.parse::<i32>() {
        Ok(n) => (parent, i64::from(n)),
        Err(_) => (parent, -1),
    }
}

pub fn ordinal_of(name: &str) -> i64 {
    parent_and_ordinal(name).1
}

/// `isMemberOf`: the pod's parent name (from its own name) is the set's name.
pub fn is_member_of(set: &StatefulSet, pod_name: &str) -> bool {
    // A name without a `-<digits>` suffix has no parent ("" never equals a set name).
    parent_and_ordinal(pod_name).0 == set.metadata.name
}

pub fn pod_name(set: &StatefulSet, ordinal: i64) -> String {
    format!("{}-{ordinal}", set.metadata.name)
}

pub fn claim_name(template: &str, set: &StatefulSet, ordinal: i64) -> String {
    format!("{template}-{}-{ordinal}", set.metadata.name)
}

/// `getStartOrdinal`
pub fn start_ordinal(set: &StatefulSet) -> i64 {
    i64::from(set.ordinal_start())
}

/// `getEndOrdinal` (may be `start - 1` when replicas is 0).
pub fn end_ordinal(set: &StatefulSet) -> i64 {
    start_ordinal(set) + i64::from(set.replicas().max(0)) - 1
}

pub fn in_ordinal_range(set: &StatefulSet, ordinal: i64) -> bool {
    ordinal >= start_ordinal(set) && ordinal <= end_ordinal(set)
}

pub fn pod_revision(pod: &Pod) -> &str {
    pod.metadata
        .labels
        .get(REVISION_LABEL)
        .map_or("", String::as_str)
}

/// `metav1.NewControllerRef(set, controllerKind)`
pub fn set_controller_ref(set: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.metadata.name.clone(),
        uid: set.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

pub fn pod_controller_ref(pod: &Pod) -> OwnerReference {
    OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

// ---- pod predicates (isCreated, isRunningAndReady, …) ---------------------------------------

pub fn is_created(pod: &Pod) -> bool {
    pod.is_created()
}
pub fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}
pub fn is_running_and_ready(pod: &Pod) -> bool {
    pod.is_running_and_ready()
}
/// `isRunningAndAvailable` = `podutil.IsPodAvailable(pod, minReadySeconds, now)`. The phase check
/// is added here: upstream relies on the kubelet never reporting Ready for a non-Running pod.
pub fn is_running_and_available(pod: &Pod, min_ready_seconds: i64, now: Time) -> bool {
    pod.phase() == "Running" && pod.is_available(min_ready_seconds, now)
}
/// `isUnavailable`: not available, or terminating.
pub fn is_unavailable(pod: &Pod, min_ready_seconds: i64, now: Time) -> bool {
    !is_running_and_available(pod, min_ready_seconds, now) || is_terminating(pod)
}
pub fn is_failed_or_succeeded(pod: &Pod) -> bool {
    matches!(pod.phase(), "Failed" | "Succeeded")
}
pub fn is_pending(pod: &Pod) -> bool {
    pod.phase() == "Pending"
}

// ---- identity and storage --------------------------------------------------------------------

/// `identityMatches`
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let (parent, ordinal) = parent_and_ordinal(&pod.metadata.name);
    ordinal >= 0
        && set.metadata.name == parent
        && pod.metadata.name == pod_name(set, ordinal)
        && pod.metadata.namespace == set.metadata.namespace
        && pod.metadata.labels.get(POD_NAME_LABEL) == Some(&pod.metadata.name)
}

/// `updateIdentity` (name and namespace are already right for any pod we can hold).
pub fn update_identity(set: &StatefulSet, pod: &mut Pod) {
    let ordinal = ordinal_of(&pod.metadata.name);
    pod.metadata.name = pod_name(set, ordinal);
    pod.metadata.namespace = set.metadata.namespace.clone();
    pod.metadata
        .labels
        .insert(POD_NAME_LABEL.into(), pod.metadata.name.clone());
    pod.metadata
        .labels
        .insert(POD_INDEX_LABEL.into(), ordinal.to_string());
}

/// `storageMatches`
pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let ordinal = ordinal_of(&pod.metadata.name);
    if ordinal < 0 {
        return false;
    }
    set.spec.volume_claim_templates.iter().all(|t| {
        let want = claim_name(&t.metadata.name, set, ordinal);
        pod.spec.volumes.iter().any(|v| {
            v.name == t.metadata.name
                && v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|c| c.claim_name == want)
        })
    })
}

/// `getPersistentVolumeClaims`: the claims a pod of `ordinal` uses, in template order (upstream
/// returns a map; template order makes creation order deterministic).
pub fn claims_for(set: &StatefulSet, ordinal: i64) -> Vec<PersistentVolumeClaim> {
    set.spec
        .volume_claim_templates
        .iter()
        .map(|t| claim_for(set, t, ordinal))
        .collect()
}

/// The claim of `claims_for` made from template `t` (its name is `claim_name(t, set, ordinal)`).
pub fn claim_for(
    set: &StatefulSet,
    t: &PersistentVolumeClaim,
    ordinal: i64,
) -> PersistentVolumeClaim {
    let mut claim = t.clone();
    claim.metadata.name = claim_name(&t.metadata.name, set, ordinal);
    claim.metadata.namespace = set.metadata.namespace.clone();
    if let Some(sel) = &set.spec.selector {
        for (k, v) in &sel.match_labels {
            claim.metadata.labels.insert(k.clone(), v.clone());
        }
    }
    claim.status = Default::default();
    claim
}

/// `updateStorage`: one PVC volume per claim template (replacing same-named volumes), then the
/// pod's other volumes.
pub fn update_storage(set: &StatefulSet, pod: &mut Pod) {
    let ordinal = ordinal_of(&pod.metadata.name);
    let templates = &set.spec.volume_claim_templates;
    let mut volumes: Vec<Volume> = templates
        .iter()
        .map(|t| Volume {
            name: t.metadata.name.clone(),
            persistent_volume_claim: Some(PvcVolumeSource {
                claim_name: claim_name(&t.metadata.name, set, ordinal),
                read_only: Some(false),
            }),
            extra: Default::default(),
        })
        .collect();
    for v in &pod.spec.volumes {
        if !templates.iter().any(|t| t.metadata.name == v.name) {
            volumes.push(v.clone());
        }
    }
    pod.spec.volumes = volumes;
}

/// `newStatefulSetPod` + `setPodRevision`: `controller.GetPodFromTemplate` (labels, annotations,
/// finalizers, spec, `generateName: <set>-`, controller ref), `initIdentity`, `updateStorage`.
pub fn new_pod(set: &StatefulSet, ordinal: i64, revision: &str) -> Pod {
    let t = &set.spec.template;
    let mut pod = Pod::default();
    pod.metadata.labels = t.metadata.labels.clone();
    pod.metadata.annotations = t.metadata.annotations.clone();
    pod.metadata.finalizers = t.metadata.finalizers.clone();
    pod.metadata.generate_name = Some(format!("{}-", set.metadata.name));
    pod.metadata.namespace = set.metadata.namespace.clone();
    pod.metadata.owner_references = vec![set_controller_ref(set)];
    pod.spec = t.spec.clone();
    pod.metadata.name = pod_name(set, ordinal);
    update_identity(set, &mut pod);
    pod.spec.hostname = Some(pod.metadata.name.clone());
    pod.spec.subdomain = set.spec.service_name.clone().filter(|s| !s.is_empty());
    update_storage(set, &mut pod);
    pod.metadata
        .labels
        .insert(REVISION_LABEL.into(), revision.into());
    pod
}

// ---- retention policy (isClaimOwnerUpToDate, updateClaimOwnerRefForSetAndPod) ---------------

fn matches_ref(r: &OwnerReference, api_version: &str, kind: &str, name: &str) -> bool {
    r.api_version == api_version && r.kind == kind && r.name == name
}

fn has_owner_ref(claim: &PersistentVolumeClaim, uid: &str) -> bool {
    !uid.is_empty() && claim.metadata.owner_references.iter().any(|r| r.uid == uid)
}

/// `hasStaleOwnerRef`: a ref naming the owner but with another UID.
pub fn has_stale_ref(
    claim: &PersistentVolumeClaim,
    api_version: &str,
    kind: &str,
    name: &str,
    uid: &str,
) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .any(|r| matches_ref(r, api_version, kind, name) && r.uid != uid)
}

fn retain_retain(set: &StatefulSet) -> bool {
    set.when_scaled() != "Delete" && set.when_deleted() != "Delete"
}

/// `hasUnexpectedController`
pub fn has_unexpected_controller(
    claim: &PersistentVolumeClaim,
    set: &StatefulSet,
    pod: &Pod,
) -> bool {
    if retain_retain(set) {
        return false;
    }
    for r in &claim.metadata.owner_references {
        if matches_ref(r, "apps/v1", "StatefulSet", &set.metadata.name) {
            if r.uid != set.metadata.uid {
                return true;
            }
            continue;
        }
        if matches_ref(r, "v1", "Pod", &pod.metadata.name) {
            if r.uid != pod.metadata.uid {
                return true;
            }
            continue;
        }
        if r.controller == Some(true) {
            return true;
        }
    }
    false
}

fn has_non_controller_owner(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    claim.metadata.owner_references.iter().any(|r| {
        (r.uid == set.metadata.uid || (!pod.metadata.uid.is_empty() && r.uid == pod.metadata.uid))
            && r.controller != Some(true)
    })
}

/// `isClaimOwnerUpToDate`
pub fn claim_owner_up_to_date(claim: &PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) -> bool {
    if has_stale_ref(
        claim,
        "apps/v1",
        "StatefulSet",
        &set.metadata.name,
        &set.metadata.uid,
    ) || has_stale_ref(claim, "v1", "Pod", &pod.metadata.name, &pod.metadata.uid)
    {
        return true;
    }
    let set_ref = has_owner_ref(claim, &set.metadata.uid);
    let pod_ref = has_owner_ref(claim, &pod.metadata.uid);
    if has_unexpected_controller(claim, set, pod) {
        return !(set_ref || pod_ref);
    }
    if has_non_controller_owner(claim, set, pod) {
        return false;
    }
    let scaled_down = !in_ordinal_range(set, ordinal_of(&pod.metadata.name));
    match (
        set.when_scaled() == "Delete",
        set.when_deleted() == "Delete",
    ) {
        (false, false) => !set_ref && !pod_ref,
        (false, true) => set_ref && !pod_ref,
        (true, false) => !set_ref && scaled_down == pod_ref,
        (true, true) => scaled_down != set_ref && scaled_down == pod_ref,
    }
}

/// `updateClaimOwnerRefForSetAndPod`
pub fn update_claim_owner_refs(claim: &mut PersistentVolumeClaim, set: &StatefulSet, pod: &Pod) {
    let unexpected = has_unexpected_controller(claim, set, pod);
    claim.metadata.owner_references.retain(|r| {
        !(matches_ref(r, "apps/v1", "StatefulSet", &set.metadata.name)
            || matches_ref(r, "v1", "Pod", &pod.metadata.name))
    });
    if unexpected {
        return;
    }
    let scaled_down = !in_ordinal_range(set, ordinal_of(&pod.metadata.name));
    let add = |claim: &mut PersistentVolumeClaim, r: OwnerReference| {
        if !claim
            .metadata
            .owner_references
            .iter()
            .any(|x| x.uid == r.uid)
        {
            claim.metadata.owner_references.push(r);
        }
    };
    match (
        set.when_scaled() == "Delete",
        set.when_deleted() == "Delete",
    ) {
        (false, false) => {}
        (false, true) => add(claim, set_controller_ref(set)),
        (true, false) => {
            if scaled_down {
                add(claim, pod_controller_ref(pod));
            }
        }
        (true, true) => {
            if scaled_down {
                add(claim, pod_controller_ref(pod));
            } else {
                add(claim, set_controller_ref(set));
            }
        }
    }
}
