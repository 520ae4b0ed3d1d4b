//! Share links (issue 7, part 2): the "Share" button, opening `#s=…` links, the broken-link
//! screen, and the event-log hash shown as "About this state" (`data-event-log-hash`).
//!
//! A link is `<page URL without its fragment>#s=<share::encode(scenario)>`: the versioned
//! `Scenario` (seed, input log with virtual times, position, files, speed, tour and step).
//! Opening one replays it and starts **paused** at the shared instant, so the viewer sees
//! exactly the state that was shared (the same event-log hash); Play continues from there.
//!
//! The fragment is untrusted: `share::decode` caps, checks and validates it. A link that fails
//! shows [`BrokenLink`] (role="alert", the `ShareError` text) instead of the playground, and
//! nothing is saved, so the learner's stored work is untouched; "Start fresh" drops the
//! fragment and opens the playground as usual. A link that opens keeps the previously stored
//! scenario aside (`storage::KEY_BEFORE_LINK`) before the shared one is saved over it.

use leptos::prelude::*;
use ordinal_kubectl::share;
use ordinal_model::Scenario;

use crate::app::use_ui;
use crate::storage;

/// Fewest wall ms between two event-log hashes while the model runs (hashing walks the whole
/// watch log); when paused it is computed on the next frame after any change.
pub const HASH_MS: f64 = 1_000.0;
/// Wall ms per frame spent digesting new log entries ahead of the hash.
const WARM_MS: f64 = 1.0;

/// What the page's fragment holds.
pub enum LinkState {
    /// No `s=` in the fragment: the normal start.
    None,
    /// A valid shared scenario.
    Shared(Box<Scenario>),
    /// A share link that cannot be opened: the message for the user.
    Broken(String),
}

/// Reads a fragment (with or without `#`): only an `s=` parameter makes it a share link.
pub fn link_state_of(fragment: &str) -> LinkState {
    let frag = fragment.strip_prefix('#').unwrap_or(fragment);
    if !frag.split('&').any(|kv| kv.starts_with("s=")) {
        return LinkState::None;
    }
    match share::decode(frag) {
        Ok(s) => LinkState::Shared(Box::new(s)),
        Err(e) => LinkState::Broken(e.to_string()),
    }
}

/// The page's own share-link state.
pub fn link_state() -> LinkState {
    let hash = window().location().hash().unwrap_or_default();
    link_state_of(&hash)
}

/// The link for `fragment` (`s=…`): the page's URL (path and query) with the fragment replaced.
pub fn link_for(page_url: &str, fragment: &str) -> String {
    let base = page_url.split('#').next().unwrap_or(page_url);
    format!("{base}#{fragment}")
}

fn page_url_without_hash() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Drops the fragment from the address bar (no reload, no history entry).
pub fn clear_fragment() {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&page_url_without_hash()),
        );
    }
}

/// The restored state for an opened link; the stored scenario is kept aside first.
pub fn restored_from_link(s: Scenario) -> storage::Restored {
    storage::keep_before_link();
    let mut files = storage::files_of(&s);
    ordinal_model::sort::sort_by_key(&mut files, |(n, _)| n != "web.yaml");
    if files.is_empty() {
        files = storage::default_files();
    }
    let at = s.at_ms.map(|t| crate::vm::clock(ordinal_model::Time(t)));
    let notice = format!(
        "Opened a shared scenario{}, paused: press Play to continue. Your previous work in this browser was kept as {}.",
        at.map(|t| format!(" at {t}")).unwrap_or_default(),
        storage::KEY_BEFORE_LINK
    );
    storage::Restored {
        seed: s.seed,
        history: storage::load_history(),
        scenario: Some(s),
        files,
        notice: Some(notice),
    }
}

/// The event-log hash as shown and in `data-event-log-hash`: 16 hex digits.
pub fn hash_text(hash: u64) -> String {
    format!("{hash:016x}")
}

#[derive(Clone, Copy)]
pub struct ShareSignals {
    /// (event-log hash, virtual ms it was computed at).
    pub state_hash: RwSignal<Option<(u64, u64)>>,
}

impl ShareSignals {
    pub fn new() -> ShareSignals {
        ShareSignals {
            state_hash: RwSignal::new(None),
        }
    }
}

impl Default for ShareSignals {
    fn default() -> Self {
        Self::new()
    }
}

/// Per-frame bookkeeping for the hash.
#[derive(Default)]
pub struct HashSync {
    key: Option<(u64, u64)>,
    last_wall: f64,
}

/// After each tick: re-hashes the event log when the model changed (throttled while running).
/// Returns whether undigested log entries remain (then call [`warm_between_frames`]).
pub fn sync_hash(
    signals: &ShareSignals,
    e: &crate::engine::Engine,
    s: &mut HashSync,
    rv: u64,
    now: u64,
    wall: f64,
) -> bool {
    let key = (rv, now);
    // Digest the newest log entries a little every frame (≤ WARM_MS), so the hash below only
    // folds cached digests: computed all at once, a busy second's entries took ≈ 50 ms.
    let behind = warm(e, WARM_MS);
    // While running, the hash waits until the digests have caught up (the rest is digested in
    // short tasks between frames, `warm_between_frames`): at 16× with 200 pods the log grows
    // faster than one frame's share digests, and folding the backlog at once took 25–50 ms.
    // Paused (or stepping), it is computed at once, as before.
    if s.key == Some(key) || (e.running && (behind || wall - s.last_wall < HASH_MS)) {
        return behind;
    }
    s.key = Some(key);
    s.last_wall = wall;
    let h = e.session.with_timeline(|tl| tl.cluster().event_log_hash());
    signals.state_hash.set(Some((h, now)));
    false
}

