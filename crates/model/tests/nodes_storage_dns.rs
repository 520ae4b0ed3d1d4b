//! Volumes that keep their data across pods and nodes, DNS records following readiness and
//! IPs, node failure holding a pod Terminating, and FailedScheduling texts.

mod nodes_common;
use expect_test::expect;
use nodes_common::*;
use ordinal_model::dns::{self, RecordType, Resolution};
use ordinal_model::objects::*;
use ordinal_model::podfs::PodFs;
use ordinal_model::profile::Profile;
use ordinal_model::{Cluster, Fault, Input};
use serde_json::json;

fn attached_nodes(c: &Cluster, pv: &str) -> Vec<String> {
    c.list::<Node>(None)
        .iter()
        .filter(|n| {
            n.status
                .extra
                .get("volumesAttached")
                .and_then(|v| v.as_array())
                .is_some_and(|a| {
                    a.iter()
                        .any(|x| x["name"].as_str().is_some_and(|s| s.ends_with(pv)))
                })
        })
        .map(|n| n.metadata.name.clone())
        .collect()
}

#[test]
fn data_on_a_volume_survives_delete_and_recreate_on_another_node() {
    let mut c = Cluster::default_cluster();
    create(&mut c, pvc("www-web-0", None));
    create(&mut c, web_pod("web-0", Some("www-web-0"), false));
    c.run_for_ms(20_000);
    let p = pod(&c, "web-0").unwrap().clone();
    assert!(p.is_running_and_ready(), "{}", status(&p));
    let claim = c
        .api
        .get::<PersistentVolumeClaim>("default", "www-web-0")
        .unwrap()
        .clone();
    let pv = claim.spec.volume_name.clone().unwrap();
    assert_eq!(pv, format!("pvc-{}", claim.metadata.uid));
    assert_eq!(claim.status.phase.as_deref(), Some("Bound"));
    assert!(claim
        .metadata
        .finalizers
        .contains(&"kubernetes.io/pvc-protection".to_string()));
    let first_node = p.spec.node_name.clone().unwrap();
    assert_eq!(attached_nodes(&c, &pv), std::slice::from_ref(&first_node));
    {
        let mut fs = PodFs::open(&mut c, "default", "web-0", None).unwrap();
        // The image's index.html is masked by the (empty) volume.
        assert!(fs.read("/usr/share/nginx/html/index.html").is_err());
        fs.write("/usr/share/nginx/html/index.html", b"web-0\n", false)
            .unwrap();
        assert_eq!(fs.read("/etc/hostname").unwrap(), b"web-0\n");
        assert!(String::from_utf8(fs.read("/etc/resolv.conf").unwrap())
            .unwrap()
            .contains("ndots:5"));
    }
    delete_pod(&mut c, "web-0", None);
    c.run_for_ms(5_000);
    assert!(pod(&c, "web-0").is_none());
    // Re-create it pinned to another worker: the disk follows (detach, then attach there).
    let other = if first_node == "worker-1" {
        "worker-3"
    } else {
        "worker-1"
    };
    let mut v = web_pod("web-0", Some("www-web-0"), false);
    v["spec"]["nodeSelector"] = json!({"kubernetes.io/hostname": other});
    create(&mut c, v);
    c.run_for_ms(20_000);
    let p = pod(&c, "web-0").unwrap();
    assert!(p.is_running_and_ready(), "{}", status(p));
    assert_eq!(p.spec.node_name.as_deref(), Some(other));
    assert_eq!(attached_nodes(&c, &pv), [other.to_string()]);
    let fs = PodFs::open(&mut c, "default", "web-0", None).unwrap();
    assert_eq!(
        fs.read("/usr/share/nginx/html/index.html").unwrap(),
        b"web-0\n"
    );
    let ev = events_for(&c, "default", "web-0");
    assert!(
        ev.contains(&format!(
            "AttachVolume.Attach succeeded for volume \"{pv}\""
        )),
        "{ev}"
    );
}

