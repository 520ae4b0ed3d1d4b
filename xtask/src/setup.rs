//! Idempotent installs: each check is cheap, each install happens only when something is missing.

use std::path::Path;
use std::process::Command;

use crate::{exec, root, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `rustup target add wasm32-unknown-unknown` unless the target's std is already installed.
pub fn wasm_target() -> Result {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .join("lib")
        .is_dir()
    {
        return Ok(());
    }
    eprintln!("xtask: installing the {WASM_TARGET} target");
    exec(
        Command::new("rustup")
            .args(["target", "add", WASM_TARGET])
            .current_dir(root()),
    )
}

/// Debian's Chromium and ChromeDriver (never a browser download from elsewhere).
pub fn chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    eprintln!("xtask: installing Debian's chromium and chromium-driver (apt-get)");
    let apt = |args: &[&str]| {
        exec(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))
        .map_err(|e| {
            format!("{e}\n  (needs root; by hand: apt-get update && apt-get install -y chromium chromium-driver)")
        })
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"])
}

/// `npm ci` unless node_modules already matches package-lock.json.
pub fn npm() -> Result {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (mtime(&lock), mtime(&installed)) {
        (Some(l), Some(i)) => i >= l,
        _ => false,
    };
    let complete = ["binaryen", "playwright-core", "axe-core"].iter().all(|p| {
        root.join("node_modules")
            .join(p)
            .join("package.json")
            .exists()
    });
    if fresh && complete {
        return Ok(());
    }
    eprintln!("xtask: installing npm dev packages (npm ci)");
    exec(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root),
    )
}

fn mtime(p: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}
