//! Benchmark: what the page's engine does per frame while 0 → N pods start (Parallel),
//! natively, at 1× and 16×.
//!
//!     cargo run --release -p ordinal-kubectl --example bench_frame [N] [VIRTUAL_S] [clone]
//!
//! Drives a `Session` like crates/web/src/engine.rs (`kubectl apply -f web-parallel.yaml`,
//! `kubectl scale sts web --replicas=N`, then 60 Hz frames that each add 16.7 ms × speed of
//! virtual time and run the model within a 4 ms budget) and prints percentiles of CPU time per
//! frame two ways: `slices` (budget checked between 50 virtual ms slices, `advance_ms`) and
//! `bounded` (budget checked every 2 timers, `advance_ms_bounded`). Also prints what one
//! Timeline checkpoint (a `Cluster` clone) costs with N pods, and what cloning its public parts
//! costs (`clone` runs 1× only). Numbers only, nothing asserted.

use ordinal_kubectl::Session;

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU time of this thread in ms: the machine is shared, and wall time would count the other
/// processes' work too.
fn cpu_ms() -> f64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.sec as f64 * 1e3 + ts.nsec as f64 / 1e6
}

const FRAME_MS: f64 = 1000.0 / 60.0;
const FRAME_BUDGET_MS: f64 = 4.0;
const MAX_FRAME_MS: f64 = 100.0;
const SLICE_MS: f64 = 50.0;
const HANDLES_PER_BUDGET_CHECK: usize = 2;

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn run(n: u32, speed: f64, virtual_s: u64, bounded: bool) {
    let mut s = Session::new(0);
    s.submit("kubectl apply -f https://k8s.io/examples/application/web/web-parallel.yaml");
    s.advance_ms(2_000);
    s.submit(&format!("kubectl scale sts web --replicas={n}"));
    let _ = s.poll();
    let t0 = s.now().ms();
    let mut carry = 0.0f64;
    let mut frames = Vec::new();
    while s.now().ms() - t0 < virtual_s * 1000 && frames.len() < 100_000 {
        carry += FRAME_MS * speed;
        carry = carry.min(MAX_FRAME_MS * speed * 4.0);
        let started = cpu_ms();
        while carry >= 1.0 && cpu_ms() - started < FRAME_BUDGET_MS {
            let slice = carry.floor().min(SLICE_MS);
            if bounded {
                carry -= s.advance_ms_bounded(slice as u64, HANDLES_PER_BUDGET_CHECK) as f64;
            } else {
                carry -= slice;
                s.advance_ms(slice as u64);
            }
        }
        frames.push(cpu_ms() - started);
        let _ = s.poll();
    }
    let ready = s.with_timeline(|tl| {
        tl.cluster()
            .api
            .list::<ordinal_model::objects::Pod>(Some("default"))
            .filter(|p| p.is_running_and_ready())
            .count()
    });
    let mut sorted = frames.clone();
    sorted.sort_by(f64::total_cmp);
    let over = |ms: f64| frames.iter().filter(|f| **f > ms).count();
    println!(
        "{:>7} {speed:>3}×: {} frames for {virtual_s} virtual s; model CPU per frame p50 {:.2} p95 {:.2} p99 {:.2} max {:.2} ms; frames > 10 ms: {}, > 50 ms: {}; {ready}/{n} Ready",
        if bounded { "bounded" } else { "slices" },
        frames.len(),
        pct(&sorted, 50.0),
        pct(&sorted, 95.0),
        pct(&sorted, 99.0),
        sorted[sorted.len() - 1],
        over(10.0),
        over(50.0),
    );
    if bounded && speed == 1.0 {
        let reps = 10;
        let w = cpu_ms();
        for _ in 0..reps {
            std::hint::black_box(s.with_timeline(|tl| tl.cluster().clone()));
        }
        let part = |name: &str, f: &dyn Fn(&ordinal_model::Cluster)| {
            let w = cpu_ms();
            for _ in 0..reps {
                s.with_timeline(|tl| f(tl.cluster()));
            }
            println!(
                "          of which {name}: {:.2} ms",
                (cpu_ms() - w) / reps as f64
            );
        };
        part("api", &|c| drop(std::hint::black_box(c.api.clone())));
        part("kubelet", &|c| {
            drop(std::hint::black_box(c.kubelet.clone()))
        });
        part("statefulset", &|c| {
            drop(std::hint::black_box(c.statefulset.clone()))
        });
        part("scheduler", &|c| {
            drop(std::hint::black_box(c.scheduler.clone()))
        });
        part("volume", &|c| drop(std::hint::black_box(c.volume.clone())));
        part("endpoints", &|c| {
            drop(std::hint::black_box(c.endpoints.clone()))
        });
        part("gc", &|c| drop(std::hint::black_box(c.gc.clone())));
        part("nodelifecycle", &|c| {
            drop(std::hint::black_box(c.nodelifecycle.clone()))
        });
        part("reasons", &|c| {
            drop(std::hint::black_box(c.reasons().clone()))
        });
        part("inputs", &|c| {
            drop(std::hint::black_box(c.inputs().to_vec()))
        });
        println!(
            "        one Cluster clone (a Timeline checkpoint, every 20 virtual s) with {n} pods: {:.2} ms",
            (cpu_ms() - w) / reps as f64
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(200);
    let virtual_s: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(60);
    let speeds: &[f64] = if args.get(2).is_some_and(|a| a == "clone") {
        &[1.0]
    } else {
        &[1.0, 16.0]
    };
    for &speed in speeds {
        for bounded in [false, true] {
            run(n, speed, virtual_s, bounded);
        }
    }
}
