//! Executing scripts against a fake host. Each table is a list of scripts; the snapshot shows
//! each script, its transcript (stderr lines marked `!`) and its exit status.
//! Update with `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test shell_exec`.

mod shell_support;

use expect_test::{expect, Expect};
use ordinal_kubectl::shell::*;
use shell_support::*;

fn table(cases: &[&str], expected: Expect) {
    let mut out = String::new();
    for c in cases {
        out.push_str(&format!("$ {}\n", c.replace('\n', "\n> ")));
        out.push_str(&run(c));
    }
    expected.assert_eq(&out);
}

#[test]
fn quoting_and_expansion() {
    table(
        &[
            "echo hello   world",
            "echo 'single $HOME \\n' \"double\"",
            "A=1; echo \"$A\" '$A' $A ${A} \"${A}x\" ${A}x",
            "A='a  b   c'; args $A; args \"$A\"",
            "args \"\" '' x\"\"y",
            "E=; args $E; args \"$E\"",
            "echo \"a\\\"b\" 'it'\\''s' \\$HOME a\\ b",
            "args \"$(echo one two)\" $(echo one two)",
            "echo $(echo $(echo nested))",
            "echo `echo back` \"`echo quoted`\"",
            "X=1 env",
            "export Y=2; env; echo $Y",
            "echo ${UNSET:-default} ${UNSET-d2} ${#HOSTNAME} x${UNSET}y",
            "V=abc; echo ${#V} ${V:-no}",
            "echo $? ; false; echo $?; true; echo $?",
            "echo a*b '*' [x]",
            "echo $ \"$\" a$ \"x$\" $% \"${UNSET}\"end",
            "echo -n no newline; echo; echo -e 'tab\\there' -E; echo -ne 'x\\n'",
            "printf '%s=%d\\n' a 1 b 2; printf '%5s|%-5s|%05d\\n' ab cd 42",
            "echo one # a comment\n# another\necho two",
            "echo a\\\nb",
        ],
        expect![[r#"
            $ echo hello   world
            hello world
            [exit 0]
            $ echo 'single $HOME \n' "double"
            single $HOME \n double
            [exit 0]
            $ A=1; echo "$A" '$A' $A ${A} "${A}x" ${A}x
            1 $A 1 1 1x 1x
            [exit 0]
            $ A='a  b   c'; args $A; args "$A"
            <a><b><c>
            <a  b   c>
            [exit 0]
            $ args "" '' x""y
            <><><xy>
            [exit 0]
            $ E=; args $E; args "$E"

            <>
            [exit 0]
            $ echo "a\"b" 'it'\''s' \$HOME a\ b
            a"b it's $HOME a b
            [exit 0]
            $ args "$(echo one two)" $(echo one two)
            <one two><one><two>
            [exit 0]
            $ echo $(echo $(echo nested))
            nested
            [exit 0]
            $ echo `echo back` "`echo quoted`"
            back quoted
            [exit 0]
            $ X=1 env
            X=1
            [exit 0]
            $ export Y=2; env; echo $Y
            Y=2
            2
            [exit 0]
            $ echo ${UNSET:-default} ${UNSET-d2} ${#HOSTNAME} x${UNSET}y
            default d2 0 xy
            [exit 0]
            $ V=abc; echo ${#V} ${V:-no}
            3 abc
            [exit 0]
            $ echo $? ; false; echo $?; true; echo $?
            0
            1
            0
            [exit 0]
            $ echo a*b '*' [x]
            a*b * [x]
            [exit 0]
            $ echo $ "$" a$ "x$" $% "${UNSET}"end
            $ $ a$ x$ $% end
            [exit 0]
            $ echo -n no newline; echo; echo -e 'tab\there' -E; echo -ne 'x\n'
            no newline
            tab	here -E
            x
            [exit 0]
            $ printf '%s=%d\n' a 1 b 2; printf '%5s|%-5s|%05d\n' ab cd 42
            a=1
            b=2
               ab|cd   |00042
            [exit 0]
            $ echo one # a comment
            > # another
            > echo two
            one
            two
            [exit 0]
            $ echo a\
            > b
            ab
            [exit 0]
        "#]],
    );
}

#[test]
fn control_flow() {
    table(
        &[
            "true && echo yes || echo no",
            "false && echo yes || echo no",
            "false || false || echo third; echo $?",
            "fail 3; echo $?",
            "fail 3 && echo not-run; echo status=$?",
            "! true; echo $?; ! false; echo $?",
            "for i in 0 1; do echo \"web-$i\"; done",
            "for i in 0 1\ndo\n  echo $i\ndone",
            "for x in $(echo a b) c; do echo [$x]; done; echo after $x",
            "for i in; do echo never; done; echo $?",
            "if true; then echo t; else echo f; fi",
            "if false; then echo 1; elif true; then echo 2; else echo 3; fi",
            "if false; then echo 1; fi; echo $?",
            "N=; while [ \"$N\" != xxx ]; do N=x$N; echo n=$N; done",
            "until true; do echo never; done; echo done",
            "{ echo a; echo b; } | wc -l",
            "(cd /tmp; pwd); pwd",
            "cd /tmp && pwd && cd .. && pwd; cd /nope; echo $?",
            "exit 4; echo not reached",
            "echo a & echo b",
            "[ a = a ] && echo eq; [ 1 -gt 2 ] || echo notgt; test -z '' && echo empty",
            "[ x = y; echo $?; [ abc -lt 1 ]; echo $?",
        ],
        expect![[r#"
            $ true && echo yes || echo no
            yes
            [exit 0]
            $ false && echo yes || echo no
            no
            [exit 0]
            $ false || false || echo third; echo $?
            third
            0
            [exit 0]
            $ fail 3; echo $?
            !fail: failing as asked
            3
            [exit 0]
            $ fail 3 && echo not-run; echo status=$?
            !fail: failing as asked
            status=3
            [exit 0]
            $ ! true; echo $?; ! false; echo $?
            1
            0
            [exit 0]
            $ for i in 0 1; do echo "web-$i"; done
            web-0
            web-1
            [exit 0]
            $ for i in 0 1
            > do
            >   echo $i
            > done
            0
            1
            [exit 0]
            $ for x in $(echo a b) c; do echo [$x]; done; echo after $x
            [a]
            [b]
            [c]
            after c
            [exit 0]
            $ for i in; do echo never; done; echo $?
            0
            [exit 0]
            $ if true; then echo t; else echo f; fi
            t
            [exit 0]
            $ if false; then echo 1; elif true; then echo 2; else echo 3; fi
            2
            [exit 0]
            $ if false; then echo 1; fi; echo $?
            0
            [exit 0]
            $ N=; while [ "$N" != xxx ]; do N=x$N; echo n=$N; done
            n=x
            n=xx
            n=xxx
            [exit 0]
            $ until true; do echo never; done; echo done
            done
            [exit 0]
            $ { echo a; echo b; } | wc -l
            2
            [exit 0]
            $ (cd /tmp; pwd); pwd
            /tmp
            /
            [exit 0]
            $ cd /tmp && pwd && cd .. && pwd; cd /nope; echo $?
            /tmp
            /
            !bash: cd: /nope: No such file or directory
            1
            [exit 0]
            $ exit 4; echo not reached
            [exit 4]
            $ echo a & echo b
            a
            b
            [exit 0]
            $ [ a = a ] && echo eq; [ 1 -gt 2 ] || echo notgt; test -z '' && echo empty
            eq
            notgt
            empty
            [exit 0]
            $ [ x = y; echo $?; [ abc -lt 1 ]; echo $?
            !bash: [: missing `]'
            2
            !bash: [: abc: integer expression expected
            2
            [exit 0]
        "#]],
    );
}

#[test]
fn pipes_filters_and_redirections() {
    table(
        &[
            "printf 'b\\na\\nc\\na\\n' | sort",
            "printf 'b\\na\\nc\\na\\n' | sort -u | head -n 2",
            "printf 'b\\na\\nc\\na\\n' | sort -r | uniq -c",
            "printf '10\\n9\\n100\\n' | sort -n; printf '10\\n9\\n100\\n' | sort",
            "printf 'web-0\\nweb-1\\nnginx\\n' | grep web | wc -l",
            "printf 'web-0\\nweb-1\\nnginx\\n' | grep -v web",
            "printf 'Web-0\\nweb-1\\n' | grep -i -n WEB",
            "printf 'web-0\\n' | grep -c nope; echo $?",
            "printf 'a.b\\naxb\\n' | grep -F a.b; printf 'a.b\\naxb\\n' | grep 'a.b'",
            "printf 'Running\\nPending\\nRunning x\\n' | grep -E '^(Pending|x)|x$'",
            "printf 'web web-0 webby\\nwebby\\n' | grep -w web; printf 'ab\\nabc\\n' | grep -x ab",
            "printf 'a1\\nb22\\n' | grep '[0-9][0-9]*$'; printf 'ab\\n' | grep '[^a]b'; echo $?",
            "grep x /no/such; echo $?; grep -Q x; echo $?",
            "printf '1\\n2\\n3\\n4\\n' | tail -n 2; printf '1\\n2\\n3\\n' | tail -n +2; printf '1\\n2\\n3\\n' | head -1",
            "printf 'one two\\nthree\\n' | wc; printf 'one two\\nthree\\n' | wc -w; printf 'abc' | wc -c",
            "echo Hello | tr a-z A-Z; echo hello | tr -d l",
            "echo hi > /tmp/f; echo there >> /tmp/f; cat /tmp/f; cat < /tmp/f | wc -l",
            "cd /tmp; echo rel > g; cat /tmp/g; cat g",
            "echo x > /nodir/f; echo $?",
            "cat < /nope; echo $?",
            "mixed; echo $?",
            "mixed 2>&1 | grep -c .",
            "mixed 2>/dev/null; mixed >/dev/null",
            "mixed > /tmp/o 2>&1; cat /tmp/o",
            "mixed 2>&1 > /tmp/o; echo --; cat /tmp/o",
            "echo to-err >&2 | wc -l",
            "nosuch; echo $?",
            "nosuch 2>/dev/null; echo $?",
            "nosuch | wc -l",
            "cat <<EOF\nhost $(hostname) in $HOME\n  \\$literal\nEOF",
            "cat <<'EOF'\n$(hostname) $X\nEOF",
            "cat <<-EOF\n\tindented\n\tEOF",
            "cat <<EOF | grep b\na\nb\nEOF\necho after",
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Service\n---\nkind: StatefulSet\nEOF",
        ],
        expect![[r#"
            $ printf 'b\na\nc\na\n' | sort
            a
            a
            b
            c
            [exit 0]
            $ printf 'b\na\nc\na\n' | sort -u | head -n 2
            a
            b
            [exit 0]
            $ printf 'b\na\nc\na\n' | sort -r | uniq -c
                  1 c
                  1 b
                  2 a
            [exit 0]
            $ printf '10\n9\n100\n' | sort -n; printf '10\n9\n100\n' | sort
            9
            10
            100
            10
            100
            9
            [exit 0]
            $ printf 'web-0\nweb-1\nnginx\n' | grep web | wc -l
            2
            [exit 0]
            $ printf 'web-0\nweb-1\nnginx\n' | grep -v web
            nginx
            [exit 0]
            $ printf 'Web-0\nweb-1\n' | grep -i -n WEB
            1:Web-0
            2:web-1
            [exit 0]
            $ printf 'web-0\n' | grep -c nope; echo $?
            0
            1
            [exit 0]
            $ printf 'a.b\naxb\n' | grep -F a.b; printf 'a.b\naxb\n' | grep 'a.b'
            a.b
            a.b
            axb
            [exit 0]
            $ printf 'Running\nPending\nRunning x\n' | grep -E '^(Pending|x)|x$'
            Pending
            Running x
            [exit 0]
            $ printf 'web web-0 webby\nwebby\n' | grep -w web; printf 'ab\nabc\n' | grep -x ab
            web web-0 webby
            ab
            [exit 0]
            $ printf 'a1\nb22\n' | grep '[0-9][0-9]*$'; printf 'ab\n' | grep '[^a]b'; echo $?
            a1
            b22
            1
            [exit 0]
            $ grep x /no/such; echo $?; grep -Q x; echo $?
            !grep: /no/such: No such file or directory
            2
            !grep: invalid option -- 'Q'
            !Try 'grep --help' for more information.
            2
            [exit 0]
            $ printf '1\n2\n3\n4\n' | tail -n 2; printf '1\n2\n3\n' | tail -n +2; printf '1\n2\n3\n' | head -1
            3
            4
            2
            3
            1
            [exit 0]
            $ printf 'one two\nthree\n' | wc; printf 'one two\nthree\n' | wc -w; printf 'abc' | wc -c
                  2       3      14
            3
            3
            [exit 0]
            $ echo Hello | tr a-z A-Z; echo hello | tr -d l
            HELLO
            heo
            [exit 0]
            $ echo hi > /tmp/f; echo there >> /tmp/f; cat /tmp/f; cat < /tmp/f | wc -l
            hi
            there
            2
            [exit 0]
            $ cd /tmp; echo rel > g; cat /tmp/g; cat g
            rel
            rel
            [exit 0]
            $ echo x > /nodir/f; echo $?
            !bash: /nodir/f: No such file or directory
            1
            [exit 0]
            $ cat < /nope; echo $?
            !bash: /nope: No such file or directory
            1
            [exit 0]
            $ mixed; echo $?
            out1
            !err1
            out2
            3
            [exit 0]
            $ mixed 2>&1 | grep -c .
            3
            [exit 0]
            $ mixed 2>/dev/null; mixed >/dev/null
            out1
            out2
            !err1
            [exit 3]
            $ mixed > /tmp/o 2>&1; cat /tmp/o
            out1
            err1
            out2
            [exit 0]
            $ mixed 2>&1 > /tmp/o; echo --; cat /tmp/o
            err1
            --
            out1
            out2
            [exit 0]
            $ echo to-err >&2 | wc -l
            !to-err
            0
            [exit 0]
            $ nosuch; echo $?
            !bash: nosuch: command not found
            127
            [exit 0]
            $ nosuch 2>/dev/null; echo $?
            127
            [exit 0]
            $ nosuch | wc -l
            !bash: nosuch: command not found
            0
            [exit 0]
            $ cat <<EOF
            > host $(hostname) in $HOME
            >   \$literal
            > EOF
            host laptop in 
              $literal
            [exit 0]
            $ cat <<'EOF'
            > $(hostname) $X
            > EOF
            $(hostname) $X
            [exit 0]
            $ cat <<-EOF
            > 	indented
            > 	EOF
            indented
            [exit 0]
            $ cat <<EOF | grep b
            > a
            > b
            > EOF
            > echo after
            b
            after
            [exit 0]
            $ kubectl apply -f - <<EOF
            > apiVersion: v1
            > kind: Service
            > ---
            > kind: StatefulSet
            > EOF
            service configured
            statefulset configured
            [exit 0]
        "#]],
    );
}

/// The tutorials' shell lines, against a fake kubectl whose `exec` runs `sh -c` with the same
/// interpreter in a container host (hostname = pod name).
#[test]
fn tutorial_lines() {
    let mut host = FakeHost::new();
    let mut shell = Shell::new(Dialect::Bash);
    let mut out = String::new();
    for c in [
        "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done",
        "for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done",
        "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done",
        "for i in 0 1; do\n  kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html';\ndone",
        "cat /pods/web-0/usr/share/nginx/html/index.html /pods/web-1/usr/share/nginx/html/index.html",
        "for p in 0 1 2; do kubectl get pod \"web-$p\" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done",
        "kubectl exec web-0 -- sh -c 'nosuch; echo \"in $HOSTNAME: $?\"; echo x > /nodir/y'",
        "kubectl exec web-0 -- sh -c 'for i in 1 2; do echo $i; done | tail -1; exit 3'; echo $?",
        "kubectl exec web-0 -- sh -c 'echo \"unterminated'",
        "kubectl exec web-0 -- nosuch",
        "echo \"$(hostname)\" '$(hostname)'",
    ] {
        out.push_str(&format!("$ {}\n", c.replace('\n', "\n> ")));
        out.push_str(&run_in(&mut shell, &mut host, c));
    }
    expect![[r#"
        $ for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done
        web-0
        web-1
        [exit 0]
        $ for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done
        web-0
        web-1
        [exit 0]
        $ for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done
        [exit 0]
        $ for i in 0 1; do
        >   kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html';
        > done
        [exit 0]
        $ cat /pods/web-0/usr/share/nginx/html/index.html /pods/web-1/usr/share/nginx/html/index.html
        web-0
        web-1
        [exit 0]
        $ for p in 0 1 2; do kubectl get pod "web-$p" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
        !error: unknown command "get" for "kubectl"

        !error: unknown command "get" for "kubectl"

        !error: unknown command "get" for "kubectl"

        [exit 0]
        $ kubectl exec web-0 -- sh -c 'nosuch; echo "in $HOSTNAME: $?"; echo x > /nodir/y'
        !sh: 1: nosuch: not found
        in web-0: 127
        !sh: 1: cannot create /nodir/y: No such file or directory
        [exit 1]
        $ kubectl exec web-0 -- sh -c 'for i in 1 2; do echo $i; done | tail -1; exit 3'; echo $?
        2
        3
        [exit 0]
        $ kubectl exec web-0 -- sh -c 'echo "unterminated'
        !sh: 1: Syntax error: end of file unexpected
        [exit 2]
        $ kubectl exec web-0 -- nosuch
        !error: Internal error occurred: exec: "nosuch": executable file not found in $PATH
        [exit 1]
        $ echo "$(hostname)" '$(hostname)'
        laptop $(hostname)
        [exit 0]
    "#]]
    .assert_eq(&out);
    // The template argument reached kubectl intact.
    assert!(host
        .spawned
        .iter()
        .any(|s| s == "kubectl get pod web-2 --template {{range $i, $c := .spec.containers}}{{$c.image}}{{end}}"));
}

#[test]
fn variables_persist_across_command_lines() {
    let mut host = FakeHost::new();
    let mut shell = Shell::new(Dialect::Bash);
    let mut out = String::new();
    for c in [
        "A=1; cd /tmp",
        "echo $A; pwd",
        "false",
        "echo $?",
        "(A=2; exit 5); echo $? $A",
        "B=$(false); echo $?",
    ] {
        out.push_str(&format!("$ {c}\n"));
        out.push_str(&run_in(&mut shell, &mut host, c));
    }
    expect![[r#"
        $ A=1; cd /tmp
        [exit 0]
        $ echo $A; pwd
        1
        /tmp
        [exit 0]
        $ false
        [exit 1]
        $ echo $?
        1
        [exit 0]
        $ (A=2; exit 5); echo $? $A
        5 1
        [exit 0]
        $ B=$(false); echo $?
        1
        [exit 0]
    "#]]
    .assert_eq(&out);
}

#[test]
fn blocking_commands_suspend_and_resume() {
    table(
        &[
            "sleep 0.5; echo woke",
            "sleep 1.5 2; echo woke",
            "sleep 0; echo instant",
            "sleep abc; echo $?; sleep; echo $?",
            "for i in 0 1; do echo \"before $i\"; watch 2; echo \"after $i\"; done",
            "watch 3 | grep -c event",
            "echo \"got $(watch 2 | wc -l) lines\"",
        ],
        expect![[r#"
            $ sleep 0.5; echo woke
            woke
            [exit 0, 500ms]
            $ sleep 1.5 2; echo woke
            woke
            [exit 0, 3500ms]
            $ sleep 0; echo instant
            instant
            [exit 0]
            $ sleep abc; echo $?; sleep; echo $?
            !sleep: invalid time interval 'abc'
            !Try 'sleep --help' for more information.
            1
            !sleep: missing operand
            !Try 'sleep --help' for more information.
            1
            [exit 0]
            $ for i in 0 1; do echo "before $i"; watch 2; echo "after $i"; done
            before 0
            event at 0ms
            event at 1000ms
            after 0
            before 1
            event at 1000ms
            event at 2000ms
            after 1
            [exit 0, 2000ms]
            $ watch 3 | grep -c event
            3
            [exit 0, 2000ms]
            $ echo "got $(watch 2 | wc -l) lines"
            got 2 lines
            [exit 0, 1000ms]
        "#]],
    );
}

/// Polls by hand: a job suspended in a loop, time not moving, output so far, then resumed.
#[test]
fn sleep_waits_for_host_time_and_interrupt_ends_with_130() {
    let mut host = FakeHost::new();
    let script = parse("for i in 1 2 3; do echo $i; sleep 0.5; done; echo end").unwrap();
    let mut job = Job::new(&script, ShellState::new(Dialect::Bash));
    let mut io = TaskIo::default();
    assert_eq!(
        job.poll(&mut host, &mut io),
        TaskPoll::Pending {
            wake_at_ms: Some(500)
        }
    );
    assert_eq!(io.take_out(), vec![(Stream::Stdout, "1\n".to_string())]);
    // Time did not move: still pending, no output.
    for _ in 0..3 {
        assert_eq!(
            job.poll(&mut host, &mut io),
            TaskPoll::Pending {
                wake_at_ms: Some(500)
            }
        );
        assert!(io.out.is_empty());
    }
    host.now = 499;
    assert!(matches!(
        job.poll(&mut host, &mut io),
        TaskPoll::Pending { .. }
    ));
    host.now = 500;
    assert_eq!(
        job.poll(&mut host, &mut io),
        TaskPoll::Pending {
            wake_at_ms: Some(1000)
        }
    );
    assert_eq!(io.take_out(), vec![(Stream::Stdout, "2\n".to_string())]);
    // Ctrl-C mid-loop: the rest of the line is abandoned.
    job.interrupt();
    assert_eq!(job.poll(&mut host, &mut io), TaskPoll::Done(130));
    assert!(io.out.is_empty());
    assert_eq!(job.state().last_status, 130);
    assert_eq!(job.poll(&mut host, &mut io), TaskPoll::Done(130));

    // A task that waits for the model (no wake time) gets one last poll to clean up.
    let script = parse("echo start; block; echo never").unwrap();
    let mut job = Job::new(&script, ShellState::new(Dialect::Bash));
    assert_eq!(
        job.poll(&mut host, &mut io),
        TaskPoll::Pending { wake_at_ms: None }
    );
    assert_eq!(
        job.poll(&mut host, &mut io),
        TaskPoll::Pending { wake_at_ms: None }
    );
    job.interrupt();
    assert_eq!(job.poll(&mut host, &mut io), TaskPoll::Done(130));
    assert_eq!(
        io.take_out(),
        vec![
            (Stream::Stdout, "start\n".to_string()),
            (Stream::Stderr, "block: cleaned up\n".to_string())
        ]
    );

    // Interrupt inside a pipeline and inside $(…).
    for src in ["block | wc -l; echo never", "echo $(block); echo never"] {
        let script = parse(src).unwrap();
        let mut job = Job::new(&script, ShellState::new(Dialect::Bash));
        assert!(matches!(
            job.poll(&mut host, &mut io),
            TaskPoll::Pending { .. }
        ));
        job.interrupt();
        assert_eq!(job.poll(&mut host, &mut io), TaskPoll::Done(130), "{src}");
        assert_eq!(io.stdout_text(), "", "{src}");
        io.out.clear();
    }
}

/// An interactive program (a pod's shell) reading typed lines through the job's stdin.
#[test]
fn interactive_task_reads_typed_lines() {
    let mut host = FakeHost::new();
    let script = parse("shell; echo \"shell exited with $?\"").unwrap();
    let mut job = Job::new(&script, ShellState::new(Dialect::Bash));
    let mut io = TaskIo::default();
    assert_eq!(
        job.poll(&mut host, &mut io),
        TaskPoll::Pending { wake_at_ms: None }
    );
    assert!(job.wants_input());
    let mut transcript = io.stdout_text();
    io.out.clear();
    for line in [
        "hostname\n",
        "for i in 1 2; do\n",
        "echo $i; done\n",
        "exit 7\n",
    ] {
        io.stdin.push_str(line);
        transcript.push_str(line);
        let _ = job.poll(&mut host, &mut io);
        for (_, t) in io.take_out() {
            transcript.push_str(&t);
        }
    }
    assert_eq!(job.exit_status(), Some(0));
    expect![[r#"
        / # hostname
        laptop
        / # for i in 1 2; do
        echo $i; done
        1
        2
        / # exit 7
        shell exited with 7
    "#]]
    .assert_eq(&transcript);
}

#[test]
fn limits_yield_and_stop_instead_of_freezing() {
    let mut host = FakeHost::new();
    // An endless loop yields every STEPS_PER_POLL steps and is stopped at the iteration cap.
    let script = parse("while true; do :; done; echo after").unwrap();
    let mut job = Job::new(&script, ShellState::new(Dialect::Bash));
    let mut io = TaskIo::default();
    let mut polls = 0;
    let code = loop {
        polls += 1;
        match job.poll(&mut host, &mut io) {
            TaskPoll::Done(c) => break c,
            TaskPoll::Pending { wake_at_ms } => assert_eq!(wake_at_ms, Some(host.now)),
        }
    };
    assert!(polls > 10, "yielded {polls} times");
    assert_eq!(code, 1);
    expect![[r#"
        bash: loop stopped after 100000 iterations (ordinal limit)
    "#]]
    .assert_eq(&io.take_out().into_iter().map(|c| c.1).collect::<String>());

    // Deep nesting is a parse error, not a stack overflow.
    let deep = format!("{}echo{}", "$(".repeat(200), ")".repeat(200));
    expect![[r#"
        bash: nesting too deep (the limit is 64)
    "#]]
    .assert_eq(&parse(&deep).unwrap_err().message(Dialect::Bash));
    let deep = format!("{}true{}", "if true; then ".repeat(100), "; fi".repeat(100));
    assert!(matches!(parse(&deep), Err(ParseError::Other(_))));
    let deep = "(".repeat(10_000);
    assert!(parse(&deep).is_err());

    // Huge input is refused.
    let big = "echo x; ".repeat(200_000);
    expect![[r#"
        bash: input too long (1600000 bytes; the limit is 1048576)
    "#]]
    .assert_eq(&parse(&big).unwrap_err().message(Dialect::Bash));

    // Output is capped.
    let out = run("while true; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done | wc -l");
    expect![[r#"
        !bash: output limit of 8388608 bytes exceeded; command stopped (ordinal limit)
        78399
        [exit 0]
    "#]]
    .assert_eq(&out);
}
