//! The cluster: apiserver + controllers + nodes on one virtual clock, driven by timers.
//!
//! The loop is deliberately simple (turmoil-style): feed new watch events to every
//! controller, pop the earliest timer, move the clock to it, run it, repeat. Nothing runs
//! "in reaction" to an input directly: an input is an API write, and controllers see it
//! through the watch log on their next turn.

use crate::api::{ApiError, ApiServer, WatchEvent};
use crate::controllers::{
    self, endpoints::EndpointsController, gc::GarbageCollector, kubelet::Kubelets,
    nodelifecycle::NodeLifecycle, scheduler::Scheduler, statefulset::StatefulSetController,
    volume::VolumeController, Controller, ControllerId, Ctx, EventRecorder, Timers,
};
use crate::digest::Fnv;
use crate::input::{Input, TimedInput};
use crate::objects::{Kind, Object, ObjectRef};
use crate::profile::Profile;
use crate::reason::ReasonLog;
use crate::time::{Time, EPOCH};
use std::sync::Arc;

/// Bootstrap objects are created this long before the epoch, so nodes show a plausible AGE.
const BOOTSTRAP_AGE_MS: u64 = 10 * 60 * 1000;

/// How many inputs one scenario may hold (the input log is the scenario: it must stay whole).
pub const INPUT_LOG_CAPACITY: usize = 100_000;

/// How many timers one `run_until` may run at a single instant before it concludes a
/// controller is spinning and moves on (it logs nothing; tests assert it never happens).
const SAME_INSTANT_BUDGET: u32 = 200_000;

/// Watch events handed to the controllers per unit of work in [`Cluster::run_until_bounded`]:
/// one sync can write hundreds of objects (200 pods, their claims and Events), and fanning them
/// all out at once was a third of the page's longest frame. Splitting never changes the
/// history: the rest is handed out, in order and at the same instant, before anything else runs.
const DISPATCH_CHUNK: usize = 64;

/// Reaction latency of each controller to a watch event, in virtual ms (informer delivery +
/// workqueue). Small and fixed: the order of events never depends on them.
fn latency_ms(c: ControllerId) -> u64 {
    match c {
        ControllerId::StatefulSet => 5,
        ControllerId::GarbageCollector => 10,
        ControllerId::Scheduler => 8,
        ControllerId::Volume => 15,
        ControllerId::Kubelet => 20,
        ControllerId::Endpoints => 10,
        ControllerId::NodeLifecycle => 10,
    }
}

/// A controller's context over the cluster's fields (a macro, not a method: the controllers,
/// also fields, are borrowed beside it).
macro_rules! controller_ctx {
    ($c:ident, $id:expr) => {
        Ctx {
            api: &mut $c.api,
            now: $c.now,
            timers: &mut $c.timers,
            reasons: &mut $c.reasons,
            events: &mut $c.events,
            controller: $id,
        }
    };
}

/// Outcome of applying an input.
pub type InputResult = Result<Option<Arc<Object>>, ApiError>;

#[derive(Debug, Clone)]
pub struct Cluster {
    pub api: ApiServer,
    pub profile: Profile,
    seed: u64,
    now: Time,
    timers: Timers,
    /// resourceVersion up to which watch events have been handed to the controllers.
    dispatched_rv: u64,
    reasons: ReasonLog,
    events: EventRecorder,
    inputs: Vec<TimedInput>,
    /// When false, only the control-plane controllers that own StatefulSets (the StatefulSet
    /// controller and the garbage collector) run: unit tests of those controllers stand in for
    /// the scheduler and kubelets themselves, as upstream's tests use a fake pod control.
    node_agents: bool,
    /// Set when the same-instant budget ran out (a controller bug); kept for tests and `sim`.
    pub spin_detected: bool,
    pub statefulset: StatefulSetController,
    pub gc: GarbageCollector,
    pub scheduler: Scheduler,
    pub volume: VolumeController,
    pub kubelet: Kubelets,
    pub endpoints: EndpointsController,
    pub nodelifecycle: NodeLifecycle,
}

