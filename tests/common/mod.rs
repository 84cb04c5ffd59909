//! Helpers shared by the tests: the real binary run to its end and its files read back
//! ([`run`]); for the `serve` tests, the binary started on a free port, and a small HTTP/1.1
//! client over `TcpStream` (every call has a timeout, so a hung server fails the test).
#![allow(dead_code)] // each test binary uses its own part

pub mod run;
#[cfg(unix)]
pub mod webdriver;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Limit on each HTTP call (connect, write, each read).
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// Limit on the plan of the demo region before the server prints its address.
pub const START_TIMEOUT: Duration = Duration::from_secs(120);

/// `lifecircle serve` running on a free port; killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    /// What the server printed on stdout up to its address.
    pub banner: String,
    /// The lines it prints after that.
    pub lines: std::sync::mpsc::Receiver<String>,
}

impl Server {
    /// Starts `lifecircle serve --port 0 --out OUT ARGS…` and waits for its address.
    pub fn start(out: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lifecircle"))
            .args(["serve", "--port", "0", "--out"])
            .arg(out)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start lifecircle serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let (lines_tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut banner = String::new();
            let mut started = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if started {
                    let _ = lines_tx.send(line);
                    continue;
                }
                banner.push_str(&line);
                banner.push('\n');
                if let Some(port) = port_in(&line) {
                    started = true;
                    let _ = tx.send((port, banner.clone()));
                }
            }
        });
        let (port, banner) = rx
            .recv_timeout(START_TIMEOUT)
            .expect("lifecircle serve printed no http:// address in time");
        Server {
            child,
            port,
            banner,
            lines,
        }
    }

    /// One request; the status and the body as JSON (`Value::Null` when it is not JSON).
    pub fn call(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let (status, _, bytes) = request(self.port, method, path, body, &[]);
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// `GET /api/summary`, which must answer 200.
    pub fn summary(&self) -> Value {
        let (status, body) = self.call("GET", "/api/summary", None);
        assert_eq!(status, 200, "GET /api/summary: {body}");
        body
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of `http://127.0.0.1:PORT/` in a line.
fn port_in(line: &str) -> Option<u16> {
    let rest = &line[line.find("http://")? + "http://".len()..];
    let host_port = rest.split('/').next()?;
    host_port.rsplit_once(':')?.1.parse().ok()
}

/// One HTTP/1.1 request on a new connection: status, headers (lower-case names), body.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    extra_headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    stream.set_read_timeout(Some(HTTP_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(HTTP_TIMEOUT)).unwrap();
    let body = body.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    let has = |name: &str| {
        extra_headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if !has("host") {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    if !body.is_empty() && !has("content-type") {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("an HTTP status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    (status, headers, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// Waits until `child` exits or `limit` passes.
pub fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
