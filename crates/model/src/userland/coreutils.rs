//! File and process tools: busybox applets and their GNU coreutils / Debian counterparts.
//! Error texts follow each implementation (busybox `libbb` messages vs GNU `error()` with
//! coreutils ≥ 8.25 shell-quoting of file names).

use super::path::{absolute, basename, ls_date, mode_string, parent};
use super::{
    flavor, hosts_lookup, lookup, ContainerEnv, DirEntry, Errno, FileKind, Flavor, FsError,
    ProgramOutput, Signal, Stat,
};

/// Bounds on recursive operations (`rm -r`, `chmod -R`, `mv` across mounts, `ls -R`).
const MAX_DEPTH: usize = 32;
const MAX_VISITED: usize = 10_000;

pub(super) fn flavor_of(env: &dyn ContainerEnv) -> Flavor {
    flavor(&env.image()).unwrap_or(Flavor::BusyboxModern)
}

/// Busybox's banner + usage, as `bb_show_usage()` prints it to stderr (exit 1).
pub(super) fn bb_usage(fl: Flavor, usage: &str) -> ProgramOutput {
    let banner = match fl {
        // busybox:1.28 on Docker Hub is 1.28.4; the build date is [unverified].
        Flavor::BusyboxOld => "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.",
        _ => "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.",
    };
    ProgramOutput::err(format!("{banner}\n\nUsage: {usage}\n"), 1)
}

/// GNU's two-line complaint for a usage error (exit 1, or 2 for ls).
fn gnu_try(prog: &str, first: &str, code: i32) -> ProgramOutput {
    ProgramOutput::err(
        format!("{prog}: {first}\nTry '{prog} --help' for more information.\n"),
        code,
    )
}

/// Split argv into (short option letters, operands), honouring `--`. Long options are returned
/// as letters where they have a short equivalent, else as `Err(option)`.
fn parse_flags(args: &[String], long: &[(&str, char)]) -> Result<(Vec<char>, Vec<String>), String> {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut only_operands = false;
    for a in args {
        if only_operands || a == "-" || !a.starts_with('-') {
            operands.push(a.clone());
        } else if a == "--" {
            only_operands = true;
        } else if let Some(name) = a.strip_prefix("--") {
            match long.iter().find(|(l, _)| *l == name) {
                Some((_, c)) => flags.push(*c),
                None => return Err(a.clone()),
            }
        } else {
            flags.extend(a.chars().skip(1));
        }
    }
    Ok((flags, operands))
}

fn invalid_option(fl: Flavor, prog: &str, c: char, usage: &str) -> ProgramOutput {
    if fl.is_busybox() {
        let mut out = bb_usage(fl, usage);
        out.stderr = format!("{prog}: invalid option -- '{c}'\n{}", out.stderr);
        out
    } else {
        gnu_try(
            prog,
            &format!("invalid option -- '{c}'"),
            if prog == "ls" { 2 } else { 1 },
        )
    }
}

fn unrecognized_option(fl: Flavor, prog: &str, opt: &str, usage: &str) -> ProgramOutput {
    if fl.is_busybox() {
        let mut out = bb_usage(fl, usage);
        out.stderr = format!("{prog}: unrecognized option '{opt}'\n{}", out.stderr);
        out
    } else {
        gnu_try(
            prog,
            &format!("unrecognized option '{opt}'"),
            if prog == "ls" { 2 } else { 1 },
        )
    }
}

fn args(argv: &[String]) -> &[String] {
    argv.get(1..).unwrap_or(&[])
}

// ------------------------------------------------------------------------------------------
// hostname
// ------------------------------------------------------------------------------------------

pub fn hostname(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let usage = "hostname [OPTIONS] [HOSTNAME | -F FILE]";
    let long = [
        ("fqdn", 'f'),
        ("long", 'f'),
        ("ip-address", 'i'),
        ("short", 's'),
        ("domain", 'd'),
    ];
    let (flags, operands) = match parse_flags(args(argv), &long) {
        Ok(x) => x,
        Err(opt) => return unrecognized_option(fl, "hostname", &opt, usage),
    };
    if let Some(c) = flags.iter().find(|c| !"fisdF".contains(**c)) {
        return invalid_option(fl, "hostname", *c, usage);
    }
    let name = env.hostname();
    if let Some(new) = operands.first() {
        let _ = new;
        // A container without CAP_SYS_ADMIN: sethostname(2) fails with EPERM.
        return if fl.is_busybox() {
            ProgramOutput::err("hostname: sethostname: Operation not permitted\n", 1)
        } else {
            ProgramOutput::err("hostname: you must be root to change the host name\n", 1)
        };
    }
    // -f/-d/-i resolve the hostname through /etc/hosts (the kubelet writes the pod's FQDN line).
    let entry = hosts_lookup(env, &name);
    if flags.contains(&'i') {
        return match entry {
            Some((ip, _)) => ProgramOutput::ok(format!("{ip} \n")),
            None if fl.is_busybox() => {
                ProgramOutput::err(format!("hostname: {name}: Unknown host\n"), 1)
            }
            None => ProgramOutput::err("hostname: Name or service not known\n", 1),
        };
    }
    let fqdn = entry
        .map(|(_, canonical)| canonical)
        .unwrap_or_else(|| name.clone());
    if flags.contains(&'f') {
        return ProgramOutput::ok(format!("{fqdn}\n"));
    }
    if flags.contains(&'d') {
        let domain = fqdn.split_once('.').map(|(_, d)| d).unwrap_or("");
        return ProgramOutput::ok(format!("{domain}\n"));
    }
    if flags.contains(&'s') {
        let short = name.split('.').next().unwrap_or(&name);
        return ProgramOutput::ok(format!("{short}\n"));
    }
    ProgramOutput::ok(format!("{name}\n"))
}

