//! The guided-tour panel (issue 7, part 1): a tour file fetched from `tours/<name>.md` next to
//! the page, its current step rendered as text (Markdown → elements, never `inner_html`), a
//! "Run: <command>" button per command, the step's status ("Step 3 of 12: done") in a polite
//! live region, and "Previous step" / "Next step".
//!
//! The [`TourProgress`] lives in the [`Engine`] so that every line — typed in the terminal or
//! sent by a Run button — goes through the same path (`Cmd::Line` → `TourProgress::submit`) on
//! the model's tick. Checks are re-evaluated after the tick when the model moved (throttled to
//! [`EVAL_MS`] of wall time), and at once after a recorded line or a step change.
//!
//! The tour file is untrusted data: the name is `[a-z0-9-]` only ([`valid_tour_name`]), the
//! body is size-capped by `Tour::parse`, parse errors are shown naming the line, and links in
//! the Markdown are only followed for `http(s)` targets.
//!
//! Opening at a step (`?tour=…&step=N` on a fresh cluster) fast-forwards: the commands of
//! steps 1..N-1 run through the same `TourProgress::submit`, in virtual time
//! (`TourProgress::fast_forward`), so step N finds the cluster it expects. A cluster restored
//! from storage or a share link is not fast-forwarded (it already is where the learner was),
//! and neither are "Previous step", "Next step" and the host API's [`go_to_step`]: those move
//! the panel only, like turning a page — running commands (and forking the timeline) behind
//! a learner's or host's back would rewrite a cluster they may have shaped themselves.
//!
//! For the host API (embed / postMessage): [`go_to_step`] and [`tour_state`].

use leptos::prelude::*;
use ordinal_kubectl::shell::Stream;
use ordinal_kubectl::tour::{Part, Tour, TourProgress, MAX_TOUR_BYTES};
use ordinal_model::{Profile, Timeline};

use crate::app::{use_ui, Ui};
use crate::engine::{Cmd, Engine, TickOut};

/// The tours shipped in `www/tours/` (file name, title) offered by the "Tours" control. Any
/// other `tours/<name>.md` next to the page opens with `?tour=<name>`.
pub const BUILTIN_TOURS: [(&str, &str); 2] = [
    ("statefulset-basics", "StatefulSet Basics"),
    ("canary", "Canary and phased rollouts with partitions"),
];
/// Longest tour name accepted from the URL or a scenario.
pub const MAX_TOUR_NAME: usize = 64;
/// Fewest wall ms between two check evaluations while the model runs.
pub const EVAL_MS: f64 = 250.0;

// ---------------------------------------------------------------------------------------------
// Pure logic (tested on the host: crates/web/tests/tour_logic.rs)

/// A tour name from the URL or storage: lower-case letters, digits and `-`, at most
/// [`MAX_TOUR_NAME`] characters (it becomes part of a fetched path).
pub fn valid_tour_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("The tour name is empty.".into());
    }
    if name.len() > MAX_TOUR_NAME {
        return Err(format!(
            "The tour name is too long ({} characters; the limit is {MAX_TOUR_NAME}).",
            name.len()
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "The tour name {:?} may only contain lower-case letters, digits and `-`.",
            name.chars().take(MAX_TOUR_NAME).collect::<String>()
        ));
    }
    Ok(())
}

/// Where a tour's file is fetched from, relative to the page.
pub fn tour_url(name: &str) -> String {
    format!("tours/{name}.md")
}

/// `?tour=` and `?step=` from a query string (other parameters are not ours and are ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TourParams {
    /// The requested tour, or why the name was refused.
    pub tour: Option<Result<String, String>>,
    /// 1-based, as written in the URL; `Err` when not a positive number.
    pub step: Option<Result<usize, String>>,
}

