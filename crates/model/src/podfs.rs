//! A container's view of files: its root filesystem with the pod's volumes mounted over it
//! (a PersistentVolume's data, emptyDirs, the service-account token), as the container userland
//! (`cat`, `ls`, `echo >`, `mv`, nginx serving its html dir) sees them. An image's files under
//! a mount point are masked by the volume, as on a real node.

use crate::cluster::Cluster;
use crate::controllers::kubelet::MountSource;
use crate::objects::Pod;
use crate::storage_data::{normalize, Entry, FsError, FsTree};

#[derive(Debug, Clone)]
enum Target {
    EmptyDir(String),
    Pv(String),
    /// A tree owned by the view (token files, other read-only sources).
    Owned(usize),
}

#[derive(Debug, Clone)]
struct Mount {
    /// Normalized, without the leading slash.
    path: String,
    target: Target,
    read_only: bool,
}

/// Where one container's files are: its writable layer and the pod's volumes mounted over
/// it. Holds no borrow, so the container userland (`crate::exec::PodEnv`) can keep it next
/// to a `&mut Cluster` and reach the trees through it.
#[derive(Debug, Clone)]
pub struct FsLocation {
    ns: String,
    name: String,
    uid: String,
    /// Index of the container in the pod's runtime.
    container: usize,
    owned: Vec<FsTree>,
    mounts: Vec<Mount>,
}

/// A mutable view of one container's filesystem.
pub struct PodFs<'a> {
    cluster: &'a mut Cluster,
    loc: FsLocation,
}

/// One listing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
    pub mode: u32,
    pub size: usize,
}

impl<'a> PodFs<'a> {
    /// Opens `container` (default: the first) of pod `ns/name`. Fails when the pod has no
    /// running sandbox (the error text is for the caller to wrap).
    pub fn open(
        cluster: &'a mut Cluster,
        ns: &str,
        name: &str,
        container: Option<&str>,
    ) -> Result<PodFs<'a>, String> {
        let loc = FsLocation::resolve(cluster, ns, name, container)?;
        Ok(PodFs { cluster, loc })
    }

    pub fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        self.loc.read(self.cluster, path)
    }
    pub fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        self.loc.write(self.cluster, path, data, append)
    }
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        self.loc.mkdir(self.cluster, path, parents)
    }
    pub fn stat(&self, path: &str) -> Result<DirEntry, FsError> {
        self.loc.stat(self.cluster, path)
    }
    /// Directory listing, including mount points directly below it.
    pub fn list(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.loc.list(self.cluster, path)
    }
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        self.loc.remove(self.cluster, path, recursive)
    }
    /// `mv`: within one filesystem a rename; across mounts a copy and delete.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        self.loc.rename(self.cluster, from, to)
    }
    pub fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        self.loc.chmod(self.cluster, path, mode)
    }
}

