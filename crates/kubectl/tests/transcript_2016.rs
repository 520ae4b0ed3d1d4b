//! The December 2016 StatefulSet Basics tutorial, every command in order, against v1.34:
//! `tests/transcripts/2016.sh` through a Session as `ordinal shell --echo` prints it, compared
//! with `tests/transcripts/2016.out` (what v1.34 prints; the script's comments say where the
//! tutorial's text differs and why). Update with
//! `UPDATE_EXPECT=1 cargo test -p ordinal-kubectl --test transcript_2016`.

use ordinal_kubectl::files::MemFiles;
use ordinal_kubectl::shell::strip_prompt;
use ordinal_kubectl::Session;

fn transcript(seed: u64) -> String {
    let mut files = MemFiles::new();
    files.insert("web.yaml", include_str!("../../../tests/checkdoc/web.yaml"));
    let mut s = Session::with_files(seed, Box::new(files), true);
    let script = include_str!("../../../tests/transcripts/2016.sh");
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
    s.end_of_input();
    s.run_until_blocked();
    for (_, t) in s.poll() {
        out.push_str(&t);
    }
    out
}

#[test]
fn tutorial_2016_on_v1_34() {
    expect_test::expect_file!["../../../tests/transcripts/2016.out"].assert_eq(&transcript(0));
}

#[test]
fn tutorial_2016_is_deterministic() {
    assert_eq!(transcript(3), transcript(3));
}
