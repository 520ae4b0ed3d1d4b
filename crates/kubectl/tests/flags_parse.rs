//! Golden tests for the kubectl flag parser: accepted spellings and every error text.

use expect_test::{expect, Expect};
use ordinal_kubectl::flags::*;

const CMD: &[FlagSpec] = &[
    FlagSpec::string("output", Some('o'), ""),
    FlagSpec::bool("watch", Some('w')),
    FlagSpec::bool("stdin", Some('i')),
    FlagSpec::bool("tty", Some('t')),
    FlagSpec::bool("rm", None),
    FlagSpec::bool("all", None),
    FlagSpec::bool("force", None),
    FlagSpec::bool("show-kind", None).default_value("true"),
    FlagSpec::string("selector", Some('l'), ""),
    FlagSpec::int("replicas", None, "-1"),
    FlagSpec::int("grace-period", None, "-1"),
    FlagSpec::duration("timeout", None, "0s"),
    FlagSpec::string_slice("filename", Some('f')),
    FlagSpec::string_array("env", None),
    FlagSpec::string("cascade", None, "background").no_opt("background"),
    FlagSpec::string("dry-run", None, "none").no_opt("unchanged"),
    FlagSpec::bool("include-extended-apis", None).deprecated("No longer required."),
    FlagSpec::new("count", Some('c'), Kind::Int32, "0"),
];

fn flags() -> Vec<FlagSpec> {
    let mut v = CMD.to_vec();
    v.extend_from_slice(GLOBAL_FLAGS);
    v
}

fn show(cases: &[&str], expected: Expect) {
    let specs = flags();
    let mut out = String::new();
    for c in cases {
        let argv: Vec<String> = c
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        out.push_str(&format!("{c}\n"));
        match parse_kubectl("kubectl get", &specs, &argv) {
            Ok(None) => out.push_str("  help\n"),
            Ok(Some(p)) => {
                out.push_str(&format!("  args={:?}", p.args));
                if let Some(d) = p.args_len_at_dash {
                    out.push_str(&format!(" dash@{d}"));
                }
                for name in &p.changed {
                    out.push_str(&format!(" {name}={:?}", p.values[name]));
                }
                out.push('\n');
                for w in &p.warnings {
                    out.push_str(&format!("  warning: {w}"));
                }
            }
            Err(e) => {
                for l in e.lines() {
                    out.push_str(&format!("  {l}\n"));
                }
            }
        }
    }
    expected.assert_eq(&out);
}

