//! The garbage collector: background, foreground and orphan propagation through
//! ownerReferences (upstream `pkg/controller/garbagecollector`: `attemptToDeleteItem`,
//! `processDeletingDependentsItem`, `orphanDependents`).
//!
//! The graph is an index built from the watch log: owner UID → dependents, and each
//! dependent's owners. Owners are resolved with a live lookup by kind/namespace/name and
//! compared by UID (the collector's "virtual node" check), so an owner the index never saw is
//! handled like one that was deleted.

use super::{Controller, ControllerId, Ctx, TAG_RECONCILE};
use crate::api::{ApiServer, DeleteOptions, Propagation, StatusReason, WatchEvent, WatchEventType};
use crate::objects::{Kind, Object, ObjectMeta, ObjectRef, OwnerReference};
use crate::reason::Reason;
use crate::vecmap::VecSet;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

const ACTOR: &str = "generic-garbage-collector";
const ORPHAN: &str = "orphan";
const FOREGROUND: &str = "foregroundDeletion";

/// Why the GarbageCollector controller acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GcReason {
    /// The object's owner is gone (or is deleting it in the foreground): the object was deleted.
    DeletedDependent {
        owner: String,
        propagation: Propagation,
    },
    /// Other owners remain: only the reference to the gone (or foreground-deleting) owner was removed.
    RemovedOwnerRef { owner: String },
    /// Orphan propagation: the owner's reference was removed from this dependent.
    OrphanedDependent { owner: String },
    /// Every dependent is orphaned: the `orphan` finalizer was removed.
    RemovedOrphanFinalizer,
    /// Foreground deletion waits until dependents with blockOwnerDeletion are gone.
    WaitingForDependents { remaining: usize, first: String },
    /// No blocking dependents are left: the `foregroundDeletion` finalizer was removed.
    RemovedForegroundFinalizer,
}

impl fmt::Display for GcReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GcReason::DeletedDependent { owner, propagation } => write!(
                f,
                "deleted: its owner {owner} is gone or being deleted ({propagation:?} propagation)"
            ),
            GcReason::RemovedOwnerRef { owner } => write!(
                f,
                "removed the ownerReference to {owner}; other owners keep the object alive"
            ),
            GcReason::OrphanedDependent { owner } => write!(
                f,
                "orphaned: {owner} was deleted with propagationPolicy=Orphan, its ownerReference removed"
            ),
            GcReason::RemovedOrphanFinalizer => {
                f.write_str("all dependents orphaned: removed the orphan finalizer")
            }
            GcReason::WaitingForDependents { remaining, first } => write!(
                f,
                "foreground deletion waits for {remaining} dependent(s) to be gone (first: {first})"
            ),
            GcReason::RemovedForegroundFinalizer => f.write_str(
                "all blocking dependents are gone: removed the foregroundDeletion finalizer",
            ),
        }
    }
}

impl GcReason {
    pub fn is_wait(&self) -> bool {
        matches!(self, GcReason::WaitingForDependents { .. })
    }
}

#[derive(Debug, Clone, Default)]
pub struct GarbageCollector {
    /// Owner UID → dependents.
    dependents: HashMap<String, VecSet<ObjectRef>>,
    /// Dependent → the owner UIDs it was last seen with.
    owners_of: HashMap<ObjectRef, Vec<String>>,
}

fn oref(o: &Object) -> ObjectRef {
    ObjectRef::new(o.kind(), o.meta().ns(), &o.meta().name)
}

/// The live owner a reference points at, if it exists with the same UID.
fn resolve<'a>(api: &'a ApiServer, ns: &str, r: &OwnerReference) -> Option<&'a Arc<Object>> {
    let kind = Kind::from_name(&r.kind)?;
    api.get_object(kind, ns, &r.name)
        .filter(|o| o.meta().uid == r.uid)
}

fn owner_label(r: &OwnerReference) -> String {
    let singular = Kind::from_name(&r.kind)
        .map_or_else(|| r.kind.to_lowercase(), |k| k.singular().to_string());
    format!("{singular}/{}", r.name)
}

fn deleting_with(m: &ObjectMeta, finalizer: &str) -> bool {
    m.is_deleting() && m.finalizers.iter().any(|f| f == finalizer)
}

