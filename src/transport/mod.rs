//! Tower layers wrapped around every call, kept out of the API handlers.

pub mod logging;

pub use logging::CallLogLayer;
