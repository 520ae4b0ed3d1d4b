//! `kubectl exec`, probes and logs through the container userland, on a cluster with the real
//! controllers: the tutorial's `web` StatefulSet, its data surviving a pod's deletion, DNS
//! from a busybox pod following readiness, the e2e way of failing a readiness probe
//! (`mv index.html`), error texts, and replay of exec inputs.
//!
//! Scripts are data: one command per line, the transcript is the snapshot.
//!
//! ```text
//! apply web            the Service + StatefulSet of www/manifests/web.yaml
//! apply web-probe      the same with a readinessProbe on /index.html (period 1 s)
//! apply busybox NAME IMAGE      a pod running `sleep 3600`
//! apply pod NAME IMAGE ARGV…    a pod running ARGV (restartPolicy Never)
//! ready POD            run until the pod is Running and Ready (≤ 120 s), print node
//! unready POD          run until the pod is not Ready (≤ 120 s)
//! advance MS
//! delete POD
//! fault unready|ready POD
//! POD[/CONTAINER]$ ARGV…    Cluster::exec
//! POD> PATH TEXT       Cluster::exec_write_file (`\n` is a newline)
//! POD>> PATH TEXT      the same, appending
//! logs POD [previous]
//! ```

use expect_test::{expect, Expect};
use ordinal_model::objects::Pod;
use ordinal_model::{Cluster, Input, Kind, Scenario};
use serde_json::{json, Value};

/// www/manifests/web.yaml as JSON (the model crate has no YAML parser).
fn web_manifests(probe: bool) -> Vec<Value> {
    let svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None",
                 "selector": {"app": "nginx"}}});
    let mut container = json!({"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.8",
        "ports": [{"containerPort": 80, "name": "web"}],
        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]});
    if probe {
        container["readinessProbe"] = json!({"httpGet": {"path": "/index.html", "port": 80},
            "periodSeconds": 1, "failureThreshold": 1});
    }
    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"serviceName": "nginx", "replicas": 2,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [container]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}}}]}});
    vec![svc, sts]
}

fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn pod<'a>(c: &'a Cluster, name: &str) -> Option<&'a Pod> {
    c.api.get::<Pod>("default", name)
}

fn run_until(c: &mut Cluster, limit_ms: u64, mut done: impl FnMut(&Cluster) -> bool) -> bool {
    for _ in 0..(limit_ms / 250) {
        if done(c) {
            return true;
        }
        c.run_for_ms(250);
    }
    done(c)
}

fn indent(out: &mut String, text: &str, tag: &str) {
    for l in text.lines() {
        out.push_str(format!("  {tag}{l}").trim_end());
        out.push('\n');
    }
}

