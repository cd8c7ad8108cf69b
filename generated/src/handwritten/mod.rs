//! Everything in this crate that `cargo xtask gen` does not write, beside `lib.rs`: the client
//! handles, the streamed-message accumulator, the conversions between response and request
//! types, and the batch-results and download helpers. The generated modules (`types`,
//! `resources`) are the crate's other half; each of their files begins with `@generated`.

#[cfg(feature = "admin")]
pub(crate) mod admin_client;
#[cfg(feature = "batches")]
mod batches_ext;
pub(crate) mod clients;
#[cfg(doctest)]
mod compile_fail;
mod content_access;
mod conversation;
#[cfg(feature = "files")]
mod files_ext;
pub(crate) mod function_tool;
pub(crate) mod input_schema;
pub(crate) mod media_blocks;
mod message_params;
pub(crate) mod message_pieces;
pub(crate) mod message_stream;
pub(crate) mod parse;
#[cfg(feature = "schemars")]
pub(crate) mod schema_from_type;
pub(crate) mod strict_schema;
pub(crate) mod tool_input;
pub(crate) mod tool_run_stream;
pub(crate) mod tool_runner;
