//! `cargo xtask serve`: dev build, served on 127.0.0.1, rebuilt when sources change.

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::site::{build_site, Build};
use crate::{http, root, secs, Result};

pub fn run(args: &[String]) -> Result {
    let mut port: u16 = 8080;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?;
            }
            other => return Err(format!("serve: unknown argument {other:?} (try --port N)")),
        }
    }
    let started = Instant::now();
    let site = root().join("target/site-dev");
    // Bind first: a busy port should fail before a long build, not after.
    let addr = format!("127.0.0.1:{port}");
    let listener = TcpListener::bind(&addr).map_err(|e| {
        format!("cannot listen on {addr}: {e} (another server running? try --port N)")
    })?;
    build_site(Build::Dev, &site)?;
    let mut stamp = newest_source();
    http::spawn(listener, site.clone());
    println!(
        "\nServing http://{addr}/ (ready after {}). Watching crates/, www/, index.html; Ctrl-C stops.",
        secs(started)
    );
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = newest_source();
        if now == stamp {
            continue;
        }
        // Let a burst of saves settle before building.
        std::thread::sleep(Duration::from_millis(300));
        stamp = newest_source();
        let t = Instant::now();
        eprintln!("\nxtask: change detected, rebuilding…");
        match build_site(Build::Dev, &site) {
            Ok(()) => println!("Rebuilt in {}: reload http://{addr}/", secs(t)),
            Err(e) => eprintln!("xtask: rebuild failed, still serving the previous build: {e}"),
        }
    }
}

/// The newest modification time among the inputs of the page.
fn newest_source() -> Option<SystemTime> {
    let root = root();
    let mut newest = None;
    for p in [
        "crates",
        "www",
        "index.html",
        "embed.html",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        newest_in(&root.join(p), &mut newest);
    }
    newest
}

fn newest_in(p: &Path, newest: &mut Option<SystemTime>) {
    let Ok(meta) = std::fs::metadata(p) else {
        return;
    };
    if meta.is_dir() {
        if p.file_name()
            .is_some_and(|n| n == "target" || n == "node_modules")
        {
            return;
        }
        if let Ok(entries) = std::fs::read_dir(p) {
            for e in entries.flatten() {
                newest_in(&e.path(), newest);
            }
        }
    } else if let Ok(m) = meta.modified() {
        if newest.is_none_or(|n| m > n) {
            *newest = Some(m);
        }
    }
}
