//! kubectl v1.34 over the model: one module per command family. Every command is a [`Task`]:
//! immediate ones finish on their first poll; blocking ones (`get -w`, `rollout status`,
//! `wait`, `delete --wait`, `exec`/`run` with a shell in the pod) return `Pending` with the
//! virtual instant they next need.

pub mod apply;
pub mod args;
pub mod container;
pub mod delete;
pub mod edit;
pub mod edit_command;
pub mod exec;
pub mod get;
pub mod misc;
pub mod resource;
pub mod rollout;
pub mod template;

use crate::session::{World, WorldRef};
use crate::shell::{CommandCtx, Host, Stream, Task, TaskIo, TaskPoll};
use args::{FlagSpec, Parsed};
use ordinal_model::api::{ApiError, StatusReason};

/// A command that runs to completion on its first poll.
pub struct Immediate {
    world: WorldRef,
    #[allow(clippy::type_complexity)]
    run: Option<Box<dyn FnOnce(&mut World, &mut TaskIo, &CommandCtx) -> i32>>,
    ctx: CommandCtx,
}

impl Task for Immediate {
    fn poll(&mut self, _host: &mut dyn Host, io: &mut TaskIo) -> TaskPoll {
        match self.run.take() {
            Some(f) => {
                let mut w = self.world.borrow_mut();
                TaskPoll::Done(f(&mut w, io, &self.ctx))
            }
            None => TaskPoll::Done(0),
        }
    }
}

/// Output decided before running (errors of argument parsing).
pub fn done_with(stderr: String, code: i32) -> Box<dyn Task> {
    Box::new(crate::shell::Print {
        stdout: String::new(),
        stderr,
        status: code,
    })
}

pub fn immediate(
    world: &WorldRef,
    ctx: &CommandCtx,
    f: impl FnOnce(&mut World, &mut TaskIo, &CommandCtx) -> i32 + 'static,
) -> Box<dyn Task> {
    Box::new(Immediate {
        world: world.clone(),
        run: Some(Box::new(f)),
        ctx: ctx.clone(),
    })
}

/// `error: <msg>\nSee 'kubectl <cmd> --help' for usage.` (pflag errors, exit 1).
pub fn flag_error(cmd: &str, msg: &str) -> String {
    format!("error: {msg}\nSee 'kubectl {cmd} --help' for usage.\n")
}

/// `error: <msg>\nSee 'kubectl <cmd> -h' for help and examples` (cmdutil.UsageErrorf).
pub fn usage_error(cmd: &str, msg: &str) -> String {
    format!("error: {msg}\nSee 'kubectl {cmd} -h' for help and examples\n")
}

/// How kubectl prints an API error (`cmdutil.CheckErr` / `StandardErrorMessage`).
/// `context`: `error when creating "web.yaml"` and the like, for non-Invalid errors.
pub fn api_error_text(e: &ApiError, context: Option<&str>) -> String {
    match e.reason {
        StatusReason::Invalid => {
            let kind = e.kind.map(|k| k.name().to_string()).unwrap_or_default();
            let causes: Vec<String> = e.causes.iter().map(ToString::to_string).collect();
            if causes.len() == 1 {
                format!("The {kind} \"{}\" is invalid: {}\n", e.name, causes[0])
            } else if causes.is_empty() {
                format!("The {kind} \"{}\" is invalid\n", e.name)
            } else {
                let mut s = format!("The {kind} \"{}\" is invalid: \n", e.name);
                for c in causes {
                    s.push_str(&format!("* {c}\n"));
                }
                s
            }
        }
        r => {
            let msg = match context {
                Some(c) => format!("{c}: {}", e.message),
                None => e.message.clone(),
            };
            format!("Error from server ({}): {msg}\n", r.as_str())
        }
    }
}

/// The namespace a command acts in (`-n` or `default`).
pub fn namespace(p: &Parsed) -> String {
    p.namespace()
        .filter(|n| !n.is_empty())
        .unwrap_or("default")
        .to_string()
}

type Spawner = fn(&WorldRef, &[String], &CommandCtx) -> Box<dyn Task>;

/// Top-level commands: name, spawner.
const COMMANDS: &[(&str, Spawner)] = &[
    ("get", get::spawn),
    ("apply", apply::spawn_apply),
    ("create", apply::spawn_create),
    ("delete", delete::spawn),
    ("scale", edit::spawn_scale),
    ("patch", edit::spawn_patch),
    ("label", edit::spawn_label),
    ("annotate", edit::spawn_annotate),
    ("set", edit::spawn_set),
    ("edit", edit_command::spawn_edit),
    ("exec", exec::spawn_exec),
    ("run", exec::spawn_run),
    ("logs", exec::spawn_logs),
    ("rollout", rollout::spawn_rollout),
    ("wait", rollout::spawn_wait),
    ("describe", misc::spawn_describe),
    ("events", misc::spawn_events),
    ("api-resources", misc::spawn_api_resources),
    ("version", misc::spawn_version),
    ("cluster-info", misc::spawn_cluster_info),
];

