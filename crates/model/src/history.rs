//! The timeline: a cluster plus checkpoints, so the UI can scrub to any virtual time and fork.
//!
//! The model is a pure function of (profile, seed, input log), so seeking to `t` is: restore
//! the newest checkpoint at or before `t`, then replay the inputs after it up to `t`. Acting
//! while positioned in the past forks: inputs after the current time are dropped first.

use crate::cluster::{Cluster, InputResult};
use crate::exec::{ExecError, ExecFileError, ExecOptions, ExecOutput, ExecTarget};
use crate::input::{Input, TimedInput};
use crate::profile::Profile;
use crate::time::Time;

/// Virtual time between checkpoints.
pub const CHECKPOINT_INTERVAL_MS: u64 = 20_000;
/// Most checkpoints kept; beyond it every other one is dropped (older history gets sparser).
pub const MAX_CHECKPOINTS: usize = 128;

#[derive(Debug, Clone)]
pub struct Timeline {
    profile: Profile,
    seed: u64,
    /// The live cluster at the viewer's position.
    current: Cluster,
    /// The full input log of the timeline (the current cluster may be behind its end).
    inputs: Vec<TimedInput>,
    /// (time, cluster) snapshots, increasing in time; the first is the fresh cluster.
    checkpoints: Vec<(Time, Cluster)>,
    /// The newest time ever reached: the end of the timeline.
    end: Time,
}

impl Timeline {
    pub fn new(profile: Profile, seed: u64) -> Timeline {
        let current = Cluster::new(profile.clone(), seed);
        let now = current.now();
        Timeline {
            profile,
            seed,
            checkpoints: vec![(now, current.clone())],
            current,
            inputs: Vec::new(),
            end: now,
        }
    }

    pub fn cluster(&self) -> &Cluster {
        &self.current
    }

    pub fn start(&self) -> Time {
        self.checkpoints[0].0
    }

    pub fn end(&self) -> Time {
        self.end
    }

    pub fn now(&self) -> Time {
        self.current.now()
    }

    pub fn inputs(&self) -> &[TimedInput] {
        &self.inputs
    }

    /// True when the viewer is positioned before the end of the timeline.
    pub fn in_past(&self) -> bool {
        self.current.now() < self.end
    }

    /// Moves the live cluster forward to `t`, replaying recorded inputs on the way (they
    /// exist when the viewer is in the past) and taking checkpoints.
    pub fn advance_to(&mut self, t: Time) {
        let from = self.current.now();
        if t <= from {
            self.finish_instant();
            return;
        }
        let pending: Vec<TimedInput> = self
            .inputs
            .iter()
            .filter(|ti| ti.at_ms > from.ms() && ti.at_ms <= t.ms())
            .cloned()
            .collect();
        for ti in pending {
            // Same-instant inputs were applied back to back (see `Cluster::replay`).
            if Time(ti.at_ms) > self.current.now() {
                self.run_with_checkpoints(Time(ti.at_ms));
            }
            let _ = self.current.apply(ti.input);
        }
        self.run_with_checkpoints(t);
        self.end = self.end.max(t);
    }

    /// [`Timeline::advance_to`] in bounded pieces: runs at most `max_handles` timers per leg
    /// (a leg ends at a checkpoint, a recorded input or `t`) and returns false when it stopped
    /// short of `t`, with the clock at the last timer run. Calling it again continues exactly
    /// where it stopped, so the history is the one `advance_to(t)` makes; the page uses it to
    /// check its frame budget every few timers instead of once per slice.
    pub fn advance_bounded(&mut self, t: Time, max_handles: usize) -> bool {
        if t < self.current.now() {
            return true;
        }
        loop {
            let now = self.current.now();
            let next_input = self
                .inputs
                .iter()
                .map(|ti| ti.at_ms)
                .filter(|at| *at > now.ms() && *at <= t.ms())
                .min()
                .map(Time);
            let last = self.checkpoints.last().map_or(self.start(), |(at, _)| *at);
            let next_checkpoint = Some(last.plus_ms(CHECKPOINT_INTERVAL_MS)).filter(|c| *c <= t);
            let stop = [next_input, next_checkpoint]
                .into_iter()
                .flatten()
                .fold(t, Time::min);
            if !self.current.run_until_bounded(stop, max_handles) {
                self.end = self.end.max(self.current.now());
                return false;
            }
            // The same order as `advance_to`: a checkpoint at an input's instant is taken
            // before the input (it holds the state before the inputs of its instant).
            if next_checkpoint == Some(stop) {
                self.push_checkpoint();
            }
            if next_input == Some(stop) {
                let same_instant: Vec<Input> = self
                    .inputs
                    .iter()
                    .filter(|ti| ti.at_ms == stop.ms())
                    .map(|ti| ti.input.clone())
                    .collect();
                for input in same_instant {
                    let _ = self.current.apply(input);
                }
            }
            if stop == t {
                break;
            }
        }
        self.end = self.end.max(t);
        true
    }

    /// Runs the timers left at the current instant by a stopped [`Timeline::advance_bounded`]
    /// (none otherwise: timers are always scheduled strictly after the instant that sets them).
    fn finish_instant(&mut self) {
        let now = self.current.now();
        if self.current.next_wake().is_some_and(|at| at <= now) {
            self.current.run_until(now);
        }
    }

