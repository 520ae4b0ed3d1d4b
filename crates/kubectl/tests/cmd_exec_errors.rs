//! `kubectl exec` errors and exit codes: kubectl's own lines (`ExecError::message`), the image
//! shell's not-found texts (busybox ash vs dash), `command terminated with exit code N`.
//! Update with `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test cmd_exec_errors`.

mod exec_support;

use exec_support::{echo_lines, with_web};
use expect_test::expect;

#[test]
fn exec_errors_and_exit_codes() {
    let mut s = with_web();
    let script = r#"kubectl exec web-9 -- hostname
echo $?
kubectl exec web-0 -- nosuch
echo $?
kubectl exec web-0 -c nope -- hostname
echo $?
kubectl exec web-0 -- sh -c 'nosuch; echo "in $HOSTNAME: $?"; echo x > /nodir/y'
echo $?
kubectl exec web-0 -- sh -c 'exit 3'
echo $?
kubectl exec web-0 -- sh -c 'echo "unterminated'
echo $?
kubectl exec web-0 -- cat /nonexistent
echo $?
kubectl exec web-0 -- sh
echo $?
echo hostname | kubectl exec -i web-0 -- sh
kubectl exec web-0 -- sh -c 'echo $0 $1 $2' zero one two
kubectl exec web-0 -- sh -c 'for i in 1 2; do echo $i; done | tail -1; exit 3'; echo $?
kubectl run bb --image=busybox:1.28 --restart=Never -- sleep 3600
sleep 10
kubectl exec bb -- sh -c 'nosuch; echo x > /nodir/y; ls /nope'
kubectl exec bb -- bash
kubectl exec bb -- sh -c 'bash; echo $?'
kubectl exec bb -- hostname -f
kubectl exec pod/web-0 -- hostname
kubectl exec sts/web -- hostname
kubectl exec web-0 hostname
"#;
    expect![[r#"
        $ kubectl exec web-9 -- hostname
        Error from server (NotFound): pods "web-9" not found
        $ echo $?
        1
        $ kubectl exec web-0 -- nosuch
        error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "5311fe02fd37133cbd7e2001e1248948496ca1a359533e6f422f26bbac57e189": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown
        $ echo $?
        1
        $ kubectl exec web-0 -c nope -- hostname
        Error from server (BadRequest): container nope is not valid for pod web-0
        $ echo $?
        1
        $ kubectl exec web-0 -- sh -c 'nosuch; echo "in $HOSTNAME: $?"; echo x > /nodir/y'
        sh: 1: nosuch: not found
        in web-0: 127
        sh: 1: cannot create /nodir/y: Directory nonexistent
        command terminated with exit code 1
        $ echo $?
        1
        $ kubectl exec web-0 -- sh -c 'exit 3'
        command terminated with exit code 3
        $ echo $?
        3
        $ kubectl exec web-0 -- sh -c 'echo "unterminated'
        sh: 1: Syntax error: end of file unexpected
        command terminated with exit code 2
        $ echo $?
        2
        $ kubectl exec web-0 -- cat /nonexistent
        cat: /nonexistent: No such file or directory
        command terminated with exit code 1
        $ echo $?
        1
        $ kubectl exec web-0 -- sh
        $ echo $?
        0
        $ echo hostname | kubectl exec -i web-0 -- sh
        web-0
        $ kubectl exec web-0 -- sh -c 'echo $0 $1 $2' zero one two
        zero one two
        $ kubectl exec web-0 -- sh -c 'for i in 1 2; do echo $i; done | tail -1; exit 3'; echo $?
        2
        command terminated with exit code 3
        3
        $ kubectl run bb --image=busybox:1.28 --restart=Never -- sleep 3600
        pod/bb created
        $ sleep 10
        $ kubectl exec bb -- sh -c 'nosuch; echo x > /nodir/y; ls /nope'
        sh: nosuch: not found
        sh: can't create /nodir/y: nonexistent directory
        ls: /nope: No such file or directory
        command terminated with exit code 1
        $ kubectl exec bb -- bash
        error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "4c00caac4df484605ca8d3ff83bd9bfa18f7ce2b2c1e7dbd1cc7ace983e0ebe9": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown
        $ kubectl exec bb -- sh -c 'bash; echo $?'
        sh: bash: not found
        127
        $ kubectl exec bb -- hostname -f
        bb
        $ kubectl exec pod/web-0 -- hostname
        web-0
        $ kubectl exec sts/web -- hostname
        error: ordinal: exec into sts/web is not simulated; name a pod
        $ kubectl exec web-0 hostname
        error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead
        See 'kubectl exec -h' for help and examples
    "#]].assert_eq(&echo_lines(&mut s, script));
}

#[test]
fn exec_into_a_pending_pod() {
    let mut s = exec_support::with_web();
    let script = "kubectl run late --image=nginx --restart=Never
kubectl exec late -- hostname
sleep 30
kubectl exec late -- hostname
kubectl exec late -- curl -s http://localhost/nope
kubectl exec web-0 -- curl -s localhost
kubectl logs late
kubectl logs web-0 --tail=1
kubectl logs web-0 --tail=1 --timestamps
kubectl logs web-0 -c nope
kubectl logs web-0 --previous
kubectl logs web-9
";
    expect![[r#"
        $ kubectl run late --image=nginx --restart=Never
        pod/late created
        $ kubectl exec late -- hostname
        Error from server (BadRequest): pod late does not have a host assigned
        $ sleep 30
        $ kubectl exec late -- hostname
        late
        $ kubectl exec late -- curl -s http://localhost/nope
        <html>\r
        <head><title>404 Not Found</title></head>\r
        <body>\r
        <center><h1>404 Not Found</h1></center>\r
        <hr><center>nginx/1.29.1</center>\r
        </body>\r
        </html>\r
        $ kubectl exec web-0 -- curl -s localhost
        <html>\r
        <head><title>403 Forbidden</title></head>\r
        <body bgcolor="white">\r
        <center><h1>403 Forbidden</h1></center>\r
        <hr><center>nginx/1.11.1</center>\r
        </body>\r
        </html>\r
        $ kubectl logs late
        2025/08/27 10:00:43 [error] 7#7: *1 open() "/usr/share/nginx/html/nope" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: "GET /nope HTTP/1.1", host: "localhost"
        127.0.0.1 - - [27/Aug/2025:10:00:43 +0000] "GET /nope HTTP/1.1" 404 153 "-" "curl/7.88.1" "-"
        $ kubectl logs web-0 --tail=1
        127.0.0.1 - - [27/Aug/2025:10:00:43 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
        $ kubectl logs web-0 --tail=1 --timestamps
        2025-08-27T10:00:43.738Z 127.0.0.1 - - [27/Aug/2025:10:00:43 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
        $ kubectl logs web-0 -c nope
        Error from server (BadRequest): container nope is not valid for pod web-0
        $ kubectl logs web-0 --previous
        Error from server (BadRequest): previous terminated container "nginx" in pod "web-0" not found
        $ kubectl logs web-9
        Error from server (NotFound): pods "web-9" not found
    "#]].assert_eq(&echo_lines(&mut s, script));
}
