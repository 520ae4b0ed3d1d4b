//! ControllerRevisions: `getPatch`, `newRevision`, `ApplyRevision` (stateful_set_utils.go) and
//! `history.NewControllerRevision` / `HashControllerRevision` (controller_history.go).

use crate::objects::{ControllerRevision, Json, PodTemplateSpec, StatefulSet, StatefulSetSpec};
use serde_json::{Map, Value};
use std::sync::Arc;

/// `history.ControllerRevisionHashLabel`
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// `getPatch`: `{"spec":{"template":{…,"$patch":"replace"}}}`. Go marshals the map with sorted
/// keys (serde_json's default map is a BTreeMap: same order). The template's metadata carries
/// `"creationTimestamp":null` as Go's ObjectMeta encoding does for a zero time.
pub fn patch_for(set: &StatefulSet) -> Value {
    let mut template = set.spec.template.to_json();
    if let Value::Object(t) = &mut template {
        let meta = t
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = meta {
            m.entry("creationTimestamp").or_insert(Value::Null);
        }
        t.insert("$patch".into(), Value::String("replace".into()));
    }
    let mut spec = Map::new();
    spec.insert("template".into(), template);
    let mut root = Map::new();
    root.insert("spec".into(), Value::Object(spec));
    Value::Object(root)
}

/// The bytes Go's `json.Marshal` writes for `v` (compact, HTML-escaped).
pub fn go_json_bytes(v: &Value) -> String {
    let s = v.to_string();
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// `HashControllerRevision`: `fnv.New32()` (FNV-1, not FNV-1a) over the raw data, then the
/// decimal collision count; the decimal digest is `rand.SafeEncodeString`d.
pub fn hash_revision(data: &Value, collision_count: Option<i32>) -> String {
    finish_hash(
        fnv1_32(FNV1_32_OFFSET, go_json_bytes(data).as_bytes()),
        collision_count,
    )
}

const FNV1_32_OFFSET: u32 = 0x811c_9dc5;

/// FNV-1 (32-bit) of `bytes`, continuing from state `h`.
fn fnv1_32(mut h: u32, bytes: &[u8]) -> u32 {
    for b in bytes {
        h = h.wrapping_mul(0x0100_0193);
        h ^= u32::from(*b);
    }
    h
}

/// The rest of [`hash_revision`] from the state after the data's bytes.
fn finish_hash(mut h: u32, collision_count: Option<i32>) -> String {
    if let Some(c) = collision_count {
        h = fnv1_32(h, c.to_string().as_bytes());
    }
    safe_encode(&h.to_string())
}

/// `rand.SafeEncodeString`: each byte mapped into an alphabet without vowels or confusables.
pub fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// `history.ControllerRevisionName`
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let prefix = if prefix.len() > 223 {
        // Cut on a char boundary (names are ASCII after validation; be safe anyway).
        let mut end = 223;
        while !prefix.is_char_boundary(end) {
            end -= 1;
        }
        &prefix[..end]
    } else {
        prefix
    };
    format!("{prefix}-{hash}")
}

/// `newRevision` → `history.NewControllerRevision`: labels = template labels + hash label,
/// annotations = the set's, controller ref to the set.
pub fn new_revision(set: &StatefulSet, number: i64, collision_count: i32) -> ControllerRevision {
    let data = patch_for(set);
    let hash = hash_revision(&data, Some(collision_count));
    revision_with(set, number, data, hash)
}

/// [`new_revision`] from the set's patch and its hash.
fn revision_with(set: &StatefulSet, number: i64, data: Value, hash: String) -> ControllerRevision {
    let mut cr = ControllerRevision::default();
    cr.metadata.name = revision_name(&set.metadata.name, &hash);
    cr.metadata.namespace = set.metadata.namespace.clone();
    cr.metadata.labels = set.spec.template.metadata.labels.clone();
    cr.metadata.labels.insert(HASH_LABEL.into(), hash);
    cr.metadata.annotations = set.metadata.annotations.clone();
    cr.metadata.owner_references = vec![super::utils::set_controller_ref(set)];
    cr.data = data;
    cr.revision = number;
    cr
}

/// `ApplyRevision`: the set with the revision's template (the patch replaces the template).
pub fn apply_revision(set: &StatefulSet, revision: &ControllerRevision) -> StatefulSet {
    let mut out = set.clone();
    if let Some(template) = revision_template(revision) {
        out.spec.template = template;
    }
    out
}

/// The template a revision's patch replaces the set's with (`None`: the patch has none that
/// decodes, and `ApplyRevision` keeps the set's).
fn revision_template(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let Some(Value::Object(t)) = revision.data.get("spec").and_then(|s| s.get("template")) else {
        return None;
    };
    let mut t = t.clone();
    t.remove("$patch");
    PodTemplateSpec::from_json(Value::Object(t)).ok()
}

/// How many decoded revision templates a [`RevisionCache`] keeps (a sync needs two: the
/// current and the update revision).
const DECODED_TEMPLATES: usize = 4;

/// One set's memo of the pure, costly steps of a sync's revision handling: `getPatch` and its
/// hash for the set's template, and the templates `ApplyRevision` decodes from revisions.
/// Entries are keyed by everything the result depends on (the template itself; the revision's
/// UID, whose data is immutable), so a hit returns exactly what recomputing would.
#[derive(Debug, Clone, Default)]
pub struct RevisionCache {
    patch: Option<SetPatch>,
    /// (revision UID, its decoded template), newest last.
    templates: Vec<(String, Option<PodTemplateSpec>)>,
    /// (set resourceVersion, revision UID, the applied set), newest last: a set that did not
    /// change since the last sync applies to the same result.
    applied: Vec<(String, String, Arc<StatefulSet>)>,
}

