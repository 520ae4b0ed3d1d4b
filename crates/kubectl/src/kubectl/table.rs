//! Server-side table rows per kind (`pkg/printers/internalversion/printers.go`, v1.34), as a
//! thin adapter until the kprint branch's printers land. Cells are plain strings; the caller
//! writes them with kubectl's tabwriter.

use crate::printers::human_duration;
use ordinal_model::objects::*;
use ordinal_model::{Kind, Object, Time};

/// Column headers (upper case as kubectl prints them).
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let mut h: Vec<&'static str> = match kind {
        Kind::Pod => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Kind::StatefulSet => vec!["NAME", "READY", "AGE"],
        Kind::Service => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        Kind::PersistentVolumeClaim => vec![
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        Kind::PersistentVolume => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ],
        Kind::Node => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        Kind::Endpoints => vec!["NAME", "ENDPOINTS", "AGE"],
        Kind::EndpointSlice => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        Kind::StorageClass => vec![
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE",
        ],
        Kind::Event => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        Kind::ControllerRevision => vec!["NAME", "CONTROLLER", "REVISION", "AGE"],
        Kind::Namespace => vec!["NAME", "STATUS", "AGE"],
        Kind::ResourceQuota => vec!["NAME", "AGE", "REQUEST", "LIMIT"],
    };
    if wide {
        match kind {
            Kind::Pod => h.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
            Kind::StatefulSet => h.extend(["CONTAINERS", "IMAGES"]),
            Kind::Service => h.push("SELECTOR"),
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => h.push("VOLUMEMODE"),
            Kind::Node => h.extend([
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ]),
            Kind::Event => {
                h = vec![
                    "LAST SEEN",
                    "TYPE",
                    "REASON",
                    "OBJECT",
                    "SUBOBJECT",
                    "SOURCE",
                    "MESSAGE",
                    "FIRST SEEN",
                    "COUNT",
                    "NAME",
                ]
            }
            _ => {}
        }
    }
    h
}

fn age(created: Option<Time>, now: Time) -> String {
    match created {
        None => "<unknown>".into(),
        Some(t) => human_duration(now.ms() as i64 - t.ms() as i64),
    }
}

fn or_none(s: Option<&str>) -> String {
    match s {
        Some(x) if !x.is_empty() => x.to_string(),
        _ => "<none>".into(),
    }
}

