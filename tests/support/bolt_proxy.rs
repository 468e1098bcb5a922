//! A Bolt proxy the tests control, in front of one real ArcadeDB. It passes the version
//! handshake and the login through, then relays one message at a time, so that it can:
//! - log what the driver sends (RUN, BEGIN, ROUTE… with their extras: mode, imp_user,
//!   bookmarks), to count statements per cluster member and see them on the wire;
//! - answer ROUTE itself from a routing table the test changes (a cluster's routing front,
//!   for standalone servers that form no cluster);
//! - add a bookmark to the SUCCESS that answers COMMIT (ArcadeDB issues none);
//! - refuse impersonation as Neo4j does for a login without the IMPERSONATE privilege.
//!
//! One request is relayed, then the server's answers up to its summary (SUCCESS, FAILURE,
//! IGNORED), then the next request: a driver's pipelined requests wait in the socket.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex,
};

use tokio::{
    io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
    task::AbortHandle,
};

use crate::packstream::{decode, encode, Value};

const RESET: u8 = 0x0F;
const GOODBYE: u8 = 0x02;
const RUN: u8 = 0x10;
const BEGIN: u8 = 0x11;
const COMMIT: u8 = 0x12;
const ROUTE: u8 = 0x66;
const SUCCESS: u8 = 0x70;
const RECORD: u8 = 0x71;

/// The routing table a front answers ROUTE with; the test changes it ("elections").
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub writers: Vec<String>,
    pub readers: Vec<String>,
    pub routers: Vec<String>,
    pub ttl_seconds: i64,
    pub db: String,
}

/// A request the driver sent through the proxy.
#[derive(Debug, Clone)]
pub struct Seen {
    pub message: &'static str,
    /// RUN's Cypher text.
    pub query: Option<String>,
    /// RUN's and BEGIN's extra map, ROUTE's context/bookmarks/extra as a list.
    pub extra: Value,
}

impl Seen {
    pub fn imp_user(&self) -> Option<&str> {
        self.extra.get("imp_user").and_then(Value::as_str)
    }

    /// The access mode: "r" for reads; absent or "w" for writes.
    pub fn is_read(&self) -> bool {
        self.extra.get("mode").and_then(Value::as_str) == Some("r")
    }

    pub fn bookmarks(&self) -> Vec<String> {
        match self.extra.get("bookmarks") {
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Default)]
struct Shared {
    log: Mutex<Vec<Seen>>,
    /// The Bolt versions the server agreed to, one per connection ("5.4").
    versions: Mutex<Vec<String>>,
    table: Option<Arc<Mutex<Table>>>,
    commit_bookmark: Mutex<Option<String>>,
    refuse_impersonation: AtomicBool,
}

pub struct BoltProxy {
    port: u16,
    shared: Arc<Shared>,
    pipes: Arc<Mutex<Vec<AbortHandle>>>,
    accept: AbortHandle,
}

impl BoltProxy {
    /// A proxy to `target` (host:port); with `table`, it answers ROUTE from it.
    pub async fn start(target: String, table: Option<Arc<Mutex<Table>>>) -> BoltProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let shared = Arc::new(Shared {
            table,
            ..Shared::default()
        });
        let pipes: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (state, registry) = (shared.clone(), pipes.clone());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let _ = client.set_nodelay(true);
                let (state, target) = (state.clone(), target.clone());
                let pipe = tokio::spawn(async move {
                    let _ = serve(client, &target, &state).await;
                });
                registry.lock().expect("lock").push(pipe.abort_handle());
            }
        })
        .abort_handle();
        BoltProxy {
            port,
            shared,
            pipes,
            accept,
        }
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Everything the driver sent so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.log.lock().expect("lock").clone()
    }

    /// RUN messages whose Cypher contains `marker`.
    pub fn runs(&self, marker: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| {
                s.message == "RUN" && s.query.as_deref().is_some_and(|q| q.contains(marker))
            })
            .collect()
    }

    /// The Bolt versions negotiated on the connections so far, each once, sorted.
    pub fn versions(&self) -> Vec<String> {
        let mut versions = self.shared.versions.lock().expect("lock").clone();
        versions.sort();
        versions.dedup();
        versions
    }

    /// How many ROUTE requests this proxy answered.
    pub fn routes(&self) -> usize {
        self.seen().iter().filter(|s| s.message == "ROUTE").count()
    }

    /// Adds this bookmark to every SUCCESS that answers COMMIT (None: pass them as they are).
    pub fn set_commit_bookmark(&self, bookmark: Option<&str>) {
        *self.shared.commit_bookmark.lock().expect("lock") = bookmark.map(str::to_owned);
    }

    /// Answers any BEGIN or RUN that carries `imp_user` with Neo4j's refusal.
    pub fn refuse_impersonation(&self, refuse: bool) {
        self.shared
            .refuse_impersonation
            .store(refuse, Ordering::Relaxed);
    }

    /// Closes every connection relayed so far.
    pub fn cut(&self) {
        for pipe in self.pipes.lock().expect("lock").drain(..) {
            pipe.abort();
        }
    }
}

impl Drop for BoltProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

