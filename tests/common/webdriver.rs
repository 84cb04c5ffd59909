//! A WebDriver client for Debian's chromium through chromedriver (the one
//! `tests/browser.rs` and `tests/serve_browser.rs` use): every HTTP call has a timeout, and the
//! driver's process group is killed when the `Browser` is dropped.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Limit on each HTTP call to chromedriver (connect, write, and each read).
const HTTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Limit on chromedriver answering `/status` after it starts.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(10);

/// True (after printing why) when there is no browser to test with; panics under `CI`.
pub fn browser_missing() -> bool {
    let Some(missing) = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .find(|p| !Path::new(p).exists())
    else {
        return false;
    };
    if std::env::var_os("CI").is_some() {
        panic!("{missing} is missing under CI: .ci/run should have installed it");
    }
    println!("skipping: {missing} is missing (apt-get install chromium chromium-driver)");
    true
}

/// A chromedriver process and its one session; `Drop` ends both, even after a failure.
/// Chromedriver leads its own process group, which holds the chromium it starts: chromium
/// outlives a killed chromedriver, so the whole group is killed.
pub struct Browser {
    driver: Child,
    port: u16,
    session: Option<String>,
    /// Chromium's fresh profile, removed after the browser is gone (fields drop after `drop`).
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless chromium session.
    pub fn start() -> Browser {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let profile = tempfile::tempdir().unwrap();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{CHROMEDRIVER}: {e}"));
        let mut browser = Browser {
            driver,
            port,
            session: None,
            _profile: profile,
        };
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        loop {
            match http(port, "GET", "/status", None) {
                Ok(status) if status["ready"] == true => break,
                answer => {
                    if let Some(exit) = browser.driver.try_wait().unwrap() {
                        panic!("chromedriver exited at start: {exit}");
                    }
                    assert!(
                        Instant::now() < deadline,
                        "chromedriver not ready after {DRIVER_START_TIMEOUT:?}: {answer:?}"
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
        let profile_dir = browser._profile.path().display().to_string();
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--window-size=1280,2000",
                    format!("--user-data-dir={profile_dir}"),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
            "timeouts": { "pageLoad": 20_000, "script": 10_000 },
        }}});
        let session = http(port, "POST", "/session", Some(&capabilities))
            .unwrap_or_else(|e| panic!("no chromium session: {e}"));
        let id = session["sessionId"].as_str().expect("a session id");
        browser.session = Some(id.to_string());
        browser
    }

    /// One WebDriver command in this session: `path` is relative to `/session/{id}`; a null
    /// `body` sends none.
    pub fn call(&mut self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let id = self.session.as_deref().expect("a session");
        let body = (!body.is_null()).then_some(body);
        http(
            self.port,
            method,
            &format!("/session/{id}{path}"),
            body.as_ref(),
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(id) = self.session.take()
            && let Err(e) = http(self.port, "DELETE", &format!("/session/{id}"), None)
        {
            eprintln!("closing the chromium session: {e}");
        }
        let group = libc::pid_t::try_from(self.driver.id()).expect("a pid fits in pid_t");
        // SAFETY: kill(2) with a negative pid signals our own process group; no memory is involved.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.driver.wait();
    }
}

/// One blocking HTTP/1.1 request to chromedriver on 127.0.0.1:`port`, with `HTTP_TIMEOUT` on
/// connecting, writing and each read. Returns the WebDriver answer's `value`, or its error.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let what = format!("{method} {path}");
    let fail = |e: &dyn std::fmt::Display| format!("{what}: {e}");
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, HTTP_TIMEOUT).map_err(|e| fail(&e))?;
    stream
        .set_read_timeout(Some(HTTP_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(HTTP_TIMEOUT)))
        .map_err(|e| fail(&e))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| fail(&e))?;
    let (head, payload) = read_response(&mut stream).map_err(|e| fail(&e))?;
    let status = head.split(' ').nth(1).unwrap_or_default().to_string();
    let mut answer: Value = serde_json::from_slice(&payload).map_err(|e| {
        fail(&format!(
            "HTTP {status}, {e}: {}",
            String::from_utf8_lossy(&payload)
        ))
    })?;
    if status != "200" {
        let value = &answer["value"];
        return Err(fail(&format!(
            "HTTP {status}: {} {}",
            value["error"], value["message"]
        )));
    }
    Ok(answer["value"].take())
}

/// Reads one response: the lower-cased head, and a body of `Content-Length` bytes (chromedriver
/// keeps the connection open, so reading to the end would wait for the timeout), or up to the
/// end when there is no length.
fn read_response(stream: &mut TcpStream) -> Result<(String, Vec<u8>), String> {
    let mut raw = Vec::new();
    let mut buf = [0; 64 * 1024];
    let mut head: Option<(String, usize, Option<usize>)> = None;
    loop {
        if let Some((_, start, Some(length))) = &head
            && raw.len() >= start + length
        {
            break;
        }
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if head.is_none()
            && let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n")
        {
            let text = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let length = text.lines().find_map(|line| {
                let value = line.strip_prefix("content-length:")?;
                value.trim().parse::<usize>().ok()
            });
            head = Some((text, split + 4, length));
        }
    }
    let (text, start, length) = head.ok_or("no end of headers")?;
    let end = length.map_or(raw.len(), |l| start + l);
    let body = raw
        .get(start..end)
        .ok_or("body shorter than its Content-Length")?;
    Ok((text, body.to_vec()))
}
