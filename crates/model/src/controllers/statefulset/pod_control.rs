//! Port of upstream `stateful_pod_control.go`: create/update/delete a member pod, its claims
//! (`createPersistentVolumeClaims`), the retention-policy ownerReferences, and the Events
//! (`recordPodEvent` / `recordClaimEvent`) with their exact texts.

use super::reason::StsReason;
use super::utils::{self, ordinal_of};
use crate::api::{DeleteOptions, StatusReason};
use crate::controllers::Ctx;
use crate::objects::{Kind, ObjectRef, PersistentVolumeClaim, Pod, StatefulSet};
use crate::reason::Reason;

pub const ACTOR: &str = "statefulset-controller";

pub fn why(ctx: &mut Ctx<'_>, kind: Kind, ns: &str, name: &str, r: StsReason) {
    ctx.reason(ObjectRef::new(kind, ns, name), Reason::StatefulSet(r));
}

/// `utilerrors.NewAggregate(errs).Error()`: one error as is, several as `[a, b]` (deduplicated).
pub fn aggregate(errs: &[String]) -> Option<String> {
    let mut seen: Vec<&String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => None,
        1 => Some(seen[0].clone()),
        _ => Some(format!(
            "[{}]",
            seen.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `recordPodEvent`
pub fn record_pod_event(
    ctx: &mut Ctx<'_>,
    verb: &str,
    set: &StatefulSet,
    pod: &str,
    err: Option<&str>,
) {
    let title = title_case(verb);
    match err {
        None => ctx.event(
            Kind::StatefulSet,
            &set.metadata,
            "Normal",
            &format!("Successful{title}"),
            format!(
                "{verb} Pod {pod} in StatefulSet {} successful",
                set.metadata.name
            ),
        ),
        Some(e) => ctx.event(
            Kind::StatefulSet,
            &set.metadata,
            "Warning",
            &format!("Failed{title}"),
            format!(
                "{verb} Pod {pod} in StatefulSet {} failed error: {e}",
                set.metadata.name
            ),
        ),
    }
}

/// `recordClaimEvent`
fn record_claim_event(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    pod: &str,
    claim: &str,
    err: Option<&str>,
) {
    match err {
        None => ctx.event(
            Kind::StatefulSet,
            &set.metadata,
            "Normal",
            "SuccessfulCreate",
            format!(
                "create Claim {claim} Pod {pod} in StatefulSet {} success",
                set.metadata.name
            ),
        ),
        Some(e) => ctx.event(
            Kind::StatefulSet,
            &set.metadata,
            "Warning",
            "FailedCreate",
            format!(
                "create Claim {claim} for Pod {pod} in StatefulSet {} failed error: {e}",
                set.metadata.name
            ),
        ),
    }
}

fn title_case(verb: &str) -> String {
    let mut c = verb.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `createPersistentVolumeClaims`: creates the claims that do not exist (in template order);
/// a claim being deleted is an error (`pvc www-web-0 is being deleted`).
pub fn create_claims(ctx: &mut Ctx<'_>, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    let mut errs = Vec::new();
    let ns = set.metadata.ns().to_string();
    let ordinal = ordinal_of(&pod.metadata.name);
    // `claims_for`, each claim built only when it is missing.
    for t in &set.spec.volume_claim_templates {
        let name = utils::claim_name(&t.metadata.name, set, ordinal);
        match ctx.api.get::<PersistentVolumeClaim>(&ns, &name) {
            None => match ctx
                .api
                .create(utils::claim_for(set, t, ordinal).into(), ACTOR)
            {
                Ok(_) => {
                    record_claim_event(ctx, set, &pod.metadata.name, &name, None);
                    why(
                        ctx,
                        Kind::PersistentVolumeClaim,
                        &ns,
                        &name,
                        StsReason::CreatedClaim {
                            pvc: name.clone(),
                            pod: pod.metadata.name.clone(),
                        },
                    );
                }
                Err(e) => {
                    errs.push(format!("failed to create PVC {name}: {e}"));
                    if e.reason != StatusReason::AlreadyExists {
                        record_claim_event(
                            ctx,
                            set,
                            &pod.metadata.name,
                            &name,
                            Some(&e.to_string()),
                        );
                    }
                }
            },
            Some(existing) if existing.metadata.is_deleting() => {
                errs.push(format!("pvc {name} is being deleted"));
            }
            Some(_) => {}
        }
    }
    aggregate(&errs).map_or(Ok(()), Err)
}

/// `CreateStatefulPod`: claims first, then the pod, then the claims' retention ownerRefs.
pub fn create_pod(ctx: &mut Ctx<'_>, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    let (ns, name) = (set.metadata.ns().to_string(), pod.metadata.name.clone());
    if let Err(e) = create_claims(ctx, set, pod) {
        record_pod_event(ctx, "create", set, &name, Some(&e));
        why(
            ctx,
            Kind::Pod,
            &ns,
            &name,
            StsReason::CreateFailed {
                pod: name.clone(),
                error: e.clone(),
            },
        );
        return Err(e);
    }
    match ctx.api.create(pod.clone().into(), ACTOR) {
        // AlreadyExists is sunk without an event (the informer is just behind).
        Err(e) if e.reason == StatusReason::AlreadyExists => Err(e.to_string()),
        Err(e) => {
            let e = e.to_string();
            record_pod_event(ctx, "create", set, &name, Some(&e));
            why(
                ctx,
                Kind::Pod,
                &ns,
                &name,
                StsReason::CreateFailed {
                    pod: name.clone(),
                    error: e.clone(),
                },
            );
            Err(e)
        }
        Ok(_) => {
            if let Err(e) = update_claims_for_retention(ctx, set, pod) {
                record_pod_event(ctx, "update", set, &name, Some(&e));
                return Err(e);
            }
            record_pod_event(ctx, "create", set, &name, None);
            why(
                ctx,
                Kind::Pod,
                &ns,
                &name,
                StsReason::CreatedMissingOrdinal {
                    pod: name.clone(),
                    ordinal: ordinal_of(&name) as i32,
                },
            );
            Ok(())
        }
    }
}

/// `DeleteStatefulPod`: default options (the pod's own grace period); claims are kept.
/// The error is the API's message (`pods "web-2" not found` for NotFound).
pub fn delete_pod(ctx: &mut Ctx<'_>, set: &StatefulSet, pod: &Pod) -> Result<(), String> {
    let name = pod.metadata.name.clone();
    match ctx.api.delete(
        Kind::Pod,
        set.metadata.ns(),
        &name,
        &DeleteOptions::default(),
        ACTOR,
    ) {
        Ok(_) => {
            record_pod_event(ctx, "delete", set, &name, None);
            Ok(())
        }
        Err(e) => {
            let msg = e.to_string();
            record_pod_event(ctx, "delete", set, &name, Some(&msg));
            Err(msg)
        }
    }
}

/// `UpdateStatefulPod`: fixes identity, storage and claim retention on a fresh copy.
pub fn update_pod(ctx: &mut Ctx<'_>, set: &StatefulSet, pod_name: &str) -> Result<(), String> {
    let ns = set.metadata.ns().to_string();
    // Re-read: a pod adopted earlier in this sync changed since the claim list was taken
    // (upstream retries on the resulting conflict with the informer's copy).
    let Some(mut pod) = ctx.api.get::<Pod>(&ns, pod_name).cloned() else {
        return Err(format!("pods \"{pod_name}\" not found"));
    };
    let mut consistent = true;
    if !utils::identity_matches(set, &pod) {
        utils::update_identity(set, &mut pod);
        consistent = false;
    }
    if !utils::storage_matches(set, &pod) {
        utils::update_storage(set, &mut pod);
        consistent = false;
        if let Err(e) = create_claims(ctx, set, &pod) {
            record_pod_event(ctx, "update", set, pod_name, Some(&e));
            return Err(e);
        }
    }
    if !claims_match_retention(ctx, set, &pod) {
        if let Err(e) = update_claims_for_retention(ctx, set, &pod) {
            record_pod_event(ctx, "update", set, pod_name, Some(&e));
            return Err(e);
        }
        consistent = false;
    }
    if consistent {
        return Ok(());
    }
    let result = ctx
        .api
        .update(pod.into(), ACTOR)
        .map(|_| ())
        .map_err(|e| e.to_string());
    record_pod_event(
        ctx,
        "update",
        set,
        pod_name,
        result.as_ref().err().map(|s| s.as_str()),
    );
    if result.is_ok() {
        why(
            ctx,
            Kind::Pod,
            &ns,
            pod_name,
            StsReason::UpdatedIdentity {
                pod: pod_name.into(),
            },
        );
    }
    result
}

/// `ClaimsMatchRetentionPolicy` (missing claims are picked up on a later round).
pub fn claims_match_retention(ctx: &Ctx<'_>, set: &StatefulSet, pod: &Pod) -> bool {
    claims_match_retention_in(ctx.api, set, pod)
}

/// [`claims_match_retention`] against the store directly.
pub fn claims_match_retention_in(
    api: &crate::api::ApiServer,
    set: &StatefulSet,
    pod: &Pod,
) -> bool {
    let ordinal = ordinal_of(&pod.metadata.name);
    set.spec.volume_claim_templates.iter().all(|t| {
        let name = utils::claim_name(&t.metadata.name, set, ordinal);
        api.get::<PersistentVolumeClaim>(set.metadata.ns(), &name)
            .is_none_or(|c| utils::claim_owner_up_to_date(c, set, pod))
    })
}

/// `UpdatePodClaimForRetentionPolicy`
pub fn update_claims_for_retention(
    ctx: &mut Ctx<'_>,
    set: &StatefulSet,
    pod: &Pod,
) -> Result<(), String> {
    let ordinal = ordinal_of(&pod.metadata.name);
    let ns = set.metadata.ns().to_string();
    for t in &set.spec.volume_claim_templates {
        let name = utils::claim_name(&t.metadata.name, set, ordinal);
        let Some(claim) = ctx.api.get::<PersistentVolumeClaim>(&ns, &name) else {
            continue;
        };
        if utils::has_unexpected_controller(claim, set, pod) {
            ctx.event(
                Kind::StatefulSet,
                &set.metadata,
                "Warning",
                "ConflictingController",
                format!("PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"),
            );
            why(
                ctx,
                Kind::PersistentVolumeClaim,
                &ns,
                &name,
                StsReason::ConflictingClaimController { pvc: name.clone() },
            );
        } else if !utils::claim_owner_up_to_date(claim, set, pod) {
            let mut claim = claim.clone();
            utils::update_claim_owner_refs(&mut claim, set, pod);
            ctx.api.update(claim.into(), ACTOR).map_err(|e| {
                format!("could not update claim {name} for delete policy ownerRefs: {e}")
            })?;
            why(
                ctx,
                Kind::PersistentVolumeClaim,
                &ns,
                &name,
                StsReason::UpdatedClaimRetention { pvc: name.clone() },
            );
        }
    }
    Ok(())
}

/// `PodClaimIsStale`: under `whenScaled: Delete`, a claim with a ref to a pod of this name but
/// another UID (here: any UID, the pod is not created yet) blocks creation. Returns the claim.
pub fn stale_claim(ctx: &Ctx<'_>, set: &StatefulSet, pod: &Pod) -> Option<String> {
    if set.when_scaled() != "Delete" {
        return None;
    }
    utils::claims_for(set, ordinal_of(&pod.metadata.name))
        .into_iter()
        .find(|c| {
            ctx.api
                .get::<PersistentVolumeClaim>(set.metadata.ns(), &c.metadata.name)
                .is_some_and(|pvc| {
                    utils::has_stale_ref(pvc, "v1", "Pod", &pod.metadata.name, &pod.metadata.uid)
                })
        })
        .map(|c| c.metadata.name)
}