// ------------------------------------------------------------------------------------------
// cat
// ------------------------------------------------------------------------------------------

pub fn cat(argv: &[String], stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let (flags, mut operands) = match parse_flags(args(argv), &[]) {
        Ok(x) => x,
        Err(opt) => return unrecognized_option(fl, "cat", &opt, "cat [-nbvteA] [FILE]..."),
    };
    if let Some(c) = flags.iter().find(|c| !"nbuvteAsET".contains(**c)) {
        return invalid_option(fl, "cat", *c, "cat [-nbvteA] [FILE]...");
    }
    let number = flags.contains(&'n');
    if operands.is_empty() {
        operands.push("-".to_string());
    }
    let mut out = ProgramOutput::default();
    let cwd = env.cwd();
    for op in &operands {
        let text = if op == "-" {
            Ok(stdin.to_string())
        } else {
            let p = absolute(&cwd, op);
            match env.stat(&p) {
                Ok(st) if st.kind == FileKind::Dir => Err(Errno::IsADirectory),
                Ok(_) => env.read(&p),
                Err(e) => Err(e),
            }
        };
        match text {
            Ok(t) => out.stdout.push_str(&t),
            Err(e) => {
                out.exit_code = 1;
                out.stderr.push_str(&match (fl.is_busybox(), e) {
                    (true, Errno::IsADirectory) => "cat: read error: Is a directory\n".to_string(),
                    (true, e) => format!("cat: can't open '{op}': {e}\n"),
                    (false, e) => format!("cat: {op}: {e}\n"),
                });
            }
        }
    }
    if number {
        let mut numbered = String::new();
        for (i, line) in out.stdout.split_inclusive('\n').enumerate() {
            numbered.push_str(&format!("{:>6}\t{line}", i + 1));
        }
        out.stdout = numbered;
    }
    out
}

// ------------------------------------------------------------------------------------------
// ls
// ------------------------------------------------------------------------------------------

struct LsOpts {
    long: bool,
    all: bool,
    almost_all: bool,
    dir_itself: bool,
    one_per_line: bool,
    human: bool,
}

fn nlink(env: &dyn ContainerEnv, path: &str, stat: &Stat) -> u64 {
    if stat.kind == FileKind::File {
        return 1;
    }
    let subdirs = env
        .list(path)
        .map(|v| v.iter().filter(|e| e.stat.kind == FileKind::Dir).count() as u64)
        .unwrap_or(0);
    2 + subdirs
}

/// Disk usage in 1K blocks as `ls -s`/`total` count it (4 KiB filesystem blocks).
fn blocks_1k(stat: &Stat) -> u64 {
    if stat.kind == FileKind::Dir {
        4
    } else {
        stat.size.div_ceil(4096) * 4
    }
}

fn human_size(n: u64) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let units = ['K', 'M', 'G', 'T'];
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 {
        format!("{:.1}{}", (v * 10.0).ceil() / 10.0, units[u])
    } else {
        format!("{}{}", v.ceil() as u64, units[u])
    }
}

