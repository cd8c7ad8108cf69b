#![warn(missing_docs)]
//! tmp
pub mod runtime;
pub use runtime::{AdminClient, Client, ClientBuilder, Error, Result};
