//! Data that lives on disks: a small in-memory filesystem tree per volume (and per container
//! layer / emptyDir, held by the kubelet). A PersistentVolume's tree survives its pods, its
//! claim's re-binding and rescheduling; it is dropped only when the PV object is deleted.

use crate::vecmap::VecMap;

/// Bytes one tree may hold: disks here are for `index.html`-sized files, and a runaway
/// `while true; do echo >> f; done` must not take the simulation's memory.
pub const TREE_BYTE_LIMIT: usize = 4 * 1024 * 1024;
/// Entries one tree may hold.
pub const TREE_ENTRY_LIMIT: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Dir { mode: u32 },
    File { data: Vec<u8>, mode: u32 },
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        matches!(self, Entry::Dir { .. })
    }
    pub fn mode(&self) -> u32 {
        match self {
            Entry::Dir { mode } | Entry::File { mode, .. } => *mode,
        }
    }
}

/// Errors as the userland reports them (errno names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsError {
    /// ENOENT
    NotFound,
    /// ENOTDIR
    NotADirectory,
    /// EISDIR
    IsADirectory,
    /// EEXIST
    Exists,
    /// ENOTEMPTY
    NotEmpty,
    /// EROFS
    ReadOnly,
    /// ENOSPC
    NoSpace,
    /// EINVAL (e.g. moving a directory into itself)
    Invalid,
    /// EBUSY (removing a mount point)
    Busy,
}

impl FsError {
    /// The `strerror` text busybox prints.
    pub fn message(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
            FsError::ReadOnly => "Read-only file system",
            FsError::NoSpace => "No space left on device",
            FsError::Invalid => "Invalid argument",
            FsError::Busy => "Resource busy",
        }
    }
}

/// A filesystem tree: normalized relative paths (`""` is the root, `a/b`) → entries.
/// A VecMap keeps listings sorted and iteration deterministic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsTree {
    entries: VecMap<String, Entry>,
    bytes: usize,
}

impl Default for FsTree {
    fn default() -> Self {
        FsTree::new()
    }
}

/// Splits and normalizes a path relative to a tree root (`/a/./b/../c` → `a/c`).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

impl FsTree {
    pub fn new() -> FsTree {
        let mut entries = VecMap::new();
        entries.insert(String::new(), Entry::Dir { mode: 0o755 });
        FsTree { entries, bytes: 0 }
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(&normalize(path))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    pub fn total_bytes(&self) -> usize {
        self.bytes
    }

    fn check_parent_dir(&self, p: &str) -> Result<(), FsError> {
        match self.entries.get(parent(p)) {
            Some(Entry::Dir { .. }) => Ok(()),
            Some(_) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }

    pub fn read(&self, path: &str) -> Result<&[u8], FsError> {
        match self.get(path) {
            Some(Entry::File { data, .. }) => Ok(data),
            Some(Entry::Dir { .. }) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// Writes (or appends to) a file, creating it with mode 0644 if missing.
    pub fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        let p = normalize(path);
        if p.is_empty() {
            return Err(FsError::IsADirectory);
        }
        self.check_parent_dir(&p)?;
        let old_len = match self.entries.get(&p) {
            Some(Entry::Dir { .. }) => return Err(FsError::IsADirectory),
            Some(Entry::File { data, .. }) => data.len(),
            None => {
                if self.entries.len() >= TREE_ENTRY_LIMIT {
                    return Err(FsError::NoSpace);
                }
                0
            }
        };
        let new_len = if append {
            old_len + data.len()
        } else {
            data.len()
        };
        if self.bytes - old_len + new_len > TREE_BYTE_LIMIT {
            return Err(FsError::NoSpace);
        }
        self.bytes = self.bytes - old_len + new_len;
        let entry = self.entries.entry(p).or_insert(Entry::File {
            data: Vec::new(),
            mode: 0o644,
        });
        if let Entry::File { data: d, .. } = entry {
            if !append {
                d.clear();
            }
            d.extend_from_slice(data);
        }
        Ok(())
    }

    /// `mkdir` (with `-p` when `parents`).
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        let p = normalize(path);
        if parents {
            let mut cur = String::new();
            for part in p.split('/').filter(|s| !s.is_empty()) {
                if !cur.is_empty() {
                    cur.push('/');
                }
                cur.push_str(part);
                match self.entries.get(&cur) {
                    Some(Entry::Dir { .. }) => {}
                    Some(_) => return Err(FsError::NotADirectory),
                    None => {
                        if self.entries.len() >= TREE_ENTRY_LIMIT {
                            return Err(FsError::NoSpace);
                        }
                        self.entries.insert(cur.clone(), Entry::Dir { mode: 0o755 });
                    }
                }
            }
            return Ok(());
        }
        if self.entries.contains_key(&p) {
            return Err(FsError::Exists);
        }
        self.check_parent_dir(&p)?;
        if self.entries.len() >= TREE_ENTRY_LIMIT {
            return Err(FsError::NoSpace);
        }
        self.entries.insert(p, Entry::Dir { mode: 0o755 });
        Ok(())
    }

    /// Direct children of a directory: (name, entry), sorted by name.
    pub fn list(&self, path: &str) -> Result<Vec<(String, &Entry)>, FsError> {
        let p = normalize(path);
        match self.entries.get(&p) {
            Some(Entry::Dir { .. }) => {}
            Some(_) => return Err(FsError::NotADirectory),
            None => return Err(FsError::NotFound),
        }
        let prefix = if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        };
        Ok(self
            .entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| !k.is_empty() && !k[prefix.len()..].contains('/'))
            .map(|(k, e)| (k[prefix.len()..].to_string(), e))
            .collect())
    }

