//! `cargo xtask bench`: prints numbers, never fails on timing.
//!
//! 1. Every `crates/<crate>/examples/bench_*.rs` (or `bench_*/main.rs`), run with `--release`.
//! 2. The browser load benchmark (`tests/e2e/load-bench.mjs`): load-to-`app-mounted` and
//!    first-contentful-paint of `dist/` in headless Chromium, median of 5.

use std::fs;
use std::process::Command;

use crate::{cargo, exec, root, setup, site, Result};

pub fn run() -> Result {
    let benches = discover()?;
    if benches.is_empty() {
        println!("bench: no crates/*/examples/bench_* programs yet");
    }
    for (package, example) in &benches {
        println!("\n== bench {package} --example {example}");
        exec(cargo().args([
            "run",
            "--quiet",
            "--release",
            "-p",
            package,
            "--example",
            example,
        ]))?;
    }
    println!("\n== browser load benchmark");
    load()
}

/// The browser load benchmark alone (needs dist/).
pub fn load() -> Result {
    if !root().join("dist/index.html").exists() {
        site::dist()?;
    }
    setup::chromium()?;
    setup::npm()?;
    exec(
        Command::new("node")
            .arg(root().join("tests/e2e/load-bench.mjs"))
            .current_dir(root()),
    )
}

/// (package name, example name) for every `bench_*` example, sorted.
fn discover() -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let crates = root().join("crates");
    for (_, manifest) in site::files(&crates)?
        .into_iter()
        .filter(|(rel, _)| rel.ends_with("/Cargo.toml") && rel.matches('/').count() == 1)
    {
        let dir = manifest.parent().expect("manifest has a parent");
        let Ok(examples) = fs::read_dir(dir.join("examples")) else {
            continue;
        };
        let package = package_name(&manifest)?;
        for e in examples.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            let example = if path.is_dir() && path.join("main.rs").exists() {
                name
            } else if let Some(stem) = name.strip_suffix(".rs") {
                stem.to_string()
            } else {
                continue;
            };
            if example.starts_with("bench_") {
                found.push((package.clone(), example));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The `name` of a Cargo.toml's `[package]` section (a line scan is enough for our manifests).
fn package_name(manifest: &std::path::Path) -> Result<String> {
    let text = fs::read_to_string(manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(v) = line.strip_prefix("name").map(str::trim_start) {
                if let Some(v) = v.strip_prefix('=') {
                    return Ok(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    Err(format!("no [package] name in {}", manifest.display()))
}
