//! `ordinal-model`: a Kubernetes v1.34 cluster as a pure, deterministic function of
//! (profile, seed, timestamped input log).
//!
//! Architecture Invariant: this crate knows nothing of wasm, Leptos, the wall clock, IO or a
//! global RNG. Time is virtual and owned by the cluster; randomness comes from its seeded RNG.

pub mod patch;
pub mod profile;

pub use profile::{NodeProfile, Profile};
