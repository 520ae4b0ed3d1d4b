//! When the model needs more than the frame budget to follow the chosen speed (1 000 pods at
//! 16×), virtual time falls behind; the engine measures the speed it kept up with and the
//! playback bar says it in words.

use ordinal_web::engine::{lag_label, Engine, SPEEDS};
use std::cell::Cell;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn the_engine_says_when_the_model_falls_behind_the_speed() {
    let mut e = Engine::new(1, &[]);
    e.speed = SPEEDS.iter().position(|s| *s == 1.0).unwrap();
    let frames = |e: &mut Engine, clock: &dyn Fn() -> f64| {
        for _ in 0..70 {
            e.tick(16.0, clock);
        }
    };
    // A clock that never moves: every frame has budget left, the model keeps up.
    let start = e.now();
    frames(&mut e, &|| 0.0);
    assert_eq!(e.lagging, None);
    assert_eq!(e.now().since(start), 70 * 16);

    // A clock past the frame budget at every look: the model barely moves.
    let t = Cell::new(0.0);
    let busy = || {
        t.set(t.get() + 10.0);
        t.get()
    };
    frames(&mut e, &busy);
    frames(&mut e, &busy);
    let kept_up = e.lagging.expect("lagging");
    assert!(kept_up < 0.75, "kept up with {kept_up}×");

    // Keeping up again, or pausing, clears it.
    frames(&mut e, &|| 0.0);
    frames(&mut e, &|| 0.0);
    assert_eq!(e.lagging, None);
    frames(&mut e, &busy);
    frames(&mut e, &busy);
    assert!(e.lagging.is_some());
    e.running = false;
    e.tick(16.0, &busy);
    assert_eq!(e.lagging, None);
}

#[test]
fn lag_labels() {
    assert_eq!(lag_label(0.4), "busy cluster: running at 0.4×");
    assert_eq!(lag_label(0.25), "busy cluster: running at 0.25×");
    assert_eq!(lag_label(0.0), "busy cluster: running at 0×");
    assert_eq!(lag_label(3.2), "busy cluster: running at 3×");
}
