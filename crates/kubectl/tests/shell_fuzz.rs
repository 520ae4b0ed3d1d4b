//! Property fuzzing (stable Rust, runs in `cargo test`): the shell parser, the line accumulator,
//! the interpreter and the flag parser never panic and always terminate, on arbitrary strings and
//! on token soups built from shell metacharacters.
//!
//! Default: 256 cases per property. The `#[ignore]`d `heavy_*` variants run
//! `256 × ORDINAL_HEAVY_SCALE` cases (default scale 40) in the release-mode heavy suite:
//! `ORDINAL_HEAVY_SCALE=100 cargo test --release -p ordinal-kubectl --test shell_fuzz -- --ignored`.

mod shell_support;

use ordinal_kubectl::flags::{parse_flags, FlagSpec, GLOBAL_FLAGS};
use ordinal_kubectl::shell::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use shell_support::FakeHost;

const SHELL_TOKENS: &[&str] = &[
    "echo", "a", "b c", "'", "\"", "$(", ")", "(", "`", ";", ";;", "&&", "||", "|", "&", "\n",
    "\n", "for", "i", "in", "do", "done", "while", "until", "if", "then", "elif", "else", "fi",
    "{", "}", "<<", "EOF", "<<-", "'EOF'", ">", ">>", "2>&1", ">&2", "&>", "<", "$", "${", "${#",
    ":-", "$i", "$?", "$$", "\\", "\\\n", "#", " ", " ", "\t", "=", "A=1", "A=$(", "!", "true",
    "false", "grep", "-c", "-v", "-E", "^a|b$", "[a-z]*", "head", "-n", "1", "tail", "sort", "-r",
    "uniq", "wc", "-l", "cat", "tr", "sleep", "0.1", "/tmp/x", "/nodir/x", "[", "]", "test",
    "printf", "%s\\n", "%5d", "-e", "\\n", "*", "exit", "cd", "..", "/tmp", "export", "unset",
    "pwd", "nosuch", "hostname", "kubectl", "exec", "web-0", "--", "sh", "-c", "env", "watch", "1",
    "mixed", "é", "\u{0}", "\r",
];

const FLAG_TOKENS: &[&str] = &[
    "-",
    "--",
    "-o",
    "-oyaml",
    "-o=",
    "--output",
    "--output=",
    "-w",
    "-w=false",
    "--watch=x",
    "-it",
    "-i",
    "-t",
    "--rm",
    "-f",
    "a,b",
    "--replicas",
    "--replicas=",
    "abc",
    "0x",
    "-1",
    "99999999999999999999",
    "--timeout",
    "5",
    "1h2m",
    "--cascade",
    "--dry-run",
    "-n",
    "--namespace=",
    "-h",
    "--help",
    "---x",
    "--=",
    "-=",
    "-z",
    "-é",
    "--é",
    "--grace_period=1",
    "-ozz",
    "-c",
    "--v=3",
    "-v",
    "",
    "=",
];

fn shell_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SHELL_TOKENS), 0..40).prop_map(|v| {
        let mut s = String::new();
        for (k, t) in v.iter().enumerate() {
            if k > 0 && k % 3 == 0 {
                s.push(' ');
            }
            s.push_str(t);
        }
        s
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~\\n\\t]{0,120}".prop_map(|s| s),
        shell_soup()
    ]
}

fn flag_argv() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(FLAG_TOKENS).prop_map(String::from),
            any::<String>(),
            "-{1,3}[a-z_=-]{0,8}".prop_map(|s| s),
        ],
        0..12,
    )
}

const SPECS: &[FlagSpec] = &[
    FlagSpec::string("output", Some('o'), ""),
    FlagSpec::bool("watch", Some('w')),
    FlagSpec::bool("stdin", Some('i')),
    FlagSpec::bool("tty", Some('t')),
    FlagSpec::bool("rm", None),
    FlagSpec::string_slice("filename", Some('f')),
    FlagSpec::int("replicas", None, "0"),
    FlagSpec::int("grace-period", None, "-1"),
    FlagSpec::duration("timeout", None, "0s"),
    FlagSpec::string("cascade", None, "background").no_opt("background"),
    FlagSpec::string("dry-run", None, "none").no_opt("unchanged"),
    FlagSpec::new("count", Some('c'), ordinal_kubectl::flags::Kind::Int32, "0"),
];

