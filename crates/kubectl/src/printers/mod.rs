//! Printers: kubectl's table writer, the duration formatting used in AGE columns, the server-side
//! tables of `kubectl get`, `kubectl describe` and `kubectl rollout history`.

pub mod describe;
pub mod duration;
pub mod history;
pub mod table;
pub mod tabwriter;

pub use duration::{human_duration, short_human_duration};
pub use tabwriter::TabWriter;
