//! `cargo xtask size-layers`: what each layer of the page costs on its own, brotli.
//!
//! The bundle budget (300 kB brotli, `size.rs`) is a question about the whole stack, and the
//! bundle's size is diffuse (thousands of functions, no one crate or generic dominating), so
//! this measures floors instead of attributing bytes: two throwaway `cdylib` crates, generated
//! under `target/size-layers/`, are built with the bundle's size settings (opt-level "z", fat
//! LTO, one codegen unit, panic abort, the same `wasm-opt` passes) and link only
//!
//! * **model**: `ordinal-model` — decode one JSON input, apply it, run the cluster for a virtual
//!   minute, hash the event log (the apiserver, every controller, the kubelet with its probes
//!   and the pods' userland: everything a scenario reaches);
//! * **model + kubectl**: `ordinal-kubectl`'s `Session::run_script` over a text from memory (the
//!   terminal's whole language: shell, kubectl, printers, YAML, pod shells);
//!
//! and the page (`dist/`, if built) is the third row. Inputs come from linear memory at run
//! time, so nothing can be constant-folded away. Not part of `cargo xtask test` (it builds two
//! more wasm binaries, ≈ 2 min); run it when the budget is discussed.

use std::fs;
use std::path::Path;

use crate::{cargo, exec, root, setup, site, size, Result};

const WORKSPACE: &str = r#"[workspace]
resolver = "2"
members = ["model", "kubectl"]

[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
"#;

/// A 64 KiB buffer in linear memory that the host (here: nobody) fills before `run`.
const BUFFER: &str = r#"static mut BUF: [u8; 65536] = [0; 65536];

#[no_mangle]
pub extern "C" fn buf() -> *mut u8 {
    (&raw mut BUF) as *mut u8
}

fn input(len: usize) -> &'static [u8] {
    unsafe { core::slice::from_raw_parts((&raw const BUF) as *const u8, len.min(65536)) }
}
"#;

const MODEL_LIB: &str = r#"
#[no_mangle]
pub extern "C" fn run(len: usize, seed: u64) -> u64 {
    let mut cluster = ordinal_model::Cluster::new(ordinal_model::Profile::default(), seed);
    if let Ok(i) = serde_json::from_slice::<ordinal_model::Input>(input(len)) {
        let _ = cluster.apply(i);
    }
    cluster.run_for_ms(60_000);
    cluster.event_log_hash()
}
"#;

const KUBECTL_LIB: &str = r#"
#[no_mangle]
pub extern "C" fn run(len: usize, seed: u64) -> usize {
    let text = core::str::from_utf8(input(len)).unwrap_or("");
    let mut session = ordinal_kubectl::session::Session::new(seed);
    let out = session.run_script(text);
    let n = out.len().min(65536);
    unsafe {
        core::slice::from_raw_parts_mut((&raw mut BUF) as *mut u8, n)
            .copy_from_slice(&out.as_bytes()[..n]);
    }
    n
}
"#;

struct Layer {
    package: &'static str,
    label: &'static str,
    deps: &'static str,
    lib: &'static str,
}

const LAYERS: [Layer; 2] = [
    Layer {
        package: "model",
        label: "model (apiserver, controllers, kubelet, userland)",
        deps: "ordinal-model = { path = \"@ROOT@/crates/model\" }\nserde_json = \"1\"\n",
        lib: MODEL_LIB,
    },
    Layer {
        package: "kubectl",
        label: "model + kubectl (the terminal's whole language)",
        deps: "ordinal-kubectl = { path = \"@ROOT@/crates/kubectl\" }\n",
        lib: KUBECTL_LIB,
    },
];

pub fn run() -> Result {
    setup::npm()?;
    let dir = root().join("target/size-layers");
    write(&dir.join("Cargo.toml"), WORKSPACE)?;
    // The main lock file, so every dependency is the version the page links.
    fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let root_path = root().display().to_string();
    for layer in &LAYERS {
        let pkg = dir.join(layer.package);
        let manifest = format!(
            "[package]\nname = \"layer-{0}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n{1}",
            layer.package,
            layer.deps.replace("@ROOT@", &root_path)
        );
        write(&pkg.join("Cargo.toml"), &manifest)?;
        write(&pkg.join("src/lib.rs"), &format!("{BUFFER}{}", layer.lib))?;
    }
    exec(
        cargo()
            .current_dir(&dir)
            .args(["build", "--release", "--target", setup::WASM_TARGET])
            .env("CARGO_TARGET_DIR", dir.join("target")),
    )?;

    let mut rows = Vec::new();
    for layer in &LAYERS {
        let built = dir
            .join("target")
            .join(setup::WASM_TARGET)
            .join("release")
            .join(format!("layer_{}.wasm", layer.package));
        let opt = dir.join(format!("{}.wasm", layer.package));
        fs::copy(&built, &opt).map_err(|e| format!("cannot copy {}: {e}", built.display()))?;
        site::wasm_opt(&opt)?;
        rows.push((layer.label, opt));
    }
    println!("size floors (brotli q11 of the wasm-opt'd module; kB = 1000 bytes)");
    println!(
        "{:<52} {:>10} {:>10} {:>10}",
        "layer", "code", "data", "total"
    );
    for (label, wasm) in rows {
        report(label, &wasm)?;
    }
    let page = root().join("dist").join(format!("{}_bg.wasm", site::STEM));
    if page.exists() {
        report("the page (dist/, + web UI and Leptos)", &page)?;
    } else {
        println!("(no dist/: run `cargo xtask dist` for the page's row)");
    }
    println!(
        "budget {:.1} kB, goal {:.1} kB (whole bundle: wasm + js + css)",
        size::BUDGET_BROTLI as f64 / 1000.0,
        size::GOAL_BROTLI as f64 / 1000.0
    );
    Ok(())
}

fn report(label: &str, wasm: &Path) -> Result {
    let bytes = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let (code, data) =
        code_and_data(&bytes).ok_or_else(|| format!("{} is not a wasm module", wasm.display()))?;
    let kb =
        |b: &[u8]| -> Result<String> { Ok(format!("{:.1} kB", size::brotli(b)? as f64 / 1000.0)) };
    println!(
        "{label:<52} {:>10} {:>10} {:>10}",
        kb(code)?,
        kb(data)?,
        kb(&bytes)?
    );
    Ok(())
}

/// The code (id 10) and data (id 11) sections of a wasm module.
fn code_and_data(wasm: &[u8]) -> Option<(&[u8], &[u8])> {
    if wasm.get(..4)? != b"\0asm" {
        return None;
    }
    let (mut code, mut data): (&[u8], &[u8]) = (&[], &[]);
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (len, next) = leb128(wasm, at + 1)?;
        let body = wasm.get(next..next.checked_add(len)?)?;
        match id {
            10 => code = body,
            11 => data = body,
            _ => {}
        }
        at = next + len;
    }
    Some((code, data))
}

fn leb128(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let (mut value, mut shift) = (0usize, 0u32);
    loop {
        let b = *bytes.get(at)?;
        at += 1;
        value |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some((value, at));
        }
        shift += 7;
    }
}

fn write(path: &Path, text: &str) -> Result {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
