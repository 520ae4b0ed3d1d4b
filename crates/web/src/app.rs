//! The app shell: the engine, the animation-frame tick, and the page layout.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use ordinal_model::profile::KUBERNETES_VERSION;

use crate::engine::{Cmd, Engine};
use crate::publish::{Published, Publisher};
use crate::terminal::TermBuf;
use crate::{
    cluster_view, editor, embed, host_api, params, playback, present, storage, terminal, vm,
};

/// Model work in one frame (wall ms) beyond which the view-model rebuild waits a frame.
const HEAVY_MODEL_MS: f64 = 12.0;
/// With many pods, the fewest wall ms between full view-model rebuilds.
const REBUILD_MS: f64 = 120.0;
/// The most inputs kept while the engine is being built (a paste of a long script fits).
const MAX_PENDING_BEFORE_BOOT: usize = 1_000;
/// The most reason records the feed keeps (the newest). A step that creates 200 pods brings
/// 200 reasons at once: every line beyond what fits in the panel is DOM to build and a live
/// region to announce; `kubectl get events` and `sim why` keep the whole story.
pub const FEED_CAP: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct FeedLine {
    pub seq: u64,
    pub at: String,
    pub text: String,
    pub wait: bool,
}

impl crate::rows::Row for FeedLine {
    fn key(&self) -> String {
        self.seq.to_string()
    }

    fn build(&self, doc: &web_sys::Document) -> Option<web_sys::Element> {
        let p = doc.create_element("p").ok()?;
        if self.wait {
            p.set_class_name("wait");
        }
        let time = crate::rows::text_element(doc, "time", &self.at)?;
        let _ = p.append_child(time.as_ref());
        let rest = format!(" {}{}", if self.wait { "waits: " } else { "" }, self.text);
        let _ = p.append_child(doc.create_text_node(&rest).as_ref());
        Some(p)
    }
}

/// Everything the views read or write, as `Copy` signal handles (provided as context).
#[derive(Clone, Copy)]
pub struct Ui {
    /// The model and the kubectl session: built in a task after the first paint ([`boot`]),
    /// so the page draws before the cluster's bootstrap runs. Read it with [`Ui::engine`].
    pub engine: StoredValue<Option<Rc<RefCell<Engine>>>, LocalStorage>,
    /// Inputs sent before the engine exists, handed to it when it is built (bounded).
    pub pending: StoredValue<Vec<Cmd>, LocalStorage>,
    pub running: RwSignal<bool>,
    pub speed: RwSignal<usize>,
    /// The speed the model kept up with, when well short of `speed` (`Engine::lagging`).
    pub lagging: RwSignal<Option<f64>>,
    pub now: RwSignal<u64>,
    pub start: RwSignal<u64>,
    pub end: RwSignal<u64>,
    pub in_past: RwSignal<bool>,
    pub published: Published,
    pub feed: RwSignal<Vec<FeedLine>>,
    pub term: RwSignal<TermBuf>,
    /// The second terminal's output (controls used while the terminal is busy).
    pub side_term: RwSignal<TermBuf>,
    pub prompt: RwSignal<String>,
    pub busy: RwSignal<bool>,
    /// The running command reads what is typed (a shell in a pod).
    pub wants_input: RwSignal<bool>,
    /// The second terminal's prompt, busy and wants-input state (see `terminal`).
    pub side_prompt: RwSignal<String>,
    pub side_busy: RwSignal<bool>,
    pub side_wants_input: RwSignal<bool>,
    pub notice: RwSignal<Option<String>>,
    pub files: editor::Files,
    pub history: RwSignal<Vec<String>>,
    pub reduced_motion: bool,
    /// Set when something worth saving changed outside the model (editor files).
    pub dirty: StoredValue<bool>,
    /// The guided tour on screen (`tour_panel`).
    pub tour: crate::tour_panel::TourSignals,
    /// The event-log hash shown for share links (`share_ui`).
    pub share: crate::share_ui::ShareSignals,
}

