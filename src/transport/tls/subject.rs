//! Who a verified TLS client is: its certificate's subject as one stable string, the
//! principal name the auth layer matches.

use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
use x509_parser::asn1_rs::ToDer as _;

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

pub(super) fn subject_string(name: &x509_parser::x509::X509Name<'_>) -> String {
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
