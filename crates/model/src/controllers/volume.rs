//! Storage: the PV controller (binding, release, reclaim), the two dynamic provisioners of the
//! profile's storage classes, the pvc-/pv-protection controllers and the attach/detach
//! controller, plus the data on every volume ([`VolumeData`]).
//!
//! Sources ported: `pkg/controller/volume/persistentvolume/pv_controller.go` (syncClaim,
//! syncVolume, provisionClaim), `pkg/controller/volume/pvcprotection`, `pvprotection`,
//! `pkg/controller/volume/attachdetach`, and the external-provisioner's event texts.

use super::{Controller, ControllerId, Ctx};
use crate::api::server::Shared;
use crate::api::{ApiServer, DeleteOptions, WatchEvent, WatchEventType};
use crate::bootstrap::{LOCAL_PROVISIONER, STANDARD_PROVISIONER};
use crate::controllers::kubelet::{attached_volume_name, pv_needs_attach};
use crate::objects::{
    ClaimRef, Kind, Node, Object, ObjectMeta, ObjectRef, PersistentVolume, PersistentVolumeClaim,
    Pod, PvSpec, PvStatus, StorageClass,
};
use crate::reason::Reason;
use crate::rng::Rng;
use crate::storage_data::VolumeData;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::fmt;

const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
const ANN_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
const ANN_PROVISIONER_BETA: &str = "volume.beta.kubernetes.io/storage-provisioner";

/// Timer tags of this controller.
const TAG_PROVISION: u32 = 1;
const TAG_ATTACH: u32 = 2;
const TAG_RECLAIM: u32 = 3;

/// The attach/detach controller force-detaches a volume from an unhealthy node after
/// `maxWaitForUnmountDuration` (6 minutes).
const FORCE_DETACH_MS: u64 = 6 * 60 * 1000;

/// Why the volume controllers acted or waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolumeReason {
    Provisioned {
        pv: String,
    },
    Bound {
        pv: String,
    },
    /// WaitForFirstConsumer: no pod has been scheduled with this claim yet.
    WaitingForFirstConsumer,
    /// A deleting claim stays while `pod` uses it (pvc-protection).
    InUse {
        pod: String,
    },
    ProtectionRemoved,
    Released {
        pv: String,
    },
    Reclaimed {
        pv: String,
    },
    ClaimLost {
        pv: String,
    },
    Attached {
        pv: String,
        node: String,
    },
    Detached {
        pv: String,
        node: String,
    },
    /// RWO: the volume is attached to `node` and cannot follow the pod yet.
    MultiAttach {
        pv: String,
        node: String,
    },
}

impl fmt::Display for VolumeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VolumeReason::*;
        match self {
            Provisioned { pv } => write!(f, "provisioned volume {pv}"),
            Bound { pv } => write!(f, "bound to volume {pv}"),
            WaitingForFirstConsumer => f.write_str(
                "waits: binding mode WaitForFirstConsumer and no pod uses the claim yet",
            ),
            InUse { pod } => write!(
                f,
                "waits: deletion blocked while pod {pod} uses the claim (pvc-protection)"
            ),
            ProtectionRemoved => {
                f.write_str("no pod uses the claim any more; protection finalizer removed")
            }
            Released { pv } => write!(f, "volume {pv} released: its claim is gone"),
            Reclaimed { pv } => write!(
                f,
                "volume {pv} deleted (reclaim policy Delete); its data is gone"
            ),
            ClaimLost { pv } => write!(f, "volume {pv} no longer exists: claim is Lost"),
            Attached { pv, node } => write!(f, "volume {pv} attached to {node}"),
            Detached { pv, node } => write!(f, "volume {pv} detached from {node}"),
            MultiAttach { pv, node } => write!(
                f,
                "waits: volume {pv} is still attached to {node} (ReadWriteOnce)"
            ),
        }
    }
}

impl VolumeReason {
    pub fn is_wait(&self) -> bool {
        matches!(
            self,
            VolumeReason::WaitingForFirstConsumer
                | VolumeReason::InUse { .. }
                | VolumeReason::MultiAttach { .. }
        )
    }
}

