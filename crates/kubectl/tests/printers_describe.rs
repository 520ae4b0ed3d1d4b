//! Golden tests for `kubectl describe` (pod, statefulset, pvc, pv, service, node, storageclass),
//! with and without Events. Layouts follow `kubectl/pkg/describe/describe.go` (v1.34): Go
//! tabwriter with padding 2 per block of tabbed lines, Events aligned on their own.

mod printers_support;

use expect_test::expect;
use ordinal_kubectl::printers::describe::describe;
use ordinal_model::api::ApiServer;
use ordinal_model::objects::{Kind, Object};
use ordinal_model::time::EPOCH;
use printers_support::*;
use serde_json::{json, Value};

fn api_with(objs: Vec<(Kind, Value)>) -> ApiServer {
    let mut api = ApiServer::new(0, EPOCH);
    let ns = json!({"metadata": {"name": "default"}, "status": {"phase": "Active"}});
    api.create(obj(Kind::Namespace, ns), "test")
        .expect("namespace");
    for (k, v) in objs {
        let created = match api.create(obj(k, v.clone()), "test") {
            Ok(o) => o,
            Err(e) => panic!("fixture {k:?} rejected: {e:?}"),
        };
        // The apiserver resets status on create; write the fixture's status as the kubelet would.
        if k == Kind::Pod {
            let mut with_status = obj(k, v);
            *with_status.meta_mut() = created.meta().clone();
            api.update_status(with_status, "kubelet")
                .expect("pod status");
        }
    }
    api
}

fn sts_events() -> Vec<(Kind, Value)> {
    vec![
        (
            Kind::Event,
            event(
                "web.1860a0000000000a",
                "StatefulSet",
                "web",
                "",
                "SuccessfulCreate",
                "create Claim www-web-0 Pod web-0 in StatefulSet web success",
                "statefulset-controller",
                0,
                0,
                1,
            ),
        ),
        (
            Kind::Event,
            event(
                "web.1860a0000000000b",
                "StatefulSet",
                "web",
                "",
                "SuccessfulCreate",
                "create Pod web-0 in StatefulSet web successful",
                "statefulset-controller",
                0,
                0,
                1,
            ),
        ),
        (
            Kind::Event,
            event(
                "web.1860a0000000000c",
                "StatefulSet",
                "web",
                "",
                "SuccessfulCreate",
                "create Claim www-web-1 Pod web-1 in StatefulSet web success",
                "statefulset-controller",
                9,
                9,
                1,
            ),
        ),
        (
            Kind::Event,
            event(
                "web.1860a0000000000d",
                "StatefulSet",
                "web",
                "",
                "SuccessfulCreate",
                "create Pod web-1 in StatefulSet web successful",
                "statefulset-controller",
                9,
                9,
                1,
            ),
        ),
    ]
}

fn pod_events() -> Vec<(Kind, Value)> {
    vec![
        (Kind::Event, event("web-0.1860a00000000001", "Pod", "web-0", "", "Scheduled",
            "Successfully assigned default/web-0 to worker-2", "default-scheduler", 0, 0, 1)),
        (Kind::Event, event("web-0.1860a00000000002", "Pod", "web-0", "", "Pulling",
            "Pulling image \"registry.k8s.io/nginx-slim:0.24\"", "kubelet", 1, 1, 1)),
        (Kind::Event, event("web-0.1860a00000000003", "Pod", "web-0", "", "Pulled",
            "Successfully pulled image \"registry.k8s.io/nginx-slim:0.24\" in 6.12s (6.12s including waiting). Image size: 51217010 bytes.", "kubelet", 7, 7, 1)),
        (Kind::Event, event("web-0.1860a00000000004", "Pod", "web-0", "", "Created",
            "Created container: nginx", "kubelet", 7, 7, 1)),
        (Kind::Event, event("web-0.1860a00000000005", "Pod", "web-0", "", "Started",
            "Started container nginx", "kubelet", 8, 8, 1)),
        // An event about another object with the same name in another kind is not shown.
        (Kind::Event, event("web-0.1860a00000000006", "Pod", "web-1", "", "Started",
            "Started container nginx", "kubelet", 18, 18, 1)),
    ]
}

