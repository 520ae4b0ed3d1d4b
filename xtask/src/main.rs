//! `cargo xtask <command>`: the project's build orchestrator.
//!
//! It links wasm-bindgen's CLI and test runner as libraries (see `Cargo.toml`), so the only
//! tools it needs beyond cargo are Debian's Chromium (browser tests) and three npm packages
//! (`wasm-opt` from npm `binaryen`, `playwright-core`, `axe-core`); it installs those itself.

mod bench;
mod http;
mod layers;
mod serve;
mod setup;
mod site;
mod size;
mod test;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Errors are messages for a human; every command prints one line on failure.
pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
cargo xtask <command>

Commands:
  serve [--port N]  dev build of the page, served on http://127.0.0.1:8080/, rebuilt on change
  dist              release bundle (wasm-opt'd) into dist/
  size              raw/gzip/brotli sizes of dist/; fails if the total exceeds 300 kB brotli
  size-layers       brotli floors of the model alone and of model + kubectl (wasm, the bundle's
                    size settings) beside the page's wasm: what the budget is up against
  bench             runs crates/*/examples/bench_*.rs (release) and the browser load benchmark
  test              everything: fmt, clippy, host + heavy tests, wasm tests in Chromium, dist,
                    size, Playwright e2e, bench (what .ci/run runs)
  help              this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::run(&args[1..]),
        Some("dist") => site::dist(),
        Some("size") => size::run(),
        Some("size-layers") => layers::run(),
        Some("bench") => bench::run(),
        Some("test") => test::run(),
        // Used by `cargo test --target wasm32-unknown-unknown` as the target runner (set by
        // `xtask test`): the test runner of exactly the wasm-bindgen version in Cargo.lock.
        Some("wasm-bindgen-test-runner") => {
            let args = std::iter::once(OsString::from("wasm-bindgen-test-runner"))
                .chain(std::env::args_os().skip(2));
            wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(args)
                .map_err(|e| format!("wasm-bindgen-test-runner: {e:#}"))
        }
        None | Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives in `<root>/xtask`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// `cargo`, as the one that started us (`$CARGO`), run from the workspace root.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Runs a command to completion, echoing it first; a non-zero exit is an error naming it.
pub fn exec(cmd: &mut Command) -> Result {
    let shown = show(cmd);
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Milliseconds of wall time, for progress messages.
pub fn secs(since: std::time::Instant) -> String {
    format!("{:.1} s", since.elapsed().as_secs_f64())
}
