//! Validation with the apiserver's exact messages (`statefulset-semantics.md` §4), ported from
//! `pkg/apis/apps/validation/validation.go` and `pkg/apis/core/validation/validation.go`
//! (v1.34). Causes are produced in the order upstream appends them; `ApiError::invalid`
//! renders them as `<Kind> "<name>" is invalid: …`.
//!
//! Values are rendered as v1.34's `ErrorBody` does (cluster-profile.md "v1.34 facts" §4):
//! internal Go structs without json tags marshal with their Go field names in declaration
//! order (`{"Partition":0,"MaxUnavailable":null}`), maps with sorted keys.

use super::error::{FieldError, FieldErrorType};
use super::names::{self, NameRule};
use super::quantity;
use super::server::ApiServer;
use crate::objects::{
    Container, IntOrString, Json, LabelSelector, Object, ObjectMeta, PersistentVolumeClaim, Pod,
    PodSpec, Probe, RollingUpdate, Service, StatefulSet,
};
use crate::vecmap::{VecMap, VecSet};
use serde_json::{json, Value};

const NONNEGATIVE: &str = "must be greater than or equal to 0";

fn nonnegative(v: i64, path: &str, errs: &mut Vec<FieldError>) {
    if v < 0 {
        errs.push(FieldError::invalid(path, &json!(v), NONNEGATIVE));
    }
}

/// The name rule of each kind's `ValidateXName`.
pub fn name_rule(kind: crate::objects::Kind) -> NameRule {
    use crate::objects::Kind as K;
    match kind {
        // `ValidateStatefulSetName` = NameIsDNSLabel (since v1.2x), namespaces too.
        K::StatefulSet | K::Namespace => NameRule::Dns1123Label,
        // `ValidateServiceName` = NameIsDNS1035Label.
        K::Service => NameRule::Dns1035Label,
        _ => NameRule::Dns1123Subdomain,
    }
}

/// `ValidateObjectMeta` (name/generateName, namespace, labels, annotations).
fn validate_object_meta(kind: crate::objects::Kind, m: &ObjectMeta, errs: &mut Vec<FieldError>) {
    let rule = name_rule(kind);
    if m.name.is_empty() {
        match m.generate_name.as_deref() {
            Some(g) if !g.is_empty() => {
                for msg in names::check_name(rule, g, true) {
                    errs.push(FieldError::invalid(
                        "metadata.generateName",
                        &json!(g),
                        &msg,
                    ));
                }
            }
            _ => errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            )),
        }
    } else {
        for msg in names::check_name(rule, &m.name, false) {
            errs.push(FieldError::invalid("metadata.name", &json!(m.name), &msg));
        }
    }
    if kind.namespaced() {
        let ns = m.ns();
        if ns.is_empty() {
            errs.push(FieldError::required("metadata.namespace", ""));
        } else {
            for msg in names::dns1123_label(ns) {
                errs.push(FieldError::invalid("metadata.namespace", &json!(ns), &msg));
            }
        }
    }
    errs.extend(names::validate_labels(&m.labels, "metadata.labels"));
    errs.extend(names::validate_annotations(
        &m.annotations,
        "metadata.annotations",
    ));
    for (i, f) in m.finalizers.iter().enumerate() {
        for msg in names::qualified_name(f) {
            errs.push(FieldError::invalid(
                &format!("metadata.finalizers[{i}]"),
                &json!(f),
                &msg,
            ));
        }
    }
}

pub fn validate_create(api: &ApiServer, obj: &Object) -> Vec<FieldError> {
    let _ = api;
    let mut errs = Vec::new();
    validate_object_meta(obj.kind(), obj.meta(), &mut errs);
    match obj {
        Object::StatefulSet(sts) => {
            validate_statefulset_spec(sts, &mut errs);
            // v1.34 (#131790, "add podSpec validation for create StatefulSet"): the template's
            // PodSpec is validated on create, with one volume per claim template added (as the
            // controller adds them to each pod), so mounts of `www` are found.
            let mut spec = sts.spec.template.spec.clone();
            for t in &sts.spec.volume_claim_templates {
                if !spec.volumes.iter().any(|v| v.name == t.metadata.name) {
                    spec.volumes.push(crate::objects::Volume {
                        name: t.metadata.name.clone(),
                        persistent_volume_claim: Some(crate::objects::PvcVolumeSource {
                            claim_name: t.metadata.name.clone(),
                            read_only: None,
                        }),
                        extra: Default::default(),
                    });
                }
            }
            validate_pod_spec(&spec, "spec.template.spec", true, &mut errs);
        }
        Object::Pod(pod) => validate_pod_spec(&pod.spec, "spec", false, &mut errs),
        Object::Service(svc) => validate_service(svc, &mut errs),
        Object::PersistentVolumeClaim(pvc) => validate_pvc_spec(pvc, "spec", &mut errs),
        Object::ControllerRevision(cr) => {
            if cr.data.is_null() {
                errs.push(FieldError::required("data", "data is mandatory"));
            }
            nonnegative(cr.revision, "revision", &mut errs);
        }
        _ => {}
    }
    errs
}

