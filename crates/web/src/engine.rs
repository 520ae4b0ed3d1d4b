//! The engine: the kubectl `Session` (which owns the model's `Timeline`), the queue of user
//! inputs, and the tick that applies them and moves virtual time.
//!
//! Architecture Invariant: event handlers never touch the model; they push a [`Cmd`], and the
//! next animation frame applies it (`Engine::tick`).

use std::collections::VecDeque;

use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::shell::Stream;
use ordinal_kubectl::{Session, Submit};
use ordinal_model::{Profile, Scenario, Time, Timeline};

/// Playback speeds offered by the Speed slider (value = index); the last is "as fast as possible".
pub const SPEEDS: [f64; 8] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, f64::INFINITY];
pub const DEFAULT_SPEED: usize = 2;
/// The longest wall-clock gap one frame accounts for (a backgrounded tab does not jump ahead).
const MAX_FRAME_MS: f64 = 100.0;
/// "As fast as possible": virtual time per frame is capped by this much work (wall ms).
const FAST_BUDGET_MS: f64 = 6.0;
/// The most virtual ms one "as fast as possible" frame moves.
const FAST_MAX_VIRTUAL_MS: u64 = 60_000;
/// Model work per frame at a fixed speed before the rest carries over (wall ms).
const FRAME_BUDGET_MS: f64 = 4.0;
/// Virtual ms advanced per slice at a fixed speed.
const SLICE_MS: f64 = 50.0;
/// Model timers (controller syncs) run between two checks of the frame budget.
const HANDLES_PER_BUDGET_CHECK: usize = 1;
/// Wall ms over which the speed the model kept up with is measured ([`Engine::lagging`]).
const LAG_WINDOW_MS: f64 = 1_000.0;
/// Below this share of the chosen speed, the page says the cluster runs slower.
const LAG_SHARE: f64 = 0.75;
/// How far "Step" searches for the next change (virtual ms).
const STEP_LIMIT_MS: u64 = 600_000;

