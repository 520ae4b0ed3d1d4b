//! Cluster DNS as CoreDNS's `kubernetes` plugin answers it (kubeadm Corefile:
//! `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure … }`), computed from the
//! Services and EndpointSlices in the apiserver (`statefulset-semantics.md` §6.1).
//!
//! - ClusterIP service: `A <svc>.<ns>.svc.cluster.local → clusterIP`, SRV per named port, PTR.
//! - Headless service: one A per ready endpoint; `<hostname>.<svc>…` A + PTR for endpoints with
//!   a hostname (else the dashed IP), SRV per (named port × ready endpoint), weight ⌊100/N⌋.
//! - `a-b-c-d.<ns>.pod.cluster.local` (pods insecure).
//! - Anything else in the cluster domain: NXDOMAIN. Records follow the endpoints, so they
//!   change with pod IPs and vanish when a pod is not Ready.

use crate::api::ApiServer;
use crate::controllers::endpoints::SERVICE_NAME_LABEL;
use crate::objects::{EndpointSlice, Pod, Service};
use crate::profile::{CLUSTER_DOMAIN, DNS_SERVICE_IP};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordType {
    A,
    SRV,
    PTR,
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordType::A => "A",
            RecordType::SRV => "SRV",
            RecordType::PTR => "PTR",
        })
    }
}

/// One resource record. Names are fully qualified without the trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DnsRecord {
    pub name: String,
    pub type_: RecordType,
    /// A: the address; PTR: the target name; SRV: `<prio> <weight> <port> <target>`.
    pub value: String,
}

/// The answer to one exact query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// NOERROR with these records (empty = NODATA: the name exists, not with that type).
    Records(Vec<DnsRecord>),
    NxDomain,
}

fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// `6.1.244.10.in-addr.arpa` for `10.244.1.6`.
pub fn reverse_name(ip: &str) -> String {
    let mut parts: Vec<&str> = ip.split('.').collect();
    parts.reverse();
    format!("{}.in-addr.arpa", parts.join("."))
}

fn ready(ep: &serde_json::Value) -> bool {
    // CoreDNS treats a missing `ready` condition as ready.
    ep.get("conditions")
        .and_then(|c| c.get("ready"))
        .and_then(|r| r.as_bool())
        .unwrap_or(true)
}

/// Every record the cluster's DNS serves (except the unbounded `pods insecure` names), sorted.
pub fn records(api: &ApiServer) -> Vec<DnsRecord> {
    let mut out = Vec::new();
    for svc in api.list::<Service>(None) {
        service_records(api, svc, &mut out);
    }
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

fn service_records(api: &ApiServer, svc: &Service, out: &mut Vec<DnsRecord>) {
    let ns = svc.metadata.ns();
    let domain = format!("{}.{ns}.svc.{CLUSTER_DOMAIN}", svc.metadata.name);
    let rec = |name: String, type_: RecordType, value: String| DnsRecord { name, type_, value };
    if svc.spec.type_.as_deref() == Some("ExternalName") {
        return;
    }
    if !svc.is_headless() {
        let Some(ip) = svc.spec.cluster_ip.clone().filter(|i| !i.is_empty()) else {
            return;
        };
        out.push(rec(domain.clone(), RecordType::A, ip.clone()));
        out.push(rec(reverse_name(&ip), RecordType::PTR, domain.clone()));
        for p in &svc.spec.ports {
            if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty()) {
                let proto = p.protocol.as_deref().unwrap_or("TCP").to_ascii_lowercase();
                out.push(rec(
                    format!("_{n}._{proto}.{domain}"),
                    RecordType::SRV,
                    format!("0 100 {} {domain}", p.port),
                ));
            }
        }
        return;
    }
    // Headless: the ready endpoints of the service's EndpointSlices.
    let mut eps: Vec<(String, String)> = Vec::new(); // (host label, ip)
    let mut ports: Vec<(String, String, i64)> = Vec::new(); // (name, proto, port)
    for slice in api.list::<EndpointSlice>(Some(ns)) {
        if slice.metadata.labels.get(SERVICE_NAME_LABEL) != Some(&svc.metadata.name) {
            continue;
        }
        for p in &slice.ports {
            let name = p
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let proto = p
                .get("protocol")
                .and_then(|v| v.as_str())
                .unwrap_or("TCP")
                .to_ascii_lowercase();
            if let Some(port) = p.get("port").and_then(|v| v.as_i64()) {
                if !ports.iter().any(|x| x.0 == name && x.1 == proto) {
                    ports.push((name, proto, port));
                }
            }
        }
        for ep in &slice.endpoints {
            if !ready(ep) {
                continue;
            }
            let host = ep
                .get("hostname")
                .and_then(|h| h.as_str())
                .map(str::to_string);
            for ip in ep
                .get("addresses")
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
            {
                if let Some(ip) = ip.as_str() {
                    let label = host.clone().unwrap_or_else(|| ip.replace('.', "-"));
                    eps.push((label, ip.to_string()));
                }
            }
        }
    }
    crate::sort::sort(&mut eps);
    eps.dedup();
    let weight = if eps.is_empty() { 0 } else { 100 / eps.len() };
    for (label, ip) in &eps {
        let host = format!("{label}.{domain}");
        out.push(rec(domain.clone(), RecordType::A, ip.clone()));
        out.push(rec(host.clone(), RecordType::A, ip.clone()));
        out.push(rec(reverse_name(ip), RecordType::PTR, host.clone()));
        for (name, proto, port) in &ports {
            if !name.is_empty() {
                out.push(rec(
                    format!("_{name}._{proto}.{domain}"),
                    RecordType::SRV,
                    format!("0 {weight} {port} {host}"),
                ));
            }
        }
    }
}

