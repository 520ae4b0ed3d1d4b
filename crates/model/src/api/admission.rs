//! What the apiserver does to an object between decoding and storage: defaulting
//! (`SetDefaults_*`), admission plugins (DefaultStorageClass, ServiceAccount, NamespaceLifecycle,
//! ResourceQuota), the REST strategies' PrepareForCreate/PrepareForUpdate, and grace periods.

use super::defaults;
use super::error::{ApiError, StatusReason};
use super::server::{ApiServer, DeleteOptions};
use crate::objects::{Kind, Namespace, Object, StorageClass};

/// Kinds whose `metadata.generation` the apiserver maintains (bumped on spec change).
/// Pods carry it too in v1.34 (PodObservedGenerationTracking, beta and on in 1.34).
pub fn has_generation(kind: Kind) -> bool {
    matches!(kind, Kind::StatefulSet | Kind::Pod)
}

/// Kinds whose status can only be written through the status subresource.
pub fn has_status_subresource(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::StatefulSet
            | Kind::Pod
            | Kind::Node
            | Kind::Service
            | Kind::PersistentVolumeClaim
            | Kind::PersistentVolume
            | Kind::Namespace
            | Kind::ResourceQuota
    )
}

pub fn admit_create(api: &mut ApiServer, obj: &mut Object) -> Result<(), ApiError> {
    let kind = obj.kind();
    if kind.namespaced() {
        let ns = obj.meta().ns().to_string();
        if api.get::<Namespace>("", &ns).is_none() {
            return Err(ApiError {
                reason: StatusReason::NotFound,
                message: format!("namespaces \"{ns}\" not found"),
                kind: Some(Kind::Namespace),
                name: ns,
                causes: vec![],
            });
        }
        if api
            .get::<Namespace>("", &ns)
            .is_some_and(|n| n.metadata.is_deleting())
        {
            return Err(ApiError::forbidden(
                kind,
                &obj.meta().name,
                format!(
                    "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                    kind.qualified_resource(),
                    obj.meta().name
                ),
            ));
        }
    }
    // Status is reset on create for kinds with a status subresource (PrepareForCreate).
    if has_status_subresource(kind) {
        reset_status(obj);
    }
    defaults::apply(obj, &api.gates);
    drop_disabled_fields(obj, None, &api.gates);
    match obj {
        Object::Namespace(ns) => {
            ns.status = Some(serde_json::json!({"phase": "Active"}));
        }
        Object::Pod(pod) => {
            pod.status.phase = Some("Pending".into());
            pod.status.qos_class = Some(defaults::qos_class(&pod.spec).into());
            defaults::service_account_volume(pod, api.rng());
        }
        Object::PersistentVolumeClaim(pvc) => {
            // DefaultStorageClass admission: the class marked default, when none is named.
            if pvc.spec.storage_class_name.is_none() {
                pvc.spec.storage_class_name = default_storage_class(api);
            }
            pvc.status.phase = Some("Pending".into());
        }
        Object::PersistentVolume(pv) => {
            pv.status.phase = Some("Pending".into());
        }
        _ => {}
    }
    Ok(())
}

pub fn admit_update(api: &mut ApiServer, old: &Object, obj: &mut Object) -> Result<(), ApiError> {
    defaults::apply(obj, &api.gates);
    drop_disabled_fields(obj, Some(old), &api.gates);
    if let (Object::Service(new), Object::Service(old)) = (&mut *obj, old) {
        // The service REST update keeps allocated values a PUT leaves out (`patchAllocatedValues`).
        if new.spec.cluster_ip.as_deref().unwrap_or("").is_empty() {
            new.spec.cluster_ip = old.spec.cluster_ip.clone();
            if new.spec.cluster_ips.is_empty() {
                new.spec.cluster_ips = old.spec.cluster_ips.clone();
            }
        }
        if new.spec.cluster_ips.is_empty() {
            new.spec.cluster_ips = old.spec.cluster_ips.clone();
        }
        for key in ["ipFamilies", "ipFamilyPolicy"] {
            if !new.spec.extra.contains_key(key) {
                if let Some(v) = old.spec.extra.get(key) {
                    new.spec.extra.insert(key.into(), v.clone());
                }
            }
        }
    }
    Ok(())
}

