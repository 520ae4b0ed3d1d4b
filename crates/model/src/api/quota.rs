//! ResourceQuota: the admission check (`plugin/pkg/admission/resourcequota`, evaluator
//! `CheckRequest`) and the usage the quota controller keeps in `status.used`.
//!
//! Ordinal evaluates object-count quotas (`pods`, `services`, `persistentvolumeclaims`,
//! `count/<resource>[.<group>]`) and storage requests (`requests.storage`,
//! `<class>.storageclass.storage.k8s.io/requests.storage` and `/persistentvolumeclaims`).
//! Compute-resource quotas (`requests.cpu`, …) are not evaluated: such keys are carried in
//! `status.hard` with no usage. Usage is recomputed from the store, i.e. as if the quota
//! controller had always just synced, so admission never sees stale `status.used`.

use super::error::ApiError;
use super::quantity::{self, Quantity};
use super::server::ApiServer;
use crate::objects::{Kind, Object, PersistentVolumeClaim, Pod, ResourceQuota};
use crate::vecmap::VecMap;
use serde_json::Value;

/// Kinds whose writes can change some quota's usage (and the quota itself).
pub fn affects_usage(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Pod
            | Kind::Service
            | Kind::PersistentVolumeClaim
            | Kind::ResourceQuota
            | Kind::StatefulSet
            | Kind::ControllerRevision
            | Kind::Endpoints
            | Kind::EndpointSlice
            | Kind::Event
    )
}

/// `QuotaV1Pod`: terminal pods do not count.
fn pod_counts(p: &Pod) -> bool {
    !p.is_terminal()
}

fn pvc_storage(pvc: &PersistentVolumeClaim) -> Quantity {
    pvc.requested_storage()
        .and_then(|s| quantity::parse(&s).ok())
        .unwrap_or_else(Quantity::zero)
}

fn one() -> Quantity {
    Quantity {
        millis: 1000,
        format: quantity::Format::DecimalSI,
    }
}

/// What one object contributes to `resource`; `None` when Ordinal does not evaluate it.
pub fn object_usage(obj: &Object, resource: &str) -> Option<Quantity> {
    let zero = Quantity::zero();
    let count_of = |k: Kind| -> Quantity {
        if obj.kind() == k {
            match obj {
                Object::Pod(p) if !pod_counts(p) => zero,
                _ => one(),
            }
        } else {
            zero
        }
    };
    if let Some(res) = resource.strip_prefix("count/") {
        let k = Kind::ALL
            .iter()
            .copied()
            .find(|k| k.qualified_resource() == res)?;
        return Some(count_of(k));
    }
    if let Some((class, what)) = resource.split_once(".storageclass.storage.k8s.io/") {
        let Object::PersistentVolumeClaim(pvc) = obj else {
            return Some(zero);
        };
        if pvc.spec.storage_class_name.as_deref() != Some(class) {
            return Some(zero);
        }
        return match what {
            "requests.storage" => Some(pvc_storage(pvc)),
            "persistentvolumeclaims" => Some(one()),
            _ => None,
        };
    }
    match resource {
        "pods" => Some(count_of(Kind::Pod)),
        "services" => Some(count_of(Kind::Service)),
        "persistentvolumeclaims" => Some(count_of(Kind::PersistentVolumeClaim)),
        "resourcequotas" => Some(count_of(Kind::ResourceQuota)),
        "requests.storage" => Some(match obj {
            Object::PersistentVolumeClaim(pvc) => pvc_storage(pvc),
            _ => zero,
        }),
        _ => None,
    }
}

/// Current usage of `resource` in `ns`, or `None` when Ordinal does not evaluate it.
pub fn usage(api: &ApiServer, ns: &str, resource: &str) -> Option<Quantity> {
    let probe = object_usage(&Object::Pod(Pod::default()), resource)?;
    let _ = probe;
    let kinds: &[Kind] = match resource {
        "pods" => &[Kind::Pod],
        "services" => &[Kind::Service],
        "persistentvolumeclaims" | "requests.storage" => &[Kind::PersistentVolumeClaim],
        "resourcequotas" => &[Kind::ResourceQuota],
        r if r.contains(".storageclass.storage.k8s.io/") => &[Kind::PersistentVolumeClaim],
        _ => Kind::ALL,
    };
    let mut total = Quantity::zero();
    for &k in kinds {
        if !k.namespaced() {
            continue;
        }
        for o in api.list_objects(k, Some(ns)) {
            if let Some(q) = object_usage(o, resource) {
                total = total.plus(q);
            }
        }
    }
    Some(total)
}

fn hard_quantity(v: &Value) -> Option<Quantity> {
    match v {
        Value::String(s) => quantity::parse(s).ok(),
        Value::Number(n) => quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

fn pretty(map: &VecMap<String, Quantity>) -> String {
    map.iter()
        .map(|(k, q)| format!("{k}={}", quantity::format(q)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The ResourceQuota admission check for a create: 403
/// `pods "web-2" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`
/// (only the exceeded resources, sorted; the first quota that fails, in name order).
pub fn admit_create(api: &ApiServer, obj: &Object) -> Result<(), ApiError> {
    let kind = obj.kind();
    if !kind.namespaced() {
        return Ok(());
    }
    let ns = obj.meta().ns();
    for q in api.list::<ResourceQuota>(Some(ns)) {
        let mut requested = VecMap::new();
        let mut used = VecMap::new();
        let mut limited = VecMap::new();
        for (res, hard) in &q.spec.hard {
            let Some(req) = object_usage(obj, res) else {
                continue;
            };
            if req.is_zero() {
                continue;
            }
            let Some(hard) = hard_quantity(hard) else {
                continue;
            };
            let now = usage(api, ns, res).unwrap_or_else(Quantity::zero);
            if now.plus(req) > hard {
                requested.insert(res.clone(), req);
                used.insert(res.clone(), now);
                limited.insert(res.clone(), hard);
            }
        }
        if !requested.is_empty() {
            return Err(ApiError::forbidden(
                kind,
                &obj.meta().name,
                format!(
                    "{} \"{}\" is forbidden: exceeded quota: {}, requested: {}, used: {}, limited: {}",
                    kind.qualified_resource(),
                    obj.meta().name,
                    q.metadata.name,
                    pretty(&requested),
                    pretty(&used),
                    pretty(&limited)
                ),
            ));
        }
    }
    Ok(())
}

/// Recomputes `status.hard`/`status.used` of every quota in `ns` and writes those that changed
/// (what the resourcequota controller does after each relevant change).
pub fn refresh(api: &mut ApiServer, ns: &str) {
    let quotas: Vec<ResourceQuota> = api.list::<ResourceQuota>(Some(ns)).cloned().collect();
    for q in quotas {
        let mut status = q.status.clone();
        let hard = q.spec.hard.iter().map(|(k, v)| {
            let canon = hard_quantity(v)
                .map(|h| Value::String(quantity::format(&h)))
                .unwrap_or_else(|| v.clone());
            (k.clone(), canon)
        });
        status.hard = VecMap::from_iter(hard);
        let used = q.spec.hard.keys().filter_map(|k| {
            usage(api, ns, k).map(|u| (k.clone(), Value::String(quantity::format(&u))))
        });
        status.used = VecMap::from_iter(used);
        if status != q.status {
            let mut nq = q.clone();
            nq.status = status;
            let _ = api.update_status(Object::ResourceQuota(nq), "resourcequota-controller");
        }
    }
}
