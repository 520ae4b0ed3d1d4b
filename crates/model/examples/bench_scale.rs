//! Benchmark: a StatefulSet scaled 0 → N replicas to Ready in virtual time, Parallel and
//! OrderedReady, on `Profile::with_workers(100)`. Prints CPU time and peak memory (not asserted).
//!
//!     cargo run --release -p ordinal-model --example bench_scale [N]
//!
//! N defaults to 2 000 so `cargo xtask bench` (and CI) stay quick; pass 10000 for the issue's
//! 0 → 10 000 measurement.
//!
//! OrderedReady sizes above `ORDERED_MAX` (default 1 000) are skipped: see the note in main.
//!
//! The node side is the test-only fake node layer (tests/harness_fake_nodes): binding and
//! readiness are immediate writes, so this measures the apiserver, the StatefulSet controller
//! and the GC. Once the real scheduler/kubelet are merged, swap `FakeNodes` for them.

#[path = "../tests/harness_fake_nodes/mod.rs"]
mod harness_fake_nodes;

use harness_fake_nodes::*;
use ordinal_model::objects::{Pod, StatefulSet};
use ordinal_model::{Cluster, Profile};
use serde_json::json;
use std::time::Instant;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn run(n: i32, policy: &str) {
    let mut c = Cluster::new(Profile::with_workers(100), 0);
    // The fake layer *is* the node side here; the real agents would race it.
    c.set_node_agents(false);
    let mut f = FakeNodes::new(&c);
    f.start_delay_ms = 0;
    let t0 = c.now();
    let cpu = Instant::now();
    create(&mut c, web(0, json!({"podManagementPolicy": policy})));
    f.advance(&mut c, 1_000);
    patch_set(&mut c, "web", json!({"spec": {"replicas": n}}));
    let mut rounds = 0u64;
    loop {
        f.advance(&mut c, 10_000);
        rounds += 1;
        let s = c
            .api
            .get::<StatefulSet>("default", "web")
            .cloned()
            .expect("set");
        if s.status.ready_replicas == n || rounds > 100_000 {
            break;
        }
    }
    let elapsed = cpu.elapsed();
    let ready = c
        .api
        .list::<Pod>(Some("default"))
        .filter(|p| p.is_running_and_ready())
        .count();
    println!(
        "{policy:>12} n={n:>6}: {ready} ready after {:.1} virtual s; CPU {:.3} s; objects {}; peak RSS {} KiB",
        c.now().since(t0) as f64 / 1000.0,
        elapsed.as_secs_f64(),
        c.api.object_count(),
        peak_rss_kib()
    );
}

fn main() {
    let n: i32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000);
    for size in [n / 10, n / 2, n] {
        run(size, "Parallel");
    }
    // OrderedReady is still O(n²) per scale-up (every sync re-walks all replicas, as upstream
    // does, ~4 syncs per pod): 1 000 take ~12 s CPU, 2 000 ~46 s. It runs up to
    // ORDERED_MAX (default 1 000) until the controller keeps an incremental replica cache.
    let ordered_max: i32 = std::env::var("ORDERED_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    for size in [n / 10, n / 2, n] {
        if size <= ordered_max {
            run(size, "OrderedReady");
        }
    }
}
