use std::path::Path;

use rustls::RootCertStore;
use tonic::transport::server::TcpConnectInfo;

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
        Ca(CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA"))
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