fn run_script(c: &mut Cluster, script: &str) -> String {
    let mut out = String::new();
    for line in script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        out.push_str(line);
        out.push('\n');
        if let Some((target, cmd)) = line.split_once("$ ") {
            let (p, container) = match target.split_once('/') {
                Some((p, c)) => (p, Some(c)),
                None => (target, None),
            };
            match c.exec("default", p, container, words(cmd), String::new()) {
                Ok(o) => {
                    indent(&mut out, &o.stdout, "");
                    indent(&mut out, &o.stderr, "[stderr] ");
                    if o.exit_code != 0 {
                        out.push_str(&format!(
                            "  command terminated with exit code {}\n",
                            o.exit_code
                        ));
                    }
                    if let Some(t) = o.blocks_until_ms {
                        out.push_str(&format!(
                            "  [blocks for {} ms]\n",
                            t.saturating_sub(c.now().ms())
                        ));
                    }
                }
                Err(e) => indent(&mut out, &e.message(), ""),
            }
            continue;
        }
        if let Some((target, rest)) = line.split_once("> ") {
            let (target, append) = match target.strip_suffix('>') {
                Some(t) => (t, true),
                None => (target, false),
            };
            let (path, text) = rest.split_once(' ').unwrap_or((rest, ""));
            let text = text.replace("\\n", "\n");
            if let Err(e) = c.exec_write_file("default", target, None, path, &text, append) {
                out.push_str(&format!("  {e:?}\n"));
            }
            continue;
        }
        let ws = words(line);
        match ws.first().map(String::as_str).unwrap_or("") {
            "apply" => {
                let objs = match ws.get(1).map(String::as_str) {
                    Some("web") => web_manifests(false),
                    Some("web-probe") => web_manifests(true),
                    Some("busybox") => vec![json!({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": ws[2], "namespace": "default"},
                        "spec": {"containers": [{"name": ws[2], "image": ws[3],
                            "command": ["sleep", "3600"]}]}})],
                    Some("pod") => vec![json!({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": ws[2], "namespace": "default"},
                        "spec": {"restartPolicy": "Never",
                            "containers": [{"name": ws[2], "image": ws[3],
                            "command": ws[4..].to_vec()}]}})],
                    other => panic!("unknown manifest {other:?}"),
                };
                for o in objs {
                    c.apply(Input::Create { object: o }).expect("create");
                }
            }
            "ready" => {
                let ok = run_until(c, 120_000, |c| {
                    pod(c, &ws[1]).is_some_and(|p| p.is_running_and_ready())
                });
                let p = pod(c, &ws[1]);
                out.push_str(&format!(
                    "  ready={ok} node={} ip={} restarts={}\n",
                    p.and_then(|p| p.spec.node_name.clone()).unwrap_or_default(),
                    p.and_then(|p| p.status.pod_ip.clone()).unwrap_or_default(),
                    p.map_or(0, |p| p
                        .status
                        .container_statuses
                        .iter()
                        .map(|c| c.restart_count)
                        .sum::<i32>())
                ));
            }
            "unready" => {
                let t0 = c.now();
                let ok = run_until(c, 120_000, |c| {
                    pod(c, &ws[1]).is_some_and(|p| !p.is_ready())
                });
                out.push_str(&format!(
                    "  unready={ok} after {} ms\n",
                    c.now().ms() - t0.ms()
                ));
            }
            "advance" => c.run_for_ms(ws[1].parse().expect("ms")),
            "status" => {
                let p = pod(c, &ws[1]);
                let cs = p.and_then(|p| p.status.container_statuses.first());
                let term = cs.and_then(|s| s.state.terminated.as_ref());
                out.push_str(&format!(
                    "  phase={} exitCode={:?} reason={:?}\n",
                    p.map_or("?", |p| p.phase()),
                    term.map(|t| t.exit_code),
                    term.and_then(|t| t.reason.clone())
                ));
            }
            "delete" => {
                c.apply(Input::Delete {
                    kind: Kind::Pod,
                    namespace: "default".into(),
                    name: ws[1].clone(),
                    options: Default::default(),
                })
                .expect("delete");
                let uid = pod(c, &ws[1]).map(|p| p.metadata.uid.clone());
                let gone = run_until(c, 120_000, |c| {
                    pod(c, &ws[1]).map(|p| p.metadata.uid.clone()) != uid
                });
                out.push_str(&format!("  replaced={gone}\n"));
            }
            "fault" => {
                let f = match ws[1].as_str() {
                    "unready" => ordinal_model::Fault::PodUnready {
                        namespace: "default".into(),
                        pod: ws[2].clone(),
                    },
                    _ => ordinal_model::Fault::PodReady {
                        namespace: "default".into(),
                        pod: ws[2].clone(),
                    },
                };
                if let Err(e) = c.apply(Input::Fault(f)) {
                    out.push_str(&format!("  {}\n", e.message));
                }
            }
            "logs" => {
                let prev = ws.get(2).map(String::as_str) == Some("previous");
                match c.container_logs("default", &ws[1], None, prev) {
                    Ok(text) => indent(&mut out, &text, ""),
                    Err(e) => out.push_str(&format!("  Error from server: {}\n", e.message)),
                }
            }
            other => panic!("unknown command {other}"),
        }
    }
    out
}

fn check(script: &str, expect: Expect) -> Cluster {
    let mut c = Cluster::default_cluster();
    let out = run_script(&mut c, script);
    expect.assert_eq(&out);
    c
}

