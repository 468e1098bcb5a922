//! The log writer: log lines are appended to a buffer in memory and written to stdout by a
//! thread of its own, many lines per `write` system call, so that a call's log line costs
//! its worker thread a copy instead of a system call (issue 19: the per-call line was ~13 %
//! of graphrpc's throughput).
//!
//! Nothing is dropped: past [`MAX_BUFFERED`] bytes (stdout blocked), writers wait for the
//! writer thread as they would for stdout itself. Warnings and errors are written through
//! at once, after the lines before them, so that the last words of a failing process are
//! never left in the buffer; [`flush`] writes everything buffered (at shutdown).

use std::{
    io::{self, Write},
    sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock},
    time::Duration,
};

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// The most bytes buffered before writers wait (a few thousand lines).
const MAX_BUFFERED: usize = 1 << 20;
/// How long the writer thread lets lines gather after the first one, so that a busy server
/// writes a batch per wake-up and an idle one still shows a line within a few milliseconds.
const GATHER: Duration = Duration::from_millis(2);

#[derive(Default)]
struct State {
    lines: Vec<u8>,
    /// The writer thread is waiting for lines (a writer must wake it).
    idle: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Lines arrived (for the writer thread).
    arrived: Condvar,
    /// Lines written (for writers waiting on a full buffer, and for `flush`).
    written: Condvar,
    /// Serializes writes to stdout between the writer thread and writers writing through.
    out: Mutex<()>,
}

fn shared() -> &'static Arc<Shared> {
    static SHARED: OnceLock<Arc<Shared>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            arrived: Condvar::new(),
            written: Condvar::new(),
            out: Mutex::new(()),
        });
        let thread_shared = shared.clone();
        let started = std::thread::Builder::new()
            .name("graphrpc-log".into())
            .spawn(move || thread_shared.run());
        if started.is_err() {
            // No thread: every line is written through (see `Line::write`).
            eprintln!("graphrpc: cannot start the log writer thread; logging unbuffered");
            lock(&shared.state).idle = false;
            NO_THREAD.get_or_init(|| ());
        }
        shared
    })
}

static NO_THREAD: OnceLock<()> = OnceLock::new();

/// A poisoned lock only means a writer panicked mid-append: the buffer is still bytes.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn run(&self) {
        loop {
            let mut state = lock(&self.state);
            while state.lines.is_empty() {
                state.idle = true;
                state = self.arrived.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            state.idle = false;
            drop(state);
            std::thread::sleep(GATHER);
            self.write_out();
        }
    }

    /// Writes everything buffered so far to stdout, in order.
    fn write_out(&self) {
        let out = lock(&self.out);
        let lines = std::mem::take(&mut lock(&self.state).lines);
        if !lines.is_empty() {
            // stdout gone (a closed pipe): the lines have nowhere to go, as before.
            let _ = io::stdout().lock().write_all(&lines);
        }
        drop(out);
        self.written.notify_all();
    }

    fn append(&self, line: &[u8]) {
        let mut state = lock(&self.state);
        while state.lines.len() >= MAX_BUFFERED && NO_THREAD.get().is_none() {
            state = self.written.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.lines.extend_from_slice(line);
        if state.idle {
            state.idle = false;
            self.arrived.notify_one();
        }
    }
}

/// Appends one INFO or DEBUG line (its newline included), as the fmt layer's writer does.
pub fn buffered(line: &[u8]) {
    let _ = Line { through: false }.write(line);
}

/// Writes every buffered line to stdout now.
pub fn flush() {
    shared().write_out();
}

/// The `MakeWriter` for the fmt layer: INFO and below buffered, WARN and ERROR written
/// through.
#[derive(Clone, Copy, Default)]
pub struct BufferedStdout;

pub struct Line {
    through: bool,
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let shared = shared();
        if self.through || NO_THREAD.get().is_some() {
            let out = lock(&shared.out);
            let lines = std::mem::take(&mut lock(&shared.state).lines);
            let mut stdout = io::stdout().lock();
            stdout.write_all(&lines)?;
            stdout.write_all(buf)?;
            drop(out);
            shared.written.notify_all();
        } else {
            shared.append(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BufferedStdout {
    type Writer = Line;

    fn make_writer(&'a self) -> Self::Writer {
        Line { through: false }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        Line {
            through: *meta.level() <= Level::WARN,
        }
    }
}
