//! TLS on the gRPC listener (rustls with the ring provider): the certificate and key are
//! re-read when they change, client certificates are verified when a client CA is set
//! (mutual TLS), and [`client_subject`] tells the auth layer who the verified client is.
//!
//! Handshakes run in their own tasks, each bounded by [`HANDSHAKE_TIMEOUT`], so a slow or
//! hostile client never holds up the accept loop; tonic receives finished
//! `TlsStream<TcpStream>`s and puts `TlsConnectInfo<TcpConnectInfo>` (with the peer's
//! certificates) into every request's extensions.

use std::{
    path::{Path, PathBuf},
    pin::Pin,
    sync::{Arc, Once},
    task::{Context, Poll},
    time::Duration,
};

use arc_swap::ArcSwap;
use rustls::{
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier},
    sign::CertifiedKey,
    RootCertStore, ServerConfig,
};
use tokio::{net::TcpStream, sync::mpsc, task::AbortHandle};
use tokio_rustls::{server::TlsStream, TlsAcceptor};
use tokio_stream::{Stream, StreamExt as _};
use tonic::transport::server::{TcpConnectInfo, TcpIncoming, TlsConnectInfo};
use x509_parser::asn1_rs::ToDer as _;

use crate::{
    configuration::{ClientAuth, ListenerTls},
    reload::Hangup,
};

/// A client that has not finished its handshake by then is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshaken connections waiting for tonic to take them (it takes them at once).
const ACCEPTED_QUEUE: usize = 64;

pub const CERT_FILE_SETTING: &str = "GRAPHRPC_TLS_CERT_FILE";
pub const KEY_FILE_SETTING: &str = "GRAPHRPC_TLS_KEY_FILE";
pub const CLIENT_CA_FILE_SETTING: &str = "GRAPHRPC_TLS_CLIENT_CA_FILE";

/// Installs ring as the process's rustls provider (the one the vendored driver is built
/// with too), so every rustls config in the process uses the same one. Later calls do nothing.
pub fn install_crypto_provider() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // An error means a provider is installed already, which is all we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A TLS file that cannot be used, named by its setting so the operator knows what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{setting} ({}): {reason}", path.display())]
pub struct TlsFileError {
    pub setting: &'static str,
    pub path: PathBuf,
    pub reason: String,
}

impl TlsFileError {
    fn new(setting: &'static str, path: &Path, reason: impl Into<String>) -> Self {
        TlsFileError {
            setting,
            path: path.to_owned(),
            reason: reason.into(),
        }
    }
}

/// CA certificates (PEM) as trust anchors; a file without at least one usable certificate
/// is an error rather than an empty trust store that would refuse every peer.
pub fn load_roots(setting: &'static str, path: &Path) -> Result<RootCertStore, TlsFileError> {
    let pem = std::fs::read(path).map_err(|e| TlsFileError::new(setting, path, e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsFileError::new(setting, path, format!("not PEM certificates: {e}")))?;
    if certs.is_empty() {
        return Err(TlsFileError::new(
            setting,
            path,
            "no CERTIFICATE block found",
        ));
    }
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| {
            TlsFileError::new(setting, path, format!("not a usable CA certificate: {e}"))
        })?;
    }
    Ok(roots)
}

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

/// The verified client certificate's subject, for mapping a caller to a principal; None
/// when the connection is plaintext or the client presented no certificate.
///
/// The form is stable: the subject's attributes in the order the certificate lists them
/// (not reversed, unlike RFC 4514's string order), `TYPE=value` joined by `,` with no
/// spaces (`+` inside a multi-valued RDN), e.g. `CN=reports,O=Acme`. Types use RFC 4514's
/// short names (CN, L, ST, O, OU, C, STREET, DC, UID), other types their dotted OID; values
/// are escaped as RFC 4514 says, and values that are not strings are `#` and the hex of
/// their DER encoding.
///
/// Certificates appear only after rustls verified them against the client CA (and the
/// handshake proved the client holds the key).
pub fn client_subject(extensions: &http::Extensions) -> Option<String> {
    let info = extensions.get::<TlsConnectInfo<TcpConnectInfo>>()?;
    let certs = info.peer_certs()?;
    let leaf = certs.first()?;
    certificate_subject(leaf.as_ref())
}

/// The subject of a DER certificate, in [`client_subject`]'s form.
pub fn certificate_subject(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(subject_string(cert.subject()))
}

fn subject_string(name: &x509_parser::x509::X509Name<'_>) -> String {
    let mut out = String::new();
    for (i, rdn) in name.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, attribute) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let oid = attribute.attr_type().to_id_string();
            out.push_str(short_name(&oid).unwrap_or(&oid));
            out.push('=');
            match attribute.as_str() {
                Ok(value) => escape_value(value, &mut out),
                // Not a string type: RFC 4514's `#` and the value's DER encoding in hex.
                Err(_) => {
                    out.push('#');
                    if let Ok(der) = attribute.attr_value().to_der_vec() {
                        out.push_str(&hex::encode(der));
                    }
                }
            }
        }
    }
    out
}

