//! nginx as a server function: the static module + index module serving
//! `/usr/share/nginx/html` on port 80, with nginx's own error pages and log lines.

use super::files::version_tuple;
use super::path::{absolute, date_parts, http_date, month_number};
use super::{flavor, ContainerEnv, Errno, FileKind, Flavor, HttpRequest, HttpResponse};

const ROOT: &str = "/usr/share/nginx/html";
const INDEX_FILES: [&str; 2] = ["index.html", "index.htm"];

/// The nginx version an image runs (the `Server:` header and error pages).
/// [unverified: nginx-slim tags were built from kubernetes/contrib and later
/// kubernetes/kubernetes; the versions per tag are best knowledge, not read from the images.]
pub fn nginx_version(image: &str) -> String {
    let name_tag = image.rsplit('/').next().unwrap_or(image);
    let (name, tag) = name_tag.split_once(':').unwrap_or((name_tag, "latest"));
    if name == "nginx-slim" {
        let minor: u32 = tag
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .unwrap_or(8);
        return match minor {
            0..=8 => "1.11.1",
            9..=19 => "1.13.12",
            20..=21 => "1.21.3",
            _ => "1.23.1",
        }
        .to_string();
    }
    let tag = tag.split('-').next().unwrap_or(tag);
    match tag {
        "latest" | "mainline" | "alpine" => "1.29.1".to_string(),
        "stable" => "1.28.0".to_string(),
        "1.25" => "1.25.5".to_string(),
        "1.26" => "1.26.3".to_string(),
        "1.27" => "1.27.5".to_string(),
        "1.28" => "1.28.0".to_string(),
        "1.29" => "1.29.1".to_string(),
        t if t.split('.').count() == 3 && t.split('.').all(|p| p.parse::<u32>().is_ok()) => {
            t.to_string()
        }
        t if t.split('.').count() == 2 && t.split('.').all(|p| p.parse::<u32>().is_ok()) => {
            format!("{t}.0")
        }
        _ => "1.29.1".to_string(),
    }
}

/// One request as the nginx worker handles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeRequest {
    pub request: HttpRequest,
    /// Virtual time of the request.
    pub now_ms: u64,
    /// nginx's connection counter (`*N` in the error log), kept by the caller.
    pub connection: u64,
    /// The worker's pid (`N#0` in the error log).
    pub worker_pid: u32,
}

/// A log line nginx writes: access log to stdout, error log to stderr (both end up in
/// `kubectl logs`, the container runtime interleaving them by time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessLogLine {
    Stdout(String),
    Stderr(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeResult {
    pub response: HttpResponse,
    /// Log lines in the order nginx writes them (error log first, then the access log entry),
    /// each without the trailing newline.
    pub log: Vec<AccessLogLine>,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        _ => "Internal Server Error",
    }
}

/// nginx's built-in error page (`ngx_http_special_response.c`, CRLF line ends).
/// [unverified: the release that dropped `bgcolor="white"` — taken as 1.19.]
fn error_page(status: u16, version: &str) -> String {
    let title = format!("{status} {}", reason(status));
    let body_tag = if matches!(version_tuple(version), (1, m, _) if m < 19) {
        "<body bgcolor=\"white\">"
    } else {
        "<body>"
    };
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n{body_tag}\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx/{version}</center>\r\n</body>\r\n</html>\r\n"
    )
}

fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "css" => "text/css",
        "txt" => "text/plain",
        "xml" => "text/xml",
        "js" => "application/javascript",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" | "svgz" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// `%XX` decoding of the request path (nginx decodes before mapping to a file).
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The worker runs unprivileged: it needs `o+x` on every directory on the way and `o+r` on
/// the file (files here are owned by root).
fn worker_can_open(env: &dyn ContainerEnv, file: &str) -> Result<(), Errno> {
    let mut dir = String::new();
    let parts: Vec<&str> = file.split('/').filter(|s| !s.is_empty()).collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        dir.push('/');
        dir.push_str(part);
        let st = env.stat(&dir)?;
        if st.kind != FileKind::Dir {
            return Err(Errno::NotADirectory);
        }
        if st.mode & 0o001 == 0 {
            return Err(Errno::PermissionDenied);
        }
    }
    let st = env.stat(file)?;
    if st.mode & 0o004 == 0 {
        return Err(Errno::PermissionDenied);
    }
    Ok(())
}

