//! `ordinal`: the native front end of the Ordinal model.
//!
//! `ordinal shell [--seed N] [--echo]` reads lines from stdin and runs them against a fresh
//! simulated cluster. This contract is checked by tools outside the repository:
//! * stdout and stderr are written in order and flushed per chunk;
//! * `--echo`: each input line that is not blank or a comment is echoed once before its
//!   output — a command's first line as `$ <line>` (a pasted `$ ` stripped first), its
//!   continuation lines as `> <line>`, and lines typed into a shell inside a pod right after
//!   that shell's prompt;
//! * virtual time moves only through commands (`sleep` and blocking commands jump it);
//! * exit status 0 at EOF; a failing command prints its error and the script goes on.

use ordinal_kubectl::files::NativeFiles;
use ordinal_kubectl::shell::{strip_prompt, Stream};
use ordinal_kubectl::Session;
use std::io::{BufRead, IsTerminal, Write};

const USAGE: &str = "\
ordinal — a simulated Kubernetes v1.34 cluster for StatefulSet lessons

Usage:
  ordinal shell [--seed N] [--echo]   run kubectl/shell commands from stdin against a fresh cluster
  ordinal check-doc FILE.md [--fix]   run a Markdown tutorial's commands and report drift
  ordinal help                        print this help
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => print!("{USAGE}"),
        Some("shell") => std::process::exit(shell(&args[1..])),
        Some("check-doc") => {
            eprintln!("ordinal check-doc: not implemented yet in this build");
            std::process::exit(2);
        }
        Some(other) => {
            eprint!("error: unknown command \"{other}\"\n\n{USAGE}");
            std::process::exit(2);
        }
    }
}

fn write_chunks(chunks: Vec<(Stream, String)>) {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    for (s, t) in chunks {
        match s {
            Stream::Stdout => {
                let mut o = stdout.lock();
                let _ = o.write_all(t.as_bytes());
                let _ = o.flush();
            }
            Stream::Stderr => {
                let mut e = stderr.lock();
                let _ = e.write_all(t.as_bytes());
                let _ = e.flush();
            }
        }
    }
}

fn out(s: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(s.as_bytes());
    let _ = o.flush();
}

fn shell(args: &[String]) -> i32 {
    let mut seed: u64 = 0;
    let mut echo = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--echo" => echo = true,
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| s.parse().ok()) {
                    Some(n) => seed = n,
                    None => {
                        eprintln!("ordinal shell: --seed needs a number");
                        return 2;
                    }
                }
            }
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(n) => seed = n,
                Err(_) => {
                    eprintln!("ordinal shell: --seed needs a number");
                    return 2;
                }
            },
            other => {
                eprintln!("ordinal shell: unknown flag {other}\n\n{USAGE}");
                return 2;
            }
        }
        i += 1;
    }
    let interactive = std::io::stdin().is_terminal();
    let mut session = Session::with_files(seed, Box::new(NativeFiles), !interactive);
    if let Ok(cwd) = std::env::current_dir() {
        session.set_cwd(&cwd.to_string_lossy());
    }
    if interactive {
        return repl(session);
    }
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    while let Some(Ok(line)) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(&line).to_string();
        if echo {
            let t = line.trim();
            let blank_or_comment = t.is_empty() || t.starts_with('#');
            if session.wants_input() {
                out(&format!("{line}\n"));
            } else if !blank_or_comment {
                if session.continuing() {
                    out(&format!("> {line}\n"));
                } else {
                    out(&format!("$ {}\n", strip_prompt(&line)));
                }
            }
        }
        session.submit(&line);
        session.run_until_blocked();
        write_chunks(session.poll());
        if session.exited() {
            break;
        }
    }
    session.end_of_input();
    session.run_until_blocked();
    write_chunks(session.poll());
    0
}

/// Interactive use: virtual time follows the wall clock.
fn repl(mut session: Session) -> i32 {
    let stdin = std::io::stdin();
    let mut last = std::time::Instant::now();
    let tick = |s: &mut Session, last: &mut std::time::Instant| {
        let el = last.elapsed().as_millis() as u64;
        *last = std::time::Instant::now();
        s.advance_ms(el);
        write_chunks(s.poll());
    };
    loop {
        if !session.busy() || session.wants_input() {
            if !session.busy() {
                out(session.prompt());
            }
            let mut line = String::new();
            match stdin.lock().read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            tick(&mut session, &mut last);
            let line = line.trim_end_matches(['\n', '\r']);
            session.submit(line);
            write_chunks(session.poll());
            if session.exited() {
                break;
            }
        } else {
            std::thread::sleep(std::time::Duration::from_millis(50));
            tick(&mut session, &mut last);
        }
    }
    session.end_of_input();
    write_chunks(session.poll());
    0
}
