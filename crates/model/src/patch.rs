//! Server-side patch application on JSON values: JSON merge patch (RFC 7386), JSON patch
//! (RFC 6902) and Kubernetes strategic merge patch.
//!
//! Strategic merge is a port of `k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`
//! (`mergeMap`, `mergeSlice`, `normalizeElementOrder`, `mergeSortedSlice`, the `$patch`,
//! `$retainKeys`, `$setElementOrder/` and `$deleteFromPrimitiveList/` directives), driven by a
//! compact table of the `patchStrategy`/`patchMergeKey` struct tags of `k8s.io/api` for the kinds
//! the simulator serves ([`schema_for_kind`]). Lists without a tag are atomic (replaced), maps
//! are merged recursively, `null` deletes a key. Notable fidelity points:
//!
//! * the tutorial's OnDelete trap: `updateStrategy` of a StatefulSet has no `retainKeys`, so
//!   `{"spec":{"updateStrategy":{"type":"OnDelete"}}}` keeps `rollingUpdate` (Deployment's
//!   `strategy` *does* have `retainKeys`);
//! * merged lists are ordered as upstream orders them: items that only the server has keep
//!   their order, patch items follow the patch's order, and items new to the list come *before*
//!   the server-only items they are compared with (`mergeSortedSlice`);
//! * values newly added by a patch have their nested `null`s dropped (what the typed decode in
//!   the apiserver does for optional fields).
//!
//! Error texts are those of `mergepatch/errors.go` and `evanphx/json-patch` (v4, which the
//! apiserver uses); how the apiserver wraps them into a Status is the caller's business.

use serde_json::{Map, Value};
use std::fmt;

/// The `--type` of `kubectl patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/strategic-merge-patch+json`.
    Strategic,
}

/// A patch that could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchError {
    pub message: String,
}

impl PatchError {
    fn new(m: impl Into<String>) -> Self {
        PatchError { message: m.into() }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PatchError {}

/// How a list field merges under strategic merge patch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStrategy {
    /// `patchStrategy:"merge"` with `patchMergeKey` (lists of maps).
    MergeByKey(&'static str),
    /// `patchStrategy:"merge"` on a list of scalars (a set, e.g. `finalizers`).
    MergeScalars,
}

/// Patch metadata of one field, addressed by its path of JSON keys (list items are transparent:
/// `spec.containers.ports` is the `ports` of any container).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldRule {
    pub path: &'static str,
    pub list: Option<ListStrategy>,
    /// `retainKeys` strategy on a map (or on the items of a merged list).
    pub retain_keys: bool,
}

/// The strategic-merge schema of one kind: rules keyed by field path.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    rules: Vec<(String, FieldRule)>,
}

const fn merge(path: &'static str, key: &'static str) -> FieldRule {
    FieldRule {
        path,
        list: Some(ListStrategy::MergeByKey(key)),
        retain_keys: false,
    }
}

const fn merge_retain(path: &'static str, key: &'static str) -> FieldRule {
    FieldRule {
        path,
        list: Some(ListStrategy::MergeByKey(key)),
        retain_keys: true,
    }
}

const fn set(path: &'static str) -> FieldRule {
    FieldRule {
        path,
        list: Some(ListStrategy::MergeScalars),
        retain_keys: false,
    }
}

const fn retain(path: &'static str) -> FieldRule {
    FieldRule {
        path,
        list: None,
        retain_keys: true,
    }
}

/// `ObjectMeta` (k8s.io/apimachinery meta/v1 types.go).
const OBJECT_META: &[FieldRule] = &[merge("ownerReferences", "uid"), set("finalizers")];

