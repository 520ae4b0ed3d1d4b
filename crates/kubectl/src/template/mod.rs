//! Output templates: kubectl's JSONPath and Go text/template (`-o jsonpath=`, `-o go-template=`,
//! `--template`).

pub mod jsonpath;

pub use jsonpath::JsonPath;