/// Digests undigested event-log entries for at most `budget_ms` of wall time; returns whether
/// some remain.
fn warm(e: &crate::engine::Engine, budget_ms: f64) -> bool {
    let started = crate::app::perf_now();
    e.session.with_timeline(|tl| {
        tl.cluster()
            .warm_event_log_hash(&mut || crate::app::perf_now() - started < budget_ms)
    })
}

/// Wall ms one between-frames digest task may take.
const WARM_TASK_MS: f64 = 4.0;

thread_local! {
    static WARM_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Digests more of the event log in a short task of its own (≤ WARM_TASK_MS) after this frame,
/// once: the digests are cached in the log entries, so this changes when they are computed,
/// never the hash.
pub fn warm_between_frames(engine: std::rc::Rc<std::cell::RefCell<crate::engine::Engine>>) {
    if WARM_PENDING.with(|p| p.replace(true)) {
        return;
    }
    set_timeout(
        move || {
            WARM_PENDING.with(|p| p.set(false));
            if let Ok(e) = engine.try_borrow() {
                warm(&e, WARM_TASK_MS);
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The "Share" button, the link it made, and the "About this state" line.
#[component]
pub fn SharePanel() -> impl IntoView {
    let ui = use_ui();
    let link = RwSignal::new(None::<String>);
    let message = RwSignal::new(String::new());
    let field = NodeRef::<leptos::html::Input>::new();
    let make = move |_| {
        let scenario = ui.engine().and_then(|e| {
            e.try_borrow()
                .ok()
                .map(|e| e.scenario(&ui.files.snapshot_untracked()))
        });
        let Some(scenario) = scenario else {
            message.set("The cluster is busy; try Share again.".into());
            return;
        };
        match share::encode(&scenario) {
            Ok(frag) => {
                let url = link_for(&page_url_without_hash(), &frag);
                link.set(Some(url.clone()));
                message.set(format!(
                    "Link ready ({} characters): select it and copy it.",
                    url.len()
                ));
                copy_to_clipboard(url, message);
                request_animation_frame(move || {
                    if let Some(el) = field.get_untracked() {
                        let _ = el.focus();
                        el.select();
                    }
                });
            }
            Err(e) => {
                link.set(None);
                message.set(e.to_string());
            }
        }
    };
    view! {
        <section class="share" aria-label="Share this state">
            <button type="button" class="share-button" on:click=make>
                "Share"
            </button>
            <Show when=move || link.with(Option::is_some)>
                <label class="share-link">
                    <span>"Share link"</span>
                    <input
                        node_ref=field
                        type="text"
                        readonly
                        prop:value=move || link.get().unwrap_or_default()
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(t) = ev
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            {
                                t.select();
                            }
                        }
                    />
                </label>
            </Show>
            <p class="share-message" role="status">
                {move || message.get()}
            </p>
            <p
                class="about-state"
                data-event-log-hash=move || {
                    ui.share.state_hash.get().map(|(h, _)| hash_text(h)).unwrap_or_default()
                }
            >
                "About this state: event-log hash "
                <code>
                    {move || {
                        ui.share
                            .state_hash
                            .get()
                            .map(|(h, _)| hash_text(h))
                            .unwrap_or_else(|| "…".into())
                    }}
                </code>
                {move || {
                    ui.share
                        .state_hash
                        .get()
                        .map(|(_, at)| {
                            format!(" at {}", crate::vm::clock(ordinal_model::Time(at)))
                        })
                }}
            </p>
        </section>
    }
}

/// Copies when the browser allows it (`navigator.clipboard` exists only in secure contexts and
/// may be refused); the link stays in the field either way.
fn copy_to_clipboard(text: String, message: RwSignal<String>) {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let nav = window().navigator();
    let Ok(cb) = Reflect::get(&nav, &JsValue::from_str("clipboard")) else {
        return;
    };
    if cb.is_undefined() || cb.is_null() {
        return;
    }
    let Some(write) = Reflect::get(&cb, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return;
    };
    let Some(promise) = write
        .call1(&cb, &JsValue::from_str(&text))
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok())
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            message.set("Link copied to the clipboard (it is also in the field below).".into());
        }
    });
}

/// Shown instead of the playground when the page's share link cannot be opened.
#[component]
pub fn BrokenLink(message: String) -> impl IntoView {
    let start_fresh = move |_| {
        clear_fragment();
        let _ = window().location().reload();
    };
    view! {
        <main class="broken-link">
            <h1>"Ordinal"</h1>
            <div class="broken-link-error" role="alert">
                <h2>"This share link cannot be opened"</h2>
                <p>{message}</p>
            </div>
            <p>
                "Nothing was changed: your saved work in this browser is as you left it. "
                "Start fresh opens the playground without this link."
            </p>
            <button type="button" class="primary" on:click=start_fresh>
                "Start fresh"
            </button>
        </main>
    }
}
