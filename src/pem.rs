//! TLS files in PEM form, read the same way wherever a setting names one (the gRPC
//! listener's certificate, its client CA, the database's CA): the process's one rustls
//! crypto provider, CA trust anchors, and the error that names the setting to fix. Its own
//! module so the database and the transport both use it without depending on each other.

use std::{
    path::{Path, PathBuf},
    sync::Once,
};

use rustls::{
    pki_types::{pem::PemObject, CertificateDer},
    RootCertStore,
};

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
    pub(crate) fn new(setting: &'static str, path: &Path, reason: impl Into<String>) -> Self {
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
