//! The tutorial's in-pod commands and each program's errors, run against a fake cluster.

mod userland_fake;

use expect_test::{expect, Expect};
use userland_fake::run_script;

fn check(script: &str, expected: Expect) {
    expected.assert_eq(&run_script(script));
}

const WEB: &str = "
pod web-0 registry.k8s.io/nginx-slim:0.8 10.244.1.6 mount=/usr/share/nginx/html sub=nginx
pod web-1 registry.k8s.io/nginx-slim:0.8 10.244.2.6 mount=/usr/share/nginx/html sub=nginx
";

#[test]
fn tutorial_hostname_and_index() {
    check(
        &format!(
            "{WEB}
web-0$ hostname
web-1$ hostname
web-0$ hostname -f
web-0$ hostname -i
web-0$ cat /etc/hosts
web-0$ cat /etc/resolv.conf
web-0$ curl http://localhost/
advance 5000
write web-0 /usr/share/nginx/html/index.html web-0\\n
write web-1 /usr/share/nginx/html/index.html web-1\\n
tty on
web-0$ curl http://localhost/
web-1$ curl localhost
web-0$ curl web-1.nginx
web-0$ curl -s -I localhost
web-0$ ls -la /usr/share/nginx/html
logs web-0
"
        ),
        expect![[r#"
            web-0$ hostname
              web-0
            web-1$ hostname
              web-1
            web-0$ hostname -f
              web-0.nginx.default.svc.cluster.local
            web-0$ hostname -i
              10.244.1.6 
            web-0$ cat /etc/hosts
              # Kubernetes-managed hosts file.
              127.0.0.1	localhost
              ::1	localhost ip6-localhost ip6-loopback
              fe00::0	ip6-localnet
              fe00::0	ip6-mcastprefix
              fe00::1	ip6-allnodes
              fe00::2	ip6-allrouters
              10.244.1.6	web-0.nginx.default.svc.cluster.local	web-0
            web-0$ cat /etc/resolv.conf
              search default.svc.cluster.local svc.cluster.local cluster.local
              nameserver 10.96.0.10
              options ndots:5
            web-0$ curl http://localhost/
              <html>\r
              <head><title>403 Forbidden</title></head>\r
              <body bgcolor="white">\r
              <center><h1>403 Forbidden</h1></center>\r
              <hr><center>nginx/1.11.1</center>\r
              </body>\r
              </html>\r
              [stderr]   % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current
              [stderr]                                  Dload  Upload   Total   Spent    Left  Speed
              [stderr] 100   169  100   169    0     0   165k      0 --:--:-- --:--:-- --:--:--  165k
            write web-0 /usr/share/nginx/html/index.html web-0\n
            write web-1 /usr/share/nginx/html/index.html web-1\n
            web-0$ curl http://localhost/
              web-0
            web-1$ curl localhost
              web-1
            web-0$ curl web-1.nginx
              web-1
            web-0$ curl -s -I localhost
              HTTP/1.1 200 OK\r
              Server: nginx/1.11.1\r
              Date: Wed, 27 Aug 2025 10:00:05 GMT\r
              Content-Type: text/html\r
              Content-Length: 6\r
              Last-Modified: Wed, 27 Aug 2025 10:00:05 GMT\r
              Connection: keep-alive\r
              ETag: "68aed725-6"\r
              Accept-Ranges: bytes\r
              \r
            web-0$ ls -la /usr/share/nginx/html
              total 12
              drwxr-xr-x 2 root root 4096 Aug 27 10:00 .
              drwxr-xr-x 3 root root 4096 Jul 23  2024 ..
              -rw-r--r-- 1 root root    6 Aug 27 10:00 index.html
            logs web-0
              stderr: 2025/08/27 10:00:00 [error] 7#7: *1 directory index of "/usr/share/nginx/html/" is forbidden, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:05 +0000] "GET / HTTP/1.1" 200 6 "-" "curl/7.47.0"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:05 +0000] "HEAD / HTTP/1.1" 200 0 "-" "curl/7.47.0"
        "#]],
    );
}

#[test]
fn nslookup_busybox_1_28() {
    check(
        &format!(
            "{WEB}
pod dns-test busybox:1.28 10.244.3.4
dns-test$ nslookup web-0.nginx
dns-test$ nslookup nginx
dns-test$ nslookup web-5.nginx
unready web-1
dns-test$ nslookup web-1.nginx
dns-test$ nslookup
"
        ),
        expect![[r#"
            dns-test$ nslookup web-0.nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              Name:      web-0.nginx
              Address 1: 10.244.1.6 web-0.nginx.default.svc.cluster.local
            dns-test$ nslookup nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              Name:      nginx
              Address 1: 10.244.1.6 web-0.nginx.default.svc.cluster.local
              Address 2: 10.244.2.6 web-1.nginx.default.svc.cluster.local
            dns-test$ nslookup web-5.nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              [stderr] nslookup: can't resolve 'web-5.nginx'
              [exit 1]
            dns-test$ nslookup web-1.nginx
              Server:    10.96.0.10
              Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local

              [stderr] nslookup: can't resolve 'web-1.nginx'
              [exit 1]
            dns-test$ nslookup
              [stderr] BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.
              [stderr]
              [stderr] Usage: nslookup [HOST] [SERVER]
              [stderr]
              [stderr] Query the nameserver for the IP address of the given HOST
              [stderr] optionally using a specified DNS server
              [exit 1]
        "#]],
    );
}

#[test]
fn nslookup_busybox_latest() {
    check(
        &format!(
            "{WEB}
pod dns-test busybox 10.244.3.4
dns-test$ nslookup web-0.nginx
dns-test$ nslookup web-0.nginx.default.svc.cluster.local
dns-test$ nslookup nginx
dns-test$ nslookup 10.244.1.6
dns-test$ nslookup -type=bogus nginx
dns-test$ nslookup web-0.nginx 10.0.0.99
"
        ),
        expect![[r#"
            dns-test$ nslookup web-0.nginx
              Server:		10.96.0.10
              Address:	10.96.0.10:53
  
              ** server can't find web-0.nginx: NXDOMAIN
  
              ** server can't find web-0.nginx: NXDOMAIN
  
              [exit 1]
            dns-test$ nslookup web-0.nginx.default.svc.cluster.local
              Server:		10.96.0.10
              Address:	10.96.0.10:53
  
              Name:	web-0.nginx.default.svc.cluster.local
              Address: 10.244.1.6
  
  
            dns-test$ nslookup nginx
              Server:		10.96.0.10
              Address:	10.96.0.10:53
  
              Name:	nginx.default.svc.cluster.local
              Address: 10.244.1.6
              Name:	nginx.default.svc.cluster.local
              Address: 10.244.2.6
  
              ** server can't find nginx.svc.cluster.local: NXDOMAIN
  
              ** server can't find nginx.cluster.local: NXDOMAIN
  
  
              ** server can't find nginx.svc.cluster.local: NXDOMAIN
  
              ** server can't find nginx.cluster.local: NXDOMAIN
  
              [exit 1]
            dns-test$ nslookup 10.244.1.6
              Server:		10.96.0.10
              Address:	10.96.0.10:53
  
              6.1.244.10.in-addr.arpa	name = web-0.nginx.default.svc.cluster.local
  
            dns-test$ nslookup -type=bogus nginx
              [stderr] nslookup: invalid query type "bogus"
              [exit 1]
            dns-test$ nslookup web-0.nginx 10.0.0.99
              ;; connection timed out; no servers could be reached
  
              [exit 1]
        "#]],
    );
}

#[test]
fn unready_by_moving_index() {
    check(
        &format!(
            "{WEB}
write web-0 /usr/share/nginx/html/index.html web-0\\n
web-0$ mv /usr/share/nginx/html/index.html /usr/share/nginx/html/index.html.bak
web-0$ curl -s -o /dev/null -w %{{http_code}} localhost
web-0$ curl -sf localhost
web-0$ curl -sSf localhost
web-0$ curl -s localhost/index.html
web-0$ mv /usr/share/nginx/html/index.html.bak /usr/share/nginx/html/index.html
web-0$ curl -s localhost
web-0$ chmod 600 /usr/share/nginx/html/index.html
web-0$ curl -s localhost
web-0$ chmod 700 /usr/share/nginx/html
web-0$ curl -s localhost
web-0$ chmod 755 /usr/share/nginx/html
web-0$ chmod +r /usr/share/nginx/html/index.html
web-0$ curl -s localhost
logs web-0
"
        ),
        expect![[r#"
            write web-0 /usr/share/nginx/html/index.html web-0\n
            web-0$ mv /usr/share/nginx/html/index.html /usr/share/nginx/html/index.html.bak
            web-0$ curl -s -o /dev/null -w %{http_code} localhost
              403⏎
            web-0$ curl -sf localhost
              [exit 22]
            web-0$ curl -sSf localhost
              [stderr] curl: (22) The requested URL returned error: 403 Forbidden
              [exit 22]
            web-0$ curl -s localhost/index.html
              <html>\r
              <head><title>404 Not Found</title></head>\r
              <body bgcolor="white">\r
              <center><h1>404 Not Found</h1></center>\r
              <hr><center>nginx/1.11.1</center>\r
              </body>\r
              </html>\r
            web-0$ mv /usr/share/nginx/html/index.html.bak /usr/share/nginx/html/index.html
            web-0$ curl -s localhost
              web-0
            web-0$ chmod 600 /usr/share/nginx/html/index.html
            web-0$ curl -s localhost
              <html>\r
              <head><title>403 Forbidden</title></head>\r
              <body bgcolor="white">\r
              <center><h1>403 Forbidden</h1></center>\r
              <hr><center>nginx/1.11.1</center>\r
              </body>\r
              </html>\r
            web-0$ chmod 700 /usr/share/nginx/html
            web-0$ curl -s localhost
              <html>\r
              <head><title>403 Forbidden</title></head>\r
              <body bgcolor="white">\r
              <center><h1>403 Forbidden</h1></center>\r
              <hr><center>nginx/1.11.1</center>\r
              </body>\r
              </html>\r
            web-0$ chmod 755 /usr/share/nginx/html
            web-0$ chmod +r /usr/share/nginx/html/index.html
            web-0$ curl -s localhost
              web-0
            logs web-0
              stderr: 2025/08/27 10:00:00 [error] 7#7: *1 directory index of "/usr/share/nginx/html/" is forbidden, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
              stderr: 2025/08/27 10:00:00 [error] 7#7: *2 directory index of "/usr/share/nginx/html/" is forbidden, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
              stderr: 2025/08/27 10:00:00 [error] 7#7: *3 directory index of "/usr/share/nginx/html/" is forbidden, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
              stderr: 2025/08/27 10:00:00 [error] 7#7: *4 open() "/usr/share/nginx/html/index.html" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: "GET /index.html HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET /index.html HTTP/1.1" 404 169 "-" "curl/7.47.0"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 6 "-" "curl/7.47.0"
              stderr: 2025/08/27 10:00:00 [error] 7#7: *6 open() "/usr/share/nginx/html/index.html" failed (13: Permission denied), client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
              stderr: 2025/08/27 10:00:00 [error] 7#7: *7 open() "/usr/share/nginx/html/index.html" failed (13: Permission denied), client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.47.0"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET / HTTP/1.1" 200 6 "-" "curl/7.47.0"
        "#]],
    );
}

#[test]
fn image_html_dir_without_volume() {
    check(
        "
pod web-0 registry.k8s.io/nginx-slim:0.8 10.244.1.6 sub=nginx
pod n nginx:1.27 10.244.1.9
tty on
web-0$ curl -i localhost
web-0$ ls -l /usr/share/nginx/html
web-0$ curl -s localhost/nope
n$ curl -s localhost/nope
n$ curl -sI localhost
web-0$ curl localhost/usr
logs n
",
        expect![[r#"
            web-0$ curl -i localhost
              HTTP/1.1 200 OK\r
              Server: nginx/1.11.1\r
              Date: Wed, 27 Aug 2025 10:00:00 GMT\r
              Content-Type: text/html\r
              Content-Length: 612\r
              Last-Modified: Tue, 23 Jul 2024 10:00:00 GMT\r
              Connection: keep-alive\r
              ETag: "669f7f20-264"\r
              Accept-Ranges: bytes\r
              \r
              <!DOCTYPE html>
              <html>
              <head>
              <title>Welcome to nginx!</title>
              <style>
                  body {
                      width: 35em;
                      margin: 0 auto;
                      font-family: Tahoma, Verdana, Arial, sans-serif;
                  }
              </style>
              </head>
              <body>
              <h1>Welcome to nginx!</h1>
              <p>If you see this page, the nginx web server is successfully installed and
              working. Further configuration is required.</p>
  
              <p>For online documentation and support please refer to
              <a href="http://nginx.org/">nginx.org</a>.<br/>
              Commercial support is available at
              <a href="http://nginx.com/">nginx.com</a>.</p>
  
              <p><em>Thank you for using nginx.</em></p>
              </body>
              </html>
            web-0$ ls -l /usr/share/nginx/html
              total 4
              -rw-r--r-- 1 root root 612 Jul 23  2024 index.html
            web-0$ curl -s localhost/nope
              <html>\r
              <head><title>404 Not Found</title></head>\r
              <body bgcolor="white">\r
              <center><h1>404 Not Found</h1></center>\r
              <hr><center>nginx/1.11.1</center>\r
              </body>\r
              </html>\r
            n$ curl -s localhost/nope
              <html>\r
              <head><title>404 Not Found</title></head>\r
              <body>\r
              <center><h1>404 Not Found</h1></center>\r
              <hr><center>nginx/1.27.5</center>\r
              </body>\r
              </html>\r
            n$ curl -sI localhost
              HTTP/1.1 200 OK\r
              Server: nginx/1.27.5\r
              Date: Wed, 27 Aug 2025 10:00:00 GMT\r
              Content-Type: text/html\r
              Content-Length: 615\r
              Last-Modified: Tue, 23 Jul 2024 10:00:00 GMT\r
              Connection: keep-alive\r
              ETag: "669f7f20-267"\r
              Accept-Ranges: bytes\r
              \r
            web-0$ curl localhost/usr
              <html>\r
              <head><title>404 Not Found</title></head>\r
              <body bgcolor="white">\r
              <center><h1>404 Not Found</h1></center>\r
              <hr><center>nginx/1.11.1</center>\r
              </body>\r
              </html>\r
            logs n
              stderr: 2025/08/27 10:00:00 [error] 7#7: *1 open() "/usr/share/nginx/html/nope" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, request: "GET /nope HTTP/1.1", host: "localhost"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "GET /nope HTTP/1.1" 404 153 "-" "curl/7.88.1" "-"
              stdout: 127.0.0.1 - - [27/Aug/2025:10:00:00 +0000] "HEAD / HTTP/1.1" 200 0 "-" "curl/7.88.1" "-"
        "#]],
    );
}

#[test]
fn curl_and_wget_errors() {
    check(
        &format!(
            "{WEB}
pod bb busybox:1.28 10.244.3.4
pod new busybox 10.244.3.5
pod n nginx 10.244.3.7
stop web-1
web-0$ curl web-5.nginx
web-0$ curl web-1.nginx
web-0$ curl -s web-1.nginx
web-0$ curl 10.244.9.9
web-0$ curl -m 2 10.244.9.9
web-0$ curl
web-0$ curl --bogus x
web-0$ curl ftp://x/
n$ curl web-1.nginx
n$ curl web-5.nginx
n$ curl -sSf web-0.nginx/missing
bb$ wget -q -O - web-0.nginx
bb$ wget web-0.nginx
bb$ ls
bb$ wget web-0.nginx
bb$ wget -O - http://web-5.nginx/
bb$ wget web-1.nginx
new$ wget -O - web-0.nginx
new$ wget -q -O /tmp/x web-0.nginx/nope
bb$ wget
web-0$ wget web-1.nginx
"
        ),
        expect![[r#"
            web-0$ curl web-5.nginx
              [stderr] curl: (6) Could not resolve host: web-5.nginx
              [exit 6]
            web-0$ curl web-1.nginx
              [stderr] curl: (7) Failed to connect to web-1.nginx port 80: Connection refused
              [exit 7]
            web-0$ curl -s web-1.nginx
              [exit 7]
            web-0$ curl 10.244.9.9
              [stderr] curl: (7) Failed to connect to 10.244.9.9 port 80: Connection timed out
              [exit 7]
              [blocks until +130000 ms]
            web-0$ curl -m 2 10.244.9.9
              [stderr] curl: (28) Connection timed out after 2000 milliseconds
              [exit 28]
              [blocks until +2000 ms]
            web-0$ curl
              [stderr] curl: no URL specified!
              [stderr] curl: try 'curl --help' or 'curl --manual' for more information
              [exit 2]
            web-0$ curl --bogus x
              [stderr] curl: option --bogus: is unknown
              [stderr] curl: try 'curl --help' or 'curl --manual' for more information
              [exit 2]
            web-0$ curl ftp://x/
              [stderr] curl: (1) Protocol "ftp" not supported or disabled in libcurl
              [exit 1]
            n$ curl web-1.nginx
              [stderr] curl: (7) Failed to connect to web-1.nginx port 80 after 0 ms: Couldn't connect to server
              [exit 7]
            n$ curl web-5.nginx
              [stderr] curl: (6) Could not resolve host: web-5.nginx
              [exit 6]
            n$ curl -sSf web-0.nginx/missing
              [stderr] curl: (22) The requested URL returned error: 404
              [exit 22]
            bb$ wget -q -O - web-0.nginx
              [stderr] wget: server returned error: HTTP/1.1 403 Forbidden
              [exit 1]
            bb$ wget web-0.nginx
              [stderr] Connecting to web-0.nginx (10.244.1.6:80)
              [stderr] wget: server returned error: HTTP/1.1 403 Forbidden
              [exit 1]
            bb$ ls
              bin
              dev
              etc
              home
              proc
              root
              sys
              tmp
              usr
              var
            bb$ wget web-0.nginx
              [stderr] Connecting to web-0.nginx (10.244.1.6:80)
              [stderr] wget: server returned error: HTTP/1.1 403 Forbidden
              [exit 1]
            bb$ wget -O - http://web-5.nginx/
              [stderr] wget: bad address 'web-5.nginx'
              [exit 1]
            bb$ wget web-1.nginx
              [stderr] Connecting to web-1.nginx (10.244.2.6:80)
              [stderr] wget: can't connect to remote host (10.244.2.6): Connection refused
              [exit 1]
            new$ wget -O - web-0.nginx
              [stderr] Connecting to web-0.nginx (10.244.1.6:80)
              [stderr] wget: server returned error: HTTP/1.1 403 Forbidden
              [exit 1]
            new$ wget -q -O /tmp/x web-0.nginx/nope
              [stderr] wget: server returned error: HTTP/1.1 404 Not Found
              [exit 1]
            bb$ wget
              [stderr] BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.
              [stderr]
              [stderr] Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header 'HEADER: VALUE'] [-Y on/off]
              [stderr] 	[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...
              [exit 1]
            web-0$ wget web-1.nginx
              [stderr] sh: 1: wget: not found
              [exit 127]
        "#]],
    );
}

#[test]
fn file_tools_gnu() {
    check(
        "
pod web-0 registry.k8s.io/nginx-slim:0.8 10.244.1.6 mount=/usr/share/nginx/html sub=nginx
web-0$ mkdir /tmp/a/b
web-0$ mkdir -p /tmp/a/b/c
web-0$ mkdir /tmp/a
web-0$ mkdir
web-0$ ls /tmp /tmp/a
web-0$ ls /nope
web-0$ cat /nope
web-0$ cat /tmp
web-0$ rm /tmp/a
web-0$ rm /nope
web-0$ rm -f /nope
web-0$ rm -r /tmp/a
web-0$ rm
web-0$ rm -rf /usr/share/nginx/html
web-0$ mv /nope /tmp/x
web-0$ mv /etc/hostname
web-0$ mv /usr/share/nginx/html /tmp/h
web-0$ chmod 999 /etc/hosts
web-0$ chmod u+x /nope
web-0$ chmod +x /etc/hostname
web-0$ ls -l /etc/hostname
web-0$ hostname newname
web-0$ sleep 3
web-0$ sleep 1m 30
web-0$ sleep x
web-0$ sleep
web-0$ ps
web-0$ kill 99
web-0$ printenv HOSTNAME
web-0$ printenv NOPE
web-0$ env -i FOO=bar env
web-0$ wget localhost
web-0$ nslookup web-0.nginx
web-0$ ls -z
",
        expect![[r#"
            web-0$ mkdir /tmp/a/b
              [stderr] mkdir: cannot create directory '/tmp/a/b': No such file or directory
              [exit 1]
            web-0$ mkdir -p /tmp/a/b/c
            web-0$ mkdir /tmp/a
              [stderr] mkdir: cannot create directory '/tmp/a': File exists
              [exit 1]
            web-0$ mkdir
              [stderr] mkdir: missing operand
              [stderr] Try 'mkdir --help' for more information.
              [exit 1]
            web-0$ ls /tmp /tmp/a
              /tmp:
              a
  
              /tmp/a:
              b
            web-0$ ls /nope
              [stderr] ls: cannot access '/nope': No such file or directory
              [exit 2]
            web-0$ cat /nope
              [stderr] cat: /nope: No such file or directory
              [exit 1]
            web-0$ cat /tmp
              [stderr] cat: /tmp: Is a directory
              [exit 1]
            web-0$ rm /tmp/a
              [stderr] rm: cannot remove '/tmp/a': Is a directory
              [exit 1]
            web-0$ rm /nope
              [stderr] rm: cannot remove '/nope': No such file or directory
              [exit 1]
            web-0$ rm -f /nope
            web-0$ rm -r /tmp/a
            web-0$ rm
              [stderr] rm: missing operand
              [stderr] Try 'rm --help' for more information.
              [exit 1]
            web-0$ rm -rf /usr/share/nginx/html
              [stderr] rm: cannot remove '/usr/share/nginx/html': Device or resource busy
              [exit 1]
            web-0$ mv /nope /tmp/x
              [stderr] mv: cannot stat '/nope': No such file or directory
              [exit 1]
            web-0$ mv /etc/hostname
              [stderr] mv: missing destination file operand after '/etc/hostname'
              [stderr] Try 'mv --help' for more information.
              [exit 1]
            web-0$ mv /usr/share/nginx/html /tmp/h
              [stderr] mv: cannot move '/usr/share/nginx/html' to '/tmp/h': Device or resource busy
              [exit 1]
            web-0$ chmod 999 /etc/hosts
              [stderr] chmod: invalid mode: '999'
              [stderr] Try 'chmod --help' for more information.
              [exit 1]
            web-0$ chmod u+x /nope
              [stderr] chmod: cannot access '/nope': No such file or directory
              [exit 1]
            web-0$ chmod +x /etc/hostname
            web-0$ ls -l /etc/hostname
              -rwxr-xr-x 1 root root 6 Aug 27 10:00 /etc/hostname
            web-0$ hostname newname
              [stderr] hostname: you must be root to change the host name
              [exit 1]
            web-0$ sleep 3
              [blocks until +3000 ms]
            web-0$ sleep 1m 30
              [blocks until +90000 ms]
            web-0$ sleep x
              [stderr] sleep: invalid time interval 'x'
              [stderr] Try 'sleep --help' for more information.
              [exit 1]
            web-0$ sleep
              [stderr] sleep: missing operand
              [stderr] Try 'sleep --help' for more information.
              [exit 1]
            web-0$ ps
              [stderr] sh: 1: ps: not found
              [exit 127]
            web-0$ kill 99
              [stderr] kill: (99) - No such process
              [exit 1]
            web-0$ printenv HOSTNAME
              web-0
            web-0$ printenv NOPE
              [exit 1]
            web-0$ env -i FOO=bar env
              FOO=bar
            web-0$ wget localhost
              [stderr] sh: 1: wget: not found
              [exit 127]
            web-0$ nslookup web-0.nginx
              [stderr] sh: 1: nslookup: not found
              [exit 127]
            web-0$ ls -z
              [stderr] ls: invalid option -- 'z'
              [stderr] Try 'ls --help' for more information.
              [exit 2]
        "#]],
    );
}

#[test]
fn file_tools_busybox() {
    check(
        "
pod bb busybox:1.28 10.244.3.4
bb$ mkdir /tmp/a/b
bb$ mkdir -p /tmp/a/b/c
bb$ mkdir /tmp/a
bb$ ls /nope
bb$ cat /nope
bb$ cat /tmp
bb$ rm /tmp/a
bb$ rm /nope
bb$ rm -r /tmp/a
bb$ mv /nope /tmp/x
bb$ chmod 999 /etc/passwd
bb$ chmod u+x /nope
bb$ ls -l /etc
bb$ ls -la /tmp
bb$ hostname
bb$ hostname -f
bb$ hostname newname
bb$ sleep x
bb$ ps
bb$ kill 1
bb$ ps
bb$ kill 99
bb$ kill -9
bb$ curl localhost
bb$ date
tty on
bb$ ls /
",
        expect![[r#"
            bb$ mkdir /tmp/a/b
              [stderr] mkdir: can't create directory '/tmp/a/b': No such file or directory
              [exit 1]
            bb$ mkdir -p /tmp/a/b/c
            bb$ mkdir /tmp/a
              [stderr] mkdir: can't create directory '/tmp/a': File exists
              [exit 1]
            bb$ ls /nope
              [stderr] ls: /nope: No such file or directory
              [exit 1]
            bb$ cat /nope
              [stderr] cat: can't open '/nope': No such file or directory
              [exit 1]
            bb$ cat /tmp
              [stderr] cat: read error: Is a directory
              [exit 1]
            bb$ rm /tmp/a
              [stderr] rm: '/tmp/a' is a directory
              [exit 1]
            bb$ rm /nope
              [stderr] rm: can't remove '/nope': No such file or directory
              [exit 1]
            bb$ rm -r /tmp/a
            bb$ mv /nope /tmp/x
              [stderr] mv: can't rename '/nope': No such file or directory
              [exit 1]
            bb$ chmod 999 /etc/passwd
              [stderr] chmod: invalid mode '999'
              [exit 1]
            bb$ chmod u+x /nope
              [stderr] chmod: /nope: No such file or directory
              [exit 1]
            bb$ ls -l /etc
              total 24
              -rw-r--r--    1 root     root           306 Jul 23  2024 group
              -rw-r--r--    1 root     root             3 Aug 27 10:00 hostname
              -rw-r--r--    1 root     root           197 Aug 27 10:00 hosts
              -rw-r--r--    1 root     root           340 Jul 23  2024 passwd
              -rw-r--r--    1 root     root           103 Aug 27 10:00 resolv.conf
              -rw-------    1 root     root            26 Jul 23  2024 shadow
            bb$ ls -la /tmp
              total 8
              drwxrwxrwt    2 root     root          4096 Jul 23  2024 .
              drwxr-xr-x   12 root     root          4096 Jul 23  2024 ..
            bb$ hostname
              bb
            bb$ hostname -f
              bb
            bb$ hostname newname
              [stderr] hostname: sethostname: Operation not permitted
              [exit 1]
            bb$ sleep x
              [stderr] sleep: invalid number 'x'
              [exit 1]
            bb$ ps
              PID   USER     TIME  COMMAND
                  1 root      0:00 sh
                  2 root      0:00 ps
            bb$ kill 1
            bb$ ps
              PID   USER     TIME  COMMAND
                  1 root      0:00 ps
            bb$ kill 99
              [stderr] kill: can't kill pid 99: No such process
              [exit 1]
            bb$ kill -9
              [stderr] BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.
              [stderr]
              [stderr] Usage: kill [-l] [-SIG] PID...
              [exit 1]
            bb$ curl localhost
              [stderr] sh: curl: not found
              [exit 127]
            bb$ date
              Wed Aug 27 10:00:00 UTC 2025
            bb$ ls /
              bin  dev  etc  home  proc  root  sys  tmp  usr  var
        "#]],
    );
}