impl Cluster {
    pub fn new(profile: Profile, seed: u64) -> Cluster {
        let start = Time(EPOCH.ms() - BOOTSTRAP_AGE_MS);
        let mut api = ApiServer::new(seed, start);
        crate::bootstrap::create_all(&mut api, &profile);
        let mut c = Cluster {
            api,
            profile,
            seed,
            now: start,
            timers: Timers::default(),
            dispatched_rv: 0,
            reasons: ReasonLog::default(),
            events: EventRecorder::default(),
            inputs: Vec::new(),
            node_agents: true,
            spin_detected: false,
            statefulset: Default::default(),
            gc: Default::default(),
            scheduler: crate::controllers::scheduler::Scheduler::new(seed),
            volume: crate::controllers::volume::VolumeController::new(seed),
            kubelet: Kubelets::new(seed),
            endpoints: Default::default(),
            nodelifecycle: Default::default(),
        };
        c.run_until(EPOCH);
        c
    }

    /// Turns the node-side agents (scheduler, volume controllers, kubelets, endpoints, node
    /// lifecycle) off or on. Test support only: a real cluster always has them.
    pub fn set_node_agents(&mut self, enabled: bool) {
        self.node_agents = enabled;
    }

    /// A fresh cluster with the default profile and seed 0.
    pub fn default_cluster() -> Cluster {
        Cluster::new(Profile::default(), 0)
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn reasons(&self) -> &ReasonLog {
        &self.reasons
    }

    pub fn inputs(&self) -> &[TimedInput] {
        &self.inputs
    }

    /// When the next timer is due, if any (what "step" jumps to); now while watch events wait
    /// to be handed to the controllers (a stopped [`Cluster::run_until_bounded`]).
    pub fn next_wake(&self) -> Option<Time> {
        if self.dispatch_pending() {
            return Some(self.now);
        }
        self.timers.next_at()
    }

    /// Whether work of the current instant is left: a StatefulSet sync stopped between two
    /// creations, or watch events the controllers have not been handed yet. Only between a
    /// [`Cluster::run_until_bounded`] that stopped short and the next call that moves the
    /// model (every one of them finishes that work first).
    pub fn dispatch_pending(&self) -> bool {
        self.statefulset.has_pending_round()
            || self
                .api
                .events_since(self.dispatched_rv)
                .is_ok_and(|mut events| events.next().is_some())
    }

    fn set_now(&mut self, t: Time) {
        if t > self.now {
            self.now = t;
            self.api.set_now(t);
        }
    }

    /// Runs every timer due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        self.run_until_bounded(t, usize::MAX);
    }

    /// [`Cluster::run_until`] that stops after `max_handles` units of work (a timer run, or
    /// [`DISPATCH_CHUNK`] watch events handed to the controllers), with the clock at the last
    /// timer's instant, so a caller with a wall-clock budget (the page's frame) can split one
    /// heavy stretch of virtual time (200 pods starting at once) across frames. Returns true
    /// when it reached `t`. Splitting never changes the history: the events and timers left
    /// over are handled next, in the same order; callers must finish the instant
    /// (`run_until(now)`, see [`Cluster::next_wake`]) before applying an input, as inputs land
    /// after every timer of their instant.
    pub fn run_until_bounded(&mut self, t: Time, max_handles: usize) -> bool {
        let mut same_instant = 0u32;
        let mut instant = self.now;
        let mut handled = 0usize;
        loop {
            // A sync stopped between two creations goes on first: its watch events are handed
            // out once it is done, as they would be after one uninterrupted sync.
            while self.resume_round() {
                handled += 1;
                if handled >= max_handles {
                    return false;
                }
            }
            while self.dispatch_some(DISPATCH_CHUNK) {
                handled += 1;
                if handled >= max_handles {
                    return false;
                }
            }
            if handled >= max_handles {
                if self.timers.next_at().is_some_and(|at| at <= t) {
                    return false;
                }
                break;
            }
            let Some(wake) = self.timers.pop_due(t) else {
                break;
            };
            if wake.controller == ControllerId::Kubelet && wake.tag == controllers::TAG_RECONCILE {
                self.kubelet.reconcile_popped(&wake.key);
            }
            handled += 1;
            if wake.at == instant {
                same_instant += 1;
                if same_instant > SAME_INSTANT_BUDGET {
                    self.spin_detected = true;
                    break;
                }
            } else {
                instant = wake.at;
                same_instant = 0;
            }
            self.set_now(wake.at);
            self.handle(wake.controller, &wake.key, wake.tag);
        }
        self.set_now(t);
        true
    }

