//! Pod lifecycle on a node, as `kubectl get pods -w` would show it: creation, readiness
//! failing and recovering, ImagePullBackOff, CrashLoopBackOff, completion.

mod nodes_common;
use expect_test::expect;
use nodes_common::*;
use ordinal_model::{Cluster, Fault, Input};
use serde_json::json;

#[test]
fn a_pod_is_created_runs_and_is_deleted_like_the_tutorial_shows() {
    let mut c = Cluster::default_cluster();
    let rv = c.api.resource_version();
    let t0 = c.now();
    create(&mut c, nginx_pod("web-0"));
    c.run_for_ms(30_000);
    let p = pod(&c, "web-0").unwrap();
    let ready_at = p
        .condition("Ready")
        .and_then(|c| c.last_transition_time)
        .unwrap();
    assert!(p.is_running_and_ready());
    assert!(
        ready_at.since(t0) <= 20_000,
        "Running and Ready within 20 s"
    );
    delete_pod(&mut c, "web-0", None);
    c.run_for_ms(10_000);
    assert!(pod(&c, "web-0").is_none());
    expect![[r#"
        at 0.0s    ADDED    0/1  Pending            0 ip=<none> node=<none>
        at 0.0s    MODIFIED 0/1  Pending            0 ip=<none> node=worker-2
        at 0.0s    MODIFIED 0/1  ContainerCreating  0 ip=<none> node=worker-2
        at 0.9s    MODIFIED 0/1  ContainerCreating  0 ip=10.244.2.9 node=worker-2
        at 5.0s    MODIFIED 1/1  Running            0 ip=10.244.2.9 node=worker-2
        at 30.0s   MODIFIED 1/1  Terminating        0 ip=10.244.2.9 node=worker-2
        at 30.2s   MODIFIED 0/1  Completed          0 ip=10.244.2.9 node=worker-2
        at 30.2s   DELETED  0/1  Completed          0 ip=10.244.2.9 node=worker-2
    "#]]
    .assert_eq(&pod_rows(&c, "web-0", rv, t0));
    expect![[r#"
        Normal   Scheduled              Successfully assigned default/web-0 to worker-2 (x1) [default-scheduler]
        Normal   Pulling                Pulling image "registry.k8s.io/nginx-slim:0.8" (x1) [kubelet]
        Normal   Pulled                 Successfully pulled image "registry.k8s.io/nginx-slim:0.8" in 3.871s (3.871s including waiting). Image size: 51438473 bytes. (x1) [kubelet]
        Normal   Created                Created container: nginx (x1) [kubelet]
        Normal   Started                Started container nginx (x1) [kubelet]
        Normal   Killing                Stopping container nginx (x1) [kubelet]
    "#]]
    .assert_eq(&events_for(&c, "default", "web-0"));
}

#[test]
fn a_second_pod_on_the_same_node_finds_the_image_cached() {
    let mut c = Cluster::default_cluster();
    for i in 0..3 {
        create(&mut c, nginx_pod(&format!("p-{i}")));
    }
    c.run_for_ms(30_000);
    for i in 3..6 {
        create(&mut c, nginx_pod(&format!("p-{i}")));
    }
    c.run_for_ms(30_000);
    let first: String = (0..3)
        .map(|i| events_for(&c, "default", &format!("p-{i}")))
        .collect();
    let later: String = (3..6)
        .map(|i| events_for(&c, "default", &format!("p-{i}")))
        .collect();
    assert_eq!(first.matches("Successfully pulled").count(), 3, "{first}");
    assert_eq!(
        later.matches("already present on machine").count(),
        3,
        "{later}"
    );
    assert!(!later.contains("Pulling"), "{later}");
}

#[test]
fn readiness_fails_and_recovers_with_the_probe() {
    let mut c = Cluster::default_cluster();
    create(&mut c, web_pod("web-0", None, true));
    c.run_for_ms(20_000);
    assert!(pod(&c, "web-0").unwrap().is_ready());
    let rv = c.api.resource_version();
    let t0 = c.now();
    c.apply(Input::Fault(Fault::PodUnready {
        namespace: "default".into(),
        pod: "web-0".into(),
    }))
    .unwrap();
    c.run_for_ms(10_000);
    assert!(!pod(&c, "web-0").unwrap().is_ready());
    c.apply(Input::Fault(Fault::PodReady {
        namespace: "default".into(),
        pod: "web-0".into(),
    }))
    .unwrap();
    c.run_for_ms(10_000);
    assert!(pod(&c, "web-0").unwrap().is_ready());
    expect![[r#"
        at 3.2s    MODIFIED 0/1  Running            0 ip=10.244.2.9 node=worker-2
        at 11.2s   MODIFIED 1/1  Running            0 ip=10.244.2.9 node=worker-2
    "#]]
    .assert_eq(&pod_rows(&c, "web-0", rv, t0));
    let ev = events_for(&c, "default", "web-0");
    assert!(ev.contains("Warning  Unhealthy              Readiness probe failed: HTTP probe failed with statuscode: 404"), "{ev}");
    // Probe ticks while nothing changes write nothing.
    let rv = c.api.resource_version();
    c.run_for_ms(60_000);
    assert_eq!(c.api.resource_version(), rv);
}

#[test]
fn readiness_fault_on_a_pod_without_a_probe_is_refused() {
    let mut c = Cluster::default_cluster();
    create(&mut c, nginx_pod("web-0"));
    c.run_for_ms(20_000);
    let err = c
        .apply(Input::Fault(Fault::PodUnready {
            namespace: "default".into(),
            pod: "web-0".into(),
        }))
        .unwrap_err();
    assert!(
        err.message.contains("has no readiness probe"),
        "{}",
        err.message
    );
}

#[test]
fn an_unknown_image_ends_in_image_pull_back_off() {
    let mut c = Cluster::default_cluster();
    let rv = c.api.resource_version();
    let t0 = c.now();
    let mut v = nginx_pod("web-0");
    v["spec"]["containers"][0]["image"] = json!("registry.k8s.io/nginx-slim:0.99");
    create(&mut c, v);
    c.run_for_ms(60_000);
    expect![[r#"
        at 0.0s    ADDED    0/1  Pending            0 ip=<none> node=<none>
        at 0.0s    MODIFIED 0/1  Pending            0 ip=<none> node=worker-2
        at 0.0s    MODIFIED 0/1  ContainerCreating  0 ip=<none> node=worker-2
        at 0.9s    MODIFIED 0/1  ContainerCreating  0 ip=10.244.2.9 node=worker-2
        at 1.7s    MODIFIED 0/1  ErrImagePull       0 ip=10.244.2.9 node=worker-2
        at 3.1s    MODIFIED 0/1  ImagePullBackOff   0 ip=10.244.2.9 node=worker-2
        at 11.7s   MODIFIED 0/1  ContainerCreating  0 ip=10.244.2.9 node=worker-2
        at 12.3s   MODIFIED 0/1  ErrImagePull       0 ip=10.244.2.9 node=worker-2
        at 13.3s   MODIFIED 0/1  ImagePullBackOff   0 ip=10.244.2.9 node=worker-2
        at 32.3s   MODIFIED 0/1  ContainerCreating  0 ip=10.244.2.9 node=worker-2
        at 33.2s   MODIFIED 0/1  ErrImagePull       0 ip=10.244.2.9 node=worker-2
        at 34.6s   MODIFIED 0/1  ImagePullBackOff   0 ip=10.244.2.9 node=worker-2
    "#]]
    .assert_eq(&pod_rows(&c, "web-0", rv, t0));
    expect![[r#"
        Normal   Scheduled              Successfully assigned default/web-0 to worker-2 (x1) [default-scheduler]
        Normal   Pulling                Pulling image "registry.k8s.io/nginx-slim:0.99" (x3) [kubelet]
        Warning  Failed                 Failed to pull image "registry.k8s.io/nginx-slim:0.99": rpc error: code = NotFound desc = failed to pull and unpack image "registry.k8s.io/nginx-slim:0.99": failed to resolve reference "registry.k8s.io/nginx-slim:0.99": registry.k8s.io/nginx-slim:0.99: not found (x3) [kubelet]
        Warning  Failed                 Error: ErrImagePull (x3) [kubelet]
        Normal   BackOff                Back-off pulling image "registry.k8s.io/nginx-slim:0.99" (x3) [kubelet]
        Warning  Failed                 Error: ImagePullBackOff (x3) [kubelet]
    "#]]
    .assert_eq(&events_for(&c, "default", "web-0"));
}

#[test]
fn a_crashing_container_goes_into_crash_loop_back_off() {
    let mut c = Cluster::default_cluster();
    let rv = c.api.resource_version();
    let t0 = c.now();
    create(
        &mut c,
        json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "crash", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.28", "command": ["sh", "-c", "sleep 2; exit 1"]}]}}),
    );
    c.run_for_ms(60_000);
    let rows = pod_rows(&c, "crash", rv, t0);
    assert!(rows.contains("CrashLoopBackOff"), "{rows}");
    let p = pod(&c, "crash").unwrap();
    let msg = p.status.container_statuses[0]
        .state
        .waiting
        .as_ref()
        .and_then(|w| w.message.clone())
        .unwrap_or_default();
    assert!(
        msg.starts_with("back-off ")
            && msg.contains("restarting failed container=c pod=crash_default("),
        "{msg}"
    );
}

#[test]
fn kill_container_restarts_it_and_never_policy_pods_complete() {
    let mut c = Cluster::default_cluster();
    create(&mut c, nginx_pod("web-0"));
    create(
        &mut c,
        json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "once", "namespace": "default"},
        "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "5"]}]}}),
    );
    c.run_for_ms(30_000);
    assert_eq!(status(pod(&c, "once").unwrap()), "Completed");
    assert_eq!(pod(&c, "once").unwrap().phase(), "Succeeded");
    c.apply(Input::Fault(Fault::KillContainer {
        namespace: "default".into(),
        pod: "web-0".into(),
        container: None,
        exit_code: 137,
    }))
    .unwrap();
    c.run_for_ms(5_000);
    let p = pod(&c, "web-0").unwrap();
    assert_eq!(
        (restarts(p), status(p).as_str(), p.is_ready()),
        (1, "Running", true)
    );
    let last = p.status.container_statuses[0]
        .last_state
        .terminated
        .clone()
        .unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (137, Some("Error"))
    );
}

#[test]
fn busybox_sleep_ignores_sigterm_and_is_killed_at_the_deadline() {
    let mut c = Cluster::default_cluster();
    let rv = c.api.resource_version();
    create(
        &mut c,
        json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "sleeper", "namespace": "default"},
        "spec": {"terminationGracePeriodSeconds": 5, "containers": [{"name": "c", "image": "busybox:1.28", "command": ["sleep", "3600"]}]}}),
    );
    c.run_for_ms(20_000);
    let t0 = c.now();
    let rv2 = c.api.resource_version();
    delete_pod(&mut c, "sleeper", None);
    c.run_for_ms(4_000);
    assert_eq!(status(pod(&c, "sleeper").unwrap()), "Terminating");
    c.run_for_ms(3_000);
    assert!(deleted(&c, "sleeper", rv));
    expect![[r#"
        at 0.0s    MODIFIED 1/1  Terminating        0 ip=10.244.2.9 node=worker-2
        at 5.0s    MODIFIED 0/1  Error              0 ip=10.244.2.9 node=worker-2
        at 5.0s    DELETED  0/1  Error              0 ip=10.244.2.9 node=worker-2
    "#]]
    .assert_eq(&pod_rows(&c, "sleeper", rv2, t0));
}