/// `PodSpec` and `Container` (k8s.io/api core/v1 types.go). Untagged lists (tolerations,
/// command, args, envFrom, readinessGates, resizePolicy, ...) are atomic.
const POD_SPEC: &[FieldRule] = &[
    merge_retain("volumes", "name"),
    merge("initContainers", "name"),
    merge("containers", "name"),
    merge("ephemeralContainers", "name"),
    merge("imagePullSecrets", "name"),
    merge("hostAliases", "ip"),
    merge("topologySpreadConstraints", "topologyKey"),
    merge("schedulingGates", "name"),
    merge_retain("resourceClaims", "name"),
    merge("initContainers.ports", "containerPort"),
    merge("initContainers.env", "name"),
    merge("initContainers.volumeMounts", "mountPath"),
    merge("initContainers.volumeDevices", "devicePath"),
    merge("containers.ports", "containerPort"),
    merge("containers.env", "name"),
    merge("containers.volumeMounts", "mountPath"),
    merge("containers.volumeDevices", "devicePath"),
    merge("ephemeralContainers.ports", "containerPort"),
    merge("ephemeralContainers.env", "name"),
    merge("ephemeralContainers.volumeMounts", "mountPath"),
    merge("ephemeralContainers.volumeDevices", "devicePath"),
];

const POD_STATUS: &[FieldRule] = &[
    merge("conditions", "type"),
    merge("podIPs", "ip"),
    merge("hostIPs", "ip"),
];

/// The schema for a kind (`Pod`, `StatefulSet`, `Deployment`, `ReplicaSet`, `DaemonSet`, `Job`,
/// `Service`, `PersistentVolumeClaim`, `PersistentVolume`, `Node`, …; unknown kinds get only
/// `metadata`). Like the apiserver, an unregistered kind would use JSON merge semantics for
/// strategic patches; here it simply gets the ObjectMeta rules.
pub fn schema_for_kind(kind: &str) -> Schema {
    let mut s = Schema::default();
    s.add("metadata", OBJECT_META);
    let pod_template = |s: &mut Schema, prefix: &str| {
        s.add(&format!("{prefix}.metadata"), OBJECT_META);
        s.add(&format!("{prefix}.spec"), POD_SPEC);
    };
    match kind {
        "Pod" => {
            s.add("spec", POD_SPEC);
            s.add("status", POD_STATUS);
        }
        "PodTemplate" => pod_template(&mut s, "template"),
        "StatefulSet" => {
            pod_template(&mut s, "spec.template");
            // volumeClaimTemplates and updateStrategy: no tags (atomic list / plain merge).
            s.add("spec.volumeClaimTemplates.metadata", OBJECT_META);
            s.add("status", &[merge("conditions", "type")]);
        }
        "Deployment" => {
            pod_template(&mut s, "spec.template");
            s.add("spec", &[retain("strategy")]);
            s.add("status", &[merge("conditions", "type")]);
        }
        "ReplicaSet" | "DaemonSet" | "ReplicationController" => {
            pod_template(&mut s, "spec.template");
            s.add("status", &[merge("conditions", "type")]);
            if kind == "DaemonSet" {
                s.add("spec", &[retain("updateStrategy")]);
            }
        }
        "Job" => {
            pod_template(&mut s, "spec.template");
            s.add("status", &[merge("conditions", "type")]);
        }
        "CronJob" => pod_template(&mut s, "spec.jobTemplate.spec.template"),
        "Service" => {
            s.add(
                "spec",
                &[FieldRule {
                    path: "ports",
                    list: Some(ListStrategy::MergeByKey("port")),
                    retain_keys: false,
                }],
            );
            s.add("status", &[merge("conditions", "type")]);
        }
        "PersistentVolumeClaim" => s.add("status", &[merge("conditions", "type")]),
        "Node" => {
            s.add(
                "status",
                &[merge("conditions", "type"), merge("addresses", "type")],
            );
        }
        _ => {}
    }
    s
}

impl Schema {
    /// Add rules under a path prefix.
    pub fn add(&mut self, prefix: &str, rules: &[FieldRule]) {
        for r in rules {
            let p = if prefix.is_empty() {
                r.path.to_string()
            } else {
                format!("{prefix}.{}", r.path)
            };
            self.rules.push((p, *r));
        }
    }

    fn rule(&self, path: &str) -> Option<&FieldRule> {
        self.rules.iter().find(|(p, _)| p == path).map(|(_, r)| r)
    }
}

