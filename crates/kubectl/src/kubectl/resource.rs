//! Resource type names as kubectl's RESTMapper resolves them: plural, singular, short names,
//! kind names (any case), and group-qualified forms (`statefulsets.apps`, `sts.apps`).

use ordinal_model::Kind;

/// Resolves a resource type argument; `None` → `the server doesn't have a resource type "x"`.
pub fn resolve(arg: &str) -> Option<Kind> {
    let lower = arg.to_ascii_lowercase();
    let (name, group) = match lower.split_once('.') {
        Some((n, g)) => {
            // `statefulsets.v1.apps` → group apps
            let g = match g.split_once('.') {
                Some((ver, rest))
                    if ver.starts_with('v')
                        && ver[1..].starts_with(|c: char| c.is_ascii_digit()) =>
                {
                    rest
                }
                _ => g,
            };
            (n.to_string(), Some(g.to_string()))
        }
        None => (lower.clone(), None),
    };
    Kind::ALL.iter().copied().find(|k| {
        let names_match = k.resource() == name
            || k.singular() == name
            || k.name().to_ascii_lowercase() == name
            || k.short_names().contains(&name.as_str());
        let group_match = match &group {
            None => true,
            Some(g) => {
                k.group() == g
                    || (k.group().is_empty() && (g == "core" || g == "v1" || g.is_empty()))
            }
        };
        names_match && group_match
    })
}

/// `pod/web-0`, `statefulset.apps/web` (what `-o name` and multi-kind tables print).
pub fn kind_slash_name(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.qualified_singular())
}

/// The plural form used in `error when ...` messages and `kubectl wait` timeouts (`pods/web-0`).
pub fn plural_slash_name(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.qualified_resource())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_kubectl() {
        assert_eq!(resolve("po"), Some(Kind::Pod));
        assert_eq!(resolve("pods"), Some(Kind::Pod));
        assert_eq!(resolve("Pod"), Some(Kind::Pod));
        assert_eq!(resolve("sts"), Some(Kind::StatefulSet));
        assert_eq!(resolve("statefulset.apps"), Some(Kind::StatefulSet));
        assert_eq!(resolve("statefulsets.v1.apps"), Some(Kind::StatefulSet));
        assert_eq!(resolve("StatefulSet"), Some(Kind::StatefulSet));
        assert_eq!(resolve("pvc"), Some(Kind::PersistentVolumeClaim));
        assert_eq!(resolve("svc"), Some(Kind::Service));
        assert_eq!(resolve("statefulsetz"), None);
        assert_eq!(resolve("sts.core"), None);
    }
}

/// What a command's positional arguments name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// `TYPE[,TYPE…] [NAME…]`: kinds, and names (empty = all/selector).
    Typed {
        kinds: Vec<Kind>,
        names: Vec<String>,
    },
    /// `TYPE/NAME…`
    Pairs(Vec<(Kind, String)>),
}

impl Targets {
    /// The (kind, name) pairs named explicitly.
    pub fn named(&self) -> Vec<(Kind, String)> {
        match self {
            Targets::Typed { kinds, names } => kinds
                .iter()
                .flat_map(|k| names.iter().map(move |n| (*k, n.clone())))
                .collect(),
            Targets::Pairs(p) => p.clone(),
        }
    }
    pub fn has_names(&self) -> bool {
        match self {
            Targets::Typed { names, .. } => !names.is_empty(),
            Targets::Pairs(_) => true,
        }
    }
    pub fn kinds(&self) -> Vec<Kind> {
        match self {
            Targets::Typed { kinds, .. } => kinds.clone(),
            Targets::Pairs(p) => {
                let mut v: Vec<Kind> = Vec::new();
                for (k, _) in p {
                    if !v.contains(k) {
                        v.push(*k);
                    }
                }
                v
            }
        }
    }
}

fn unknown_type(t: &str) -> String {
    format!("the server doesn't have a resource type \"{t}\"")
}

/// Parses `TYPE[,TYPE] [NAME…]` or `TYPE/NAME…`. `Err` is the message after `error: `.
pub fn parse_targets(args: &[String]) -> Result<Targets, String> {
    let Some(first) = args.first() else {
        return Err("no resource".into());
    };
    if args.iter().any(|a| a.contains('/')) {
        let mut pairs = Vec::new();
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let k = resolve(t).ok_or_else(|| unknown_type(t))?;
            if n.is_empty() {
                return Err(
                    "arguments in resource/name form must have a single resource and name"
                        .to_string(),
                );
            }
            pairs.push((k, n.to_string()));
        }
        return Ok(Targets::Pairs(pairs));
    }
    let mut kinds = Vec::new();
    for t in first.split(',') {
        if t.is_empty() {
            continue;
        }
        let k = resolve(t).ok_or_else(|| unknown_type(t))?;
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    if kinds.is_empty() {
        return Err(unknown_type(first));
    }
    Ok(Targets::Typed {
        kinds,
        names: args[1..].to_vec(),
    })
}
