//! A fake host for the shell tests: a few programs, an in-memory filesystem and a virtual clock.
#![allow(dead_code)]

use ordinal_kubectl::shell::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
pub struct FakeHost {
    pub now: u64,
    pub files: BTreeMap<String, String>,
    pub dirs: BTreeSet<String>,
    pub hostname: String,
    pub spawned: Vec<String>,
}

impl FakeHost {
    pub fn new() -> FakeHost {
        let mut h = FakeHost {
            hostname: "laptop".into(),
            ..FakeHost::default()
        };
        for d in ["/", "/tmp", "/usr/share/nginx/html"] {
            h.dirs.insert(d.into());
        }
        h
    }
}

fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => path[..i].into(),
    }
}

impl Host for FakeHost {
    fn spawn(&mut self, argv: &[String], ctx: &CommandCtx) -> Option<Box<dyn Task>> {
        self.spawned.push(argv.join(" "));
        let print = |s: String| -> Option<Box<dyn Task>> {
            Some(Box::new(Print {
                stdout: s,
                stderr: String::new(),
                status: 0,
            }))
        };
        match argv[0].as_str() {
            "hostname" => print(format!("{}\n", self.hostname)),
            "env" => print(ctx.env.iter().map(|(k, v)| format!("{k}={v}\n")).collect()),
            "args" => print(
                argv[1..]
                    .iter()
                    .map(|a| format!("<{a}>"))
                    .collect::<String>()
                    + "\n",
            ),
            "fail" => Some(Box::new(Print {
                stdout: String::new(),
                stderr: "fail: failing as asked\n".into(),
                status: argv.get(1).and_then(|a| a.parse().ok()).unwrap_or(1),
            })),
            "mixed" => Some(Box::new(Mixed)),
            // `watch N`: prints a line, then one more line per virtual second, N times.
            "watch" => Some(Box::new(Watch {
                left: argv.get(1).and_then(|a| a.parse().ok()).unwrap_or(3),
                next: None,
                interrupted: false,
            })),
            // `block`: pending until interrupted (no wake-up time: waits for the model).
            "block" => Some(Box::new(Block { interrupted: false })),
            // `shell`: an interactive shell reading typed lines until `exit`.
            "shell" => Some(Box::new(Interactive {
                shell: Shell::new(Dialect::Ash),
                acc: Accumulator::new(Dialect::Ash),
                job: None,
                prompted: false,
            })),
            "kubectl" => kubectl(argv, self),
            _ => spawn_text_filter(argv, ctx),
        }
    }

    fn read_file(&mut self, path: &str) -> Result<String, String> {
        if self.dirs.contains(path) {
            return Err("Is a directory".into());
        }
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| "No such file or directory".into())
    }

    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        if self.dirs.contains(path) {
            return Err("Is a directory".into());
        }
        if !self.dirs.contains(&parent(path)) && !path.starts_with("/pods/") {
            return Err("No such file or directory".into());
        }
        let f = self.files.entry(path.into()).or_default();
        if append {
            f.push_str(data);
        } else {
            *f = data.into();
        }
        Ok(())
    }

    fn check_dir(&mut self, path: &str) -> Result<(), String> {
        if self.dirs.contains(path) {
            Ok(())
        } else if self.files.contains_key(path) {
            Err("Not a directory".into())
        } else {
            Err("No such file or directory".into())
        }
    }

    fn now_ms(&self) -> u64 {
        self.now
    }
}

struct Mixed;
impl Task for Mixed {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        io.print("out1\n");
        io.eprint("err1\n");
        io.print("out2\n");
        TaskPoll::Done(3)
    }
}

struct Watch {
    left: u32,
    next: Option<u64>,
    interrupted: bool,
}
impl Task for Watch {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            io.print("(watch stopped)\n");
            return TaskPoll::Done(130);
        }
        let now = host.now_ms();
        let next = *self.next.get_or_insert(now);
        if now >= next {
            io.print(format!("event at {now}ms\n"));
            self.left -= 1;
            if self.left == 0 {
                return TaskPoll::Done(0);
            }
            self.next = Some(next + 1000);
        }
        TaskPoll::Pending {
            wake_at_ms: self.next,
        }
    }
    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

struct Block {
    interrupted: bool,
}
impl Task for Block {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if self.interrupted {
            io.eprint("block: cleaned up\n");
            return TaskPoll::Done(1);
        }
        TaskPoll::Pending { wake_at_ms: None }
    }
    fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

/// `shell`: reads typed lines, runs them in a nested ash session, prints a `/ # ` prompt.
struct Interactive {
    shell: Shell,
    acc: Accumulator,
    job: Option<Job>,
    prompted: bool,
}
impl Task for Interactive {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        loop {
            if let Some(job) = self.job.as_mut() {
                let mut jio = TaskIo::with_input("");
                let r = job.poll(host, &mut jio);
                io.out.extend(jio.out);
                match r {
                    TaskPoll::Pending { wake_at_ms } => return TaskPoll::Pending { wake_at_ms },
                    TaskPoll::Done(_) => {
                        let job = self.job.take().expect("job");
                        self.shell.finish(job);
                        if let Some(code) = self.shell.state.exited {
                            return TaskPoll::Done(code);
                        }
                        self.prompted = false;
                    }
                }
            }
            if !self.prompted {
                io.print("/ # ");
                self.prompted = true;
            }
            let Some(nl) = io.stdin.find('\n') else {
                if io.stdin_closed {
                    return TaskPoll::Done(0);
                }
                return TaskPoll::Pending { wake_at_ms: None };
            };
            let line: String = io.stdin.drain(..=nl).collect();
            match self.acc.push_line(line.trim_end_matches('\n')) {
                Input::Complete(s) => {
                    self.job = Some(self.shell.start(&s));
                }
                Input::Incomplete(_) => {}
                Input::Error(e) => {
                    io.eprint(e);
                    self.prompted = false;
                }
            }
        }
    }
    fn wants_input(&self) -> bool {
        self.job.is_none()
    }
}

