//! `describe` (the kprint branch's describers), `events`, `api-resources`,
//! `version`, `cluster-info`, and kubectl's root help.

use super::args::{b, v, FlagSpec, GLOBAL};
use super::resource::parse_targets;
use super::{done_with, namespace, parse_or_fail};
use crate::printers::TabWriter;
use crate::session::{World, WorldRef};
use crate::shell::{CommandCtx, Task, TaskIo};
use ordinal_model::objects::Event;
use ordinal_model::{Kind, Object};

pub const ROOT_HELP: &str = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\nBasic Commands (Beginner):\n  create          Create a resource from a file or from stdin\n  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service\n  run             Run a particular image on the cluster\n  set             Set specific features on objects\n\nBasic Commands (Intermediate):\n  explain         Get documentation for a resource\n  get             Display one or many resources\n  edit            Edit a resource on the server\n  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector\n\nDeploy Commands:\n  rollout         Manage the rollout of a resource\n  scale           Set a new size for a deployment, replica set, or replication controller\n  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller\n\nTroubleshooting and Debugging Commands:\n  describe        Show details of a specific resource or group of resources\n  logs            Print the logs for a container in a pod\n  attach          Attach to a running container\n  exec            Execute a command in a container\n  port-forward    Forward one or more local ports to a pod\n  proxy           Run a proxy to the Kubernetes API server\n  cp              Copy files and directories to and from containers\n  auth            Inspect authorization\n  debug           Create debugging sessions for troubleshooting workloads and nodes\n  events          List events\n\nAdvanced Commands:\n  diff            Diff the live version against a would-be applied version\n  apply           Apply a configuration to a resource by file name or stdin\n  patch           Update fields of a resource\n  replace         Replace a resource by file name or stdin\n  wait            Experimental: Wait for a specific condition on one or many resources\n  kustomize       Build a kustomization target from a directory or URL\n\nSettings Commands:\n  label           Update the labels on a resource\n  annotate        Update the annotations on a resource\n  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)\n\nSubcommands provided by plugins:\n\nOther Commands:\n  api-resources   Print the supported API resources on the server\n  api-versions    Print the supported API versions on the server, in the form of \"group/version\"\n  certificate     Modify certificate resources\n  cluster-info    Display cluster information\n  config          Modify kubeconfig files\n  plugin          Provides utilities for interacting with plugins\n  version         Print the client and server version information\n\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

const DESCRIBE_FLAGS: &[FlagSpec] = &[
    v("selector", Some('l')),
    b("all-namespaces", Some('A')),
    b("show-events", None),
    v("filename", Some('f')),
    v("chunk-size", None),
];

