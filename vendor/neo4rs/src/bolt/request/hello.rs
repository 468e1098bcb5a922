use std::borrow::Borrow;

use crate::{
    Version,
    config::NotificationFilter,
    bolt::{ExpectedResponse, Summary},
};
use serde::{Deserialize, Deserializer, Serialize, ser::SerializeMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello<'a> {
    metadata: Meta<'a>,
}

pub struct HelloBuilder<'a> {
    scheme: &'a str,
    principal: &'a str,
    credentials: &'a str,
    user_agent: &'a str,
    routing: ServerRouting<'a>,
    notifications: Option<&'a NotificationFilter>,
}

impl<'a> HelloBuilder<'a> {
    pub fn new(principal: &'a str, credentials: &'a str) -> Self {
        Self {
            scheme: "basic",
            principal,
            credentials,
            user_agent: "neo4rs",
            routing: ServerRouting::No,
            notifications: None,
        }
    }

    pub fn with_routing(
        self,
        context: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> HelloBuilder<'a> {
        let context = context.into_iter().collect::<Box<[_]>>();
        let routing = if context.is_empty() {
            ServerRouting::Yes
        } else {
            ServerRouting::WithContext { context }
        };
        HelloBuilder { routing, ..self }
    }

    /// graphrpc patch: notification filters, sent from Bolt 5.2 on (ignored before).
    pub fn with_notifications(self, notifications: &'a NotificationFilter) -> HelloBuilder<'a> {
        HelloBuilder {
            notifications: Some(notifications),
            ..self
        }
    }

    /// graphrpc patch: the fields each version expects. From 5.1 the credentials move to
    /// LOGON (see `Logon`), 5.2 adds notification filters, 5.3 requires `bolt_agent`.
    pub fn build(self, version: Version) -> Hello<'a> {
        let Self {
            scheme,
            principal,
            credentials,
            user_agent,
            mut routing,
            notifications,
        } = self;

        if version < Version::V4_1 {
            routing = ServerRouting::No;
        }
        let auth = (version < Version::V5_1).then_some((scheme, principal, credentials));
        let notifications = notifications.filter(|_| version >= Version::V5_2);

        let metadata = Meta {
            scheme: auth.map(|a| a.0),
            principal: auth.map(|a| a.1),
            credentials: auth.map(|a| a.2),
            user_agent,
            routing,
            notifications_minimum_severity: notifications
                .and_then(|n| n.minimum_severity.as_deref()),
            notifications_disabled_categories: notifications
                .and_then(|n| n.disabled_categories.as_deref()),
            bolt_agent: (version >= Version::V5_3).then(BoltAgent::this_driver),
        };
        Hello { metadata }
    }
}

/// graphrpc patch: Bolt 5.3's required description of the driver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct BoltAgent {
    product: &'static str,
    platform: &'static str,
    language: &'static str,
}

impl BoltAgent {
    fn this_driver() -> Self {
        BoltAgent {
            product: concat!("neo4rs/", env!("CARGO_PKG_VERSION")),
            platform: std::env::consts::OS,
            language: "Rust",
        }
    }
}

impl<'a> Hello<'a> {
    pub fn builder(principal: &'a str, credentials: &'a str) -> HelloBuilder<'a> {
        HelloBuilder::new(principal, credentials)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Meta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    scheme: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials: Option<&'a str>,
    user_agent: &'a str,
    #[serde(skip_serializing_if = "ServerRouting::is_none")]
    routing: ServerRouting<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notifications_minimum_severity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notifications_disabled_categories: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bolt_agent: Option<BoltAgent>,
}

/// graphrpc patch: LOGON (Bolt 5.1+), the credentials HELLO no longer carries. Sent after
/// HELLO, and after LOGOFF to re-authenticate a connection without closing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logon<'a> {
    auth: LogonMeta<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct LogonMeta<'a> {
    scheme: &'a str,
    principal: &'a str,
    credentials: &'a str,
}

impl<'a> Logon<'a> {
    pub fn basic(principal: &'a str, credentials: &'a str) -> Self {
        Logon {
            auth: LogonMeta {
                scheme: "basic",
                principal,
                credentials,
            },
        }
    }
}

impl ExpectedResponse for Logon<'_> {
    type Response = Summary<serde::de::IgnoredAny>;
}

impl Serialize for Logon<'_> {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        serializer.serialize_newtype_variant("Request", 0x6A, "LOGON", &self.auth)
    }
}

/// graphrpc patch: LOGOFF (Bolt 5.1+): the connection stays open, unauthenticated.
#[derive(Debug, Copy, Clone, Default, PartialEq, Eq)]
pub struct Logoff;

impl ExpectedResponse for Logoff {
    type Response = Summary<serde::de::IgnoredAny>;
}

impl Serialize for Logoff {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        serializer.serialize_unit_variant("Request", 0x6B, "LOGOFF")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ServerRouting<'a> {
    No,
    Yes,
    WithContext { context: Box<[(&'a str, &'a str)]> },
}

impl ServerRouting<'_> {
    fn is_none(&self) -> bool {
        matches!(self, ServerRouting::No)
    }
}