/// A fake kubectl: `kubectl exec POD [-i] [-t] -- CMD…` runs CMD in a container host whose
/// hostname is POD (`sh -c` uses the same interpreter with the dash dialect);
/// `kubectl apply -f -` reads stdin.
fn kubectl(argv: &[String], host: &FakeHost) -> Option<Box<dyn Task>> {
    let args = &argv[1..];
    match args.first().map(String::as_str) {
        Some("exec") => {
            let dash = args.iter().position(|a| a == "--")?;
            let pod = args[1..dash]
                .iter()
                .find(|a| !a.starts_with('-'))
                .cloned()
                .unwrap_or_default();
            let cmd: Vec<String> = args[dash + 1..].to_vec();
            let mut container = FakeHost::new();
            container.hostname = pod.clone();
            container.files = host
                .files
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix(&format!("/pods/{pod}"))
                        .map(|k| (k.to_string(), v.clone()))
                })
                .collect();
            Some(Box::new(Exec {
                pod,
                cmd,
                container,
                job: None,
            }))
        }
        Some("apply") => Some(Box::new(Apply)),
        _ => Some(Box::new(Print {
            stdout: String::new(),
            stderr: format!(
                "error: unknown command \"{}\" for \"kubectl\"\n",
                args.first().cloned().unwrap_or_default()
            ),
            status: 1,
        })),
    }
}

struct Exec {
    pod: String,
    cmd: Vec<String>,
    container: FakeHost,
    job: Option<Box<dyn Task>>,
}
impl Task for Exec {
    fn poll(&mut self, host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        self.container.now = host.now_ms();
        if self.job.is_none() {
            let t: Box<dyn Task> = if self.cmd.len() == 3
                && self.cmd[0] == "sh"
                && self.cmd[1] == "-c"
            {
                match parse(&self.cmd[2]) {
                    Ok(s) => {
                        let mut st = ShellState::new(Dialect::Dash);
                        st.export("HOSTNAME", &self.pod);
                        Box::new(Job::new(&s, st))
                    }
                    Err(e) => Box::new(Print {
                        stdout: String::new(),
                        stderr: e.message(Dialect::Dash),
                        status: 2,
                    }),
                }
            } else {
                match self.container.spawn(&self.cmd, &CommandCtx::default()) {
                    Some(t) => t,
                    None => Box::new(Print {
                        stdout: String::new(),
                        stderr: format!(
                            "error: Internal error occurred: exec: \"{}\": executable file not found in $PATH\n",
                            self.cmd[0]
                        ),
                        status: 1,
                    }),
                }
            };
            self.job = Some(t);
        }
        let r = self
            .job
            .as_mut()
            .expect("job")
            .poll(&mut self.container, io);
        if let TaskPoll::Done(_) = r {
            // Copy the container's files back under /pods/POD in the outer host (via write_file).
            for (k, v) in &self.container.files {
                let _ = host.write_file(&format!("/pods/{}{}", self.pod, k), v, false);
            }
        }
        r
    }
}

struct Apply;
impl Task for Apply {
    fn poll(&mut self, _: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        if !io.stdin_closed {
            return TaskPoll::Pending { wake_at_ms: None };
        }
        let input = std::mem::take(&mut io.stdin);
        for l in input.lines().filter(|l| l.starts_with("kind:")) {
            io.print(format!(
                "{} configured\n",
                l.trim_start_matches("kind:").trim().to_lowercase()
            ));
        }
        TaskPoll::Done(0)
    }
}

/// Runs `src` in a fresh bash session; returns the transcript: stdout as is, stderr chunks
/// prefixed with `!` on each line, the final `[exit N]`, and the virtual time if it moved.
pub fn run(src: &str) -> String {
    let mut host = FakeHost::new();
    let mut shell = Shell::new(Dialect::Bash);
    run_in(&mut shell, &mut host, src)
}

pub fn run_in(shell: &mut Shell, host: &mut FakeHost, src: &str) -> String {
    let script = match parse(src) {
        Ok(s) => s,
        Err(e) => return format!("{}[exit 2]\n", mark_err(&e.message(Dialect::Bash))),
    };
    let start = host.now;
    let mut job = shell.start(&script);
    let mut io = TaskIo::with_input("");
    let mut text = String::new();
    let mut polls = 0;
    let code = loop {
        polls += 1;
        assert!(polls < 1_000_000, "driver loop");
        let r = job.poll(host, &mut io);
        for (s, t) in io.take_out() {
            match s {
                Stream::Stdout => text.push_str(&t),
                Stream::Stderr => text.push_str(&mark_err(&t)),
            }
        }
        match r {
            TaskPoll::Done(c) => break c,
            TaskPoll::Pending {
                wake_at_ms: Some(t),
            } => host.now = host.now.max(t),
            TaskPoll::Pending { wake_at_ms: None } => host.now += 1000,
        }
    };
    shell.finish(job);
    if host.now != start {
        text.push_str(&format!("[exit {code}, {}ms]\n", host.now - start));
    } else {
        text.push_str(&format!("[exit {code}]\n"));
    }
    text
}

pub fn mark_err(t: &str) -> String {
    t.split_inclusive('\n').map(|l| format!("!{l}")).collect()
}
