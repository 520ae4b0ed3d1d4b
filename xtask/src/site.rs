//! Building the page: wasm build of `crates/web`, wasm-bindgen (as a library), wasm-opt (npm
//! binaryen), and assembling the static site from `index.html`, `www/` and the generated files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use wasm_bindgen_cli_support::Bindgen;

use crate::{cargo, exec, root, secs, setup, Result};

/// Dev wasm builds (serve, wasm tests) skip DWARF: wasm-bindgen strips it from the output
/// anyway, so it would only cost compile time. Panics still report file:line.
pub const DEV_DEBUG: (&str, &str) = ("CARGO_PROFILE_DEV_DEBUG", "0");

/// The web crate's package name and the file stem of everything generated from it.
pub const WEB_PACKAGE: &str = "ordinal-web";
pub const STEM: &str = "ordinal_web";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// `dev` profile: fast to build, big, with debug assertions. For `serve`.
    Dev,
    /// `wasm-release` profile + wasm-opt -Oz. For `dist`.
    Release,
}

/// Builds the site for `build` into `out` (replaced whole).
pub fn build_site(build: Build, out: &Path) -> Result {
    let started = Instant::now();
    setup::wasm_target()?;
    let wasm = build_wasm(build)?;
    let tag = match build {
        Build::Dev => "dev",
        Build::Release => "release",
    };
    let gen = root().join("target").join(format!("bindgen-{tag}"));
    bindgen(&wasm, &gen, build == Build::Dev)?;
    if build == Build::Release {
        let wasm = gen.join(format!("{STEM}_bg.wasm"));
        // Keep the wasm-bindgen output as it was before wasm-opt, names included, for size
        // attribution (`twiggy top target/{STEM}_bg.pre-opt.wasm`).
        let pre = root()
            .join("target")
            .join(format!("{STEM}_bg.pre-opt.wasm"));
        fs::copy(&wasm, &pre)
            .map_err(|e| format!("cannot copy {} to {}: {e}", wasm.display(), pre.display()))?;
        wasm_opt(&wasm)?;
    }
    // Assemble next to `out`, then swap, so a server never sees a half-written site.
    let tmp = out.with_extension("tmp");
    remove_dir(&tmp)?;
    copy_file(&root().join("index.html"), &tmp.join("index.html"))?;
    // The embed shell: a second page over the same wasm and JS.
    copy_file(&root().join("embed.html"), &tmp.join("embed.html"))?;
    copy_dir(&root().join("www"), &tmp)?;
    copy_dir(&gen, &tmp)?;
    remove_dir(out)?;
    fs::rename(&tmp, out)
        .map_err(|e| format!("cannot move {} to {}: {e}", tmp.display(), out.display()))?;
    eprintln!(
        "xtask: site ({tag}) in {} after {}",
        out.display(),
        secs(started)
    );
    Ok(())
}

/// `cargo xtask dist`: the release bundle in `<root>/dist`.
pub fn dist() -> Result {
    setup::npm()?;
    build_site(Build::Release, &root().join("dist"))
}

fn build_wasm(build: Build) -> Result<PathBuf> {
    let mut cmd = cargo();
    cmd.args([
        "build",
        "-p",
        WEB_PACKAGE,
        "--lib",
        "--target",
        setup::WASM_TARGET,
    ]);
    let dir = match build {
        Build::Dev => {
            cmd.env(DEV_DEBUG.0, DEV_DEBUG.1);
            "debug"
        }
        Build::Release => {
            cmd.args(["--profile", "wasm-release"]);
            "wasm-release"
        }
    };
    exec(&mut cmd)?;
    Ok(root()
        .join("target")
        .join(setup::WASM_TARGET)
        .join(dir)
        .join(format!("{STEM}.wasm")))
}

fn bindgen(wasm: &Path, out: &Path, debug: bool) -> Result {
    remove_dir(out)?;
    let started = Instant::now();
    Bindgen::new()
        .input_path(wasm)
        .out_name(STEM)
        .web(true)
        .map_err(|e| format!("wasm-bindgen: {e:#}"))?
        .typescript(false)
        .debug(debug)
        // Without this the glue has no default URL for the .wasm and `init()` fails with
        // "WebAssembly.instantiate(): Argument 0 must be a buffer source" (toolchain-facts.md).
        .omit_default_module_path(false)
        .generate(out)
        .map_err(|e| format!("wasm-bindgen on {}: {e:#}", wasm.display()))?;
    eprintln!("xtask: wasm-bindgen done in {}", secs(started));
    Ok(())
}

/// npm binaryen's `wasm-opt -Oz`, in place. Not Debian's binaryen: its wasm-opt 108 silently
/// breaks wasm-bindgen output (toolchain-facts.md).
pub fn wasm_opt(wasm: &Path) -> Result {
    let bin = root().join("node_modules/binaryen/bin/wasm-opt");
    if !bin.exists() {
        return Err(format!("{} is missing: run `npm ci`", bin.display()));
    }
    let opt = wasm.with_extension("opt.wasm");
    let before = fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
    exec(
        Command::new("node")
            .arg(&bin)
            .arg(wasm)
            .args([
                // `-Oz --gufa -Oz`: whole-program type flow (GUFA) between two size passes.
                // Measured on the full page: brotli 684.1 kB (-Oz) -> 681.5 kB, same run time;
                // `-Oz --converge` gave 681.6 kB at 4x the time, `-Os` 681.7 kB, `-O3` 687.7 kB.
                "-Oz",
                "--gufa",
                "-Oz",
                // The features rustc enables by default for wasm32-unknown-unknown.
                "--enable-bulk-memory",
                "--enable-bulk-memory-opt",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
                "--strip-debug",
                "--strip-producers",
                "-o",
            ])
            .arg(&opt),
    )?;
    fs::rename(&opt, wasm).map_err(|e| format!("cannot replace {}: {e}", wasm.display()))?;
    let after = fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
    eprintln!("xtask: wasm-opt -Oz --gufa -Oz: {before} -> {after} bytes");
    Ok(())
}

pub fn remove_dir(p: &Path) -> Result {
    match fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", p.display())),
    }
}

fn copy_file(from: &Path, to: &Path) -> Result {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Copies the contents of `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result {
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            copy_file(&path, &dest)?;
        }
    }
    Ok(())
}

/// Every file under `dir`, sorted, as (path relative to dir, absolute path).
pub fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result {
        let entries =
            fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                out.push((rel.to_string_lossy().replace('\\', "/"), path));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}