impl FsLocation {
    /// Resolves `container` (default: the first) of pod `ns/name` to its trees. Fails when the
    /// pod has no running sandbox (the error text is for the caller to wrap).
    pub fn resolve(
        cluster: &Cluster,
        ns: &str,
        name: &str,
        container: Option<&str>,
    ) -> Result<FsLocation, String> {
        let pod: &Pod = cluster
            .api
            .get::<Pod>(ns, name)
            .ok_or_else(|| format!("pods \"{name}\" not found"))?;
        let cname = match container {
            Some(c) => c.to_string(),
            None => pod
                .spec
                .containers
                .first()
                .map(|c| c.name.clone())
                .ok_or("pod has no containers")?,
        };
        let rt = cluster
            .kubelet
            .runtime(ns, name, &pod.metadata.uid)
            .ok_or_else(|| format!("pod {name} has no running containers"))?;
        if !rt.sandbox_ready {
            return Err(format!("pod {name} has no running containers"));
        }
        let mut owned = Vec::new();
        let mut mounts = Vec::new();
        for (path, vol, ro) in rt.container_mounts(pod, &cname) {
            let source = rt.volumes.get(&vol);
            let target = match source {
                Some(MountSource::Pv(pv)) => Target::Pv(pv.clone()),
                Some(MountSource::EmptyDir) => Target::EmptyDir(vol.clone()),
                Some(MountSource::ServiceAccount) => {
                    let mut t = FsTree::new();
                    let _ = t.write("ca.crt", b"-----BEGIN CERTIFICATE-----\n(ordinal simulated CA)\n-----END CERTIFICATE-----\n", false);
                    let _ = t.write("namespace", ns.as_bytes(), false);
                    let _ = t.write(
                        "token",
                        b"eyJhbGciOiJSUzI1NiIsImtpZCI6Im9yZGluYWwifQ.simulated.token",
                        false,
                    );
                    owned.push(t);
                    Target::Owned(owned.len() - 1)
                }
                _ => {
                    owned.push(FsTree::new());
                    Target::Owned(owned.len() - 1)
                }
            };
            mounts.push(Mount {
                path: normalize(&path),
                target,
                read_only: ro
                    || matches!(
                        source,
                        Some(MountSource::ServiceAccount) | Some(MountSource::Other)
                    ),
            });
        }
        // Longest mount path first: nested mounts win.
        crate::sort::sort_by(&mut mounts, |a, b| {
            b.path.len().cmp(&a.path.len()).then(a.path.cmp(&b.path))
        });
        let ci = rt
            .containers
            .iter()
            .position(|c| c.name == cname)
            .ok_or_else(|| format!("container {cname} is not valid for pod {name}"))?;
        Ok(FsLocation {
            ns: ns.to_string(),
            name: name.to_string(),
            uid: pod.metadata.uid.clone(),
            container: ci,
            owned,
            mounts,
        })
    }

    /// Whether `path` (normalized, absolute) is a mount point, and which mount holds it.
    pub fn mount_of(&self, path: &str) -> Option<usize> {
        self.locate(path).0
    }

    /// (mount index or None for the rootfs, path relative to that tree).
    fn locate(&self, path: &str) -> (Option<usize>, String) {
        let p = normalize(path);
        for (i, m) in self.mounts.iter().enumerate() {
            if p == m.path {
                return (Some(i), String::new());
            }
            if m.path.is_empty() || p.starts_with(&format!("{}/", m.path)) {
                let rel = if m.path.is_empty() {
                    p.clone()
                } else {
                    p[m.path.len() + 1..].to_string()
                };
                return (Some(i), rel);
            }
        }
        (None, p)
    }

    fn tree<'c>(&'c self, cluster: &'c Cluster, m: Option<usize>) -> Result<&'c FsTree, FsError> {
        let rt = cluster
            .kubelet
            .runtime(&self.ns, &self.name, &self.uid)
            .ok_or(FsError::NotFound)?;
        match m {
            None => rt
                .containers
                .get(self.container)
                .map(|c| &c.rootfs)
                .ok_or(FsError::NotFound),
            Some(i) => match &self.mounts[i].target {
                Target::EmptyDir(v) => rt.emptydirs.get(v).ok_or(FsError::NotFound),
                Target::Pv(pv) => cluster.volume.data.get(pv).ok_or(FsError::NotFound),
                Target::Owned(k) => self.owned.get(*k).ok_or(FsError::NotFound),
            },
        }
    }