pub fn validate_update(api: &ApiServer, new: &Object, old: &Object) -> Vec<FieldError> {
    let _ = api;
    let mut errs = Vec::new();
    // `ValidateObjectMetaUpdate`: name/namespace/uid are kept by the server; labels and
    // annotations are re-validated (metadata is always updatable otherwise).
    let m = new.meta();
    errs.extend(names::validate_labels(&m.labels, "metadata.labels"));
    errs.extend(names::validate_annotations(
        &m.annotations,
        "metadata.annotations",
    ));
    match (new, old) {
        (Object::StatefulSet(n), Object::StatefulSet(o)) => {
            // The name is deliberately not re-validated (`ValidateStatefulSetUpdate`).
            validate_statefulset_spec(n, &mut errs);
            let mut clone = n.spec.clone();
            clone.replicas = o.spec.replicas;
            clone.template = o.spec.template.clone();
            clone.update_strategy = o.spec.update_strategy.clone();
            clone.min_ready_seconds = o.spec.min_ready_seconds;
            clone.ordinals = o.spec.ordinals.clone();
            clone.persistent_volume_claim_retention_policy =
                o.spec.persistent_volume_claim_retention_policy.clone();
            if clone.to_json() != o.spec.to_json() {
                // v1.34 text (cluster-profile.md "v1.34 facts" §3): no 'revisionHistoryLimit'.
                errs.push(FieldError::forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
        }
        (Object::Pod(n), Object::Pod(o)) => validate_pod_update(n, o, &mut errs),
        (Object::Service(n), Object::Service(o)) => {
            validate_service(n, &mut errs);
            let (nc, oc) = (&n.spec.cluster_ips, &o.spec.cluster_ips);
            if let (Some(a), Some(b)) = (oc.first(), nc.first()) {
                if a != b {
                    errs.push(FieldError::invalid(
                        "spec.clusterIPs[0]",
                        &json!(nc),
                        "may not change once set",
                    ));
                }
            }
        }
        (Object::PersistentVolumeClaim(n), Object::PersistentVolumeClaim(o)) => {
            validate_pvc_spec(n, "spec", &mut errs);
            validate_pvc_update(n, o, &mut errs);
        }
        (Object::ControllerRevision(n), Object::ControllerRevision(o)) if n.data != o.data => {
            errs.push(FieldError::invalid("data", &n.data, "field is immutable"));
        }
        _ => {}
    }
    errs
}

/// `ValidateStatefulSetStatusUpdate` (and the other kinds' status checks Ordinal needs).
pub fn validate_status_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let (Object::StatefulSet(n), Object::StatefulSet(o)) = (new, old) {
        let s = &n.status;
        nonnegative(i64::from(s.replicas), "status.replicas", &mut errs);
        nonnegative(
            i64::from(s.ready_replicas),
            "status.readyReplicas",
            &mut errs,
        );
        nonnegative(
            i64::from(s.current_replicas),
            "status.currentReplicas",
            &mut errs,
        );
        nonnegative(
            i64::from(s.updated_replicas),
            "status.updatedReplicas",
            &mut errs,
        );
        nonnegative(
            i64::from(s.available_replicas),
            "status.availableReplicas",
            &mut errs,
        );
        if let Some(g) = s.observed_generation {
            nonnegative(g, "status.observedGeneration", &mut errs);
        }
        if let Some(c) = s.collision_count {
            nonnegative(i64::from(c), "status.collisionCount", &mut errs);
        }
        let msg = "cannot be greater than status.replicas";
        for (v, p) in [
            (s.ready_replicas, "status.readyReplicas"),
            (s.current_replicas, "status.currentReplicas"),
            (s.updated_replicas, "status.updatedReplicas"),
            (s.available_replicas, "status.availableReplicas"),
        ] {
            if v > s.replicas {
                errs.push(FieldError::invalid(p, &json!(v), msg));
            }
        }
        if s.available_replicas > s.ready_replicas {
            errs.push(FieldError::invalid(
                "status.availableReplicas",
                &json!(s.available_replicas),
                "cannot be greater than status.readyReplicas",
            ));
        }
        // `IsDecremented`: nil new with non-nil old counts as decremented.
        let (nc, oc) = (s.collision_count, o.status.collision_count);
        if let Some(oc) = oc {
            if nc.is_none_or(|nc| nc < oc) {
                errs.push(FieldError::invalid(
                    "status.collisionCount",
                    &json!(nc.unwrap_or(0)),
                    "cannot be decremented",
                ));
            }
        }
    }
    errs
}

/// Warnings the REST strategies return alongside a successful write (`WarningsOnCreate` /
/// `WarningsOnUpdate`); kubectl prints each as `Warning: <text>` on stderr.
pub fn warnings(obj: &Object) -> Vec<String> {
    let mut out = Vec::new();
    if let Object::StatefulSet(sts) = obj {
        // `pkg/registry/apps/statefulset/strategy.go`.
        if sts.spec.revision_history_limit.is_some_and(|l| l < 0) {
            out.push("spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is recommended".into());
        }
    }
    out
}

/// Go's JSON of the internal `apps.RollingUpdateStatefulSetStrategy` (no json tags).
fn render_rolling_update(ru: &RollingUpdate) -> String {
    let max = match &ru.max_unavailable {
        None => "null".to_string(),
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::Str(s)) => super::error::go_quote(s),
    };
    format!(
        "{{\"Partition\":{},\"MaxUnavailable\":{max}}}",
        ru.partition.unwrap_or(0)
    )
}

