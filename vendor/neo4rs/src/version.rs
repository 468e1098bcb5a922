use crate::errors::{Error, Result};
use bytes::{BufMut, BytesMut};
use std::cmp::PartialEq;
use std::fmt::{Debug, Display, Formatter};

#[derive(Debug, PartialEq, Eq, Clone, Copy, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Version {
    V4,
    V4_1,
    V4_3,
    V4_4,
    // graphrpc patch: Bolt 5.0 to 5.4 (element ids, UTC date-times, LOGON/LOGOFF,
    // notification filters, bolt_agent). Declared after 4.4 so `>=` comparisons hold.
    V5_0,
    V5_1,
    V5_2,
    V5_3,
    V5_4,
}

impl Version {
    /// graphrpc patch: the handshake's four proposals. Unpinned: 5.4 down to 5.0 (one slot
    /// with a range), then 4.4 and 4.3, 4.1, 4.0, newest first. Pinned: that version alone,
    /// so a server that cannot speak it refuses the handshake instead of falling back.
    pub fn add_supported_versions(bytes: &mut BytesMut, pinned: Option<Version>) {
        bytes.reserve(16);
        match pinned {
            None => {
                bytes.put_u32(0x0004_0405); // V5_4, range 4: 5.4 down to 5.0
                bytes.put_u32(0x0001_0404); // V4_4, range 1: 4.4 and 4.3
                bytes.put_u32(0x0104); // V4_1
                bytes.put_u32(0x0004); // V4
            }
            Some(version) => {
                let (major, minor) = version.major_minor();
                bytes.put_u32(u32::from(minor) << 8 | u32::from(major));
                bytes.put_u32(0);
                bytes.put_u32(0);
                bytes.put_u32(0);
            }
        }
    }

    /// graphrpc patch: (major, minor).
    pub fn major_minor(self) -> (u8, u8) {
        match self {
            Version::V4 => (4, 0),
            Version::V4_1 => (4, 1),
            Version::V4_3 => (4, 3),
            Version::V4_4 => (4, 4),
            Version::V5_0 => (5, 0),
            Version::V5_1 => (5, 1),
            Version::V5_2 => (5, 2),
            Version::V5_3 => (5, 3),
            Version::V5_4 => (5, 4),
        }
    }

    /// graphrpc patch: the versions a caller may pin, by their "major.minor" name.
    pub fn from_name(name: &str) -> Option<Version> {
        [
            Version::V4_4,
            Version::V5_0,
            Version::V5_1,
            Version::V5_2,
            Version::V5_3,
            Version::V5_4,
        ]
        .into_iter()
        .find(|v| v.to_string() == name)
    }

    pub fn parse(version_bytes: [u8; 4]) -> Result<Version> {
        match version_bytes {
            [0, 0, 0, 5] => Ok(Version::V5_0),
            [0, 0, 1, 5] => Ok(Version::V5_1),
            [0, 0, 2, 5] => Ok(Version::V5_2),
            [0, 0, 3, 5] => Ok(Version::V5_3),
            [0, 0, 4, 5] => Ok(Version::V5_4),
            [0, 0, 4, 4] => Ok(Version::V4_4),
            [0, 0, 3, 4] => Ok(Version::V4_3),
            [0, 0, 1, 4] => Ok(Version::V4_1),
            [0, 0, 0, 4] => Ok(Version::V4),
            [0, 0, minor, major] => Err(Error::UnsupportedVersion(major, minor)),
            otherwise => Err(Error::ProtocolMismatch(u32::from_be_bytes(otherwise))),
        }
    }
}

impl Display for Version {
    fn fmt(&self, f: &mut Formatter<'_>) -> std::fmt::Result {
        match self {
            Version::V4 => write!(f, "4.0"),
            Version::V4_1 => write!(f, "4.1"),
            Version::V4_3 => write!(f, "4.3"),
            Version::V4_4 => write!(f, "4.4"),
            other => {
                let (major, minor) = other.major_minor();
                write!(f, "{major}.{minor}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn should_parse_version() {
        assert_eq!(Version::parse([0, 0, 4, 4]).unwrap(), Version::V4_4);
        assert_eq!(Version::parse([0, 0, 3, 4]).unwrap(), Version::V4_3);
        assert_eq!(Version::parse([0, 0, 1, 4]).unwrap(), Version::V4_1);
        assert_eq!(Version::parse([0, 0, 0, 4]).unwrap(), Version::V4);
        assert_eq!(Version::parse([0, 0, 4, 5]).unwrap(), Version::V5_4);
        assert_eq!(Version::parse([0, 0, 0, 5]).unwrap(), Version::V5_0);
        assert!(Version::parse([0, 0, 6, 5]).is_err());
    }

    #[test]
    fn proposals_newest_first_or_pinned() {
        let mut auto = BytesMut::new();
        Version::add_supported_versions(&mut auto, None);
        assert_eq!(
            &auto[..8],
            &[0, 4, 4, 5, 0, 1, 4, 4],
            "5.4..5.0 first, then 4.4..4.3"
        );
        let mut pinned = BytesMut::new();
        Version::add_supported_versions(&mut pinned, Some(Version::V5_2));
        assert_eq!(&pinned[..], &[0, 0, 2, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(Version::from_name("5.3"), Some(Version::V5_3));
        assert_eq!(Version::from_name("4.4"), Some(Version::V4_4));
        assert_eq!(Version::from_name("5.6"), None);
    }
}
