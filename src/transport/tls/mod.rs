//! TLS on the gRPC listener (rustls with the ring provider): the certificate and key are
//! re-read when they change, client certificates are verified when a client CA is set
//! (mutual TLS), and [`client_subject`] tells the auth layer who the verified client is.
//!
//! Handshakes run in their own tasks, each bounded by [`HANDSHAKE_TIMEOUT`], so a slow or
//! hostile client never holds up the accept loop; tonic receives finished
//! `TlsStream<TcpStream>`s and puts `TlsConnectInfo<TcpConnectInfo>` (with the peer's
//! certificates) into every request's extensions.

use std::{
    path::PathBuf,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use arc_swap::ArcSwap;
use rustls::{
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier},
    sign::CertifiedKey,
    ServerConfig,
};
use tokio::{net::TcpStream, sync::mpsc, task::AbortHandle};
use tokio_rustls::{server::TlsStream, TlsAcceptor};
use tokio_stream::{Stream, StreamExt as _};
use tonic::transport::server::TcpIncoming;

pub use crate::pem::{install_crypto_provider, load_roots, TlsFileError};
use crate::{
    configuration::{ClientAuth, ListenerTls},
    reload::Hangup,
};
use subject::subject_string;
pub use subject::{certificate_subject, client_subject};

mod subject;

/// A client that has not finished its handshake by then is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshaken connections waiting for tonic to take them (it takes them at once).
const ACCEPTED_QUEUE: usize = 64;

pub const CERT_FILE_SETTING: &str = "GRAPHRPC_TLS_CERT_FILE";
pub const KEY_FILE_SETTING: &str = "GRAPHRPC_TLS_KEY_FILE";
pub const CLIENT_CA_FILE_SETTING: &str = "GRAPHRPC_TLS_CLIENT_CA_FILE";

/// The listener's certificate chain and key, as read from their two files.
#[derive(Clone, PartialEq, Eq)]
struct PemPair {
    cert: Vec<u8>,
    key: Vec<u8>,
}

impl PemPair {
    async fn read(files: &ListenerTls) -> Result<PemPair, TlsFileError> {
        let read = |setting, path: PathBuf| async move {
            tokio::fs::read(&path)
                .await
                .map_err(|e| TlsFileError::new(setting, &path, e.to_string()))
        };
        Ok(PemPair {
            cert: read(CERT_FILE_SETTING, files.cert_file.clone()).await?,
            key: read(KEY_FILE_SETTING, files.key_file.clone()).await?,
        })
    }

