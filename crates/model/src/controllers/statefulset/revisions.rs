//! ControllerRevisions: `getPatch`, `newRevision`, `ApplyRevision` (stateful_set_utils.go) and
//! `history.NewControllerRevision` / `HashControllerRevision` (controller_history.go).

use crate::objects::{ControllerRevision, Json, PodTemplateSpec, StatefulSet};
use serde_json::{Map, Value};

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
    let mut h: u32 = 0x811c_9dc5;
    let mut write = |bytes: &[u8]| {
        for b in bytes {
            h = h.wrapping_mul(0x0100_0193);
            h ^= u32::from(*b);
        }
    };
    write(go_json_bytes(data).as_bytes());
    if let Some(c) = collision_count {
        write(c.to_string().as_bytes());
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
    if let Some(Value::Object(t)) = revision.data.get("spec").and_then(|s| s.get("template")) {
        let mut t = t.clone();
        t.remove("$patch");
        if let Ok(template) = PodTemplateSpec::from_json(Value::Object(t)) {
            out.spec.template = template;
        }
    }
    out
}

/// `history.SortControllerRevisions`: by revision number, then creation time, then name.
pub fn sort_revisions(revs: &mut [ControllerRevision]) {
    crate::sort::sort_by(revs, |a, b| {
        (a.revision, a.metadata.creation_timestamp, &a.metadata.name).cmp(&(
            b.revision,
            b.metadata.creation_timestamp,
            &b.metadata.name,
        ))
    });
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
