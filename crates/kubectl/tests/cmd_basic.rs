//! kubectl commands through a Session: outputs, errors, warnings and exit codes.

use expect_test::expect;
use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::Session;
use proptest::prelude::*;

fn run(script: &str) -> String {
    let mut files = MemFiles::new();
    files.insert(
        "web-2016.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\n  labels:\n    app: nginx\nspec:\n  ports:\n  - port: 80\n    name: web\n  clusterIP: None\n  selector:\n    app: nginx\n---\napiVersion: apps/v1beta1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: \"nginx\"\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: gcr.io/google_containers/nginx-slim:0.8\n",
    );
    let mut s = Session::with_files(0, Box::new(files), true);
    let mut out = String::new();
    for line in script.lines() {
        s.submit(line);
        s.run_until_blocked();
        for (_, t) in s.poll() {
            out.push_str(&t);
        }
    }
    out
}

#[test]
fn errors_read_like_kubectl() {
    let out = run(r#"kubectl create -f web.yml
echo $?
kubectl foo
kubectl get po --bogus
kubectl get statefulsetz
kubectl get pods
kubectl exec web-0 hostname
kubectl delete pod web-9
kubectl delete sts web --cascade=bogus
kubectl scale sts web --replicas=-1
kubectl patch sts web --type foo -p '{}'
kubectl get
"#);
    expect![[r#"
        error: the path "web.yml" does not exist
        1
        error: unknown command "foo" for "kubectl"

        Did you mean this?
        	top
        error: unknown flag: --bogus
        See 'kubectl get --help' for usage.
        error: the server doesn't have a resource type "statefulsetz"
        No resources found in default namespace.
        error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead
        See 'kubectl exec -h' for help and examples
        Error from server (NotFound): pods "web-9" not found
        error: invalid cascade value (bogus). Must be "background", "foreground", or "orphan".
        error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0
        error: --type must be one of [json merge strategic], not "foo"
        You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.

        error: Required resource not specified.
        Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).
        See 'kubectl get -h' for help and examples
    "#]]
    .assert_eq(&out);
}

#[test]
fn the_2016_manifest_is_rejected_with_a_hint() {
    let out = run("kubectl apply -f web-2016.yaml\necho $?\n");
    expect![[r#"
        service/nginx created
        error: resource mapping not found for name: "web" namespace: "" from "web-2016.yaml": no matches for kind "StatefulSet" in version "apps/v1beta1"
        ensure CRDs are installed first
        ordinal: hint: StatefulSet is served as apps/v1 in Kubernetes v1.34 (apps/v1beta1 was removed); change the manifest's apiVersion to apps/v1 and add spec.selector.matchLabels matching the pod template's labels
        1
    "#]]
    .assert_eq(&out);
}

#[test]
fn apply_create_patch_delete() {
    let out = run(
        r#"kubectl create -f https://k8s.io/examples/application/web/web.yaml
kubectl create -f https://k8s.io/examples/application/web/web.yaml
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
kubectl patch sts web -p '{"spec":{"replicas":3}}'
kubectl patch sts web -p '{"spec":{"replicas":3}}'
kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'
kubectl get sts web -o jsonpath='{.spec.replicas}'; echo
kubectl get sts,svc -o name
kubectl delete statefulset web --cascade=false
kubectl delete svc nginx
"#,
    );
    expect![[r#"
        service/nginx created
        statefulset.apps/web created
        Error from server (AlreadyExists): error when creating "https://k8s.io/examples/application/web/web.yaml": services "nginx" already exists
        Error from server (AlreadyExists): error when creating "https://k8s.io/examples/application/web/web.yaml": statefulsets.apps "web" already exists
        Warning: resource services/nginx is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.
        service/nginx configured
        Warning: resource statefulsets.apps/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.
        statefulset.apps/web configured
        statefulset.apps/web patched
        statefulset.apps/web patched (no change)
        The StatefulSet "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: {"Partition":0,"MaxUnavailable":null}: only allowed for updateStrategy 'RollingUpdate'
        3
        statefulset.apps/web
        service/kubernetes
        service/nginx
        warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.
        statefulset.apps "web" deleted from default namespace
        service "nginx" deleted from default namespace
    "#]]
    .assert_eq(&out);
}

#[test]
fn sim_verbs() {
    let out =
        run("sim time\nsim gate MaxUnavailableStatefulSet=true\nsim gate Nope=true\nsim bogus\n");
    assert!(out.starts_with(
        "2025-08-27T10:00:00Z (+0.000s)\nfeature gate MaxUnavailableStatefulSet=true\n"
    ));
    assert!(out.contains("sim: unknown command: bogus"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_kubectl_argv_never_panics(args in proptest::collection::vec(
        prop_oneof![
            Just("get".to_string()), Just("apply".to_string()), Just("delete".to_string()),
            Just("exec".to_string()), Just("run".to_string()), Just("rollout".to_string()),
            Just("wait".to_string()), Just("-f".to_string()), Just("-".to_string()),
            Just("--".to_string()), Just("-w".to_string()), Just("-o".to_string()),
            Just("pods".to_string()), Just("sts/web".to_string()), Just("-l".to_string()),
            Just("--cascade".to_string()), Just("-it".to_string()), Just("status".to_string()),
            "[a-z=/,.{}$-]{0,12}",
        ],
        0..8,
    )) {
        let mut s = Session::new(1);
        let mut line = String::from("kubectl");
        for a in &args {
            line.push_str(" '");
            line.push_str(&a.replace('\'', ""));
            line.push('\'');
        }
        s.submit(&line);
        s.run_until_blocked();
        let _ = s.poll();
        s.end_of_input();
        s.run_until_blocked();
    }
}
