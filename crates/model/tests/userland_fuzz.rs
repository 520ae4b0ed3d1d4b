//! Random argv to every program of every image flavour: no panics, and every program returns.

mod userland_fake;

use ordinal_model::userland::{self, ContainerEnv, HttpRequest, ServeRequest};
use proptest::prelude::*;
use userland_fake::World;

const IMAGES: [&str; 5] = [
    "registry.k8s.io/nginx-slim:0.8",
    "busybox:1.28",
    "busybox",
    "nginx:1.27",
    "registry.k8s.io/e2e-test-images/agnhost:2.53",
];

const PROGRAMS: [&str; 21] = [
    "hostname", "cat", "ls", "mv", "rm", "mkdir", "chmod", "env", "printenv", "sleep", "kill",
    "ps", "curl", "wget", "nslookup", "true", "false", "pwd", "touch", "date", "nope",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-".to_string()),
        Just("--".to_string()),
        Just("-rf".to_string()),
        Just("-la".to_string()),
        Just("-p".to_string()),
        Just("-m".to_string()),
        Just("-O".to_string()),
        Just("-o".to_string()),
        Just("-s".to_string()),
        Just("-type=a".to_string()),
        Just("+x".to_string()),
        Just("755".to_string()),
        Just("/".to_string()),
        Just(".".to_string()),
        Just("..".to_string()),
        Just("/usr/share/nginx/html".to_string()),
        Just("/usr/share/nginx/html/index.html".to_string()),
        Just("/tmp/x".to_string()),
        Just("localhost".to_string()),
        Just("web-0.nginx".to_string()),
        Just("http://web-1.nginx:80/a/../../b".to_string()),
        Just("10.244.9.9".to_string()),
        Just("inf".to_string()),
        "[ -~]{0,12}",
        "[a-z/.:%-]{0,20}",
        "\\PC{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn programs_never_panic(
        image in 0..IMAGES.len(),
        prog in 0..PROGRAMS.len(),
        args in proptest::collection::vec(word(), 0..6),
        stdin in "[ -~\n]{0,20}",
        tty in any::<bool>(),
    ) {
        let mut w = World::new();
        w.tty = tty;
        w.add_pod("web-0", "registry.k8s.io/nginx-slim:0.8", "10.244.1.6", Some("/usr/share/nginx/html"), Some("nginx"));
        w.add_pod("web-1", "registry.k8s.io/nginx-slim:0.8", "10.244.2.6", None, Some("nginx"));
        w.add_pod("t", IMAGES[image], "10.244.3.4", None, None);
        let mut argv = vec![PROGRAMS[prog].to_string()];
        argv.extend(args);
        let mut env = w.env("t");
        let out = userland::run(&argv, &stdin, &mut env);
        prop_assert!(out.exit_code >= 0 && out.exit_code <= 255);
    }

    #[test]
    fn nginx_serves_any_path(path in "[ -~]{0,30}", method in prop_oneof![Just("GET"), Just("HEAD"), Just("POST")]) {
        let mut w = World::new();
        w.add_pod("web-0", "registry.k8s.io/nginx-slim:0.8", "10.244.1.6", None, Some("nginx"));
        let env = w.env("web-0");
        let req = ServeRequest {
            request: HttpRequest {
                method: method.to_string(),
                path,
                host: "localhost".into(),
                user_agent: "curl/7.47.0".into(),
                client_ip: "127.0.0.1".into(),
            },
            now_ms: env.now_ms(),
            connection: 1,
            worker_pid: 7,
        };
        let r = userland::serve(&env, &req);
        prop_assert!([200u16, 301, 400, 403, 404, 405].contains(&r.response.status));
        prop_assert!(!r.log.is_empty());
    }
}
