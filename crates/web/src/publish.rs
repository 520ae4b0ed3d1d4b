//! Publishing the view model into fine-grained signals: one signal per pod card, one list of
//! card keys per lane, one signal per small panel. Only what changed is set, so a pod's change
//! re-renders only that pod, and a lane's `<For>` only diffs when its membership changes.

use ordinal_model::vecmap::VecMap;
use std::collections::HashMap;

use leptos::prelude::*;

use crate::vm::{self, ClusterVm, PodVm, ARRIVE_MS, LEAVE_MS};

/// Animation progress of a card, a function of model time (scrubbing never shows it wrong).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anim {
    /// 0 → 1 while the card slides in after creation.
    pub arrive: f32,
    /// 0 → 1 while a deleted pod's card fades away (only for ghosts).
    pub leave: f32,
    /// 0 → 1 while an adopted orphan settles into its set (1 when not adopting).
    pub adopt: f32,
}

impl Anim {
    pub const STILL: Anim = Anim {
        arrive: 1.0,
        leave: 0.0,
        adopt: 1.0,
    };

    /// A live card's animation at `now`.
    pub fn live(now_ms: u64, vm: &PodVm) -> Anim {
        Anim {
            arrive: arrive_progress(now_ms, vm.created_ms),
            leave: 0.0,
            adopt: vm
                .adopted_ms
                .map_or(1.0, |t| progress(now_ms, t, vm::ADOPT_MS)),
        }
    }

    /// Is the adoption animation (and its "adopted" note) showing?
    pub fn adopting(&self) -> bool {
        self.adopt < 1.0
    }

    /// Inline style: transform/opacity only (never layout properties).
    pub fn style(&self, reduced_motion: bool) -> String {
        if reduced_motion || *self == Anim::STILL {
            return String::new();
        }
        let dy = (1.0 - self.arrive) * 14.0;
        let opacity = (self.arrive * (1.0 - self.leave)).clamp(0.0, 1.0);
        // Adoption: the card is drawn in from the side and settles (a small overshoot of scale).
        let pull = 1.0 - self.adopt;
        let dx = -18.0 * pull * pull;
        let scale = (1.0 - 0.08 * self.leave) * (1.0 + 0.06 * (pull * std::f32::consts::PI).sin());
        format!(
            "transform: translate({dx:.1}px, {dy:.1}px) scale({scale:.3}); opacity: {opacity:.2}"
        )
    }
}

/// `next` with at most `budget` rows that differ from last frame's `prev` (rows matched by
/// `name`, unique in each list); every other row shows last frame's version, or waits if it is
/// new. Also says whether any row was held back.
fn admit<T: Clone + PartialEq>(
    prev: &[T],
    next: Vec<T>,
    name: fn(&T) -> &String,
    budget: &mut usize,
) -> (Vec<T>, bool) {
    // Both lists come in the store's order: a cursor keeps the search short (no map to
    // build, and no B-tree of one more key type in the wasm bundle).
    let mut cursor = 0;
    let mut held = false;
    let rows = next
        .into_iter()
        .filter_map(|row| {
            let found = prev[cursor..]
                .iter()
                .position(|p| name(p) == name(&row))
                .map(|k| cursor + k);
            if let Some(i) = found {
                cursor = i + 1;
            }
            let old = found.map(|i| &prev[i]);
            if old == Some(&row) {
                return Some(row);
            }
            if *budget > 0 {
                *budget -= 1;
                return Some(row);
            }
            held = true;
            old.cloned()
        })
        .collect();
    (rows, held)
}

/// 0 → 1 over `span` virtual ms from `from` (1 before it: scrubbed back past the start).
fn progress(now_ms: u64, from: u64, span: u64) -> f32 {
    if now_ms < from {
        return 1.0;
    }
    ((now_ms - from) as f32 / span as f32).min(1.0)
}

pub fn arrive_progress(now_ms: u64, created_ms: u64) -> f32 {
    if now_ms <= created_ms {
        return if now_ms + 1 < created_ms { 1.0 } else { 0.0 };
    }
    ((now_ms - created_ms) as f32 / ARRIVE_MS as f32).min(1.0)
}

