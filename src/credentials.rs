//! The database password from NEO4J_PASSWORD_FILE, kept current while graphrpc runs.
//!
//! The file is compared by content every GRAPHRPC_RELOAD_INTERVAL (and on SIGHUP), like the
//! other reloadable files. A change replaces the driver's credentials: connections opened
//! afterwards log in with the new password, and each pooled connection logs in again at its
//! next checkout — on Bolt 5.1+ with LOGOFF/LOGON on the open socket, so nothing is dropped;
//! on older Bolt it is closed and reopened. A wrong new password fails those logins (calls
//! get UNAVAILABLE, "the database refused graphrpc's login") until the file is fixed.

use std::{path::PathBuf, time::Duration};

use neo4rs::Graph;

use crate::reload::{self, Current};

/// The running watcher; it stops when the last handle is dropped.
pub type PasswordWatch = Current<()>;

/// The password a file holds: its text without the trailing line break.
pub fn password_from_file(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_owned())?;
    let password = text.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err("the file is empty".to_owned());
    }
    Ok(password.to_owned())
}

pub fn watch_password_file(
    graph: Graph,
    username: String,
    path: PathBuf,
    interval: Duration,
) -> anyhow::Result<PasswordWatch> {
    reload::watch("database password file", path, interval, move |_, bytes| {
        let password = password_from_file(bytes)?;
        if graph.update_credentials(&username, &password) {
            tracing::info!(
                "the database password changed: pooled connections log in again (Bolt 5.1+: LOGOFF/LOGON, older: reconnect)"
            );
        }
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("NEO4J_PASSWORD_FILE: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_the_text_without_its_line_break() {
        assert_eq!(password_from_file(b"s3cret\n").unwrap(), "s3cret");
        assert_eq!(password_from_file(b"s3cret\r\n").unwrap(), "s3cret");
        assert_eq!(password_from_file(b" spaced \n").unwrap(), " spaced ");
        assert!(password_from_file(b"\n").is_err());
        assert!(password_from_file(&[0xff, 0xfe]).is_err());
    }
}