#[derive(Debug, Clone)]
pub struct VolumeController {
    /// The files on every PersistentVolume.
    pub data: VolumeData,
    rng: Rng,
    /// pv → node it is attached to (at most one: every disk here is ReadWriteOnce).
    attachments: VecMap<String, String>,
    /// pv → (node, when) an attach in progress completes.
    attaching: VecMap<String, (String, Time)>,
    /// pv → since when no pod on its (unhealthy) node uses it.
    unused_since: VecMap<String, Time>,
    /// Claims whose provisioning has started (uid).
    provisioning: VecSet<String>,
    /// Pods already told about a Multi-Attach error (uid).
    multi_attach_warned: VecSet<String>,
    /// Volumes with an attach sync already queued (dedupes the timer).
    attach_queued: VecSet<String>,
    /// `attachments` by node (a Node event concerns only the volumes attached there).
    attached_by_node: VecMap<String, VecSet<String>>,
    /// (namespace, claim) → pods naming it, from the watch (instead of listing the namespace).
    claim_users: VecMap<(String, String), VecSet<String>>,
}

impl Default for VolumeController {
    fn default() -> Self {
        VolumeController::new(0)
    }
}

fn pvc_key(ns: &str, name: &str) -> ObjectRef {
    ObjectRef::new(Kind::PersistentVolumeClaim, ns, name)
}

fn pv_key(name: &str) -> ObjectRef {
    ObjectRef::new(Kind::PersistentVolume, "", name)
}

/// The names of the claims a pod's volumes use.
pub(crate) fn claims_of(p: &Pod) -> impl Iterator<Item = &str> {
    p.spec.volumes.iter().filter_map(|v| {
        v.persistent_volume_claim
            .as_ref()
            .map(|c| c.claim_name.as_str())
    })
}

fn provisioner_component(p: &str) -> &'static str {
    if p == LOCAL_PROVISIONER {
        LOCAL_PROVISIONER
    } else {
        STANDARD_PROVISIONER
    }
}

impl VolumeController {
    pub fn new(seed: u64) -> VolumeController {
        VolumeController {
            data: VolumeData::default(),
            rng: Rng::new(seed ^ 0x0DA7_A5E7),
            attachments: VecMap::new(),
            attaching: VecMap::new(),
            unused_since: VecMap::new(),
            provisioning: VecSet::new(),
            multi_attach_warned: VecSet::new(),
            attach_queued: VecSet::new(),
            attached_by_node: VecMap::new(),
            claim_users: VecMap::new(),
        }
    }

    fn attach_insert(&mut self, pv: &str, node: &str) {
        if let Some(old) = self.attachments.insert(pv.to_string(), node.to_string()) {
            self.unfile_attachment(pv, &old);
        }
        self.attached_by_node
            .entry(node.to_string())
            .or_default()
            .insert(pv.to_string());
    }

    fn attach_remove(&mut self, pv: &str) -> Option<String> {
        let node = self.attachments.remove(pv)?;
        self.unfile_attachment(pv, &node);
        Some(node)
    }

    fn unfile_attachment(&mut self, pv: &str, node: &str) {
        if let Some(set) = self.attached_by_node.get_mut(node) {
            set.remove(pv);
            if set.is_empty() {
                self.attached_by_node.remove(node);
            }
        }
    }

    /// Pods of `ns` that name claim `claim`, in list (name) order: the store's objects
    /// (shared, not copied), so the caller may write through the API while holding them.
    fn users_of(&self, api: &ApiServer, ns: &str, claim: &str) -> Vec<Shared<Pod>> {
        self.claim_users
            .get(&(ns.to_string(), claim.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|name| api.get_shared::<Pod>(ns, name))
            .collect()
    }

    /// Which node each attached volume is attached to.
    pub fn attachments(&self) -> &VecMap<String, String> {
        &self.attachments
    }
}

impl Controller for VolumeController {
    const ID: ControllerId = ControllerId::Volume;