/// How many applied sets a [`RevisionCache`] keeps (the current and the update revision).
const APPLIED_SETS: usize = 2;

/// `set` with `template` in place of its own (a clone that skips the replaced template).
fn with_template(set: &StatefulSet, template: &PodTemplateSpec) -> StatefulSet {
    let s = &set.spec;
    StatefulSet {
        metadata: set.metadata.clone(),
        spec: StatefulSetSpec {
            replicas: s.replicas,
            selector: s.selector.clone(),
            template: template.clone(),
            volume_claim_templates: s.volume_claim_templates.clone(),
            service_name: s.service_name.clone(),
            pod_management_policy: s.pod_management_policy.clone(),
            update_strategy: s.update_strategy.clone(),
            revision_history_limit: s.revision_history_limit,
            min_ready_seconds: s.min_ready_seconds,
            persistent_volume_claim_retention_policy: s
                .persistent_volume_claim_retention_policy
                .clone(),
            ordinals: s.ordinals.clone(),
            extra: s.extra.clone(),
        },
        status: set.status.clone(),
    }
}

/// `getPatch` of one template, with the FNV-1 state after its Go JSON bytes.
#[derive(Debug, Clone)]
pub struct SetPatch {
    template: PodTemplateSpec,
    pub data: Value,
    fnv: u32,
}

impl SetPatch {
    /// `HashControllerRevision(data, collisionCount)`.
    pub fn hash(&self, collision_count: i32) -> String {
        finish_hash(self.fnv, Some(collision_count))
    }

    /// `newRevision(set, number, collisionCount)` for the set this patch was made of.
    pub fn new_revision(
        &self,
        set: &StatefulSet,
        number: i64,
        collision_count: i32,
    ) -> ControllerRevision {
        revision_with(set, number, self.data.clone(), self.hash(collision_count))
    }
}

impl RevisionCache {
    /// `getPatch(set)` (and its hash state), recomputed only when the template changed.
    pub fn patch(&mut self, set: &StatefulSet) -> &SetPatch {
        let stale = self
            .patch
            .as_ref()
            .is_none_or(|p| p.template != set.spec.template);
        if stale {
            let data = patch_for(set);
            let fnv = fnv1_32(FNV1_32_OFFSET, go_json_bytes(&data).as_bytes());
            self.patch = Some(SetPatch {
                template: set.spec.template.clone(),
                data,
                fnv,
            });
        }
        self.patch.as_ref().expect("just set")
    }

    /// [`apply_revision`], with the revision's template decoded once per revision and the
    /// result kept while the set (its resourceVersion) stays the same.
    pub fn apply(&mut self, set: &StatefulSet, revision: &ControllerRevision) -> Arc<StatefulSet> {
        let set_rv = &set.metadata.resource_version;
        let uid = &revision.metadata.uid;
        if !set_rv.is_empty() {
            if let Some((_, _, out)) = self
                .applied
                .iter()
                .find(|(rv, u, _)| rv == set_rv && u == uid)
            {
                return out.clone();
            }
        }
        let pos = match self.templates.iter().position(|(u, _)| u == uid) {
            Some(i) => i,
            None => {
                if self.templates.len() >= DECODED_TEMPLATES {
                    self.templates.remove(0);
                }
                self.templates
                    .push((uid.clone(), revision_template(revision)));
                self.templates.len() - 1
            }
        };
        let out = Arc::new(match &self.templates[pos].1 {
            Some(template) => with_template(set, template),
            None => set.clone(),
        });
        if !set_rv.is_empty() {
            if self.applied.len() >= APPLIED_SETS {
                self.applied.remove(0);
            }
            self.applied
                .push((set_rv.clone(), uid.clone(), out.clone()));
        }
        out
    }
}

/// `history.SortControllerRevisions`: by revision number, then creation time, then name.
pub fn sort_revisions(revs: &mut [std::sync::Arc<crate::objects::Object>]) {
    crate::sort::sort_by(revs, |a, b| {
        let (a, b) = (as_revision(a), as_revision(b));
        (a.revision, a.metadata.creation_timestamp, &a.metadata.name).cmp(&(
            b.revision,
            b.metadata.creation_timestamp,
            &b.metadata.name,
        ))
    });
}

/// A listed ControllerRevision (the list holds nothing else).
pub fn as_revision(o: &crate::objects::Object) -> &ControllerRevision {
    use crate::objects::Typed;
    ControllerRevision::from_object(o).expect("a ControllerRevision")
}

/// `history.EqualRevision`: same data.
pub fn equal_revision(a: &ControllerRevision, b: &ControllerRevision) -> bool {
    a.data == b.data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_encoding_maps_digits_like_apimachinery() {
        // '0'..'9' are bytes 48..57: 48 % 27 = 21 → '4', 54 % 27 = 0 → 'b'.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        // The spec's example revision `web-6d4cf56db6` decodes to a 32-bit decimal digest.
        assert_eq!(safe_encode("2807912862"), "6d4cf56db6");
    }

    #[test]
    fn fnv1_32_matches_the_reference_vectors() {
        // FNV-1 32-bit of "a" is 0x050c5d7e.
        let mut h: u32 = 0x811c_9dc5;
        h = h.wrapping_mul(0x0100_0193);
        h ^= u32::from(b'a');
        assert_eq!(h, 0x050c_5d7e);
    }
}