/// Apply a patch of the given type to `original` (the object as the apiserver stores it).
pub fn apply_patch(
    schema: &Schema,
    original: &Value,
    patch: &Value,
    patch_type: PatchType,
) -> Result<Value, PatchError> {
    match patch_type {
        PatchType::Merge => Ok(json_merge_patch(original, patch)),
        PatchType::Json => json_patch(original, patch),
        PatchType::Strategic => strategic_merge_patch(schema, original, patch),
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 7386

/// JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, anything else replaces.
pub fn json_merge_patch(original: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let mut out = match original {
                Value::Object(o) => o.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = json_merge_patch(out.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 6902 (evanphx/json-patch v4 behaviour and wording)

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn split_pointer(path: &str) -> Result<Vec<String>, PatchError> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PatchError::new(format!(
            "add operation does not apply: doc is missing path: \"{path}\": missing value"
        )));
    };
    Ok(rest.split('/').map(unescape).collect())
}

fn parse_index(tok: &str, len: usize, allow_end: bool) -> Option<usize> {
    if allow_end && tok == "-" {
        return Some(len);
    }
    if tok.is_empty()
        || (tok.len() > 1 && tok.starts_with('0'))
        || !tok.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let i: usize = tok.parse().ok()?;
    let max = if allow_end {
        len
    } else {
        len.saturating_sub(1)
    };
    if i > max || (!allow_end && len == 0) {
        return None;
    }
    Some(i)
}

fn get_mut<'a>(doc: &'a mut Value, toks: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get_mut(t)?,
            Value::Array(a) => {
                let i = parse_index(t, a.len(), false)?;
                a.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

fn get<'a>(doc: &'a Value, toks: &[String]) -> Option<&'a Value> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get(t)?,
            Value::Array(a) => a.get(parse_index(t, a.len(), false)?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn op_add(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let toks = split_pointer(path)?;
    let Some((last, parent)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    let missing = || {
        PatchError::new(format!(
            "add operation does not apply: doc is missing path: \"{path}\": missing value"
        ))
    };
    match get_mut(doc, parent).ok_or_else(missing)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = parse_index(last, a.len(), true).ok_or_else(|| {
                PatchError::new(format!(
                    "Unable to access invalid index: {last}: invalid index referenced"
                ))
            })?;
            a.insert(i, value);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn op_remove(doc: &mut Value, path: &str, op: &str) -> Result<Value, PatchError> {
    let toks = split_pointer(path)?;
    let missing = || {
        PatchError::new(format!(
            "{op} operation does not apply: doc is missing path: \"{path}\": missing value"
        ))
    };
    let Some((last, parent)) = toks.split_last() else {
        return Err(missing());
    };
    match get_mut(doc, parent).ok_or_else(missing)? {
        Value::Object(m) => m.remove(last).ok_or_else(missing),
        Value::Array(a) => {
            let i = parse_index(last, a.len(), false).ok_or_else(|| {
                PatchError::new(format!(
                    "Unable to access invalid index: {last}: invalid index referenced"
                ))
            })?;
            Ok(a.remove(i))
        }
        _ => Err(missing()),
    }
}

/// JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy`, `test`; `-` appends;
/// `~0`/`~1` escapes. The document is unchanged if any operation fails.
pub fn json_patch(original: &Value, ops: &Value) -> Result<Value, PatchError> {
    let Value::Array(ops) = ops else {
        return Err(PatchError::new(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
        ));
    };
    let mut doc = original.clone();
    for op in ops {
        let Value::Object(o) = op else {
            return Err(PatchError::new(
                "json: cannot unmarshal into Go value of type jsonpatch.Operation",
            ));
        };
        let kind = o.get("op").and_then(Value::as_str).unwrap_or("");
        let path = o.get("path").and_then(Value::as_str);
        let value = || {
            o.get("value")
                .cloned()
                .ok_or_else(|| PatchError::new(format!("{kind} operation, missing value field")))
        };
        let need_path =
            || path.ok_or_else(|| PatchError::new(format!("{kind} operation, missing path field")));
        match kind {
            "add" => op_add(&mut doc, need_path()?, value()?)?,
            "remove" => {
                op_remove(&mut doc, need_path()?, "remove")?;
            }
            "replace" => {
                let p = need_path()?;
                let v = value()?;
                let toks = split_pointer(p)?;
                if toks.is_empty() {
                    doc = v;
                } else {
                    match get_mut(&mut doc, &toks) {
                        Some(slot) => *slot = v,
                        None => {
                            return Err(PatchError::new(format!(
                                "replace operation does not apply: doc is missing key: {p}: missing value"
                            )))
                        }
                    }
                }
            }
            "move" | "copy" => {
                let from = o.get("from").and_then(Value::as_str).ok_or_else(|| {
                    PatchError::new(format!("{kind} operation, missing from field"))
                })?;
                let p = need_path()?;
                let v = if kind == "move" {
                    op_remove(&mut doc, from, "move")?
                } else {
                    let toks = split_pointer(from)?;
                    get(&doc, &toks).cloned().ok_or_else(|| {
                        PatchError::new(format!(
                            "copy operation does not apply: doc is missing from path: {from}: missing value"
                        ))
                    })?
                };
                op_add(&mut doc, p, v)?;
            }
            "test" => {
                let p = need_path()?;
                let v = value()?;
                let toks = split_pointer(p)?;
                if get(&doc, &toks) != Some(&v) {
                    return Err(PatchError::new(format!(
                        "testing value {p} failed: test failed"
                    )));
                }
            }
            other => return Err(PatchError::new(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder/";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList/";

/// Go `%v` of a JSON value as `map[string]interface{}` prints it.
fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_v(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn err_bad_patch_type(t: &Value, m: &Map<String, Value>) -> PatchError {
    PatchError::new(format!(
        "unknown patch type: {} in map: {}",
        go_v(t),
        go_v(&Value::Object(m.clone()))
    ))
}

fn err_no_merge_key(m: &Map<String, Value>, key: &str) -> PatchError {
    PatchError::new(format!(
        "map: {} does not contain declared merge key: {key}",
        go_v(&Value::Object(m.clone()))
    ))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Drop `null`s (and directive keys) from a value newly added by a patch.
fn clean_new(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(crate::sort::json_map_from(
            m.iter()
                .filter(|(k, v)| !v.is_null() && !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), clean_new(v))),
        )),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|v| !matches!(v, Value::Object(m) if m.contains_key(DIRECTIVE)))
                .map(clean_new)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Kubernetes strategic merge patch of `patch` (an object) onto `original`.
pub fn strategic_merge_patch(
    schema: &Schema,
    original: &Value,
    patch: &Value,
) -> Result<Value, PatchError> {
    let Value::Object(p) = patch else {
        return Err(PatchError::new("invalid JSON document"));
    };
    let o = match original {
        Value::Object(o) => o.clone(),
        _ => Map::new(),
    };
    merge_map(schema, "", o, p.clone()).map(Value::Object)
}

fn merge_map(
    schema: &Schema,
    path: &str,
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(d) = patch.get(DIRECTIVE).cloned() {
        return match d.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            // "merge" on a map is not accepted by mergeMap either.
            _ => Err(err_bad_patch_type(&d, &patch)),
        };
    }

    // $retainKeys (applyRetainKeysDirective with MergeParallelList).
    if let Some(rk) = patch.remove(RETAIN_KEYS) {
        let Value::Array(list) = rk else {
            return Err(PatchError::new("invalid patch format of retainKeys"));
        };
        let keep: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        for (k, v) in &patch {
            if v.is_null() || k.starts_with(DELETE_PRIMITIVE) || k.starts_with(SET_ORDER) {
                continue;
            }
            if !keep.contains(&k.as_str()) {
                return Err(PatchError::new("invalid patch format of retainKeys"));
            }
        }
        original.retain(|k, _| keep.contains(&k.as_str()));
    }

    // $setElementOrder/<field> (mergePatchIntoOriginal).
    let order_keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ORDER))
        .cloned()
        .collect();
    for key in order_keys {
        let order = patch.remove(&key).unwrap_or(Value::Null);
        let Value::Array(order) = order else {
            return Err(PatchError::new(
                "invalid patch format of setElementOrder list",
            ));
        };
        let field = key[SET_ORDER.len()..].to_string();
        let fpath = join(path, &field);
        let mk = match schema.rule(&fpath).and_then(|r| r.list) {
            Some(ListStrategy::MergeByKey(k)) => Some(k),
            _ => None,
        };
        let orig_list = original.get(&field).and_then(Value::as_array).cloned();
        let patch_list = patch.remove(&field);
        let merged = match (&orig_list, patch_list) {
            (None, None) => continue,
            (Some(o), None) => o.clone(),
            (None, Some(p)) => p.as_array().cloned().unwrap_or_default(),
            (Some(o), Some(p)) => {
                let Value::Array(p) = p else {
                    return Err(PatchError::new(
                        "invalid patch format of setElementOrder list",
                    ));
                };
                merge_list(schema, &fpath, o.clone(), p, false)?
            }
        };
        let (in_patch, server_only) = partition(&merged, &order, mk);
        let all = normalize_element_order(
            in_patch,
            server_only,
            &order,
            orig_list.as_deref().unwrap_or(&[]),
            mk,
        );
        original.insert(field, Value::Array(all));
    }

    for (k, pv) in patch {
        let (key, is_delete_list) = match k.strip_prefix(DELETE_PRIMITIVE) {
            Some(rest) => (rest.to_string(), true),
            None => (k, false),
        };
        if is_delete_list {
            let Some(Value::Array(orig)) = original.get(&key) else {
                continue;
            };
            let Value::Array(del) = &pv else {
                return Err(PatchError::new("invalid patch format of primitive list"));
            };
            let kept: Vec<Value> = orig.iter().filter(|v| !del.contains(v)).cloned().collect();
            original.insert(key, Value::Array(kept));
            continue;
        }
        if pv.is_null() {
            original.remove(&key);
            continue;
        }
        let fpath = join(path, &key);
        let Some(ov) = original.remove(&key) else {
            original.insert(key, clean_new(&pv));
            continue;
        };
        let merged = match (ov, pv) {
            (Value::Object(o), Value::Object(p)) => Value::Object(merge_map(schema, &fpath, o, p)?),
            (Value::Array(o), Value::Array(p)) => {
                Value::Array(merge_list(schema, &fpath, o, p, false)?)
            }
            (_, p) => clean_new(&p),
        };
        original.insert(key, merged);
    }
    Ok(original)
}

fn key_of<'a>(v: &'a Value, mk: &str) -> Option<&'a Value> {
    v.as_object().and_then(|m| m.get(mk))
}

/// index() of patch.go: position of `item` in `list` by merge key (maps) or by value.
fn index_of(list: &[Value], item: &Value, mk: Option<&str>) -> Option<usize> {
    match mk {
        Some(k) => {
            let want = key_of(item, k);
            list.iter().position(|v| key_of(v, k) == want)
        }
        None => list.iter().position(|v| v == item),
    }
}

fn partition(merged: &[Value], by: &[Value], mk: Option<&str>) -> (Vec<Value>, Vec<Value>) {
    let mut in_patch = Vec::new();
    let mut server_only = Vec::new();
    for v in merged {
        if index_of(by, v, mk).is_some() {
            in_patch.push(v.clone());
        } else {
            server_only.push(v.clone());
        }
    }
    (in_patch, server_only)
}

fn normalize_slice_order(mut to_sort: Vec<Value>, order: &[Value], mk: Option<&str>) -> Vec<Value> {
    let mut to_delete = Vec::new();
    if mk.is_some() {
        let (keep, del): (Vec<_>, Vec<_>) = to_sort
            .into_iter()
            .partition(|v| v.get(DIRECTIVE).and_then(Value::as_str) != Some("delete"));
        to_sort = keep;
        to_delete = del;
    }
    // Go's sort.SliceStable with a `less` that returns true when either index is missing; for
    // the inputs seen here (items present in `order`) this is a stable sort by position.
    crate::sort::sort_by_key(&mut to_sort, |v| {
        index_of(order, v, mk).unwrap_or(usize::MAX)
    });
    to_sort.extend(to_delete);
    to_sort
}

fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    mk: Option<&str>,
) -> Vec<Value> {
    let patch = normalize_slice_order(patch, patch_order, mk);
    let server_only = normalize_slice_order(server_only, server_order, mk);
    merge_sorted_slice(server_only, patch, server_order, mk)
}

/// `mergeSortedSlice(left = server-only, right = patch items)`.
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    mk: Option<&str>,
) -> Vec<Value> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        if i >= left.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let li = index_of(server_order, &left[i], mk);
            let ri = index_of(server_order, &right[j], mk);
            match (li, ri) {
                (Some(a), Some(b)) if a < b => {
                    out.push(left[i].clone());
                    i += 1;
                }
                _ => {
                    out.push(right[j].clone());
                    j += 1;
                }
            }
        }
    }
    out
}