#[test]
fn deleting_the_claim_waits_for_its_pod_then_the_volume_and_its_data_go() {
    let mut c = Cluster::default_cluster();
    create(&mut c, pvc("www-web-0", None));
    create(&mut c, web_pod("web-0", Some("www-web-0"), false));
    c.run_for_ms(20_000);
    let pv = c
        .api
        .get::<PersistentVolumeClaim>("default", "www-web-0")
        .unwrap()
        .spec
        .volume_name
        .clone()
        .unwrap();
    assert!(c.volume.data.get(&pv).is_some());
    c.apply(Input::Delete {
        kind: ordinal_model::Kind::PersistentVolumeClaim,
        namespace: "default".into(),
        name: "www-web-0".into(),
        options: Default::default(),
    })
    .unwrap();
    c.run_for_ms(5_000);
    let claim = c
        .api
        .get::<PersistentVolumeClaim>("default", "www-web-0")
        .unwrap();
    assert!(
        claim.metadata.deletion_timestamp.is_some(),
        "Terminating while in use"
    );
    delete_pod(&mut c, "web-0", None);
    c.run_for_ms(10_000);
    assert!(c
        .api
        .get::<PersistentVolumeClaim>("default", "www-web-0")
        .is_none());
    assert!(
        c.api.get::<PersistentVolume>("", &pv).is_none(),
        "reclaim policy Delete"
    );
    assert!(c.volume.data.get(&pv).is_none());
}

#[test]
fn local_volumes_wait_for_the_first_consumer_and_pin_the_pod_to_its_node() {
    let mut c = Cluster::default_cluster();
    create(&mut c, pvc("data-db-0", Some("local")));
    c.run_for_ms(5_000);
    let claim = c
        .api
        .get::<PersistentVolumeClaim>("default", "data-db-0")
        .unwrap();
    assert_eq!(claim.status.phase.as_deref(), Some("Pending"));
    let mut v = web_pod("db-0", Some("data-db-0"), false);
    v["metadata"]["labels"] = json!({"app": "db"});
    create(&mut c, v);
    c.run_for_ms(20_000);
    let p = pod(&c, "db-0").unwrap().clone();
    assert!(p.is_running_and_ready(), "{}", status(&p));
    let claim = c
        .api
        .get::<PersistentVolumeClaim>("default", "data-db-0")
        .unwrap();
    let node = p.spec.node_name.clone().unwrap();
    assert_eq!(
        claim
            .metadata
            .annotations
            .get("volume.kubernetes.io/selected-node"),
        Some(&node)
    );
    let pv = c
        .api
        .get::<PersistentVolume>("", claim.spec.volume_name.as_deref().unwrap())
        .unwrap();
    assert!(pv
        .spec
        .node_affinity
        .as_ref()
        .unwrap()
        .to_string()
        .contains(&node));
    // Its replacement can only go to the same node.
    delete_pod(&mut c, "db-0", None);
    c.run_for_ms(5_000);
    let mut v = web_pod("db-0", Some("data-db-0"), false);
    v["metadata"]["labels"] = json!({"app": "db"});
    create(&mut c, v);
    c.run_for_ms(20_000);
    assert_eq!(
        pod(&c, "db-0").unwrap().spec.node_name.as_deref(),
        Some(node.as_str())
    );
}

fn web_dns(c: &Cluster) -> String {
    dns::records(&c.api)
        .into_iter()
        .filter(|r| r.name.contains("nginx.default") || r.value.contains("nginx.default"))
        .map(|r| format!("{} {} {}\n", r.name, r.type_, r.value))
        .collect()
}

