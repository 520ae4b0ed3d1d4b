use super::*;
use serde_json::json;

fn pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}\n"
            },
            "creationTimestamp": "2025-05-06T10:00:00Z",
            "generateName": "web-",
            "labels": {
                "app": "nginx",
                "apps.kubernetes.io/pod-index": "0",
                "controller-revision-hash": "web-6d4cf56db6",
                "statefulset.kubernetes.io/pod-name": "web-0"
            },
            "name": "web-0",
            "namespace": "default",
            "ownerReferences": [{
                "apiVersion": "apps/v1",
                "blockOwnerDeletion": true,
                "controller": true,
                "kind": "StatefulSet",
                "name": "web",
                "uid": "1f2e3d4c-0000-4000-8000-000000000001"
            }],
            "resourceVersion": "1234",
            "uid": "0a1b2c3d-0000-4000-8000-000000000002"
        },
        "spec": {
            "containers": [{
                "image": "registry.k8s.io/nginx-slim:0.8",
                "imagePullPolicy": "IfNotPresent",
                "name": "nginx",
                "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                "resources": {},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [
                    {"mountPath": "/usr/share/nginx/html", "name": "www"},
                    {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-abcde", "readOnly": true}
                ]
            }],
            "hostname": "web-0",
            "nodeSelector": {},
            "subdomain": "nginx",
            "terminationGracePeriodSeconds": 30,
            "tolerations": [
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300}
            ],
            "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}]
        },
        "status": {
            "conditions": [{
                "lastProbeTime": null,
                "lastTransitionTime": "2025-05-06T10:00:00Z",
                "message": "containers with unready status: [nginx]",
                "reason": "ContainersNotReady",
                "status": "False",
                "type": "Ready"
            }],
            "hostIP": "172.18.0.2",
            "phase": "Running",
            "qosClass": "BestEffort"
        }
    })
}

