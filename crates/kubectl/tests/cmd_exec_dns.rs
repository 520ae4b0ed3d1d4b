//! Interactive shells in pods (`kubectl run -it`, `kubectl exec -it`): the prompt, each typed
//! line run by the container's shell, `--rm`. nslookup formats: busybox 1.28 (old, with
//! reverse names) and unpinned busybox (≥ 1.29).
//! Update with `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test cmd_exec_dns`.

mod exec_support;

use exec_support::{echo_lines, with_web};
use expect_test::expect;

#[test]
fn dns_test_busybox_1_28_and_unpinned() {
    let mut s = with_web();
    let script = "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm
nslookup web-0.nginx
nslookup nginx
nslookup web-9.nginx
cd /etc
nosuch
exit
kubectl run -i --tty --image busybox dns-test-new --restart=Never --rm
nslookup web-0.nginx
hostname
exit
kubectl get pods
";
    expect![[r#"
        $ kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm
        If you don't see a command prompt, try pressing enter.
        / # nslookup web-0.nginx
        Server:    10.96.0.10
        Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

        Name:      web-0.nginx
        Address 1: 10.244.2.9 web-0.nginx.default.svc.cluster.local
        / # nslookup nginx
        Server:    10.96.0.10
        Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

        Name:      nginx
        Address 1: 10.244.2.9 web-0.nginx.default.svc.cluster.local
        Address 2: 10.244.3.8 web-1.nginx.default.svc.cluster.local
        / # nslookup web-9.nginx
        Server:    10.96.0.10
        Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

        nslookup: can't resolve 'web-9.nginx'
        / # cd /etc
        /etc # nosuch
        sh: nosuch: not found
        /etc # exit
        pod "dns-test" deleted from default namespace
        $ kubectl run -i --tty --image busybox dns-test-new --restart=Never --rm
        If you don't see a command prompt, try pressing enter.
        / # nslookup web-0.nginx
        Server:		10.96.0.10
        Address:	10.96.0.10:53

        ** server can't find web-0.nginx: NXDOMAIN

        ** server can't find web-0.nginx: NXDOMAIN

        / # hostname
        dns-test-new
        / # exit
        pod "dns-test-new" deleted from default namespace
        $ kubectl get pods
        NAME           READY   STATUS        RESTARTS   AGE
        dns-test-new   1/1     Terminating   0          1s
        web-0          1/1     Running       0          17s
        web-1          1/1     Running       0          11s
    "#]]
    .assert_eq(&echo_lines(&mut s, script));
}

#[test]
fn exec_it_shell_in_nginx_slim_is_dash() {
    let mut s = with_web();
    let script = "kubectl exec -it web-0 -- sh
hostname
echo $HOSTNAME > /tmp/h; cat /tmp/h
nosuch
for i in 1 2; do
echo $i
done
nosuch
exit 4
echo $?
kubectl exec -it web-1 -- bash
cd /usr/share/nginx/html
echo hello > index.html
ls
cat index.html && sh -c 'pwd; cat index.html'
nosuch
exit
";
    expect![[r#"
        $ kubectl exec -it web-0 -- sh
        # hostname
        web-0
        # echo $HOSTNAME > /tmp/h; cat /tmp/h
        web-0
        # nosuch
        sh: 3: nosuch: not found
        # for i in 1 2; do
        > echo $i
        > done
        1
        2
        # nosuch
        sh: 7: nosuch: not found
        # exit 4
        command terminated with exit code 4
        $ echo $?
        4
        $ kubectl exec -it web-1 -- bash
        root@web-1:/# cd /usr/share/nginx/html
        root@web-1:/usr/share/nginx/html# echo hello > index.html
        root@web-1:/usr/share/nginx/html# ls
        index.html
        root@web-1:/usr/share/nginx/html# cat index.html && sh -c 'pwd; cat index.html'
        hello
        /usr/share/nginx/html
        hello
        root@web-1:/usr/share/nginx/html# nosuch
        bash: nosuch: command not found
        root@web-1:/usr/share/nginx/html# exit
        command terminated with exit code 127
    "#]]
    .assert_eq(&echo_lines(&mut s, script));
}

#[test]
fn run_attached_commands_and_the_main_shell_exiting() {
    let mut s = with_web();
    let script = "kubectl run -i --tty --image busybox:1.28 keep --restart=Never
exit 3
echo $?
sleep 2
kubectl get pod keep
kubectl run -i --image busybox:1.28 once --restart=Never --rm -- nslookup web-0.nginx
echo $?
kubectl run -i --image busybox:1.28 once2 --restart=Never -- sh -c 'echo hi; exit 2'
echo $?
";
    expect![[r#"
        $ kubectl run -i --tty --image busybox:1.28 keep --restart=Never
        If you don't see a command prompt, try pressing enter.
        / # exit 3
        $ echo $?
        3
        $ sleep 2
        $ kubectl get pod keep
        NAME   READY   STATUS   RESTARTS   AGE
        keep   0/1     Error    0          5s
        $ kubectl run -i --image busybox:1.28 once --restart=Never --rm -- nslookup web-0.nginx
        Server:    10.96.0.10
        Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

        Name:      web-0.nginx
        Address 1: 10.244.2.9 web-0.nginx.default.svc.cluster.local
        pod "once" deleted from default namespace
        $ echo $?
        0
        $ kubectl run -i --image busybox:1.28 once2 --restart=Never -- sh -c 'echo hi; exit 2'
        hi
        pod default/once2 terminated (Error)
        $ echo $?
        2
    "#]]
    .assert_eq(&echo_lines(&mut s, script));
}
