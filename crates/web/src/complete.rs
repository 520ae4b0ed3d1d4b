//! Tab completion for the terminal: commands, kubectl verbs, flags, resource types and the
//! names of live objects. Pure functions over a snapshot of names.

use ordinal_kubectl::Session;
use ordinal_model::objects::apps::StatefulSet;
use ordinal_model::objects::core::{Node, Service};
use ordinal_model::objects::pod::Pod;
use ordinal_model::objects::storage::{PersistentVolume, PersistentVolumeClaim};

const COMMANDS: &[&str] = &[
    "kubectl", "sim", "clear", "echo", "cat", "grep", "head", "tail", "wc", "sort", "for", "sleep",
    "true", "false", "exit", "printf",
];
const VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "cordon",
    "create",
    "delete",
    "describe",
    "edit",
    "exec",
    "explain",
    "get",
    "label",
    "logs",
    "patch",
    "rollout",
    "run",
    "scale",
    "uncordon",
    "version",
    "wait",
];
const SIM: &[&str] = &["why", "node", "pod", "pvc", "gate", "time", "reset"];
const TYPES: &[&str] = &[
    "pods",
    "pod",
    "po",
    "statefulsets",
    "statefulset",
    "sts",
    "services",
    "service",
    "svc",
    "persistentvolumeclaims",
    "pvc",
    "persistentvolumes",
    "pv",
    "nodes",
    "node",
    "events",
    "controllerrevisions",
    "endpoints",
    "endpointslices",
    "namespaces",
    "all",
];
const FLAGS: &[&str] = &[
    "--all-namespaces",
    "--cascade=orphan",
    "--cascade=foreground",
    "--dry-run=server",
    "--dry-run=client",
    "--filename=",
    "--force",
    "--grace-period=0",
    "--namespace=",
    "--output=",
    "--replicas=",
    "--selector=",
    "--show-labels",
    "--timeout=",
    "--watch",
    "-f",
    "-l",
    "-n",
    "-o",
    "-w",
    "-it",
    "--type=",
];
const ROLLOUT: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];

/// Names of live objects by resource type, for completion.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub pods: Vec<String>,
    pub sets: Vec<String>,
    pub services: Vec<String>,
    pub pvcs: Vec<String>,
    pub pvs: Vec<String>,
    pub nodes: Vec<String>,
    pub files: Vec<String>,
}

pub fn names(s: &Session) -> Names {
    s.with_timeline(|tl| {
        let c = tl.cluster();
        Names {
            pods: c
                .list::<Pod>(Some("default"))
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect(),
            sets: c
                .list::<StatefulSet>(Some("default"))
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect(),
            services: c
                .list::<Service>(Some("default"))
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect(),
            pvcs: c
                .list::<PersistentVolumeClaim>(Some("default"))
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect(),
            pvs: c
                .list::<PersistentVolume>(None)
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect(),
            nodes: c
                .list::<Node>(None)
                .iter()
                .map(|p| p.metadata.name.clone())
                .collect(),
            files: Vec::new(),
        }
    })
}

#[derive(Debug, Default, PartialEq)]
pub struct Completion {
    /// Text to insert at the caret (the unambiguous part, plus a space when complete).
    pub insert: Option<String>,
    /// The candidates when more than one matches.
    pub choices: Vec<String>,
}

fn objects_of<'a>(ty: &str, n: &'a Names) -> &'a [String] {
    match ty.split('/').next().unwrap_or(ty) {
        "pods" | "pod" | "po" => &n.pods,
        "statefulsets" | "statefulset" | "sts" | "statefulset.apps" => &n.sets,
        "services" | "service" | "svc" => &n.services,
        "persistentvolumeclaims" | "persistentvolumeclaim" | "pvc" => &n.pvcs,
        "persistentvolumes" | "persistentvolume" | "pv" => &n.pvs,
        "nodes" | "node" | "no" => &n.nodes,
        _ => &[],
    }
}

/// Completes the last word of `head` (the text before the caret).
pub fn complete(head: &str, names: &Names) -> Completion {
    let start = head.rfind([' ', '|', ';']).map_or(0, |i| i + 1);
    let word = &head[start..];
    let before: Vec<&str> = head[..start].split_whitespace().collect();
    // The current simple command (after the last pipe or `;`).
    let cmd_start = before
        .iter()
        .rposition(|w| *w == "|" || *w == ";" || *w == "&&");
    let words: Vec<&str> = match cmd_start {
        Some(i) => before[i + 1..].to_vec(),
        None => before.clone(),
    };
    let owned: Vec<String>;
    let candidates: Vec<&str> = if words.is_empty() {
        COMMANDS.to_vec()
    } else if word.starts_with('-') {
        FLAGS.to_vec()
    } else if words[0] == "sim" {
        match words.len() {
            1 => SIM.to_vec(),
            2 if words[1] == "node" => vec!["down", "up"],
            2 if words[1] == "pod" => vec!["unready", "ready", "kill"],
            2 if words[1] == "pvc" => vec!["lose"],
            3 if words[1] == "node" => names.nodes.iter().map(String::as_str).collect(),
            3 if words[1] == "pod" => names.pods.iter().map(String::as_str).collect(),
            3 if words[1] == "pvc" => names.pvcs.iter().map(String::as_str).collect(),
            _ => vec![],
        }
    } else if words[0] == "kubectl" {
        let args: Vec<&str> = words[1..]
            .iter()
            .copied()
            .filter(|w| !w.starts_with('-'))
            .collect();
        let prev = words.last().copied().unwrap_or("");
        if prev == "-f" || prev == "--filename" {
            names.files.iter().map(String::as_str).collect()
        } else if args.is_empty() {
            VERBS.to_vec()
        } else if args[0] == "rollout" && args.len() == 1 {
            ROLLOUT.to_vec()
        } else if let Some((ty, _)) = word.split_once('/') {
            owned = objects_of(ty, names)
                .iter()
                .map(|n| format!("{ty}/{n}"))
                .collect();
            owned.iter().map(String::as_str).collect()
        } else {
            let verb_args = if args[0] == "rollout" {
                &args[2..]
            } else {
                &args[1..]
            };
            match verb_args.len() {
                0 if args[0] == "exec" || args[0] == "logs" => {
                    names.pods.iter().map(String::as_str).collect()
                }
                0 if args[0] == "scale" => vec!["sts", "statefulset"],
                0 => TYPES.to_vec(),
                _ => objects_of(verb_args[0], names)
                    .iter()
                    .map(String::as_str)
                    .collect(),
            }
        }
    } else {
        names.files.iter().map(String::as_str).collect()
    };
    let mut matches: Vec<String> = candidates
        .iter()
        .filter(|c| c.starts_with(word))
        .map(|c| c.to_string())
        .collect();
    ordinal_model::sort::sort(&mut matches);
    matches.dedup();
    match matches.len() {
        0 => Completion::default(),
        1 => {
            let m = &matches[0];
            let space = if m.ends_with('=') || m.ends_with('/') {
                ""
            } else {
                " "
            };
            Completion {
                insert: Some(format!("{}{space}", &m[word.len()..])),
                choices: matches,
            }
        }
        _ => {
            let mut prefix = matches[0].clone();
            for m in &matches[1..] {
                while !m.starts_with(&prefix) {
                    prefix.pop();
                }
            }
            Completion {
                insert: (prefix.len() > word.len()).then(|| prefix[word.len()..].to_string()),
                choices: matches,
            }
        }
    }
}