/// `dropStatefulSetDisabledFields` (`pkg/registry/apps/statefulset/strategy.go`): with the
/// `MaxUnavailableStatefulSet` gate off (v1.34 default) a user-supplied `maxUnavailable` is
/// dropped unless the stored object already uses it (`maxUnavailableInUse`).
fn drop_disabled_fields(obj: &mut Object, old: Option<&Object>, gates: &super::FeatureGates) {
    let Object::StatefulSet(sts) = obj else {
        return;
    };
    if gates.max_unavailable_stateful_set {
        return;
    }
    let in_use = |o: &Object| match o {
        Object::StatefulSet(s) => s
            .spec
            .update_strategy
            .as_ref()
            .and_then(|u| u.rolling_update.as_ref())
            .is_some_and(|r| r.max_unavailable.is_some()),
        _ => false,
    };
    if old.is_some_and(in_use) {
        return;
    }
    if let Some(ru) = sts
        .spec
        .update_strategy
        .as_mut()
        .and_then(|u| u.rolling_update.as_mut())
    {
        ru.max_unavailable = None;
    }
}

/// Validating admission and allocation that run after validation succeeded and before the
/// object is stored: ResourceQuota (403 `exceeded quota`), then Service cluster IP allocation
/// (422 from the service REST storage when a requested IP is taken or out of range).
pub fn finish_create(api: &mut ApiServer, obj: &mut Object) -> Result<(), ApiError> {
    super::quota::admit_create(api, obj)?;
    if let Object::Service(svc) = obj {
        allocate_cluster_ip(api, svc)?;
    }
    Ok(())
}

/// Service CIDR 10.96.0.0/12 (cluster-profile.md).
const SERVICE_CIDR_BASE: u32 = 10 << 24 | 96 << 16;
const SERVICE_CIDR_SIZE: u32 = 1 << 20;
/// The allocator hands out dynamic IPs from above the static band (KEP-3070: the first
/// min(max(16, size/16), 256) addresses are kept for static assignment).
const STATIC_BAND: u32 = 256;

fn ip_string(v: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        v >> 24,
        (v >> 16) & 255,
        (v >> 8) & 255,
        v & 255
    )
}

fn allocate_cluster_ip(
    api: &mut ApiServer,
    svc: &mut crate::objects::Service,
) -> Result<(), ApiError> {
    let s = &mut svc.spec;
    if s.type_.as_deref() == Some("ExternalName") {
        return Ok(());
    }
    let headless = s.cluster_ip.as_deref() == Some("None")
        || s.cluster_ips.first().map(String::as_str) == Some("None");
    s.extra
        .entry("ipFamilies")
        .or_insert_with(|| serde_json::json!(["IPv4"]));
    if headless {
        s.cluster_ip = Some("None".into());
        s.cluster_ips = vec!["None".into()];
        // Headless services without a selector may carry both families.
        let policy = if s.selector.is_empty() {
            "RequireDualStack"
        } else {
            "SingleStack"
        };
        s.extra
            .entry("ipFamilyPolicy")
            .or_insert_with(|| serde_json::json!(policy));
        return Ok(());
    }
    s.extra
        .entry("ipFamilyPolicy")
        .or_insert_with(|| serde_json::json!("SingleStack"));
    let in_use: crate::vecmap::VecSet<String> = crate::vecmap::VecSet::from_iter(
        api.list::<crate::objects::Service>(None)
            .filter_map(|o| o.spec.cluster_ip.clone()),
    );
    let requested = s
        .cluster_ip
        .clone()
        .filter(|ip| !ip.is_empty())
        .or_else(|| s.cluster_ips.first().cloned());
    let name = svc.metadata.name.clone();
    let s = &mut svc.spec;
    if let Some(ip) = requested {
        let Some(v) = super::validation::parse_ipv4(&ip) else {
            return Ok(()); // validation reported it
        };
        let fail = |msg: String| {
            ApiError::invalid(
                Kind::Service,
                &name,
                vec![super::error::FieldError::invalid(
                    "spec.clusterIPs",
                    &serde_json::json!([ip]),
                    &msg,
                )],
            )
        };
        if !(SERVICE_CIDR_BASE..SERVICE_CIDR_BASE + SERVICE_CIDR_SIZE).contains(&v) {
            return Err(fail(format!(
                "failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
            )));
        }
        if in_use.contains(&ip) {
            return Err(fail(format!(
                "failed to allocate IP {ip}: provided IP is already allocated"
            )));
        }
        s.cluster_ip = Some(ip.clone());
        s.cluster_ips = vec![ip];
        return Ok(());
    }
    // Random offset in the dynamic band; probe linearly from it (bounded by the range size).
    let span = SERVICE_CIDR_SIZE - STATIC_BAND - 1;
    let start = api.rng().below(u64::from(span)) as u32;
    for i in 0..span {
        let ip = ip_string(SERVICE_CIDR_BASE + STATIC_BAND + (start + i) % span);
        if !in_use.contains(&ip) {
            s.cluster_ip = Some(ip.clone());
            s.cluster_ips = vec![ip];
            return Ok(());
        }
    }
    Err(ApiError {
        reason: StatusReason::InternalError,
        message: "Internal error occurred: failed to allocate a serviceIP: range is full".into(),
        kind: Some(Kind::Service),
        name,
        causes: vec![],
    })
}

