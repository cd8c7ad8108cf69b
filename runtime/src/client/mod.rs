//! Client configuration and the one place where requests are sent.
//!
//! A client handle (`anthropic-openapi`'s `Client` or `AdminClient`) is a cheap wrapper around
//! a shared [`ClientCore`], which holds the configuration and the `reqwest` client; a
//! [`ClientBuilder`] makes one. Generated endpoint methods build a [`Request`](crate::Request)
//! and call one of the `send_*` methods of the core.
//!
//! | file | what |
//! | --- | --- |
//! | `builder.rs` | settings, from the caller and the environment, checked into a core |
//! | `core.rs` | the configuration shared by clones, and per-request settings over it |
//! | `credentials.rs` | the key and bearer token of a client, and which one a request carries |
//! | `prepare.rs` | the URL and headers of an attempt |
//! | `send.rs` | attempts, retries, and the `send_*` methods |
//! | `response.rs` | sorting responses into successes and retryable or fatal failures |

mod builder;
mod core;
mod credentials;
mod prepare;
mod response;
mod send;
mod tls;

#[cfg(feature = "rustls")]
pub use tls::install_rustls_provider;

pub use builder::{ClientBuilder, ClientKind};
pub use core::ClientCore;
pub use credentials::Auth;
