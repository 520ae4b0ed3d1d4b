//! `ordinal-kubectl`: command lines in, API calls on the model and kubectl-exact text out.

pub mod printers;
pub mod shell;
pub mod yaml;
pub mod yaml_out;