/// One row for an object at virtual time `now`.
pub fn row(obj: &Object, now: Time, wide: bool) -> Vec<String> {
    let m = obj.meta();
    match obj {
        Object::Pod(p) => pod_row(p, now, wide),
        Object::StatefulSet(s) => {
            let mut r = vec![
                m.name.clone(),
                format!(
                    "{}/{}",
                    s.status.ready_replicas,
                    s.spec.replicas.unwrap_or(1)
                ),
                age(m.creation_timestamp, now),
            ];
            if wide {
                let c = &s.spec.template.spec.containers;
                r.push(
                    c.iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                r.push(
                    c.iter()
                        .map(|c| c.image.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
            r
        }
        Object::Service(s) => {
            let type_ = s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
            let ports = if s.spec.ports.is_empty() {
                "<none>".to_string()
            } else {
                s.spec
                    .ports
                    .iter()
                    .map(|p| {
                        let proto = p.protocol.as_deref().unwrap_or("TCP");
                        match p.node_port {
                            Some(np) if np != 0 => format!("{}:{np}/{proto}", p.port),
                            _ => format!("{}/{proto}", p.port),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let external = match type_.as_str() {
                "LoadBalancer" => "<pending>".to_string(),
                _ => "<none>".to_string(),
            };
            let mut r = vec![
                m.name.clone(),
                type_,
                or_none(s.spec.cluster_ip.as_deref()),
                external,
                ports,
                age(m.creation_timestamp, now),
            ];
            if wide {
                r.push(if s.spec.selector.is_empty() {
                    "<none>".into()
                } else {
                    labels_string(&s.spec.selector)
                });
            }
            r
        }
        Object::PersistentVolumeClaim(c) => {
            let phase = if m.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                c.status.phase.clone().unwrap_or_else(|| "Pending".into())
            };
            let bound = c.status.phase.as_deref() == Some("Bound");
            let capacity = if bound {
                c.status
                    .capacity
                    .get("storage")
                    .map(quantity)
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let modes = if bound {
                access_modes(&c.status.access_modes)
            } else {
                String::new()
            };
            let mut r = vec![
                m.name.clone(),
                phase,
                c.spec.volume_name.clone().unwrap_or_default(),
                capacity,
                modes,
                c.spec.storage_class_name.clone().unwrap_or_default(),
                "<unset>".into(),
                age(m.creation_timestamp, now),
            ];
            if wide {
                r.push(
                    c.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "Filesystem".into()),
                );
            }
            r
        }
        Object::PersistentVolume(v) => {
            let phase = if m.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                v.status.phase.clone().unwrap_or_else(|| "Pending".into())
            };
            let claim = v
                .spec
                .claim_ref
                .as_ref()
                .map(|c| format!("{}/{}", c.namespace, c.name))
                .unwrap_or_default();
            let mut r = vec![
                m.name.clone(),
                v.spec
                    .capacity
                    .get("storage")
                    .map(quantity)
                    .unwrap_or_default(),
                access_modes(&v.spec.access_modes),
                v.spec
                    .persistent_volume_reclaim_policy
                    .clone()
                    .unwrap_or_else(|| "Retain".into()),
                phase,
                claim,
                v.spec.storage_class_name.clone().unwrap_or_default(),
                "<unset>".into(),
                v.status.reason.clone().unwrap_or_default(),
                age(m.creation_timestamp, now),
            ];
            if wide {
                r.push(
                    v.spec
                        .volume_mode
                        .clone()
                        .unwrap_or_else(|| "Filesystem".into()),
                );
            }
            r
        }
        Object::Node(n) => {
            let mut status = match n.status.conditions.iter().find(|c| c.type_ == "Ready") {
                Some(c) if c.status == "True" => "Ready".to_string(),
                Some(_) => "NotReady".to_string(),
                None => "Unknown".to_string(),
            };
            if n.spec.unschedulable == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let roles: Vec<&str> = m
                .labels
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .collect();
            let info = n.status.node_info.as_ref();
            let get = |k: &str| {
                info.and_then(|i| i.get(k))
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let mut r = vec![
                m.name.clone(),
                status,
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                age(m.creation_timestamp, now),
                get("kubeletVersion"),
            ];
            if wide {
                r.push(or_none(n.internal_ip()));
                r.push("<none>".into());
                r.push(or_none(Some(&get("osImage"))));
                r.push(or_none(Some(&get("kernelVersion"))));
                r.push(or_none(Some(&get("containerRuntimeVersion"))));
            }
            r
        }
        Object::Endpoints(e) => {
            let mut addrs = Vec::new();
            for s in &e.subsets {
                let ports: Vec<i64> = s
                    .ports
                    .iter()
                    .filter_map(|p| p.get("port").and_then(|x| x.as_i64()))
                    .collect();
                for a in &s.addresses {
                    if ports.is_empty() {
                        addrs.push(a.ip.clone());
                    }
                    for p in &ports {
                        addrs.push(format!("{}:{p}", a.ip));
                    }
                }
            }
            let cell = if addrs.is_empty() {
                "<none>".to_string()
            } else if addrs.len() > 3 {
                format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
            } else {
                addrs.join(",")
            };
            vec![m.name.clone(), cell, age(m.creation_timestamp, now)]
        }
        Object::EndpointSlice(s) => {
            let ports: Vec<String> = s
                .ports
                .iter()
                .filter_map(|p| p.get("port").and_then(|x| x.as_i64()))
                .map(|p| p.to_string())
                .collect();
            let addrs: Vec<String> = s
                .endpoints
                .iter()
                .filter_map(|e| e.get("addresses").and_then(|a| a.get(0)))
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect();
            let cell = if addrs.is_empty() {
                "<unset>".to_string()
            } else if addrs.len() > 3 {
                format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
            } else {
                addrs.join(",")
            };
            vec![
                m.name.clone(),
                s.address_type.clone(),
                if ports.is_empty() {
                    "<unset>".into()
                } else {
                    ports.join(",")
                },
                cell,
                age(m.creation_timestamp, now),
            ]
        }
        Object::StorageClass(c) => {
            let default = m
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .is_some_and(|v| v == "true");
            vec![
                if default {
                    format!("{} (default)", m.name)
                } else {
                    m.name.clone()
                },
                c.provisioner.clone(),
                c.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
                c.volume_binding_mode
                    .clone()
                    .unwrap_or_else(|| "Immediate".into()),
                c.allow_volume_expansion.unwrap_or(false).to_string(),
                age(m.creation_timestamp, now),
            ]
        }
        Object::Event(e) => {
            let last = e
                .last_timestamp
                .or(e.first_timestamp)
                .or(m.creation_timestamp);
            let object = format!(
                "{}/{}",
                e.involved_object.kind.to_ascii_lowercase(),
                e.involved_object.name
            );
            if wide {
                let source = if e.source.host.is_empty() {
                    e.source.component.clone()
                } else {
                    format!("{}, {}", e.source.component, e.source.host)
                };
                vec![
                    age(last, now),
                    e.type_.clone(),
                    e.reason.clone(),
                    object,
                    e.involved_object.field_path.clone().unwrap_or_default(),
                    source,
                    e.message.trim().to_string(),
                    age(e.first_timestamp.or(m.creation_timestamp), now),
                    e.count.max(1).to_string(),
                    m.name.clone(),
                ]
            } else {
                vec![
                    age(last, now),
                    e.type_.clone(),
                    e.reason.clone(),
                    object,
                    e.message.trim().to_string(),
                ]
            }
        }
        Object::ControllerRevision(r) => {
            let controller = m
                .controller_ref()
                .map(|o| {
                    let group = o.api_version.split_once('/').map(|(g, _)| g).unwrap_or("");
                    let kind = o.kind.to_ascii_lowercase();
                    if group.is_empty() {
                        format!("{kind}/{}", o.name)
                    } else {
                        format!("{kind}.{group}/{}", o.name)
                    }
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                m.name.clone(),
                controller,
                r.revision.to_string(),
                age(m.creation_timestamp, now),
            ]
        }
        Object::Namespace(n) => {
            let phase = n
                .status
                .as_ref()
                .and_then(|s| s.get("phase"))
                .and_then(|p| p.as_str())
                .unwrap_or("Active")
                .to_string();
            vec![m.name.clone(), phase, age(m.creation_timestamp, now)]
        }
        Object::ResourceQuota(_) => vec![
            m.name.clone(),
            age(m.creation_timestamp, now),
            String::new(),
            String::new(),
        ],
    }
}

fn labels_string(l: &std::collections::BTreeMap<String, String>) -> String {
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn quantity(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn access_modes(modes: &[String]) -> String {
    let mut out = Vec::new();
    for (long, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m == long) {
            out.push(short);
        }
    }
    out.join(",")
}

/// `printPod` (v1.34): READY, STATUS (reason), RESTARTS, AGE; wide: IP, NODE, …
fn pod_row(p: &Pod, now: Time, wide: bool) -> Vec<String> {
    let m = &p.metadata;
    let total = p.spec.containers.len();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Time> = None;
    let phase = p.status.phase.clone().unwrap_or_else(|| "Pending".into());
    let mut reason = match &p.status.reason {
        Some(r) if !r.is_empty() => r.clone(),
        _ => phase.clone(),
    };
    // Init containers.
    let mut initializing = false;
    let n_init = p.spec.init_containers.len();
    for (i, c) in p.status.init_container_statuses.iter().enumerate() {
        restarts += c.restart_count;
        if let Some(t) = &c.state.terminated {
            if t.exit_code == 0 {
                continue;
            }
            reason = match &t.reason {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => match t.signal {
                    Some(s) if s != 0 => format!("Init:Signal:{s}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
            initializing = true;
        } else if let Some(w) = c.state.waiting.as_ref().filter(|w| {
            w.reason
                .as_deref()
                .is_some_and(|r| !r.is_empty() && r != "PodInitializing")
        }) {
            reason = format!("Init:{}", w.reason.clone().unwrap_or_default());
            initializing = true;
        } else {
            reason = format!("Init:{i}/{n_init}");
            initializing = true;
        }
        break;
    }
    if !initializing {
        restarts = 0;
        let mut has_running = false;
        for c in p.status.container_statuses.iter().rev() {
            restarts += c.restart_count;
            if let Some(t) = c.last_state.terminated.as_ref().and_then(|t| t.finished_at) {
                if last_restart.is_none_or(|l| t > l) {
                    last_restart = Some(t);
                }
            }
            if let Some(w) = c.state.waiting.as_ref().and_then(|w| w.reason.clone()) {
                if !w.is_empty() {
                    reason = w;
                    continue;
                }
            }
            if let Some(t) = &c.state.terminated {
                reason = match &t.reason {
                    Some(r) if !r.is_empty() => r.clone(),
                    _ => match t.signal {
                        Some(s) if s != 0 => format!("Signal:{s}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if c.ready && c.state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if p.condition("Ready").is_some_and(|c| c.status == "True") {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let terminal = phase == "Succeeded" || phase == "Failed";
    if m.deletion_timestamp.is_some() && p.status.reason.as_deref() == Some("NodeLost") {
        reason = "Unknown".into();
    } else if m.deletion_timestamp.is_some() && !terminal {
        reason = "Terminating".into();
    }
    let restarts_cell = match last_restart {
        Some(t) if restarts > 0 => format!(
            "{restarts} ({} ago)",
            human_duration(now.ms() as i64 - t.ms() as i64)
        ),
        _ => restarts.to_string(),
    };
    let mut r = vec![
        m.name.clone(),
        format!("{ready}/{total}"),
        reason,
        restarts_cell,
        age(m.creation_timestamp, now),
    ];
    if wide {
        r.push(or_none(p.status.pod_ip.as_deref()));
        r.push(or_none(p.spec.node_name.as_deref()));
        r.push("<none>".into());
        r.push("<none>".into());
    }
    r
}