    /// Parses the pair and checks that the key belongs to the leaf certificate.
    fn certified_key(&self, files: &ListenerTls) -> Result<CertifiedKey, TlsFileError> {
        let cert_error =
            |reason: String| TlsFileError::new(CERT_FILE_SETTING, &files.cert_file, reason);
        let key_error =
            |reason: String| TlsFileError::new(KEY_FILE_SETTING, &files.key_file, reason);
        let chain = CertificateDer::pem_slice_iter(&self.cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| cert_error(format!("not a PEM certificate chain: {e}")))?;
        if chain.is_empty() {
            return Err(cert_error("no CERTIFICATE block found".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key)
            .map_err(|e| key_error(format!("no PEM private key: {e}")))?;
        let key = rustls::crypto::ring::default_provider()
            .key_provider
            .load_private_key(key)
            .map_err(|e| key_error(format!("unusable private key: {e}")))?;
        let certified = CertifiedKey::new(chain, key);
        match certified.keys_match() {
            // Unknown: the key cannot tell its public half; the handshake will show.
            Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
                Ok(certified)
            }
            Err(rustls::Error::InconsistentKeys(_)) => Err(key_error(format!(
                "the key does not belong to the certificate in {CERT_FILE_SETTING} ({})",
                files.cert_file.display()
            ))),
            Err(e) => Err(cert_error(format!("unusable certificate: {e}"))),
        }
    }
}

/// Serves whichever certificate was loaded last, so a reload reaches new connections
/// without touching the ones already open.
#[derive(Debug)]
struct ReloadingCert {
    current: ArcSwap<CertifiedKey>,
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

/// TLS for the gRPC listener, loaded and checked at start-up.
pub struct TlsListener {
    acceptor: TlsAcceptor,
    certificate: Arc<ReloadingCert>,
    files: ListenerTls,
    loaded: PemPair,
}

impl TlsListener {
    /// Reads the certificate, key and client CA; any unusable file stops start-up.
    pub async fn load(files: &ListenerTls) -> Result<TlsListener, TlsFileError> {
        install_crypto_provider();
        let loaded = PemPair::read(files).await?;
        let key = loaded.certified_key(files)?;
        log_certificate("TLS certificate loaded", &key);
        let certificate = Arc::new(ReloadingCert {
            current: ArcSwap::from_pointee(key),
        });
        let builder = ServerConfig::builder();
        let builder = match &files.client_ca_file {
            None => builder.with_no_client_auth(),
            Some(path) => {
                let roots = load_roots(CLIENT_CA_FILE_SETTING, path)?;
                let verifier = WebPkiClientVerifier::builder(Arc::new(roots));
                let verifier = match files.client_auth {
                    ClientAuth::Required => verifier,
                    ClientAuth::Optional => verifier.allow_unauthenticated(),
                };
                let verifier = verifier
                    .build()
                    .map_err(|e| TlsFileError::new(CLIENT_CA_FILE_SETTING, path, e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder.with_cert_resolver(certificate.clone());
        // gRPC is HTTP/2 only.
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(TlsListener {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate,
            files: files.clone(),
            loaded,
        })
    }

    /// The TLS connections arriving on `tcp`, for `serve_with_incoming_shutdown`. Also starts
    /// watching the certificate files; dropping the stream (tonic does when it stops
    /// accepting) stops both and closes the listening socket.
    pub fn incoming(self, tcp: TcpIncoming) -> TlsIncoming {
        let (accepted, connections) = mpsc::channel(ACCEPTED_QUEUE);
        let accept = tokio::spawn(accept_loop(tcp, self.acceptor, accepted));
        let watch = tokio::spawn(watch_files(self.certificate, self.files, self.loaded));
        TlsIncoming {
            connections,
            tasks: [accept.abort_handle(), watch.abort_handle()],
        }
    }
}

/// Connections whose TLS handshake succeeded.
pub struct TlsIncoming {
    connections: mpsc::Receiver<TlsStream<TcpStream>>,
    tasks: [AbortHandle; 2],
}

impl Stream for TlsIncoming {
    type Item = Result<TlsStream<TcpStream>, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.connections.poll_recv(cx).map(|next| next.map(Ok))
    }
}

impl Drop for TlsIncoming {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn accept_loop(
    mut tcp: TcpIncoming,
    acceptor: TlsAcceptor,
    accepted: mpsc::Sender<TlsStream<TcpStream>>,
) {
    loop {
        let stream = tokio::select! {
            () = accepted.closed() => return,
            next = tcp.next() => match next {
                Some(Ok(stream)) => stream,
                // As tonic does for plaintext: the listener stays up.
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "cannot accept a connection");
                    continue;
                }
                None => return,
            },
        };
        let acceptor = acceptor.clone();
        let accepted = accepted.clone();
        tokio::spawn(async move {
            let peer = stream
                .peer_addr()
                .map_or_else(|_| "unknown".to_owned(), |addr| addr.to_string());
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    // Fails only when the server has stopped accepting: the connection is dropped.
                    let _ = accepted.send(tls).await;
                }
                // A bare TCP connect and close (a port probe, a load balancer's check).
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    tracing::debug!(%peer, error = %e, "TLS handshake abandoned")
                }
                Ok(Err(e)) => tracing::info!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => {
                    tracing::info!(%peer, timeout = ?HANDSHAKE_TIMEOUT, "TLS handshake timed out")
                }
            }
        });
    }
}

/// Every reload interval and on SIGHUP, re-reads the certificate and key; a changed pair
/// that parses and matches replaces the served one, anything else is logged and the old
/// pair stays.
async fn watch_files(certificate: Arc<ReloadingCert>, files: ListenerTls, mut seen: PemPair) {
    let mut tick = tokio::time::interval(files.reload_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    let mut hangup = Hangup::new();
    // Each error is logged once, not every interval while it lasts.
    let mut last_error: Option<String> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = hangup.recv() => {}
        }
        let result = match PemPair::read(&files).await {
            Ok(pair) if pair == seen => continue,
            Ok(pair) => {
                let result = pair.certified_key(&files);
                // A refused pair is not retried until one of its files changes again.
                seen = pair;
                result
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(key) => {
                log_certificate("TLS certificate reloaded", &key);
                certificate.current.store(Arc::new(key));
                last_error = None;
            }
            Err(e) => {
                let message = e.to_string();
                if last_error.as_ref() != Some(&message) {
                    tracing::error!(error = %message, "TLS certificate not reloaded: still serving the previous one");
                    last_error = Some(message);
                }
            }
        }
    }
}

fn log_certificate(message: &str, key: &CertifiedKey) {
    let Some(leaf) = key.cert.first() else {
        return;
    };
    match x509_parser::parse_x509_certificate(leaf.as_ref()) {
        Ok((_, cert)) => tracing::info!(
            subject = %subject_string(cert.subject()),
            serial = %cert.raw_serial_as_string(),
            not_after = %cert.validity().not_after,
            "{message}"
        ),
        Err(_) => tracing::info!("{message}"),
    }
}

#[cfg(test)]
mod tests;
