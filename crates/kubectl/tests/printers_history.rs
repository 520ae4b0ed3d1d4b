//! Golden tests for `kubectl rollout history statefulset/web [--revision=N]`.
//! Layout: rollout_history.go prints `<name printer> <withRevision>\n<history>` through the name
//! printer, so the header has a trailing space and the table ends with a blank line
//! (statefulset-semantics §5.11); `--revision` prints `DescribePodTemplate` without a tabwriter.

mod printers_support;

use expect_test::expect;
use ordinal_kubectl::printers::history::rollout_history;
use ordinal_model::api::ApiServer;
use ordinal_model::objects::{Kind, StatefulSet};
use ordinal_model::time::EPOCH;
use printers_support::*;
use serde_json::{json, Value};

fn revision(name: &str, rev: i64, image: &str, cause: Option<&str>) -> Value {
    let mut annotations = json!({});
    if let Some(c) = cause {
        annotations["kubernetes.io/change-cause"] = json!(c);
    }
    json!({
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "nginx", "controller.kubernetes.io/hash": "x"},
            "annotations": annotations,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                "uid": "5e0c7d2b-1111-4222-8333-444455556666", "controller": true, "blockOwnerDeletion": true}]},
        "data": {"spec": {"template": {"$patch": "replace",
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {"containers": [{"name": "nginx", "image": image, "imagePullPolicy": "IfNotPresent",
                "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}], "resources": {},
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                "volumeMounts": [{"mountPath": "/usr/share/nginx/html", "name": "www"}]}],
                "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                "securityContext": {}, "terminationGracePeriodSeconds": 10}}}},
        "revision": rev
    })
}

fn setup(revs: Vec<Value>) -> (ApiServer, StatefulSet) {
    let mut api = ApiServer::new(0, EPOCH);
    api.create(
        obj(Kind::Namespace, json!({"metadata": {"name": "default"}})),
        "test",
    )
    .unwrap();
    for r in revs {
        api.create(obj(Kind::ControllerRevision, r), "test")
            .unwrap();
    }
    // A revision of another set with the same labels is not listed.
    let mut foreign = revision("other-5f6d7c8b9", 7, "busybox", None);
    foreign["metadata"]["ownerReferences"][0]["uid"] = json!("someone-else");
    api.create(obj(Kind::ControllerRevision, foreign), "test")
        .unwrap();
    let sts: StatefulSet = serde_json::from_value(web_sts(0, 2, 2)).unwrap();
    (api, sts)
}

#[test]
fn history_table() {
    let (api, sts) = setup(vec![
        revision("web-6d4cf56db6", 1, "registry.k8s.io/nginx-slim:0.24", None),
        revision(
            "web-7b5c8d4f9",
            2,
            "registry.k8s.io/nginx-slim:0.21",
            Some("kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.21"),
        ),
    ]);
    expect![[r#"
        statefulset.apps/web 
        REVISION  CHANGE-CAUSE
        1         <none>
        2         kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.21

    "#]]
    .assert_eq(&rollout_history(&api, &sts, 0).unwrap());
}

#[test]
fn history_one_revision() {
    let (api, sts) = setup(vec![
        revision("web-6d4cf56db6", 1, "registry.k8s.io/nginx-slim:0.24", None),
        revision("web-7b5c8d4f9", 2, "registry.k8s.io/nginx-slim:0.21", None),
    ]);
    expect![[r#"
        statefulset.apps/web with revision #2
        Pod Template:
          Labels:	app=nginx
          Containers:
           nginx:
            Image:	registry.k8s.io/nginx-slim:0.21
            Port:	80/TCP
            Host Port:	0/TCP
            Environment:	<none>
            Mounts:
              /usr/share/nginx/html from www (rw)
          Volumes:	<none>
          Node-Selectors:	<none>
          Tolerations:	<none>

    "#]]
    .assert_eq(&rollout_history(&api, &sts, 2).unwrap());
    assert_eq!(
        rollout_history(&api, &sts, 9).unwrap_err(),
        "unable to find the specified revision"
    );
}

#[test]
fn history_empty() {
    let (api, sts) = setup(vec![]);
    expect![[r#"
        statefulset.apps/web 
        No rollout history found.
    "#]]
    .assert_eq(&rollout_history(&api, &sts, 0).unwrap());
}