pub fn tour_params(search: &str) -> TourParams {
    let mut out = TourParams::default();
    let q = search.strip_prefix('?').unwrap_or(search);
    for kv in q.split('&').take(64) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "tour" if out.tour.is_none() => {
                out.tour = Some(valid_tour_name(v).map(|()| v.to_string()));
            }
            "step" if out.step.is_none() => {
                out.step = Some(match v.parse::<usize>() {
                    Ok(n) if n >= 1 => Ok(n),
                    _ => Err(format!(
                        "?step={} is not a step number (1, 2, …); starting at step 1.",
                        v.chars().take(16).collect::<String>()
                    )),
                });
            }
            _ => {}
        }
    }
    out
}

/// How the page opens a tour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourStart {
    pub name: String,
    /// 0-based.
    pub step: usize,
    /// On a fresh cluster (the tour's seed), rather than continuing the restored one.
    pub fresh: bool,
}

/// Which tour the page opens, given the URL's `?tour=`/`?step=` and the restored scenario's
/// tour and step (1-based). A share link's tour always wins (its cluster is what was shared);
/// a restored tour named by the URL continues where the learner was; a different tour in the
/// URL starts fresh. Returns the start and a message for anything refused.
pub fn initial_tour(
    params: &TourParams,
    restored: Option<(&str, u32)>,
    from_link: bool,
) -> (Option<TourStart>, Option<String>) {
    let mut msg = None;
    let url_tour = match &params.tour {
        Some(Ok(t)) => Some(t.as_str()),
        Some(Err(e)) => {
            msg = Some(e.clone());
            None
        }
        None => None,
    };
    let url_step = match &params.step {
        Some(Ok(n)) => Some(*n - 1),
        Some(Err(e)) if url_tour.is_some() => {
            msg.get_or_insert_with(|| e.clone());
            None
        }
        _ => None,
    };
    let restored = restored.filter(|(name, _)| valid_tour_name(name).is_ok());
    let resume = |name: &str, step: u32| TourStart {
        name: name.to_string(),
        step: (step.max(1) - 1) as usize,
        fresh: false,
    };
    let start = match (url_tour, restored) {
        (_, Some((r, step))) if from_link => Some(resume(r, step)),
        (Some(u), Some((r, step))) if u == r => {
            let mut s = resume(r, step);
            if let Some(n) = url_step {
                s.step = n;
            }
            Some(s)
        }
        (Some(u), _) => Some(TourStart {
            name: u.to_string(),
            step: url_step.unwrap_or(0),
            fresh: true,
        }),
        (None, Some((r, step))) => Some(resume(r, step)),
        (None, None) => None,
    };
    (start, msg)
}

/// A block of a step's Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Heading(Vec<Inline>),
}

/// Inline Markdown: the subset tours use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Em(String),
    /// A link; `href` is `None` when its target is not `http(s)` (shown as plain text).
    Link {
        text: String,
        href: Option<String>,
    },
}

/// Only absolute `http:`/`https:` links are followed (no `javascript:`, `data:`, …).
pub fn safe_href(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    ok.then(|| u.to_string())
}