/// Known kubectl commands this simulator does not implement (a clear message, not `unknown`).
const UNSUPPORTED: &[&str] = &[
    "expose",
    "autoscale",
    "port-forward",
    "proxy",
    "cp",
    "attach",
    "auth",
    "debug",
    "diff",
    "kustomize",
    "replace",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "certificate",
    "explain",
    "config",
    "plugin",
    "completion",
    "api-versions",
    "alpha",
];

/// Global flags that may precede the command word (`kubectl -n foo get pods`).
fn split_command(argv: &[String]) -> Result<(Option<usize>, Vec<String>), String> {
    let mut i = 1;
    let mut pre = Vec::new();
    while i < argv.len() {
        let a = &argv[i];
        if !a.starts_with('-') || a == "-" {
            return Ok((Some(i), pre));
        }
        if a == "--" {
            return Ok((None, pre));
        }
        let takes_value = |name: &str| {
            args::GLOBAL
                .iter()
                .any(|f| f.long == name && f.kind == args::FlagKind::Value)
        };
        let takes_short = |c: char| {
            args::GLOBAL
                .iter()
                .any(|f| f.short == Some(c) && f.kind == args::FlagKind::Value)
        };
        pre.push(a.clone());
        if let Some(long) = a.strip_prefix("--") {
            if !long.contains('=') && takes_value(long) && i + 1 < argv.len() {
                pre.push(argv[i + 1].clone());
                i += 1;
            }
        } else if a.len() == 2 && takes_short(a.chars().nth(1).unwrap_or(' ')) && i + 1 < argv.len()
        {
            pre.push(argv[i + 1].clone());
            i += 1;
        }
        i += 1;
    }
    Ok((None, pre))
}

/// Starts `kubectl ARGS…` (`argv[0]` is `kubectl`).
pub fn spawn(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let (idx, pre) = match split_command(argv) {
        Ok(x) => x,
        Err(e) => return done_with(e, 1),
    };
    if pre.iter().any(|a| a == "--help" || a == "-h") && idx.is_none() {
        return Box::new(crate::shell::Print {
            stdout: misc::ROOT_HELP.to_string(),
            stderr: String::new(),
            status: 0,
        });
    }
    let Some(idx) = idx else {
        if let Err(e) = args::parse(&pre, &[args::GLOBAL]) {
            return done_with(
                flag_error("", &e).replace("kubectl  --help", "kubectl --help"),
                1,
            );
        }
        return Box::new(crate::shell::Print {
            stdout: misc::ROOT_HELP.to_string(),
            stderr: String::new(),
            status: 0,
        });
    };
    let cmd = argv[idx].as_str();
    // Global flags before the command word are moved after it.
    let mut rest: Vec<String> = Vec::with_capacity(argv.len());
    rest.push(cmd.to_string());
    rest.extend(argv[idx + 1..].iter().cloned());
    rest.extend(pre);
    if let Some((_, f)) = COMMANDS.iter().find(|(n, _)| *n == cmd) {
        return f(world, &rest, ctx);
    }
    if UNSUPPORTED.contains(&cmd) {
        return done_with(
            format!("error: ordinal: \"kubectl {cmd}\" is not simulated in this playground\n"),
            1,
        );
    }
    let mut msg = format!("error: unknown command \"{cmd}\" for \"kubectl\"\n");
    let suggestions = suggest(cmd);
    if !suggestions.is_empty() {
        msg.push_str("\nDid you mean this?\n");
        for s in suggestions {
            msg.push_str(&format!("\t{s}\n"));
        }
    }
    done_with(msg, 1)
}

/// cobra's suggestions: Levenshtein distance ≤ 2 or a prefix match.
fn suggest(cmd: &str) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = COMMANDS.iter().map(|(n, _)| *n).collect();
    all.extend(UNSUPPORTED.iter().copied());
    // Stable or not: equal `&str`s are indistinguishable (one shared sort, bundle size).
    ordinal_model::sort::sort(&mut all);
    all.into_iter()
        .filter(|c| levenshtein(c, cmd) <= 2 || (cmd.len() > 1 && c.starts_with(cmd)))
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Parses a command's flags; on error returns the finished task to hand back.
pub fn parse_or_fail(
    cmd: &str,
    argv: &[String],
    specs: &[&[FlagSpec]],
) -> Result<Parsed, Box<dyn Task>> {
    args::parse(&argv[1..], specs).map_err(|e| done_with(flag_error(cmd, &e), 1))
}

/// Writes a chunk to stderr.
pub fn eprint(io: &mut TaskIo, s: impl Into<String>) {
    io.out.push((Stream::Stderr, s.into()));
}