/// One card's signals.
#[derive(Clone, Copy)]
pub struct Card {
    pub vm: RwSignal<PodVm>,
    pub anim: RwSignal<Anim>,
    /// True once the pod is gone from the API (a ghost fading away: no `data-pod`).
    pub gone: RwSignal<bool>,
}

/// A lane: a node (or "unscheduled") with the keys of its cards.
#[derive(Clone, Copy)]
pub struct Lane {
    pub node: RwSignal<vm::NodeVm>,
    pub cards: RwSignal<Vec<String>>,
}

impl Lane {
    fn new(node: vm::NodeVm, cards: Vec<String>) -> Lane {
        Lane {
            node: RwSignal::new(node),
            cards: RwSignal::new(cards),
        }
    }
}

/// The signals the views read.
#[derive(Clone, Copy)]
pub struct Published {
    pub lanes: RwSignal<Vec<(String, Lane)>>,
    pub unscheduled: RwSignal<Vec<String>>,
    pub cards: StoredValue<HashMap<String, Card>, LocalStorage>,
    pub system_pods: RwSignal<Vec<PodVm>>,
    pub sets: RwSignal<Vec<vm::SetVm>>,
    pub services: RwSignal<Vec<vm::ServiceVm>>,
    pub pvcs: RwSignal<Vec<vm::PvcVm>>,
    pub pvs: RwSignal<Vec<vm::PvVm>>,
    pub dns: RwSignal<Vec<vm::DnsRow>>,
    pub pod_count: RwSignal<usize>,
    /// Cards drop their detail lines (level of detail): flips once as the count crosses
    /// `COMPACT_ABOVE`, so the cards are not notified of every change of the count.
    pub compact: RwSignal<bool>,
}

impl Published {
    pub fn new() -> Published {
        Published {
            lanes: RwSignal::new(Vec::new()),
            unscheduled: RwSignal::new(Vec::new()),
            cards: StoredValue::new_local(HashMap::new()),
            system_pods: RwSignal::new(Vec::new()),
            sets: RwSignal::new(Vec::new()),
            services: RwSignal::new(Vec::new()),
            pvcs: RwSignal::new(Vec::new()),
            pvs: RwSignal::new(Vec::new()),
            dns: RwSignal::new(Vec::new()),
            pod_count: RwSignal::new(0),
            compact: RwSignal::new(false),
        }
    }

    /// Lanes for the profile's worker nodes, Ready, before the model has run (a fresh
    /// cluster's nodes at the epoch): the first paint draws them. The first publish keeps
    /// these lanes (same names) and sets what the cluster says.
    pub fn show_profile_nodes(&self, profile: &ordinal_model::Profile) {
        let lanes = profile
            .workers()
            .map(|n| {
                let vm = vm::NodeVm {
                    name: n.name.clone(),
                    ready: true,
                    down: false,
                    control_plane: false,
                    ip: n.internal_ip.clone(),
                    pod_cidr: n.pod_cidr(),
                };
                (n.name.clone(), Lane::new(vm, Vec::new()))
            })
            .collect();
        self.lanes.set(lanes);
    }
}

