//! Files the images ship and the files the kubelet generates for a pod
//! (`/etc/resolv.conf`, `/etc/hosts`, `/etc/hostname`).

use super::{flavor, nginx::nginx_version, programs, Flavor};

/// One file or directory of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    pub path: String,
    pub is_dir: bool,
    pub content: String,
    pub mode: u32,
}

fn dir(path: &str, mode: u32) -> ImageFile {
    ImageFile {
        path: path.to_string(),
        is_dir: true,
        content: String::new(),
        mode,
    }
}

fn file(path: &str, content: &str, mode: u32) -> ImageFile {
    ImageFile {
        path: path.to_string(),
        is_dir: false,
        content: content.to_string(),
        mode,
    }
}

/// The default page of nginx ≤ 1.19 (612 bytes), as nginx-slim 0.x ships it.
pub const NGINX_INDEX_OLD: &str = "<!DOCTYPE html>
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
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

/// The default page of nginx ≥ 1.21 (615 bytes, `color-scheme`), as the official images ship it.
pub const NGINX_INDEX_NEW: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const NGINX_50X: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
";

/// nginx-slim's configuration [unverified: reconstructed — the image's nginx.conf was not read;
/// it serves /usr/share/nginx/html on port 80 with access/error logs on stdout/stderr].
const NGINX_SLIM_CONF: &str = "user  www-data;
worker_processes  1;

error_log  /dev/stderr warn;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    access_log  /dev/stdout;

    sendfile        on;
    keepalive_timeout  65;

    server {
        listen       80;
        server_name  localhost;

        location / {
            root   /usr/share/nginx/html;
            index  index.html index.htm;
        }
    }
}
";

const NGINX_OFFICIAL_CONF: &str = "
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '
                      '$status $body_bytes_sent \"$http_referer\" '
                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
";

const NGINX_DEFAULT_CONF: &str = "server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
";

const PASSWD_BUSYBOX: &str = "root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
";

const GROUP_BUSYBOX: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nobody:x:65534:
";

const PASSWD_DEBIAN: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
";

/// The files an image provides (directories included, parents before children). Unknown
/// images provide nothing. Program binaries appear as empty executable files under `/bin`
/// (busybox: hard links to one binary) [sizes are not simulated].
pub fn image_files(image: &str) -> Vec<ImageFile> {
    let Some(fl) = flavor(image) else {
        return Vec::new();
    };
    let mut v = vec![
        dir("/", 0o755),
        dir("/bin", 0o755),
        dir("/dev", 0o755),
        dir("/etc", 0o755),
        dir("/home", 0o755),
        dir("/proc", 0o555),
        dir("/root", 0o700),
        dir("/sys", 0o555),
        dir("/tmp", 0o1777),
        dir("/usr", 0o755),
        dir("/usr/bin", 0o755),
        dir("/usr/sbin", 0o755),
        dir("/var", 0o755),
    ];
    let bin_dir = if fl.is_busybox() { "/bin" } else { "/usr/bin" };
    for p in programs(image) {
        if p == "sh" && !fl.is_busybox() {
            continue;
        }
        v.push(file(&format!("{bin_dir}/{p}"), "", 0o755));
    }
    if !fl.is_busybox() {
        // Debian/Ubuntu: /bin/sh -> dash; list the shells where scripts look for them.
        v.push(file("/bin/sh", "", 0o755));
        v.push(file("/bin/dash", "", 0o755));
        v.push(file("/bin/bash", "", 0o755));
    }
    match fl {
        Flavor::BusyboxOld | Flavor::BusyboxModern | Flavor::Alpine => {
            v.push(file("/etc/passwd", PASSWD_BUSYBOX, 0o644));
            v.push(file("/etc/group", GROUP_BUSYBOX, 0o644));
            v.push(file("/etc/shadow", "root:*:10933:0:99999:7:::\n", 0o600));
        }
        Flavor::UbuntuSlim | Flavor::Debian => {
            v.push(file("/etc/passwd", PASSWD_DEBIAN, 0o644));
            v.push(file(
                "/etc/group",
                "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n",
                0o644,
            ));
            v.push(file(
                "/etc/debian_version",
                if fl == Flavor::UbuntuSlim {
                    "stretch/sid\n"
                } else {
                    "12.11\n"
                },
                0o644,
            ));
        }
    }
    if super::image_serves_nginx(image) {
        let version = nginx_version(image);
        let new_page = !matches!(version_tuple(&version), (1, m, _) if m < 21);
        v.push(dir("/etc/nginx", 0o755));
        v.push(dir("/usr/share/nginx", 0o755));
        v.push(dir("/usr/share/nginx/html", 0o755));
        v.push(dir("/var/log/nginx", 0o755));
        if fl == Flavor::UbuntuSlim {
            v.push(file("/etc/nginx/nginx.conf", NGINX_SLIM_CONF, 0o644));
        } else {
            v.push(file("/etc/nginx/nginx.conf", NGINX_OFFICIAL_CONF, 0o644));
            v.push(dir("/etc/nginx/conf.d", 0o755));
            v.push(file(
                "/etc/nginx/conf.d/default.conf",
                NGINX_DEFAULT_CONF,
                0o644,
            ));
            v.push(file("/usr/share/nginx/html/50x.html", NGINX_50X, 0o644));
        }
        v.push(file(
            "/usr/share/nginx/html/index.html",
            if new_page {
                NGINX_INDEX_NEW
            } else {
                NGINX_INDEX_OLD
            },
            0o644,
        ));
    }
    // Every parent directory exists (0755 unless listed above).
    let mut parents: Vec<String> = Vec::new();
    for f in &v {
        let mut p = f.path.as_str();
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if p.is_empty() {
                break;
            }
            parents.push(p.to_string());
        }
    }
    for p in parents {
        if !v.iter().any(|f| f.path == p) {
            v.push(dir(&p, 0o755));
        }
    }
    crate::sort::sort_by(&mut v, |a, b| a.path.cmp(&b.path));
    v
}

pub(super) fn version_tuple(v: &str) -> (u32, u32, u32) {
    let mut it = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

/// `/etc/resolv.conf` for dnsPolicy ClusterFirst, as the container runtime writes the kubelet's
/// DNS config (containerd `parseDNSOptions`: search, nameserver, options).
pub fn resolv_conf(nameserver: &str, namespace: &str, cluster_domain: &str) -> String {
    format!(
        "search {namespace}.svc.{cluster_domain} svc.{cluster_domain} {cluster_domain}\nnameserver {nameserver}\noptions ndots:5\n"
    )
}

/// The kubelet-managed `/etc/hosts` (`pkg/kubelet/kubelet_pods.go` `managedHostsFileContent`):
/// the fixed header, then the pod's own line — with the FQDN when the pod has a subdomain.
pub fn hosts_file(
    pod_ip: &str,
    hostname: &str,
    subdomain: Option<&str>,
    namespace: &str,
    cluster_domain: &str,
) -> String {
    let mut s = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    match subdomain.filter(|s| !s.is_empty()) {
        Some(sub) => s.push_str(&format!(
            "{pod_ip}\t{hostname}.{sub}.{namespace}.svc.{cluster_domain}\t{hostname}\n"
        )),
        None => s.push_str(&format!("{pod_ip}\t{hostname}\n")),
    }
    s
}

/// `/etc/hostname` as the runtime writes it.
pub fn etc_hostname(hostname: &str) -> String {
    format!("{hostname}\n")
}
