//! Shared by the `cmd_exec_*` tests: what `ordinal shell --echo` prints for a script, and a
//! cluster with the tutorial's StatefulSet running.

#![allow(dead_code)]

use ordinal_kubectl::shell::strip_prompt;
use ordinal_kubectl::Session;

/// Feeds `script` line by line as `ordinal shell --echo` does and returns what it prints
/// (stdout and stderr merged in order): commands as `$ …`, continuation lines as `> …`, lines
/// typed into a pod shell right after its prompt. Carriage returns are shown as `\r` (nginx's
/// error pages end lines with CRLF; rustc would normalize them away in the expected text).
pub fn echo_lines(s: &mut Session, script: &str) -> String {
    let mut out = String::new();
    for line in script.lines() {
        let t = line.trim();
        let skip = t.is_empty() || t.starts_with('#');
        if s.wants_input() {
            out.push_str(line);
            out.push('\n');
        } else if !skip {
            if s.continuing() {
                out.push_str(&format!("> {line}\n"));
            } else {
                out.push_str(&format!("$ {}\n", strip_prompt(line)));
            }
        }
        s.submit(line);
        s.run_until_blocked();
        for (_, t) in s.poll() {
            out.push_str(&t.replace('\r', "\\r"));
        }
    }
    out
}

/// A session whose cluster runs `web.yaml` with both pods Running and Ready (setup output
/// dropped).
pub fn with_web() -> Session {
    let mut s = Session::new(0);
    let setup = "kubectl apply -f https://k8s.io/examples/application/web/web.yaml\nkubectl rollout status sts/web\n";
    let out = echo_lines(&mut s, setup);
    assert!(
        out.contains("partitioned roll out complete") || out.contains("2 pods ready"),
        "{out}"
    );
    s
}