/// `metav1.LabelSelector` has json tags (omitempty), so it renders like the wire form.
fn render_selector(sel: &LabelSelector) -> Value {
    sel.to_json()
}

/// `ValidateLabelSelector` (strict: label values in matchLabels must be valid).
fn validate_label_selector(sel: &LabelSelector, path: &str, errs: &mut Vec<FieldError>) {
    for (i, r) in sel.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if r.values.is_empty() {
                    errs.push(FieldError::required(
                        &format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !r.values.is_empty() {
                    errs.push(FieldError::forbidden(
                        &format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            op => errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                &json!(op),
                "not a valid selector operator",
            )),
        }
        for msg in names::qualified_name(&r.key) {
            errs.push(FieldError::invalid(
                &format!("{p}.key"),
                &json!(r.key),
                &msg,
            ));
        }
    }
    errs.extend(names::validate_labels(
        &sel.match_labels,
        &format!("{path}.matchLabels"),
    ));
}

/// `ValidateStatefulSetSpec`, in upstream order.
fn validate_statefulset_spec(sts: &StatefulSet, errs: &mut Vec<FieldError>) {
    let s = &sts.spec;
    match s.pod_management_policy.as_deref().unwrap_or("") {
        "" => errs.push(FieldError::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => errs.push(FieldError::invalid(
            "spec.podManagementPolicy",
            &json!(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = s.update_strategy.clone().unwrap_or_default();
    match strategy.type_.as_deref().unwrap_or("") {
        "" => errs.push(FieldError::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(ru) = &strategy.rolling_update {
                errs.push(FieldError::new(
                    FieldErrorType::Invalid,
                    "spec.updateStrategy.rollingUpdate",
                    render_rolling_update(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = &strategy.rolling_update {
                // `validateRollingUpdateStatefulSet`
                nonnegative(
                    i64::from(ru.partition.unwrap_or(0)),
                    "spec.updateStrategy.rollingUpdate.partition",
                    errs,
                );
                if let Some(mu) = &ru.max_unavailable {
                    validate_max_unavailable(mu, errs);
                }
            }
        }
        other => {
            let ru = strategy
                .rolling_update
                .as_ref()
                .map_or("null".to_string(), render_rolling_update);
            errs.push(FieldError::new(
                FieldErrorType::Invalid,
                "spec.updateStrategy",
                format!(
                    "{{\"Type\":{},\"RollingUpdate\":{ru}}}",
                    super::error::go_quote(other)
                ),
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    if let Some(p) = &s.persistent_volume_claim_retention_policy {
        for (v, path) in [
            (
                &p.when_deleted,
                "spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
            ),
            (
                &p.when_scaled,
                "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
            ),
        ] {
            let v = v.as_deref().unwrap_or("");
            if v != "Retain" && v != "Delete" {
                errs.push(FieldError::unsupported(
                    path,
                    &json!(v),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    nonnegative(i64::from(s.replicas.unwrap_or(1)), "spec.replicas", errs);
    nonnegative(
        i64::from(s.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        errs,
    );
    if let Some(o) = &s.ordinals {
        nonnegative(i64::from(o.start), "spec.ordinals.start", errs);
    }
    // A nil selector becomes `labels.Nothing()`: it matches no template, hence the second cause.
    let mut selector_matches_everything = false;
    let mut selector_ok = true;
    match &s.selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(sel) => {
            let before = errs.len();
            validate_label_selector(sel, "spec.selector", errs);
            selector_ok = !errs[before..]
                .iter()
                .any(|e| e.field.ends_with(".operator"));
            if sel.is_empty() {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    &render_selector(sel),
                    "empty selector is invalid for statefulset",
                ));
                selector_matches_everything = true;
            }
        }
    }
    if !selector_ok {
        if let Some(sel) = &s.selector {
            errs.push(FieldError::invalid(
                "spec.selector",
                &render_selector(sel),
                "",
            ));
        }
    } else {
        // `ValidatePodTemplateSpecForStatefulSet`
        let labels = &s.template.metadata.labels;
        let matches = match &s.selector {
            None => false,
            Some(sel) => selector_matches_everything || sel.matches(labels),
        };
        if !selector_matches_everything && !matches {
            let v = if labels.is_empty() {
                Value::Null
            } else {
                json!(labels)
            };
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                &v,
                "`selector` does not match template `labels`",
            ));
        }
        errs.extend(names::validate_labels(labels, "spec.template.labels"));
        errs.extend(names::validate_annotations(
            &s.template.metadata.annotations,
            "spec.template.annotations",
        ));
    }
    let rp = s.template.spec.restart_policy.as_deref().unwrap_or("");
    if rp != "Always" {
        errs.push(FieldError::unsupported(
            "spec.template.spec.restartPolicy",
            &json!(rp),
            &["Always"],
        ));
    }
    if s.template.spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
}

/// `ValidatePositiveIntOrPercent` + "cannot be 0" + `IsNotMoreThan100Percent`.
fn validate_max_unavailable(mu: &IntOrString, errs: &mut Vec<FieldError>) {
    let path = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    let v = match mu {
        IntOrString::Int(i) => json!(i),
        IntOrString::Str(s) => json!(s),
    };
    let value: Option<i64> = match mu {
        IntOrString::Int(i) => {
            nonnegative(*i, path, errs);
            Some(*i)
        }
        IntOrString::Str(s) => match s.strip_suffix('%').and_then(|n| n.parse::<i64>().ok()) {
            Some(p) => {
                nonnegative(p, path, errs);
                Some(p)
            }
            None => {
                errs.push(FieldError::invalid(
                    path,
                    &v,
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                ));
                None
            }
        },
    };
    if value == Some(0) {
        errs.push(FieldError::invalid(path, &v, "cannot be 0"));
    }
    if let (IntOrString::Str(_), Some(p)) = (mu, value) {
        if p > 100 {
            errs.push(FieldError::invalid(
                path,
                &v,
                "must not be greater than 100%",
            ));
        }
    }
}

const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// `ValidatePodSpec` (the parts that matter for the manifests Ordinal meets), upstream order.
/// `template`: validating a StatefulSet's template (restartPolicy is checked by the caller).
fn validate_pod_spec(spec: &PodSpec, path: &str, template: bool, errs: &mut Vec<FieldError>) {
    // Volumes: only valid ones can be mounted (`ValidateVolumes` records valid names only).
    let mut volume_names: VecSet<String> = VecSet::new();
    for (i, vol) in spec.volumes.iter().enumerate() {
        // Paths only for errors (this runs for every pod created): formatted on demand.
        let vp = || format!("{path}.volumes[{i}]");
        let mut el = Vec::new();
        let mut sources: Vec<&str> = Vec::new();
        if vol.persistent_volume_claim.is_some() {
            sources.push("persistentVolumeClaim");
        }
        for s in VOLUME_SOURCES {
            if *s != "persistentVolumeClaim" && vol.extra.get(*s).is_some_and(|v| !v.is_null()) {
                sources.push(s);
            }
        }
        match sources.len() {
            0 => el.push(FieldError::required(&vp(), "must specify a volume type")),
            1 => {}
            _ => el.push(FieldError::forbidden(
                &format!("{}.{}", vp(), sources[1]),
                "may not specify more than 1 volume type",
            )),
        }
        if let Some(pvc) = &vol.persistent_volume_claim {
            if pvc.claim_name.is_empty() {
                el.push(FieldError::required(
                    &format!("{}.persistentVolumeClaim.claimName", vp()),
                    "",
                ));
            }
        }
        let np = || format!("{}.name", vp());
        if vol.name.is_empty() {
            el.push(FieldError::required(&np(), ""));
        } else {
            for msg in names::dns1123_label(&vol.name) {
                el.push(FieldError::invalid(&np(), &json!(vol.name), &msg));
            }
        }
        if volume_names.contains(&vol.name) {
            el.push(FieldError::new(
                FieldErrorType::Duplicate,
                &np(),
                super::error::render_value(&json!(vol.name)),
                "",
            ));
        }
        if el.is_empty() {
            volume_names.insert(vol.name.clone());
        } else {
            errs.extend(el);
        }
    }
    let cp = format!("{path}.containers");
    if spec.containers.is_empty() {
        errs.push(FieldError::required(&cp, ""));
    }
    let mut all_names: VecSet<&str> = VecSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{cp}[{i}]");
        validate_container(c, &p, &volume_names, errs);
        if !c.name.is_empty() && !all_names.insert(c.name.as_str()) {
            errs.push(FieldError::new(
                FieldErrorType::Duplicate,
                &format!("{p}.name"),
                super::error::render_value(&json!(c.name)),
                "",
            ));
        }
        // Paths are formatted only for probes that exist: this runs for every pod the
        // controllers create, and the strings are only read by errors.
        for (probe, field, must_succeed_once) in [
            (&c.liveness_probe, "livenessProbe", true),
            (&c.readiness_probe, "readinessProbe", false),
            (&c.startup_probe, "startupProbe", true),
        ] {
            if probe.is_some() {
                validate_probe(
                    probe.as_ref(),
                    &format!("{p}.{field}"),
                    must_succeed_once,
                    errs,
                );
            }
        }
    }
    for (i, c) in spec.init_containers.iter().enumerate() {
        let p = format!("{path}.initContainers[{i}]");
        validate_container(c, &p, &volume_names, errs);
        if !c.name.is_empty() && !all_names.insert(c.name.as_str()) {
            errs.push(FieldError::new(
                FieldErrorType::Duplicate,
                &format!("{p}.name"),
                super::error::render_value(&json!(c.name)),
                "",
            ));
        }
    }
    if !template {
        match spec.restart_policy.as_deref().unwrap_or("") {
            "Always" | "OnFailure" | "Never" => {}
            "" => errs.push(FieldError::required(&format!("{path}.restartPolicy"), "")),
            other => errs.push(FieldError::unsupported(
                &format!("{path}.restartPolicy"),
                &json!(other),
                &["Always", "OnFailure", "Never"],
            )),
        }
    }
    match spec.dns_policy.as_deref().unwrap_or("") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(FieldError::required(&format!("{path}.dnsPolicy"), "")),
        other => errs.push(FieldError::unsupported(
            &format!("{path}.dnsPolicy"),
            &json!(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    if !spec.node_selector.is_empty() {
        errs.extend(names::validate_labels(
            &spec.node_selector,
            &format!("{path}.nodeSelector"),
        ));
    }
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        for msg in names::dns1123_subdomain(sa) {
            errs.push(FieldError::invalid(
                &format!("{path}.serviceAccountName"),
                &json!(sa),
                &msg,
            ));
        }
    }
    if let Some(n) = spec.node_name.as_deref().filter(|s| !s.is_empty()) {
        for msg in names::dns1123_subdomain(n) {
            errs.push(FieldError::invalid(
                &format!("{path}.nodeName"),
                &json!(n),
                &msg,
            ));
        }
    }
    if !template {
        if let Some(a) = spec.active_deadline_seconds {
            if !(1..=i64::from(i32::MAX)).contains(&a) {
                errs.push(FieldError::invalid(
                    &format!("{path}.activeDeadlineSeconds"),
                    &json!(a),
                    "must be between 1 and 2147483647, inclusive",
                ));
            }
        }
    }
    for (field, v) in [("hostname", &spec.hostname), ("subdomain", &spec.subdomain)] {
        if let Some(v) = v.as_deref().filter(|s| !s.is_empty()) {
            for msg in names::dns1123_label(v) {
                errs.push(FieldError::invalid(
                    &format!("{path}.{field}"),
                    &json!(v),
                    &msg,
                ));
            }
        }
    }
    for (i, t) in spec.tolerations.iter().enumerate() {
        let tp = format!("{path}.tolerations[{i}]");
        match t.operator.as_deref().unwrap_or("Equal") {
            "Equal" | "" => {}
            "Exists" => {
                if t.value.as_deref().is_some_and(|v| !v.is_empty()) {
                    errs.push(FieldError::invalid(
                        &format!("{tp}.operator"),
                        &json!(t.value),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            op => errs.push(FieldError::unsupported(
                &format!("{tp}.operator"),
                &json!(op),
                &["Equal", "Exists"],
            )),
        }
        if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty()) {
            if !matches!(e, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                errs.push(FieldError::unsupported(
                    &format!("{tp}.effect"),
                    &json!(e),
                    &["NoExecute", "NoSchedule", "PreferNoSchedule"],
                ));
            }
        }
    }
}

fn validate_container(
    c: &Container,
    p: &str,
    volumes: &VecSet<String>,
    errs: &mut Vec<FieldError>,
) {
    // Paths only for errors (this runs for every pod created): formatted on demand.
    let np = || format!("{p}.name");
    if c.name.is_empty() {
        errs.push(FieldError::required(&np(), ""));
    } else {
        for msg in names::dns1123_label(&c.name) {
            errs.push(FieldError::invalid(&np(), &json!(c.name), &msg));
        }
    }
    if c.image.is_empty() {
        errs.push(FieldError::required(&format!("{p}.image"), ""));
    }
    match c.termination_message_policy.as_deref().unwrap_or("") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(FieldError::required(
            &format!("{p}.terminationMessagePolicy"),
            "must be 'File' or 'FallbackToLogsOnError'",
        )),
        other => errs.push(FieldError::unsupported(
            &format!("{p}.terminationMessagePolicy"),
            &json!(other),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    // `validateContainerPorts`
    let mut port_names: VecSet<&str> = VecSet::new();
    for (i, port) in c.ports.iter().enumerate() {
        let pp = || format!("{p}.ports[{i}]");
        if let Some(n) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = names::port_name(n);
            if !msgs.is_empty() {
                for m in msgs {
                    errs.push(FieldError::invalid(
                        &format!("{}.name", pp()),
                        &json!(n),
                        &m,
                    ));
                }
            } else if !port_names.insert(n) {
                errs.push(FieldError::new(
                    FieldErrorType::Duplicate,
                    &format!("{}.name", pp()),
                    super::error::render_value(&json!(n)),
                    "",
                ));
            }
        }
        if port.container_port == 0 {
            errs.push(FieldError::required(&format!("{}.containerPort", pp()), ""));
        } else {
            for m in names::port_num(i64::from(port.container_port)) {
                errs.push(FieldError::invalid(
                    &format!("{}.containerPort", pp()),
                    &json!(port.container_port),
                    &m,
                ));
            }
        }
        if let Some(hp) = port
            .extra
            .get("hostPort")
            .and_then(Value::as_i64)
            .filter(|h| *h != 0)
        {
            for m in names::port_num(hp) {
                errs.push(FieldError::invalid(
                    &format!("{}.hostPort", pp()),
                    &json!(hp),
                    &m,
                ));
            }
        }
        match port.protocol.as_deref().unwrap_or("") {
            "TCP" | "UDP" | "SCTP" => {}
            "" => errs.push(FieldError::required(&format!("{}.protocol", pp()), "")),
            other => errs.push(FieldError::unsupported(
                &format!("{}.protocol", pp()),
                &json!(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    for (i, e) in c.env.iter().enumerate() {
        if e.name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.env[{i}].name"), ""));
        }
    }
    // `ValidateVolumeMounts`
    let mut mount_points: VecSet<&str> = VecSet::new();
    for (i, m) in c.volume_mounts.iter().enumerate() {
        let mp = format!("{p}.volumeMounts[{i}]");
        if m.name.is_empty() {
            errs.push(FieldError::required(&format!("{mp}.name"), ""));
        }
        if !volumes.contains(&m.name) {
            errs.push(FieldError::new(
                FieldErrorType::NotFound,
                &format!("{mp}.name"),
                super::error::render_value(&json!(m.name)),
                "",
            ));
        }
        if m.mount_path.is_empty() {
            errs.push(FieldError::required(&format!("{mp}.mountPath"), ""));
        }
        if !mount_points.insert(m.mount_path.as_str()) {
            errs.push(FieldError::invalid(
                &format!("{mp}.mountPath"),
                &json!(m.mount_path),
                "must be unique",
            ));
        }
    }
    match c.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(FieldError::required(&format!("{p}.imagePullPolicy"), "")),
        other => errs.push(FieldError::unsupported(
            &format!("{p}.imagePullPolicy"),
            &json!(other),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    validate_resources(c.resources.as_ref(), &format!("{p}.resources"), errs);
}

/// `ValidateContainerResourceRequirements`: requests ≤ limits for each named resource.
fn validate_resources(res: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    let Some(res) = res else { return };
    let q = |v: &Value| v.as_str().and_then(|s| quantity::parse(s).ok());
    let limits = res.get("limits").and_then(Value::as_object);
    if let Some(reqs) = res.get("requests").and_then(Value::as_object) {
        for (name, rv) in reqs {
            let Some(r) = q(rv) else { continue };
            if let Some(l) = limits.and_then(|l| l.get(name)).and_then(q) {
                if r > l {
                    errs.push(FieldError::invalid(
                        &format!("{path}.requests[{name}]"),
                        &json!(quantity::format(&r)),
                        &format!(
                            "must be less than or equal to {name} limit of {}",
                            quantity::format(&l)
                        ),
                    ));
                }
            }
        }
    }
}

/// `validateProbe` + `validateHandler`.
fn validate_probe(
    probe: Option<&Probe>,
    path: &str,
    must_succeed_once: bool,
    errs: &mut Vec<FieldError>,
) {
    let Some(pr) = probe else { return };
    let mut handlers: Vec<&str> = Vec::new();
    if pr.exec.is_some() {
        handlers.push("exec");
    }
    if pr.http_get.is_some() {
        handlers.push("httpGet");
    }
    if pr.tcp_socket.is_some() {
        handlers.push("tcpSocket");
    }
    if pr.extra.get("grpc").is_some_and(|v| !v.is_null()) {
        handlers.push("grpc");
    }
    match handlers.len() {
        0 => errs.push(FieldError::required(path, "must specify a handler type")),
        1 => {}
        _ => errs.push(FieldError::forbidden(
            &format!("{path}.{}", handlers[1]),
            "may not specify more than 1 handler type",
        )),
    }
    if let Some(h) = &pr.http_get {
        let hp = format!("{path}.httpGet");
        if h.path.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldError::required(&format!("{hp}.path"), ""));
        }
        validate_port_num_or_name(&h.port, &format!("{hp}.port"), errs);
        match h.scheme.as_deref().unwrap_or("") {
            "HTTP" | "HTTPS" => {}
            other => errs.push(FieldError::unsupported(
                &format!("{hp}.scheme"),
                &json!(other),
                &["HTTP", "HTTPS"],
            )),
        }
    }
    if let Some(t) = &pr.tcp_socket {
        validate_port_num_or_name(&t.port, &format!("{path}.tcpSocket.port"), errs);
    }
    for (v, f) in [
        (pr.initial_delay_seconds, "initialDelaySeconds"),
        (pr.timeout_seconds, "timeoutSeconds"),
        (pr.period_seconds, "periodSeconds"),
        (pr.success_threshold, "successThreshold"),
        (pr.failure_threshold, "failureThreshold"),
    ] {
        nonnegative(i64::from(v.unwrap_or(0)), &format!("{path}.{f}"), errs);
    }
    if must_succeed_once {
        if let Some(s) = pr.success_threshold.filter(|s| *s != 1) {
            errs.push(FieldError::invalid(
                &format!("{path}.successThreshold"),
                &json!(s),
                "must be 1",
            ));
        }
    }
}

/// `ValidatePortNumOrName`
fn validate_port_num_or_name(port: &IntOrString, path: &str, errs: &mut Vec<FieldError>) {
    match port {
        IntOrString::Int(i) => {
            for m in names::port_num(*i) {
                errs.push(FieldError::invalid(path, &json!(i), &m));
            }
        }
        IntOrString::Str(s) => {
            for m in names::port_name(s) {
                errs.push(FieldError::invalid(path, &json!(s), &m));
            }
        }
    }
}

/// `ValidatePodUpdate`: only images, activeDeadlineSeconds, tolerations (additions) and
/// terminationGracePeriodSeconds (negative → 1) may change.
fn validate_pod_update(new: &Pod, old: &Pod, errs: &mut Vec<FieldError>) {
    validate_pod_spec(&new.spec, "spec", false, errs);
    let mut munged = new.spec.clone();
    for (m, o) in munged.containers.iter_mut().zip(old.spec.containers.iter()) {
        m.image = o.image.clone();
    }
    for (m, o) in munged
        .init_containers
        .iter_mut()
        .zip(old.spec.init_containers.iter())
    {
        m.image = o.image.clone();
    }
    munged.active_deadline_seconds = old.spec.active_deadline_seconds;
    if old
        .spec
        .tolerations
        .iter()
        .all(|t| new.spec.tolerations.contains(t))
    {
        munged.tolerations = old.spec.tolerations.clone();
    }
    if old
        .spec
        .termination_grace_period_seconds
        .is_some_and(|g| g < 0)
        && new.spec.termination_grace_period_seconds == Some(1)
    {
        munged.termination_grace_period_seconds = old.spec.termination_grace_period_seconds;
    }
    let (a, b) = (old.spec.to_json(), munged.to_json());
    if a != b {
        errs.push(FieldError::forbidden(
            "spec",
            &format!(
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n{}",
                spec_diff("core.PodSpec", &a, &b)
            ),
        ));
    }
    if let (Some(o), n) = (
        old.spec.active_deadline_seconds,
        new.spec.active_deadline_seconds,
    ) {
        match n {
            None => errs.push(FieldError::invalid(
                "spec.activeDeadlineSeconds",
                &Value::Null,
                "must not update from a positive integer to nil value",
            )),
            Some(n) if n > o => errs.push(FieldError::invalid(
                "spec.activeDeadlineSeconds",
                &json!(n),
                "must be less than or equal to previous value",
            )),
            _ => {}
        }
    }
}

/// A `cmp.Diff`-shaped summary of the top-level fields that differ. go-cmp randomises its
/// whitespace on purpose (so nobody depends on its exact text); this keeps its shape.
fn spec_diff(type_name: &str, old: &Value, new: &Value) -> String {
    let empty = serde_json::Map::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    // Owned keys: `VecSet<String>` is instantiated anyway, `VecSet<&String>` would be one
    // more copy of the set code in the wasm.
    let keys: VecSet<String> = VecSet::from_iter(o.keys().chain(n.keys()).cloned());
    let mut out = format!("  {type_name}{{\n");
    let mut same = 0;
    for k in &keys {
        let (a, b) = (o.get(k), n.get(k));
        if a == b {
            same += 1;
            continue;
        }
        let go_name: String = {
            let mut c = k.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        };
        if let Some(a) = a {
            out.push_str(&format!("- \t{go_name}: {a},\n"));
        }
        if let Some(b) = b {
            out.push_str(&format!("+ \t{go_name}: {b},\n"));
        }
    }
    if same > 0 {
        out.push_str(&format!("  \t... // {same} identical fields\n"));
    }
    out.push_str("  }\n");
    out
}

/// `ValidateService` (the parts Ordinal's Services use).
fn validate_service(svc: &Service, errs: &mut Vec<FieldError>) {
    let s = &svc.spec;
    let headless = svc.is_headless();
    let type_ = s.type_.as_deref().unwrap_or("ClusterIP");
    if s.ports.is_empty() && !headless && type_ != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    let require_name = s.ports.len() > 1;
    let mut names_seen: VecSet<&str> = VecSet::new();
    // Only asked "seen before?" (a list: no set instantiation for this key type).
    let mut port_keys: Vec<(i32, &str)> = Vec::new();
    for (i, p) in s.ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        let name = p.name.as_deref().unwrap_or("");
        if require_name && name.is_empty() {
            errs.push(FieldError::required(&format!("{pp}.name"), ""));
        } else if !name.is_empty() {
            for m in names::dns1123_label(name) {
                errs.push(FieldError::invalid(&format!("{pp}.name"), &json!(name), &m));
            }
            if !names_seen.insert(name) {
                errs.push(FieldError::new(
                    FieldErrorType::Duplicate,
                    &format!("{pp}.name"),
                    super::error::render_value(&json!(name)),
                    "",
                ));
            }
        }
        for m in names::port_num(i64::from(p.port)) {
            errs.push(FieldError::invalid(
                &format!("{pp}.port"),
                &json!(p.port),
                &m,
            ));
        }
        let proto = p.protocol.as_deref().unwrap_or("");
        match proto {
            "TCP" | "UDP" | "SCTP" => {}
            "" => errs.push(FieldError::required(&format!("{pp}.protocol"), "")),
            other => errs.push(FieldError::unsupported(
                &format!("{pp}.protocol"),
                &json!(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
        if let Some(tp) = &p.target_port {
            validate_port_num_or_name(tp, &format!("{pp}.targetPort"), errs);
        }
        let seen = port_keys.contains(&(p.port, proto));
        if !seen {
            port_keys.push((p.port, proto));
        }
        if seen {
            // The key is an internal `core.ServicePort` with only Port and Protocol set.
            errs.push(FieldError::new(
                FieldErrorType::Duplicate,
                &pp,
                format!(
                    "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{},\"TargetPort\":0,\"NodePort\":0}}",
                    super::error::go_quote(proto),
                    p.port
                ),
                "",
            ));
        }
    }
    if !matches!(
        type_,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        errs.push(FieldError::unsupported(
            "spec.type",
            &json!(type_),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    errs.extend(names::validate_labels(&s.selector, "spec.selector"));
    match s.session_affinity.as_deref().unwrap_or("None") {
        "None" | "ClientIP" => {}
        other => errs.push(FieldError::unsupported(
            "spec.sessionAffinity",
            &json!(other),
            &["ClientIP", "None"],
        )),
    }
    for (i, ip) in s.cluster_ips.iter().enumerate() {
        if ip != "None" && parse_ipv4(ip).is_none() {
            errs.push(FieldError::invalid(
                &format!("spec.clusterIPs[{i}]"),
                &json!(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
    }
}

pub fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = p.parse().ok()?;
        if n > 255 {
            return None;
        }
        v = (v << 8) | n;
    }
    Some(v)
}

/// `ValidatePersistentVolumeClaimSpec`
fn validate_pvc_spec(pvc: &PersistentVolumeClaim, path: &str, errs: &mut Vec<FieldError>) {
    let s = &pvc.spec;
    if s.access_modes.is_empty() {
        errs.push(FieldError::required(
            &format!("{path}.accessModes"),
            "at least 1 access mode is required",
        ));
    }
    const MODES: [&str; 4] = [
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOnce",
        "ReadWriteOncePod",
    ];
    for m in &s.access_modes {
        if !MODES.contains(&m.as_str()) {
            errs.push(FieldError::unsupported(
                &format!("{path}.accessModes"),
                &json!(m),
                &MODES,
            ));
        }
    }
    if s.access_modes.iter().any(|m| m == "ReadWriteOncePod") && s.access_modes.len() > 1 {
        errs.push(FieldError::forbidden(
            &format!("{path}.accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    let storage_path = format!("{path}.resources[storage]");
    match pvc.requested_storage() {
        None => errs.push(FieldError::required(&storage_path, "")),
        Some(v) => {
            if quantity::parse(&v).is_ok_and(|q| q.millis <= 0) {
                errs.push(FieldError::invalid(
                    &storage_path,
                    &json!(v),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(sc) = s.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        for msg in names::dns1123_subdomain(sc) {
            errs.push(FieldError::invalid(
                &format!("{path}.storageClassName"),
                &json!(sc),
                &msg,
            ));
        }
    }
    if let Some(m) = s.volume_mode.as_deref() {
        if m != "Block" && m != "Filesystem" {
            errs.push(FieldError::unsupported(
                &format!("{path}.volumeMode"),
                &json!(m),
                &["Block", "Filesystem"],
            ));
        }
    }
}

/// `ValidatePersistentVolumeClaimUpdate`: the spec is immutable except the storage request of
/// a bound claim and `volumeAttributesClassName`; `volumeName` may be set once.
fn validate_pvc_update(
    new: &PersistentVolumeClaim,
    old: &PersistentVolumeClaim,
    errs: &mut Vec<FieldError>,
) {
    let mut n = new.spec.clone();
    let mut o = old.spec.clone();
    if o.volume_name.as_deref().unwrap_or("").is_empty() {
        o.volume_name = n.volume_name.clone();
    }
    if o.storage_class_name.is_none() {
        o.storage_class_name = n.storage_class_name.clone();
    }
    let bound = new.status.phase.as_deref() == Some("Bound");
    if bound {
        if let (Some(nr), Some(or)) = (n.resources.as_mut(), o.resources.as_ref()) {
            match or.requests.get("storage") {
                Some(v) => {
                    nr.requests.insert("storage".into(), v.clone());
                }
                None => {
                    nr.requests.remove("storage");
                }
            }
        }
    }
    n.extra.remove("volumeAttributesClassName");
    o.extra.remove("volumeAttributesClassName");
    let (a, b) = (o.to_json(), n.to_json());
    if a != b {
        errs.push(FieldError::forbidden(
            "spec",
            &format!(
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                spec_diff("core.PersistentVolumeClaimSpec", &a, &b)
            ),
        ));
    }
    let size =
        |p: &PersistentVolumeClaim| p.requested_storage().and_then(|s| quantity::parse(&s).ok());
    if let (Some(ns), Some(os)) = (size(new), size(old)) {
        if ns < os {
            errs.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
    }
}

/// Label maps in messages render as JSON with sorted keys; exposed for tests.
pub fn render_labels(labels: &VecMap<String, String>) -> String {
    super::error::render_value(&json!(labels))
}