    fn tree_mut<'c>(
        &'c mut self,
        cluster: &'c mut Cluster,
        m: Option<usize>,
    ) -> Result<&'c mut FsTree, FsError> {
        if let Some(i) = m {
            if self.mounts[i].read_only {
                return Err(FsError::ReadOnly);
            }
            match self.mounts[i].target.clone() {
                Target::Pv(pv) => return cluster.volume.data.get_mut(&pv).ok_or(FsError::NotFound),
                Target::Owned(k) => return self.owned.get_mut(k).ok_or(FsError::NotFound),
                Target::EmptyDir(_) => {}
            }
        }
        let rt = cluster
            .kubelet
            .runtime_mut(&self.ns, &self.name, &self.uid)
            .ok_or(FsError::NotFound)?;
        match m.map(|i| self.mounts[i].target.clone()) {
            Some(Target::EmptyDir(v)) => Ok(rt.emptydirs.entry(v).or_default()),
            _ => rt
                .containers
                .get_mut(self.container)
                .map(|c| &mut c.rootfs)
                .ok_or(FsError::NotFound),
        }
    }

    pub fn read(&self, cluster: &Cluster, path: &str) -> Result<Vec<u8>, FsError> {
        let (m, rel) = self.locate(path);
        self.tree(cluster, m)?.read(&rel).map(<[u8]>::to_vec)
    }

    pub fn write(
        &mut self,
        cluster: &mut Cluster,
        path: &str,
        data: &[u8],
        append: bool,
    ) -> Result<(), FsError> {
        let (m, rel) = self.locate(path);
        if rel.is_empty() && m.is_some() {
            return Err(FsError::IsADirectory);
        }
        self.tree_mut(cluster, m)?.write(&rel, data, append)
    }

    pub fn mkdir(
        &mut self,
        cluster: &mut Cluster,
        path: &str,
        parents: bool,
    ) -> Result<(), FsError> {
        let (m, rel) = self.locate(path);
        if rel.is_empty() && m.is_some() {
            return if parents {
                Ok(())
            } else {
                Err(FsError::Exists)
            };
        }
        self.tree_mut(cluster, m)?.mkdir(&rel, parents)
    }

    pub fn stat(&self, cluster: &Cluster, path: &str) -> Result<DirEntry, FsError> {
        let (m, rel) = self.locate(path);
        let t = self.tree(cluster, m)?;
        let e = t.get(&rel).ok_or(FsError::NotFound)?;
        let name = normalize(path).rsplit('/').next().unwrap_or("").to_string();
        Ok(entry(name, e))
    }

    /// Directory listing, including mount points directly below it.
    pub fn list(&self, cluster: &Cluster, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let (m, rel) = self.locate(path);
        let t = self.tree(cluster, m)?;
        let mut out: Vec<DirEntry> = t
            .list(&rel)?
            .into_iter()
            .map(|(n, e)| entry(n, e))
            .collect();
        let p = normalize(path);
        for mt in &self.mounts {
            let parent = mt.path.rfind('/').map_or("", |i| &mt.path[..i]);
            if parent == p && !mt.path.is_empty() {
                let name = mt.path.rsplit('/').next().unwrap_or("").to_string();
                if !out.iter().any(|d| d.name == name) {
                    out.push(DirEntry {
                        name,
                        is_dir: true,
                        mode: 0o755,
                        size: 0,
                    });
                }
            }
        }
        crate::sort::sort_by(&mut out, |a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub fn remove(
        &mut self,
        cluster: &mut Cluster,
        path: &str,
        recursive: bool,
    ) -> Result<(), FsError> {
        let (m, rel) = self.locate(path);
        if rel.is_empty() && m.is_some() {
            return Err(FsError::Busy);
        }
        self.tree_mut(cluster, m)?.remove(&rel, recursive)
    }

    /// `mv`: within one filesystem a rename; across mounts a copy and delete.
    pub fn rename(&mut self, cluster: &mut Cluster, from: &str, to: &str) -> Result<(), FsError> {
        let (fm, frel) = self.locate(from);
        let (tm, trel) = self.locate(to);
        if (frel.is_empty() && fm.is_some()) || (trel.is_empty() && tm.is_some()) {
            return Err(FsError::Busy);
        }
        if fm == tm {
            return self.tree_mut(cluster, fm)?.rename(&frel, &trel);
        }
        // Check the destination is writable before taking the source.
        self.tree_mut(cluster, tm)?;
        let sub = self.tree_mut(cluster, fm)?.take(&frel)?;
        let dest = self.tree_mut(cluster, tm)?;
        if dest.get(&trel).is_some_and(|e| !e.is_dir()) {
            dest.remove(&trel, false)?;
        }
        dest.put(&trel, sub)
    }

    pub fn chmod(&mut self, cluster: &mut Cluster, path: &str, mode: u32) -> Result<(), FsError> {
        let (m, rel) = self.locate(path);
        self.tree_mut(cluster, m)?.chmod(&rel, mode)
    }
}

fn entry(name: String, e: &Entry) -> DirEntry {
    match e {
        Entry::Dir { mode } => DirEntry {
            name,
            is_dir: true,
            mode: *mode,
            size: 0,
        },
        Entry::File { data, mode } => DirEntry {
            name,
            is_dir: false,
            mode: *mode,
            size: data.len(),
        },
    }
}