/// What the playback bar says while the model runs slower than the chosen speed.
pub fn lag_label(kept_up: f64) -> String {
    let x = if kept_up >= 1.0 {
        format!("{kept_up:.0}")
    } else {
        format!("{kept_up:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    format!("busy cluster: running at {x}×")
}

pub fn speed_label(index: usize) -> String {
    let s = SPEEDS[index.min(SPEEDS.len() - 1)];
    if s.is_infinite() {
        "as fast as possible".into()
    } else {
        format!("{s}×")
    }
}

/// A user input, applied on the next tick.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// One line typed or pasted into the terminal (also a tour's Run button, the embed API).
    Line(String),
    /// A command from one of the page's controls (a pod's or node's fault, Lose volume, Apply,
    /// Reset). With the terminal idle it runs there, as if typed; while the terminal runs a
    /// command (a watch, a pod shell) or collects a multi-line one, it runs at once in the
    /// second terminal instead of being typed into that command: the tutorial's "in a second
    /// terminal", and a click that acts when clicked.
    Control(String),
    /// Ctrl-C.
    Interrupt,
    /// One line typed into the second terminal.
    SideLine(String),
    /// Ctrl-C in the second terminal.
    SideInterrupt,
    /// Seek the timeline to this virtual time (ms since the epoch).
    Seek(u64),
    Step,
    StepBack,
    /// An editor buffer changed (name, text).
    WriteFile(String, String),
    /// The editor's Apply on a file `kubectl edit` waits on (name, text): saves it for that edit.
    SaveEdit(String, String),
    /// Start, move through or leave a guided tour (`tour_panel`).
    Tour(crate::tour_panel::TourCmd),
}

/// What one tick produced for the terminal.
#[derive(Default)]
pub struct TickOut {
    pub output: Vec<(Stream, String)>,
    /// What the second terminal printed (see [`Cmd::Control`]).
    pub side: Vec<(Stream, String)>,
}

/// Most control commands waiting for the second terminal (it runs one at a time).
const SIDE_QUEUE_CAP: usize = 32;

pub struct Engine {
    pub session: Session,
    pub queue: VecDeque<Cmd>,
    pub running: bool,
    pub speed: usize,
    /// Virtual ms not yet applied (fractions of a ms at slow speeds).
    carry: f64,
    /// (wall ms, virtual ms moved) in the current measuring window at a fixed speed.
    window: (f64, u64),
    /// The speed the model actually ran at over the last window, when it fell well short of
    /// the chosen one (the frame budget left virtual time behind: 1 000 pods at 16×).
    pub lagging: Option<f64>,
    /// The prompt for the next line (`$ `, or `> ` while a command continues).
    pub prompt: String,
    /// The guided tour being followed, if any: every submitted line is recorded in it.
    pub tour: Option<crate::tour_panel::ActiveTour>,
    /// Bumped when the tour or its step changes (the panel re-renders the step).
    pub tour_gen: u64,
    /// Bumped when a line is recorded for the tour (its check is re-evaluated at once).
    pub tour_rev: u64,
    /// The second terminal: a shell over the same cluster for controls used while the
    /// terminal is busy (built on first use).
    side: Option<Session>,
    /// Control commands waiting for the second terminal, oldest first.
    side_queue: VecDeque<String>,
}

impl Engine {
    pub fn new(seed: u64, files: &[(String, String)]) -> Engine {
        Engine::over(Timeline::new(Profile::default(), seed), files)
    }

    /// The engine for a restored scenario: its input log replayed, positioned where the viewer
    /// was (one cluster built, not a fresh one first).
    pub fn restored(s: &Scenario, files: &[(String, String)]) -> Engine {
        let at = s.at_ms.map(Time);
        let mut timeline = Timeline::from_inputs(s.profile(), s.seed, s.inputs.clone(), at);
        if let Some(t) = at {
            timeline.seek(t);
        }
        Engine::over(timeline, files)
    }

    fn over(timeline: Timeline, files: &[(String, String)]) -> Engine {
        let mut mem = MemFiles::new();
        for (n, t) in files {
            mem.insert(n, t);
        }
        let mut session = Session::over_timeline(timeline, Box::new(mem), false);
        // `kubectl edit` opens objects in the page's editor.
        session.enable_editor();
        Engine {
            session,
            queue: VecDeque::new(),
            running: true,
            speed: DEFAULT_SPEED,
            carry: 0.0,
            window: (0.0, 0),
            lagging: None,
            prompt: "$ ".into(),
            tour: None,
            tour_gen: 0,
            tour_rev: 0,
            side: None,
            side_queue: VecDeque::new(),
        }
    }

    pub fn scenario(&self, files: &[(String, String)]) -> Scenario {
        self.session.with_timeline(|tl| {
            let workers = tl.profile().workers().count().min(100) as u8;
            let mut s = Scenario::new(workers, tl.seed());
            s.inputs = tl.inputs().to_vec();
            s.at_ms = Some(tl.now().ms());
            s.speed = Some(SPEEDS[self.speed.min(SPEEDS.len() - 2)]);
            s.files = ordinal_model::vecmap::VecMap::from_iter(files.iter().cloned());
            if let Some(t) = &self.tour {
                s.tour = Some(t.name.clone());
                s.step = Some(t.progress.step() as u32 + 1);
            }
            s
        })
    }

    pub fn now(&self) -> Time {
        self.session.now()
    }

    /// Applies queued inputs, then moves virtual time by `wall_ms` × speed (when running).
    pub fn tick(&mut self, wall_ms: f64, perf_now: &dyn Fn() -> f64) -> TickOut {
        let mut out = TickOut::default();
        while let Some(cmd) = self.queue.pop_front() {
            self.apply(cmd, &mut out);
        }
        let speed = SPEEDS[self.speed.min(SPEEDS.len() - 1)];
        if !self.running || speed.is_infinite() {
            self.window = (0.0, 0);
            self.lagging = None;
        }
        if self.running {
            if speed.is_infinite() {
                let started = perf_now();
                let limit = self.now().ms() + FAST_MAX_VIRTUAL_MS;
                while perf_now() - started < FAST_BUDGET_MS && self.now().ms() < limit {
                    let now = self.now().ms();
                    self.session
                        .advance_ms_bounded(limit - now, HANDLES_PER_BUDGET_CHECK);
                }
            } else {
                // Virtual time follows wall × speed in slices; when the model needs more than
                // the frame budget, the rest carries to the next frame (virtual time lags
                // rather than the page stalling), bounded so it never snowballs.
                self.carry += wall_ms.clamp(0.0, MAX_FRAME_MS) * speed;
                self.carry = self.carry.min(MAX_FRAME_MS * speed * 4.0);
                let started = perf_now();
                // The budget is checked every few model timers, not once per slice: one slice
                // can hold hundreds of them (200 pods created at once), and a slice cut short
                // resumes exactly where it stopped on the next frame.
                while self.carry >= 1.0 && perf_now() - started < FRAME_BUDGET_MS {
                    let slice = self.carry.floor().min(SLICE_MS);
                    let moved = self
                        .session
                        .advance_ms_bounded(slice as u64, HANDLES_PER_BUDGET_CHECK);
                    self.carry -= moved as f64;
                    self.window.1 += moved;
                }
                self.window.0 += wall_ms.clamp(0.0, MAX_FRAME_MS);
                if self.window.0 >= LAG_WINDOW_MS {
                    let kept_up = self.window.1 as f64 / self.window.0;
                    self.lagging = (kept_up < speed * LAG_SHARE).then_some(kept_up);
                    self.window = (0.0, 0);
                }
            }
        }
        out.output.extend(self.session.poll());
        self.pump_side(&mut out);
        out
    }

    /// Is a command running, or a control waiting, in the second terminal?
    pub fn side_busy(&self) -> bool {
        !self.side_queue.is_empty() || self.side.as_ref().is_some_and(Session::busy)
    }

    /// The second terminal's prompt: `$ `, `> ` while a command continues, empty while busy.
    pub fn side_prompt(&self) -> &'static str {
        self.side.as_ref().map_or("$ ", Session::prompt)
    }

    /// Is a command running in the second terminal?
    pub fn side_running(&self) -> bool {
        self.side.as_ref().is_some_and(Session::busy)
    }

    /// Does the second terminal's running command read typed lines (a pod's shell)?
    pub fn side_wants_input(&self) -> bool {
        self.side.as_ref().is_some_and(Session::wants_input)
    }

    /// The second terminal's shell, built on first use.
    fn side_session(&mut self) -> &mut Session {
        let (world, seed) = (self.session.world().clone(), self.session.seed());
        self.side
            .get_or_insert_with(|| Session::sharing(world, seed))
    }

    /// Runs the second terminal: its output, then its next command once the last one is done.
    fn pump_side(&mut self, out: &mut TickOut) {
        loop {
            if let Some(side) = &mut self.side {
                // Time moved under it this tick (the terminal's session advances the world).
                side.poll_job_now();
                out.side.extend(side.poll());
                // A command typed there, running or half-typed, goes first.
                if side.busy() || side.continuing() {
                    return;
                }
            }
            let Some(line) = self.side_queue.pop_front() else {
                return;
            };
            let side = self.side_session();
            out.side.push((Stream::Stdout, format!("$ {line}\n")));
            side.submit(&line);
        }
    }

    fn apply(&mut self, cmd: Cmd, out: &mut TickOut) {
        match cmd {
            Cmd::Line(line) => {
                if !self.session.busy() {
                    // Echo in order with any output already produced.
                    out.output.extend(self.session.poll());
                    out.output
                        .push((Stream::Stdout, format!("{}{line}\n", self.prompt)));
                } else {
                    out.output.extend(self.session.poll());
                    out.output.push((Stream::Stdout, format!("{line}\n")));
                }
                // A tour records the line just as a Run button's (the same path).
                let submitted = match &mut self.tour {
                    Some(t) => {
                        self.tour_rev += 1;
                        t.progress.submit(&mut self.session, &line)
                    }
                    None => self.session.submit(&line),
                };
                match submitted {
                    Submit::NeedMore(p) => self.prompt = p,
                    _ => self.prompt = "$ ".into(),
                }
            }
            Cmd::Control(line) => {
                if self.session.busy() || self.session.continuing() || self.side_busy() {
                    if self.side_queue.len() < SIDE_QUEUE_CAP {
                        self.side_queue.push_back(line);
                    }
                } else {
                    self.apply(Cmd::Line(line), out);
                }
            }
            Cmd::SideLine(line) => {
                let side = self.side_session();
                out.side.extend(side.poll());
                let echo = format!("{}{line}\n", side.prompt());
                out.side.push((Stream::Stdout, echo));
                side.submit(&line);
            }
            Cmd::SideInterrupt => {
                let side = self.side_session();
                out.side.extend(side.poll());
                out.side.push((Stream::Stdout, "^C\n".into()));
                side.interrupt();
            }
            Cmd::Interrupt => {
                out.output.extend(self.session.poll());
                out.output.push((Stream::Stdout, "^C\n".into()));
                self.session.interrupt();
                self.prompt = "$ ".into();
            }
            Cmd::Seek(t) => self.session.with_timeline_mut(|tl| tl.seek(Time(t))),
            Cmd::Step => {
                self.running = false;
                self.step();
            }
            Cmd::StepBack => {
                self.running = false;
                let (times, now, start) = self.session.with_timeline(|tl| {
                    (
                        crate::vm::event_times(tl.cluster()),
                        tl.now().ms(),
                        tl.start().ms(),
                    )
                });
                let target = crate::vm::step_back_target(&times, now, start);
                self.session.with_timeline_mut(|tl| tl.seek(Time(target)));
            }
            Cmd::WriteFile(name, text) => {
                let world = self.session.world().clone();
                let _ = world.borrow_mut().files.write(&name, "", &text, false);
            }
            Cmd::SaveEdit(name, text) => {
                self.session.save_edit(&name, &text);
            }
            Cmd::Tour(cmd) => crate::tour_panel::apply(self, cmd, out),
        }
    }

    /// Advances to the next instant at which the cluster visibly changes.
    fn step(&mut self) {
        let rv0 = self
            .session
            .with_timeline(|tl| tl.cluster().api.resource_version());
        let limit = self.now().ms() + STEP_LIMIT_MS;
        for _ in 0..10_000 {
            let now = self.now().ms();
            let next = self
                .session
                .with_timeline(|tl| tl.cluster().next_wake())
                .map(|t| t.ms())
                .filter(|t| *t > now);
            let Some(next) = next.filter(|t| *t <= limit) else {
                break;
            };
            self.session.advance_ms(next - now);
            let rv = self
                .session
                .with_timeline(|tl| tl.cluster().api.resource_version());
            if rv != rv0 {
                break;
            }
        }
    }
}