impl Ui {
    /// Queues an input for the next tick. A read-only page (`?readonly`) runs no command line
    /// from the reader (terminal, Apply, node/pod actions, Reset): view and playback only.
    /// (Editor buffers still mirror into the session's files; they run nothing.)
    pub fn send(&self, cmd: Cmd) {
        if params::with(|p| p.readonly)
            && matches!(
                cmd,
                Cmd::Line(_)
                    | Cmd::Control(_)
                    | Cmd::Interrupt
                    | Cmd::SideLine(_)
                    | Cmd::SideInterrupt
            )
        {
            self.notice.set(Some(
                "This playground is read-only: view and playback only.".into(),
            ));
            return;
        }
        self.enqueue(cmd);
    }

    /// The engine, once built (`None` during the first frames: see [`boot`]).
    pub fn engine(&self) -> Option<Rc<RefCell<Engine>>> {
        self.engine.try_with_value(Clone::clone).flatten()
    }

    /// Queues an input for the next tick, whoever sent it (the read-only check is `send`'s).
    pub fn enqueue(&self, cmd: Cmd) {
        match self.engine() {
            Some(e) => e.borrow_mut().queue.push_back(cmd),
            None => self.pending.update_value(|p| {
                if p.len() < MAX_PENDING_BEFORE_BOOT {
                    p.push(cmd);
                }
            }),
        }
    }

    /// Runs a command line through the terminal (a tour's Run button), recorded in history.
    pub fn run_line(&self, line: String) {
        terminal::remember(self, &line);
        self.send(Cmd::Line(line));
    }

    /// Runs a control's command (faults, Lose volume, Apply, Reset): in the terminal when it is
    /// idle (and then in its history), else in the second terminal (see [`Cmd::Control`]).
    pub fn run_control(&self, line: String) {
        if !self.busy.get_untracked() && self.prompt.get_untracked() == "$ " {
            terminal::remember(self, &line);
        }
        self.send(Cmd::Control(line));
    }
}

pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}

fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

pub(crate) fn perf_now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Per-frame state that is not reactive.
struct Loop {
    publisher: Publisher,
    last_wall: Option<f64>,
    feed_seq: u64,
    last_rv: Option<(u64, u64)>,
    last_save: f64,
    last_build: f64,
    /// With many pods (level of detail): the last view model built, so frames that only
    /// catch up on cards held back by the publisher's budgets publish it again instead of
    /// rebuilding the whole picture (≈ 6 ms at 1 000 pods) every frame.
    last_cvm: Option<vm::ClusterVm>,
    saved_inputs: usize,
    frame: u64,
    /// The last frame left its view-model rebuild to this one (`HEAVY_MODEL_MS`).
    held_view: bool,
    tour: crate::tour_panel::TourSync,
    hash: crate::share_ui::HashSync,
}

