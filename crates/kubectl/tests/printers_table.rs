//! Golden tests for the server-side tables and `kubectl get`'s decoration.
//! Expected texts follow kubectl v1.34 against a v1.34 server; where a tutorial transcript
//! (`statefulset-basics-current.md`) shows the same table, the comment says which.

mod printers_support;

use expect_test::expect;
use ordinal_kubectl::printers::table::*;
use ordinal_model::api::WatchEventType;
use ordinal_model::objects::{Kind, Object};
use printers_support::*;
use serde_json::json;
use std::sync::Arc;

fn get(kind: Kind, objs: Vec<Arc<Object>>, now_s: u64, opts: &PrintOptions) -> String {
    print_get(
        &[KindGroup {
            kind,
            objects: objs,
        }],
        at(now_s),
        opts,
    )
}

fn plain() -> PrintOptions {
    PrintOptions::default()
}

fn wide() -> PrintOptions {
    PrintOptions {
        wide: true,
        ..Default::default()
    }
}

fn two_web_pods() -> Vec<Arc<Object>> {
    vec![
        arc(
            Kind::Pod,
            web_pod(0, 0, "worker-2", "10.244.2.6", St::Running(8)),
        ),
        arc(
            Kind::Pod,
            web_pod(1, 9, "worker-1", "10.244.1.6", St::Running(18)),
        ),
    ]
}

