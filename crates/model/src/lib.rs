//! `ordinal-model`: a Kubernetes v1.34 cluster as a pure, deterministic function of
//! (profile, seed, timestamped input log).
//!
//! Architecture Invariant: this crate knows nothing of wasm, Leptos, the wall clock, IO or a
//! global RNG. Time is virtual and owned by the cluster; randomness comes from its seeded RNG.

pub mod api;
mod bootstrap;
pub mod cluster;
pub mod controllers;
mod digest;
pub mod dns;
pub mod exec;
pub mod history;
pub mod images;
pub mod input;
pub mod objects;
pub mod patch;
pub mod podfs;
pub mod profile;
pub mod reason;
pub mod rng;
pub mod scenario;
pub mod sort;
pub mod storage_data;
pub mod time;
pub mod userland;
pub mod vecmap;

pub use cluster::Cluster;
pub use digest::Fnv;
pub use exec::{ExecError, ExecFileError, ExecOptions, ExecOutput, ExecTarget, PodEnv};
pub use history::Timeline;
pub use input::{Fault, Input, PatchType, TimedInput};
pub use objects::{Kind, Object, ObjectMeta, ObjectRef};
pub use profile::{NodeProfile, Profile};
pub use reason::{Reason, ReasonRecord};
pub use scenario::Scenario;
pub use time::Time;