/// Inline Markdown → inlines: `` `code` ``, `**strong**`, `*em*`, `[text](url)`. Anything
/// unmatched stays literal text.
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let flush = |plain: &mut String, out: &mut Vec<Inline>| {
        if !plain.is_empty() {
            out.push(Inline::Text(std::mem::take(plain)));
        }
    };
    while let Some(c) = rest.chars().next() {
        let matched: Option<(Inline, usize)> = match c {
            '`' => {
                let ticks = rest.chars().take_while(|&x| x == '`').count();
                let fence = &rest[..ticks];
                rest[ticks..].find(fence).map(|end| {
                    let code = rest[ticks..ticks + end].trim();
                    (Inline::Code(code.to_string()), ticks + end + ticks)
                })
            }
            '*' if rest.starts_with("**") => rest[2..]
                .find("**")
                .filter(|&e| e > 0)
                .map(|e| (Inline::Strong(rest[2..2 + e].to_string()), e + 4)),
            '*' => rest[1..]
                .find('*')
                .filter(|&e| e > 0 && !rest[1..].starts_with(' '))
                .map(|e| (Inline::Em(rest[1..1 + e].to_string()), e + 2)),
            '[' => rest.find("](").and_then(|close| {
                let label = &rest[1..close];
                if label.contains('[') {
                    return None;
                }
                let after = &rest[close + 2..];
                after.find(')').map(|end| {
                    let url = &after[..end];
                    (
                        Inline::Link {
                            text: label.to_string(),
                            href: safe_href(url),
                        },
                        close + 2 + end + 1,
                    )
                })
            }),
            _ => None,
        };
        match matched {
            Some((inl, len)) => {
                flush(&mut plain, &mut out);
                out.push(inl);
                rest = &rest[len..];
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    flush(&mut plain, &mut out);
    out
}

/// Prose Markdown → blocks: paragraphs (lines joined), `-`/`*` lists, `#` headings.
pub fn markdown_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    fn end_para(para: &mut Vec<&str>, blocks: &mut Vec<Block>) {
        if !para.is_empty() {
            blocks.push(Block::Para(parse_inline(&para.join(" "))));
            para.clear();
        }
    }
    fn end_list(list: &mut Vec<String>, blocks: &mut Vec<Block>) {
        if !list.is_empty() {
            blocks.push(Block::List(list.iter().map(|i| parse_inline(i)).collect()));
            list.clear();
        }
    }
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            end_para(&mut para, &mut blocks);
            end_list(&mut list, &mut blocks);
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            end_para(&mut para, &mut blocks);
            list.push(item.trim().to_string());
        } else if line.starts_with('#') && line.trim_start_matches('#').starts_with(' ') {
            end_para(&mut para, &mut blocks);
            end_list(&mut list, &mut blocks);
            blocks.push(Block::Heading(parse_inline(
                line.trim_start_matches('#').trim(),
            )));
        } else if !list.is_empty() && raw.starts_with(' ') {
            // A continuation line of the last list item.
            if let Some(last) = list.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else {
            end_list(&mut list, &mut blocks);
            para.push(line);
        }
    }
    end_para(&mut para, &mut blocks);
    end_list(&mut list, &mut blocks);
    blocks
}

/// The accessible name of a command's button (a contract: issue 7).
pub fn run_label(command: &str) -> String {
    format!("Run: {command}")
}

// ---------------------------------------------------------------------------------------------
// Engine side

/// The tour being followed: its file name (`tours/<name>.md`) and the learner's progress.
#[derive(Clone, Debug)]
pub struct ActiveTour {
    pub name: String,
    pub progress: TourProgress,
    /// A notice for the tour panel, shown once (opening at a step stopped early).
    pub notice: Option<String>,
}

/// Tour inputs, applied on the model's tick like every other input.
#[derive(Clone, Debug, PartialEq)]
pub enum TourCmd {
    /// Follow `tour` (from `tours/<name>.md`) at `step` (0-based, clamped); `fresh`: on a new
    /// cluster with the tour's seed (a running command is interrupted first).
    Start {
        name: String,
        tour: Box<Tour>,
        step: usize,
        fresh: bool,
    },
    /// Go to a step (0-based, clamped).
    Go(usize),
    Next,
    Previous,
    /// Close the tour (the cluster stays as it is).
    Leave,
}