    /// Advances virtual time by `ms`.
    pub fn run_for_ms(&mut self, ms: u64) {
        self.run_until(self.now.plus_ms(ms));
    }

    /// Runs until the watch log has grown (one visible change) or `limit` is reached.
    /// Returns whether something changed. This is the UI's "Step".
    pub fn step(&mut self, limit: Time) -> bool {
        self.dispatch();
        let rv = self.api.resource_version();
        while self.api.resource_version() == rv {
            match self.timers.next_at() {
                Some(at) if at <= limit => self.run_until(at),
                _ => {
                    self.run_until(limit);
                    break;
                }
            }
        }
        self.api.resource_version() != rv
    }

    /// Finishes a sync stopped between two creations, then hands every new watch event to the
    /// controllers.
    fn dispatch(&mut self) {
        while self.resume_round() {}
        while self.dispatch_some(usize::MAX) {}
    }

    /// Runs the next slice of a StatefulSet sync stopped between two creations (one unit of
    /// work); false when none is pending.
    fn resume_round(&mut self) -> bool {
        if !self.statefulset.has_pending_round() {
            return false;
        }
        let mut ctx = controller_ctx!(self, ControllerId::StatefulSet);
        self.statefulset.resume(&mut ctx)
    }

    /// Hands at most `limit` new watch events to the controllers, oldest first; returns
    /// whether more are waiting.
    fn dispatch_some(&mut self, limit: usize) -> bool {
        let from = self.dispatched_rv;
        let (events, more): (Vec<WatchEvent>, bool) = match self.api.events_since(from) {
            Ok(mut it) => (
                it.by_ref().take(limit).cloned().collect(),
                it.next().is_some(),
            ),
            // Controllers are dispatched after every write, so they never fall this far behind.
            Err(_) => (Vec::new(), false),
        };
        let Some(last) = events.last() else {
            return false;
        };
        self.dispatched_rv = last.rv;
        let now = self.now;
        for ev in &events {
            macro_rules! feed {
                ($field:ident) => {{
                    let mut keys = Vec::new();
                    self.$field.watch(ev, &self.api, &mut |k| keys.push(k));
                    let id = controller_id(&self.$field);
                    for k in controllers::dedupe(keys) {
                        if id == ControllerId::Kubelet
                            && self.timers.len() >= controllers::TIMER_CAPACITY
                        {
                            // The queue may drop it: the kubelet must not count it as queued.
                            self.kubelet.reconcile_popped(&k);
                        }
                        self.timers.enqueue(now.plus_ms(latency_ms(id)), id, k);
                    }
                }};
            }
            feed!(statefulset);
            feed!(gc);
            if self.node_agents {
                feed!(scheduler);
                feed!(volume);
                feed!(kubelet);
                feed!(endpoints);
                feed!(nodelifecycle);
            }
        }
        more
    }

    fn handle(&mut self, id: ControllerId, key: &ObjectRef, tag: u32) {
        // The kubelet's prober runs through the container userland, which needs the whole
        // cluster (files on volumes, other pods): probes due now run here, just before the
        // kubelet's sync consumes their results (`crate::exec`).
        if id == ControllerId::Kubelet && key.kind == Kind::Pod {
            self.run_due_probes(&key.namespace, &key.name);
        }
        self.handle_controller(id, key, tag);
        if id == ControllerId::Kubelet {
            self.run_started_mains();
        }
    }