#[component]
pub fn App() -> impl IntoView {
    embed::setup();
    let page = params::current();
    // A share link in the fragment replaces the stored state; a broken one shows an error
    // screen and nothing is loaded or saved.
    let (restored, from_link) = match crate::share_ui::link_state() {
        crate::share_ui::LinkState::None => (storage::load(), false),
        crate::share_ui::LinkState::Shared(s) => {
            crate::share_ui::clear_fragment();
            (crate::share_ui::restored_from_link(*s), true)
        }
        crate::share_ui::LinkState::Broken(message) => {
            return view! { <crate::share_ui::BrokenLink message /> }.into_any();
        }
    };
    let restored_tour = restored
        .scenario
        .as_ref()
        .and_then(|s| Some((s.tour.clone()?, s.step.unwrap_or(1))));
    let files = editor::Files::new(restored.files.clone());
    let mut speed0 = crate::engine::DEFAULT_SPEED;
    if let Some(speed) = restored.scenario.as_ref().and_then(|s| s.speed) {
        if let Some(i) = crate::engine::SPEEDS.iter().position(|x| *x == speed) {
            speed0 = i;
        }
    }
    if let Some(speed) = page.speed {
        speed0 = speed;
    }
    let ui = Ui {
        engine: StoredValue::new_local(None),
        pending: StoredValue::new_local(Vec::new()),
        // An opened share link starts paused at the shared instant; `?autoplay=0` too.
        running: RwSignal::new(page.autoplay && !from_link),
        speed: RwSignal::new(speed0),
        lagging: RwSignal::new(None),
        now: RwSignal::new(0),
        start: RwSignal::new(0),
        end: RwSignal::new(0),
        in_past: RwSignal::new(false),
        published: Published::new(),
        feed: RwSignal::new(Vec::new()),
        term: RwSignal::new(TermBuf::default()),
        side_term: RwSignal::new(TermBuf::default()),
        prompt: RwSignal::new("$ ".into()),
        busy: RwSignal::new(false),
        wants_input: RwSignal::new(false),
        side_prompt: RwSignal::new("$ ".into()),
        side_busy: RwSignal::new(false),
        side_wants_input: RwSignal::new(false),
        notice: RwSignal::new(
            [page.notice(), restored.notice.clone()]
                .into_iter()
                .flatten()
                .reduce(|a, b| format!("{a} {b}")),
        ),
        files,
        history: RwSignal::new(restored.history.clone()),
        reduced_motion: prefers_reduced_motion(),
        dirty: StoredValue::new(false),
        tour: crate::tour_panel::TourSignals::new(),
        share: crate::share_ui::ShareSignals::new(),
    };
    provide_context(ui);
    crate::tour_panel::init(ui, restored_tour, from_link);
    let _present = present::provide();
    // A fresh cluster's nodes are known before the model runs (the profile's, all Ready at the
    // epoch): the first paint draws their lanes. A restored scenario's may differ (a node it
    // took down), so its lanes wait for the engine.
    if restored.scenario.is_none() {
        ui.published
            .show_profile_nodes(&ordinal_model::Profile::default());
    }
    ui.term.update(|t| {
        t.push_text(
            "Ordinal: a simulated Kubernetes cluster. Try `kubectl apply -f web.yaml`, then `kubectl get pods -w`.\n",
            false,
        )
    });

    // The tick: apply queued inputs, advance virtual time, publish the view model.
    let state = Rc::new(RefCell::new(Loop {
        publisher: Publisher::default(),
        last_wall: None,
        feed_seq: 0,
        last_rv: None,
        last_save: 0.0,
        last_build: 0.0,
        last_cvm: None,
        saved_inputs: usize::MAX,
        frame: 0,
        held_view: false,
        tour: Default::default(),
        hash: Default::default(),
    }));
    frame(ui, state.clone());
    // Editor edits are saved soon (the tick writes them), and on leaving the page.
    Effect::new(move |_| {
        ui.files.list.track();
        ui.dirty.set_value(true);
    });
    let _ = window_event_listener_untyped("pagehide", move |_| save(ui));
    // The loop pauses while the page is hidden (rAF stops; the wall-clock gap is not counted).
    let vis_state = state;
    let _ = window_event_listener_untyped("visibilitychange", move |_| {
        vis_state.borrow_mut().last_wall = None;
    });

    // The first task draws what the first screen needs (playback, tours, the cluster's lanes,
    // terminal) and focuses the terminal. After that frame is painted, a task builds the
    // engine (the cluster's bootstrap and any restored scenario's replay: tens of ms), and
    // after the next paint another builds the editor and the reason feed (below the terminal
    // and the cluster), so none of them delays the first screen.
    let secondary = RwSignal::new(false);
    let owner = Owner::current();
    after_paint(move || {
        let build = move || {
            boot(ui, &restored);
            // The embed API announces "ready" once there is a cluster to ask about.
            host_api::install(ui);
        };
        match &owner {
            Some(o) => o.with(build),
            None => build(),
        }
        after_paint(move || secondary.set(true));
    });
    view! {
        <header class="masthead">
            <h1>"Ordinal"</h1>
            <p class="tagline">
                "A StatefulSet playground on a simulated Kubernetes " {KUBERNETES_VERSION} " cluster"
            </p>
            <present::PresentButton />
            {move || {
                ui.notice
                    .get()
                    .map(|n| {
                        view! {
                            <p class="notice" role="status">
                                {n}
                                <button type="button" on:click=move |_| ui.notice.set(None)>
                                    "Dismiss"
                                </button>
                            </p>
                        }
                    })
            }}
            <crate::share_ui::SharePanel />
        </header>
        <main class="layout">
            <playback::PlaybackBar />
            <crate::tour_panel::TourPanel />
            <cluster_view::ClusterView />
            <terminal::Terminal />
            <Show when=move || secondary.get()>
                <editor::Editor />
                <EventsFeed />
            </Show>
        </main>
        <present::PresentLayer />
    }
    .into_any()
}

