//! `sim`: what kubectl cannot say. Every verb that changes the cluster is a model `Input`
//! (a fault or a feature gate), so it is recorded in the timeline and replays.

use crate::kubectl::resource::resolve;
use crate::session::{World, WorldRef};
use crate::shell::{Print, Task};
use ordinal_model::{Fault, Input, Kind, Profile, Time, Timeline};

const USAGE: &str = "Usage: sim COMMAND
  sim why [KIND/NAME]            why the cluster looks like this (newest first)
  sim node down|up NODE          stop / restart a node's kubelet heartbeats
  sim pod unready|ready POD      make a pod's readiness probe fail / pass
  sim pod kill POD               kill the pod's main container (exit 137)
  sim pvc lose PVC               lose the PVC's volume
  sim gate NAME=true|false       switch a feature gate (MaxUnavailableStatefulSet)
  sim time                       print the virtual time
  sim reset                      a fresh cluster (same seed)
";

fn done(stdout: String, stderr: String, status: i32) -> Box<dyn Task> {
    Box::new(Print {
        stdout,
        stderr,
        status,
    })
}

/// How many reasons `sim why` prints.
const WHY_LIMIT: usize = 20;

fn clock(t: Time) -> String {
    let s = t.rfc3339();
    // 2025-08-27T10:00:05Z → 10:00:05
    s.get(11..19).unwrap_or(&s).to_string()
}

fn fault(w: &mut World, f: Fault, ok: String) -> (String, String, i32) {
    match w.apply(Input::Fault(f)) {
        Ok(_) => (ok, String::new(), 0),
        Err(e) => (String::new(), format!("sim: {}\n", e.message), 1),
    }
}

pub fn spawn(world: &WorldRef, argv: &[String]) -> Box<dyn Task> {
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let mut w = world.borrow_mut();
    let (out, err, code) = match args.as_slice() {
        [] | ["help"] | ["-h"] | ["--help"] => (USAGE.to_string(), String::new(), 0),
        ["time"] => {
            let now = w.now();
            let since = now.since(ordinal_model::time::EPOCH);
            (
                format!(
                    "{} (+{}.{:03}s)\n",
                    now.rfc3339(),
                    since / 1000,
                    since % 1000
                ),
                String::new(),
                0,
            )
        }
        ["reset"] => {
            let seed = w.timeline.seed();
            w.timeline = Timeline::new(Profile::default(), seed);
            ("cluster reset\n".into(), String::new(), 0)
        }
        ["why"] | ["why", _] => {
            let filter = match args.get(1) {
                Some(t) => match t.split_once('/') {
                    Some((k, n)) => match resolve(k) {
                        Some(kind) => Some((kind, n.to_string())),
                        None => {
                            drop(w);
                            return done(String::new(), format!("sim: unknown kind \"{k}\"\n"), 1);
                        }
                    },
                    None => Some((Kind::Pod, t.to_string())),
                },
                None => None,
            };
            let mut lines = Vec::new();
            for r in w.cluster().reasons().iter().rev() {
                if let Some((k, n)) = &filter {
                    if r.object.kind != *k || &r.object.name != n {
                        // A StatefulSet's reasons about its pods mention them by name.
                        let text = r.reason.to_string();
                        if !(*k == Kind::Pod && text.contains(n.as_str())) {
                            continue;
                        }
                    }
                }
                lines.push(format!("{}  {}: {}\n", clock(r.at), r.object, r.reason));
                if lines.len() >= WHY_LIMIT {
                    break;
                }
            }
            if lines.is_empty() {
                ("nothing recorded yet\n".into(), String::new(), 0)
            } else {
                (lines.concat(), String::new(), 0)
            }
        }
        ["node", verb @ ("down" | "up"), node] => {
            let f = if *verb == "down" {
                Fault::NodeDown {
                    node: node.to_string(),
                }
            } else {
                Fault::NodeUp {
                    node: node.to_string(),
                }
            };
            fault(&mut w, f, format!("node/{node} {verb}\n"))
        }
        ["pod", verb @ ("unready" | "ready" | "kill"), pod] => {
            let namespace = "default".to_string();
            let pod_s = pod.to_string();
            let f = match *verb {
                "unready" => Fault::PodUnready {
                    namespace,
                    pod: pod_s,
                },
                "ready" => Fault::PodReady {
                    namespace,
                    pod: pod_s,
                },
                _ => Fault::KillContainer {
                    namespace,
                    pod: pod_s,
                    container: None,
                    exit_code: 137,
                },
            };
            let msg = match *verb {
                "kill" => format!("pod/{pod} container killed\n"),
                v => format!("pod/{pod} {v}\n"),
            };
            fault(&mut w, f, msg)
        }
        ["pvc", "lose", pvc] => fault(
            &mut w,
            Fault::LosePvc {
                namespace: "default".into(),
                pvc: pvc.to_string(),
            },
            format!("persistentvolumeclaim/{pvc} lost its volume\n"),
        ),
        ["gate", spec] => match spec.split_once('=') {
            Some((name, val)) => match crate::kubectl::args::parse_bool(val) {
                Some(on) => match w.apply(Input::SetFeatureGate {
                    name: name.to_string(),
                    enabled: on,
                }) {
                    Ok(_) => (format!("feature gate {name}={on}\n"), String::new(), 0),
                    Err(e) => (String::new(), format!("sim: {}\n", e.message), 1),
                },
                None => (
                    String::new(),
                    format!("sim: gate value must be true or false, not \"{val}\"\n"),
                    1,
                ),
            },
            None => (
                String::new(),
                "sim: usage: sim gate NAME=true|false\n".into(),
                1,
            ),
        },
        _ => (
            String::new(),
            format!("sim: unknown command: {}\n{USAGE}", args.join(" ")),
            1,
        ),
    };
    drop(w);
    done(out, err, code)
}
