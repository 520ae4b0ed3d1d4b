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

use ordinal_kubectl::checkdoc;
use ordinal_kubectl::files::NativeFiles;
use ordinal_kubectl::shell::{strip_prompt, Stream};
use ordinal_kubectl::Session;
use std::io::{BufRead, IsTerminal, Write};

const USAGE: &str = "\
ordinal — a simulated Kubernetes v1.34 cluster for StatefulSet lessons

Usage:
  ordinal shell [--seed N] [--echo]   run kubectl/shell commands from stdin against a fresh cluster
  ordinal check-doc FILE.md [--fix] [--seed N]
                                      run a Markdown tutorial's shell blocks against a fresh
                                      cluster and report, block by block, where the output it
                                      shows differs (exit 1 on drift; --fix rewrites the
                                      doc's output blocks with the cluster's)
  ordinal help                        print this help
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => print!("{USAGE}"),
        Some("shell") => std::process::exit(shell(&args[1..])),
        Some("check-doc") => std::process::exit(check_doc(&args[1..])),
        Some(other) => {
            eprint!("error: unknown command \"{other}\"\n\n{USAGE}");
            std::process::exit(2);
        }
    }
}

/// Parses `--seed N` / `--seed=N` at `args[*i]`; `Err` is the message.
fn seed_flag(cmd: &str, args: &[String], i: &mut usize) -> Option<Result<u64, String>> {
    let a = args[*i].as_str();
    let v = if a == "--seed" {
        *i += 1;
        args.get(*i).map(String::as_str)
    } else if let Some(v) = a.strip_prefix("--seed=") {
        Some(v)
    } else {
        return None;
    };
    Some(
        v.and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("ordinal {cmd}: --seed needs a number")),
    )
}

/// `ordinal check-doc FILE.md [--fix] [--seed N]`: 0 = no drift (or fixed), 1 = drift, 2 = bad
/// usage or unreadable input.
fn check_doc(args: &[String]) -> i32 {
    let mut seed = 0;
    let mut fix = false;
    let mut file: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        if let Some(r) = seed_flag("check-doc", args, &mut i) {
            match r {
                Ok(n) => seed = n,
                Err(e) => {
                    eprintln!("{e}");
                    return 2;
                }
            }
        } else {
            match args[i].as_str() {
                "--fix" => fix = true,
                "-h" | "--help" => {
                    print!("{USAGE}");
                    return 0;
                }
                f if !f.starts_with('-') => {
                    if file.is_some() {
                        eprintln!("ordinal check-doc: one FILE.md at a time\n\n{USAGE}");
                        return 2;
                    }
                    file = Some(f);
                }
                other => {
                    eprintln!("ordinal check-doc: unknown flag {other}\n\n{USAGE}");
                    return 2;
                }
            }
        }
        i += 1;
    }
    let Some(file) = file else {
        eprintln!("ordinal check-doc: missing FILE.md\n\n{USAGE}");
        return 2;
    };
    let path = std::path::Path::new(file);
    if path.is_dir() {
        eprintln!("ordinal check-doc: {file}: is a directory");
        return 2;
    }
    // Refuse huge files before reading them.
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > checkdoc::MAX_DOC_BYTES as u64 {
            eprintln!(
                "ordinal check-doc: {file}: too large ({} bytes; the limit is {} bytes)",
                meta.len(),
                checkdoc::MAX_DOC_BYTES
            );
            return 2;
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
                std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
                _ => e.to_string(),
            };
            eprintln!("ordinal check-doc: cannot read {file}: {reason}");
            return 2;
        }
    };
    let text = match checkdoc::check_input(&bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ordinal check-doc: {file}: {e}");
            return 2;
        }
    };
    let mut session = Session::with_files(seed, Box::new(NativeFiles), true);
    // `-f web.yaml` finds the files next to the document.
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    session.set_cwd(&dir.to_string_lossy());
    let outcome = checkdoc::check(file, text, session);
    out(&outcome.report);
    if fix {
        if outcome.fixed != text {
            if let Err(e) = std::fs::write(path, outcome.fixed.as_bytes()) {
                eprintln!("ordinal check-doc: cannot write {file}: {e}");
                return 2;
            }
            out(&format!(
                "check-doc: --fix rewrote {} output block(s) in {file}\n",
                outcome.differ
            ));
        }
        return 0;
    }
    outcome.exit_code()
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