    fn watch(&mut self, ev: &WatchEvent, _api: &ApiServer, enqueue: &mut dyn FnMut(ObjectRef)) {
        match &*ev.object {
            Object::PersistentVolumeClaim(pvc) => {
                enqueue(pvc_key(pvc.metadata.ns(), &pvc.metadata.name));
                if let Some(v) = pvc.spec.volume_name.as_deref().filter(|v| !v.is_empty()) {
                    enqueue(pv_key(v));
                }
            }
            Object::PersistentVolume(pv) => {
                enqueue(pv_key(&pv.metadata.name));
                if let Some(c) = &pv.spec.claim_ref {
                    enqueue(pvc_key(&c.namespace, &c.name));
                }
            }
            Object::Pod(p) => {
                let ns = p.metadata.ns();
                for c in claims_of(p) {
                    let k = (ns.to_string(), c.to_string());
                    if ev.type_ == WatchEventType::Deleted {
                        if let Some(set) = self.claim_users.get_mut(&k) {
                            set.remove(&p.metadata.name);
                            if set.is_empty() {
                                self.claim_users.remove(&k);
                            }
                        }
                    } else {
                        self.claim_users
                            .entry(k)
                            .or_default()
                            .insert(p.metadata.name.clone());
                    }
                    enqueue(pvc_key(ns, c));
                }
                if ev.type_ == WatchEventType::Deleted {
                    self.multi_attach_warned.remove(&p.metadata.uid);
                }
            }
            Object::Node(n) => {
                // Node health changes the force-detach clock of volumes attached there.
                for pv in self
                    .attached_by_node
                    .get(&n.metadata.name)
                    .into_iter()
                    .flatten()
                {
                    enqueue(pv_key(pv));
                }
            }
            _ => {}
        }
    }