/// Applies a [`TourCmd`] to the engine (called by `Engine::tick`).
pub fn apply(e: &mut Engine, cmd: TourCmd, out: &mut TickOut) {
    match cmd {
        TourCmd::Start {
            name,
            tour,
            step,
            fresh,
        } => {
            if tour.steps.is_empty() {
                return;
            }
            if fresh {
                if e.session.busy() {
                    out.output.extend(e.session.poll());
                    out.output.push((Stream::Stdout, "^C\n".into()));
                    e.session.interrupt();
                    out.output.extend(e.session.poll());
                }
                e.prompt = "$ ".into();
                let seed = tour.seed.unwrap_or_else(|| e.session.seed());
                e.session
                    .with_timeline_mut(|tl| *tl = Timeline::new(Profile::default(), seed));
                out.output.push((
                    Stream::Stdout,
                    format!("Tour \"{}\": a fresh cluster (seed {seed}).\n", tour.title),
                ));
            }
            let mut progress = e
                .session
                .with_timeline(|tl| TourProgress::new(*tour, tl.cluster()));
            let mut notice = None;
            if step > 0 && fresh {
                // A docs writer's `?tour=…&step=N` on a fresh cluster: readers get the
                // cluster step N expects (the earlier steps' commands run, in virtual time).
                // A restored or shared cluster already carries its state: only the panel moves.
                let total = progress.tour().steps.len();
                out.output.push((
                    Stream::Stdout,
                    format!(
                        "Opening at step {} of {total}: running steps 1 to {step} first.\n",
                        step + 1
                    ),
                ));
                if let Err(err) = progress.fast_forward(&mut e.session, step, &mut out.output) {
                    out.output.push((Stream::Stderr, format!("{err}\n")));
                    notice = Some(err.to_string());
                }
                e.prompt = e.session.prompt().into();
            } else if step > 0 {
                e.session
                    .with_timeline(|tl| progress.go_to(step, tl.cluster()));
            }
            e.tour = Some(ActiveTour {
                name,
                progress,
                notice,
            });
        }
        TourCmd::Go(i) => with_progress(e, |p, c| p.go_to(i, c)),
        TourCmd::Next => with_progress(e, |p, c| p.next(c)),
        TourCmd::Previous => with_progress(e, |p, c| p.previous(c)),
        TourCmd::Leave => e.tour = None,
    }
    e.tour_gen += 1;
}

fn with_progress(e: &mut Engine, f: impl FnOnce(&mut TourProgress, &ordinal_model::Cluster)) {
    if let Some(t) = &mut e.tour {
        e.session
            .with_timeline(|tl| f(&mut t.progress, tl.cluster()));
    }
}

// ---------------------------------------------------------------------------------------------
// Signals

/// The step on screen (changes only when the tour or the step changes).
#[derive(Clone, Debug, PartialEq)]
pub struct StepView {
    pub name: String,
    pub tour_title: String,
    /// Markdown before the first step (shown on step 1).
    pub intro: String,
    /// 0-based.
    pub index: usize,
    pub total: usize,
    pub title: String,
    pub parts: Vec<Part>,
}

/// The step's check, as of the last evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusView {
    /// "Step 3 of 12: done" (`TourProgress::status_text`).
    pub text: String,
    /// Why not done yet ("web-1 is Pending"), or "done".
    pub detail: String,
    pub done: bool,
}

/// The tour state for a host page (embed / postMessage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourSnapshot {
    /// The tour's file name (`tours/<name>.md`).
    pub name: String,
    /// 1-based.
    pub step: usize,
    pub total: usize,
    pub done: bool,
    /// "Step 3 of 12: done".
    pub status: String,
}

#[derive(Clone, Copy)]
pub struct TourSignals {
    pub step: RwSignal<Option<StepView>>,
    pub status: RwSignal<Option<StatusView>>,
    /// A tour that could not be loaded (fetch or parse error, refused name).
    pub error: RwSignal<Option<String>>,
    /// The tour being fetched.
    pub loading: RwSignal<Option<String>>,
}

impl TourSignals {
    pub fn new() -> TourSignals {
        TourSignals {
            step: RwSignal::new(None),
            status: RwSignal::new(None),
            error: RwSignal::new(None),
            loading: RwSignal::new(None),
        }
    }
}

impl Default for TourSignals {
    fn default() -> Self {
        Self::new()
    }
}

/// Per-frame bookkeeping of [`sync`].
#[derive(Default)]
pub struct TourSync {
    gen: u64,
    rev: u64,
    key: Option<(u64, u64)>,
    last_wall: f64,
}