    fn run_with_checkpoints(&mut self, t: Time) {
        loop {
            let last = self.checkpoints.last().map_or(self.start(), |(at, _)| *at);
            let next = last.plus_ms(CHECKPOINT_INTERVAL_MS);
            if next > t {
                break;
            }
            self.current.run_until(next);
            self.push_checkpoint();
        }
        self.current.run_until(t);
    }

    fn push_checkpoint(&mut self) {
        let now = self.current.now();
        if self.checkpoints.last().is_some_and(|(at, _)| *at >= now) {
            debug_assert!(false, "checkpoints are taken in increasing time");
            return;
        }
        self.checkpoints.push((now, self.current.clone()));
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep the first and thin the rest: history stays seekable, memory stays bounded.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i == 1 || i % 2 == 0
            });
        }
    }

    /// Positions the live cluster at `t` (clamped to the timeline), backwards or forwards.
    pub fn seek(&mut self, t: Time) {
        let t = t.clamp(self.start(), self.end);
        if t >= self.current.now() {
            self.advance_to(t);
            return;
        }
        let idx = self
            .checkpoints
            .partition_point(|(at, _)| *at <= t)
            .saturating_sub(1);
        self.current = self.checkpoints[idx].1.clone();
        // A checkpoint holds the state *before* the inputs of its own instant (it is taken
        // on the way to them, or before anything at the start): apply those first.
        let at = self.current.now().ms();
        let same_instant: Vec<Input> = self
            .inputs
            .iter()
            .filter(|ti| ti.at_ms == at)
            .map(|ti| ti.input.clone())
            .collect();
        for input in same_instant {
            let _ = self.current.apply(input);
        }
        let end = self.end;
        self.advance_to(t);
        self.end = end;
    }

    /// Applies an input at the current time. In the past, this forks: the recorded future is
    /// dropped (inputs and checkpoints after now), then the input is appended.
    pub fn apply(&mut self, input: Input) -> InputResult {
        self.fork_here();
        let now = self.current.now();
        self.inputs.push(TimedInput {
            at_ms: now.ms(),
            input: input.clone(),
        });
        self.current.apply(input)
    }

    /// Acting in the past: drops the recorded future (inputs and checkpoints after now).
    fn fork_here(&mut self) {
        // An input lands after every timer of its instant (as replay applies it).
        self.finish_instant();
        let now = self.current.now();
        if self.in_past() {
            self.inputs.retain(|ti| ti.at_ms <= now.ms());
            self.checkpoints.retain(|(at, _)| *at <= now);
            self.end = now;
        }
    }

    /// Copies the inputs the live cluster recorded since it had `before` of them into the
    /// timeline's log (exec inputs are recorded by the cluster itself).
    fn adopt_inputs(&mut self, before: usize) {
        let new: Vec<TimedInput> =
            self.current.inputs()[before.min(self.current.inputs().len())..].to_vec();
        self.inputs.extend(new);
    }

    /// [`Cluster::exec_with`] at the current time, recorded in the timeline (forks in the
    /// past), so seeking and replay reproduce what the program changed.
    pub fn exec(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        argv: Vec<String>,
        stdin: String,
        options: ExecOptions,
    ) -> Result<ExecOutput, ExecError> {
        self.fork_here();
        let before = self.current.inputs().len();
        let r = self
            .current
            .exec_with(namespace, pod, container, argv, stdin, options);
        self.adopt_inputs(before);
        r
    }

    /// [`Cluster::exec_write_file`] (a shell's `>`/`>>` in a container), recorded like
    /// [`Timeline::exec`].
    pub fn exec_write_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        path: &str,
        data: &str,
        append: bool,
    ) -> Result<(), ExecFileError> {
        self.fork_here();
        let before = self.current.inputs().len();
        let r = self
            .current
            .exec_write_file(namespace, pod, container, path, data, append);
        self.adopt_inputs(before);
        r
    }

    /// [`Cluster::exec_read_file`] (a shell's `<`): reads only, records nothing.
    pub fn exec_read_file(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        path: &str,
    ) -> Result<String, ExecFileError> {
        self.current.exec_read_file(namespace, pod, container, path)
    }

    /// [`Cluster::exec_target`]: the container an exec would run in (records nothing).
    pub fn exec_target(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
    ) -> Result<ExecTarget, ExecError> {
        self.current.exec_target(namespace, pod, container)
    }

    /// Rebuilds a timeline from a recorded input log, positioned at its end.
    pub fn from_inputs(
        profile: Profile,
        seed: u64,
        inputs: Vec<TimedInput>,
        end: Option<Time>,
    ) -> Timeline {
        let mut tl = Timeline::new(profile, seed);
        // `advance_to` replays inputs *after* the current instant: the ones made at the very
        // start (before any time passed) are applied here, as the live timeline did.
        let start = tl.now().ms();
        for ti in inputs.iter().filter(|ti| ti.at_ms <= start) {
            let _ = tl.current.apply(ti.input.clone());
        }
        let last = inputs.last().map(|ti| Time(ti.at_ms));
        tl.inputs = inputs;
        tl.end = tl
            .end
            .max(last.unwrap_or(tl.end))
            .max(end.unwrap_or(tl.end));
        let target = tl.end;
        tl.advance_to(target);
        tl
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }
}