#[test]
fn describe_pod_running_with_events() {
    let api = api_with(pod_events());
    let pod = obj(
        Kind::Pod,
        web_pod(0, 0, "worker-2", "10.244.2.6", St::Running(8)),
    );
    expect![[r#"
        Name:             web-0
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             worker-2/172.18.0.4
        Start Time:       Wed, 27 Aug 2025 10:00:01 +0000
        Labels:           app=nginx
                          apps.kubernetes.io/pod-index=0
                          controller-revision-hash=web-7b5c8d4f9
                          statefulset.kubernetes.io/pod-name=web-0
        Annotations:      <none>
        Status:           Running
        IP:               10.244.2.6
        IPs:
          IP:           10.244.2.6
        Controlled By:  StatefulSet/web
        Containers:
          nginx:
            Container ID:   containerd://0000000000000000000000000000000000000000000000000000000000c0ffee
            Image:          registry.k8s.io/nginx-slim:0.24
            Image ID:       registry.k8s.io/nginx-slim@sha256:e1a9d8c5ac1e1ad4bb2f5b3c4b4e6b6fbc1bf2ed1f1f0b5e8e2fe2cda0b0c8d4
            Port:           80/TCP
            Host Port:      0/TCP
            State:          Running
              Started:      Wed, 27 Aug 2025 10:00:08 +0000
            Ready:          True
            Restart Count:  0
            Environment:    <none>
            Mounts:
              /usr/share/nginx/html from www (rw)
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xk2p (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          www:
            Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
            ClaimName:  www-web-0
            ReadOnly:   false
          kube-api-access-7xk2p:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Events:
          Type    Reason     Age   From               Message
          ----    ------     ----  ----               -------
          Normal  Scheduled  37s   default-scheduler  Successfully assigned default/web-0 to worker-2
          Normal  Pulling    36s   kubelet            Pulling image "registry.k8s.io/nginx-slim:0.24"
          Normal  Pulled     30s   kubelet            Successfully pulled image "registry.k8s.io/nginx-slim:0.24" in 6.12s (6.12s including waiting). Image size: 51217010 bytes.
          Normal  Created    30s   kubelet            Created container: nginx
          Normal  Started    29s   kubelet            Started container nginx
    "#]].assert_eq(&describe(&api, &pod, at(37)));
}

#[test]
fn describe_pod_pending_without_events() {
    let api = api_with(vec![]);
    let pod = obj(Kind::Pod, web_pod(2, 30, "worker-1", "", St::Pending));
    expect![[r#"
        Name:             web-2
        Namespace:        default
        Priority:         0
        Service Account:  default
        Node:             <none>
        Labels:           app=nginx
                          apps.kubernetes.io/pod-index=2
                          controller-revision-hash=web-7b5c8d4f9
                          statefulset.kubernetes.io/pod-name=web-2
        Annotations:      <none>
        Status:           Pending
        IP:               
        IPs:              <none>
        Controlled By:    StatefulSet/web
        Containers:
          nginx:
            Image:        registry.k8s.io/nginx-slim:0.24
            Port:         80/TCP
            Host Port:    0/TCP
            Environment:  <none>
            Mounts:
              /usr/share/nginx/html from www (rw)
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xk2p (ro)
        Volumes:
          www:
            Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
            ClaimName:  www-web-2
            ReadOnly:   false
          kube-api-access-7xk2p:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Events:                      <none>
    "#]].assert_eq(&describe(&api, &pod, at(37)));
}

#[test]
fn describe_pod_terminating_and_restarted() {
    let api = api_with(vec![(Kind::Event, event("web-1.1860a00000000007", "Pod", "web-1", "", "BackOff",
        "Back-off restarting failed container nginx in pod web-1_default(8f3b2c1a-0000-4000-8000-000000000001)",
        "kubelet", 100, 580, 7))]);
    let mut p = web_pod(1, 0, "worker-1", "10.244.1.6", St::Running(590));
    p["status"]["containerStatuses"][0]["restartCount"] = json!(3);
    p["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error",
        "startedAt": ts(500), "finishedAt": ts(560), "containerID": "containerd://abc"}});
    p["metadata"]["deletionTimestamp"] = json!(ts(610));
    p["metadata"]["deletionGracePeriodSeconds"] = json!(10);
    p["spec"]["containers"][0]["readinessProbe"] = json!({"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
        "initialDelaySeconds": 5, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    p["spec"]["containers"][0]["env"] = json!([{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
        {"name": "MODE", "value": "demo"}]);
    p["spec"]["containers"][0]["command"] = json!(["nginx", "-g", "daemon off;"]);
    expect![[r#"
        Name:                      web-1
        Namespace:                 default
        Priority:                  0
        Service Account:           default
        Node:                      worker-1/172.18.0.3
        Start Time:                Wed, 27 Aug 2025 10:00:01 +0000
        Labels:                    app=nginx
                                   apps.kubernetes.io/pod-index=1
                                   controller-revision-hash=web-7b5c8d4f9
                                   statefulset.kubernetes.io/pod-name=web-1
        Annotations:               <none>
        Status:                    Terminating (lasts <invalid>)
        Termination Grace Period:  10s
        IP:                        10.244.1.6
        IPs:
          IP:           10.244.1.6
        Controlled By:  StatefulSet/web
        Containers:
          nginx:
            Container ID:  containerd://0000000000000000000000000000000000000000000000000000000001c0ffee
            Image:         registry.k8s.io/nginx-slim:0.24
            Image ID:      registry.k8s.io/nginx-slim@sha256:e1a9d8c5ac1e1ad4bb2f5b3c4b4e6b6fbc1bf2ed1f1f0b5e8e2fe2cda0b0c8d4
            Port:          80/TCP
            Host Port:     0/TCP
            Command:
              nginx
              -g
              daemon off;
            State:          Running
              Started:      Wed, 27 Aug 2025 10:09:50 +0000
            Last State:     Terminated
              Reason:       Error
              Exit Code:    1
              Started:      Wed, 27 Aug 2025 10:08:20 +0000
              Finished:     Wed, 27 Aug 2025 10:09:20 +0000
            Ready:          True
            Restart Count:  3
            Readiness:      http-get http://:80/ delay=5s timeout=1s period=10s #success=1 #failure=3
            Environment:
              POD_NAME:  web-1 (v1:metadata.name)
              MODE:      demo
            Mounts:
              /usr/share/nginx/html from www (rw)
              /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7xk2p (ro)
        Conditions:
          Type                        Status
          PodReadyToStartContainers   True 
          Initialized                 True 
          Ready                       True 
          ContainersReady             True 
          PodScheduled                True 
        Volumes:
          www:
            Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
            ClaimName:  www-web-1
            ReadOnly:   false
          kube-api-access-7xk2p:
            Type:                    Projected (a volume that contains injected data from multiple sources)
            TokenExpirationSeconds:  3607
            ConfigMapName:           kube-root-ca.crt
            Optional:                false
            DownwardAPI:             true
        QoS Class:                   BestEffort
        Node-Selectors:              <none>
        Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                     node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        Events:
          Type     Reason   Age                  From     Message
          ----     ------   ----                 ----     -------
          Warning  BackOff  20s (x7 over 8m20s)  kubelet  Back-off restarting failed container nginx in pod web-1_default(8f3b2c1a-0000-4000-8000-000000000001)
    "#]].assert_eq(&describe(&api, &obj(Kind::Pod, p), at(600)));
}

#[test]
fn describe_statefulset_with_and_without_events() {
    let mut objs = sts_events();
    objs.push((
        Kind::Pod,
        web_pod(0, 0, "worker-2", "10.244.2.6", St::Running(8)),
    ));
    objs.push((Kind::Pod, web_pod(1, 9, "worker-1", "", St::Creating)));
    let api = api_with(objs);
    let sts = obj(Kind::StatefulSet, web_sts(0, 2, 1));
    expect![[r#"
        Name:               web
        Namespace:          default
        CreationTimestamp:  Wed, 27 Aug 2025 10:00:00 +0000
        Selector:           app=nginx
        Labels:             <none>
        Annotations:        <none>
        Replicas:           2 desired | 2 total
        Update Strategy:    RollingUpdate
          Partition:        0
        Pods Status:        1 Running / 1 Waiting / 0 Succeeded / 0 Failed
        Pod Template:
          Labels:  app=nginx
          Containers:
           nginx:
            Image:        registry.k8s.io/nginx-slim:0.24
            Port:         80/TCP
            Host Port:    0/TCP
            Environment:  <none>
            Mounts:
              /usr/share/nginx/html from www (rw)
          Volumes:         <none>
          Node-Selectors:  <none>
          Tolerations:     <none>
        Volume Claims:
          Name:          www
          StorageClass:  
          Labels:        <none>
          Annotations:   <none>
          Capacity:      1Gi
          Access Modes:  [ReadWriteOnce]
        Events:
          Type    Reason            Age   From                    Message
          ----    ------            ----  ----                    -------
          Normal  SuccessfulCreate  30s   statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success
          Normal  SuccessfulCreate  30s   statefulset-controller  create Pod web-0 in StatefulSet web successful
          Normal  SuccessfulCreate  21s   statefulset-controller  create Claim www-web-1 Pod web-1 in StatefulSet web success
          Normal  SuccessfulCreate  21s   statefulset-controller  create Pod web-1 in StatefulSet web successful
    "#]].assert_eq(&describe(&api, &sts, at(30)));
    let api = api_with(vec![]);
    expect![[r#"
        Name:               web
        Namespace:          default
        CreationTimestamp:  Wed, 27 Aug 2025 10:00:00 +0000
        Selector:           app=nginx
        Labels:             <none>
        Annotations:        <none>
        Replicas:           2 desired | 2 total
        Update Strategy:    RollingUpdate
          Partition:        0
        Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed
        Pod Template:
          Labels:  app=nginx
          Containers:
           nginx:
            Image:        registry.k8s.io/nginx-slim:0.24
            Port:         80/TCP
            Host Port:    0/TCP
            Environment:  <none>
            Mounts:
              /usr/share/nginx/html from www (rw)
          Volumes:         <none>
          Node-Selectors:  <none>
          Tolerations:     <none>
        Volume Claims:
          Name:          www
          StorageClass:  
          Labels:        <none>
          Annotations:   <none>
          Capacity:      1Gi
          Access Modes:  [ReadWriteOnce]
        Events:          <none>
    "#]]
    .assert_eq(&describe(&api, &sts, at(30)));
}

#[test]
fn describe_pvc_and_pv() {
    let api = api_with(vec![
        (
            Kind::Pod,
            web_pod(0, 0, "worker-2", "10.244.2.6", St::Running(8)),
        ),
        (
            Kind::Event,
            event(
                "www-web-0.1860a0000000000e",
                "PersistentVolumeClaim",
                "www-web-0",
                "",
                "ProvisioningSucceeded",
                "Successfully provisioned volume pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60",
                "ordinal.sim/network-disk",
                0,
                0,
                1,
            ),
        ),
    ]);
    let pvc = obj(Kind::PersistentVolumeClaim, www_pvc(0, 0, true));
    expect![[r#"
        Name:          www-web-0
        Namespace:     default
        StorageClass:  standard
        Status:        Bound
        Volume:        pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60
        Labels:        app=nginx
        Annotations:   pv.kubernetes.io/bind-completed: yes
                       pv.kubernetes.io/bound-by-controller: yes
                       volume.beta.kubernetes.io/storage-provisioner: ordinal.sim/network-disk
                       volume.kubernetes.io/storage-provisioner: ordinal.sim/network-disk
        Finalizers:    [kubernetes.io/pvc-protection]
        Capacity:      1Gi
        Access Modes:  RWO
        VolumeMode:    Filesystem
        Used By:       web-0
        Events:
          Type    Reason                 Age   From                      Message
          ----    ------                 ----  ----                      -------
          Normal  ProvisioningSucceeded  48s   ordinal.sim/network-disk  Successfully provisioned volume pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60
    "#]].assert_eq(&describe(&api, &pvc, at(48)));
    let pending = obj(Kind::PersistentVolumeClaim, www_pvc(3, 40, false));
    expect![[r#"
        Name:          www-web-3
        Namespace:     default
        StorageClass:  standard
        Status:        Pending
        Volume:        
        Labels:        app=nginx
        Annotations:   volume.beta.kubernetes.io/storage-provisioner: ordinal.sim/network-disk
                       volume.kubernetes.io/storage-provisioner: ordinal.sim/network-disk
        Finalizers:    [kubernetes.io/pvc-protection]
        Capacity:      
        Access Modes:  
        VolumeMode:    Filesystem
        Used By:       <none>
        Events:        <none>
    "#]]
    .assert_eq(&describe(&api, &pending, at(48)));
    let pv = obj(Kind::PersistentVolume, www_pv(0, 1));
    expect![[r#"
        Name:            pvc-3c1d9a4e-7b2f-4e8a-9c6d-1f2e3d4c5b60
        Labels:          <none>
        Annotations:     pv.kubernetes.io/provisioned-by: ordinal.sim/network-disk
        Finalizers:      [kubernetes.io/pv-protection]
        StorageClass:    standard
        Status:          Bound
        Claim:           default/www-web-0
        Reclaim Policy:  Delete
        Access Modes:    RWO
        VolumeMode:      Filesystem
        Capacity:        1Gi
        Node Affinity:   <none>
        Message:         
        Source:
            Type:              CSI (a Container Storage Interface (CSI) volume source)
            Driver:            ordinal.sim/network-disk
            FSType:            ext4
            VolumeHandle:      disk-0
            ReadOnly:          false
            VolumeAttributes:  <none>
        Events:                <none>
    "#]]
    .assert_eq(&describe(&api, &pv, at(48)));
}

#[test]
fn describe_service_headless() {
    let slice = json!({"metadata": {"name": "nginx-7x2kq", "namespace": "default", "labels": {"kubernetes.io/service-name": "nginx"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.2.6"], "conditions": {"ready": true}}, {"addresses": ["10.244.1.6"], "conditions": {"ready": true}},
                      {"addresses": ["10.244.3.6"], "conditions": {"ready": false}}],
        "ports": [{"name": "web", "port": 80, "protocol": "TCP"}]});
    let api = api_with(vec![(Kind::EndpointSlice, slice)]);
    let svc = obj(Kind::Service, nginx_svc(0));
    expect![[r#"
        Name:                     nginx
        Namespace:                default
        Labels:                   app=nginx
        Annotations:              <none>
        Selector:                 app=nginx
        Type:                     ClusterIP
        IP Family Policy:         SingleStack
        IP Families:              IPv4
        IP:                       None
        IPs:                      None
        Port:                     web  80/TCP
        TargetPort:               80/TCP
        Endpoints:                10.244.2.6:80,10.244.1.6:80
        Session Affinity:         None
        Internal Traffic Policy:  Cluster
        Events:                   <none>
    "#]]
    .assert_eq(&describe(&api, &svc, at(12)));
}

#[test]
fn describe_node_with_pods() {
    let api = api_with(vec![
        (
            Kind::Pod,
            web_pod(0, 0, "worker-2", "10.244.2.6", St::Running(8)),
        ),
        (
            Kind::Pod,
            web_pod(1, 0, "worker-1", "10.244.1.6", St::Running(8)),
        ),
    ]);
    let n = obj(Kind::Node, node("worker-2", "172.18.0.4", 0, true, false));
    expect![[r#"
        Name:               worker-2
        Roles:              <none>
        Labels:             beta.kubernetes.io/arch=amd64
                            beta.kubernetes.io/os=linux
                            kubernetes.io/arch=amd64
                            kubernetes.io/hostname=worker-2
                            kubernetes.io/os=linux
        Annotations:        node.alpha.kubernetes.io/ttl: 0
                            volumes.kubernetes.io/controller-managed-attach-detach: true
        CreationTimestamp:  Wed, 27 Aug 2025 10:00:00 +0000
        Taints:             <none>
        Unschedulable:      false
        Lease:
          HolderIdentity:  worker-2
          AcquireTime:     <unset>
          RenewTime:       Wed, 27 Aug 2025 10:09:50 +0000
        Conditions:
          Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
          ----             ------  -----------------                 ------------------                ------                       -------
          MemoryPressure   False   Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
          DiskPressure     False   Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
          PIDPressure      False   Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
          Ready            True    Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletReady                 kubelet is posting ready status
        Addresses:
          InternalIP:  172.18.0.4
          Hostname:    worker-2
        Capacity:
          cpu:                8
          ephemeral-storage:  102400Mi
          hugepages-2Mi:      0
          memory:             16Gi
          pods:               110
        Allocatable:
          cpu:                8
          ephemeral-storage:  102400Mi
          hugepages-2Mi:      0
          memory:             16Gi
          pods:               110
        System Info:
          Machine ID:                 machine-worker-2
          System UUID:                uuid-worker-2
          Boot ID:                    boot-worker-2
          Kernel Version:             6.8.0-1027
          OS Image:                   Debian GNU/Linux 12 (bookworm)
          Operating System:           linux
          Architecture:               amd64
          Container Runtime Version:  containerd://2.1.3
          Kubelet Version:            v1.34.0
          Kube-Proxy Version:         
        PodCIDR:                      10.244.1.0/24
        PodCIDRs:                     10.244.1.0/24
        Non-terminated Pods:          (1 in total)
          Namespace                   Name     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
          ---------                   ----     ------------  ----------  ---------------  -------------  ---
          default                     web-0    0 (0%)        0 (0%)      0 (0%)           0 (0%)         10m
        Allocated resources:
          (Total limits may be over 100 percent, i.e., overcommitted.)
          Resource           Requests  Limits
          --------           --------  ------
          cpu                0 (0%)    0 (0%)
          memory             0 (0%)    0 (0%)
          ephemeral-storage  0 (0%)    0 (0%)
          hugepages-2Mi      0 (0%)    0 (0%)
        Events:              <none>
    "#]].assert_eq(&describe(&api, &n, at(600)));
    let cp = obj(
        Kind::Node,
        node("control-plane", "172.18.0.2", 0, false, true),
    );
    expect![[r#"
        Name:               control-plane
        Roles:              control-plane
        Labels:             beta.kubernetes.io/arch=amd64
                            beta.kubernetes.io/os=linux
                            kubernetes.io/arch=amd64
                            kubernetes.io/hostname=control-plane
                            kubernetes.io/os=linux
                            node-role.kubernetes.io/control-plane=
                            node.kubernetes.io/exclude-from-external-load-balancers=
        Annotations:        node.alpha.kubernetes.io/ttl: 0
                            volumes.kubernetes.io/controller-managed-attach-detach: true
        CreationTimestamp:  Wed, 27 Aug 2025 10:00:00 +0000
        Taints:             node-role.kubernetes.io/control-plane:NoSchedule
        Unschedulable:      false
        Lease:
          HolderIdentity:  control-plane
          AcquireTime:     <unset>
          RenewTime:       Wed, 27 Aug 2025 10:09:50 +0000
        Conditions:
          Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason                       Message
          ----             ------    -----------------                 ------------------                ------                       -------
          MemoryPressure   False     Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
          DiskPressure     False     Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
          PIDPressure      False     Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
          Ready            Unknown   Wed, 27 Aug 2025 10:09:50 +0000   Wed, 27 Aug 2025 10:00:00 +0000   NodeStatusUnknown            Kubelet stopped posting node status.
        Addresses:
          InternalIP:  172.18.0.2
          Hostname:    control-plane
        Capacity:
          cpu:                8
          ephemeral-storage:  102400Mi
          hugepages-2Mi:      0
          memory:             16Gi
          pods:               110
        Allocatable:
          cpu:                8
          ephemeral-storage:  102400Mi
          hugepages-2Mi:      0
          memory:             16Gi
          pods:               110
        System Info:
          Machine ID:                 machine-control-plane
          System UUID:                uuid-control-plane
          Boot ID:                    boot-control-plane
          Kernel Version:             6.8.0-1027
          OS Image:                   Debian GNU/Linux 12 (bookworm)
          Operating System:           linux
          Architecture:               amd64
          Container Runtime Version:  containerd://2.1.3
          Kubelet Version:            v1.34.0
          Kube-Proxy Version:         
        PodCIDR:                      10.244.1.0/24
        PodCIDRs:                     10.244.1.0/24
        Non-terminated Pods:          (0 in total)
          Namespace                   Name    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
          ---------                   ----    ------------  ----------  ---------------  -------------  ---
        Allocated resources:
          (Total limits may be over 100 percent, i.e., overcommitted.)
          Resource           Requests  Limits
          --------           --------  ------
          cpu                0 (0%)    0 (0%)
          memory             0 (0%)    0 (0%)
          ephemeral-storage  0 (0%)    0 (0%)
          hugepages-2Mi      0 (0%)    0 (0%)
        Events:              <none>
    "#]].assert_eq(&describe(&api, &cp, at(600)));
}

#[test]
fn describe_storageclass() {
    let api = api_with(vec![]);
    let sc: Object = obj(
        Kind::StorageClass,
        json!({"metadata": {"name": "standard",
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "ordinal.sim/network-disk", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}),
    );
    expect![[r#"
        Name:                  standard
        IsDefaultClass:        Yes
        Annotations:           storageclass.kubernetes.io/is-default-class=true
        Provisioner:           ordinal.sim/network-disk
        Parameters:            <none>
        AllowVolumeExpansion:  <unset>
        MountOptions:          <none>
        ReclaimPolicy:         Delete
        VolumeBindingMode:     Immediate
        Events:                <none>
    "#]]
    .assert_eq(&describe(&api, &sc, at(5)));
}