/// Lay names out in columns like `ls -C` on an 80-column terminal (vertical fill).
fn columns(names: &[String]) -> String {
    const WIDTH: usize = 80;
    if names.is_empty() {
        return String::new();
    }
    let n = names.len();
    let mut best_cols = 1;
    for cols in (1..=n.min(WIDTH / 3 + 1)).rev() {
        let rows = n.div_ceil(cols);
        let mut total = 0;
        for c in 0..cols {
            let w = (0..rows)
                .filter_map(|r| names.get(c * rows + r))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0);
            total += w + if c + 1 < cols { 2 } else { 0 };
        }
        if total <= WIDTH {
            best_cols = cols;
            break;
        }
    }
    let rows = n.div_ceil(best_cols);
    let widths: Vec<usize> = (0..best_cols)
        .map(|c| {
            (0..rows)
                .filter_map(|r| names.get(c * rows + r))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for (c, w) in widths.iter().enumerate() {
            if let Some(name) = names.get(c * rows + r) {
                line.push_str(name);
                if names.get((c + 1) * rows + r).is_some() {
                    line.push_str(&" ".repeat(w + 2 - name.chars().count()));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn long_lines(
    fl: Flavor,
    env: &dyn ContainerEnv,
    rows: &[(String, String, Stat)],
    human: bool,
) -> String {
    let now = env.now_ms();
    let links: Vec<u64> = rows.iter().map(|(_, p, st)| nlink(env, p, st)).collect();
    let sizes: Vec<String> = rows
        .iter()
        .map(|(_, _, st)| {
            if human {
                human_size(st.size)
            } else {
                st.size.to_string()
            }
        })
        .collect();
    let link_w = links.iter().map(|l| l.to_string().len()).max().unwrap_or(1);
    let size_w = sizes.iter().map(|s| s.len()).max().unwrap_or(1);
    let mut out = String::new();
    for (i, (name, _, st)) in rows.iter().enumerate() {
        let date = ls_date(st.mtime_ms, now);
        if fl.is_busybox() {
            // busybox ls.c display_single(): "%-10s %4u %-8.8s %-8.8s %9llu <date> <name>"
            out.push_str(&format!(
                "{:<10} {:>4} {:<8} {:<8} {:>9} {} {}\n",
                mode_string(st),
                links[i],
                "root",
                "root",
                sizes[i],
                date,
                name
            ));
        } else {
            out.push_str(&format!(
                "{} {:>lw$} root root {:>sw$} {} {}\n",
                mode_string(st),
                links[i],
                sizes[i],
                date,
                name,
                lw = link_w,
                sw = size_w
            ));
        }
    }
    out
}

pub fn ls(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let usage = "ls [-1AaCxdLHRFplinshrSXvctu] [-w WIDTH] [FILE]...";
    let long = [
        ("all", 'a'),
        ("almost-all", 'A'),
        ("directory", 'd'),
        ("human-readable", 'h'),
    ];
    let (flags, mut operands) = match parse_flags(args(argv), &long) {
        Ok(x) => x,
        Err(opt) => return unrecognized_option(fl, "ls", &opt, usage),
    };
    if let Some(c) = flags.iter().find(|c| !"laAd1hFtrSC".contains(**c)) {
        return invalid_option(fl, "ls", *c, usage);
    }
    let opts = LsOpts {
        long: flags.contains(&'l'),
        all: flags.contains(&'a'),
        almost_all: flags.contains(&'A'),
        dir_itself: flags.contains(&'d'),
        one_per_line: flags.contains(&'1') || !env.stdout_is_tty(),
        human: flags.contains(&'h'),
    };
    if operands.is_empty() {
        operands.push(".".to_string());
    }
    let cwd = env.cwd();
    let mut out = ProgramOutput::default();
    let mut files: Vec<(String, String, Stat)> = Vec::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    for op in &operands {
        let p = absolute(&cwd, op);
        match env.stat(&p) {
            Ok(st) if st.kind == FileKind::Dir && !opts.dir_itself => dirs.push((op.clone(), p)),
            Ok(st) => files.push((op.clone(), p, st)),
            Err(e) => {
                out.exit_code = if fl.is_busybox() { 1 } else { 2 };
                out.stderr.push_str(&if fl.is_busybox() {
                    format!("ls: {op}: {e}\n")
                } else {
                    format!("ls: cannot access '{op}': {e}\n")
                });
            }
        }
    }
    crate::sort::sort_by(&mut files, |a, b| a.0.cmp(&b.0));
    crate::sort::sort_by(&mut dirs, |a, b| a.0.cmp(&b.0));
    let render = |env: &dyn ContainerEnv, rows: &[(String, String, Stat)]| -> String {
        if opts.long {
            long_lines(fl, env, rows, opts.human)
        } else if opts.one_per_line {
            rows.iter().map(|(n, _, _)| format!("{n}\n")).collect()
        } else {
            columns(&rows.iter().map(|(n, _, _)| n.clone()).collect::<Vec<_>>())
        }
    };
    if !files.is_empty() {
        out.stdout.push_str(&render(env, &files));
    }
    let headers = dirs.len() + files.len() > 1 || out.exit_code != 0 && !dirs.is_empty();
    for (i, (op, p)) in dirs.iter().enumerate() {
        if headers {
            if i > 0 || !files.is_empty() {
                out.stdout.push('\n');
            }
            out.stdout.push_str(&format!("{op}:\n"));
        }
        let entries: Vec<DirEntry> = match env.list(p) {
            Ok(v) => v,
            Err(e) => {
                out.exit_code = if fl.is_busybox() { 1 } else { 2 };
                out.stderr.push_str(&if fl.is_busybox() {
                    format!("ls: can't open '{op}': {e}\n")
                } else {
                    format!("ls: cannot open directory '{op}': {e}\n")
                });
                continue;
            }
        };
        let mut rows: Vec<(String, String, Stat)> = Vec::new();
        if opts.all {
            if let Ok(st) = env.stat(p) {
                rows.push((".".into(), p.clone(), st));
            }
            let pp = parent(p);
            if let Ok(st) = env.stat(&pp) {
                rows.push(("..".into(), pp, st));
            }
        }
        for e in entries {
            if e.name.starts_with('.') && !opts.all && !opts.almost_all {
                continue;
            }
            let child = if p == "/" {
                format!("/{}", e.name)
            } else {
                format!("{p}/{}", e.name)
            };
            rows.push((e.name, child, e.stat));
        }
        // GNU sorts by locale collation (C.UTF-8/POSIX in these images: byte order); busybox
        // sorts with strcmp. Both put `.` and `..` first.
        crate::sort::sort_by(&mut rows, |a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        if opts.long {
            let total: u64 = rows.iter().map(|(_, _, st)| blocks_1k(st)).sum();
            out.stdout.push_str(&format!("total {total}\n"));
        }
        out.stdout.push_str(&render(env, &rows));
    }
    out
}

// ------------------------------------------------------------------------------------------
// mv
// ------------------------------------------------------------------------------------------

/// Copy `from` to `to` recursively (for `mv` across mounts), bounded.
fn copy_tree(
    env: &mut dyn ContainerEnv,
    from: &str,
    to: &str,
    depth: usize,
    visited: &mut usize,
) -> Result<(), FsError> {
    *visited += 1;
    if depth > MAX_DEPTH || *visited > MAX_VISITED {
        return Err(Errno::NoSpace);
    }
    let st = env.stat(from)?;
    match st.kind {
        FileKind::File => {
            let data = env.read(from)?;
            env.write(to, &data, false)?;
            env.chmod(to, st.mode)
        }
        FileKind::Dir => {
            match env.mkdir(to) {
                Ok(()) | Err(Errno::Exists) => {}
                Err(e) => return Err(e),
            }
            for e in env.list(from)? {
                copy_tree(
                    env,
                    &format!("{from}/{}", e.name),
                    &format!("{to}/{}", e.name),
                    depth + 1,
                    visited,
                )?;
            }
            env.chmod(to, st.mode)
        }
    }
}

fn remove_tree(
    env: &mut dyn ContainerEnv,
    p: &str,
    depth: usize,
    visited: &mut usize,
) -> Result<(), (String, FsError)> {
    *visited += 1;
    if depth > MAX_DEPTH || *visited > MAX_VISITED {
        return Err((p.to_string(), Errno::Busy));
    }
    let st = env.stat(p).map_err(|e| (p.to_string(), e))?;
    if st.kind == FileKind::Dir {
        let entries = env.list(p).map_err(|e| (p.to_string(), e))?;
        let mut first_err = None;
        for e in entries {
            let child = if p == "/" {
                format!("/{}", e.name)
            } else {
                format!("{p}/{}", e.name)
            };
            if let Err(err) = remove_tree(env, &child, depth + 1, visited) {
                first_err.get_or_insert(err);
            }
        }
        if let Some(err) = first_err {
            return Err(err);
        }
    }
    env.remove(p).map_err(|e| (p.to_string(), e))
}

pub fn mv(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let usage = "mv [-fin] SOURCE DEST\nor: mv [-fin] SOURCE... DIRECTORY";
    let (flags, operands) = match parse_flags(args(argv), &[("force", 'f')]) {
        Ok(x) => x,
        Err(opt) => return unrecognized_option(fl, "mv", &opt, usage),
    };
    if let Some(c) = flags.iter().find(|c| !"finvT".contains(**c)) {
        return invalid_option(fl, "mv", *c, usage);
    }
    let no_clobber = flags.contains(&'n');
    if operands.len() < 2 {
        if fl.is_busybox() {
            return bb_usage(fl, usage);
        }
        return match operands.first() {
            None => gnu_try("mv", "missing file operand", 1),
            Some(op) => gnu_try(
                "mv",
                &format!("missing destination file operand after '{op}'"),
                1,
            ),
        };
    }
    let cwd = env.cwd();
    let (sources, dest) = operands.split_at(operands.len() - 1);
    let dest = &dest[0];
    let dest_abs = absolute(&cwd, dest);
    let dest_is_dir = matches!(env.stat(&dest_abs), Ok(st) if st.kind == FileKind::Dir);
    if sources.len() > 1 && !dest_is_dir {
        return if fl.is_busybox() {
            ProgramOutput::err(format!("mv: '{dest}' is not a directory\n"), 1)
        } else {
            ProgramOutput::err(format!("mv: target '{dest}' is not a directory\n"), 1)
        };
    }
    let mut out = ProgramOutput::default();
    for src in sources {
        let src_abs = absolute(&cwd, src);
        let target = if dest_is_dir {
            absolute(&dest_abs, basename(&src_abs))
        } else {
            dest_abs.clone()
        };
        let src_stat = match env.stat(&src_abs) {
            Ok(st) => st,
            Err(e) => {
                out.exit_code = 1;
                out.stderr.push_str(&if fl.is_busybox() {
                    format!("mv: can't rename '{src}': {e}\n")
                } else {
                    format!("mv: cannot stat '{src}': {e}\n")
                });
                continue;
            }
        };
        if target == src_abs {
            out.exit_code = 1;
            if !fl.is_busybox() {
                out.stderr.push_str(&format!(
                    "mv: '{src}' and '{}' are the same file\n",
                    shown(dest, dest_is_dir, &src_abs)
                ));
            }
            continue;
        }
        if no_clobber && env.stat(&target).is_ok() {
            continue;
        }
        if src_stat.kind == FileKind::Dir
            && (target.starts_with(&format!("{src_abs}/")) || src_abs == "/")
        {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("mv: can't rename '{src}': {}\n", Errno::Invalid)
            } else {
                format!(
                    "mv: cannot move '{src}' to a subdirectory of itself, '{}'\n",
                    shown(dest, dest_is_dir, &src_abs)
                )
            });
            continue;
        }
        let result = match env.rename(&src_abs, &target) {
            Err(Errno::CrossDevice) => {
                let mut visited = 0;
                copy_tree(env, &src_abs, &target, 0, &mut visited).and_then(|()| {
                    let mut visited = 0;
                    remove_tree(env, &src_abs, 0, &mut visited).map_err(|(_, e)| e)
                })
            }
            r => r,
        };
        if let Err(e) = result {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("mv: can't rename '{src}': {e}\n")
            } else {
                format!(
                    "mv: cannot move '{src}' to '{}': {e}\n",
                    shown(dest, dest_is_dir, &src_abs)
                )
            });
        }
    }
    out
}

/// How GNU mv names the destination in messages: `dir/base` when moving into a directory.
fn shown(dest: &str, dest_is_dir: bool, src_abs: &str) -> String {
    if dest_is_dir {
        format!("{}/{}", dest.trim_end_matches('/'), basename(src_abs))
    } else {
        dest.to_string()
    }
}

// ------------------------------------------------------------------------------------------
// rm
// ------------------------------------------------------------------------------------------

pub fn rm(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let usage = "rm [-irf] FILE...";
    let long = [("recursive", 'r'), ("force", 'f'), ("dir", 'd')];
    let (flags, operands) = match parse_flags(args(argv), &long) {
        Ok(x) => x,
        Err(opt) => return unrecognized_option(fl, "rm", &opt, usage),
    };
    if let Some(c) = flags.iter().find(|c| !"rRfidv".contains(**c)) {
        return invalid_option(fl, "rm", *c, usage);
    }
    let recursive = flags.contains(&'r') || flags.contains(&'R');
    let force = flags.contains(&'f');
    let dir_ok = flags.contains(&'d');
    if operands.is_empty() {
        if force {
            return ProgramOutput::default();
        }
        return if fl.is_busybox() {
            bb_usage(fl, usage)
        } else {
            gnu_try("rm", "missing operand", 1)
        };
    }
    let cwd = env.cwd();
    let mut out = ProgramOutput::default();
    for op in &operands {
        let p = absolute(&cwd, op);
        let base = basename(op.trim_end_matches('/'));
        if base == "." || base == ".." {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                "rm: can't remove '.' or '..'\n".to_string()
            } else {
                format!("rm: refusing to remove '.' or '..' directory: skipping '{op}'\n")
            });
            continue;
        }
        if p == "/" && recursive && !fl.is_busybox() {
            out.exit_code = 1;
            out.stderr.push_str("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
            continue;
        }
        let st = match env.stat(&p) {
            Ok(st) => st,
            Err(e) => {
                if force && e == Errno::NotFound {
                    continue;
                }
                out.exit_code = 1;
                out.stderr.push_str(&if fl.is_busybox() {
                    format!("rm: can't remove '{op}': {e}\n")
                } else {
                    format!("rm: cannot remove '{op}': {e}\n")
                });
                continue;
            }
        };
        if st.kind == FileKind::Dir && !recursive && !dir_ok {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("rm: '{op}' is a directory\n")
            } else {
                format!("rm: cannot remove '{op}': Is a directory\n")
            });
            continue;
        }
        let mut visited = 0;
        let result = if recursive {
            remove_tree(env, &p, 0, &mut visited)
        } else {
            env.remove(&p).map_err(|e| (p.clone(), e))
        };
        if let Err((failed, e)) = result {
            out.exit_code = 1;
            // Name the failing path as the user spelled its prefix.
            let rel = failed
                .strip_prefix(&p)
                .map(|rest| format!("{}{rest}", op.trim_end_matches('/')))
                .unwrap_or(failed);
            out.stderr.push_str(&if fl.is_busybox() {
                format!("rm: can't remove '{rel}': {e}\n")
            } else {
                format!("rm: cannot remove '{rel}': {e}\n")
            });
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// mkdir
// ------------------------------------------------------------------------------------------

pub fn mkdir(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let usage = "mkdir [-m MODE] [-p] DIRECTORY...";
    let mut parents = false;
    let mut mode: Option<u32> = None;
    let mut operands = Vec::new();
    let list = args(argv);
    let mut i = 0;
    let mut only_operands = false;
    while i < list.len() {
        let a = &list[i];
        i += 1;
        if only_operands || !a.starts_with('-') || a == "-" {
            operands.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => only_operands = true,
            "--parents" => parents = true,
            _ if a.starts_with("--mode=") => match parse_mode(&a[7..], 0o755, true) {
                Some(m) => mode = Some(m),
                None => return invalid_mode(fl, "mkdir", &a[7..]),
            },
            _ if a.starts_with("--") => return unrecognized_option(fl, "mkdir", a, usage),
            _ => {
                let letters: Vec<char> = a.chars().skip(1).collect();
                let mut j = 0;
                while j < letters.len() {
                    match letters[j] {
                        'p' => parents = true,
                        'v' => {}
                        'm' => {
                            let rest: String = letters[j + 1..].iter().collect();
                            let val = if rest.is_empty() {
                                match list.get(i) {
                                    Some(v) => {
                                        i += 1;
                                        v.clone()
                                    }
                                    None => {
                                        return if fl.is_busybox() {
                                            bb_usage(fl, usage)
                                        } else {
                                            gnu_try(
                                                "mkdir",
                                                "option requires an argument -- 'm'",
                                                1,
                                            )
                                        }
                                    }
                                }
                            } else {
                                rest
                            };
                            match parse_mode(&val, 0o755, true) {
                                Some(m) => mode = Some(m),
                                None => return invalid_mode(fl, "mkdir", &val),
                            }
                            break;
                        }
                        c => return invalid_option(fl, "mkdir", c, usage),
                    }
                    j += 1;
                }
            }
        }
    }
    if operands.is_empty() {
        return if fl.is_busybox() {
            bb_usage(fl, usage)
        } else {
            gnu_try("mkdir", "missing operand", 1)
        };
    }
    let cwd = env.cwd();
    let mut out = ProgramOutput::default();
    for op in &operands {
        let p = absolute(&cwd, op);
        let result = if parents {
            mkdir_parents(env, &p)
        } else {
            env.mkdir(&p)
        };
        let result = result.and_then(|()| match mode {
            Some(m) => env.chmod(&p, m),
            None => Ok(()),
        });
        if let Err(e) = result {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("mkdir: can't create directory '{op}': {e}\n")
            } else {
                format!("mkdir: cannot create directory '{op}': {e}\n")
            });
        }
    }
    out
}