#[test]
fn dns_records_follow_readiness_and_ip_changes() {
    let mut c = Cluster::default_cluster();
    create(&mut c, headless_service());
    create(&mut c, web_pod("web-0", None, true));
    create(&mut c, web_pod("web-1", None, true));
    c.run_for_ms(20_000);
    expect![[r#"
        6.3.244.10.in-addr.arpa PTR web-1.nginx.default.svc.cluster.local
        9.2.244.10.in-addr.arpa PTR web-0.nginx.default.svc.cluster.local
        _web._tcp.nginx.default.svc.cluster.local SRV 0 50 80 web-0.nginx.default.svc.cluster.local
        _web._tcp.nginx.default.svc.cluster.local SRV 0 50 80 web-1.nginx.default.svc.cluster.local
        nginx.default.svc.cluster.local A 10.244.2.9
        nginx.default.svc.cluster.local A 10.244.3.6
        web-0.nginx.default.svc.cluster.local A 10.244.2.9
        web-1.nginx.default.svc.cluster.local A 10.244.3.6
    "#]]
    .assert_eq(&web_dns(&c));
    let ip0 = pod(&c, "web-0").unwrap().status.pod_ip.clone().unwrap();
    match dns::resolve(&c.api, "web-0.nginx", "default", RecordType::A) {
        Resolution::Found { fqdn, records } => {
            assert_eq!(fqdn, "web-0.nginx.default.svc.cluster.local");
            assert_eq!(records[0].value, ip0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        dns::reverse(&c.api, &ip0).as_deref(),
        Some("web-0.nginx.default.svc.cluster.local")
    );
    assert_eq!(
        dns::reverse(&c.api, "10.96.0.10").as_deref(),
        Some("kube-dns.kube-system.svc.cluster.local")
    );
    assert_eq!(
        dns::resolve(&c.api, "web-5.nginx", "default", RecordType::A),
        Resolution::NxDomain
    );
    // Not ready: gone from DNS.
    c.apply(Input::Fault(Fault::PodUnready {
        namespace: "default".into(),
        pod: "web-0".into(),
    }))
    .unwrap();
    c.run_for_ms(10_000);
    assert_eq!(
        dns::resolve(&c.api, "web-0.nginx", "default", RecordType::A),
        Resolution::NxDomain
    );
    assert!(!web_dns(&c).contains("web-0"));
    // Re-created: a new IP, the same name.
    delete_pod(&mut c, "web-0", None);
    c.run_for_ms(5_000);
    create(&mut c, web_pod("web-0", None, true));
    c.run_for_ms(20_000);
    let new_ip = pod(&c, "web-0").unwrap().status.pod_ip.clone().unwrap();
    assert_ne!(new_ip, ip0);
    match dns::resolve(
        &c.api,
        "web-0.nginx.default.svc.cluster.local.",
        "kube-system",
        RecordType::A,
    ) {
        Resolution::Found { records, .. } => assert_eq!(records[0].value, new_ip),
        other => panic!("{other:?}"),
    }
    let ep = c.api.get::<Endpoints>("default", "nginx").unwrap();
    assert_eq!(ep.subsets[0].addresses.len(), 2);
    assert_eq!(
        ep.subsets[0]
            .addresses
            .iter()
            .filter_map(|a| a.hostname.clone())
            .collect::<Vec<_>>()
            .len(),
        2
    );
    let slices = c.list::<EndpointSlice>(Some("default"));
    assert_eq!(slices.len(), 1);
    assert!(slices[0].metadata.name.starts_with("nginx-") && slices[0].metadata.name.len() == 11);
}

#[test]
fn a_dead_node_holds_its_pod_terminating_until_a_force_delete() {
    let mut c = Cluster::default_cluster();
    create(&mut c, headless_service());
    create(&mut c, web_pod("web-0", None, false));
    c.run_for_ms(20_000);
    let node = pod(&c, "web-0").unwrap().spec.node_name.clone().unwrap();
    let rv = c.api.resource_version();
    let t0 = c.now();
    c.apply(Input::Fault(Fault::NodeDown { node: node.clone() }))
        .unwrap();
    c.run_for_ms(45_000);
    assert!(
        c.api.get::<Node>("", &node).unwrap().is_ready(),
        "still Ready inside the grace period"
    );
    c.run_for_ms(15_000);
    let n = c.api.get::<Node>("", &node).unwrap();
    assert!(!n.is_ready());
    assert_eq!(
        n.spec
            .taints
            .iter()
            .map(|t| format!("{}:{}", t.key, t.effect))
            .collect::<Vec<_>>(),
        [
            "node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute"
        ]
    );
    assert!(!web_dns(&c).contains("web-0"), "not ready: out of DNS");
    c.run_for_ms(600_000);
    let p = pod(&c, "web-0").unwrap();
    assert_eq!(status(p), "Terminating");
    expect![[r#"
        at 50.0s   MODIFIED 1/1  Running            0 ip=10.244.2.9 node=worker-2
        at 350.0s  MODIFIED 1/1  Running            0 ip=10.244.2.9 node=worker-2
        at 350.0s  MODIFIED 1/1  Terminating        0 ip=10.244.2.9 node=worker-2
    "#]]
    .assert_eq(&pod_rows(&c, "web-0", rv, t0));
    // Force delete: gone at once; a new pod can take the name (on another node).
    delete_pod(&mut c, "web-0", Some(0));
    assert!(pod(&c, "web-0").is_none());
    create(&mut c, web_pod("web-0", None, false));
    c.run_for_ms(20_000);
    let p = pod(&c, "web-0").unwrap();
    assert!(p.is_running_and_ready());
    assert_ne!(p.spec.node_name.as_deref(), Some(node.as_str()));
    // The node comes back: Ready, untainted.
    c.apply(Input::Fault(Fault::NodeUp { node: node.clone() }))
        .unwrap();
    c.run_for_ms(10_000);
    let n = c.api.get::<Node>("", &node).unwrap();
    assert!(n.is_ready() && n.spec.taints.is_empty());
}

/// How many times the scheduler reported `pod` unschedulable (its FailedScheduling count).
fn failed_scheduling(c: &Cluster, pod: &str) -> i32 {
    c.list::<Event>(Some("default"))
        .into_iter()
        .filter(|e| e.involved_object.name == pod && e.reason == "FailedScheduling")
        .map(|e| e.count)
        .sum()
}

/// Workers with room for two pods each, all taken, and one more pod ("extra") created.
fn full_workers_and_one_more_pod() -> Cluster {
    let mut profile = Profile::default();
    for n in &mut profile.nodes {
        n.max_pods = 2;
    }
    let mut c = Cluster::new(profile, 0);
    for i in 0..6 {
        create(&mut c, nginx_pod(&format!("p-{i}")));
    }
    c.run_for_ms(20_000);
    create(&mut c, nginx_pod("extra"));
    c
}

#[test]
fn failed_scheduling_names_every_node_with_the_schedulers_text() {
    let mut c = full_workers_and_one_more_pod();
    c.run_for_ms(5_000);
    let p = pod(&c, "extra").unwrap();
    assert_eq!(status(p), "Pending");
    let cond = p.condition("PodScheduled").unwrap();
    assert_eq!(cond.reason.as_deref(), Some("Unschedulable"));
    expect![[r#"0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Too many pods. no new claims to deallocate, preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."#]]
    .assert_eq(cond.message.as_deref().unwrap());
    assert!(events_for(&c, "default", "extra").contains("Warning  FailedScheduling"));
    // Room appears: it is scheduled.
    delete_pod(&mut c, "p-0", None);
    c.run_for_ms(20_000);
    assert!(pod(&c, "extra").unwrap().spec.node_name.is_some());
}

/// The scheduler's queueing hints (v1.34): a pod that did not fit waits in the unschedulable
/// queue for an event one of its rejecting plugins registered for. Claims and volumes coming
/// and going elsewhere, or nodes' status updates, do not retry it; five minutes in that queue
/// or an assigned pod leaving does.
#[test]
fn an_unschedulable_pod_waits_for_an_event_that_may_help_it() {
    let mut c = full_workers_and_one_more_pod();
    c.run_for_ms(2_000);
    let count = |c: &Cluster| failed_scheduling(c, "extra");
    assert!(events_for(&c, "default", "extra").contains("Warning  FailedScheduling"));
    assert_eq!(count(&c), 1);
    // Claims provisioned and bound (PVC and PV events: VolumeBinding's, not NodeResourcesFit's
    // or TaintToleration's) and a minute of node heartbeats: no new attempt.
    for i in 0..3 {
        create(&mut c, pvc(&format!("data-{i}"), None));
    }
    c.run_for_ms(60_000);
    let bound = c
        .list::<PersistentVolumeClaim>(Some("default"))
        .iter()
        .filter(|p| p.status.phase.as_deref() == Some("Bound"))
        .count();
    assert_eq!(bound, 3);
    assert_eq!(count(&c), 1, "{}", events_for(&c, "default", "extra"));
    assert_eq!(status(pod(&c, "extra").unwrap()), "Pending");
    // `podMaxInUnschedulablePodsDuration`: after 5 minutes unschedulable it is tried anyway.
    c.run_for_ms(250_000);
    assert_eq!(count(&c), 2, "{}", events_for(&c, "default", "extra"));
    // An assigned pod leaves (NodeResourcesFit's Pod/Delete): tried again, and it fits.
    let node = pod(&c, "p-3").unwrap().spec.node_name.clone();
    delete_pod(&mut c, "p-3", None);
    c.run_for_ms(40_000);
    assert_eq!(pod(&c, "extra").unwrap().spec.node_name, node);
    assert_eq!(count(&c), 2);
}

/// TaintToleration's queueing hint: a pod no node tolerates waits, through heartbeats and
/// other nodes' changes, until a node's taints change so that it tolerates them — then it is
/// scheduled within its backoff, not after the 5-minute flush.
#[test]
fn a_pod_waiting_for_a_node_is_tried_again_when_one_comes_back() {
    let mut c = Cluster::default_cluster();
    let workers = ["worker-1", "worker-2", "worker-3"];
    for node in workers {
        c.apply(Input::Fault(Fault::NodeDown { node: node.into() }))
            .unwrap();
    }
    c.run_for_ms(60_000);
    create(&mut c, nginx_pod("waiting"));
    c.run_for_ms(30_000);
    let count = |c: &Cluster| failed_scheduling(c, "waiting");
    assert_eq!(status(pod(&c, "waiting").unwrap()), "Pending");
    assert!(
        events_for(&c, "default", "waiting").contains("untolerated taint"),
        "{}",
        events_for(&c, "default", "waiting")
    );
    assert_eq!(count(&c), 1, "{}", events_for(&c, "default", "waiting"));
    c.apply(Input::Fault(Fault::NodeUp {
        node: "worker-3".into(),
    }))
    .unwrap();
    c.run_for_ms(20_000);
    let p = pod(&c, "waiting").unwrap();
    assert_eq!(p.spec.node_name.as_deref(), Some("worker-3"));
    assert_eq!(count(&c), 1);
}

#[test]
fn an_unbound_immediate_claim_makes_the_pod_wait() {
    let mut c = Cluster::default_cluster();
    create(&mut c, web_pod("web-0", Some("missing"), false));
    c.run_for_ms(3_000);
    let p = pod(&c, "web-0").unwrap();
    expect![[r#"0/4 nodes are available: persistentvolumeclaim "missing" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."#]]
    .assert_eq(p.condition("PodScheduled").unwrap().message.as_deref().unwrap());
    create(&mut c, pvc("missing", None));
    c.run_for_ms(20_000);
    assert!(pod(&c, "web-0").unwrap().is_running_and_ready());
}

#[test]
fn losing_the_volume_marks_the_claim_lost() {
    let mut c = Cluster::default_cluster();
    create(&mut c, pvc("www-web-0", None));
    c.run_for_ms(5_000);
    c.apply(Input::Fault(Fault::LosePvc {
        namespace: "default".into(),
        pvc: "www-web-0".into(),
    }))
    .unwrap();
    c.run_for_ms(2_000);
    let claim = c
        .api
        .get::<PersistentVolumeClaim>("default", "www-web-0")
        .unwrap();
    assert_eq!(claim.status.phase.as_deref(), Some("Lost"));
    assert!(events_for(&c, "default", "www-web-0").contains("ClaimLost"));
}
