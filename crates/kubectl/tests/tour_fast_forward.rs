//! Opening a tour at step N on a fresh cluster (`?tour=…&step=N`): `TourProgress::fast_forward`
//! runs steps 1..N-1 the way a reader would, so the cluster is in the state step N expects.
//! Sessions are made as the web page makes them (not in script mode: watches and pod shells
//! would block forever if fast-forward did not handle them).

use expect_test::expect;
use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::shell::Stream;
use ordinal_kubectl::tour::{Tour, TourProgress, FAST_FORWARD_STEP_CAP_MS};
use ordinal_kubectl::Session;

fn tour_text(file: &str) -> String {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/tours")
        .join(file);
    std::fs::read_to_string(p).unwrap()
}

/// A session like the page's engine: in-memory files, interactive (not script) mode.
fn page_session(seed: u64) -> Session {
    Session::with_files(seed, Box::new(MemFiles::new()), false)
}

fn open_at(file: &str, step: usize) -> (Session, TourProgress, Vec<(Stream, String)>) {
    let tour = Tour::parse(file, &tour_text(file)).unwrap_or_else(|e| panic!("{e}"));
    let mut s = page_session(tour.seed.unwrap_or(0));
    let mut p = TourProgress::new(tour, &s.cluster());
    let mut out = Vec::new();
    p.fast_forward(&mut s, step, &mut out)
        .unwrap_or_else(|e| panic!("{file} at step {}: {e}", step + 1));
    (s, p, out)
}

fn every_step_opens(file: &str) {
    let n = Tour::parse(file, &tour_text(file)).unwrap().steps.len();
    for step in 1..n {
        let wall = std::time::Instant::now();
        let (s, p, _) = open_at(file, step);
        let wall_ms = wall.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(p.step(), step, "{file}: opened at the step asked for");
        for earlier in 0..step {
            assert!(
                p.is_done(earlier),
                "{file} opened at step {}: step {} is not marked done",
                step + 1,
                earlier + 1
            );
        }
        assert!(
            !s.busy(),
            "{file} opened at step {}: a command is still running",
            step + 1
        );
        eprintln!(
            "{file}: opened at step {} of {n}: {:.1} virtual s in {wall_ms:.1} wall ms",
            step + 1,
            (s.now().ms() - s.with_timeline(|tl| tl.start().ms())) as f64 / 1000.0
        );
    }
}

#[test]
fn statefulset_basics_opens_at_every_step() {
    every_step_opens("statefulset-basics.md");
}

#[test]
fn canary_opens_at_every_step() {
    every_step_opens("canary.md");
}

#[test]
fn statefulset_basics_step_3_has_the_pods_of_steps_1_and_2() {
    let (mut s, p, out) = open_at("statefulset-basics.md", 2);
    assert_eq!(p.status_text(), "Step 3 of 22: not done yet");
    assert_eq!(p.current_step().title, "Stable hostnames");
    let transcript: String = out.iter().map(|(_, t)| t.as_str()).collect();
    expect![[r#"
        $ kubectl apply -f https://k8s.io/examples/application/web/web.yaml
        service/nginx created
        statefulset.apps/web created
        $ kubectl get statefulset web
        NAME   READY   AGE
        web    2/2     13s
        $ kubectl get pods -l app=nginx
        NAME    READY   STATUS    RESTARTS   AGE
        web-0   1/1     Running   0          13s
        web-1   1/1     Running   0          7s
    "#]]
    .assert_eq(&transcript);
    let pods = s.run_script("kubectl get pods -o wide");
    expect![[r#"
        NAME    READY   STATUS    RESTARTS   AGE   IP           NODE       NOMINATED NODE   READINESS GATES
        web-0   1/1     Running   0          13s   10.244.2.9   worker-2   <none>           <none>
        web-1   1/1     Running   0          7s    10.244.3.8   worker-3   <none>           <none>
    "#]]
    .assert_eq(&pods);
}

#[test]
fn fast_forward_is_deterministic() {
    let a = open_at("statefulset-basics.md", 11);
    let b = open_at("statefulset-basics.md", 11);
    let hash = |s: &Session| s.with_timeline(|tl| tl.cluster().event_log_hash());
    assert_eq!(a.0.now(), b.0.now());
    assert_eq!(hash(&a.0), hash(&b.0));
    assert_eq!(a.2, b.2, "the same transcript");
}

#[test]
fn fast_forward_to_step_1_runs_nothing() {
    let (s, p, out) = open_at("statefulset-basics.md", 0);
    assert_eq!(p.step(), 0);
    assert!(out.is_empty());
    assert_eq!(s.now(), s.with_timeline(|tl| tl.start()));
    assert!(s
        .cluster()
        .api
        .list::<ordinal_model::objects::Pod>(None)
        .all(|p| p.metadata.namespace.as_deref() != Some("default")));
}

const WATCH_AND_SHELL: &str = r#"---
title: Blocking commands
id: blocking
description: Watches and pod shells in steps.
seed: 3
---
## Watch the set come up

```shell
kubectl get pods -w -l app=nginx
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
```

```check
pods web-0 web-1 running ready
```

## Open a shell and leave it open

```shell
kubectl run -i --tty --image busybox:1.28 shell --restart=Never --rm
nslookup web-0.nginx
```

```check
command-ran "nslookup web-0.nginx"
```

## Scale

```shell
kubectl scale sts web --replicas=3
```

```check
pods web-2 running ready
```

## Look

```shell
kubectl get pods
```
"#;

#[test]
fn watches_and_pod_shells_do_not_block_fast_forward() {
    let tour = Tour::parse("blocking.md", WATCH_AND_SHELL).unwrap_or_else(|e| panic!("{e}"));
    let mut s = page_session(3);
    let mut p = TourProgress::new(tour, &s.cluster());
    let mut out = Vec::new();
    p.fast_forward(&mut s, 3, &mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.status_text(), "Step 4 of 4: not done yet");
    assert!((0..3).all(|i| p.is_done(i)));
    assert!(
        !s.busy(),
        "the pod shell was left with `exit` before `kubectl scale`"
    );
    let transcript: String = out.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        transcript.contains("$ kubectl get pods -w -l app=nginx\n"),
        "{transcript}"
    );
    assert!(
        transcript.contains("nslookup web-0.nginx\n"),
        "{transcript}"
    );
    assert!(transcript.contains("exit\n"), "{transcript}");
}

const NEVER_DONE: &str = r#"---
title: A check that cannot pass
id: never
description: A check that cannot pass.
seed: 0
---
## Create

```shell
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
```

```check
statefulset web replicas 5
```

## Next

```shell
kubectl get pods
```
"#;

#[test]
fn a_check_that_never_passes_stops_at_its_step() {
    let tour = Tour::parse("never.md", NEVER_DONE).unwrap_or_else(|e| panic!("{e}"));
    let mut s = page_session(0);
    let mut p = TourProgress::new(tour, &s.cluster());
    let mut out = Vec::new();
    let start = s.now().ms();
    let err = p.fast_forward(&mut s, 1, &mut out).unwrap_err();
    assert_eq!(err.step, 0);
    assert_eq!(p.step(), 0, "the tour stays at the step that did not pass");
    assert!(!p.is_done(0));
    assert!(s.now().ms() - start >= FAST_FORWARD_STEP_CAP_MS);
    expect![[r#"Step 1 ("Create") did not pass its check within 10 virtual minutes of its commands (StatefulSet web has replicas 2, not 5); the tour stopped there."#]].assert_eq(&err.to_string());
}