fn mkdir_parents(env: &mut dyn ContainerEnv, p: &str) -> Result<(), FsError> {
    let mut cur = String::new();
    for (n, part) in p.split('/').filter(|s| !s.is_empty()).enumerate() {
        if n > MAX_DEPTH * 4 {
            return Err(Errno::NoSpace);
        }
        cur.push('/');
        cur.push_str(part);
        match env.stat(&cur) {
            Ok(st) if st.kind == FileKind::Dir => continue,
            Ok(_) => return Err(Errno::NotADirectory),
            Err(Errno::NotFound) => env.mkdir(&cur)?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// chmod
// ------------------------------------------------------------------------------------------

/// Parse an octal or symbolic (`u+x,go-w`, `+x`, `a=r`) mode relative to `current`.
/// `is_dir` makes `X` act as `x`.
pub(super) fn parse_mode(spec: &str, current: u32, is_dir: bool) -> Option<u32> {
    if spec.is_empty() {
        return None;
    }
    if spec.chars().all(|c| c.is_ascii_digit()) {
        let m = u32::from_str_radix(spec, 8).ok()?;
        return if m <= 0o7777 { Some(m) } else { None };
    }
    let mut mode = current & 0o7777;
    for clause in spec.split(',') {
        let bytes: Vec<char> = clause.chars().collect();
        let mut i = 0;
        let mut who = 0u32;
        while i < bytes.len() && "ugoa".contains(bytes[i]) {
            who |= match bytes[i] {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                _ => 0o7777,
            };
            i += 1;
        }
        // No "who": like `a`, but filtered by the umask (022) for `+`/`=`.
        let umask_filter = if who == 0 { !0o022u32 } else { !0u32 };
        if who == 0 {
            who = 0o7777;
        }
        if i >= bytes.len() {
            return None;
        }
        while i < bytes.len() {
            let op = bytes[i];
            if !"+-=".contains(op) {
                return None;
            }
            i += 1;
            let mut perm = 0u32;
            while i < bytes.len() && "rwxXst".contains(bytes[i]) {
                perm |= match bytes[i] {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' => 0o111,
                    'X' => {
                        if is_dir || mode & 0o111 != 0 {
                            0o111
                        } else {
                            0
                        }
                    }
                    's' => 0o6000,
                    _ => 0o1000,
                };
                i += 1;
            }
            let bits = perm & who;
            match op {
                '+' => mode |= bits & umask_filter,
                '-' => mode &= !bits,
                _ => mode = (mode & !(who & 0o7777)) | (bits & umask_filter),
            }
        }
    }
    Some(mode)
}

fn invalid_mode(fl: Flavor, prog: &str, spec: &str) -> ProgramOutput {
    if fl.is_busybox() {
        ProgramOutput::err(format!("{prog}: invalid mode '{spec}'\n"), 1)
    } else {
        gnu_try(prog, &format!("invalid mode: '{spec}'"), 1)
    }
}

fn chmod_tree(
    env: &mut dyn ContainerEnv,
    p: &str,
    spec: &str,
    recursive: bool,
    depth: usize,
    visited: &mut usize,
) -> Result<(), (String, FsError)> {
    *visited += 1;
    if depth > MAX_DEPTH || *visited > MAX_VISITED {
        return Ok(());
    }
    let st = env.stat(p).map_err(|e| (p.to_string(), e))?;
    let mode = parse_mode(spec, st.mode, st.kind == FileKind::Dir).unwrap_or(st.mode);
    env.chmod(p, mode).map_err(|e| (p.to_string(), e))?;
    if recursive && st.kind == FileKind::Dir {
        for e in env.list(p).map_err(|e| (p.to_string(), e))? {
            let child = if p == "/" {
                format!("/{}", e.name)
            } else {
                format!("{p}/{}", e.name)
            };
            chmod_tree(env, &child, spec, true, depth + 1, visited)?;
        }
    }
    Ok(())
}

pub fn chmod(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let usage = "chmod [-Rcvf] MODE[,MODE]... FILE...";
    let mut recursive = false;
    let mut rest: Vec<String> = Vec::new();
    let mut only_operands = false;
    for a in args(argv) {
        if only_operands {
            rest.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => only_operands = true,
            "--recursive" => recursive = true,
            // `-x`, `-w`, `-r` and `-rwx` are modes, not options.
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "Rcvf".contains(c)) =>
            {
                recursive |= s.contains('R');
            }
            s if s.starts_with("--") => return unrecognized_option(fl, "chmod", s, usage),
            _ => rest.push(a.clone()),
        }
    }
    if rest.is_empty() {
        return if fl.is_busybox() {
            bb_usage(fl, usage)
        } else {
            gnu_try("chmod", "missing operand", 1)
        };
    }
    let spec = rest[0].clone();
    if parse_mode(&spec, 0o644, false).is_none() {
        return invalid_mode(fl, "chmod", &spec);
    }
    if rest.len() < 2 {
        return if fl.is_busybox() {
            bb_usage(fl, usage)
        } else {
            gnu_try("chmod", &format!("missing operand after '{spec}'"), 1)
        };
    }
    let cwd = env.cwd();
    let mut out = ProgramOutput::default();
    for op in &rest[1..] {
        let p = absolute(&cwd, op);
        let mut visited = 0;
        if let Err((failed, e)) = chmod_tree(env, &p, &spec, recursive, 0, &mut visited) {
            out.exit_code = 1;
            let shown = if failed == p { op.clone() } else { failed };
            out.stderr.push_str(&match (fl.is_busybox(), e) {
                (true, e) => format!("chmod: {shown}: {e}\n"),
                (false, Errno::NotFound) => format!("chmod: cannot access '{shown}': {e}\n"),
                (false, e) => format!("chmod: changing permissions of '{shown}': {e}\n"),
            });
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// env, printenv
// ------------------------------------------------------------------------------------------

/// A view of a container with extra environment variables (`env FOO=bar cmd`).
struct EnvOverlay<'a> {
    inner: &'a mut dyn ContainerEnv,
    vars: Vec<(String, String)>,
}

impl ContainerEnv for EnvOverlay<'_> {
    fn read(&self, path: &str) -> Result<String, FsError> {
        self.inner.read(path)
    }
    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), FsError> {
        self.inner.write(path, data, append)
    }
    fn stat(&self, path: &str) -> Result<Stat, FsError> {
        self.inner.stat(path)
    }
    fn list(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        self.inner.list(path)
    }
    fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        self.inner.mkdir(path)
    }
    fn remove(&mut self, path: &str) -> Result<(), FsError> {
        self.inner.remove(path)
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        self.inner.rename(from, to)
    }
    fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        self.inner.chmod(path, mode)
    }
    fn cwd(&self) -> String {
        self.inner.cwd()
    }
    fn hostname(&self) -> String {
        self.inner.hostname()
    }
    fn env(&self) -> Vec<(String, String)> {
        self.vars.clone()
    }
    fn image(&self) -> String {
        self.inner.image()
    }
    fn dns_query(&self, server: &str, name: &str, qtype: super::QType) -> Option<super::DnsReply> {
        self.inner.dns_query(server, name, qtype)
    }
    fn http(&mut self, ip: &str, port: u16, request: &super::HttpRequest) -> super::HttpOutcome {
        self.inner.http(ip, port, request)
    }
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
    fn processes(&self) -> Vec<super::ProcessInfo> {
        self.inner.processes()
    }
    fn signal(&mut self, pid: u32, sig: Signal) -> Result<(), FsError> {
        self.inner.signal(pid, sig)
    }
    fn stdout_is_tty(&self) -> bool {
        self.inner.stdout_is_tty()
    }
}