    fn handle(&mut self, key: &ObjectRef, tag: u32, ctx: &mut Ctx<'_>) {
        match (key.kind, tag) {
            (Kind::PersistentVolumeClaim, TAG_PROVISION) => self.provision(key, ctx),
            (Kind::PersistentVolumeClaim, _) => self.sync_claim(key, ctx),
            (Kind::PersistentVolume, TAG_ATTACH) => self.sync_attach(&key.name, ctx),
            (Kind::PersistentVolume, TAG_RECLAIM) => self.reclaim(&key.name, ctx),
            (Kind::PersistentVolume, _) => self.sync_volume(&key.name, ctx),
            _ => {}
        }
    }
}

impl VolumeController {
    fn sync_claim(&mut self, key: &ObjectRef, ctx: &mut Ctx<'_>) {
        let Some(pvc) = ctx
            .api
            .get_shared::<PersistentVolumeClaim>(&key.namespace, &key.name)
        else {
            return;
        };
        let ns = key.namespace.clone();
        // pvc-protection: add the finalizer to live claims, drop it when a deleting claim is unused.
        if !pvc.metadata.is_deleting() {
            if !pvc.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION) {
                let mut p = pvc.clone();
                p.metadata.finalizers.push(PVC_PROTECTION.into());
                let _ = ctx.api.update(p.into(), "pvc-protection-controller");
                return;
            }
        } else if pvc.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION) {
            let user = self
                .users_of(ctx.api, &ns, &key.name)
                .into_iter()
                // `podUsesPVC`: only a scheduled pod holds the claim ("kubelet sees pods after
                // they have been scheduled and it won't allow starting a pod referencing a PVC
                // with a non-nil deletionTimestamp"), so a Pending pod the scheduler refuses for
                // that very reason does not keep the claim alive (no deadlock; the StatefulSet
                // controller re-creates the claim for its Pending pod).
                .find(|p| {
                    p.spec.node_name.as_deref().is_some_and(|n| !n.is_empty())
                        && !p.is_terminal()
                        && claims_of(p).any(|c| c == key.name)
                })
                .map(|p| p.metadata.name.clone());
            match user {
                Some(pod) => {
                    ctx.reason(key.clone(), Reason::Volume(VolumeReason::InUse { pod }));
                }
                None => {
                    let mut p = pvc.clone();
                    p.metadata.finalizers.retain(|f| f != PVC_PROTECTION);
                    let _ = ctx.api.update(p.into(), "pvc-protection-controller");
                    ctx.reason(key.clone(), Reason::Volume(VolumeReason::ProtectionRemoved));
                    return;
                }
            }
        }
        match pvc.spec.volume_name.clone().filter(|v| !v.is_empty()) {
            Some(pv_name) => {
                let pv = ctx.api.get::<PersistentVolume>("", &pv_name).cloned();
                match pv {
                    None => {
                        if pvc.status.phase.as_deref() != Some("Lost") {
                            let mut p = pvc.clone();
                            p.status.phase = Some("Lost".into());
                            if let Ok(o) = ctx
                                .api
                                .update_status(p.into(), "persistentvolume-controller")
                            {
                                let meta = o.meta().clone();
                                ctx.event(
                                    Kind::PersistentVolumeClaim,
                                    &meta,
                                    "Warning",
                                    "ClaimLost",
                                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into(),
                                );
                            }
                            ctx.reason(
                                key.clone(),
                                Reason::Volume(VolumeReason::ClaimLost { pv: pv_name }),
                            );
                        }
                    }
                    Some(pv) => {
                        let ours = pv
                            .spec
                            .claim_ref
                            .as_ref()
                            .is_some_and(|c| c.uid == pvc.metadata.uid);
                        if ours
                            && pvc.status.phase.as_deref() != Some("Bound")
                            && pvc.status.phase.as_deref() != Some("Lost")
                        {
                            let mut p = pvc.clone();
                            p.status.phase = Some("Bound".into());
                            p.status.access_modes = pv.spec.access_modes.clone();
                            p.status.capacity = pv.spec.capacity.clone();
                            let _ = ctx
                                .api
                                .update_status(p.into(), "persistentvolume-controller");
                            ctx.reason(
                                key.clone(),
                                Reason::Volume(VolumeReason::Bound {
                                    pv: pv_name.clone(),
                                }),
                            );
                        }
                        self.plan_attach(&pv_name, ctx);
                    }
                }
            }
            None => self.sync_unbound_claim(&pvc, ctx),
        }
    }

    fn sync_unbound_claim(&mut self, pvc: &PersistentVolumeClaim, ctx: &mut Ctx<'_>) {
        if pvc.metadata.is_deleting() {
            return;
        }
        let key = pvc_key(pvc.metadata.ns(), &pvc.metadata.name);
        let Some(class_name) = pvc
            .spec
            .storage_class_name
            .clone()
            .filter(|c| !c.is_empty())
        else {
            return;
        };
        let Some(class) = ctx.api.get::<StorageClass>("", &class_name).cloned() else {
            ctx.event(
                Kind::PersistentVolumeClaim,
                &pvc.metadata,
                "Warning",
                "ProvisioningFailed",
                format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
            );
            return;
        };
        // A PV provisioned for this claim may exist already (binding pending).
        let pv_name = format!("pvc-{}", pvc.metadata.uid);
        if ctx.api.get::<PersistentVolume>("", &pv_name).is_some() {
            ctx.requeue_after(pv_key(&pv_name), 0);
            return;
        }
        let wffc = class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer");
        let selected = pvc.metadata.annotations.get(ANN_SELECTED_NODE).cloned();
        if wffc && selected.is_none() {
            ctx.event(
                Kind::PersistentVolumeClaim,
                &pvc.metadata,
                "Normal",
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".into(),
            );
            ctx.reason(key, Reason::Volume(VolumeReason::WaitingForFirstConsumer));
            return;
        }
        if self.provisioning.contains(&pvc.metadata.uid) {
            return;
        }
        // syncUnboundClaim → provisionClaim: mark the claim for the external provisioner.
        let prov = class.provisioner.clone();
        if pvc.metadata.annotations.get(ANN_PROVISIONER) != Some(&prov) {
            let mut p = pvc.clone();
            p.metadata
                .annotations
                .insert(ANN_PROVISIONER.into(), prov.clone());
            p.metadata
                .annotations
                .insert(ANN_PROVISIONER_BETA.into(), prov.clone());
            let meta = match ctx.api.update(p.into(), "persistentvolume-controller") {
                Ok(o) => o.meta().clone(),
                Err(_) => return,
            };
            ctx.event(
                Kind::PersistentVolumeClaim,
                &meta,
                "Normal",
                "ExternalProvisioning",
                format!("Waiting for a volume to be created either by the external provisioner '{prov}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."),
            );
            return;
        }
        self.provisioning.insert(pvc.metadata.uid.clone());
        ctx.event_as(
            provisioner_component(&prov),
            Kind::PersistentVolumeClaim,
            &pvc.metadata,
            "Normal",
            "Provisioning",
            format!(
                "External provisioner is provisioning volume for claim \"{}/{}\"",
                pvc.metadata.ns(),
                pvc.metadata.name
            ),
        );
        let delay = self.rng.between(700, 1600);
        ctx.wake_at(ctx.now.plus_ms(delay), key, TAG_PROVISION);
    }

    /// The external provisioner's CreateVolume finished: create the PV `pvc-<uid>`.
    fn provision(&mut self, key: &ObjectRef, ctx: &mut Ctx<'_>) {
        let Some(pvc) = ctx
            .api
            .get_shared::<PersistentVolumeClaim>(&key.namespace, &key.name)
        else {
            return;
        };
        self.provisioning.remove(&pvc.metadata.uid);
        if pvc.metadata.is_deleting()
            || pvc
                .spec
                .volume_name
                .as_deref()
                .is_some_and(|v| !v.is_empty())
        {
            return;
        }
        let Some(class) = pvc
            .spec
            .storage_class_name
            .as_deref()
            .and_then(|c| ctx.api.get::<StorageClass>("", c))
            .cloned()
        else {
            return;
        };
        let pv_name = format!("pvc-{}", pvc.metadata.uid);
        let mut meta = ObjectMeta::named(None, &pv_name);
        meta.annotations.insert(
            "pv.kubernetes.io/provisioned-by".into(),
            class.provisioner.clone(),
        );
        meta.annotations.insert(
            "volume.kubernetes.io/provisioner-deletion-secret-name".into(),
            String::new(),
        );
        meta.annotations.insert(
            "volume.kubernetes.io/provisioner-deletion-secret-namespace".into(),
            String::new(),
        );
        meta.finalizers.push(PV_PROTECTION.into());
        let mut capacity = VecMap::new();
        capacity.insert(
            "storage".to_string(),
            json!(pvc.requested_storage().unwrap_or_else(|| "1Gi".into())),
        );
        let mut spec = PvSpec {
            access_modes: if pvc.spec.access_modes.is_empty() {
                vec!["ReadWriteOnce".into()]
            } else {
                pvc.spec.access_modes.clone()
            },
            capacity,
            claim_ref: Some(ClaimRef {
                api_version: Some("v1".into()),
                kind: Some("PersistentVolumeClaim".into()),
                name: pvc.metadata.name.clone(),
                namespace: pvc.metadata.ns().to_string(),
                uid: pvc.metadata.uid.clone(),
                resource_version: pvc.metadata.resource_version.clone(),
            }),
            persistent_volume_reclaim_policy: Some(
                class
                    .reclaim_policy
                    .clone()
                    .unwrap_or_else(|| "Delete".into()),
            ),
            storage_class_name: Some(class.metadata.name.clone()),
            volume_mode: Some(
                pvc.spec
                    .volume_mode
                    .clone()
                    .unwrap_or_else(|| "Filesystem".into()),
            ),
            node_affinity: None,
            extra: Default::default(),
        };
        if class.provisioner == LOCAL_PROVISIONER {
            let node = pvc
                .metadata
                .annotations
                .get(ANN_SELECTED_NODE)
                .cloned()
                .unwrap_or_default();
            spec.extra.insert(
                "local".into(),
                json!({"path": format!("/var/local-disks/{pv_name}_{}_{}", pvc.metadata.ns(), pvc.metadata.name)}),
            );
            spec.node_affinity = Some(json!({
                "required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}
                ]}]}
            }));
        } else {
            spec.extra.insert(
                "csi".into(),
                json!({"driver": "ordinal.sim", "fsType": "ext4", "volumeHandle": pv_name}),
            );
        }
        let pv = PersistentVolume {
            metadata: meta,
            spec,
            status: PvStatus::default(),
        };
        if ctx.api.create(pv.into(), "external-provisioner").is_ok() {
            self.data.ensure(&pv_name);
            ctx.event_as(
                provisioner_component(&class.provisioner),
                Kind::PersistentVolumeClaim,
                &pvc.metadata,
                "Normal",
                "ProvisioningSucceeded",
                format!("Successfully provisioned volume {pv_name}"),
            );
            ctx.reason(
                key.clone(),
                Reason::Volume(VolumeReason::Provisioned { pv: pv_name }),
            );
        }
    }

    /// `syncVolume`: bind to the claim it was provisioned for, release when the claim is gone.
    fn sync_volume(&mut self, name: &str, ctx: &mut Ctx<'_>) {
        let Some(pv) = ctx.api.get_shared::<PersistentVolume>("", name) else {
            // The PV object is gone: so is its disk.
            self.data.drop_volume(name);
            if let Some(node) = self.attach_remove(name) {
                set_node_attached(ctx, &node, name, false);
            }
            self.attaching.remove(name);
            self.unused_since.remove(name);
            return;
        };
        if pv.metadata.is_deleting() {
            if pv.status.phase.as_deref() != Some("Bound")
                && pv.metadata.finalizers.iter().any(|f| f == PV_PROTECTION)
            {
                let mut p = pv.clone();
                p.metadata.finalizers.retain(|f| f != PV_PROTECTION);
                let _ = ctx.api.update(p.into(), "pv-protection-controller");
            }
            return;
        }
        let set_phase = |ctx: &mut Ctx<'_>, pv: &PersistentVolume, phase: &str| {
            if pv.status.phase.as_deref() != Some(phase) {
                let mut p = pv.clone();
                p.status.phase = Some(phase.into());
                p.status.last_phase_transition_time = Some(ctx.now.truncated());
                let _ = ctx
                    .api
                    .update_status(p.into(), "persistentvolume-controller");
            }
        };
        let Some(cref) = pv.spec.claim_ref.clone() else {
            set_phase(ctx, &pv, "Available");
            return;
        };
        let claim = ctx
            .api
            .get_shared::<PersistentVolumeClaim>(&cref.namespace, &cref.name)
            .filter(|c| cref.uid.is_empty() || c.metadata.uid == cref.uid);
        match claim {
            Some(claim) => {
                set_phase(ctx, &pv, "Bound");
                if claim.spec.volume_name.as_deref().unwrap_or("").is_empty() {
                    let mut c = claim.clone();
                    c.spec.volume_name = Some(name.to_string());
                    c.metadata
                        .annotations
                        .insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
                    c.metadata
                        .annotations
                        .insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
                    let _ = ctx.api.update(c.into(), "persistentvolume-controller");
                }
                self.plan_attach(name, ctx);
            }
            None => {
                if pv.status.phase.as_deref() != Some("Released") {
                    set_phase(ctx, &pv, "Released");
                    ctx.reason(
                        pv_key(name),
                        Reason::Volume(VolumeReason::Released {
                            pv: name.to_string(),
                        }),
                    );
                    if pv.spec.persistent_volume_reclaim_policy.as_deref() == Some("Delete") {
                        let delay = self.rng.between(300, 900);
                        ctx.wake_at(ctx.now.plus_ms(delay), pv_key(name), TAG_RECLAIM);
                    }
                }
                self.plan_attach(name, ctx);
            }
        }
    }

    /// Reclaim policy Delete: the provisioner deletes the disk, then the PV object.
    fn reclaim(&mut self, name: &str, ctx: &mut Ctx<'_>) {
        let Some(pv) = ctx.api.get_shared::<PersistentVolume>("", name) else {
            return;
        };
        if pv.status.phase.as_deref() != Some("Released") {
            return;
        }
        let mut p = pv.clone();
        p.metadata.finalizers.retain(|f| f != PV_PROTECTION);
        if p.metadata.finalizers != pv.metadata.finalizers {
            let _ = ctx.api.update(p.into(), "pv-protection-controller");
        }
        let opts = DeleteOptions {
            propagation: None,
            grace_period_seconds: Some(0),
            uid: None,
        };
        if ctx
            .api
            .delete(
                Kind::PersistentVolume,
                "",
                name,
                &opts,
                "persistentvolume-controller",
            )
            .is_ok()
        {
            self.data.drop_volume(name);
            ctx.reason(
                pv_key(name),
                Reason::Volume(VolumeReason::Reclaimed {
                    pv: name.to_string(),
                }),
            );
        }
    }

    /// The attach/detach controller's desired state for one volume: attached to the node of a
    /// pod that uses it, detached once no pod there does.
    fn plan_attach(&mut self, pv_name: &str, ctx: &mut Ctx<'_>) {
        if self.attach_queued.insert(pv_name.to_string()) {
            ctx.wake_at(ctx.now, pv_key(pv_name), TAG_ATTACH);
        }
    }

    fn sync_attach(&mut self, pv_name: &str, ctx: &mut Ctx<'_>) {
        self.attach_queued.remove(pv_name);
        let now = ctx.now;
        let Some(pv) = ctx.api.get_shared::<PersistentVolume>("", pv_name) else {
            if let Some(node) = self.attach_remove(pv_name) {
                set_node_attached(ctx, &node, pv_name, false);
            }
            return;
        };
        if !pv_needs_attach(&pv) {
            return;
        }
        // Pods (in the API) that use the volume, with their node.
        let users: Vec<Shared<Pod>> = match &pv.spec.claim_ref {
            Some(c) => self
                .users_of(ctx.api, &c.namespace, &c.name)
                .into_iter()
                .filter(|p| !p.is_terminal() && claims_of(p).any(|x| x == c.name))
                .filter(|p| !p.spec.node_name.as_deref().unwrap_or("").is_empty())
                .collect(),
            None => Vec::new(),
        };
        let on = |node: &str| {
            users
                .iter()
                .any(|p| p.spec.node_name.as_deref() == Some(node))
        };
        // Detach from a node where nothing uses it any more.
        if let Some(node) = self.attachments.get(pv_name).cloned() {
            if !on(&node) {
                let healthy = ctx.api.get::<Node>("", &node).is_some_and(|n| n.is_ready());
                let since = *self.unused_since.entry(pv_name.to_string()).or_insert(now);
                if healthy || now.since(since) >= FORCE_DETACH_MS {
                    self.attach_remove(pv_name);
                    self.unused_since.remove(pv_name);
                    set_node_attached(ctx, &node, pv_name, false);
                    ctx.reason(
                        pv_key(pv_name),
                        Reason::Volume(VolumeReason::Detached {
                            pv: pv_name.to_string(),
                            node,
                        }),
                    );
                } else {
                    ctx.wake_at(since.plus_ms(FORCE_DETACH_MS), pv_key(pv_name), TAG_ATTACH);
                }
            } else {
                self.unused_since.remove(pv_name);
            }
        }
        // Attach to the node of the oldest user.
        let Some(want) = users.first().and_then(|p| p.spec.node_name.clone()) else {
            self.attaching.remove(pv_name);
            return;
        };
        match self.attachments.get(pv_name).cloned() {
            Some(node) if node == want => {}
            Some(node) => {
                for p in users
                    .iter()
                    .filter(|p| p.spec.node_name.as_deref() != Some(node.as_str()))
                {
                    if self.multi_attach_warned.insert(p.metadata.uid.clone()) {
                        ctx.event_as(
                            "attachdetach-controller",
                            Kind::Pod,
                            &p.metadata,
                            "Warning",
                            "FailedAttachVolume",
                            format!("Multi-Attach error for volume \"{pv_name}\" Volume is already exclusively attached to one node and can't be attached to another"),
                        );
                    }
                }
                ctx.reason(
                    pv_key(pv_name),
                    Reason::Volume(VolumeReason::MultiAttach {
                        pv: pv_name.to_string(),
                        node,
                    }),
                );
            }
            None => match self.attaching.get(pv_name).cloned() {
                Some((node, at)) if node == want && at <= now => {
                    self.attaching.remove(pv_name);
                    self.attach_insert(pv_name, &node);
                    set_node_attached(ctx, &node, pv_name, true);
                    for p in users
                        .iter()
                        .filter(|p| p.spec.node_name.as_deref() == Some(node.as_str()))
                    {
                        ctx.event_as(
                            "attachdetach-controller",
                            Kind::Pod,
                            &p.metadata,
                            "Normal",
                            "SuccessfulAttachVolume",
                            format!("AttachVolume.Attach succeeded for volume \"{pv_name}\""),
                        );
                    }
                    ctx.reason(
                        pv_key(pv_name),
                        Reason::Volume(VolumeReason::Attached {
                            pv: pv_name.to_string(),
                            node,
                        }),
                    );
                }
                Some((node, at)) if node == want => {
                    ctx.wake_at(at, pv_key(pv_name), TAG_ATTACH);
                }
                _ => {
                    let at = now.plus_ms(self.rng.between(600, 1400));
                    self.attaching.insert(pv_name.to_string(), (want, at));
                    ctx.wake_at(at, pv_key(pv_name), TAG_ATTACH);
                }
            },
        }
    }
}

/// Adds or removes a volume in `node.status.volumesAttached`.
fn set_node_attached(ctx: &mut Ctx<'_>, node: &str, pv: &str, attached: bool) {
    let Some(n) = ctx.api.get::<Node>("", node) else {
        return;
    };
    let name = attached_volume_name(pv);
    let mut list: Vec<serde_json::Value> = n
        .status
        .extra
        .get("volumesAttached")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    list.retain(|v| v.get("name").and_then(|x| x.as_str()) != Some(name.as_str()));
    if attached {
        list.push(json!({"name": name, "devicePath": ""}));
    }
    crate::sort::sort_by(&mut list, |a, b| {
        a["name"].as_str().cmp(&b["name"].as_str())
    });
    let mut m = n.clone();
    if list.is_empty() {
        m.status.extra.remove("volumesAttached");
    } else {
        m.status.extra.insert("volumesAttached".into(), json!(list));
    }
    let _ = ctx.api.update_status(m.into(), "attachdetach-controller");
}