#[test]
fn web_0_serves_its_hostname_and_keeps_it_across_rescheduling() {
    let c = check(
        r#"
        apply web
        ready web-0
        ready web-1
        web-0$ hostname
        web-0$ cat /usr/share/nginx/html/index.html
        web-0> /usr/share/nginx/html/index.html web-0\n
        web-1> /usr/share/nginx/html/index.html web-1\n
        web-0$ curl -s localhost
        web-0$ curl -s http://web-1.nginx
        delete web-0
        ready web-0
        web-0$ curl -s localhost
        web-0$ ls /usr/share/nginx/html
        logs web-0
        "#,
        expect![[r#"
            apply web
            ready web-0
              ready=true node=worker-2 ip=10.244.2.9 restarts=0
            ready web-1
              ready=true node=worker-3 ip=10.244.3.8 restarts=0
            web-0$ hostname
              web-0
            web-0$ cat /usr/share/nginx/html/index.html
              [stderr] cat: /usr/share/nginx/html/index.html: No such file or directory
              command terminated with exit code 1
            web-0> /usr/share/nginx/html/index.html web-0\n
            web-1> /usr/share/nginx/html/index.html web-1\n
            web-0$ curl -s localhost
              web-0
            web-0$ curl -s http://web-1.nginx
              web-1
            delete web-0
              replaced=true
            ready web-0
              ready=true node=worker-2 ip=10.244.2.10 restarts=0
            web-0$ curl -s localhost
              web-0
            web-0$ ls /usr/share/nginx/html
              index.html
            logs web-0
              127.0.0.1 - - [27/Aug/2025:10:00:16 +0000] "GET / HTTP/1.1" 200 6 "-" "curl/7.47.0"
        "#]],
    );
    let replayed = Scenario::of_cluster(&c).replay();
    assert_eq!(replayed.event_log_hash(), c.event_log_hash());
}

#[test]
fn nslookup_from_busybox_follows_readiness() {
    check(
        r#"
        apply web-probe
        apply busybox dns-test busybox:1.28
        ready dns-test
        ready web-0
        web-0> /usr/share/nginx/html/index.html web-0\n
        ready web-0
        dns-test$ nslookup web-0.nginx
        dns-test$ nslookup nginx
        dns-test$ nslookup 10.96.0.1
        # The e2e way: move the page away, the readiness probe fails, the record goes.
        web-0$ mv /usr/share/nginx/html/index.html /usr/share/nginx/html/index.html.bak
        unready web-0
        dns-test$ nslookup web-0.nginx
        web-0$ mv /usr/share/nginx/html/index.html.bak /usr/share/nginx/html/index.html
        ready web-0
        dns-test$ nslookup web-0.nginx
        "#,
        expect![[r#"
            apply web-probe
            apply busybox dns-test busybox:1.28
            ready dns-test
              ready=true node=worker-2 ip=10.244.2.9 restarts=0
            ready web-0
              ready=false node=worker-3 ip=10.244.3.8 restarts=0
            web-0> /usr/share/nginx/html/index.html web-0\n
            ready web-0
              ready=true node=worker-3 ip=10.244.3.8 restarts=0
            dns-test$ nslookup web-0.nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              Name:      web-0.nginx
              Address 1: 10.244.3.8 web-0.nginx.default.svc.cluster.local
            dns-test$ nslookup nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              Name:      nginx
              Address 1: 10.244.3.8 web-0.nginx.default.svc.cluster.local
            dns-test$ nslookup 10.96.0.1
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              Name:      10.96.0.1
              Address 1: 10.96.0.1 kubernetes.default.svc.cluster.local
            web-0$ mv /usr/share/nginx/html/index.html /usr/share/nginx/html/index.html.bak
            unready web-0
              unready=true after 1000 ms
            dns-test$ nslookup web-0.nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              [stderr] nslookup: can't resolve 'web-0.nginx'
              command terminated with exit code 1
            web-0$ mv /usr/share/nginx/html/index.html.bak /usr/share/nginx/html/index.html
            ready web-0
              ready=true node=worker-3 ip=10.244.3.8 restarts=0
            dns-test$ nslookup web-0.nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              Name:      web-0.nginx
              Address 1: 10.244.3.8 web-0.nginx.default.svc.cluster.local
        "#]],
    );
}

#[test]
fn exec_errors_read_like_kubectl() {
    check(
        r#"
        apply web
        web-9$ hostname
        advance 2000
        web-0$ hostname
        ready web-0
        web-0$ echo hi
        web-0/x$ hostname
        web-0$ foo
        web-0$ ls /nope
        web-0$ sleep 5
        apply pod done busybox:1.28 echo hello
        apply pod fails busybox:1.28 sh -c 'echo starting; cat /nope'
        advance 20000
        logs fails
        status fails
        done$ hostname
        logs done
        logs web-0 previous
        "#,
        expect![[r#"
            apply web
            web-9$ hostname
              Error from server (NotFound): pods "web-9" not found
            advance 2000
            web-0$ hostname
              error: unable to upgrade connection: container not found ("nginx")
            ready web-0
              ready=true node=worker-2 ip=10.244.2.9 restarts=0
            web-0$ echo hi
              hi
            web-0/x$ hostname
              Error from server (BadRequest): container x is not valid for pod web-0
            web-0$ foo
              error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "704d5a030c3d04905ffe9b11c47b69d03b467670d9928a831bee1ff2eac21571": OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found in $PATH: unknown
            web-0$ ls /nope
              [stderr] ls: cannot access '/nope': No such file or directory
              command terminated with exit code 2
            web-0$ sleep 5
              [blocks for 5000 ms]
            apply pod done busybox:1.28 echo hello
            apply pod fails busybox:1.28 sh -c 'echo starting; cat /nope'
            advance 20000
            logs fails
              starting
              cat: can't open '/nope': No such file or directory
            status fails
              phase=Failed exitCode=Some(1) reason=Some("Error")
            done$ hostname
              error: cannot exec into a container in a completed pod; current phase is Succeeded
            logs done
              hello
            logs web-0 previous
              Error from server: previous terminated container "nginx" in pod "web-0" not found
        "#]],
    );
}

#[test]
fn kill_1_stops_nginx_and_the_container_restarts() {
    check(
        r#"
        apply web
        ready web-0
        web-0$ curl -s -o /dev/null localhost
        web-0$ kill 1
        advance 3000
        ready web-0
        logs web-0 previous
        logs web-0
        "#,
        expect![[r#"
            apply web
            ready web-0
              ready=true node=worker-2 ip=10.244.2.9 restarts=0
            web-0$ curl -s -o /dev/null localhost
            web-0$ kill 1
            advance 3000
            ready web-0
              ready=true node=worker-2 ip=10.244.2.9 restarts=1
            logs web-0 previous
              2025/08/27 10:00:07 [error] 7#7: *1 directory index of "/usr/share/nginx/html/" is forbidden, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              127.0.0.1 - - [27/Aug/2025:10:00:07 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
            logs web-0
        "#]],
    );
}