pub fn env(argv: &[String], stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let mut vars = env.env();
    let mut rest = args(argv).iter().peekable();
    while let Some(a) = rest.peek() {
        if *a == "-i" || *a == "-" || *a == "--ignore-environment" {
            vars.clear();
            rest.next();
        } else if *a == "-u" {
            rest.next();
            if let Some(name) = rest.next() {
                vars.retain(|(k, _)| k != name);
            }
        } else if let Some((k, v)) = a
            .split_once('=')
            .filter(|(k, _)| !k.is_empty() && !k.starts_with('-'))
        {
            let (k, v) = (k.to_string(), v.to_string());
            vars.retain(|(name, _)| *name != k);
            vars.push((k, v));
            rest.next();
        } else if a.starts_with('-') && a.len() > 1 {
            let c = a.chars().nth(1).unwrap_or('-');
            return invalid_option(
                fl,
                "env",
                c,
                "env [-i] [-u NAME]... [-] [NAME=VALUE]... [PROG ARGS]",
            );
        } else {
            break;
        }
    }
    let cmd: Vec<String> = rest.cloned().collect();
    if cmd.is_empty() {
        return ProgramOutput::ok(
            vars.iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect::<String>(),
        );
    }
    let image = env.image();
    match lookup(&image, &cmd[0]) {
        Some(program) => {
            let mut overlay = EnvOverlay { inner: env, vars };
            program(&cmd, stdin, &mut overlay)
        }
        None if fl.is_busybox() => ProgramOutput::err(
            format!(
                "env: can't execute '{}': No such file or directory\n",
                cmd[0]
            ),
            127,
        ),
        None => ProgramOutput::err(
            format!("env: '{}': No such file or directory\n", cmd[0]),
            127,
        ),
    }
}