/// The controller's reason feed ("Controller events").
#[component]
fn EventsFeed() -> impl IntoView {
    let ui = use_ui();
    let lines = NodeRef::<leptos::html::Div>::new();
    crate::cluster_view::rows_effect(lines, ui.feed);
    view! {
        <section class="panel events" aria-labelledby="events-heading">
            <h2 id="events-heading">"Controller events"</h2>
            <div
                class="feed"
                role="log"
                aria-live="polite"
                aria-label="Controller events"
                tabindex="0"
            >
                // The newest reason stays in view by CSS (column-reverse around one child),
                // never by reading scrollHeight (a forced layout on every feed update).
                // Lines by hand (`rows`): a step brings many at once.
                <div class="lines" node_ref=lines></div>
            </div>
        </section>
    }
}

/// Runs `f` in a task after the next frame is painted.
fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// Builds the engine: a fresh cluster, or the restored scenario replayed; then hands it the
/// inputs that arrived meanwhile, in order.
fn boot(ui: Ui, restored: &storage::Restored) {
    let files = ui.files.snapshot_untracked();
    let mut engine = match &restored.scenario {
        Some(s) => Engine::restored(s, &files),
        None => Engine::new(restored.seed, &files),
    };
    engine.speed = ui.speed.get_untracked();
    engine.queue.extend(
        ui.pending
            .try_update_value(std::mem::take)
            .unwrap_or_default(),
    );
    ui.engine.set_value(Some(Rc::new(RefCell::new(engine))));
}

fn frame(ui: Ui, state: Rc<RefCell<Loop>>) {
    // Hidden tab, or an embed scrolled out of view: virtual time stands still.
    let hidden = document().hidden() || embed::offscreen();
    {
        let mut st = state.borrow_mut();
        let wall = perf_now();
        let dt = if hidden {
            0.0
        } else {
            st.last_wall.map_or(0.0, |w| wall - w)
        };
        st.last_wall = if hidden { None } else { Some(wall) };
        tick(ui, &mut st, dt);
    }
    request_animation_frame(move || frame(ui, state));
}

