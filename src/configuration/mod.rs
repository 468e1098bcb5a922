//! Typed configuration: command-line flags and environment variables are parsed once, at
//! start-up, into [`Settings`]; a bad value stops start-up with a message naming it.
//!
//! - `cli`: the command line (clap): every flag and its environment variable;
//! - `settings`: the typed, validated settings the rest of graphrpc reads;
//! - `validate`: from flags to settings, each check naming the setting to fix.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Parser, Subcommand, ValueEnum};

use crate::{cypher::procedures::ProcedurePolicy, retry::RetryPolicy};

mod cli;
mod settings;
mod validate;

pub use cli::*;
pub use settings::*;
#[allow(unused_imports)] // the helpers are used by the unit tests
use validate::*;

#[cfg(test)]
mod tests;
