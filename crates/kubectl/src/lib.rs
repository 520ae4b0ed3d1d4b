//! `ordinal-kubectl`: command lines in, API calls on the model and kubectl-exact text out.

pub mod checkdoc;
pub mod files;
pub mod flags;
pub mod kubectl;
pub mod printers;
pub mod session;
pub mod share;
pub mod shell;
pub mod sim;
pub mod template;
pub mod tour;
pub mod yaml;
pub mod yaml_out;

pub use session::{Session, Submit};