/// Serve one request from the pod's filesystem (`env` is the server pod's container).
pub fn serve(env: &dyn ContainerEnv, req: &ServeRequest) -> ServeResult {
    let image = env.image();
    let version = nginx_version(&image);
    let official = flavor(&image).is_some_and(|f| f != Flavor::UbuntuSlim);
    let r = &req.request;
    let raw_path = r.path.split('?').next().unwrap_or("/");
    let mut errors: Vec<String> = Vec::new();
    let log_error = |errors: &mut Vec<String>, msg: String| {
        let (_, day, mon, year, hms) = date_parts(req.now_ms);
        errors.push(format!(
            "{year:04}/{:02}/{day:02} {hms} [error] {pid}#{pid}: *{conn} {msg}, client: {client}, server: localhost, request: \"{method} {path} HTTP/1.1\", host: \"{host}\"",
            month_number(&mon),
            pid = req.worker_pid,
            conn = req.connection,
            client = r.client_ip,
            method = r.method,
            path = r.path,
            host = r.host,
        ));
    };

    enum Outcome {
        File(String),
        Status(u16),
        Redirect(String),
    }
    let outcome = match percent_decode(raw_path) {
        _ if r.method != "GET" && r.method != "HEAD" => Outcome::Status(405),
        None => Outcome::Status(400),
        Some(p) if !p.starts_with('/') => Outcome::Status(400),
        Some(p) => {
            // A URI climbing above the root is a 400 in nginx (ngx_http_parse_complex_uri).
            let mut depth: i32 = 0;
            let mut escapes = false;
            for seg in p.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        depth -= 1;
                        escapes |= depth < 0;
                    }
                    _ => depth += 1,
                }
            }
            if escapes {
                Outcome::Status(400)
            } else {
                let fs_path = absolute(ROOT, p.trim_start_matches('/'));
                if p.ends_with('/') {
                    // ngx_http_index_module
                    let mut found = None;
                    let mut first_err = None;
                    for idx in INDEX_FILES {
                        let candidate = format!("{}/{idx}", fs_path.trim_end_matches('/'));
                        match env.stat(&candidate) {
                            Ok(st) if st.kind == FileKind::File => {
                                found = Some(candidate);
                                break;
                            }
                            Ok(_) => {}
                            Err(e) => {
                                first_err.get_or_insert((candidate, e));
                            }
                        }
                    }
                    match found {
                        Some(f) => Outcome::File(f),
                        None => match env.stat(&fs_path) {
                            Ok(st) if st.kind == FileKind::Dir => {
                                if st.mode & 0o001 == 0 {
                                    let idx =
                                        format!("{}/index.html", fs_path.trim_end_matches('/'));
                                    log_error(
                                        &mut errors,
                                        format!("\"{idx}\" is forbidden (13: Permission denied)"),
                                    );
                                } else {
                                    let shown = if fs_path.ends_with('/') {
                                        fs_path.clone()
                                    } else {
                                        format!("{fs_path}/")
                                    };
                                    log_error(
                                        &mut errors,
                                        format!("directory index of \"{shown}\" is forbidden"),
                                    );
                                }
                                Outcome::Status(403)
                            }
                            _ => {
                                let (cand, e) = first_err
                                    .unwrap_or((format!("{fs_path}/index.html"), Errno::NotFound));
                                log_error(
                                    &mut errors,
                                    format!("\"{cand}\" is not found ({}: {})", e.code(), e.text()),
                                );
                                Outcome::Status(404)
                            }
                        },
                    }
                } else {
                    match env.stat(&fs_path) {
                        Ok(st) if st.kind == FileKind::Dir => {
                            let port = "";
                            Outcome::Redirect(format!("http://{}{port}{p}/", r.host))
                        }
                        Ok(_) => Outcome::File(fs_path),
                        Err(e) => {
                            log_error(
                                &mut errors,
                                format!("open() \"{fs_path}\" failed ({}: {})", e.code(), e.text()),
                            );
                            Outcome::Status(404)
                        }
                    }
                }
            }
        }
    };
    let outcome = match outcome {
        Outcome::File(f) => match worker_can_open(env, &f).and_then(|()| env.read(&f)) {
            Ok(_) => Outcome::File(f),
            Err(e) => {
                log_error(
                    &mut errors,
                    format!("open() \"{f}\" failed ({}: {})", e.code(), e.text()),
                );
                Outcome::Status(if e == Errno::NotFound { 404 } else { 403 })
            }
        },
        o => o,
    };

    let date = http_date(req.now_ms);
    let server = format!("nginx/{version}");
    let response = match outcome {
        Outcome::File(f) => {
            let body = env.read(&f).unwrap_or_default();
            let st = env.stat(&f).ok();
            let mtime = st.as_ref().map(|s| s.mtime_ms).unwrap_or(0);
            let etag = format!("\"{:x}-{:x}\"", mtime / 1000, body.len());
            HttpResponse {
                status: 200,
                reason: "OK".to_string(),
                headers: vec![
                    ("Server".into(), server),
                    ("Date".into(), date),
                    ("Content-Type".into(), content_type(&f).into()),
                    ("Content-Length".into(), body.len().to_string()),
                    ("Last-Modified".into(), http_date(mtime)),
                    ("Connection".into(), "keep-alive".into()),
                    ("ETag".into(), etag),
                    ("Accept-Ranges".into(), "bytes".into()),
                ],
                body,
            }
        }
        Outcome::Status(status) => {
            let body = error_page(status, &version);
            HttpResponse {
                status,
                reason: reason(status).to_string(),
                headers: vec![
                    ("Server".into(), server),
                    ("Date".into(), date),
                    ("Content-Type".into(), "text/html".into()),
                    ("Content-Length".into(), body.len().to_string()),
                    (
                        "Connection".into(),
                        if status == 400 {
                            "close".into()
                        } else {
                            "keep-alive".into()
                        },
                    ),
                ],
                body,
            }
        }
        Outcome::Redirect(location) => {
            let body = error_page(301, &version);
            HttpResponse {
                status: 301,
                reason: reason(301).to_string(),
                headers: vec![
                    ("Server".into(), server),
                    ("Date".into(), date),
                    ("Content-Type".into(), "text/html".into()),
                    ("Content-Length".into(), body.len().to_string()),
                    ("Location".into(), location),
                    ("Connection".into(), "keep-alive".into()),
                ],
                body,
            }
        }
    };
    let mut response = response;
    let sent = if r.method == "HEAD" {
        0
    } else {
        response.body.len()
    };
    if r.method == "HEAD" {
        response.body.clear();
    }
    // log_format combined (nginx-slim) / main (official: + "$http_x_forwarded_for").
    let (_, day, mon, year, hms) = date_parts(req.now_ms);
    let mut access = format!(
        "{} - - [{day:02}/{mon}/{year}:{hms} +0000] \"{} {} HTTP/1.1\" {} {sent} \"-\" \"{}\"",
        r.client_ip, r.method, r.path, response.status, r.user_agent
    );
    if official {
        access.push_str(" \"-\"");
    }
    let mut log: Vec<AccessLogLine> = errors.into_iter().map(AccessLogLine::Stderr).collect();
    log.push(AccessLogLine::Stdout(access));
    ServeResult { response, log }
}