/// Answers one exact (fully qualified) query.
pub fn lookup(api: &ApiServer, name: &str, qtype: RecordType) -> Answer {
    let q = normalize(name);
    // `pods insecure`: any dashed IPv4 under <ns>.pod.cluster.local answers with that address.
    let pod_suffix = format!(".pod.{CLUSTER_DOMAIN}");
    if let Some(rest) = q.strip_suffix(&pod_suffix) {
        if let Some((dashed, _ns)) = rest.split_once('.') {
            let ip = dashed.replace('-', ".");
            let octets: Vec<&str> = ip.split('.').collect();
            if octets.len() == 4 && octets.iter().all(|o| o.parse::<u8>().is_ok()) {
                return Answer::Records(if qtype == RecordType::A {
                    vec![DnsRecord {
                        name: q.clone(),
                        type_: RecordType::A,
                        value: ip,
                    }]
                } else {
                    vec![]
                });
            }
        }
        return Answer::NxDomain;
    }
    let all = records(api);
    let named: Vec<DnsRecord> = all.into_iter().filter(|r| r.name == q).collect();
    if named.is_empty() {
        return Answer::NxDomain;
    }
    Answer::Records(named.into_iter().filter(|r| r.type_ == qtype).collect())
}

/// The search list of a ClusterFirst pod in `ns` (`/etc/resolv.conf`).
pub fn search_domains(ns: &str) -> Vec<String> {
    vec![
        format!("{ns}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ]
}

/// `/etc/resolv.conf` of a ClusterFirst pod (the text is [`crate::userland::resolv_conf`]'s:
/// one source of truth for the files the kubelet writes into containers).
pub fn resolv_conf(ns: &str) -> String {
    crate::userland::resolv_conf(DNS_SERVICE_IP, ns, CLUSTER_DOMAIN)
}

/// `/etc/hosts` of a pod (the kubelet's `managedHostsFileContent`, rendered by
/// [`crate::userland::hosts_file`]).
pub fn hosts_file(pod: &Pod, ip: &str) -> String {
    crate::userland::hosts_file(
        ip,
        &pod_hostname(pod),
        pod.spec.subdomain.as_deref(),
        pod.metadata.ns(),
        CLUSTER_DOMAIN,
    )
}

/// The pod's kernel hostname: `spec.hostname`, else the pod name.
pub fn pod_hostname(pod: &Pod) -> String {
    pod.spec
        .hostname
        .clone()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| pod.metadata.name.clone())
}

/// A name resolved through the search path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The fully qualified name that answered, and its records of the asked type.
    Found {
        fqdn: String,
        records: Vec<DnsRecord>,
    },
    NxDomain,
}

/// Resolves `name` as a ClusterFirst pod in `ns` does: with fewer than 5 dots (ndots:5) the
/// search domains are tried first, then the name as is; a trailing dot means "as is" only.
/// Names outside the cluster domain have no answer (the simulated cluster has no upstream).
pub fn resolve(api: &ApiServer, name: &str, ns: &str, qtype: RecordType) -> Resolution {
    let absolute = name.ends_with('.');
    let base = normalize(name);
    if base.is_empty() {
        return Resolution::NxDomain;
    }
    let mut candidates = Vec::new();
    if absolute {
        candidates.push(base.clone());
    } else {
        let search: Vec<String> = search_domains(ns)
            .iter()
            .map(|d| format!("{base}.{d}"))
            .collect();
        if base.matches('.').count() < 5 {
            candidates.extend(search);
            candidates.push(base.clone());
        } else {
            candidates.push(base.clone());
            candidates.extend(search);
        }
    }
    for c in candidates {
        if let Answer::Records(r) = lookup(api, &c, qtype) {
            if !r.is_empty() {
                return Resolution::Found {
                    fqdn: c,
                    records: r,
                };
            }
        }
    }
    Resolution::NxDomain
}

/// The PTR answer for an address, if the cluster DNS has one.
pub fn reverse(api: &ApiServer, ip: &str) -> Option<String> {
    match lookup(api, &reverse_name(ip), RecordType::PTR) {
        Answer::Records(r) => r.into_iter().next().map(|r| r.value),
        Answer::NxDomain => None,
    }
}
