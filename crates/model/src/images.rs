//! The simulated container registry (`cluster-profile.md` "Images"): which images exist, how big
//! they are, what files they ship and how their main process behaves (runs forever or exits,
//! what it does on SIGTERM).
//!
//! The process model here is the stand-in for the container userland: the kubelet asks it how
//! a container's process behaves; the userland will later answer from the program it runs.

use crate::rng::Rng;

/// A parsed image reference, normalized the way containerd names images
/// (`nginx` → `docker.io/library/nginx:latest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io/library/nginx`, `registry.k8s.io/nginx-slim`
    pub repository: String,
    /// `latest` when the reference has none.
    pub tag: String,
}

impl ImageRef {
    /// Parses `image` (`busybox`, `nginx:1.27`, `registry.k8s.io/nginx-slim:0.8`,
    /// `localhost:5000/x`). Digests are kept in the tag position (`@sha256:…`).
    pub fn parse(image: &str) -> Option<ImageRef> {
        let image = image.trim();
        if image.is_empty() || image.chars().any(char::is_whitespace) {
            return None;
        }
        let (name, tag) = if let Some((n, d)) = image.split_once('@') {
            (n.to_string(), format!("@{d}"))
        } else {
            let last_slash = image.rfind('/').map_or(0, |i| i + 1);
            match image[last_slash..].rfind(':') {
                Some(i) => (
                    image[..last_slash + i].to_string(),
                    image[last_slash + i + 1..].to_string(),
                ),
                None => (image.to_string(), "latest".to_string()),
            }
        };
        if name.is_empty() || tag.is_empty() {
            return None;
        }
        // The first component is a registry host iff it has a dot or colon or is localhost
        // (docker/distribution's `splitDockerDomain`).
        let repository = match name.split_once('/') {
            Some((first, _))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                name
            }
            Some(_) => format!("docker.io/{name}"),
            None => format!("docker.io/library/{name}"),
        };
        if repository != repository.to_ascii_lowercase() {
            return None;
        }
        Some(ImageRef { repository, tag })
    }

    /// `docker.io/library/nginx:latest`
    pub fn full(&self) -> String {
        if self.tag.starts_with('@') {
            format!("{}{}", self.repository, self.tag)
        } else {
            format!("{}:{}", self.repository, self.tag)
        }
    }

    /// The repository path without the registry host (`library/nginx`, `nginx-slim`).
    fn path(&self) -> &str {
        let r = self.repository.as_str();
        let r = r
            .strip_prefix("docker.io/")
            .or_else(|| r.strip_prefix("registry.k8s.io/"))
            .or_else(|| r.strip_prefix("k8s.gcr.io/"))
            .or_else(|| r.strip_prefix("gcr.io/google_containers/"))
            .or_else(|| r.strip_prefix("gcr.io/google-containers/"))
            .unwrap_or(r);
        r
    }
}

/// What the simulated registry knows about one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    pub reference: ImageRef,
    pub family: ImageFamily,
    /// Compressed size the kubelet reports in its `Pulled` event.
    pub size_bytes: u64,
    /// `sha256:<64 hex>`, stable per reference.
    pub digest: String,
}

impl ImageInfo {
    /// `registry.k8s.io/nginx-slim@sha256:…` — `containerStatuses[].imageID`.
    pub fn image_id(&self) -> String {
        format!("{}@{}", self.reference.repository, self.digest)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFamily {
    /// nginx and nginx-slim: a web server on port 80 serving `/usr/share/nginx/html`.
    Nginx,
    /// busybox: a shell and coreutils; the process is whatever the command says.
    Busybox,
    /// registry.k8s.io/e2e-test-images/agnhost
    Agnhost,
    /// CoreDNS (kube-system).
    CoreDns,
    /// The sandbox image.
    Pause,
}

/// Why a pull fails: containerd's error text for a missing reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullError {
    /// The repository exists but the tag does not.
    NotFound(String),
    /// The repository does not exist (Docker Hub answers "access denied").
    AccessDenied(String),
    /// The reference cannot be parsed (kubelet's InvalidImageName).
    InvalidName(String),
}

impl PullError {
    /// The `rpc error: …` text the kubelet prints after `Failed to pull image "x": `.
    pub fn message(&self) -> String {
        match self {
            PullError::NotFound(full) => format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
            ),
            PullError::AccessDenied(full) => format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
            ),
            PullError::InvalidName(image) => {
                format!("Failed to apply default image tag {image:?}: couldn't parse image name {image:?}: invalid reference format")
            }
        }
    }
}