/// RFC 4514's table of attribute type names.
fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// RFC 4514 section 2.4: `,+"\<>;` and NUL anywhere, `#` or a space first, a space last.
fn escape_value(value: &str, out: &mut String) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, DnValue,
        ExtendedKeyUsagePurpose, IsCa, KeyPair,
    };
    use rustls::pki_types::ServerName;
    use tokio::net::{TcpListener, TcpStream};
    use tonic::transport::server::Connected as _;

    use super::*;

    struct Ca(CertifiedIssuer<'static, KeyPair>);

    impl Ca {
        fn new(name: &str) -> Ca {
            let mut params = CertificateParams::default();
            params.distinguished_name = dn(&[(DnType::CommonName, name)]);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            Ca(
                CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key"))
                    .expect("CA"),
            )
        }

        /// (certificate PEM, key PEM)
        fn issue(&self, name: DistinguishedName, server: bool) -> (String, String) {
            let mut params = CertificateParams::new(if server {
                vec!["localhost".to_owned()]
            } else {
                vec![]
            })
            .expect("params");
            params.distinguished_name = name;
            params.extended_key_usages = vec![if server {
                ExtendedKeyUsagePurpose::ServerAuth
            } else {
                ExtendedKeyUsagePurpose::ClientAuth
            }];
            let key = KeyPair::generate().expect("key");
            let cert = params.signed_by(&key, &self.0).expect("sign");
            (cert.pem(), key.serialize_pem())
        }
    }

    fn dn(attributes: &[(DnType, &str)]) -> DistinguishedName {
        let mut name = DistinguishedName::new();
        for (kind, value) in attributes {
            name.push(kind.clone(), *value);
        }
        name
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    fn der(pem: &str) -> Vec<u8> {
        CertificateDer::from_pem_slice(pem.as_bytes())
            .expect("pem")
            .to_vec()
    }

    #[test]
    fn subjects_keep_the_certificate_order_and_escape_as_rfc_4514_says() {
        let ca = Ca::new("test CA");
        let mut name = dn(&[
            (DnType::CountryName, "NL"),
            (DnType::OrganizationName, "Acme, Inc."),
            (DnType::OrganizationalUnitName, " lead+ops "),
            (DnType::CommonName, "#reports"),
        ]);
        name.push(
            DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
            DnValue::Ia5String("ops@acme.example".try_into().expect("ia5")),
        );
        let (cert, _) = ca.issue(name, false);
        assert_eq!(
            certificate_subject(&der(&cert)).as_deref(),
            Some(
                "C=NL,O=Acme\\, Inc.,OU=\\ lead\\+ops\\ ,CN=\\#reports,\
                 1.2.840.113549.1.9.1=ops@acme.example"
            )
        );

        let (cert, _) = ca.issue(
            dn(&[
                (DnType::CommonName, "reports"),
                (DnType::OrganizationName, "Acme"),
            ]),
            false,
        );
        assert_eq!(
            certificate_subject(&der(&cert)).as_deref(),
            Some("CN=reports,O=Acme")
        );
    }

    #[test]
    fn a_value_that_is_not_a_string_type_x509_parser_reads_is_hex_der() {
        let ca = Ca::new("test CA");
        let name = {
            let mut name = DistinguishedName::new();
            name.push(
                DnType::CommonName,
                DnValue::BmpString("ab".try_into().expect("bmp")),
            );
            name
        };
        let (cert, _) = ca.issue(name, false);
        // BMPString (tag 0x1e), 4 bytes: UTF-16BE "ab".
        assert_eq!(
            certificate_subject(&der(&cert)).as_deref(),
            Some("CN=#1e0400610062")
        );
    }

    #[test]
    fn no_subject_without_a_tls_connection() {
        let mut extensions = http::Extensions::new();
        assert_eq!(client_subject(&extensions), None);
        extensions.insert(TcpConnectInfo {
            local_addr: None,
            remote_addr: None,
        });
        assert_eq!(client_subject(&extensions), None);
    }

    fn files(
        dir: &Path,
        server: (String, String),
        client_ca: Option<&Ca>,
        auth: ClientAuth,
    ) -> ListenerTls {
        ListenerTls {
            cert_file: write(dir, "server.pem", &server.0),
            key_file: write(dir, "server.key", &server.1),
            client_ca_file: client_ca.map(|ca| write(dir, "client-ca.pem", &ca.0.pem())),
            client_auth: auth,
            reload_interval: Duration::from_secs(60),
        }
    }

    /// A real handshake over loopback TCP; the subject as the auth layer would see it.
    async fn handshake(
        listener_tls: &ListenerTls,
        server_ca: &Ca,
        client: Option<(String, String)>,
    ) -> Option<String> {
        let tls = TlsListener::load(listener_tls).await.expect("TLS loads");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accept");
            let stream = tls.acceptor.accept(tcp).await.expect("server handshake");
            let mut extensions = http::Extensions::new();
            extensions.insert(stream.connect_info());
            client_subject(&extensions)
        });
        let mut roots = RootCertStore::empty();
        roots.add(server_ca.0.der().clone()).expect("root");
        let config = rustls::ClientConfig::builder().with_root_certificates(roots);
        let config = match client {
            Some((cert, key)) => config
                .with_client_auth_cert(
                    vec![CertificateDer::from_pem_slice(cert.as_bytes()).expect("cert")],
                    PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("key"),
                )
                .expect("client auth"),
            None => config.with_no_client_auth(),
        };
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let mut stream = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from("localhost").expect("name"), tcp)
            .await
            .expect("client handshake");
        // TLS 1.3: the server checks the client's certificate after the client is done.
        tokio::io::AsyncWriteExt::flush(&mut stream)
            .await
            .expect("flush");
        server.await.expect("server task")
    }

    #[tokio::test]
    async fn client_subject_is_the_verified_leaf_of_a_real_handshake() {
        install_crypto_provider();
        let dir = tempfile::tempdir().expect("dir");
        let (server_ca, client_ca) = (Ca::new("server CA"), Ca::new("client CA"));
        let server = server_ca.issue(dn(&[(DnType::CommonName, "graphrpc")]), true);
        let client = client_ca.issue(
            dn(&[
                (DnType::CommonName, "reports"),
                (DnType::OrganizationName, "Acme"),
            ]),
            false,
        );

        let required = files(
            dir.path(),
            server.clone(),
            Some(&client_ca),
            ClientAuth::Required,
        );
        assert_eq!(
            handshake(&required, &server_ca, Some(client.clone()))
                .await
                .as_deref(),
            Some("CN=reports,O=Acme")
        );

        let optional = files(
            dir.path(),
            server.clone(),
            Some(&client_ca),
            ClientAuth::Optional,
        );
        assert_eq!(handshake(&optional, &server_ca, None).await, None);

        // Without a client CA no certificate is asked for, so none is reported.
        let plain = files(dir.path(), server, None, ClientAuth::Required);
        assert_eq!(handshake(&plain, &server_ca, Some(client)).await, None);
    }

    #[tokio::test]
    async fn unusable_files_are_named_by_their_setting_and_path() {
        let dir = tempfile::tempdir().expect("dir");
        let ca = Ca::new("CA");
        let (cert, key) = ca.issue(dn(&[(DnType::CommonName, "graphrpc")]), true);
        let (_, other_key) = ca.issue(dn(&[(DnType::CommonName, "other")]), true);
        let good = files(
            dir.path(),
            (cert.clone(), key.clone()),
            None,
            ClientAuth::Required,
        );
        let error = |tls: ListenerTls| async move {
            match TlsListener::load(&tls).await {
                Ok(_) => panic!("loaded"),
                Err(e) => e.to_string(),
            }
        };

        let missing = ListenerTls {
            cert_file: dir.path().join("nope.pem"),
            ..good.clone()
        };
        let message = error(missing).await;
        assert!(message.starts_with("GRAPHRPC_TLS_CERT_FILE ("), "{message}");
        assert!(message.contains("nope.pem"), "{message}");

        let garbage = ListenerTls {
            cert_file: write(dir.path(), "garbage.pem", "hello"),
            ..good.clone()
        };
        let message = error(garbage).await;
        assert!(
            message.starts_with("GRAPHRPC_TLS_CERT_FILE (") && message.contains("garbage.pem"),
            "{message}"
        );

        let mismatch = ListenerTls {
            key_file: write(dir.path(), "other.key", &other_key),
            ..good.clone()
        };
        let message = error(mismatch).await;
        assert!(
            message.starts_with("GRAPHRPC_TLS_KEY_FILE (") && message.contains("other.key"),
            "{message}"
        );
        assert!(message.contains("does not belong"), "{message}");

        let no_key = ListenerTls {
            key_file: write(dir.path(), "cert-as-key.pem", &cert),
            ..good.clone()
        };
        let message = error(no_key).await;
        assert!(
            message.starts_with("GRAPHRPC_TLS_KEY_FILE (") && message.contains("cert-as-key.pem"),
            "{message}"
        );

        let bad_ca = ListenerTls {
            client_ca_file: Some(write(dir.path(), "ca.pem", &key)),
            ..good.clone()
        };
        let message = error(bad_ca).await;
        assert!(
            message.starts_with("GRAPHRPC_TLS_CLIENT_CA_FILE (") && message.contains("ca.pem"),
            "{message}"
        );

        assert!(TlsListener::load(&good).await.is_ok());
    }
}
