//! Files that graphrpc re-reads while it runs (the named-query catalog, the access file):
//! loaded once at start-up, where a bad file stops start-up, then checked every
//! `GRAPHRPC_RELOAD_INTERVAL` and on SIGHUP. A changed file that fails to load is refused
//! with a log line and the version in force stays.
//!
//! Changes are detected by content, not modification time: a Kubernetes ConfigMap update
//! swaps a symlink, and editors may keep the mtime.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Weak},
    time::Duration,
};

use arc_swap::ArcSwap;

use crate::observability;

/// The current version of a reloadable file's contents.
pub type Current<T> = Arc<ArcSwap<T>>;

/// Loads `path` now, or returns the loader's error; then keeps the result current from a
/// background task that ends when every [`Current`] handle is dropped.
pub fn watch<T, F>(
    what: &'static str,
    path: PathBuf,
    interval: Duration,
    load: F,
) -> Result<Current<T>, String>
where
    T: Send + Sync + 'static,
    F: Fn(&Path, &[u8]) -> Result<T, String> + Send + Sync + 'static,
{
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let current = Arc::new(ArcSwap::from_pointee(load(&path, &bytes)?));
    let weak = Arc::downgrade(&current);
    tokio::spawn(keep_current(what, path, interval, bytes, weak, load));
    Ok(current)
}

async fn keep_current<T, F>(
    what: &'static str,
    path: PathBuf,
    interval: Duration,
    mut seen: Vec<u8>,
    current: Weak<ArcSwap<T>>,
    load: F,
) where
    F: Fn(&Path, &[u8]) -> Result<T, String>,
{
    let mut hangup = Hangup::new();
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        let forced = tokio::select! {
            _ = ticks.tick() => false,
            () = hangup.recv() => true,
        };
        let Some(current) = current.upgrade() else {
            return;
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                // A ConfigMap swap can briefly leave no file; keep serving the old version.
                tracing::warn!(file = %path.display(), error = %e, "cannot read {what}; keeping the version in force");
                continue;
            }
        };
        if bytes == seen && !forced {
            continue;
        }
        match load(&path, &bytes) {
            Ok(fresh) => {
                current.store(Arc::new(fresh));
                observability::file_reloaded(what, true);
                tracing::info!(file = %path.display(), "reloaded {what}");
            }
            Err(reason) => {
                observability::file_reloaded(what, false);
                tracing::error!(file = %path.display(), %reason, "refused the new {what}; the previous version stays in force");
            }
        }
        seen = bytes;
    }
}

/// SIGHUP, the operator's "reload now". Each watcher listens on its own; without signal
/// support it never fires.
pub struct Hangup {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Hangup {
    pub fn new() -> Hangup {
        Hangup {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok(),
        }
    }

    /// The next SIGHUP.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(signal) = self.signal.as_mut() {
            if signal.recv().await.is_some() {
                return;
            }
        }
        std::future::pending().await
    }
}

impl Default for Hangup {
    fn default() -> Self {
        Hangup::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(_: &Path, bytes: &[u8]) -> Result<u32, String> {
        std::str::from_utf8(bytes)
            .map_err(|e| e.to_string())?
            .trim()
            .parse()
            .map_err(|e: std::num::ParseIntError| e.to_string())
    }

    #[tokio::test]
    async fn a_changed_file_is_reloaded_and_a_bad_one_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("n");
        std::fs::write(&path, "1").expect("write");
        let current = watch("number", path.clone(), Duration::from_millis(20), parse)
            .expect("first version loads");
        assert_eq!(**current.load(), 1);

        std::fs::write(&path, "2").expect("write");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while **current.load() != 2 {
            assert!(tokio::time::Instant::now() < deadline, "never reloaded");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        std::fs::write(&path, "not a number").expect("write");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(**current.load(), 2, "a bad version replaced a good one");
    }

    #[tokio::test]
    async fn a_bad_first_version_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("n");
        std::fs::write(&path, "x").expect("write");
        assert!(watch("number", path, Duration::from_secs(1), parse).is_err());
        let missing = dir.path().join("missing");
        let err = watch("number", missing, Duration::from_secs(1), parse).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }
}
