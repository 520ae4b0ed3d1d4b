//! The current StatefulSet Basics tutorial through a Session, command by command, as
//! `ordinal shell --echo` prints it. Expected output: `tests/transcripts/*.out` (update with
//! `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test transcript_current`).
//!
//! Where the tutorial's text differs from a v1.34 cluster the transcript follows the cluster:
//! `delete` prints `deleted from default namespace`, nslookup prints CoreDNS's reverse names,
//! tables use the v1.34 columns (cluster-profile.md).

use ordinal_kubectl::shell::strip_prompt;
use ordinal_kubectl::Session;

/// What `ordinal shell --echo` prints for `script` (stdout and stderr merged in order).
pub fn echo_transcript(script: &str, seed: u64) -> String {
    let mut s = Session::new(seed);
    let mut out = feed(&mut s, script);
    s.end_of_input();
    s.run_until_blocked();
    for (_, t) in s.poll() {
        out.push_str(&t);
    }
    out
}

/// Feeds `script` line by line as `ordinal shell --echo` does, without ending the input.
pub fn feed(s: &mut Session, script: &str) -> String {
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
            out.push_str(&t);
        }
    }
    out
}

#[test]
fn current_tutorial_create_scale() {
    let script = include_str!("../../../tests/transcripts/current-create.sh");
    let got = echo_transcript(script, 0);
    expect_test::expect_file!["../../../tests/transcripts/current-create.out"].assert_eq(&got);
}

#[test]
fn transcripts_are_deterministic() {
    let script = include_str!("../../../tests/transcripts/current-create.sh");
    assert_eq!(echo_transcript(script, 7), echo_transcript(script, 7));
}

#[test]
fn current_tutorial_updates_deletes_parallel_cleanup() {
    let create = include_str!("../../../tests/transcripts/current-create.sh");
    let update = include_str!("../../../tests/transcripts/current-update.sh");
    let mut s = Session::new(0);
    feed(&mut s, create);
    let got = feed(&mut s, update);
    expect_test::expect_file!["../../../tests/transcripts/current-update.out"].assert_eq(&got);
}
