//! A seeded random walk over pods, claims, node failures and faults, with invariants after
//! every step: DNS A records only for Ready pods at their current IPs; a volume attached to at
//! most one node; no panics; the same seed gives the same history.

mod nodes_common;
use nodes_common::*;
use ordinal_model::dns::{self, RecordType};
use ordinal_model::objects::*;
use ordinal_model::rng::Rng;
use ordinal_model::{Cluster, Fault, Input, Kind, Profile, Scenario};
use std::collections::BTreeMap;

fn check_invariants(c: &Cluster) {
    // DNS: every pod-name A record points at a Ready pod's current IP.
    let pods: BTreeMap<String, &Pod> = c
        .list::<Pod>(Some("default"))
        .into_iter()
        .map(|p| (p.metadata.name.clone(), p))
        .collect();
    for r in dns::records(&c.api) {
        if r.type_ != RecordType::A || !r.name.ends_with(".nginx.default.svc.cluster.local") {
            continue;
        }
        let host = r.name.split('.').next().unwrap_or("");
        if let Some(p) = pods.get(host) {
            assert!(p.is_ready(), "record {} for unready pod", r.name);
            assert!(
                p.metadata.deletion_timestamp.is_none(),
                "record {} for a terminating pod",
                r.name
            );
            assert_eq!(
                p.status.pod_ip.as_deref(),
                Some(r.value.as_str()),
                "stale IP for {}",
                r.name
            );
        } else if r.name != "nginx.default.svc.cluster.local" {
            panic!("record {} for a pod that does not exist", r.name);
        }
    }
    // Attachments: each volume on at most one node.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for n in c.list::<Node>(None) {
        for v in n
            .status
            .extra
            .get("volumesAttached")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let name = v["name"].as_str().unwrap_or("").to_string();
            if let Some(other) = seen.insert(name.clone(), n.metadata.name.clone()) {
                panic!("{name} attached to {other} and {}", n.metadata.name);
            }
        }
    }
    for (pv, node) in c.volume.attachments() {
        assert_eq!(
            seen.get(&ordinal_model::controllers::kubelet::attached_volume_name(
                pv
            )),
            Some(node)
        );
    }
    assert!(!c.spin_detected);
}

fn walk(seed: u64, steps: usize) -> (u64, Cluster) {
    let mut c = Cluster::new(Profile::default(), seed);
    let mut rng = Rng::new(seed);
    create(&mut c, headless_service());
    let workers = ["worker-1", "worker-2", "worker-3"];
    for _ in 0..steps {
        let i = rng.below(4);
        let name = format!("web-{i}");
        let claim = format!("www-web-{i}");
        let _ = match rng.below(13) {
            10 => {
                // A redirection into the pod's html dir (its volume when it has one).
                let _ = c.exec_write_file(
                    "default",
                    &name,
                    None,
                    "/usr/share/nginx/html/index.html",
                    &format!("{name}\n"),
                    rng.below(2) == 0,
                );
                Ok(())
            }
            11 => {
                // The e2e way of failing (and restoring) the readiness probe.
                let (from, to) = if rng.below(2) == 0 {
                    ("index.html", "index.html.bak")
                } else {
                    ("index.html.bak", "index.html")
                };
                let dir = "/usr/share/nginx/html";
                let argv = vec![
                    "mv".to_string(),
                    format!("{dir}/{from}"),
                    format!("{dir}/{to}"),
                ];
                let _ = c.exec("default", &name, None, argv, String::new());
                Ok(())
            }
            12 => {
                let argv = match rng.below(3) {
                    0 => vec![
                        "curl".to_string(),
                        "-s".into(),
                        format!("http://web-{}.nginx", rng.below(4)),
                    ],
                    1 => vec!["kill".to_string(), "1".into()],
                    _ => vec![
                        "ls".to_string(),
                        "-l".into(),
                        "/usr/share/nginx/html".into(),
                    ],
                };
                let _ = c.exec("default", &name, None, argv, String::new());
                Ok(())
            }
            0 | 1 => {
                let _ = c.apply(Input::Create {
                    object: pvc(
                        &claim,
                        if rng.below(2) == 0 {
                            None
                        } else {
                            Some("local")
                        },
                    ),
                });
                c.apply(Input::Create {
                    object: web_pod(&name, Some(&claim), true),
                })
                .map(|_| ())
            }
            2 => c
                .apply(Input::Create {
                    object: web_pod(&name, None, rng.below(2) == 0),
                })
                .map(|_| ()),
            3 => c
                .apply(Input::Delete {
                    kind: Kind::Pod,
                    namespace: "default".into(),
                    name: name.clone(),
                    options: Default::default(),
                })
                .map(|_| ()),
            4 => c
                .apply(Input::Delete {
                    kind: Kind::Pod,
                    namespace: "default".into(),
                    name: name.clone(),
                    options: ordinal_model::api::DeleteOptions {
                        grace_period_seconds: Some(0),
                        ..Default::default()
                    },
                })
                .map(|_| ()),
            5 => c
                .apply(Input::Fault(Fault::NodeDown {
                    node: workers[rng.below(3) as usize].into(),
                }))
                .map(|_| ()),
            6 => c
                .apply(Input::Fault(Fault::NodeUp {
                    node: workers[rng.below(3) as usize].into(),
                }))
                .map(|_| ()),
            7 => c
                .apply(Input::Fault(if rng.below(2) == 0 {
                    Fault::PodUnready {
                        namespace: "default".into(),
                        pod: name.clone(),
                    }
                } else {
                    Fault::PodReady {
                        namespace: "default".into(),
                        pod: name.clone(),
                    }
                }))
                .map(|_| ()),
            8 => c
                .apply(Input::Fault(Fault::KillContainer {
                    namespace: "default".into(),
                    pod: name.clone(),
                    container: None,
                    exit_code: [0, 1, 137][rng.below(3) as usize],
                }))
                .map(|_| ()),
            _ => c
                .apply(Input::Fault(Fault::LosePvc {
                    namespace: "default".into(),
                    pvc: claim.clone(),
                }))
                .map(|_| ()),
        };
        c.run_for_ms(rng.between(100, 60_000));
        check_invariants(&c);
    }
    (c.event_log_hash(), c)
}

#[test]
fn random_walks_keep_the_node_invariants_and_are_deterministic() {
    for seed in 0..6 {
        let (a, c) = walk(seed, 60);
        let (b, _) = walk(seed, 60);
        assert_eq!(a, b, "seed {seed} is not deterministic");
        if seed < 2 {
            // Exec inputs replay byte for byte like API writes.
            let replayed = Scenario::of_cluster(&c).replay();
            assert_eq!(replayed.event_log_hash(), a, "seed {seed} does not replay");
        }
    }
}

#[test]
#[ignore]
fn heavy_random_walks() {
    let scale: u64 = std::env::var("ORDINAL_HEAVY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    for seed in 0..(50 * scale) {
        walk(seed, 200);
    }
}
