//! The tutorials' pod commands through a Session, over the real container userland: each
//! simple command of `sh -c` is one `Cluster::exec`, redirections write the pod's volume.
//! Update with `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test cmd_exec_tutorial`.

mod exec_support;

use exec_support::{echo_lines, with_web};
use expect_test::expect;

#[test]
fn hostname_write_curl_and_data_surviving_pod_deletion() {
    let mut s = with_web();
    let script = r#"for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done
kubectl exec web-0 -- hostname
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
kubectl delete pod -l app=nginx
kubectl rollout status sts/web
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
kubectl exec web-0 -- chmod 755 /usr/share/nginx/html/index.html
kubectl exec web-0 -- ls -l /usr/share/nginx/html
kubectl exec web-1 -- sh -c 'echo extra >> /usr/share/nginx/html/index.html; cat /usr/share/nginx/html/index.html | wc -l'
kubectl exec web-0 -- sh -c 'cd /usr/share/nginx/html && pwd && cat < index.html && echo "$HOSTNAME $HOME"'
"#;
    expect![[r#"
        $ for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done
        web-0
        web-1
        $ kubectl exec web-0 -- hostname
        web-0
        $ for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
        <html>\r
        <head><title>403 Forbidden</title></head>\r
        <body bgcolor="white">\r
        <center><h1>403 Forbidden</h1></center>\r
        <hr><center>nginx/1.11.1</center>\r
        </body>\r
        </html>\r
        <html>\r
        <head><title>403 Forbidden</title></head>\r
        <body bgcolor="white">\r
        <center><h1>403 Forbidden</h1></center>\r
        <hr><center>nginx/1.11.1</center>\r
        </body>\r
        </html>\r
        $ for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done
        $ for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
        web-0
        web-1
        $ kubectl delete pod -l app=nginx
        pod "web-0" deleted from default namespace
        pod "web-1" deleted from default namespace
        $ kubectl rollout status sts/web
        Waiting for 2 pods to be ready...
        Waiting for 2 pods to be ready...
        Waiting for 1 pods to be ready...
        Waiting for 1 pods to be ready...
        partitioned roll out complete: 2 new pods have been updated...
        $ for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
        web-0
        web-1
        $ kubectl exec web-0 -- chmod 755 /usr/share/nginx/html/index.html
        $ kubectl exec web-0 -- ls -l /usr/share/nginx/html
        total 4
        -rwxr-xr-x 1 root root 6 Aug 27 10:00 index.html
        $ kubectl exec web-1 -- sh -c 'echo extra >> /usr/share/nginx/html/index.html; cat /usr/share/nginx/html/index.html | wc -l'
        2
        $ kubectl exec web-0 -- sh -c 'cd /usr/share/nginx/html && pwd && cat < index.html && echo "$HOSTNAME $HOME"'
        /usr/share/nginx/html
        web-0
        web-0 /root
    "#]]
    .assert_eq(&echo_lines(&mut s, script));
}