/// After each tick: publishes the step when it changed, and re-evaluates the check when the
/// model moved (at most every [`EVAL_MS`]) or at once after a recorded line or a step change.
pub fn sync(ui: &Ui, e: &mut Engine, s: &mut TourSync, rv: u64, now: u64, wall: f64) {
    let mut force = false;
    if e.tour_gen != s.gen {
        s.gen = e.tour_gen;
        force = true;
        ui.tour.step.set(e.tour.as_ref().map(step_view));
        if let Some(n) = e.tour.as_mut().and_then(|t| t.notice.take()) {
            ui.tour.error.set(Some(n));
        }
        if e.tour.is_none() {
            ui.tour.status.set(None);
        }
    }
    if e.tour_rev != s.rev {
        s.rev = e.tour_rev;
        force = true;
    }
    let Some(t) = e.tour.as_mut() else { return };
    let key = (rv, now);
    if !force && (s.key == Some(key) || wall - s.last_wall < EVAL_MS) {
        return;
    }
    s.key = Some(key);
    s.last_wall = wall;
    let r = t.progress.evaluate_session(&e.session);
    let v = StatusView {
        text: t.progress.status_text(),
        detail: r.detail,
        done: t.progress.is_done(t.progress.step()),
    };
    if ui
        .tour
        .status
        .with_untracked(|cur| cur.as_ref() != Some(&v))
    {
        ui.tour.status.set(Some(v));
    }
}

