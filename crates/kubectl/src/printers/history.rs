//! `kubectl rollout history` for StatefulSets, ported from `kubernetes/kubectl`
//! `pkg/polymorphichelpers/history.go` (`StatefulSetHistoryViewer`, `printHistory`,
//! `printTemplate`) and `pkg/cmd/rollout/rollout_history.go` (the name printer's header line).

use super::describe::{describe_pod_template, PrefixWriter};
use super::tabwriter::TabWriter;
use ordinal_model::api::ApiServer;
use ordinal_model::objects::{ControllerRevision, Json, PodTemplateSpec, StatefulSet};
use ordinal_model::vecmap::VecMap;
use serde_json::Value;

/// `kubernetes.io/change-cause`, shown in the CHANGE-CAUSE column.
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";

/// `controlledHistoryV1`: the set's ControllerRevisions (selector match and controller UID).
pub fn statefulset_history<'a>(
    api: &'a ApiServer,
    sts: &'a StatefulSet,
) -> Vec<&'a ControllerRevision> {
    let Some(sel) = sts.spec.selector.as_ref() else {
        return Vec::new();
    };
    api.list::<ControllerRevision>(Some(sts.metadata.ns()))
        .filter(|cr| sel.matches(&cr.metadata.labels))
        .filter(|cr| {
            cr.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == sts.metadata.uid)
        })
        .collect()
}

/// The pod template a revision stores: its data is the patch
/// `{"spec":{"template":{…,"$patch":"replace"}}}`, so applying it to the set
/// (`applyStatefulSetHistory`) yields exactly that template.
pub fn revision_template(cr: &ControllerRevision) -> Result<PodTemplateSpec, String> {
    let mut t = cr
        .data
        .get("spec")
        .and_then(|s| s.get("template"))
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    if let Value::Object(m) = &mut t {
        m.remove("$patch");
    }
    PodTemplateSpec::from_json(t)
        .map_err(|_| format!("unable to parse history {}", cr.metadata.name))
}

/// `printTemplate`: `DescribePodTemplate` into a plain buffer (no tabwriter: tabs stay tabs).
pub fn print_template(t: &PodTemplateSpec) -> String {
    let mut w = PrefixWriter::raw();
    describe_pod_template(&mut w, t);
    w.finish()
}

/// `printHistory`: the revision table, or one revision's template when `revision > 0`.
/// `Err` carries kubectl's error text (printed as `error: …`).
pub fn view_history(api: &ApiServer, sts: &StatefulSet, revision: i64) -> Result<String, String> {
    // historyInfo[history.Revision] = history (a later one with the same number wins).
    let mut by_rev: VecMap<i64, &ControllerRevision> = VecMap::new();
    for cr in statefulset_history(api, sts) {
        by_rev.insert(cr.revision, cr);
    }
    if by_rev.is_empty() {
        return Ok("No rollout history found.".to_string());
    }
    if revision > 0 {
        let cr = by_rev
            .get(&revision)
            .ok_or_else(|| "unable to find the specified revision".to_string())?;
        return Ok(print_template(&revision_template(cr)?));
    }
    let mut tw = TabWriter::new(0, 2, ' ', 0);
    tw.write_str("REVISION\tCHANGE-CAUSE\n");
    for (r, cr) in &by_rev {
        let cause = cr
            .metadata
            .annotations
            .get(CHANGE_CAUSE_ANNOTATION)
            .filter(|c| !c.is_empty())
            .map_or("<none>", String::as_str);
        tw.write_str(&format!("{r}\t{cause}\n"));
    }
    Ok(tw.finish())
}

/// The whole stdout of `kubectl rollout history statefulset/web [--revision=N]`: the name
/// printer's `statefulset.apps/web <withRevision>\n<history>\n` (note the space after the name
/// and the blank line that ends the table).
pub fn rollout_history(
    api: &ApiServer,
    sts: &StatefulSet,
    revision: i64,
) -> Result<String, String> {
    let info = view_history(api, sts, revision)?;
    let with_revision = if revision > 0 {
        format!("with revision #{revision}")
    } else {
        String::new()
    };
    Ok(format!(
        "statefulset.apps/{} {with_revision}\n{info}\n",
        sts.metadata.name
    ))
}
