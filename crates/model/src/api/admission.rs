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
    match obj {
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
    let _ = old;
    defaults::apply(obj, &api.gates);
    Ok(())
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
    let om = old.meta().clone();
    let m = new.meta_mut();
    m.uid = om.uid;
    m.creation_timestamp = om.creation_timestamp;
    m.deletion_timestamp = om.deletion_timestamp;
    m.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
    m.generation = om.generation;
    m.namespace = om.namespace;
    if has_status_subresource(old.kind()) {
        *new = with_status_of_inner(new, old);
    }
}

/// `new` with the status of `status_from`.
fn with_status_of_inner(new: &Object, status_from: &Object) -> Object {
    let mut out = new.clone();
    match (&mut out, status_from) {
        (Object::StatefulSet(a), Object::StatefulSet(b)) => a.status = b.status.clone(),
        (Object::Pod(a), Object::Pod(b)) => a.status = b.status.clone(),
        (Object::Node(a), Object::Node(b)) => a.status = b.status.clone(),
        (Object::Service(a), Object::Service(b)) => a.status = b.status.clone(),
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
            a.status = b.status.clone()
        }
        (Object::PersistentVolume(a), Object::PersistentVolume(b)) => a.status = b.status.clone(),
        (Object::Namespace(a), Object::Namespace(b)) => a.status = b.status.clone(),
        (Object::ResourceQuota(a), Object::ResourceQuota(b)) => a.status = b.status.clone(),
        _ => {}
    }
    out
}

/// The stored object `old` with only the status of `new` (status subresource semantics).
pub fn with_status_of(old: &Object, new: &Object) -> Object {
    with_status_of_inner(old, new)
}

/// True when anything but metadata and status differs (what bumps `generation`).
pub fn spec_changed(old: &Object, new: &Object) -> bool {
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