pub fn printenv(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let vars = env.env();
    let names = args(argv);
    if names.is_empty() {
        return ProgramOutput::ok(
            vars.iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect::<String>(),
        );
    }
    let mut out = ProgramOutput::default();
    for n in names {
        match vars.iter().rev().find(|(k, _)| k == n) {
            Some((_, v)) => out.stdout.push_str(&format!("{v}\n")),
            None => out.exit_code = 1,
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// sleep, kill, ps, misc
// ------------------------------------------------------------------------------------------

/// One `sleep` operand in ms: `5`, `0.5`, `2m`, `1h`, `1d`, `inf`/`infinity`.
fn parse_duration_ms(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(u64::MAX);
    }
    let (num, mult) = match lower.chars().last()? {
        's' => (&lower[..lower.len() - 1], 1_000.0),
        'm' => (&lower[..lower.len() - 1], 60_000.0),
        'h' => (&lower[..lower.len() - 1], 3_600_000.0),
        'd' => (&lower[..lower.len() - 1], 86_400_000.0),
        _ => (lower.as_str(), 1_000.0),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let ms = v * mult;
    if !ms.is_finite() || ms < 0.0 {
        return None;
    }
    Some(if ms >= u64::MAX as f64 {
        u64::MAX
    } else {
        ms.ceil() as u64
    })
}

pub fn sleep(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let ops = args(argv);
    if ops.is_empty() {
        return if fl.is_busybox() {
            bb_usage(fl, "sleep [N]...")
        } else {
            gnu_try("sleep", "missing operand", 1)
        };
    }
    let mut total: u64 = 0;
    for op in ops {
        match parse_duration_ms(op) {
            Some(ms) => total = total.saturating_add(ms),
            None if fl.is_busybox() => {
                return ProgramOutput::err(format!("sleep: invalid number '{op}'\n"), 1);
            }
            None => return gnu_try("sleep", &format!("invalid time interval '{op}'"), 1),
        }
    }
    ProgramOutput {
        blocks_until_ms: Some(env.now_ms().saturating_add(total)),
        ..Default::default()
    }
}

pub fn kill(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let list = args(argv);
    let mut sig = Signal::Term;
    let mut i = 0;
    if list.first().map(String::as_str) == Some("-l") {
        return ProgramOutput::ok(
            " 1) HUP\n 2) INT\n 3) QUIT\n 9) KILL\n10) USR1\n12) USR2\n15) TERM\n".to_string(),
        );
    }
    if let Some(first) = list.first() {
        if first == "-s" {
            match list.get(1).and_then(|s| Signal::parse(s)) {
                Some(s) => sig = s,
                None => {
                    let name = list.get(1).cloned().unwrap_or_default();
                    return ProgramOutput::err(format!("kill: bad signal name '{name}'\n"), 1);
                }
            }
            i = 2;
        } else if let Some(name) = first.strip_prefix('-') {
            if name.parse::<i64>().map(|n| n >= 0).unwrap_or(true) {
                match Signal::parse(name) {
                    Some(s) => sig = s,
                    None if fl.is_busybox() => {
                        return ProgramOutput::err(format!("kill: bad signal name '{name}'\n"), 1)
                    }
                    None => {
                        return ProgramOutput::err(format!("kill: unknown signal: {name}\n"), 1)
                    }
                }
                i = 1;
            }
        }
    }
    let pids = &list[i.min(list.len())..];
    if pids.is_empty() {
        return if fl.is_busybox() {
            bb_usage(fl, "kill [-l] [-SIG] PID...")
        } else {
            ProgramOutput::err("kill: not enough arguments\n", 1)
        };
    }
    let mut out = ProgramOutput::default();
    for p in pids {
        let Ok(pid) = p.parse::<u32>() else {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("kill: invalid number '{p}'\n")
            } else {
                format!("kill: failed to parse argument: '{p}'\n")
            });
            continue;
        };
        if let Err(e) = env.signal(pid, sig) {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("kill: can't kill pid {pid}: {e}\n")
            } else {
                // procps-ng kill(1) [unverified: the nginx images ship no procps; dash's
                // builtin `kill` prints `sh: 1: kill: No such process`].
                format!("kill: ({pid}) - {e}\n")
            });
        }
    }
    out
}