impl Default for Published {
    fn default() -> Self {
        Published::new()
    }
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(s: RwSignal<T>, v: T) {
    if s.with_untracked(|cur| *cur != v) {
        s.set(v);
    }
}

/// The publisher's memory between frames (not reactive).
#[derive(Default)]
pub struct Publisher {
    /// Ghosts: key → (node lane, virtual ms it vanished). Only pods whose card exists fade.
    ghosts: VecMap<String, (Option<String>, u64)>,
    /// Last frame's live cards: key → lane.
    live: VecMap<String, (PodVm, Option<String>)>,
    /// Signals to dispose on the next frame (after the views dropped them).
    dispose: Vec<Card>,
    /// Virtual time of the last frame: when it goes backwards (scrubbing), pods that vanish
    /// were never deleted, so they leave no ghost.
    last_now: u64,
    /// Live pods whose cards were held back by [`NEW_CARDS_PER_FRAME`]: the page publishes
    /// again on the next frame.
    pub deferred: bool,
}

/// The most pod cards built by one publish: new cards, and cards moving to another lane (a
/// lane's keyed list builds the card anew). Building a card's DOM (and its first style and
/// layout) costs about 0.5–1 ms of script and rendering: 200 pods created at once (a Parallel
/// StatefulSet), or bound to nodes at once, made one 100–250 ms frame. The rest follow over
/// the next frames (200 cards: 25 frames, under half a second). 12 until the card-update
/// budget below joined it; with both at 8 and 24, six runs of the UI benchmark (0 → 200 pods at
/// 1× and 16×) had no frame over 50 ms, against 1 in 6 at 12 and 32.
pub const NEW_CARDS_PER_FRAME: usize = 8;

/// What one frame changes in one lane. Leptos' keyed list (tachys 0.2 `keyed::diff`) moves
/// kept cards in the DOM (removed and inserted again, with all the kept cards after them:
/// adjacent moves are grouped) unless a frame's change is one of: cards appended after every
/// kept card; one card inserted among them (with appends); cards removed. Pods bound to a
/// node out of order (`web-100` before `web-11`), or bound while new pods join the
/// unscheduled lane, moved 40–60 cards a frame. A change of another kind waits a frame: the
/// card stays where it was, showing what it showed.
#[derive(Clone, Copy, Default, Debug)]
struct LaneFrame {
    removed: bool,
    inserted: bool,
    inserted_among: bool,
    /// Position in this frame's pod order of the lane's last kept card (`usize::MAX` when a
    /// fading card sits at its end).
    last_kept: Option<usize>,
}

impl LaneFrame {
    fn may_insert(&self, at: usize) -> bool {
        let appends = self.last_kept.is_none_or(|k| at > k);
        !self.removed && (appends || !self.inserted_among)
    }

    fn insert(&mut self, at: usize) {
        self.inserted = true;
        self.inserted_among |= self.last_kept.is_some_and(|k| at < k);
    }
}

/// The most existing cards whose pod changed that one publish updates (each update re-runs the
/// card's text, class and label effects). With many pods the view model is rebuilt every
/// `REBUILD_MS`, so at 16× one rebuild carried the changes of 200 pods at once (40–50 ms of
/// effects); the rest show one frame later, and the page publishes again on the next frame.
pub const UPDATED_CARDS_PER_FRAME: usize = 24;

impl Publisher {
    /// Moves card animations to `now` without rebuilding the view model.
    pub fn animate(&mut self, p: &Published, now: u64) {
        p.cards.with_value(|cards| {
            for (key, (vm, _)) in &self.live {
                if let Some(card) = cards.get(key) {
                    set_if_changed(card.anim, Anim::live(now, vm));
                }
            }
            for (key, (_, at)) in &self.ghosts {
                if let Some(card) = cards.get(key) {
                    let leave = (now.saturating_sub(*at) as f32 / LEAVE_MS as f32).min(1.0);
                    set_if_changed(
                        card.anim,
                        Anim {
                            leave,
                            ..Anim::STILL
                        },
                    );
                }
            }
        });
    }