/// Looks an image up in the registry.
pub fn lookup(image: &str) -> Result<ImageInfo, PullError> {
    let Some(r) = ImageRef::parse(image) else {
        return Err(PullError::InvalidName(image.to_string()));
    };
    let path = r.path().to_string();
    let tag = r.tag.as_str();
    let k8s_registry = r.repository.starts_with("registry.k8s.io/")
        || r.repository.starts_with("k8s.gcr.io/")
        || r.repository.starts_with("gcr.io/google_containers/")
        || r.repository.starts_with("gcr.io/google-containers/");
    let hub = r.repository.starts_with("docker.io/");
    let known = |family, size| {
        Ok(ImageInfo {
            digest: digest_of(&r.full()),
            reference: r.clone(),
            family,
            size_bytes: size,
        })
    };
    match (path.as_str(), k8s_registry, hub) {
        ("nginx-slim", true, _) => match tag {
            "0.7" => known(ImageFamily::Nginx, 50_316_298),
            "0.8" => known(ImageFamily::Nginx, 51_438_473),
            "0.21" => known(ImageFamily::Nginx, 33_614_782),
            "0.24" => known(ImageFamily::Nginx, 34_211_946),
            _ => Err(PullError::NotFound(r.full())),
        },
        (p, _, true) if p == "library/nginx" || p.starts_with("nginxinc/") => {
            known(ImageFamily::Nginx, 72_188_133)
        }
        ("library/busybox", _, true) => {
            if tag == "latest" || tag.starts_with("1.") || tag.starts_with('@') {
                let size = if tag.starts_with("1.28") {
                    727_869
                } else {
                    2_155_567
                };
                known(ImageFamily::Busybox, size)
            } else {
                Err(PullError::NotFound(r.full()))
            }
        }
        ("e2e-test-images/agnhost", true, _) => known(ImageFamily::Agnhost, 51_036_741),
        ("coredns/coredns", true, _) => known(ImageFamily::CoreDns, 22_384_805),
        ("pause", true, _) => known(ImageFamily::Pause, 320_368),
        (_, true, _) => Err(PullError::NotFound(r.full())),
        (p, _, true) if p.starts_with("library/") => Err(PullError::AccessDenied(r.full())),
        _ => Err(PullError::AccessDenied(r.full())),
    }
}

/// How long the registry takes to deliver `size` bytes (the pull itself, before unpacking),
/// with seeded jitter: about 1 s + 20 MB/s.
pub fn pull_duration_ms(size: u64, rng: &mut Rng) -> u64 {
    800 + size / 20_000 + rng.between(0, 900)
}

/// A stable fake `sha256:` digest for a reference (FNV-based; only needs to look right).
fn digest_of(s: &str) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u64..4 {
        for b in s.bytes().chain(round.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// How a container's main process runs: forever (a server) or until it exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Forever,
    ExitsAfter { ms: u64, code: i32 },
}

/// What the process does with SIGTERM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSigterm {
    /// Exits with `code` after `ms` (nginx: fast shutdown, exit 0).
    Exits { ms: u64, code: i32 },
    /// Ignores it (PID 1 without a handler, e.g. busybox `sleep`): SIGKILL at the deadline.
    Ignores,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    pub run: Run,
    pub on_sigterm: OnSigterm,
}

/// The process a container of `family` runs for `command` + `args` (Kubernetes semantics:
/// `command` replaces ENTRYPOINT, `args` replaces CMD).
pub fn process_for(
    family: ImageFamily,
    command: &[String],
    args: &[String],
    tty_stdin: bool,
) -> Process {
    let argv: Vec<&str> = command
        .iter()
        .chain(args.iter())
        .map(String::as_str)
        .collect();
    match family {
        ImageFamily::Nginx if argv.is_empty() => Process {
            run: Run::Forever,
            on_sigterm: OnSigterm::Exits { ms: 150, code: 0 },
        },
        ImageFamily::CoreDns => Process {
            run: Run::Forever,
            // The kubeadm Corefile's `health { lameduck 5s }`.
            on_sigterm: OnSigterm::Exits { ms: 5_000, code: 0 },
        },
        ImageFamily::Pause => Process {
            run: Run::Forever,
            on_sigterm: OnSigterm::Exits { ms: 10, code: 0 },
        },
        ImageFamily::Agnhost
            if argv.is_empty()
                || argv.iter().any(|a| {
                    matches!(
                        *a,
                        "pause" | "netexec" | "serve-hostname" | "test-webserver"
                    )
                }) =>
        {
            Process {
                run: Run::Forever,
                on_sigterm: OnSigterm::Exits { ms: 50, code: 0 },
            }
        }
        _ => shell_like(&argv, tty_stdin),
    }
}

