//! The one place the embed API and presentation keys reach the tour panel: go to a step, step
//! forward/back, and read the current step. Until the tour panel exists there is no tour.

use crate::app::Ui;

/// The active tour's position, as the host API reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct TourPos {
    pub id: String,
    /// 1-based.
    pub step: usize,
    pub of: usize,
    pub done: bool,
}

pub fn state(_ui: Ui) -> Option<TourPos> {
    None
}

/// Goes to a 1-based step of the active tour.
pub fn go_to(_ui: Ui, _step: usize) -> Result<(), String> {
    Err("no tour".into())
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
