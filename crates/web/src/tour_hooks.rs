//! The one place the embed API and presentation keys reach the tour panel (`tour_panel.rs`):
//! go to a step, step forward/back, and read the current step.

use crate::app::Ui;
use crate::tour_panel;

/// The active tour's position, as the host API reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct TourPos {
    /// The tour's file name (`tours/<id>.md`).
    pub id: String,
    /// 1-based.
    pub step: usize,
    pub of: usize,
    pub done: bool,
}

pub fn state(ui: Ui) -> Option<TourPos> {
    tour_panel::tour_state(&ui).map(|t| TourPos {
        id: t.name,
        step: t.step,
        of: t.total,
        done: t.done,
    })
}

/// Goes to a 1-based step of the active tour ("no tour" when none is open).
pub fn go_to(ui: Ui, step: usize) -> Result<(), String> {
    if state(ui).is_none() {
        return Err("no tour".into());
    }
    tour_panel::go_to_step(&ui, step)
}

/// Moves to the next/previous tour step; `false` when no tour is active (the caller steps the
/// model instead).
pub fn step(ui: Ui, forward: bool) -> bool {
    let Some(t) = state(ui) else { return false };
    let target = if forward {
        (t.step + 1).min(t.of)
    } else {
        t.step.saturating_sub(1).max(1)
    };
    if target != t.step {
        let _ = go_to(ui, target);
    }
    true
}