fn tick(ui: Ui, st: &mut Loop, dt: f64) {
    let Some(engine) = ui.engine() else {
        return;
    };
    let t0 = perf_now();
    let mut e = engine.borrow_mut();
    e.running = ui.running.get_untracked();
    e.speed = ui.speed.get_untracked();
    let out = e.tick(dt, &perf_now);
    let t_model = perf_now();
    let edits = e.session.take_editor_requests();
    if !edits.is_empty() {
        editor::apply_editor_requests(ui.files, edits);
    }
    if e.running != ui.running.get_untracked() {
        ui.running.set(e.running);
    }
    if e.lagging != ui.lagging.get_untracked() {
        ui.lagging.set(e.lagging);
    }
    if !out.output.is_empty() {
        ui.term.update(|t| {
            for (stream, text) in &out.output {
                t.push_text(text, *stream == ordinal_kubectl::shell::Stream::Stderr);
            }
        });
    }
    if !out.side.is_empty() {
        ui.side_term.update(|t| {
            for (stream, text) in &out.side {
                t.push_text(text, *stream == ordinal_kubectl::shell::Stream::Stderr);
            }
        });
    }
    let (prompt, busy) = (e.prompt.clone(), e.session.busy());
    let wants_input = e.session.wants_input();
    let side = (e.side_prompt(), e.side_running(), e.side_wants_input());
    drop(e);
    host_api::after_tick(ui, &out.output, busy);
    let mut e = engine.borrow_mut();
    if ui.prompt.get_untracked() != prompt {
        ui.prompt.set(prompt);
    }
    if ui.busy.get_untracked() != busy {
        ui.busy.set(busy);
    }
    if ui.wants_input.get_untracked() != wants_input {
        ui.wants_input.set(wants_input);
    }
    if ui.side_prompt.with_untracked(|p| p != side.0) {
        ui.side_prompt.set(side.0.to_string());
    }
    if ui.side_busy.get_untracked() != side.1 {
        ui.side_busy.set(side.1);
    }
    if ui.side_wants_input.get_untracked() != side.2 {
        ui.side_wants_input.set(side.2);
    }
    let (now, start, end, in_past, rv) = e.session.with_timeline(|tl| {
        (
            tl.now().ms(),
            tl.start().ms(),
            tl.end().ms(),
            tl.in_past(),
            tl.cluster().api.resource_version(),
        )
    });
    ui.now.set(now);
    let wall = perf_now();
    crate::tour_panel::sync(&ui, &mut e, &mut st.tour, rv, now, wall);
    if crate::share_ui::sync_hash(&ui.share, &e, &mut st.hash, rv, now, wall) {
        crate::share_ui::warm_between_frames(engine.clone());
    }
    if ui.start.get_untracked() != start {
        ui.start.set(start);
    }
    if ui.end.get_untracked() != end {
        ui.end.set(end);
    }
    if ui.in_past.get_untracked() != in_past {
        ui.in_past.set(in_past);
    }
    // Rebuild the view model when the cluster changed, and while cards animate.
    let animating = ui.published.cards.with_value(|c| {
        c.values()
            .any(|card| card.anim.get_untracked() != crate::publish::Anim::STILL)
    });
    st.frame += 1;
    let changed = st.last_rv != Some((rv, now));
    let wall = perf_now();
    // Level of detail: with many pods the full view model is rebuilt at most every
    // REBUILD_MS of wall time; between rebuilds only card animations move.
    let many = ui.published.compact.get_untracked();
    let scrubbed = st.last_rv.is_some_and(|(_, n)| now < n);
    let deferred = st.publisher.deferred;
    // Cards held back by the publisher's budgets: with many pods they are caught up from the
    // last view model until a rebuild is due anyway.
    let catch_up = many && deferred && !scrubbed && st.last_cvm.is_some();
    let rebuild_due =
        !many || scrubbed || (deferred && !catch_up) || wall - st.last_build >= REBUILD_MS;
    let rv_changed = st.last_rv.map(|(r, _)| r) != Some(rv);
    if animating && !(rv_changed && rebuild_due) {
        st.publisher.animate(&ui.published, now);
    }
    let (mut vm_ms, mut publish_ms) = (0.0, 0.0);
    // A frame whose model work ran long (one controller sync creating 200 pods) leaves the
    // view to the next frame, so model and DOM work do not add up to one long task; never two
    // frames in a row, so the view cannot fall behind.
    let hold_view = t_model - t0 > HEAVY_MODEL_MS && !st.held_view;
    st.held_view = hold_view;
    if !hold_view
        && (rv_changed && rebuild_due
            || (!many && animating)
            || (changed && st.frame.is_multiple_of(15))
            || (deferred && !catch_up))
    {
        let t_vm = perf_now();
        st.last_build = wall;
        st.last_rv = Some((rv, now));
        let (cvm, feed) = e.session.with_timeline(|tl| {
            let c = tl.cluster();
            let cvm = vm::cluster_vm(c);
            let next = c.reasons().next_seq();
            let feed = if next < st.feed_seq || st.feed_seq == 0 && next > 0 {
                // Scrubbed back (or first frame): rebuild the feed from the newest records.
                let from = next.saturating_sub(FEED_CAP as u64);
                (
                    true,
                    c.reasons()
                        .since(from)
                        .filter(in_feed)
                        .map(feed_line)
                        .collect::<Vec<_>>(),
                )
            } else {
                (
                    false,
                    c.reasons()
                        .since(st.feed_seq)
                        .filter(in_feed)
                        .map(feed_line)
                        .collect(),
                )
            };
            st.feed_seq = next;
            (cvm, feed)
        });
        let t_pub = perf_now();
        vm_ms = t_pub - t_vm;
        st.last_cvm = many.then(|| cvm.clone());
        st.publisher.publish(&ui.published, cvm);
        publish_ms = perf_now() - t_pub;
        let (replace, lines) = feed;
        if replace || !lines.is_empty() {
            ui.feed.update(|f| {
                if replace {
                    f.clear();
                }
                f.extend(lines);
                if f.len() > FEED_CAP {
                    let drop = f.len() - FEED_CAP;
                    f.drain(..drop);
                }
            });
        }
    } else if !hold_view && catch_up {
        if let Some(mut cvm) = st.last_cvm.clone() {
            // Animations by this frame's model time, as `animate` set them.
            cvm.now_ms = now;
            let t_pub = perf_now();
            st.publisher.publish(&ui.published, cvm);
            publish_ms = perf_now() - t_pub;
        }
    }
    // Persist (at most every 2 s of wall time, and when the input log grew).
    let inputs = e.session.with_timeline(|tl| tl.inputs().len());
    let wall = perf_now();
    if inputs != st.saved_inputs && wall - st.last_save > 2_000.0 || wall - st.last_save > 10_000.0
    {
        st.last_save = wall;
        st.saved_inputs = inputs;
        let scenario = e.scenario(&ui.files.snapshot_untracked());
        if let Err(msg) = storage::save_scenario(&scenario) {
            ui.notice.set(Some(msg));
        }
    }
    drop(e);
    record_frame_time(perf_now() - t0, [t_model - t0, vm_ms, publish_ms]);
}

