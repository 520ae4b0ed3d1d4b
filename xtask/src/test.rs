//! `cargo xtask test`: every check, in order, stopping at the first failure and naming it.

use std::process::Command;
use std::time::Instant;

use crate::{bench, cargo, exec, root, secs, setup, site, size, Result};

type Step = (&'static str, fn() -> Result);

const STEPS: &[Step] = &[
    ("setup (wasm target, Debian Chromium, npm ci)", setup_all),
    ("cargo fmt --all --check", fmt),
    ("clippy, host (whole workspace, all targets)", clippy_host),
    ("clippy, wasm32 (ordinal-web)", clippy_wasm),
    ("host tests (debug)", host_tests),
    ("heavy suites (release, --ignored)", heavy_tests),
    ("wasm-bindgen-test in headless Chromium", wasm_tests),
    ("dist (release bundle)", site::dist),
    ("size report", size::run),
    ("e2e (Playwright against dist/)", e2e),
    ("bench (numbers only, never fails on timing)", bench::run),
];

pub fn run() -> Result {
    let started = Instant::now();
    let mut timings = Vec::new();
    // Developer convenience (CI never sets it): ORDINAL_TEST_FROM=N resumes at step N after a
    // failure, running setup first.
    let from: usize = std::env::var("ORDINAL_TEST_FROM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for (i, (name, step)) in STEPS.iter().enumerate() {
        if i > 0 && i + 1 < from {
            println!(
                "\n==> [{}/{}] {name}: skipped (ORDINAL_TEST_FROM={from})",
                i + 1,
                STEPS.len()
            );
            continue;
        }
        println!("\n==> [{}/{}] {name}", i + 1, STEPS.len());
        let t = Instant::now();
        if let Err(e) = step() {
            println!(
                "\nxtask test: FAILED at step {}/{}: {name}\n  {e}",
                i + 1,
                STEPS.len()
            );
            println!("steps: {} passed, 1 failed", i);
            return Err(format!("step \"{name}\" failed"));
        }
        timings.push((*name, secs(t)));
    }
    println!("\nxtask test: all steps green in {}", secs(started));
    for (name, t) in &timings {
        println!("  {t:>8}  {name}");
    }
    println!("steps: {} passed, 0 failed", STEPS.len());
    Ok(())
}

fn setup_all() -> Result {
    setup::wasm_target()?;
    setup::chromium()?;
    setup::npm()
}

fn fmt() -> Result {
    exec(cargo().args(["fmt", "--all", "--check"]))
}

fn clippy_host() -> Result {
    exec(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn clippy_wasm() -> Result {
    exec(cargo().args([
        "clippy",
        "-p",
        site::WEB_PACKAGE,
        "--all-targets",
        "--target",
        setup::WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]))
}

fn host_tests() -> Result {
    exec(cargo().args(["test", "--workspace", "--exclude", site::WEB_PACKAGE]))
}

/// Randomized harnesses and fuzzers are `#[ignore]`d tests, run here in release mode.
/// `ORDINAL_HEAVY_SCALE` (read by those tests; default 1) multiplies their case counts.
/// xtask is left out: it has no heavy tests, and a release build of it (wasm-bindgen's CLI)
/// would cost minutes for nothing.
fn heavy_tests() -> Result {
    exec(cargo().args([
        "test",
        "--release",
        "--workspace",
        "--exclude",
        site::WEB_PACKAGE,
        "--exclude",
        "xtask",
        "--",
        "--ignored",
    ]))
}

/// `cargo test` for wasm32 with this binary as the runner: wasm-bindgen-test-runner of exactly
/// the Cargo.lock version, driving Debian's Chromium through chromedriver, headless.
fn wasm_tests() -> Result {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find xtask's own binary: {e}"))?;
    let runner = format!("{} wasm-bindgen-test-runner", exe.display());
    exec(
        cargo()
            .args([
                "test",
                "-p",
                site::WEB_PACKAGE,
                "--target",
                setup::WASM_TARGET,
            ])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner)
            // Same profile settings as `serve`'s dev build, so they share compiled dependencies.
            .env(site::DEV_DEBUG.0, site::DEV_DEBUG.1),
    )
}

fn e2e() -> Result {
    let mut tests: Vec<String> = site::files(&root().join("tests/e2e"))?
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| rel.ends_with(".test.mjs") && !rel.contains('/'))
        .map(|rel| format!("tests/e2e/{rel}"))
        .collect();
    tests.sort();
    if tests.is_empty() {
        return Err("no tests/e2e/*.test.mjs found".into());
    }
    exec(
        Command::new("node")
            .args(["--test", "--test-reporter=spec"])
            .args(&tests)
            .current_dir(root()),
    )
}