async fn serve(mut client: TcpStream, target: &str, shared: &Shared) -> std::io::Result<()> {
    let mut handshake = [0u8; 20];
    client.read_exact(&mut handshake).await?;
    let mut server = TcpStream::connect(target).await?;
    server.set_nodelay(true)?;
    server.write_all(&handshake).await?;
    let mut version = [0u8; 4];
    server.read_exact(&mut version).await?;
    client.write_all(&version).await?;
    shared
        .versions
        .lock()
        .expect("lock")
        .push(format!("{}.{}", version[3], version[2]));
    // After a FAILURE the proxy made up, the server never saw the request: the proxy
    // ignores what follows until RESET, as a server in the FAILED state does.
    let mut failed = false;
    loop {
        let Some(request) = read_message(&mut client).await? else {
            return Ok(());
        };
        let tag = request.get(1).copied().unwrap_or(0);
        if failed && tag != RESET && tag != GOODBYE {
            write_message(&mut client, &[0xB0, 0x7E]).await?;
            continue;
        }
        let value = decode(&mut request.as_slice()).unwrap_or(Value::Null);
        if let Some(seen) = describe(tag, &value) {
            shared.log.lock().expect("lock").push(seen);
        }
        if tag == ROUTE {
            if let Some(table) = &shared.table {
                let table = table.lock().expect("lock").clone();
                write_message(&mut client, &route_success(&table)).await?;
                continue;
            }
        }
        if (tag == RUN || tag == BEGIN) && shared.refuse_impersonation.load(Ordering::Relaxed) {
            let extra = match &value {
                Value::Struct(_, fields) => fields.last().cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            };
            if extra.get("imp_user").is_some() {
                write_message(&mut client, &refusal()).await?;
                failed = true;
                continue;
            }
        }
        if tag == RESET {
            failed = false;
        }
        write_message(&mut server, &request).await?;
        if tag == GOODBYE {
            return Ok(());
        }
        // The server's answers up to the summary.
        loop {
            let Some(mut answer) = read_message(&mut server).await? else {
                return Ok(());
            };
            let answer_tag = answer.get(1).copied().unwrap_or(0);
            if tag == COMMIT && answer_tag == SUCCESS {
                if let Some(bookmark) = shared.commit_bookmark.lock().expect("lock").clone() {
                    answer = with_bookmark(&answer, &bookmark);
                }
            }
            write_message(&mut client, &answer).await?;
            if answer_tag != RECORD {
                break;
            }
        }
    }
}

fn describe(tag: u8, value: &Value) -> Option<Seen> {
    let Value::Struct(_, fields) = value else {
        return None;
    };
    let (message, query, extra) = match tag {
        RUN => (
            "RUN",
            fields.first().and_then(Value::as_str).map(str::to_owned),
            fields.get(2).cloned().unwrap_or(Value::Null),
        ),
        BEGIN => (
            "BEGIN",
            None,
            fields.first().cloned().unwrap_or(Value::Null),
        ),
        ROUTE => ("ROUTE", None, Value::List(fields.clone())),
        COMMIT => ("COMMIT", None, Value::Null),
        _ => return None,
    };
    Some(Seen {
        message,
        query,
        extra,
    })
}

fn route_success(table: &Table) -> Vec<u8> {
    let role = |addresses: &[String], role: &str| {
        Value::map(vec![
            (
                "addresses",
                Value::List(addresses.iter().map(|a| Value::string(a)).collect()),
            ),
            ("role", Value::string(role)),
        ])
    };
    let mut servers = Vec::new();
    for (addresses, name) in [
        (&table.writers, "WRITE"),
        (&table.readers, "READ"),
        (&table.routers, "ROUTE"),
    ] {
        if !addresses.is_empty() {
            servers.push(role(addresses, name));
        }
    }
    let rt = Value::map(vec![
        ("ttl", Value::Int(table.ttl_seconds)),
        ("db", Value::string(&table.db)),
        ("servers", Value::List(servers)),
    ]);
    let mut out = Vec::new();
    encode(
        &Value::Struct(SUCCESS, vec![Value::map(vec![("rt", rt)])]),
        &mut out,
    );
    out
}

/// A refusal with Neo4j's code for an impersonation the login may not do. Its message names
/// neither the user nor the privilege, so the caller's message must get them from graphrpc.
fn refusal() -> Vec<u8> {
    let failure = Value::map(vec![
        ("code", Value::string("Neo.ClientError.Security.Forbidden")),
        ("message", Value::string("Permission denied.")),
    ]);
    let mut out = Vec::new();
    encode(&Value::Struct(0x7F, vec![failure]), &mut out);
    out
}

fn with_bookmark(success: &[u8], bookmark: &str) -> Vec<u8> {
    let Ok(Value::Struct(tag, mut fields)) = decode(&mut &success[..]) else {
        return success.to_vec();
    };
    if let Some(Value::Map(metadata)) = fields.first_mut() {
        metadata.retain(|(k, _)| k != "bookmark");
        metadata.push(("bookmark".to_owned(), Value::string(bookmark)));
    }
    let mut out = Vec::new();
    encode(&Value::Struct(tag, fields), &mut out);
    out
}

/// One Bolt message (its chunks joined); None when the peer closed the connection.
async fn read_message<R: AsyncRead + Unpin>(from: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut message = Vec::new();
    loop {
        let mut size = [0u8; 2];
        match from.read_exact(&mut size).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && message.is_empty() => {
                return Ok(None)
            }
            Err(e) => return Err(e),
        }
        let size = usize::from(u16::from_be_bytes(size));
        if size == 0 {
            if message.is_empty() {
                continue; // a NOOP (keep-alive) between messages
            }
            return Ok(Some(message));
        }
        let start = message.len();
        message.resize(start + size, 0);
        from.read_exact(&mut message[start..]).await?;
    }
}

async fn write_message<W: AsyncWrite + Unpin>(to: &mut W, message: &[u8]) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(message.len() + 8);
    for chunk in message.chunks(0xFFFF) {
        out.extend((chunk.len() as u16).to_be_bytes());
        out.extend(chunk);
    }
    out.extend([0, 0]);
    to.write_all(&out).await
}