fn step_view(t: &ActiveTour) -> StepView {
    let p = &t.progress;
    let tour = p.tour();
    let step = p.current_step();
    StepView {
        name: t.name.clone(),
        tour_title: tour.title.clone(),
        intro: tour.intro_markdown.clone(),
        index: p.step(),
        total: tour.steps.len(),
        title: step.title.clone(),
        parts: step.parts.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Host API (for the embed / postMessage work)

/// Moves the open tour to `step_1_based` (queued: the step shows on the next frame).
/// `Err` when no tour is open or the step is out of range.
pub fn go_to_step(ui: &Ui, step_1_based: usize) -> Result<(), String> {
    let total = ui
        .tour
        .step
        .with_untracked(|s| s.as_ref().map(|s| s.total))
        .ok_or_else(|| "no tour is open".to_string())?;
    if step_1_based == 0 || step_1_based > total {
        return Err(format!(
            "step {step_1_based} is out of range: the tour has steps 1 to {total}"
        ));
    }
    ui.send(Cmd::Tour(TourCmd::Go(step_1_based - 1)));
    Ok(())
}

/// The open tour's state as of the last frame (read untracked: to react to changes, track
/// `ui.tour.step` and `ui.tour.status` in an effect and call this inside it).
pub fn tour_state(ui: &Ui) -> Option<TourSnapshot> {
    let step = ui.tour.step.get_untracked()?;
    let status = ui.tour.status.get_untracked();
    let done = status.as_ref().is_some_and(|s| s.done);
    Some(TourSnapshot {
        name: step.name,
        step: step.index + 1,
        total: step.total,
        done,
        status: status
            .map(|s| s.text)
            .unwrap_or_else(|| format!("Step {} of {}: not done yet", step.index + 1, step.total)),
    })
}

// ---------------------------------------------------------------------------------------------
// Loading

async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let resp = JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(|_| format!("{url} could not be fetched (network error)"))?;
    let resp: web_sys::Response = resp
        .dyn_into()
        .map_err(|_| format!("{url} could not be fetched"))?;
    if !resp.ok() {
        return Err(format!("{url} answered HTTP {}", resp.status()));
    }
    let promise = resp
        .text()
        .map_err(|_| format!("{url} could not be read"))?;
    let text = JsFuture::from(promise)
        .await
        .map_err(|_| format!("{url} could not be read"))?;
    text.as_string().ok_or_else(|| format!("{url} is not text"))
}

/// Fetches `tours/<name>.md`, parses it and starts it (at `step`, 0-based, clamped).
pub fn load_tour(ui: Ui, name: String, step: usize, fresh: bool) {
    if let Err(e) = valid_tour_name(&name) {
        ui.tour.error.set(Some(e));
        return;
    }
    ui.tour.error.set(None);
    ui.tour.loading.set(Some(name.clone()));
    leptos::task::spawn_local(async move {
        let url = tour_url(&name);
        let result = fetch_text(&url).await.and_then(|text| {
            if text.len() > MAX_TOUR_BYTES {
                return Err(format!(
                    "{url} is too large ({} bytes; the limit is {MAX_TOUR_BYTES})",
                    text.len()
                ));
            }
            Tour::parse(&url, &text).map_err(|e| e.to_string())
        });
        ui.tour.loading.set(None);
        match result {
            Ok(tour) => {
                let total = tour.steps.len();
                if total == 0 {
                    ui.tour.error.set(Some(format!(
                        "The tour {url} has no steps (`## ` headings)."
                    )));
                    return;
                }
                if step >= total {
                    ui.tour.error.set(Some(format!(
                        "The tour has {total} steps; step {} does not exist, so it opens at step {total}.",
                        step + 1
                    )));
                }
                ui.send(Cmd::Tour(TourCmd::Start {
                    name,
                    tour: Box::new(tour),
                    step: step.min(total - 1),
                    fresh,
                }));
            }
            Err(e) => ui
                .tour
                .error
                .set(Some(format!("The tour could not be opened: {e}"))),
        }
    });
}

/// Opens the tour the URL or the restored scenario names (see [`initial_tour`]).
pub fn init(ui: Ui, restored: Option<(String, u32)>, from_link: bool) {
    let search = window().location().search().unwrap_or_default();
    let params = tour_params(&search);
    let (start, msg) = initial_tour(
        &params,
        restored.as_ref().map(|(n, s)| (n.as_str(), *s)),
        from_link,
    );
    if let Some(s) = start {
        load_tour(ui, s.name, s.step, s.fresh);
    }
    // After `load_tour`, which clears old errors: a refused `?tour=` stays visible even
    // when the stored tour opens instead.
    if let Some(m) = msg {
        ui.tour.error.set(Some(m));
    }
}

// ---------------------------------------------------------------------------------------------
// View

fn inline_view(parts: Vec<Inline>) -> impl IntoView {
    parts
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => t.into_any(),
            Inline::Code(t) => view! { <code>{t}</code> }.into_any(),
            Inline::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
            Inline::Em(t) => view! { <em>{t}</em> }.into_any(),
            Inline::Link {
                text,
                href: Some(h),
            } => view! {
                <a href=h target="_blank" rel="noopener noreferrer">
                    {text}
                </a>
            }
            .into_any(),
            Inline::Link { text, href: None } => text.into_any(),
        })
        .collect_view()
}

