//! TLS on the gRPC listener. (Being written on the `tls` branch; this placeholder only
//! gives the auth layer its interface until that lands.)

/// The verified client certificate's subject, when the connection presented one.
pub fn client_subject(_extensions: &http::Extensions) -> Option<String> {
    None
}