    fn subtree_keys(&self, p: &str) -> Vec<String> {
        let prefix = format!("{p}/");
        let mut keys = vec![p.to_string()];
        keys.extend(
            self.entries
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .map(|(k, _)| k.clone()),
        );
        keys
    }

    /// `rm` (`-r` when `recursive`); removing a non-empty directory without it fails.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let p = normalize(path);
        if p.is_empty() {
            return Err(FsError::Busy);
        }
        match self.entries.get(&p) {
            None => return Err(FsError::NotFound),
            Some(Entry::Dir { .. }) if !recursive => {
                if self.list(&p).map(|l| !l.is_empty()).unwrap_or(false) {
                    return Err(FsError::NotEmpty);
                }
                return Err(FsError::IsADirectory);
            }
            _ => {}
        }
        for k in self.subtree_keys(&p) {
            if let Some(Entry::File { data, .. }) = self.entries.remove(&k) {
                self.bytes -= data.len();
            }
        }
        Ok(())
    }

    /// Removes and returns a subtree (for moves across trees), keyed relative to `path`.
    pub fn take(&mut self, path: &str) -> Result<Vec<(String, Entry)>, FsError> {
        let p = normalize(path);
        if p.is_empty() {
            return Err(FsError::Busy);
        }
        if !self.entries.contains_key(&p) {
            return Err(FsError::NotFound);
        }
        let mut out = Vec::new();
        for k in self.subtree_keys(&p) {
            if let Some(e) = self.entries.remove(&k) {
                if let Entry::File { data, .. } = &e {
                    self.bytes -= data.len();
                }
                out.push((k[p.len()..].trim_start_matches('/').to_string(), e));
            }
        }
        Ok(out)
    }

    /// Inserts a subtree taken with [`FsTree::take`] at `path` (which must not exist).
    pub fn put(&mut self, path: &str, subtree: Vec<(String, Entry)>) -> Result<(), FsError> {
        let p = normalize(path);
        if self.entries.contains_key(&p) {
            return Err(FsError::Exists);
        }
        self.check_parent_dir(&p)?;
        let add: usize = subtree
            .iter()
            .map(|(_, e)| match e {
                Entry::File { data, .. } => data.len(),
                Entry::Dir { .. } => 0,
            })
            .sum();
        if self.bytes + add > TREE_BYTE_LIMIT
            || self.entries.len() + subtree.len() > TREE_ENTRY_LIMIT
        {
            return Err(FsError::NoSpace);
        }
        self.bytes += add;
        for (rel, e) in subtree {
            let k = if rel.is_empty() {
                p.clone()
            } else {
                format!("{p}/{rel}")
            };
            self.entries.insert(k, e);
        }
        Ok(())
    }

    /// `mv` within one tree. Moving onto an existing file replaces it.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        let f = normalize(from);
        let t = normalize(to);
        if f == t {
            return if self.entries.contains_key(&f) {
                Ok(())
            } else {
                Err(FsError::NotFound)
            };
        }
        if t.starts_with(&format!("{f}/")) {
            return Err(FsError::Invalid);
        }
        let src_is_dir = match self.entries.get(&f) {
            None => return Err(FsError::NotFound),
            Some(e) => e.is_dir(),
        };
        match self.entries.get(&t) {
            Some(Entry::Dir { .. }) => return Err(FsError::Exists),
            Some(_) if src_is_dir => return Err(FsError::NotADirectory),
            Some(_) => {
                self.remove(&t, false)?;
            }
            None => {}
        }
        let sub = self.take(&f)?;
        self.put(&t, sub)
    }

    pub fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        match self.entries.get_mut(&normalize(path)) {
            Some(Entry::Dir { mode: m }) | Some(Entry::File { mode: m, .. }) => {
                *m = mode & 0o7777;
                Ok(())
            }
            None => Err(FsError::NotFound),
        }
    }
}

/// The data of every PersistentVolume, keyed by PV name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeData {
    volumes: VecMap<String, FsTree>,
}

impl VolumeData {
    /// The disk behind a freshly provisioned PV: an empty filesystem.
    pub fn ensure(&mut self, pv: &str) -> &mut FsTree {
        self.volumes.entry(pv.to_string()).or_default()
    }
    pub fn get(&self, pv: &str) -> Option<&FsTree> {
        self.volumes.get(pv)
    }
    pub fn get_mut(&mut self, pv: &str) -> Option<&mut FsTree> {
        self.volumes.get_mut(pv)
    }
    /// The PV is gone: so is its data.
    pub fn drop_volume(&mut self, pv: &str) {
        self.volumes.remove(pv);
    }
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.volumes.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_behaves_like_a_small_filesystem() {
        let mut t = FsTree::new();
        assert_eq!(t.write("/a/b", b"x", false), Err(FsError::NotFound));
        t.mkdir("/a", false).unwrap();
        t.write("/a/b", b"web-0\n", false).unwrap();
        t.write("/a/b", b"more\n", true).unwrap();
        assert_eq!(t.read("a/b").unwrap(), b"web-0\nmore\n");
        assert_eq!(t.remove("/a", false), Err(FsError::NotEmpty));
        t.rename("/a/b", "/a/c").unwrap();
        assert_eq!(
            t.list("/a")
                .unwrap()
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            ["c"]
        );
        t.mkdir("/x/y/z", true).unwrap();
        t.rename("/x", "/a/x").unwrap();
        assert!(t.exists("/a/x/y/z"));
        assert_eq!(t.rename("/a", "/a/x/q"), Err(FsError::Invalid));
        t.chmod("/a/c", 0o600).unwrap();
        assert_eq!(t.get("/a/c").unwrap().mode(), 0o600);
        t.remove("/a", true).unwrap();
        assert_eq!(t.total_bytes(), 0);
        assert_eq!(t.list("/").unwrap().len(), 0);
    }
}