/// busybox (and commands given to other images): `sleep N` sleeps, a bare shell waits on its
/// terminal if it has one, anything else runs briefly and exits 0. PID 1 has no SIGTERM
/// handler, so a shell or `sleep` ignores SIGTERM and dies by SIGKILL at the deadline.
fn shell_like(argv: &[&str], tty_stdin: bool) -> Process {
    let ignores = OnSigterm::Ignores;
    if argv.is_empty() || (argv.len() == 1 && matches!(argv[0], "sh" | "/bin/sh" | "bash")) {
        return Process {
            run: if tty_stdin {
                Run::Forever
            } else {
                Run::ExitsAfter { ms: 30, code: 0 }
            },
            on_sigterm: ignores,
        };
    }
    // The last `sleep` in the command line decides how long it lives (`sh -c 'echo; sleep 3600'`).
    let words: Vec<&str> = argv
        .iter()
        .flat_map(|a| a.split(|c: char| c.is_whitespace() || c == ';' || c == '&'))
        .filter(|w| !w.is_empty())
        .collect();
    let loops_forever = words.windows(2).any(|w| w == ["while", "true"]);
    let sleep = words
        .windows(2)
        .rev()
        .find(|w| w[0] == "sleep" || w[0].ends_with("/sleep"))
        .map(|w| w[1]);
    let run = if loops_forever {
        Run::Forever
    } else {
        match sleep {
            Some("infinity" | "inf") => Run::Forever,
            Some(n) => match parse_sleep_ms(n) {
                Some(ms) => Run::ExitsAfter {
                    ms: ms.saturating_add(20),
                    code: 0,
                },
                None => Run::ExitsAfter { ms: 20, code: 1 },
            },
            None => Run::ExitsAfter { ms: 200, code: 0 },
        }
    };
    Process {
        run,
        on_sigterm: ignores,
    }
}

/// busybox `sleep` arguments: `10`, `1.5`, `2m`, `1h`, `1d`.
fn parse_sleep_ms(s: &str) -> Option<u64> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1_000.0),
        'm' => (&s[..s.len() - 1], 60_000.0),
        'h' => (&s[..s.len() - 1], 3_600_000.0),
        'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1_000.0),
    };
    let v: f64 = num.parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    // Beyond ~30 years is "forever" for any scenario; keep the arithmetic finite.
    Some((v * mult).min(1.0e12) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize_like_containerd() {
        assert_eq!(
            ImageRef::parse("nginx").unwrap().full(),
            "docker.io/library/nginx:latest"
        );
        assert_eq!(
            ImageRef::parse("registry.k8s.io/nginx-slim:0.8")
                .unwrap()
                .full(),
            "registry.k8s.io/nginx-slim:0.8"
        );
        assert_eq!(
            ImageRef::parse("localhost:5000/x").unwrap().full(),
            "localhost:5000/x:latest"
        );
        assert!(lookup("gcr.io/google_containers/nginx-slim:0.8").is_ok());
        assert!(matches!(
            lookup("nginx-slim:0.8"),
            Err(PullError::AccessDenied(_))
        ));
        assert!(matches!(
            lookup("registry.k8s.io/nginx-slim:9.9"),
            Err(PullError::NotFound(_))
        ));
        assert_eq!(lookup("busybox:1.28").unwrap().family, ImageFamily::Busybox);
    }

    #[test]
    fn processes_follow_their_command() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            process_for(ImageFamily::Nginx, &[], &[], false).run,
            Run::Forever
        );
        assert_eq!(
            process_for(ImageFamily::Busybox, &s(&["sleep", "3600"]), &[], false).run,
            Run::ExitsAfter {
                ms: 3_600_020,
                code: 0
            }
        );
        assert_eq!(
            process_for(
                ImageFamily::Busybox,
                &s(&["sh", "-c", "while true; do sleep 1; done"]),
                &[],
                false
            )
            .run,
            Run::Forever
        );
        assert_eq!(
            process_for(ImageFamily::Busybox, &[], &[], true).run,
            Run::Forever
        );
    }
}
