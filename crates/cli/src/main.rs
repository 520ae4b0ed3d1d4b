//! `ordinal`: the native front end of the Ordinal model.

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
        Some(other) => {
            eprint!("error: unknown command \"{other}\"\n\n{USAGE}");
            std::process::exit(2);
        }
    }
}