impl GarbageCollector {
    fn unlink(&mut self, key: &ObjectRef) {
        if let Some(owners) = self.owners_of.remove(key) {
            for uid in owners {
                if let Some(set) = self.dependents.get_mut(&uid) {
                    set.remove(key);
                    if set.is_empty() {
                        self.dependents.remove(&uid);
                    }
                }
            }
        }
    }

    fn link(&mut self, key: &ObjectRef, m: &ObjectMeta) {
        if m.owner_references.is_empty() {
            return;
        }
        let uids: Vec<String> = m.owner_references.iter().map(|r| r.uid.clone()).collect();
        for uid in &uids {
            self.dependents
                .entry(uid.clone())
                .or_default()
                .insert(key.clone());
        }
        self.owners_of.insert(key.clone(), uids);
    }

    fn dependents_of(&self, uid: &str) -> Vec<ObjectRef> {
        self.dependents
            .get(uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }
}

impl Controller for GarbageCollector {
    const ID: ControllerId = ControllerId::GarbageCollector;

    fn watch(&mut self, ev: &WatchEvent, api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        let o = &*ev.object;
        if o.kind() == Kind::Event {
            return;
        }
        let key = oref(o);
        let m = o.meta();
        // Linked to the owners it already is (most events): unlinking and linking again would
        // leave the maps as they are.
        let relinked = ev.type_ != WatchEventType::Deleted
            && match self.owners_of.get(&key) {
                None => m.owner_references.is_empty(),
                Some(uids) => {
                    !m.owner_references.is_empty()
                        && uids.iter().eq(m.owner_references.iter().map(|r| &r.uid))
                }
            };
        if !relinked {
            self.unlink(&key);
        }
        if ev.type_ == WatchEventType::Deleted {
            // Its dependents may now be garbage; its owners may be waiting for it (foreground).
            for d in self.dependents_of(&m.uid) {
                enqueue(d);
            }
            for r in &m.owner_references {
                if let Some(kind) = Kind::from_name(&r.kind) {
                    enqueue(ObjectRef::new(kind, m.ns(), &r.name));
                }
            }
            return;
        }
        if !relinked {
            self.link(&key, m);
        }
        if deleting_with(m, ORPHAN) || deleting_with(m, FOREGROUND) {
            enqueue(key.clone());
        }
        // attemptToDelete candidates: an owner that is absent or deleting in the foreground.
        let needs_attention = m
            .owner_references
            .iter()
            .any(|r| match resolve(api, m.ns(), r) {
                None => true,
                Some(owner) => deleting_with(owner.meta(), FOREGROUND),
            });
        if needs_attention {
            enqueue(key);
        }
    }

    fn handle(&mut self, key: &ObjectRef, tag: u32, ctx: &mut Ctx<'_>) {
        if tag != TAG_RECONCILE {
            return;
        }
        let Some(obj) = ctx
            .api
            .get_object(key.kind, &key.namespace, &key.name)
            .cloned()
        else {
            return;
        };
        let m = obj.meta();
        if m.is_deleting() {
            if m.finalizers.iter().any(|f| f == ORPHAN) {
                self.orphan_dependents(&obj, ctx);
            } else if m.finalizers.iter().any(|f| f == FOREGROUND) {
                self.process_deleting_dependents(&obj, ctx);
            }
            // An object being deleted without these finalizers is left to its deletion.
            return;
        }
        if !m.owner_references.is_empty() {
            self.attempt_to_delete(&obj, ctx);
        }
    }
}

impl GarbageCollector {
    fn why(ctx: &mut Ctx<'_>, key: ObjectRef, r: GcReason) {
        ctx.reason(key, Reason::GarbageCollector(r));
    }

    /// `orphanDependents` + removing the `orphan` finalizer.
    fn orphan_dependents(&mut self, owner: &Arc<Object>, ctx: &mut Ctx<'_>) {
        let om = owner.meta();
        let label = format!("{}/{}", owner.kind().singular(), om.name);
        for d in self.dependents_of(&om.uid) {
            let Some(dep) = ctx.api.get_object(d.kind, &d.namespace, &d.name).cloned() else {
                continue;
            };
            let mut dep = (*dep).clone();
            let before = dep.meta().owner_references.len();
            dep.meta_mut().owner_references.retain(|r| r.uid != om.uid);
            if dep.meta().owner_references.len() == before {
                continue;
            }
            dep.meta_mut().resource_version.clear();
            match ctx.api.update(dep, ACTOR) {
                Ok(_) => Self::why(
                    ctx,
                    d,
                    GcReason::OrphanedDependent {
                        owner: label.clone(),
                    },
                ),
                // Retry on the next event for this owner; the finalizer stays until then.
                Err(e) if e.reason != StatusReason::NotFound => return,
                Err(_) => {}
            }
        }
        self.remove_finalizer(owner, ORPHAN, GcReason::RemovedOrphanFinalizer, ctx);
    }

