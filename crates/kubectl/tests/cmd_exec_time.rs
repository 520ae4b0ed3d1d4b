//! Blocking programs in pods and Ctrl-C: `sleep` in a container suspends the job until virtual
//! time passes; Ctrl-C reaches the pod's program when a terminal is attached (`-t`), else it
//! ends kubectl. Replay: exec-written files follow the timeline when seeking.

mod exec_support;

use exec_support::{echo_lines, with_web};
use ordinal_kubectl::Session;
use ordinal_model::{Scenario, Time};

fn output(s: &mut Session) -> String {
    s.poll().into_iter().map(|(_, t)| t).collect()
}

#[test]
fn sleep_in_a_pod_takes_virtual_time() {
    let mut s = with_web();
    let t0 = s.now().ms();
    let out = echo_lines(
        &mut s,
        "kubectl exec web-0 -- sh -c 'sleep 5; echo done'\nkubectl exec web-0 -- sleep 2.5\n",
    );
    assert_eq!(
        out,
        "$ kubectl exec web-0 -- sh -c 'sleep 5; echo done'\ndone\n$ kubectl exec web-0 -- sleep 2.5\n"
    );
    let elapsed = s.now().ms() - t0;
    assert!((7_500..8_000).contains(&elapsed), "{elapsed}");
}

#[test]
fn ctrl_c_in_an_attached_pod_shell_stops_the_program_not_the_shell() {
    let mut s = with_web();
    echo_lines(&mut s, "kubectl exec -it web-0 -- sh\n");
    assert!(s.wants_input());
    s.submit("sleep 30");
    s.advance_ms(1_000);
    assert!(!s.wants_input(), "sleep is running");
    assert_eq!(output(&mut s), "");
    s.interrupt();
    assert!(s.wants_input(), "back at the pod shell's prompt");
    assert_eq!(output(&mut s), "# ");
    s.submit("echo $?");
    assert_eq!(output(&mut s), "130\n# ");
    // Ctrl-C at the prompt: the shell stays.
    s.interrupt();
    assert!(s.wants_input());
    assert_eq!(output(&mut s), "# ");
    s.submit("exit");
    s.run_until_blocked();
    assert_eq!(output(&mut s), "command terminated with exit code 130\n");
    assert!(!s.busy());
}

#[test]
fn ctrl_c_of_exec_with_and_without_tty() {
    let mut s = with_web();
    // No terminal: Ctrl-C ends kubectl itself (130, no message).
    s.submit("kubectl exec web-0 -- sleep 30");
    s.advance_ms(1_000);
    assert!(s.busy());
    s.interrupt();
    assert!(!s.busy());
    assert_eq!(output(&mut s), "");
    assert_eq!(
        echo_lines(&mut s, "echo $?\n"),
        "$ echo $?\n130\n",
        "kubectl killed by SIGINT"
    );
    // With -t the program in the pod gets SIGINT and kubectl reports its status.
    s.submit("kubectl exec -it web-0 -- sleep 30");
    s.advance_ms(1_000);
    s.interrupt();
    s.run_until_blocked();
    assert!(!s.busy());
    assert_eq!(output(&mut s), "command terminated with exit code 130\n");
}

#[test]
fn seeking_reproduces_exec_written_files() {
    let mut s = with_web();
    let read = |s: &Session| {
        s.with_timeline_mut(|tl| {
            tl.exec_read_file("default", "web-0", None, "/usr/share/nginx/html/index.html")
                .ok()
        })
    };
    assert_eq!(read(&s), None);
    let before = s.now();
    echo_lines(
        &mut s,
        "sleep 1\nkubectl exec web-0 -- sh -c 'echo one > /usr/share/nginx/html/index.html'\nsleep 10\n",
    );
    let mid = s.now();
    echo_lines(
        &mut s,
        "sleep 1\nkubectl exec web-0 -- sh -c 'hostname >> /usr/share/nginx/html/index.html'\nsleep 10\n",
    );
    let end = s.now();
    assert_eq!(read(&s).as_deref(), Some("one\nweb-0\n"));

    // Scrub back and forth.
    s.with_timeline_mut(|tl| tl.seek(before));
    assert_eq!(read(&s), None);
    s.with_timeline_mut(|tl| tl.seek(mid));
    assert_eq!(read(&s).as_deref(), Some("one\n"));
    s.with_timeline_mut(|tl| tl.seek(end));
    assert_eq!(read(&s).as_deref(), Some("one\nweb-0\n"));
    s.with_timeline_mut(|tl| tl.seek(Time(mid.ms() - 5_000)));
    assert_eq!(read(&s).as_deref(), Some("one\n"));

    // The scenario (share link) replays the same file on a fresh cluster.
    s.with_timeline_mut(|tl| tl.seek(end));
    let json = s.with_timeline(|tl| Scenario::of_cluster(tl.cluster()).to_json());
    let mut replayed = Scenario::from_json(&json).expect("valid scenario").replay();
    let got = replayed
        .exec_read_file("default", "web-0", None, "/usr/share/nginx/html/index.html")
        .expect("file replayed");
    assert_eq!(got, "one\nweb-0\n");
    assert_eq!(
        replayed.event_log_hash(),
        s.with_timeline(|tl| tl.cluster().event_log_hash())
    );

    // Acting in the past forks: the later write is gone from the timeline.
    s.with_timeline_mut(|tl| tl.seek(mid));
    echo_lines(
        &mut s,
        "kubectl exec web-0 -- sh -c 'echo two >> /usr/share/nginx/html/index.html'\n",
    );
    s.with_timeline_mut(|tl| tl.seek(Time(end.ms() + 1_000)));
    assert_eq!(read(&s).as_deref(), Some("one\ntwo\n"));
}