    pub fn publish(&mut self, p: &Published, c: ClusterVm) {
        for card in self.dispose.drain(..) {
            card.vm.dispose();
            card.anim.dispose();
            card.gone.dispose();
        }
        let now = c.now_ms;
        // Live pods, keyed by UID (a re-created pod is a new card; its ghost fades separately).
        // Collected, not inserted one by one: the pods come in name order, not UID order.
        let mut order: Vec<String> = Vec::new();
        let mut live: VecMap<String, (PodVm, Option<String>)> = c
            .pods
            .into_iter()
            .map(|pod| {
                order.push(pod.uid.clone());
                let node = pod.node.clone();
                (pod.uid.clone(), (pod, node))
            })
            .collect();
        // Pods that vanished since the last frame become ghosts; scrubbing back drops ghosts.
        let backwards = now < self.last_now;
        self.last_now = now;
        let previous = std::mem::take(&mut self.live);
        for (key, (_, node)) in &previous {
            if !live.contains_key(key) && !backwards {
                self.ghosts.insert(key.clone(), (node.clone(), now));
            }
        }
        // Cards held in their old lane this frame (what they showed last frame).
        let mut held: Vec<(String, (PodVm, Option<String>))> = Vec::new();
        let fading =
            |k: &String, at: u64| !live.contains_key(k) && now >= at && now < at + LEAVE_MS;
        // Fading cards that leave their lane this frame.
        let expired: Vec<(String, (Option<String>, u64))> = self
            .ghosts
            .iter()
            .filter(|(k, (_, at))| backwards || !fading(k, *at))
            .map(|(k, g)| (k.clone(), g.clone()))
            .collect();
        self.ghosts.retain(|k, (_, at)| fading(k, *at));
        if backwards {
            self.ghosts.clear();
        }

        let mut lanes_keys: VecMap<Option<String>, Vec<String>> = VecMap::new();
        // What this frame changes in each lane (see `LaneFrame`). A moving card counts as kept
        // in its old lane until it moves; fading cards sit at the end of their lane.
        let mut lane_frames: VecMap<Option<String>, LaneFrame> = VecMap::new();
        p.cards.with_value(|cards| {
            for (at, key) in order.iter().enumerate() {
                if cards.contains_key(key) {
                    let lane = previous.get(key).map_or(&live[key].1, |(_, lane)| lane);
                    lane_frames.entry(lane.clone()).or_default().last_kept = Some(at);
                }
            }
            for (key, (node, _)) in &self.ghosts {
                if cards.contains_key(key) {
                    lane_frames.entry(node.clone()).or_default().last_kept = Some(usize::MAX);
                }
            }
            for (key, (node, _)) in &expired {
                if cards.contains_key(key) {
                    lane_frames.entry(node.clone()).or_default().removed = true;
                }
            }
        });
        // Cards built this frame: new ones, and ones changing lane (a lane's list builds its
        // own card; 200 pods bound by the scheduler at once would rebuild 200).
        let mut built = 0;
        let mut updated = 0;
        // Cards that keep last frame's state this frame (over the update budget).
        let mut stale: Vec<(String, PodVm)> = Vec::new();
        self.deferred = false;
        p.cards.update_value(|cards| {
            for (at, key) in order.iter().enumerate() {
                let (vm, node) = &live[key];
                let anim = Anim::live(now, vm);
                let old = previous.get(key);
                let moving = old.is_some_and(|(_, lane)| lane != node);
                let inserting = moving || !cards.contains_key(key);
                // A change its lane cannot take this frame waits (see `LaneFrame`).
                let may_insert = !inserting
                    || lane_frames.get(node).is_none_or(|f| f.may_insert(at))
                        && old.is_none_or(|(_, from)| {
                            !moving || lane_frames.get(from).is_none_or(|f| !f.inserted)
                        });
                match cards.get(key) {
                    Some(_) if moving && (built >= NEW_CARDS_PER_FRAME || !may_insert) => {
                        // Over budget: the card stays as it was, in its old lane, until a
                        // later frame moves it.
                        if let Some(old) = old {
                            self.deferred = true;
                            lanes_keys
                                .entry(old.1.clone())
                                .or_default()
                                .push(key.clone());
                            held.push((key.clone(), old.clone()));
                        }
                        continue;
                    }
                    Some(card) => {
                        let changed = card.vm.with_untracked(|shown| shown != vm);
                        if changed && !moving && updated >= UPDATED_CARDS_PER_FRAME {
                            self.deferred = true;
                            stale.push((key.clone(), card.vm.get_untracked()));
                        } else {
                            built += usize::from(moving);
                            updated += usize::from(changed);
                            if changed {
                                card.vm.set(vm.clone());
                            }
                            set_if_changed(card.anim, anim);
                        }
                        set_if_changed(card.gone, false);
                    }
                    None if built >= NEW_CARDS_PER_FRAME || !may_insert => {
                        self.deferred = true;
                        continue;
                    }
                    None => {
                        built += 1;
                        cards.insert(
                            key.clone(),
                            Card {
                                vm: RwSignal::new(vm.clone()),
                                anim: RwSignal::new(anim),
                                gone: RwSignal::new(false),
                            },
                        );
                    }
                }
                lanes_keys
                    .entry(node.clone())
                    .or_default()
                    .push(key.clone());
                if inserting {
                    lane_frames.entry(node.clone()).or_default().insert(at);
                    if let Some((_, from)) = old.filter(|_| moving) {
                        lane_frames.entry(from.clone()).or_default().removed = true;
                    }
                }
            }
            for (key, (node, at)) in &self.ghosts {
                let anim = Anim {
                    leave: ((now - at) as f32 / LEAVE_MS as f32).min(1.0),
                    ..Anim::STILL
                };
                match cards.get(key) {
                    Some(card) => {
                        set_if_changed(card.anim, anim);
                        set_if_changed(card.gone, true);
                    }
                    // A pod that vanished before its (held back) card was ever shown.
                    None => continue,
                }
                lanes_keys
                    .entry(node.clone())
                    .or_default()
                    .push(key.clone());
            }
            let dead: Vec<String> = cards
                .keys()
                .filter(|k| !live.contains_key(*k) && !self.ghosts.contains_key(*k))
                .cloned()
                .collect();
            for k in dead {
                if let Some(card) = cards.remove(&k) {
                    self.dispose.push(card);
                }
            }
        });

        // Lanes: one per node (workers; the control plane is folded into kube-system).
        let nodes: Vec<vm::NodeVm> = c.nodes.into_iter().filter(|n| !n.control_plane).collect();
        let lanes_now = p.lanes.get_untracked();
        let same_nodes = lanes_now.len() == nodes.len()
            && lanes_now
                .iter()
                .zip(&nodes)
                .all(|((n, _), vm)| *n == vm.name);
        if same_nodes {
            for ((name, lane), nvm) in lanes_now.iter().zip(nodes) {
                set_if_changed(lane.node, nvm);
                let keys = lanes_keys.remove(&Some(name.clone())).unwrap_or_default();
                set_if_changed(lane.cards, keys);
            }
        } else {
            let lanes = nodes
                .into_iter()
                .map(|nvm| {
                    let keys = lanes_keys
                        .remove(&Some(nvm.name.clone()))
                        .unwrap_or_default();
                    (nvm.name.clone(), Lane::new(nvm, keys))
                })
                .collect();
            p.lanes.set(lanes);
        }
        set_if_changed(p.unscheduled, lanes_keys.remove(&None).unwrap_or_default());
        set_if_changed(p.pod_count, live.len());
        set_if_changed(p.compact, live.len() > crate::cluster_view::COMPACT_ABOVE);
        // Animations follow what the card shows, so a card kept stale animates as it was.
        for (key, shown) in stale {
            if let Some((vm, _)) = live.get_mut(&key) {
                *vm = shown;
            }
        }
        live.extend(held);
        self.live = live;
        set_if_changed(p.system_pods, c.system_pods);
        set_if_changed(p.sets, c.sets);
        set_if_changed(p.services, c.services);
        // The storage shelf and the PV list are keyed by the whole row: a new or changed row
        // is built anew, so they share a budget of rows per frame too.
        let mut budget = NEW_CARDS_PER_FRAME * 2;
        let pvcs = p
            .pvcs
            .with_untracked(|prev| admit(prev, c.pvcs, |r| &r.name, &mut budget));
        let pvs = p
            .pvs
            .with_untracked(|prev| admit(prev, c.pvs, |r| &r.name, &mut budget));
        self.deferred |= pvcs.1 || pvs.1;
        set_if_changed(p.pvcs, pvcs.0);
        set_if_changed(p.pvs, pvs.0);
        set_if_changed(p.dns, c.dns);
    }
}
