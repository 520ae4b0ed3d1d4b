//! Where `kubectl apply -f NAME` (and the shell's `<`, `>`) read and write: the real filesystem
//! natively, the editor's named files in the browser. The tutorial's URLs resolve to built-in
//! copies of the manifests (no network).

use ordinal_model::vecmap::VecMap;

/// Built-in copies of the documents the tutorials fetch by URL.
const BUILTIN_URLS: &[(&str, &str)] = &[
    (
        "https://k8s.io/examples/application/web/web.yaml",
        include_str!("../../../www/manifests/web.yaml"),
    ),
    (
        "https://k8s.io/examples/application/web/web-parallel.yaml",
        include_str!("../../../www/manifests/web-parallel.yaml"),
    ),
    (
        "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/web/web.yaml",
        include_str!("../../../www/manifests/web.yaml"),
    ),
    (
        "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/web/web-parallel.yaml",
        include_str!("../../../www/manifests/web-parallel.yaml"),
    ),
];

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// No such file (kubectl: `error: the path "web.yml" does not exist`).
    NotFound,
    /// A URL this simulator has no copy of.
    UnknownUrl,
    /// Anything else, with the OS's reason (`Permission denied`, `Is a directory`).
    Other(String),
}

/// A source of named files.
pub trait FileSource {
    /// Reads `path` (relative paths are relative to the shell's working directory `cwd`).
    fn read(&self, path: &str, cwd: &str) -> Result<String, FileError>;
    /// Writes or appends.
    fn write(&mut self, path: &str, cwd: &str, data: &str, append: bool) -> Result<(), FileError>;
    /// Is `path` an existing directory?
    fn is_dir(&self, _path: &str, _cwd: &str) -> bool {
        false
    }
}

/// The built-in copy of a URL, if the simulator has one.
pub fn builtin_url(url: &str) -> Option<&'static str> {
    BUILTIN_URLS
        .iter()
        .find(|(u, _)| *u == url)
        .map(|(_, text)| *text)
}

/// True when `path` is an http(s) URL.
pub fn is_url(path: &str) -> bool {
    path.starts_with("http://") || path.starts_with("https://")
}

fn join(cwd: &str, path: &str) -> String {
    if path.starts_with('/') || cwd.is_empty() {
        path.to_string()
    } else if cwd.ends_with('/') {
        format!("{cwd}{path}")
    } else {
        format!("{cwd}/{path}")
    }
}

/// Named in-memory files (the browser editor's buffers; tests).
#[derive(Debug, Clone, Default)]
pub struct MemFiles {
    pub files: VecMap<String, String>,
}

impl MemFiles {
    pub fn new() -> MemFiles {
        MemFiles::default()
    }
    /// Adds or replaces a file; a relative name is stored as given and found from any cwd.
    pub fn insert(&mut self, name: &str, text: &str) {
        self.files.insert(name.to_string(), text.to_string());
    }
}

/// Files larger than this are refused by the in-memory store (a browser tab's budget).
const MEM_FILE_CAP: usize = 4 * 1024 * 1024;

impl FileSource for MemFiles {
    fn read(&self, path: &str, cwd: &str) -> Result<String, FileError> {
        if let Some(t) = self.files.get(path) {
            return Ok(t.clone());
        }
        if let Some(t) = self.files.get(&join(cwd, path)) {
            return Ok(t.clone());
        }
        // `/root/web.yaml` finds the editor's `web.yaml`.
        let base = path.rsplit('/').next().unwrap_or(path);
        if path.starts_with('/') {
            if let Some(t) = self.files.get(base) {
                return Ok(t.clone());
            }
        }
        Err(FileError::NotFound)
    }
    fn write(&mut self, path: &str, _cwd: &str, data: &str, append: bool) -> Result<(), FileError> {
        let entry = self.files.entry(path.to_string()).or_default();
        if entry.len() + data.len() > MEM_FILE_CAP {
            return Err(FileError::Other("File too large".into()));
        }
        if !append {
            entry.clear();
        }
        entry.push_str(data);
        Ok(())
    }
}

/// The real filesystem (the native CLI). Writes are allowed: scripts redirect into files.
#[derive(Debug, Clone, Default)]
pub struct NativeFiles;

#[cfg(not(target_arch = "wasm32"))]
impl FileSource for NativeFiles {
    fn read(&self, path: &str, cwd: &str) -> Result<String, FileError> {
        let p = if cwd.is_empty() || cwd == "/" && !path.starts_with('/') {
            path.to_string()
        } else {
            join(cwd, path)
        };
        match std::fs::read(&p) {
            Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileError::NotFound),
            Err(e) => Err(FileError::Other(os_reason(&e))),
        }
    }
    fn write(&mut self, path: &str, cwd: &str, data: &str, append: bool) -> Result<(), FileError> {
        use std::io::Write;
        let p = if cwd.is_empty() || cwd == "/" && !path.starts_with('/') {
            path.to_string()
        } else {
            join(cwd, path)
        };
        let f = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(&p);
        match f {
            Ok(mut f) => f
                .write_all(data.as_bytes())
                .map_err(|e| FileError::Other(os_reason(&e))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileError::NotFound),
            Err(e) => Err(FileError::Other(os_reason(&e))),
        }
    }
    fn is_dir(&self, path: &str, cwd: &str) -> bool {
        std::path::Path::new(&join(cwd, path)).is_dir()
    }
}

#[cfg(target_arch = "wasm32")]
impl FileSource for NativeFiles {
    fn read(&self, _path: &str, _cwd: &str) -> Result<String, FileError> {
        Err(FileError::NotFound)
    }
    fn write(&mut self, _p: &str, _c: &str, _d: &str, _a: bool) -> Result<(), FileError> {
        Err(FileError::Other("Read-only file system".into()))
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn os_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => {
            let s = e.to_string();
            // "Is a directory (os error 21)" → "Is a directory"
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_urls_are_built_in() {
        let web = builtin_url("https://k8s.io/examples/application/web/web.yaml").unwrap();
        assert!(web.contains("kind: StatefulSet"));
        assert!(
            builtin_url("https://k8s.io/examples/application/web/web-parallel.yaml")
                .unwrap()
                .contains("Parallel")
        );
        assert!(builtin_url("https://example.com/x.yaml").is_none());
    }

    #[test]
    fn mem_files_resolve_relative_and_absolute_names() {
        let mut m = MemFiles::new();
        m.insert("web.yaml", "a");
        assert_eq!(m.read("web.yaml", "/root").unwrap(), "a");
        assert_eq!(m.read("/root/web.yaml", "/root").unwrap(), "a");
        assert_eq!(m.read("web.yml", "/root"), Err(FileError::NotFound));
    }
}