    /// `processDeletingDependentsItem`: delete blocking dependents, then drop the finalizer.
    fn process_deleting_dependents(&mut self, owner: &Arc<Object>, ctx: &mut Ctx<'_>) {
        let om = owner.meta();
        let mut blocking = Vec::new();
        for d in self.dependents_of(&om.uid) {
            let Some(dep) = ctx.api.get_object(d.kind, &d.namespace, &d.name) else {
                continue;
            };
            let blocks = dep
                .meta()
                .owner_references
                .iter()
                .any(|r| r.uid == om.uid && r.block_owner_deletion == Some(true));
            if blocks {
                blocking.push((d, dep.clone()));
            }
        }
        if blocking.is_empty() {
            self.remove_finalizer(owner, FOREGROUND, GcReason::RemovedForegroundFinalizer, ctx);
            return;
        }
        let owner_key = oref(owner);
        Self::why(
            ctx,
            owner_key,
            GcReason::WaitingForDependents {
                remaining: blocking.len(),
                first: blocking[0].0.to_string(),
            },
        );
        for (_, dep) in blocking {
            if !dep.meta().is_deleting() {
                self.attempt_to_delete(&dep, ctx);
            }
        }
    }

    fn remove_finalizer(&self, obj: &Arc<Object>, finalizer: &str, r: GcReason, ctx: &mut Ctx<'_>) {
        let mut o = (**obj).clone();
        o.meta_mut().finalizers.retain(|f| f != finalizer);
        o.meta_mut().resource_version.clear();
        if ctx.api.update(o, ACTOR).is_ok() {
            Self::why(ctx, oref(obj), r);
        }
    }

    /// `attemptToDeleteItem`: classify owners as solid, dangling or waiting for dependents.
    fn attempt_to_delete(&mut self, obj: &Arc<Object>, ctx: &mut Ctx<'_>) {
        let m = obj.meta();
        if m.is_deleting() && !deleting_with(m, FOREGROUND) {
            return;
        }
        let (mut solid, mut dangling, mut waiting) = (Vec::new(), Vec::new(), Vec::new());
        for r in &m.owner_references {
            match resolve(ctx.api, m.ns(), r) {
                None => dangling.push(r.clone()),
                Some(o) if deleting_with(o.meta(), FOREGROUND) => waiting.push(r.clone()),
                Some(_) => solid.push(r.clone()),
            }
        }
        let key = oref(obj);
        if !solid.is_empty() {
            if dangling.is_empty() && waiting.is_empty() {
                return;
            }
            let gone: Vec<OwnerReference> = dangling.into_iter().chain(waiting).collect();
            let mut o = (**obj).clone();
            o.meta_mut()
                .owner_references
                .retain(|r| !gone.iter().any(|g| g.uid == r.uid));
            o.meta_mut().resource_version.clear();
            if ctx.api.update(o, ACTOR).is_ok() {
                for g in &gone {
                    Self::why(
                        ctx,
                        key.clone(),
                        GcReason::RemovedOwnerRef {
                            owner: owner_label(g),
                        },
                    );
                }
            }
            return;
        }
        if m.is_deleting() {
            return;
        }
        let has_dependents = self.dependents.get(&m.uid).is_some_and(|s| !s.is_empty());
        let propagation = if !waiting.is_empty() && has_dependents {
            Propagation::Foreground
        } else if m.finalizers.iter().any(|f| f == ORPHAN) {
            Propagation::Orphan
        } else if m.finalizers.iter().any(|f| f == FOREGROUND) {
            Propagation::Foreground
        } else {
            Propagation::Background
        };
        let owner = waiting
            .first()
            .or(dangling.first())
            .map(owner_label)
            .unwrap_or_default();
        let opts = DeleteOptions {
            propagation: Some(propagation),
            grace_period_seconds: None,
            uid: Some(m.uid.clone()),
        };
        if ctx
            .api
            .delete(key.kind, &key.namespace, &key.name, &opts, ACTOR)
            .is_ok()
        {
            Self::why(ctx, key, GcReason::DeletedDependent { owner, propagation });
        }
    }
}