#[test]
fn realistic_pod_yaml() {
    expect_test::expect![[r#"
        apiVersion: v1
        kind: Pod
        metadata:
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: |
              {"apiVersion":"v1","kind":"Pod"}
          creationTimestamp: "2025-05-06T10:00:00Z"
          generateName: web-
          labels:
            app: nginx
            apps.kubernetes.io/pod-index: "0"
            controller-revision-hash: web-6d4cf56db6
            statefulset.kubernetes.io/pod-name: web-0
          name: web-0
          namespace: default
          ownerReferences:
          - apiVersion: apps/v1
            blockOwnerDeletion: true
            controller: true
            kind: StatefulSet
            name: web
            uid: 1f2e3d4c-0000-4000-8000-000000000001
          resourceVersion: "1234"
          uid: 0a1b2c3d-0000-4000-8000-000000000002
        spec:
          containers:
          - image: registry.k8s.io/nginx-slim:0.8
            imagePullPolicy: IfNotPresent
            name: nginx
            ports:
            - containerPort: 80
              name: web
              protocol: TCP
            resources: {}
            terminationMessagePath: /dev/termination-log
            terminationMessagePolicy: File
            volumeMounts:
            - mountPath: /usr/share/nginx/html
              name: www
            - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
              name: kube-api-access-abcde
              readOnly: true
          hostname: web-0
          nodeSelector: {}
          subdomain: nginx
          terminationGracePeriodSeconds: 30
          tolerations:
          - effect: NoExecute
            key: node.kubernetes.io/not-ready
            operator: Exists
            tolerationSeconds: 300
          volumes:
          - name: www
            persistentVolumeClaim:
              claimName: www-web-0
        status:
          conditions:
          - lastProbeTime: null
            lastTransitionTime: "2025-05-06T10:00:00Z"
            message: 'containers with unready status: [nginx]'
            reason: ContainersNotReady
            status: "False"
            type: Ready
          hostIP: 172.18.0.2
          phase: Running
          qosClass: BestEffort
    "#]]
    .assert_eq(&to_yaml(&pod()));
}

#[test]
fn string_quoting_rules() {
    let v = json!({
        "a": ["", "0", "true", "yes", "on", "n", "null", "~", "1.5", "1e3", "0644", "0x1F", ".inf",
              "1:20", "12:30:45", "a: b", "a:b", "- x", "-x", "#c", "a #c", "a#c", "*x", "&x", "!x",
              "%x", "@x", "`x", "{x", "[x", "x]", "'q'", "\"q\"", " lead", "trail ", "tab\there",
              "héllo", "emoji 😀", "---", "...", "?x", "? x", ":x", "|x", ">x", "plain text", "x,y",
              "2025-05-06T10:00:00Z", "1Gi", "100m", "80/TCP"]
    });
    expect_test::expect![[r#"
        a:
        - ""
        - "0"
        - "true"
        - "yes"
        - "on"
        - "n"
        - "null"
        - "~"
        - "1.5"
        - "1e3"
        - "0644"
        - "0x1F"
        - ".inf"
        - "1:20"
        - "12:30:45"
        - 'a: b'
        - a:b
        - '- x'
        - -x
        - '#c'
        - 'a #c'
        - a#c
        - '*x'
        - '&x'
        - '!x'
        - '%x'
        - '@x'
        - '`x'
        - '{x'
        - '[x'
        - x]
        - '''q'''
        - '"q"'
        - ' lead'
        - 'trail '
        - "tab\there"
        - héllo
        - "emoji \U0001F600"
        - '---'
        - '...'
        - ?x
        - '? x'
        - :x
        - '|x'
        - '>x'
        - plain text
        - x,y
        - "2025-05-06T10:00:00Z"
        - 1Gi
        - 100m
        - 80/TCP
    "#]]
    .assert_eq(&to_yaml(&v));
}

#[test]
fn block_scalars_and_folding() {
    let long = "this is a rather long message that goes on and on well past the eighty column limit of go-yaml";
    let v = json!({
        "keep": "a\n\n",
        "clip": "a\nb\n",
        "strip": "a\nb",
        "lead": "  indented\nx\n",
        "trailing_space_line": "a \nb\n",
        "long": long,
        "longq": format!("x: {long}"),
        "nested": {"list": [{"script": "echo hi\necho bye\n"}]},
        "empty_list": [],
        "empty_map": {},
        "nums": [1, -2, 1.5, 1e21, 0.000001, 18446744073709551615u64]
    });
    expect_test::expect![[r#"
        clip: |
          a
          b
        empty_list: []
        empty_map: {}
        keep: |+
          a

        lead: |2
            indented
          x
        long: this is a rather long message that goes on and on well past the eighty column
          limit of go-yaml
        longq: 'x: this is a rather long message that goes on and on well past the eighty
          column limit of go-yaml'
        nested:
          list:
          - script: |
              echo hi
              echo bye
        nums:
        - 1
        - -2
        - 1.5
        - 1e+21
        - 1e-06
        - 18446744073709551615
        strip: |-
          a
          b
        trailing_space_line: "a \nb\n"
    "#]]
    .assert_eq(&to_yaml(&v));
}

#[test]
fn nested_sequences() {
    let v = json!({"a": [[1, 2], [], {"b": [3]}]});
    expect_test::expect![[r#"
        a:
        - - 1
          - 2
        - []
        - b:
          - 3
    "#]]
    .assert_eq(&to_yaml(&v));
}

#[test]
fn json_output() {
    let v = json!({"kind": "List", "items": [], "metadata": {"resourceVersion": ""}, "s": "<a&b>", "f": 1.5, "e": {}});
    expect_test::expect![[r#"
        {
            "e": {},
            "f": 1.5,
            "items": [],
            "kind": "List",
            "metadata": {
                "resourceVersion": ""
            },
            "s": "\u003ca\u0026b\u003e"
        }
    "#]]
    .assert_eq(&to_json(&v));
}

#[test]
fn yaml_round_trips_through_intake() {
    let v = pod();
    let back = crate::yaml::yaml_to_json(&to_yaml(&v), &crate::yaml::Limits::FILE).unwrap();
    assert_eq!(back, v);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn strings_round_trip(s in "\\PC{0,120}|[ a-z:#'\"\\-\n]{0,120}") {
            let v = json!({"k": s, "l": [s.clone()]});
            let text = to_yaml(&v);
            let back = crate::yaml::yaml_to_json(&text, &crate::yaml::Limits::FILE);
            prop_assert_eq!(back, Ok(v), "yaml was:\n{}", text);
        }
    }
}