fn default_storage_class(api: &ApiServer) -> Option<String> {
    api.list::<StorageClass>(None)
        .find(|sc| {
            sc.metadata
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .map(String::as_str)
                == Some("true")
        })
        .map(|sc| sc.metadata.name.clone())
}

fn reset_status(obj: &mut Object) {
    match obj {
        Object::StatefulSet(o) => o.status = Default::default(),
        Object::Pod(o) => o.status = Default::default(),
        Object::PersistentVolumeClaim(o) => o.status = Default::default(),
        Object::PersistentVolume(o) => o.status = Default::default(),
        // Nodes, Services and Namespaces are created by the cluster itself with their status.
        _ => {}
    }
}

/// Copies the fields a client cannot change through an update from the stored object.
pub fn keep_system_fields(old: &Object, new: &mut Object) {
    let om = old.meta();
    let m = new.meta_mut();
    m.uid.clone_from(&om.uid);
    m.creation_timestamp = om.creation_timestamp;
    m.deletion_timestamp = om.deletion_timestamp;
    m.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
    m.generation = om.generation;
    m.namespace.clone_from(&om.namespace);
    if has_status_subresource(old.kind()) {
        copy_status(new, old);
    }
}

/// Gives `to` the status of `from` (same kind; kinds without a status are left alone):
/// `$take` is how the status leaves `from` (a clone from a borrow, a move from a value).
macro_rules! set_status {
    ($to:expr, $from:expr, $take:ident) => {
        match ($to, $from) {
            (Object::StatefulSet(a), Object::StatefulSet(b)) => a.status = set_status!(@$take b),
            (Object::Pod(a), Object::Pod(b)) => a.status = set_status!(@$take b),
            (Object::Node(a), Object::Node(b)) => a.status = set_status!(@$take b),
            (Object::Service(a), Object::Service(b)) => a.status = set_status!(@$take b),
            (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
                a.status = set_status!(@$take b)
            }
            (Object::PersistentVolume(a), Object::PersistentVolume(b)) => {
                a.status = set_status!(@$take b)
            }
            (Object::Namespace(a), Object::Namespace(b)) => a.status = set_status!(@$take b),
            (Object::ResourceQuota(a), Object::ResourceQuota(b)) => {
                a.status = set_status!(@$take b)
            }
            _ => {}
        }
    };
    (@clone $b:ident) => { $b.status.clone() };
    (@take $b:ident) => { $b.status };
}

fn copy_status(to: &mut Object, from: &Object) {
    set_status!(to, from, clone);
}

fn move_status(to: &mut Object, from: Object) {
    set_status!(to, from, take);
}

/// The stored object `old` with only the status of `new` (status subresource semantics; the
/// status is moved, not copied: writers send a fresh status, often with nothing else).
pub fn with_status_of(old: &Object, new: Object) -> Object {
    let mut out = old.clone();
    move_status(&mut out, new);
    out
}

/// True when anything but metadata and status differs (what bumps `generation`).
pub fn spec_changed(old: &Object, new: &Object) -> bool {
    // Equal typed specs serialize equally: skip the JSON round trip on the common no-change.
    match (old, new) {
        (Object::Pod(a), Object::Pod(b)) if a.spec == b.spec => return false,
        (Object::StatefulSet(a), Object::StatefulSet(b)) if a.spec == b.spec => return false,
        _ => {}
    }
    let strip = |o: &Object| {
        let mut v = o.to_value();
        if let Some(m) = v.as_object_mut() {
            m.remove("metadata");
            m.remove("status");
        }
        v
    };
    strip(old) != strip(new)
}

/// Effective grace period of a DELETE (`BeforeDelete` + the pod strategy's `CheckGracefulDelete`).
pub fn grace_period(obj: &Object, opts: &DeleteOptions) -> i64 {
    match obj {
        Object::Pod(pod) => {
            // Unscheduled or already terminal pods go at once (pod strategy).
            if pod.spec.node_name.is_none() || pod.is_terminal() {
                return 0;
            }
            let g = opts
                .grace_period_seconds
                .or(pod.spec.termination_grace_period_seconds)
                .unwrap_or(30);
            // A negative request means "use 1" (`CheckGracefulDelete`).
            if g < 0 {
                1
            } else {
                g
            }
        }
        _ => 0,
    }
}
