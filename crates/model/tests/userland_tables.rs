//! Which programs each image has, the resolver's search order, and the generated pod files.

use expect_test::expect;
use ordinal_model::userland::{self, ResolvConf};

#[test]
fn programs_per_image() {
    let images = [
        "registry.k8s.io/nginx-slim:0.8",
        "gcr.io/google_containers/nginx-slim:0.7",
        "registry.k8s.io/nginx-slim:0.24",
        "nginx",
        "nginx:1.27-alpine",
        "busybox:1.28",
        "busybox:1.28.4",
        "busybox",
        "busybox:1.36",
        "registry.k8s.io/e2e-test-images/agnhost:2.53",
        "example.com/unknown:1",
    ];
    let mut out = String::new();
    for i in images {
        out.push_str(&format!(
            "{i}: {:?} nginx={} {:?}\n",
            userland::flavor(i),
            userland::image_serves_nginx(i),
            userland::image_serves_nginx(i).then(|| userland::nginx_version(i)),
        ));
        let programs = userland::programs(i);
        if !programs.is_empty() {
            out.push_str(&format!("  {}\n", programs.join(" ")));
        }
    }
    expect![[r#"
        registry.k8s.io/nginx-slim:0.8: Some(UbuntuSlim) nginx=true Some("1.11.1")
          cat chmod curl date env false hostname kill ls mkdir mv printenv pwd rm sh sleep touch true
        gcr.io/google_containers/nginx-slim:0.7: Some(UbuntuSlim) nginx=true Some("1.11.1")
          cat chmod curl date env false hostname kill ls mkdir mv printenv pwd rm sh sleep touch true
        registry.k8s.io/nginx-slim:0.24: Some(UbuntuSlim) nginx=true Some("1.23.1")
          cat chmod curl date env false hostname kill ls mkdir mv printenv pwd rm sh sleep touch true
        nginx: Some(Debian) nginx=true Some("1.29.1")
          cat chmod curl date env false hostname kill ls mkdir mv printenv pwd rm sh sleep touch true
        nginx:1.27-alpine: Some(Alpine) nginx=true Some("1.27.5")
          cat chmod curl date env false hostname kill ls mkdir mv nslookup printenv ps pwd rm sh sleep touch true wget
        busybox:1.28: Some(BusyboxOld) nginx=false None
          cat chmod date env false hostname kill ls mkdir mv nslookup printenv ps pwd rm sh sleep touch true wget
        busybox:1.28.4: Some(BusyboxOld) nginx=false None
          cat chmod date env false hostname kill ls mkdir mv nslookup printenv ps pwd rm sh sleep touch true wget
        busybox: Some(BusyboxModern) nginx=false None
          cat chmod date env false hostname kill ls mkdir mv nslookup printenv ps pwd rm sh sleep touch true wget
        busybox:1.36: Some(BusyboxModern) nginx=false None
          cat chmod date env false hostname kill ls mkdir mv nslookup printenv ps pwd rm sh sleep touch true wget
        registry.k8s.io/e2e-test-images/agnhost:2.53: Some(Alpine) nginx=false None
          cat chmod curl date env false hostname kill ls mkdir mv nslookup printenv ps pwd rm sh sleep touch true wget
        example.com/unknown:1: None nginx=false None
    "#]].assert_eq(&out);
}

#[test]
fn search_order_follows_ndots() {
    let rc = ResolvConf {
        nameservers: vec!["10.96.0.10".into()],
        search: vec![
            "default.svc.cluster.local".into(),
            "svc.cluster.local".into(),
            "cluster.local".into(),
        ],
        ndots: 5,
    };
    let out = [
        "web-0.nginx",
        "web-0.nginx.default.svc.cluster.local",
        "a.b.c.d.e.f",
        "x.",
    ]
    .iter()
    .map(|n| format!("{n}: {}\n", userland::search_candidates(&rc, n).join(", ")))
    .collect::<String>();
    expect![[r#"
        web-0.nginx: web-0.nginx.default.svc.cluster.local, web-0.nginx.svc.cluster.local, web-0.nginx.cluster.local, web-0.nginx
        web-0.nginx.default.svc.cluster.local: web-0.nginx.default.svc.cluster.local, web-0.nginx.default.svc.cluster.local.default.svc.cluster.local, web-0.nginx.default.svc.cluster.local.svc.cluster.local, web-0.nginx.default.svc.cluster.local.cluster.local
        a.b.c.d.e.f: a.b.c.d.e.f, a.b.c.d.e.f.default.svc.cluster.local, a.b.c.d.e.f.svc.cluster.local, a.b.c.d.e.f.cluster.local
        x.: x
    "#]].assert_eq(&out);
}

#[test]
fn pod_files() {
    let out = format!(
        "{}---\n{}---\n{}",
        userland::resolv_conf("10.96.0.10", "default", "cluster.local"),
        userland::hosts_file("10.244.1.6", "dns-test", None, "default", "cluster.local"),
        userland::image_files("busybox:1.28")
            .iter()
            .map(|f| format!(
                "{:o} {}{}\n",
                f.mode,
                f.path,
                if f.is_dir { "/" } else { "" }
            ))
            .collect::<String>()
    );
    expect![[r#"
        search default.svc.cluster.local svc.cluster.local cluster.local
        nameserver 10.96.0.10
        options ndots:5
        ---
        # Kubernetes-managed hosts file.
        127.0.0.1	localhost
        ::1	localhost ip6-localhost ip6-loopback
        fe00::0	ip6-localnet
        fe00::0	ip6-mcastprefix
        fe00::1	ip6-allnodes
        fe00::2	ip6-allrouters
        10.244.1.6	dns-test
        ---
        755 //
        755 /bin/
        755 /bin/cat
        755 /bin/chmod
        755 /bin/date
        755 /bin/env
        755 /bin/false
        755 /bin/hostname
        755 /bin/kill
        755 /bin/ls
        755 /bin/mkdir
        755 /bin/mv
        755 /bin/nslookup
        755 /bin/printenv
        755 /bin/ps
        755 /bin/pwd
        755 /bin/rm
        755 /bin/sh
        755 /bin/sleep
        755 /bin/touch
        755 /bin/true
        755 /bin/wget
        755 /dev/
        755 /etc/
        644 /etc/group
        644 /etc/passwd
        600 /etc/shadow
        755 /home/
        555 /proc/
        700 /root/
        555 /sys/
        1777 /tmp/
        755 /usr/
        755 /usr/bin/
        755 /usr/sbin/
        755 /var/
    "#]]
    .assert_eq(&out);
}
