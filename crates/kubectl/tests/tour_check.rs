//! The check evaluator's "why not yet" details and the progress API the UI drives.

use expect_test::expect;
use ordinal_kubectl::tour::{Tour, TourProgress};
use ordinal_kubectl::Session;

const TOUR: &str = r#"---
title: T
id: t
description: d
---
## Create
```shell
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
```
```check
pods web-0 web-1 running ready
```
## Scale
```shell
kubectl scale sts web --replicas=3
```
<!-- check: command-ran "kubectl scale sts web --replicas=3" and statefulset web ready 3 -->
## Delete
```shell
kubectl delete pod web-0
```
```check
pod web-0 recreated running ready and pvc www-web-0 bound
```
"#;

#[test]
fn details_say_why_not_yet_and_status_reads_as_text() {
    let tour = Tour::parse("t.md", TOUR).unwrap();
    let mut s = Session::new(0);
    let mut p = TourProgress::new(tour, &s.cluster());
    let mut seen = Vec::new();
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    p.submit(
        &mut s,
        "kubectl apply -f https://k8s.io/examples/application/web/web.yaml",
    );
    s.run_until_blocked();
    for _ in 0..40 {
        let r = p.evaluate_session(&s);
        let line = format!("{} | {}", p.status_text(), r.detail);
        if seen.last() != Some(&line) {
            seen.push(line);
        }
        if r.done {
            break;
        }
        s.advance_ms(500);
    }
    p.next(&s.cluster());
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    // Typed differently from the step's command: still counts.
    p.submit(&mut s, "kubectl scale statefulset/web --replicas 3");
    s.run_until_blocked();
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    s.advance_ms(30_000);
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    p.next(&s.cluster());
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    p.submit(&mut s, "kubectl delete pod web-0");
    s.run_until_blocked();
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    s.advance_ms(30_000);
    let r = p.evaluate_session(&s);
    seen.push(format!("{} | {}", p.status_text(), r.detail));
    p.previous(&s.cluster());
    seen.push(format!("after Previous step: {}", p.status_text()));
    expect![[r#"
        Step 1 of 3: not done yet | Pod web-0 does not exist
        Step 1 of 3: not done yet | web-0 is Pending
        Step 1 of 3: not done yet | web-1 is Pending
        Step 1 of 3: done | done
        Step 2 of 3: not done yet | run `kubectl scale statefulset web --replicas=3`
        Step 2 of 3: not done yet | StatefulSet web has ready replicas 2, not 3
        Step 2 of 3: done | done
        Step 3 of 3: not done yet | web-0 is still the Pod that existed when step 3 began
        Step 3 of 3: not done yet | Pod web-0 does not exist
        Step 3 of 3: done | done
        after Previous step: Step 2 of 3: done"#]]
    .assert_eq(&seen.join("\n"));
}