/// Tutorial "Ordered Pod creation": `kubectl get pods -l app=nginx` (modern column widths).
#[test]
fn pods_running() {
    expect![[r#"
        NAME    READY   STATUS    RESTARTS   AGE
        web-0   1/1     Running   0          97s
        web-1   1/1     Running   0          88s
    "#]]
    .assert_eq(&get(Kind::Pod, two_web_pods(), 97, &plain()));
}

#[test]
fn pods_wide() {
    let mut pods = two_web_pods();
    pods.push(arc(Kind::Pod, web_pod(2, 60, "worker-3", "", St::Pending)));
    expect![[r#"
        NAME    READY   STATUS    RESTARTS   AGE   IP           NODE       NOMINATED NODE   READINESS GATES
        web-0   1/1     Running   0          97s   10.244.2.6   worker-2   <none>           <none>
        web-1   1/1     Running   0          88s   10.244.1.6   worker-1   <none>           <none>
        web-2   0/1     Pending   0          37s   <none>       <none>     <none>           <none>
    "#]]
    .assert_eq(&get(Kind::Pod, pods, 97, &wide()));
}

/// Every lifecycle STATUS printPod produces for a StatefulSet pod.
#[test]
fn pod_lifecycle_statuses() {
    let mut terminating = web_pod(3, 0, "worker-1", "10.244.1.9", St::Running(8));
    terminating["metadata"]["deletionTimestamp"] = json!(ts(500));
    terminating["metadata"]["deletionGracePeriodSeconds"] = json!(10);
    let mut completed = web_pod(4, 0, "worker-2", "10.244.2.9", St::Exited(0));
    completed["metadata"]["deletionTimestamp"] = json!(ts(500));
    let mut errored = web_pod(5, 0, "worker-3", "10.244.3.9", St::Exited(137));
    errored["metadata"]["deletionTimestamp"] = json!(ts(500));
    let mut node_lost = web_pod(6, 0, "worker-3", "10.244.3.7", St::Running(8));
    node_lost["metadata"]["deletionTimestamp"] = json!(ts(400));
    node_lost["status"]["reason"] = json!("NodeLost");
    let mut not_ready = web_pod(7, 0, "worker-1", "10.244.1.7", St::Running(8));
    not_ready["status"]["containerStatuses"][0]["ready"] = json!(false);
    for c in not_ready["status"]["conditions"].as_array_mut().unwrap() {
        if c["type"] == "Ready" || c["type"] == "ContainersReady" {
            c["status"] = json!("False");
        }
    }
    let pods = vec![
        arc(Kind::Pod, web_pod(0, 490, "worker-1", "", St::Pending)),
        arc(Kind::Pod, web_pod(1, 490, "worker-1", "", St::Scheduled)),
        arc(Kind::Pod, web_pod(2, 490, "worker-1", "", St::Creating)),
        arc(Kind::Pod, terminating),
        arc(Kind::Pod, completed),
        arc(Kind::Pod, errored),
        arc(Kind::Pod, node_lost),
        arc(Kind::Pod, not_ready),
        arc(
            Kind::Pod,
            web_pod(
                8,
                300,
                "worker-2",
                "10.244.2.8",
                St::Waiting("ErrImagePull"),
            ),
        ),
        arc(
            Kind::Pod,
            web_pod(
                9,
                300,
                "worker-2",
                "10.244.2.10",
                St::Waiting("ImagePullBackOff"),
            ),
        ),
    ];
    expect![[r#"
        NAME    READY   STATUS              RESTARTS   AGE
        web-0   0/1     Pending             0          10s
        web-1   0/1     Pending             0          10s
        web-2   0/1     ContainerCreating   0          10s
        web-3   1/1     Terminating         0          8m20s
        web-4   0/1     Completed           0          8m20s
        web-5   0/1     Error               0          8m20s
        web-6   1/1     Unknown             0          8m20s
        web-7   0/1     Running             0          8m20s
        web-8   0/1     ErrImagePull        0          3m20s
        web-9   0/1     ImagePullBackOff    0          3m20s
    "#]]
    .assert_eq(&get(Kind::Pod, pods, 500, &plain()));
}

/// `2 (5m12s ago)`: restarts with the last termination time, and CrashLoopBackOff.
#[test]
fn pod_restarts_with_last_restart_age() {
    let mut p = web_pod(0, 0, "worker-1", "10.244.1.6", St::Running(600));
    p["status"]["containerStatuses"][0]["restartCount"] = json!(2);
    p["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "Error",
        "startedAt": ts(500), "finishedAt": ts(600)}});
    let mut crash = web_pod(
        1,
        0,
        "worker-2",
        "10.244.2.6",
        St::Waiting("CrashLoopBackOff"),
    );
    crash["status"]["containerStatuses"][0]["restartCount"] = json!(5);
    crash["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
        "startedAt": ts(880), "finishedAt": ts(890)}});
    expect![[r#"
        NAME    READY   STATUS             RESTARTS        AGE
        web-0   1/1     Running            2 (5m12s ago)   15m
        web-1   0/1     CrashLoopBackOff   5 (22s ago)     15m
    "#]]
    .assert_eq(&get(
        Kind::Pod,
        vec![arc(Kind::Pod, p), arc(Kind::Pod, crash)],
        912,
        &plain(),
    ));
}

/// Init containers: `Init:0/1`, `Init:ErrImagePull`, `PodInitializing`.
#[test]
fn pod_init_containers() {
    let mut a = web_pod(0, 0, "worker-1", "10.244.1.6", St::Creating);
    a["spec"]["initContainers"] = json!([{"name": "init", "image": "busybox:1.28"}]);
    a["status"]["initContainerStatuses"] = json!([{"name": "init", "ready": false, "restartCount": 0,
        "image": "busybox:1.28", "imageID": "", "state": {"running": {"startedAt": ts(3)}}}]);
    a["status"]["containerStatuses"][0]["state"] =
        json!({"waiting": {"reason": "PodInitializing"}});
    let mut b = web_pod(1, 0, "worker-1", "10.244.1.7", St::Creating);
    b["spec"]["initContainers"] = json!([{"name": "init", "image": "nope:1"}]);
    b["status"]["initContainerStatuses"] = json!([{"name": "init", "ready": false, "restartCount": 0,
        "image": "nope:1", "imageID": "", "state": {"waiting": {"reason": "ErrImagePull"}}}]);
    for p in [&mut a, &mut b] {
        for c in p["status"]["conditions"].as_array_mut().unwrap() {
            if c["type"] == "Initialized" {
                c["status"] = json!("False");
                c["reason"] = json!("ContainersNotInitialized");
            }
        }
    }
    expect![[r#"
        NAME    READY   STATUS              RESTARTS   AGE
        web-0   0/1     Init:0/1            0          5s
        web-1   0/1     Init:ErrImagePull   0          5s
    "#]]
    .assert_eq(&get(
        Kind::Pod,
        vec![arc(Kind::Pod, a), arc(Kind::Pod, b)],
        5,
        &plain(),
    ));
}

/// Tutorial: `kubectl get statefulset web` → `web    2/2     37s`.
#[test]
fn statefulset_tables() {
    let s = vec![arc(Kind::StatefulSet, web_sts(0, 2, 2))];
    expect![[r#"
        NAME   READY   AGE
        web    2/2     37s
    "#]]
    .assert_eq(&get(Kind::StatefulSet, s.clone(), 37, &plain()));
    expect![[r#"
        NAME   READY   AGE   CONTAINERS   IMAGES
        web    2/2     37s   nginx        registry.k8s.io/nginx-slim:0.24
    "#]]
    .assert_eq(&get(Kind::StatefulSet, s, 37, &wide()));
}

/// Tutorial: `kubectl get service nginx` → `nginx   ClusterIP   None   <none>   80/TCP   12s`.
#[test]
fn service_tables() {
    let mut kubernetes = json!({"metadata": {"name": "kubernetes", "namespace": "default", "creationTimestamp": ts(0),
        "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "type": "ClusterIP",
        "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}});
    kubernetes["metadata"]["creationTimestamp"] = json!(EPOCH_MINUS_10M);
    let svcs = vec![
        arc(Kind::Service, kubernetes),
        arc(Kind::Service, nginx_svc(600)),
    ];
    expect![[r#"
        NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
        kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m
        nginx        ClusterIP   None         <none>        80/TCP    12s
    "#]]
    .assert_eq(&get(Kind::Service, svcs.clone(), 612, &plain()));
    expect![[r#"
        NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR
        kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m   <none>
        nginx        ClusterIP   None         <none>        80/TCP    12s   app=nginx
    "#]]
    .assert_eq(&get(Kind::Service, svcs, 612, &wide()));
}

const EPOCH_MINUS_10M: &str = "2025-08-27T10:00:00Z";

#[test]
fn service_nodeport_and_loadbalancer() {
    let np = json!({"metadata": {"name": "np", "namespace": "default", "creationTimestamp": ts(0)},
        "spec": {"type": "NodePort", "clusterIP": "10.96.12.7", "clusterIPs": ["10.96.12.7"],
            "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "nodePort": 30053, "protocol": "UDP"}]}});
    let lb = json!({"metadata": {"name": "lb", "namespace": "default", "creationTimestamp": ts(0)},
        "spec": {"type": "LoadBalancer", "clusterIP": "10.96.12.8", "clusterIPs": ["10.96.12.8"],
            "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}, "status": {"loadBalancer": {}}});
    expect![[r#"
        NAME   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)                     AGE
        lb     LoadBalancer   10.96.12.8   <pending>     443:31443/TCP               5s
        np     NodePort       10.96.12.7   <none>        80:30080/TCP,53:30053/UDP   5s
    "#]]
    .assert_eq(&get(
        Kind::Service,
        vec![arc(Kind::Service, lb), arc(Kind::Service, np)],
        5,
        &plain(),
    ));
}

/// Tutorial "Stable Storage": `kubectl get pvc -l app=nginx`, v1.34 columns.
#[test]
fn pvc_tables() {
    let mut deleting = www_pvc(2, 30, true);
    deleting["metadata"]["deletionTimestamp"] = json!(ts(40));
    let pvcs = vec![
        arc(Kind::PersistentVolumeClaim, www_pvc(0, 0, true)),
        arc(Kind::PersistentVolumeClaim, www_pvc(1, 9, true)),
        arc(Kind::PersistentVolumeClaim, deleting),
        arc(Kind::PersistentVolumeClaim, www_pvc(3, 47, false)),
    ];
    expect![[r#"
        NAME        STATUS        VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE
        www-web-0   Bound         pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60   1Gi        RWO            standard       <unset>                 48s
        www-web-1   Bound         pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b61   1Gi        RWO            standard       <unset>                 39s
        www-web-2   Terminating   pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b62   1Gi        RWO            standard       <unset>                 18s
        www-web-3   Pending                                                                            standard       <unset>                 1s
    "#]]
    .assert_eq(&get(Kind::PersistentVolumeClaim, pvcs.clone(), 48, &plain()));
    expect![[r#"
        NAME        STATUS        VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE
        www-web-0   Bound         pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60   1Gi        RWO            standard       <unset>                 48s   Filesystem
        www-web-1   Bound         pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b61   1Gi        RWO            standard       <unset>                 39s   Filesystem
        www-web-2   Terminating   pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b62   1Gi        RWO            standard       <unset>                 18s   Filesystem
        www-web-3   Pending                                                                            standard       <unset>                 1s    Filesystem
    "#]]
    .assert_eq(&get(Kind::PersistentVolumeClaim, pvcs, 48, &wide()));
}

#[test]
fn pv_tables() {
    let mut released = www_pv(1, 9);
    released["status"]["phase"] = json!("Released");
    let pvs = vec![
        arc(Kind::PersistentVolume, www_pv(0, 1)),
        arc(Kind::PersistentVolume, released),
    ];
    expect![[r#"
        NAME                                       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS     CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE
        pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60   1Gi        RWO            Delete           Bound      default/www-web-0   standard       <unset>                          47s
        pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b61   1Gi        RWO            Delete           Released   default/www-web-1   standard       <unset>                          39s
    "#]]
    .assert_eq(&get(Kind::PersistentVolume, pvs.clone(), 48, &plain()));
    expect![[r#"
        NAME                                       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS     CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE   VOLUMEMODE
        pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60   1Gi        RWO            Delete           Bound      default/www-web-0   standard       <unset>                          47s   Filesystem
        pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b61   1Gi        RWO            Delete           Released   default/www-web-1   standard       <unset>                          39s   Filesystem
    "#]]
    .assert_eq(&get(Kind::PersistentVolume, pvs, 48, &wide()));
}

#[test]
fn node_tables() {
    let mut w3 = node("worker-3", "172.18.0.5", 0, true, false);
    w3["spec"]["unschedulable"] = json!(true);
    let nodes = vec![
        arc(
            Kind::Node,
            node("control-plane", "172.18.0.2", 0, true, true),
        ),
        arc(Kind::Node, node("worker-1", "172.18.0.3", 0, true, false)),
        arc(Kind::Node, node("worker-2", "172.18.0.4", 0, false, false)),
        arc(Kind::Node, w3),
    ];
    expect![[r#"
        NAME            STATUS                     ROLES           AGE   VERSION
        control-plane   Ready                      control-plane   10m   v1.34.0
        worker-1        Ready                      <none>          10m   v1.34.0
        worker-2        NotReady                   <none>          10m   v1.34.0
        worker-3        Ready,SchedulingDisabled   <none>          10m   v1.34.0
    "#]]
    .assert_eq(&get(Kind::Node, nodes.clone(), 600, &plain()));
    expect![[r#"
        NAME            STATUS                     ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME
        control-plane   Ready                      control-plane   10m   v1.34.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1027       containerd://2.1.3
        worker-1        Ready                      <none>          10m   v1.34.0   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1027       containerd://2.1.3
        worker-2        NotReady                   <none>          10m   v1.34.0   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1027       containerd://2.1.3
        worker-3        Ready,SchedulingDisabled   <none>          10m   v1.34.0   172.18.0.5    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1027       containerd://2.1.3
    "#]]
    .assert_eq(&get(Kind::Node, nodes, 600, &wide()));
}

/// `kubectl get events` keeps API list order (no client sort without `--sort-by`).
#[test]
fn event_tables() {
    let evs = vec![
        arc(
            Kind::Event,
            event(
                "web-0.1860a1b2c3d4e5f6",
                "Pod",
                "web-0",
                "u0",
                "Scheduled",
                "Successfully assigned default/web-0 to worker-2",
                "default-scheduler",
                0,
                0,
                1,
            ),
        ),
        arc(
            Kind::Event,
            event(
                "web-0.1860a1b2c3d4e5f7",
                "Pod",
                "web-0",
                "u0",
                "Pulled",
                "Container image \"registry.k8s.io/nginx-slim:0.24\" already present on machine",
                "kubelet",
                2,
                2,
                1,
            ),
        ),
        arc(
            Kind::Event,
            event(
                "web.1860a1b2c3d4e5f8",
                "StatefulSet",
                "web",
                "s",
                "SuccessfulCreate",
                "create Pod web-1 in StatefulSet web successful",
                "statefulset-controller",
                9,
                9,
                1,
            ),
        ),
        arc(
            Kind::Event,
            event(
                "web-9.1860a1b2c3d4e5f9",
                "Pod",
                "web-9",
                "u9",
                "BackOff",
                "Back-off pulling image \"nope:1\"\n",
                "kubelet",
                20,
                100,
                6,
            ),
        ),
    ];
    expect![[r#"
        LAST SEEN   TYPE      REASON             OBJECT            MESSAGE
        2m          Normal    Scheduled          pod/web-0         Successfully assigned default/web-0 to worker-2
        118s        Normal    Pulled             pod/web-0         Container image "registry.k8s.io/nginx-slim:0.24" already present on machine
        111s        Normal    SuccessfulCreate   statefulset/web   create Pod web-1 in StatefulSet web successful
        20s         Warning   BackOff            pod/web-9         Back-off pulling image "nope:1"
    "#]]
    .assert_eq(&get(Kind::Event, evs.clone(), 120, &plain()));
    expect![[r#"
        LAST SEEN   TYPE      REASON             OBJECT            SUBOBJECT   SOURCE                   MESSAGE                                                                        FIRST SEEN   COUNT   NAME
        2m          Normal    Scheduled          pod/web-0                     default-scheduler        Successfully assigned default/web-0 to worker-2                                2m           1       web-0.1860a1b2c3d4e5f6
        118s        Normal    Pulled             pod/web-0                     kubelet                  Container image "registry.k8s.io/nginx-slim:0.24" already present on machine   118s         1       web-0.1860a1b2c3d4e5f7
        111s        Normal    SuccessfulCreate   statefulset/web               statefulset-controller   create Pod web-1 in StatefulSet web successful                                 111s         1       web.1860a1b2c3d4e5f8
        20s         Warning   BackOff            pod/web-9                     kubelet                  Back-off pulling image "nope:1"                                                100s         6       web-9.1860a1b2c3d4e5f9
    "#]]
    .assert_eq(&get(Kind::Event, evs, 120, &wide()));
}

#[test]
fn endpoints_tables() {
    let two = json!({"metadata": {"name": "nginx", "namespace": "default", "creationTimestamp": ts(0)},
        "subsets": [{"addresses": [{"ip": "10.244.1.6", "hostname": "web-1"}, {"ip": "10.244.2.6", "hostname": "web-0"}],
                     "ports": [{"name": "web", "port": 80, "protocol": "TCP"}]}]});
    let five = json!({"metadata": {"name": "big", "namespace": "default", "creationTimestamp": ts(0)},
        "subsets": [{"addresses": [{"ip": "10.244.1.6"}, {"ip": "10.244.1.7"}, {"ip": "10.244.2.6"}, {"ip": "10.244.2.7"}, {"ip": "10.244.3.6"}],
                     "ports": [{"port": 80, "protocol": "TCP"}]}]});
    let none =
        json!({"metadata": {"name": "empty", "namespace": "default", "creationTimestamp": ts(0)}});
    let not_ready = json!({"metadata": {"name": "notready", "namespace": "default", "creationTimestamp": ts(0)},
        "subsets": [{"notReadyAddresses": [{"ip": "10.244.1.6"}], "ports": [{"port": 80, "protocol": "TCP"}]}]});
    let eps = vec![
        arc(Kind::Endpoints, five),
        arc(Kind::Endpoints, none),
        arc(Kind::Endpoints, two),
        arc(Kind::Endpoints, not_ready),
    ];
    expect![[r#"
        NAME       ENDPOINTS                                               AGE
        big        10.244.1.6:80,10.244.1.7:80,10.244.2.6:80 + 2 more...   30s
        empty      <none>                                                  30s
        nginx      10.244.1.6:80,10.244.2.6:80                             30s
        notready                                                           30s
    "#]]
    .assert_eq(&get(Kind::Endpoints, eps, 30, &plain()));
}

#[test]
fn endpointslice_storageclass_namespace_controllerrevision_quota() {
    let slice = json!({"metadata": {"name": "nginx-7x2kq", "namespace": "default", "creationTimestamp": ts(0),
        "labels": {"kubernetes.io/service-name": "nginx"}}, "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.2.6"], "conditions": {"ready": true}}, {"addresses": ["10.244.1.6"], "conditions": {"ready": true}}],
        "ports": [{"name": "web", "port": 80, "protocol": "TCP"}]});
    let empty = json!({"metadata": {"name": "other-abcde", "namespace": "default", "creationTimestamp": ts(0)},
        "addressType": "IPv4", "endpoints": []});
    expect![[r#"
        NAME          ADDRESSTYPE   PORTS     ENDPOINTS               AGE
        nginx-7x2kq   IPv4          80        10.244.2.6,10.244.1.6   20s
        other-abcde   IPv4          <unset>   <unset>                 20s
    "#]]
    .assert_eq(&get(
        Kind::EndpointSlice,
        vec![
            arc(Kind::EndpointSlice, slice),
            arc(Kind::EndpointSlice, empty),
        ],
        20,
        &plain(),
    ));

    // cluster-profile: `standard` is the default class; §1.6 shows the kind cluster's shape.
    let standard = json!({"metadata": {"name": "standard", "creationTimestamp": ts(0),
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "ordinal.sim/network-disk", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"});
    let local = json!({"metadata": {"name": "local", "creationTimestamp": ts(0)},
        "provisioner": "ordinal.sim/local-disk", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": true});
    expect![[r#"
        NAME                 PROVISIONER                RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE
        local                ordinal.sim/local-disk     Delete          WaitForFirstConsumer   true                   10m
        standard (default)   ordinal.sim/network-disk   Delete          Immediate              false                  10m
    "#]]
    .assert_eq(&get(Kind::StorageClass, vec![arc(Kind::StorageClass, local), arc(Kind::StorageClass, standard)], 600, &plain()));

    let nss: Vec<_> = ["default", "kube-node-lease", "kube-public", "kube-system"]
        .iter()
        .map(|n| arc(Kind::Namespace, json!({"metadata": {"name": n, "creationTimestamp": ts(0)}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})))
        .collect();
    expect![[r#"
        NAME              STATUS   AGE
        default           Active   10m
        kube-node-lease   Active   10m
        kube-public       Active   10m
        kube-system       Active   10m
    "#]]
    .assert_eq(&get(Kind::Namespace, nss, 600, &plain()));

    let cr = |name: &str, rev: i64, created: u64| {
        arc(
            Kind::ControllerRevision,
            json!({
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(created), "labels": {"app": "nginx"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "s", "controller": true, "blockOwnerDeletion": true}]},
        "data": {"spec": {"template": {"$patch": "replace"}}}, "revision": rev}),
        )
    };
    expect![[r#"
        NAME             CONTROLLER             REVISION   AGE
        web-6d4cf56db6   statefulset.apps/web   1          5m
        web-7b5c8d4f9    statefulset.apps/web   2          60s
    "#]]
    .assert_eq(&get(
        Kind::ControllerRevision,
        vec![cr("web-6d4cf56db6", 1, 0), cr("web-7b5c8d4f9", 2, 240)],
        300,
        &plain(),
    ));

    let quota = json!({"metadata": {"name": "compute", "namespace": "default", "creationTimestamp": ts(0)},
        "spec": {"hard": {"pods": "10", "requests.cpu": "4", "limits.memory": "8Gi"}},
        "status": {"hard": {"limits.memory": "8Gi", "pods": "10", "requests.cpu": "4"}, "used": {"limits.memory": "0", "pods": "2", "requests.cpu": "0"}}});
    expect![[r#"
        NAME      REQUEST                         LIMIT                  AGE
        compute   pods: 2/10, requests.cpu: 0/4   limits.memory: 0/8Gi   5s
    "#]]
    .assert_eq(&get(
        Kind::ResourceQuota,
        vec![arc(Kind::ResourceQuota, quota)],
        5,
        &plain(),
    ));
}

#[test]
fn no_headers_show_labels_and_label_columns() {
    let opts = PrintOptions {
        no_headers: true,
        ..Default::default()
    };
    expect![[r#"
        web-0   1/1   Running   0     97s
        web-1   1/1   Running   0     88s
    "#]]
    .assert_eq(&get(Kind::Pod, two_web_pods(), 97, &opts));
    let opts = PrintOptions {
        show_labels: true,
        ..Default::default()
    };
    expect![[r#"
        NAME    READY   STATUS    RESTARTS   AGE   LABELS
        web-0   1/1     Running   0          97s   app=nginx,apps.kubernetes.io/pod-index=0,controller-revision-hash=web-7b5c8d4f9,statefulset.kubernetes.io/pod-name=web-0
        web-1   1/1     Running   0          88s   app=nginx,apps.kubernetes.io/pod-index=1,controller-revision-hash=web-7b5c8d4f9,statefulset.kubernetes.io/pod-name=web-1
    "#]]
    .assert_eq(&get(Kind::Pod, two_web_pods(), 97, &opts));
    let opts = PrintOptions {
        label_columns: vec![
            "app".into(),
            "apps.kubernetes.io/pod-index".into(),
            "missing".into(),
        ],
        ..Default::default()
    };
    expect![[r#"
        NAME    READY   STATUS    RESTARTS   AGE   APP     POD-INDEX   MISSING
        web-0   1/1     Running   0          97s   nginx   0           
        web-1   1/1     Running   0          88s   nginx   1           
    "#]]
    .assert_eq(&get(Kind::Pod, two_web_pods(), 97, &opts));
}

/// `kubectl get pods -A`: NAMESPACE first; cluster-scoped kinds never get it.
#[test]
fn all_namespaces() {
    let mut dns = web_pod(0, 0, "control-plane", "10.244.0.2", St::Running(5));
    dns["metadata"]["name"] = json!("coredns-7c65d6cfc9-x8k2l");
    dns["metadata"]["namespace"] = json!("kube-system");
    let mut pods = two_web_pods();
    pods.push(arc(Kind::Pod, dns));
    let opts = PrintOptions {
        all_namespaces: true,
        ..Default::default()
    };
    expect![[r#"
        NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE
        default       web-0                      1/1     Running   0          97s
        default       web-1                      1/1     Running   0          88s
        kube-system   coredns-7c65d6cfc9-x8k2l   1/1     Running   0          97s
    "#]]
    .assert_eq(&get(Kind::Pod, pods, 97, &opts));
    expect![[r#"
        NAME       STATUS   ROLES    AGE   VERSION
        worker-1   Ready    <none>   97s   v1.34.0
    "#]]
    .assert_eq(&get(
        Kind::Node,
        vec![arc(
            Kind::Node,
            node("worker-1", "172.18.0.3", 0, true, false),
        )],
        97,
        &opts,
    ));
}

/// `kubectl get sts,svc,pods`: kind/name prefixes, a blank line between kinds, widths per kind;
/// an empty kind prints nothing (and no separator).
#[test]
fn several_kinds() {
    let groups = vec![
        KindGroup {
            kind: Kind::StatefulSet,
            objects: vec![arc(Kind::StatefulSet, web_sts(0, 2, 2))],
        },
        KindGroup {
            kind: Kind::PersistentVolume,
            objects: vec![],
        },
        KindGroup {
            kind: Kind::Service,
            objects: vec![arc(Kind::Service, nginx_svc(0))],
        },
        KindGroup {
            kind: Kind::Pod,
            objects: two_web_pods(),
        },
    ];
    expect![[r#"
        NAME                   READY   AGE
        statefulset.apps/web   2/2     97s

        NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
        service/nginx   ClusterIP   None         <none>        80/TCP    97s

        NAME        READY   STATUS    RESTARTS   AGE
        pod/web-0   1/1     Running   0          97s
        pod/web-1   1/1     Running   0          88s
    "#]]
    .assert_eq(&print_get(&groups, at(97), &plain()));
    // --no-headers: no blank lines either.
    let opts = PrintOptions {
        no_headers: true,
        ..Default::default()
    };
    expect![[r#"
        statefulset.apps/web   2/2   97s
        service/nginx   ClusterIP   None   <none>   80/TCP   97s
        pod/web-0   1/1   Running   0     97s
        pod/web-1   1/1   Running   0     88s
    "#]]
    .assert_eq(&print_get(&groups, at(97), &opts));
    // --show-kind with a single kind.
    let opts = PrintOptions {
        show_kind: true,
        ..Default::default()
    };
    expect![[r#"
        NAME                   READY   AGE
        statefulset.apps/web   2/2     97s
    "#]]
    .assert_eq(&print_get(&groups[..1], at(97), &opts));
}

#[test]
fn empty_results() {
    assert_eq!(get(Kind::Pod, vec![], 0, &plain()), "");
    assert_eq!(
        no_resources_found("default", true),
        "No resources found in default namespace."
    );
    assert_eq!(no_resources_found("default", false), "No resources found");
}

/// `kubectl get pods -w -l app=nginx` while web-1 is created: the header comes with the first
/// rows, every event is one flushed row, and STATUS widens once `ContainerCreating` arrives
/// (RememberWidths) — the earlier rows stay as printed. Shape: statefulset-semantics §3.2.
#[test]
fn watch_rows_keep_and_grow_widths() {
    let mut w = WatchPrinter::new(Kind::Pod, plain(), false);
    let web0 = obj(
        Kind::Pod,
        web_pod(0, 0, "worker-2", "10.244.2.6", St::Running(8)),
    );
    let mut out = w.initial(&[&web0], at(19));
    let steps = [
        (
            WatchEventType::Added,
            web_pod(1, 19, "worker-1", "", St::Pending),
            19,
        ),
        (
            WatchEventType::Modified,
            web_pod(1, 19, "worker-1", "", St::Scheduled),
            19,
        ),
        (
            WatchEventType::Modified,
            web_pod(1, 19, "worker-1", "", St::Creating),
            20,
        ),
        (
            WatchEventType::Modified,
            web_pod(1, 19, "worker-1", "10.244.1.6", St::Running(37)),
            37,
        ),
    ];
    for (t, p, now) in steps {
        out.push_str(&w.event(t, &obj(Kind::Pod, p), at(now)));
    }
    expect![[r#"
        NAME    READY   STATUS    RESTARTS   AGE
        web-0   1/1     Running   0          19s
        web-1   0/1     Pending   0          0s
        web-1   0/1     Pending   0          0s
        web-1   0/1     ContainerCreating   0          1s
        web-1   1/1     Running             0          18s
    "#]]
    .assert_eq(&out);
}

/// `--watch-only --output-watch-events`: header with the first event, EVENT column first.
#[test]
fn watch_only_with_events_column() {
    let mut w = WatchPrinter::new(Kind::Pod, plain(), true);
    let mut out = String::new();
    let mut term = web_pod(1, 0, "worker-1", "10.244.1.6", St::Running(8));
    term["metadata"]["deletionTimestamp"] = json!(ts(500));
    out.push_str(&w.event(WatchEventType::Modified, &obj(Kind::Pod, term), at(480)));
    let mut done = web_pod(1, 0, "worker-1", "10.244.1.6", St::Exited(0));
    done["metadata"]["deletionTimestamp"] = json!(ts(500));
    out.push_str(&w.event(
        WatchEventType::Modified,
        &obj(Kind::Pod, done.clone()),
        at(481),
    ));
    out.push_str(&w.event(WatchEventType::Deleted, &obj(Kind::Pod, done), at(481)));
    expect![[r#"
        EVENT      NAME    READY   STATUS        RESTARTS   AGE
        MODIFIED   web-1   1/1     Terminating   0          8m
        MODIFIED   web-1   0/1     Completed     0          8m1s
        DELETED    web-1   0/1     Completed     0          8m1s
    "#]]
    .assert_eq(&out);
}

#[test]
fn cells_cut_at_newlines() {
    let ev = arc(
        Kind::Event,
        event(
            "x.1",
            "Pod",
            "web-0",
            "u",
            "Failed",
            "line one\nline two",
            "kubelet",
            0,
            0,
            1,
        ),
    );
    expect![[r#"
        LAST SEEN   TYPE      REASON   OBJECT      MESSAGE
        5s          Warning   Failed   pod/web-0   line one...
    "#]]
    .assert_eq(&get(Kind::Event, vec![ev], 5, &plain()));
}

#[test]
fn columns_api() {
    assert_eq!(headers(Kind::StatefulSet, false), ["NAME", "READY", "AGE"]);
    assert_eq!(
        headers(Kind::ControllerRevision, false),
        ["NAME", "CONTROLLER", "REVISION", "AGE"]
    );
    for k in Kind::ALL {
        assert!(!columns(*k, false).is_empty());
        assert!(columns(*k, true).len() >= columns(*k, false).len());
    }
    let sts = obj(Kind::StatefulSet, web_sts(0, 3, 1));
    assert_eq!(row(&sts, at(5), false), ["web", "1/3", "5s"]);
    assert_eq!(
        cells(&sts, at(5)).len(),
        column_defs(Kind::StatefulSet).len()
    );
}
