//! Printers: kubectl's table writer and the duration formatting used in AGE columns.

pub mod duration;
pub mod tabwriter;

pub use duration::{human_duration, short_human_duration};
pub use tabwriter::TabWriter;
