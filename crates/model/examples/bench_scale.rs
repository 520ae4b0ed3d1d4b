//! Benchmark: a StatefulSet scaled 0 → N replicas to Ready in virtual time, Parallel and
//! OrderedReady, on `Profile::with_workers(100)` (100 × 110 pod slots). Prints CPU time, peak
//! memory and counts (not asserted).
//!
//!     cargo run --release -p ordinal-model --example bench_scale [N] [Parallel|OrderedReady] [fake|real]
//!
//! N defaults to 2 000 so `cargo xtask bench` (and CI) stay quick; pass 10000 for the issue's
//! 0 → 10 000 measurement. Without a policy both run, each at N/10, N/2 and N.
//!
//! Two node sides, both measured unless one is named:
//! - `fake`: the test-only fake node layer (tests/harness_fake_nodes) with the cluster's node
//!   agents off: binding and readiness are immediate writes, so this measures the apiserver,
//!   the StatefulSet controller and the GC;
//! - `real`: the cluster's own scheduler, volume controllers, kubelets and endpoints (a Service
//!   selects the pods), i.e. what a user's cluster runs.

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

/// CPU time of this process so far (`/proc/self/schedstat`, ns on the CPU), so that other load
/// on a shared machine does not count; `None` off Linux.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn ready_replicas(c: &Cluster) -> i32 {
    c.api
        .get::<StatefulSet>("default", "web")
        .map_or(0, |s| s.status.ready_replicas)
}

fn run(n: i32, policy: &str, real: bool) {
    let mut c = Cluster::new(Profile::with_workers(100), 0);
    let mut fake = (!real).then(|| {
        // The fake layer *is* the node side here; the real agents would race it.
        c.set_node_agents(false);
        let mut f = FakeNodes::new(&c);
        f.start_delay_ms = 0;
        f
    });
    let t0 = c.now();
    let wall = Instant::now();
    let cpu0 = cpu_ns();
    if real {
        create(&mut c, nginx_service());
    }
    create(&mut c, web(0, json!({"podManagementPolicy": policy})));
    match fake.as_mut() {
        Some(f) => f.advance(&mut c, 1_000),
        None => c.run_for_ms(1_000),
    }
    let rv0 = c.api.resource_version();
    let reasons0 = c.reasons().next_seq();
    patch_set(&mut c, "web", json!({"spec": {"replicas": n}}));
    // Fake nodes: 10 virtual s per round; real agents: 1 virtual s. Stop at all Ready or after
    // a virtual day or so.
    for _ in 0..100_000 {
        match fake.as_mut() {
            Some(f) => f.advance(&mut c, 10_000),
            None => c.run_for_ms(1_000),
        }
        if ready_replicas(&c) == n {
            break;
        }
    }
    let wall = wall.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) => b.saturating_sub(a) as f64 / 1e9,
        _ => wall,
    };
    let ready = c
        .api
        .list::<Pod>(Some("default"))
        .filter(|p| p.is_running_and_ready())
        .count();
    println!(
        "{:>4} {policy:>12} n={n:>6}: {ready} ready after {:>7.1} virtual s; CPU {cpu:>7.3} s (wall {wall:.3} s); \
         peak RSS {:>7} KiB; writes {}; reasons {}; objects {}",
        if real { "real" } else { "fake" },
        c.now().since(t0) as f64 / 1000.0,
        peak_rss_kib(),
        c.api.resource_version() - rv0,
        c.reasons().next_seq() - reasons0,
        c.api.object_count(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: i32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let named = |choices: &[&str]| {
        args.iter()
            .skip(1)
            .find(|a| choices.contains(&a.as_str()))
            .cloned()
    };
    let only_policy = named(&["Parallel", "OrderedReady"]);
    let only_side = named(&["fake", "real"]);
    for real in [false, true] {
        if only_side.as_deref().is_some_and(|s| (s == "real") != real) {
            continue;
        }
        for policy in ["Parallel", "OrderedReady"] {
            if only_policy.as_deref().is_some_and(|o| o != policy) {
                continue;
            }
            for size in [n / 10, n / 2, n] {
                run(size, policy, real);
            }
        }
    }
}