/// Parse, detect incompleteness line by line, and (when it parses) run with a bounded driver.
fn check_shell(src: &str) {
    let _ = parse(src);
    let _ = parse_input(src, Dialect::Bash);
    let mut acc = Accumulator::new(Dialect::Ash);
    for line in src.split('\n') {
        let _ = acc.push_line(line);
    }
    let _ = acc.finish();
    if let Ok(script) = parse(src) {
        let mut host = FakeHost::new();
        let mut job = Job::new(&script, ShellState::new(Dialect::Bash));
        let mut io = TaskIo::with_input("input line\n");
        let mut done = false;
        for _ in 0..6 {
            match job.poll(&mut host, &mut io) {
                TaskPoll::Done(_) => {
                    done = true;
                    break;
                }
                TaskPoll::Pending {
                    wake_at_ms: Some(t),
                } => host.now = host.now.max(t),
                TaskPoll::Pending { wake_at_ms: None } => host.now += 1000,
            }
        }
        if !done {
            job.interrupt();
            assert_eq!(job.poll(&mut host, &mut io), TaskPoll::Done(130));
        }
    }
}

fn check_flags(argv: &[String]) {
    let mut specs = SPECS.to_vec();
    specs.extend_from_slice(GLOBAL_FLAGS);
    if let Ok(p) = parse_flags(&specs, argv) {
        assert!(p.args.len() <= argv.len());
    }
}

fn run_props(cases: u32) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&any_text(), |s| {
            check_shell(&s);
            Ok(())
        })
        .unwrap();
    runner
        .run(&shell_soup(), |s| {
            check_shell(&s);
            Ok(())
        })
        .unwrap();
    runner
        .run(&flag_argv(), |argv| {
            check_flags(&argv);
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_shell_and_flags() {
    run_props(256);
}

#[test]
#[ignore = "heavy: run in release with ORDINAL_HEAVY_SCALE"]
fn heavy_fuzz_shell_and_flags() {
    let scale: u32 = std::env::var("ORDINAL_HEAVY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    run_props(256u32.saturating_mul(scale.max(1)));
}

/// Hand-picked hostile inputs.
#[test]
fn hostile_inputs() {
    for src in [
        "$(".repeat(5000),
        "\"$(".repeat(5000),
        "${".repeat(5000),
        "`".repeat(5001),
        "for i in 1; do ".repeat(2000),
        "{ ".repeat(5000),
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((".into(),
        "cat <<EOF\n".repeat(3000),
        "a|".repeat(5_000),
        "echo \\".into(),
        "\\".into(),
        "$".into(),
        "'".into(),
        "<<".into(),
        "2>".into(),
        "9999999999>x".into(),
        "echo ${#}".into(),
        "echo ${?} ${10} ${#10}".into(),
        "printf %999999999s x".into(),
        "printf '%.999999999s' x".into(),
        "sleep 99999999999999999999d".into(),
        "grep -E '(((((((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))))' /tmp/x".into(),
        "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\n' | grep -E '(a*)*(a*)*(a*)*b'".into(),
        "printf 'x\\n' | grep '[z-a]'; printf 'x\\n' | grep '\\('; printf 'x\\n' | grep -E 'a)'".into(),
        "echo x | tr '\\0-\\377' a".into(),
        "head -n 99999999999999999999; tail -n -5; tail -n +0 /tmp; sort -k 0".into(),
    ] {
        let t = std::time::Instant::now();
        check_shell(&src);
        let e = t.elapsed();
        if std::env::var("ORDINAL_FUZZ_TIMING").is_ok() {
            eprintln!("{:?} {:?}", e, &src.chars().take(30).collect::<String>());
        }
    }
}