pub fn ps(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let _ = argv;
    let mut procs = env.processes();
    crate::sort::sort_by_key(&mut procs, |p| p.pid);
    let next_pid = procs.last().map(|p| p.pid.saturating_add(1)).unwrap_or(1);
    // busybox ps.c (no -o): header "PID   USER     TIME  COMMAND", rows "%5u %-8.8s %5s %s".
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    let row = |pid: u32, user: &str, cpu_ms: u64, cmd: &str| {
        let secs = cpu_ms / 1000;
        let user: String = user.chars().take(8).collect();
        format!(
            "{pid:>5} {user:<8} {:>5} {cmd}\n",
            format!("{}:{:02}", secs / 60, secs % 60)
        )
    };
    for p in &procs {
        out.push_str(&row(p.pid, &p.user, p.cpu_ms, &p.command));
    }
    out.push_str(&row(next_pid, "root", 0, "ps"));
    ProgramOutput::ok(out)
}

pub fn true_(_argv: &[String], _stdin: &str, _env: &mut dyn ContainerEnv) -> ProgramOutput {
    ProgramOutput::default()
}

pub fn false_(_argv: &[String], _stdin: &str, _env: &mut dyn ContainerEnv) -> ProgramOutput {
    ProgramOutput {
        exit_code: 1,
        ..Default::default()
    }
}