impl Serialize for ServerRouting<'_> {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        match self {
            ServerRouting::No => serializer.serialize_none(),
            ServerRouting::Yes => serializer.serialize_map(Some(0))?.end(),
            ServerRouting::WithContext { context } => {
                let mut map = serializer.serialize_map(Some(context.len()))?;
                for (k, v) in &**context {
                    map.serialize_entry(*k, *v)?;
                }
                map.end()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Response {
    pub(crate) server: String,
    pub(crate) connection_id: String,
    pub(crate) hints: Option<ConnectionsHints>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ConnectionsHints {
    #[serde(rename = "connection.recv_timeout_seconds")]
    connection_recv_timeout_seconds: Option<u32>,
}

impl ExpectedResponse for Hello<'_> {
    type Response = Summary<Response>;
}

impl Serialize for Hello<'_> {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        serializer.serialize_newtype_variant("Request", 0x01, "HELLO", &self.metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        bolt::{Message as _, MessageResponse as _},
        packstream::bolt,
    };

    #[test]
    fn serialize() {
        let hello = Hello::builder("user", "pass").build(Version::V4_1);
        let bytes = hello.to_bytes().unwrap();

        let expected = bolt()
            .structure(1, 0x01)
            .tiny_map(4)
            .tiny_string("scheme")
            .tiny_string("basic")
            .tiny_string("principal")
            .tiny_string("user")
            .tiny_string("credentials")
            .tiny_string("pass")
            .tiny_string("user_agent")
            .tiny_string("neo4rs")
            .build();

        assert_eq!(bytes, expected);
    }

    #[test]
    fn serialize_with_server_side_routing() {
        let hello = Hello::builder("user", "pass")
            .with_routing([])
            .build(Version::V4_1);
        let bytes = hello.to_bytes().unwrap();

        let expected = bolt()
            .structure(1, 0x01)
            .tiny_map(5)
            .tiny_string("scheme")
            .tiny_string("basic")
            .tiny_string("principal")
            .tiny_string("user")
            .tiny_string("credentials")
            .tiny_string("pass")
            .tiny_string("user_agent")
            .tiny_string("neo4rs")
            .tiny_string("routing")
            .tiny_map(0)
            .build();

        assert_eq!(bytes, expected);
    }

    #[test]
    fn serialize_with_routing_context() {
        let hello = Hello::builder("user", "pass")
            .with_routing([("region", "eu-west-1"), ("zone", "a")])
            .build(Version::V4_1);
        let bytes = hello.to_bytes().unwrap();

        let expected = bolt()
            .structure(1, 0x01)
            .tiny_map(5)
            .tiny_string("scheme")
            .tiny_string("basic")
            .tiny_string("principal")
            .tiny_string("user")
            .tiny_string("credentials")
            .tiny_string("pass")
            .tiny_string("user_agent")
            .tiny_string("neo4rs")
            .tiny_string("routing")
            .tiny_map(2)
            .tiny_string("region")
            .tiny_string("eu-west-1")
            .tiny_string("zone")
            .tiny_string("a")
            .build();

        assert_eq!(bytes, expected);
    }

    #[test]
    fn serialize_routing_based_on_version() {
        let hello = Hello::builder("user", "pass")
            .with_routing([])
            .build(Version::V4);
        let bytes = hello.to_bytes().unwrap();

        let expected = bolt()
            .structure(1, 0x01)
            .tiny_map(4)
            .tiny_string("scheme")
            .tiny_string("basic")
            .tiny_string("principal")
            .tiny_string("user")
            .tiny_string("credentials")
            .tiny_string("pass")
            .tiny_string("user_agent")
            .tiny_string("neo4rs")
            .build();

        assert_eq!(bytes, expected);
    }

    #[test]
    fn serialize_bolt_5_4_moves_credentials_to_logon() {
        let filter = NotificationFilter {
            minimum_severity: Some("WARNING".into()),
            disabled_categories: Some(vec!["HINT".into()]),
        };
        let hello = Hello::builder("user", "pass")
            .with_notifications(&filter)
            .build(Version::V5_4);
        let bytes = hello.to_bytes().unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("pass") && !text.contains("principal"), "{text}");
        for field in [
            "notifications_minimum_severity",
            "WARNING",
            "notifications_disabled_categories",
            "HINT",
            "bolt_agent",
            "product",
        ] {
            assert!(text.contains(field), "{field} missing from {text}");
        }
        // 5.0 keeps the credentials in HELLO and knows neither filters nor bolt_agent.
        let bytes = Hello::builder("user", "pass")
            .with_notifications(&filter)
            .build(Version::V5_0)
            .to_bytes()
            .unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("pass") && !text.contains("WARNING") && !text.contains("bolt_agent"));

        let logon = Logon::basic("user", "pass").to_bytes().unwrap();
        let expected = bolt()
            .structure(1, 0x6A)
            .tiny_map(3)
            .tiny_string("scheme")
            .tiny_string("basic")
            .tiny_string("principal")
            .tiny_string("user")
            .tiny_string("credentials")
            .tiny_string("pass")
            .build();
        assert_eq!(logon, expected);
        assert_eq!(Logoff.to_bytes().unwrap(), bolt().structure(0, 0x6B).build());
    }

    #[test]
    fn parse() {
        let data = bolt()
            .tiny_map(2)
            .tiny_string("server")
            .tiny_string("Neo4j/4.1.4")
            .tiny_string("connection_id")
            .tiny_string("bolt-31")
            .build();

        let response = Response::parse(data).unwrap();

        assert_eq!(response.server, "Neo4j/4.1.4");
        assert_eq!(response.connection_id, "bolt-31");
    }

    #[test]
    fn parse_with_hints() {
        let data = bolt()
            .tiny_map(3)
            .tiny_string("server")
            .tiny_string("Neo4j/4.1.4")
            .tiny_string("connection_id")
            .tiny_string("bolt-31")
            .tiny_string("hints")
            .tiny_map(1)
            .string8("connection.recv_timeout_seconds")
            .tiny_int(120)
            .build();

        let response = Response::parse(data).unwrap();

        assert_eq!(response.server, "Neo4j/4.1.4");
        assert_eq!(response.connection_id, "bolt-31");
        assert!(response.hints.is_some());
        assert_eq!(
            response
                .hints
                .unwrap()
                .connection_recv_timeout_seconds
                .unwrap(),
            120
        );
    }
}