fn prose_view(markdown: &str) -> impl IntoView {
    markdown_blocks(markdown)
        .into_iter()
        .map(|b| match b {
            Block::Para(i) => view! { <p>{inline_view(i)}</p> }.into_any(),
            Block::Heading(i) => view! { <h4>{inline_view(i)}</h4> }.into_any(),
            Block::List(items) => view! {
                <ul>
                    {items
                        .into_iter()
                        .map(|i| view! { <li>{inline_view(i)}</li> })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        })
        .collect_view()
}

fn part_view(ui: Ui, part: Part) -> impl IntoView {
    match part {
        Part::Prose(md) => view! { <div class="tour-prose">{prose_view(&md)}</div> }.into_any(),
        Part::Commands(cmds) => view! {
            <ul class="tour-commands">
                {cmds
                    .into_iter()
                    .map(|cmd| {
                        let line = cmd.clone();
                        view! {
                            <li class="tour-command">
                                <pre>
                                    <code>{cmd.clone()}</code>
                                </pre>
                                // The accessible name is exactly "Run: <command>" (one
                                // text run, so no spacing differs between browsers).
                                <button
                                    type="button"
                                    class="run"
                                    data-command=cmd.clone()
                                    on:click=move |_| {
                                        for l in line.split('\n') {
                                            ui.run_line(l.to_string());
                                        }
                                    }
                                >
                                    <span aria-hidden="true">"Run"</span>
                                    <span class="visually-hidden">{run_label(&cmd)}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
        Part::Output(text) => view! {
            <figure class="tour-output">
                <figcaption>"Expected output"</figcaption>
                <pre>{text}</pre>
            </figure>
        }
        .into_any(),
    }
}

/// The "Tours" control and, while a tour is open, its current step.
#[component]
pub fn TourPanel() -> impl IntoView {
    let ui = use_ui();
    let step = ui.tour.step;
    let status = ui.tour.status;
    let has_prev = move || step.with(|s| s.as_ref().is_some_and(|s| s.index > 0));
    let has_next = move || step.with(|s| s.as_ref().is_some_and(|s| s.index + 1 < s.total));
    view! {
        <section class="panel tour" aria-labelledby="tour-heading">
            <h2 id="tour-heading">"Tours"</h2>
            <div class="tour-picker" role="group" aria-labelledby="tour-heading">
                {BUILTIN_TOURS
                    .iter()
                    .map(|(name, title)| {
                        let name: &'static str = name;
                        view! {
                            <button
                                type="button"
                                aria-pressed=move || {
                                    step.with(|s| s.as_ref().is_some_and(|s| s.name == name))
                                        .to_string()
                                }
                                on:click=move |_| load_tour(ui, name.to_string(), 0, true)
                            >
                                {*title}
                            </button>
                        }
                    })
                    .collect_view()}
                <Show when=move || step.with(Option::is_some)>
                    <button type="button" on:click=move |_| ui.send(Cmd::Tour(TourCmd::Leave))>
                        "Leave tour"
                    </button>
                </Show>
            </div>
            <p class="hint tour-hint">"Starting a tour resets the cluster."</p>
            {move || {
                ui.tour
                    .loading
                    .get()
                    .map(|n| view! { <p role="status">"Loading tour " {n} "…"</p> })
            }}
            {move || {
                ui.tour
                    .error
                    .get()
                    .map(|e| view! { <p class="tour-error" role="alert">{e}</p> })
            }}
            {move || {
                step.get()
                    .map(|s| {
                        let intro = (s.index == 0 && !s.intro.trim().is_empty())
                            .then(|| view! { <div class="tour-intro">{prose_view(&s.intro)}</div> });
                        view! {
                            <article class="tour-step" aria-labelledby="tour-step-title">
                                <p class="tour-title">{s.tour_title.clone()}</p>
                                {intro}
                                <h3 id="tour-step-title">{s.title.clone()}</h3>
                                {s.parts.into_iter().map(|p| part_view(ui, p)).collect_view()}
                            </article>
                        }
                    })
            }}
            <Show when=move || step.with(Option::is_some)>
                <p class="tour-status" role="status" aria-live="polite">
                    {move || status.with(|s| s.as_ref().map(|s| s.text.clone()))}
                </p>
                <p class="tour-detail">
                    {move || {
                        status
                            .with(|s| {
                                s.as_ref()
                                    .filter(|s| !s.done)
                                    .map(|s| format!("Waiting for: {}", s.detail))
                            })
                    }}
                </p>
                <div class="tour-nav">
                    <button
                        type="button"
                        prop:disabled=move || !has_prev()
                        on:click=move |_| ui.send(Cmd::Tour(TourCmd::Previous))
                    >
                        "Previous step"
                    </button>
                    <button
                        type="button"
                        class:primary=move || status.with(|s| s.as_ref().is_some_and(|s| s.done))
                        prop:disabled=move || !has_next()
                        on:click=move |_| ui.send(Cmd::Tour(TourCmd::Next))
                    >
                        "Next step"
                    </button>
                </div>
            </Show>
        </section>
    }
}
