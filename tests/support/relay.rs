//! A TCP relay in front of the test database that the tests control: it passes traffic,
//! stalls it, cuts it, refuses connections, or plays a server that accepts and never
//! answers (whole or after the Bolt version handshake). graphrpc is pointed at it instead
//! of at the database.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{tcp::OwnedReadHalf, tcp::OwnedWriteHalf, TcpListener, TcpStream},
    sync::watch,
    task::AbortHandle,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bytes flow both ways.
    Pass,
    /// Connections are accepted and held; nothing is relayed on them, ever (a port that
    /// accepts TCP and never answers, as a restarting database's does).
    Silent,
    /// New connections get the Bolt version handshake answered, then silence (a login that
    /// never completes).
    LoginStall,
    /// Live connections stop moving bytes in both directions until the mode changes.
    Stall,
    /// New connections are closed at once (a database that is down).
    Down,
}

pub struct Relay {
    port: u16,
    mode: watch::Sender<Mode>,
    pipes: Arc<Mutex<Vec<AbortHandle>>>,
    accept: AbortHandle,
}

impl Relay {
    /// A relay to `target` (host:port), passing traffic.
    pub async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (mode, _) = watch::channel(Mode::Pass);
        let pipes: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (modes, registry) = (mode.clone(), pipes.clone());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let _ = client.set_nodelay(true);
                let at_accept = *modes.borrow();
                let mode = modes.subscribe();
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    match at_accept {
                        Mode::Down => drop(client),
                        Mode::Silent => {
                            // Held open, never read nor written, until aborted.
                            std::future::pending::<()>().await;
                            drop(client);
                        }
                        Mode::Pass | Mode::Stall | Mode::LoginStall => {
                            let Ok(server) = TcpStream::connect(&target).await else {
                                return;
                            };
                            let _ = server.set_nodelay(true);
                            let (client_read, client_write) = client.into_split();
                            let (server_read, server_write) = server.into_split();
                            // The handshake answer is 4 bytes: a login stall passes them only.
                            let answer_limit = (at_accept == Mode::LoginStall).then_some(4);
                            tokio::join!(
                                pump(client_read, server_write, mode.clone(), None),
                                pump(server_read, client_write, mode, answer_limit),
                            );
                        }
                    }
                });
                registry.lock().expect("lock").push(pipe.abort_handle());
            }
        })
        .abort_handle();
        Relay {
            port,
            mode,
            pipes,
            accept,
        }
    }

    /// A relay to the shared test database.
    pub async fn to_test_db() -> Relay {
        let uri = std::env::var("GRAPHRPC_TEST_NEO4J_URI")
            .expect("GRAPHRPC_TEST_NEO4J_URI is not set: run these tests with `make test`");
        let target = uri
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/').to_owned())
            .expect("a bolt:// test uri");
        Relay::start(target).await
    }

    pub fn uri(&self) -> String {
        format!("bolt://127.0.0.1:{}", self.port)
    }

    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// Closes every connection relayed so far, as a database restart does.
    pub fn cut(&self) {
        for pipe in self.pipes.lock().expect("lock").drain(..) {
            pipe.abort();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

/// Copies `from` to `to` while the mode lets bytes through; with `limit`, passes that many
/// bytes and then holds the connection silent.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mut mode: watch::Receiver<Mode>,
    limit: Option<usize>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    let mut passed = 0usize;
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        while *mode.borrow_and_update() == Mode::Stall {
            if mode.changed().await.is_err() {
                return;
            }
        }
        let allowed = limit.map_or(n, |limit| n.min(limit.saturating_sub(passed)));
        if allowed > 0 && to.write_all(&buffer[..allowed]).await.is_err() {
            return;
        }
        passed += allowed;
        if allowed < n {
            // Past the limit: silence, with both sockets kept open.
            std::future::pending::<()>().await;
        }
    }
}