#[test]
fn accepted_spellings() {
    show(
        &[
            "pods -o yaml",
            "pods -oyaml",
            "pods -o=yaml",
            "pods --output=json",
            "pods --output json",
            "pods --watch -l app=nginx",
            "-w pods",
            "pods --watch=false",
            "pods -w=false",
            "run -it --rm --image busybox dns-test",
            "exec web-0 -- sh -c hostname",
            "exec -i -t web-0 -- curl http://localhost/",
            "-f a.yaml -f b.yaml,c.yaml",
            "--env A=1,2 --env B=3",
            "sts web --replicas=5",
            "sts web --replicas 0x10",
            "statefulset web --cascade",
            "statefulset web --cascade=orphan",
            "statefulset web --cascade false",
            "pods --dry-run",
            "pods --timeout=1m30s --grace-period=-1",
            "pods -n kube-system -A",
            "pods --namespace=default --all",
            "pods --show-kind=false",
            "pods --include-extended-apis",
            "pods --grace_period=0",
            "- pods -",
            "pods -c 7",
            "pods -h",
            "pods --help",
        ],
        expect![[r#"
            pods -o yaml
              args=["pods"] output=Str("yaml")
            pods -oyaml
              args=["pods"] output=Str("yaml")
            pods -o=yaml
              args=["pods"] output=Str("yaml")
            pods --output=json
              args=["pods"] output=Str("json")
            pods --output json
              args=["pods"] output=Str("json")
            pods --watch -l app=nginx
              args=["pods"] selector=Str("app=nginx") watch=Bool(true)
            -w pods
              args=["pods"] watch=Bool(true)
            pods --watch=false
              args=["pods"] watch=Bool(false)
            pods -w=false
              args=["pods"] watch=Bool(false)
            run -it --rm --image busybox dns-test
              error: unknown flag: --image
              See 'kubectl get --help' for usage.
            exec web-0 -- sh -c hostname
              args=["exec", "web-0", "sh", "-c", "hostname"] dash@2
            exec -i -t web-0 -- curl http://localhost/
              args=["exec", "web-0", "curl", "http://localhost/"] dash@2 stdin=Bool(true) tty=Bool(true)
            -f a.yaml -f b.yaml,c.yaml
              args=[] filename=List(["a.yaml", "b.yaml", "c.yaml"])
            --env A=1,2 --env B=3
              args=[] env=List(["A=1,2", "B=3"])
            sts web --replicas=5
              args=["sts", "web"] replicas=Int(5)
            sts web --replicas 0x10
              args=["sts", "web"] replicas=Int(16)
            statefulset web --cascade
              args=["statefulset", "web"] cascade=Str("background")
            statefulset web --cascade=orphan
              args=["statefulset", "web"] cascade=Str("orphan")
            statefulset web --cascade false
              args=["statefulset", "web", "false"] cascade=Str("background")
            pods --dry-run
              args=["pods"] dry-run=Str("unchanged")
            pods --timeout=1m30s --grace-period=-1
              args=["pods"] grace-period=Int(-1) timeout=Duration(90000)
            pods -n kube-system -A
              error: unknown shorthand flag: 'A' in -A
              See 'kubectl get --help' for usage.
            pods --namespace=default --all
              args=["pods"] all=Bool(true) namespace=Str("default")
            pods --show-kind=false
              args=["pods"] show-kind=Bool(false)
            pods --include-extended-apis
              args=["pods"] include-extended-apis=Bool(true)
              warning: Flag --include-extended-apis has been deprecated, No longer required.
            pods --grace_period=0
              args=["pods"] grace-period=Int(0)
            - pods -
              args=["-", "pods", "-"]
            pods -c 7
              args=["pods"] count=Int(7)
            pods -h
              help
            pods --help
              help
        "#]],
    );
}

#[test]
fn error_texts() {
    show(
        &[
            "pods --foo",
            "pods --foo=bar",
            "pods -z",
            "pods -wz",
            "pods -o",
            "pods --output",
            "pods -wo",
            "sts web --replicas=abc",
            "sts web --replicas abc",
            "sts web --replicas=",
            "sts web --replicas=99999999999999999999",
            "pods -c 3000000000",
            "pods -c x",
            "pods --watch=maybe",
            "pods -w=2",
            "pods --timeout=30",
            "pods --timeout=abc",
            "pods --timeout=5x",
            "pods ---watch",
            "pods --=x",
            "pods -n",
            "pods --namespace",
        ],
        expect![[r#"
            pods --foo
              error: unknown flag: --foo
              See 'kubectl get --help' for usage.
            pods --foo=bar
              error: unknown flag: --foo
              See 'kubectl get --help' for usage.
            pods -z
              error: unknown shorthand flag: 'z' in -z
              See 'kubectl get --help' for usage.
            pods -wz
              error: unknown shorthand flag: 'z' in -z
              See 'kubectl get --help' for usage.
            pods -o
              error: flag needs an argument: 'o' in -o
              See 'kubectl get --help' for usage.
            pods --output
              error: flag needs an argument: --output
              See 'kubectl get --help' for usage.
            pods -wo
              error: flag needs an argument: 'o' in -o
              See 'kubectl get --help' for usage.
            sts web --replicas=abc
              error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax
              See 'kubectl get --help' for usage.
            sts web --replicas abc
              error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax
              See 'kubectl get --help' for usage.
            sts web --replicas=
              error: invalid argument "" for "--replicas" flag: strconv.ParseInt: parsing "": invalid syntax
              See 'kubectl get --help' for usage.
            sts web --replicas=99999999999999999999
              error: invalid argument "99999999999999999999" for "--replicas" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range
              See 'kubectl get --help' for usage.
            pods -c 3000000000
              error: invalid argument "3000000000" for "-c, --count" flag: strconv.ParseInt: parsing "3000000000": value out of range
              See 'kubectl get --help' for usage.
            pods -c x
              error: invalid argument "x" for "-c, --count" flag: strconv.ParseInt: parsing "x": invalid syntax
              See 'kubectl get --help' for usage.
            pods --watch=maybe
              error: invalid argument "maybe" for "-w, --watch" flag: strconv.ParseBool: parsing "maybe": invalid syntax
              See 'kubectl get --help' for usage.
            pods -w=2
              error: invalid argument "2" for "-w, --watch" flag: strconv.ParseBool: parsing "2": invalid syntax
              See 'kubectl get --help' for usage.
            pods --timeout=30
              error: invalid argument "30" for "--timeout" flag: time: missing unit in duration "30"
              See 'kubectl get --help' for usage.
            pods --timeout=abc
              error: invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"
              See 'kubectl get --help' for usage.
            pods --timeout=5x
              error: invalid argument "5x" for "--timeout" flag: time: unknown unit "x" in duration "5x"
              See 'kubectl get --help' for usage.
            pods ---watch
              error: bad flag syntax: ---watch
              See 'kubectl get --help' for usage.
            pods --=x
              error: bad flag syntax: --=x
              See 'kubectl get --help' for usage.
            pods -n
              error: flag needs an argument: 'n' in -n
              See 'kubectl get --help' for usage.
            pods --namespace
              error: flag needs an argument: --namespace
              See 'kubectl get --help' for usage.
        "#]],
    );
}

#[test]
fn go_value_parsers() {
    assert_eq!(parse_go_int("-9223372036854775808", 64), Ok(i64::MIN));
    assert!(parse_go_int("9223372036854775808", 64).is_err());
    assert_eq!(parse_go_int("0o17", 64), Ok(15));
    assert_eq!(parse_go_int("017", 64), Ok(15));
    assert_eq!(parse_go_int("0b101", 64), Ok(5));
    assert_eq!(
        parse_go_int("1_000", 64).unwrap_err(),
        "strconv.ParseInt: parsing \"1_000\": invalid syntax"
    );
    assert_eq!(parse_go_duration("500ms"), Ok(500));
    assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000));
    assert_eq!(parse_go_duration("-2s"), Ok(-2000));
    assert_eq!(parse_go_duration("0"), Ok(0));
    assert!(parse_go_duration("").is_err());
    assert!(parse_go_duration("1..5s").is_err());
}
