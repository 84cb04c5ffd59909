//! `lifecircle serve`: the what-if planning server. It holds one edited scenario (an
//! [`Engine`], in practice `whatif::Session`), answers the JSON API of `api` and serves the
//! embedded page, on 127.0.0.1 unless told otherwise, until Ctrl-C.
//!
//! [`Engine`]: crate::serve::Engine

pub mod api;
pub mod assets;
pub mod basemap;
pub mod engine;
pub mod session;

pub use engine::{ApiError, BasemapSource, Engine, PlannedLines};

use std::future::IntoFuture;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::time::Duration;

use crate::error::{Error, Result};

/// How long open requests may run on after Ctrl-C before the server stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// A listening socket, bound before the plan runs so that a port in use is said at once.
pub struct Bound {
    listener: TcpListener,
    addr: SocketAddr,
}

/// Listens on `host:port` (`port` 0: a free port).
pub fn bind(host: &str, port: u16) -> Result<Bound> {
    let asked = format!("{host}:{port}");
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|cause| Error::Bind {
            addr: asked.clone(),
            cause,
        })?
        .next()
        .ok_or_else(|| Error::Bind {
            addr: asked.clone(),
            cause: std::io::Error::other("the host name has no address"),
        })?;
    let listener = TcpListener::bind(addr).map_err(|cause| match cause.kind() {
        std::io::ErrorKind::AddrInUse => Error::PortInUse {
            addr: asked.clone(),
        },
        _ => Error::Bind {
            addr: asked.clone(),
            cause,
        },
    })?;
    let addr = listener.local_addr().map_err(|cause| Error::Bind {
        addr: asked.clone(),
        cause,
    })?;
    Ok(Bound { listener, addr })
}

impl Bound {
    /// The address listened on (with the port picked for `--port 0`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address for a browser on this machine.
    pub fn url(&self) -> String {
        let host = if self.addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else if self.addr.is_ipv6() {
            format!("[{}]", self.addr.ip())
        } else {
            self.addr.ip().to_string()
        };
        format!("http://{host}:{}/", self.addr.port())
    }

    /// Serves `state` until Ctrl-C (or SIGTERM), then stops: open requests get
    /// [`SHUTDOWN_GRACE`] to finish.
    pub fn run(self, state: api::AppState) -> Result<()> {
        let Bound { listener, addr } = self;
        let bind_error = |cause| Error::Bind {
            addr: addr.to_string(),
            cause,
        };
        listener.set_nonblocking(true).map_err(bind_error)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_io()
            .enable_time()
            .build()
            .map_err(bind_error)?;
        let state = if addr.ip().is_loopback() {
            state.only_hosts(addr.port())
        } else {
            state
        };
        let app = api::router(state);
        let result = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
            let mut server_stop = stop_tx.subscribe();
            let server = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = server_stop.changed().await;
                })
                .into_future();
            let server = tokio::spawn(server);
            tokio::spawn(async move {
                stop_signal().await;
                let _ = stop_tx.send(true);
            });
            let _ = stop_rx.changed().await;
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, server).await;
            Ok::<(), std::io::Error>(())
        });
        runtime.shutdown_timeout(Duration::from_millis(200));
        result.map_err(bind_error)
    }
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
            let mut term = std::pin::pin!(term.recv());
            std::future::poll_fn(|cx| {
                use std::task::Poll;
                if ctrl_c.as_mut().poll(cx).is_ready() || term.as_mut().poll(cx).is_ready() {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