pub fn pwd(_argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    ProgramOutput::ok(format!("{}\n", env.cwd()))
}

pub fn touch(argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let fl = flavor_of(env);
    let ops: Vec<&String> = args(argv).iter().filter(|a| !a.starts_with('-')).collect();
    if ops.is_empty() {
        return if fl.is_busybox() {
            bb_usage(fl, "touch [-c] FILE...")
        } else {
            gnu_try("touch", "missing file operand", 1)
        };
    }
    let cwd = env.cwd();
    let mut out = ProgramOutput::default();
    for op in ops {
        let p = absolute(&cwd, op);
        let result = match env.stat(&p) {
            Ok(st) if st.kind == FileKind::Dir => Ok(()),
            Ok(_) => env.write(&p, "", true),
            Err(Errno::NotFound) => env.write(&p, "", false),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            out.exit_code = 1;
            out.stderr.push_str(&if fl.is_busybox() {
                format!("touch: {op}: {e}\n")
            } else {
                format!("touch: cannot touch '{op}': {e}\n")
            });
        }
    }
    out
}

pub fn date(_argv: &[String], _stdin: &str, env: &mut dyn ContainerEnv) -> ProgramOutput {
    let (wd, day, mon, year, hms) = super::path::date_parts(env.now_ms());
    ProgramOutput::ok(format!("{wd} {mon} {day:>2} {hms} UTC {year}\n"))
}
