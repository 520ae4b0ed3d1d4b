//! Output templates: kubectl's JSONPath and Go text/template (`-o jsonpath=`, `-o go-template=`,
//! `--template`).

pub mod gotemplate;
pub mod jsonpath;

pub use gotemplate::GoTemplate;
pub use jsonpath::JsonPath;