/// `kubectl describe` through the kprint branch's describers (with Events).
pub fn spawn_describe(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let p = match parse_or_fail("describe", argv, &[DESCRIBE_FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    if p.args.is_empty() {
        return done_with(
            "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help and examples\n".into(),
            1,
        );
    }
    let targets = match parse_targets(&p.args) {
        Ok(t) => t,
        Err(e) => return done_with(format!("error: {e}\n"), 1),
    };
    let ns = namespace(&p);
    let sel = p
        .get("selector")
        .and_then(|s| ordinal_model::api::Selector::parse(s).ok());
    super::immediate(world, ctx, move |w, io, _| {
        let mut objs = Vec::new();
        let mut status = 0;
        if targets.has_names() {
            for (k, n) in targets.named() {
                match w
                    .cluster()
                    .get_object(k, if k.namespaced() { &ns } else { "" }, &n)
                {
                    Some(o) => objs.push(o.clone()),
                    None => {
                        io.eprint(format!(
                            "Error from server (NotFound): {} \"{n}\" not found\n",
                            k.qualified_resource()
                        ));
                        status = 1;
                    }
                }
            }
        } else {
            for k in targets.kinds() {
                for o in w
                    .cluster()
                    .api
                    .list_objects(k, k.namespaced().then_some(ns.as_str()))
                {
                    if sel.as_ref().is_none_or(|s| s.matches(&o.meta().labels)) {
                        objs.push(o.clone());
                    }
                }
            }
            if objs.is_empty() {
                io.eprint(format!("No resources found in {ns} namespace.\n"));
            }
        }
        let mut first = true;
        for o in objs {
            if !first {
                io.print("\n\n");
            }
            first = false;
            io.print(crate::printers::describe::describe(
                &w.cluster().api,
                &o,
                w.now(),
            ));
        }
        status
    })
}

pub fn spawn_events(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    const FLAGS: &[FlagSpec] = &[
        b("all-namespaces", Some('A')),
        v("for", None),
        v("types", None),
        b("watch", Some('w')),
        v("output", Some('o')),
        b("no-headers", None),
    ];
    let p = match parse_or_fail("events", argv, &[FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let ns = namespace(&p);
    let all = p.bool("all-namespaces");
    super::immediate(world, ctx, move |w, io, _| {
        let now = w.now();
        let evs: Vec<&Event> = w
            .cluster()
            .api
            .list::<Event>((!all).then_some(ns.as_str()))
            .collect();
        if evs.is_empty() {
            io.eprint(format!("No events found in {ns} namespace.\n"));
            return 0;
        }
        let mut tw = TabWriter::kubectl();
        let mut h = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
        if all {
            h.insert(0, "NAMESPACE");
        }
        tw.write_row(&h);
        let mut evs = evs;
        ordinal_model::sort::sort_by_key(&mut evs, |e| e.last_timestamp.or(e.first_timestamp));
        for e in evs {
            let mut r = crate::printers::table::row(&Object::Event(e.clone()), now, false);
            if all {
                r.insert(0, e.metadata.ns().to_string());
            }
            tw.write_row(&r);
        }
        io.print(tw.finish());
        0
    })
}

pub fn spawn_api_resources(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    const FLAGS: &[FlagSpec] = &[
        v("output", Some('o')),
        b("namespaced", None),
        v("api-group", None),
        b("no-headers", None),
        v("verbs", None),
        b("cached", None),
        v("sort-by", None),
        v("categories", None),
    ];
    let p = match parse_or_fail("api-resources", argv, &[FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let name_only = p.get("output") == Some("name");
    super::immediate(world, ctx, move |_, io, _| {
        let mut kinds: Vec<Kind> = Kind::ALL.to_vec();
        // kubectl sorts by group (core first) then resource name.
        ordinal_model::sort::sort_by_key(&mut kinds, |k| {
            (k.group().to_string(), k.resource().to_string())
        });
        if name_only {
            for k in kinds {
                io.print(format!("{}\n", k.qualified_resource()));
            }
            return 0;
        }
        let mut tw = TabWriter::kubectl();
        tw.write_row(&["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
        for k in kinds {
            tw.write_row(&[
                k.resource().to_string(),
                k.short_names().join(","),
                k.api_version().to_string(),
                k.namespaced().to_string(),
                k.name().to_string(),
            ]);
        }
        io.print(tw.finish());
        0
    })
}

pub fn spawn_version(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    const FLAGS: &[FlagSpec] = &[v("output", Some('o')), b("client", None)];
    let p = match parse_or_fail("version", argv, &[FLAGS, GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    let client_only = p.bool("client");
    super::immediate(world, ctx, move |_: &mut World, io: &mut TaskIo, _| {
        io.print("Client Version: v1.34.0\nKustomize Version: v5.7.1\n");
        if !client_only {
            io.print("Server Version: v1.34.0\n");
        }
        0
    })
}

pub fn spawn_cluster_info(world: &WorldRef, argv: &[String], ctx: &CommandCtx) -> Box<dyn Task> {
    let _ = match parse_or_fail("cluster-info", argv, &[GLOBAL]) {
        Ok(p) => p,
        Err(t) => return t,
    };
    super::immediate(world, ctx, |_, io, _| {
        io.print("\u{1b}[0;32mKubernetes control plane\u{1b}[0m is running at \u{1b}[0;33mhttps://127.0.0.1:6443\u{1b}[0m\n\u{1b}[0;32mCoreDNS\u{1b}[0m is running at \u{1b}[0;33mhttps://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\u{1b}[0m\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
        0
    })
}