fn merge_list(
    schema: &Schema,
    path: &str,
    original: Vec<Value>,
    patch: Vec<Value>,
    _delete_list: bool,
) -> Result<Vec<Value>, PatchError> {
    let strategy = schema.rule(path).and_then(|r| r.list);
    let Some(strategy) = strategy else {
        // Atomic list: the patch replaces it.
        return Ok(patch.iter().map(clean_new).collect());
    };
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    if patch.iter().chain(original.iter()).any(Value::is_array) {
        return Err(PatchError::new("lists of lists are not supported"));
    }
    match strategy {
        ListStrategy::MergeScalars => {
            let mut merged: Vec<Value> = Vec::new();
            for v in original.iter().chain(patch.iter()) {
                if !merged.contains(v) {
                    merged.push(v.clone());
                }
            }
            let (in_patch, server_only) = partition(&merged, &patch, None);
            Ok(normalize_element_order(
                in_patch,
                server_only,
                &patch,
                &original,
                None,
            ))
        }
        ListStrategy::MergeByKey(mk) => {
            // mergeSliceWithSpecialElements
            let mut original = original;
            let mut plain_patch = Vec::new();
            let mut replace = false;
            for v in &patch {
                let Value::Object(m) = v else {
                    return Err(PatchError::new(format!(
                        "expected a map[string]interface {{}}, but received a {}",
                        go_type(v)
                    )));
                };
                match m.get(DIRECTIVE) {
                    None => plain_patch.push(v.clone()),
                    Some(d) => match d.as_str() {
                        Some("delete") => {
                            let Some(kv) = m.get(mk) else {
                                return Err(err_no_merge_key(m, mk));
                            };
                            original.retain(|o| key_of(o, mk) != Some(kv));
                        }
                        Some("replace") => replace = true,
                        Some("merge") => {
                            return Err(PatchError::new(
                                "merging lists cannot yet be specified in the patch",
                            ))
                        }
                        _ => return Err(err_bad_patch_type(d, m)),
                    },
                }
            }
            let (original, patch) = if replace {
                (
                    plain_patch.iter().map(clean_new).collect::<Vec<_>>(),
                    Vec::new(),
                )
            } else {
                (original, plain_patch)
            };
            // mergeSliceWithoutSpecialElements
            let item_path = path;
            let mut merged = original.clone();
            for pv in &patch {
                let Value::Object(pm) = pv else { continue };
                let Some(kv) = pm.get(mk) else {
                    return Err(err_no_merge_key(pm, mk));
                };
                match merged.iter().position(|o| key_of(o, mk) == Some(kv)) {
                    Some(i) => {
                        let om = merged[i].as_object().cloned().unwrap_or_default();
                        merged[i] = Value::Object(merge_map(schema, item_path, om, pm.clone())?);
                    }
                    None => merged.push(clean_new(pv)),
                }
            }
            let (in_patch, server_only) = partition(&merged, &patch, Some(mk));
            Ok(normalize_element_order(
                in_patch,
                server_only,
                &patch,
                &original,
                Some(mk),
            ))
        }
    }
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests;