    fn handle_controller(&mut self, id: ControllerId, key: &ObjectRef, tag: u32) {
        let mut ctx = controller_ctx!(self, id);
        match id {
            ControllerId::StatefulSet => self.statefulset.handle(key, tag, &mut ctx),
            ControllerId::GarbageCollector => self.gc.handle(key, tag, &mut ctx),
            ControllerId::Scheduler => self.scheduler.handle(key, tag, &mut ctx),
            ControllerId::Volume => self.volume.handle(key, tag, &mut ctx),
            ControllerId::Kubelet => self.kubelet.handle(key, tag, &mut ctx),
            ControllerId::Endpoints => self.endpoints.handle(key, tag, &mut ctx),
            ControllerId::NodeLifecycle => self.nodelifecycle.handle(key, tag, &mut ctx),
        }
    }

    /// Records an input in the input log at the current time; false when the log is full.
    pub(crate) fn record_input(&mut self, input: Input) -> bool {
        if self.inputs.len() >= INPUT_LOG_CAPACITY {
            return false;
        }
        self.inputs.push(TimedInput {
            at_ms: self.now.ms(),
            input,
        });
        true
    }

    /// Hands the writes of an input to the controllers (see [`Cluster::apply`]).
    pub(crate) fn after_input(&mut self) {
        self.dispatch();
    }

    /// Schedules a kubelet sync of pod `ns/name` now (a change made from inside a container,
    /// e.g. its main process exiting on a signal).
    pub(crate) fn wake_kubelet_for(&mut self, ns: &str, name: &str) {
        self.timers.schedule(
            self.now.plus_ms(controllers::MIN_TIMER_DELAY_MS),
            ControllerId::Kubelet,
            ObjectRef::new(Kind::Pod, ns, name),
            controllers::TAG_RECONCILE,
        );
    }

    /// Applies an input now (recording it in the input log) and returns the API response.
    pub fn apply(&mut self, input: Input) -> InputResult {
        // Events a stopped `run_until_bounded` left go out first, as in a straight run.
        self.dispatch();
        if !self.record_input(input.clone()) {
            return Err(ApiError::bad_request(format!(
                "ordinal: this scenario has reached its limit of {INPUT_LOG_CAPACITY} inputs; reset the cluster to continue"
            )));
        }
        let result = self.execute(input);
        // Controllers see the write on their next turn; hand it to them now so that their
        // reconciles are queued at this instant's latency even if the caller never advances.
        self.dispatch();
        result
    }

    fn execute(&mut self, input: Input) -> InputResult {
        const ACTOR: &str = "kubectl";
        match input {
            Input::Create { object } => {
                let obj = crate::api::decode::decode(&object, &self.api)?;
                self.api.create(obj, ACTOR).map(Some)
            }
            Input::Update { object } => {
                let obj = crate::api::decode::decode(&object, &self.api)?;
                self.api.update(obj, ACTOR).map(Some)
            }
            Input::Patch {
                kind,
                namespace,
                name,
                patch_type,
                patch,
            } => {
                crate::api::patch_object(&mut self.api, kind, &namespace, &name, patch_type, &patch)
                    .map(Some)
            }
            Input::Delete {
                kind,
                namespace,
                name,
                options,
            } => self
                .api
                .delete(kind, &namespace, &name, &options, ACTOR)
                .map(Some),
            Input::Fault(f) => {
                let mut ctx = controller_ctx!(self, ControllerId::Kubelet);
                controllers::apply_fault(&mut self.kubelet, &mut self.nodelifecycle, &mut ctx, f)
                    .map(|()| None)
                    .map_err(ApiError::bad_request)
            }
            Input::Exec { .. } | Input::ExecWriteFile { .. } => self
                .run_exec_input(&input)
                .map(|_| None)
                .map_err(|e| ApiError::bad_request(e.message())),
            Input::SetFeatureGate { name, enabled } => self
                .api
                .gates
                .set(&name, enabled)
                .map(|()| None)
                .map_err(ApiError::bad_request),
        }
    }

