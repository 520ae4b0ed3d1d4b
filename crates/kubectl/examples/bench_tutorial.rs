//! Replays the current StatefulSet tutorial transcript natively and prints the wall time.
//! `cargo run --release -p ordinal-kubectl --example bench_tutorial` (target: ≤ 50 ms).

use ordinal_kubectl::Session;
use std::time::Instant;

fn main() {
    let script = include_str!("../../../tests/transcripts/current-create.sh");
    let runs = 5;
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let mut s = Session::new(0);
        bytes = s.run_script(script).len();
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!("tutorial replay: {best:.2} ms (best of {runs}; {bytes} bytes of output)");
}
