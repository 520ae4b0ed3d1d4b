//! Benchmark: the single units of work behind the page's longest model frame. A StatefulSet
//! (Parallel) is scaled 0 → N on the default profile, and the model is advanced one unit of
//! work at a time (`run_until_bounded(_, 1)`: one timer, or one chunk of watch events handed to
//! the controllers), as the page's frame does under its budget. Prints the slowest units (and
//! how many writes each made): the page's longest model frame is at least its slowest unit.
//! The sync that creates all N pods and claims used to be one unit (6 ms here natively for
//! N = 200, 4 writes per pod); it now hands control back every
//! `control::CREATES_PER_SLICE` pods (64 writes).
//!
//!     cargo run --release -p ordinal-model --example bench_sync [N]

#[path = "../tests/harness_fake_nodes/mod.rs"]
mod harness_fake_nodes;

use harness_fake_nodes::*;
use ordinal_model::{Cluster, Profile};
use serde_json::json;
use std::time::Instant;

fn main() {
    let n: i32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let runs: u64 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut worst_per_run = Vec::new();
    for seed in 0..runs {
        let mut c = Cluster::new(Profile::default(), seed);
        create(&mut c, nginx_service());
        create(&mut c, web(0, json!({"podManagementPolicy": "Parallel"})));
        c.run_for_ms(1_000);
        patch_set(&mut c, "web", json!({"spec": {"replicas": n}}));
        let until = c.now().plus_ms(5_000);
        let mut units: Vec<(f64, u64)> = Vec::new();
        let mut rv = c.api.resource_version();
        loop {
            let t = Instant::now();
            let done = c.run_until_bounded(until, 1);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let now_rv = c.api.resource_version();
            units.push((ms, now_rv - rv));
            rv = now_rv;
            if done {
                break;
            }
        }
        units.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total: f64 = units.iter().map(|u| u.0).sum();
        println!(
            "seed {seed}: {} units in the first 5 virtual s, {total:.2} ms; slowest: {}",
            units.len(),
            units
                .iter()
                .take(4)
                .map(|(ms, writes)| format!("{ms:.2} ms ({writes} writes)"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        worst_per_run.push(units[0].0);
    }
    worst_per_run.sort_by(f64::total_cmp);
    println!(
        "slowest unit, median of {runs}: {:.2} ms",
        worst_per_run[worst_per_run.len() / 2]
    );
}