    /// Replays a recorded input log on a fresh cluster of the same profile and seed.
    pub fn replay(
        profile: Profile,
        seed: u64,
        inputs: &[TimedInput],
        until: Option<Time>,
    ) -> Cluster {
        let mut c = Cluster::new(profile, seed);
        for ti in inputs {
            let at = Time(ti.at_ms);
            if until.is_some_and(|u| at > u) {
                break;
            }
            // Inputs that shared an instant were applied back to back, before any timer due
            // at that instant ran: replay must not run timers between them either.
            if at > c.now() {
                c.run_until(at);
            }
            let _ = c.apply(ti.input.clone());
        }
        if let Some(u) = until {
            c.run_until(u);
        }
        c
    }

    /// FNV-1a hash of the watch log (type, time, object) and the reason log: equal hashes mean
    /// the two runs produced the same history.
    pub fn event_log_hash(&self) -> u64 {
        let mut h = Fnv::default();
        if let Ok(events) = self.api.events_since(0) {
            for ev in events {
                h.write(&event_digest(ev).to_le_bytes());
            }
        }
        for r in self.reasons.iter() {
            h.write(&reason_digest(r).to_le_bytes());
        }
        h.0
    }

    /// Computes the digests [`Cluster::event_log_hash`] needs and has not cached yet, oldest
    /// first, for as long as `more()` says so (a caller's frame budget, asked before each
    /// digest); returns whether some are still missing.
    pub fn warm_event_log_hash(&self, more: &mut dyn FnMut() -> bool) -> bool {
        // Digests are only ever missing from the newest entries (each log is appended to, and
        // both the hash and this walk compute them oldest first).
        let events: Vec<&WatchEvent> = match self.api.events_since(0) {
            Ok(events) => events.rev().take_while(|e| !e.digest.is_set()).collect(),
            Err(_) => Vec::new(),
        };
        let reasons: Vec<_> = self
            .reasons
            .iter()
            .rev()
            .take_while(|r| !r.digest.is_set())
            .collect();
        for ev in events.into_iter().rev() {
            if !more() {
                return true;
            }
            event_digest(ev);
        }
        for r in reasons.into_iter().rev() {
            if !more() {
                return true;
            }
            reason_digest(r);
        }
        false
    }

    /// Objects of one kind (typed), in list order.
    pub fn list<'a, T: crate::objects::Typed + 'a>(&'a self, ns: Option<&'a str>) -> Vec<&'a T> {
        self.api.list::<T>(ns).collect()
    }

    pub fn get_object(&self, kind: Kind, ns: &str, name: &str) -> Option<&Arc<Object>> {
        self.api.get_object(kind, ns, name)
    }
}

fn controller_id<C: Controller>(_: &C) -> ControllerId {
    C::ID
}

/// A watch event's part of the event-log hash: resourceVersion, time, type and the object as
/// JSON (computed once per event, `crate::digest`).
fn event_digest(ev: &WatchEvent) -> u64 {
    ev.digest.get_or(|| {
        let mut e = Fnv::default();
        e.write(&ev.rv.to_le_bytes());
        e.write(&ev.at.ms().to_le_bytes());
        e.write(ev.type_.as_str().as_bytes());
        e.write_value(&ev.object.to_value());
        e.0
    })
}

/// A reason record's part of the event-log hash (computed once per record).
fn reason_digest(r: &crate::reason::ReasonRecord) -> u64 {
    r.digest.get_or(|| {
        let mut e = Fnv::default();
        e.write(&r.at.ms().to_le_bytes());
        e.write(r.controller.as_bytes());
        e.write(format!("{:?}{:?}", r.object, r.reason).as_bytes());
        e.0
    })
}