/// Writes the scenario (input log, position, files, speed); failures become a notice.
fn save(ui: Ui) {
    let Some(engine) = ui.engine() else {
        return;
    };
    let Ok(e) = engine.try_borrow() else { return };
    ui.dirty.set_value(false);
    let scenario = e.scenario(&ui.files.snapshot_untracked());
    if let Err(msg) = storage::save_scenario(&scenario) {
        if ui.notice.get_untracked().as_deref() != Some(msg.as_str()) {
            ui.notice.set(Some(msg));
        }
    }
}

/// Frame work times (ms) for the benchmark: recorded only when the page defined
/// `window.__ordinalFrames = []` (the Playwright benchmark does, before load). With
/// `window.__ordinalFrameParts = []` too, each frame's split is recorded as
/// `[queued inputs + model time, view-model build, publish into signals]` (the DOM updates run
/// after the tick, in Leptos' effects, and are not in these numbers).
fn record_frame_time(ms: f64, parts: [f64; 3]) {
    use wasm_bindgen::{JsCast, JsValue};
    let push = |key: &str, v: JsValue| {
        let Ok(arr) = js_sys::Reflect::get(&window(), &JsValue::from_str(key)) else {
            return;
        };
        if let Ok(arr) = arr.dyn_into::<js_sys::Array>() {
            if arr.length() < 100_000 {
                arr.push(&v);
            }
        }
    };
    push("__ordinalFrames", JsValue::from_f64(ms));
    push(
        "__ordinalFrameParts",
        parts
            .iter()
            .map(|p| JsValue::from_f64(*p))
            .collect::<js_sys::Array>()
            .into(),
    );
}

/// The feed narrates the learner's objects; kube-system's bootstrap chatter stays out.
fn in_feed(r: &&ordinal_model::ReasonRecord) -> bool {
    r.object.namespace != vm::SYSTEM_NS
}

fn feed_line(r: &ordinal_model::ReasonRecord) -> FeedLine {
    FeedLine {
        seq: r.seq,
        at: vm::clock(r.at),
        text: r.to_string(),
        wait: r.reason.is_wait(),
    }
}
