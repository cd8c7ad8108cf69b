//! Everything in this crate that `cargo xtask gen` does not write, beside `lib.rs`: the client
//! handles, the streamed-message accumulator, the conversions between response and request
//! types, and the batch-results and download helpers. The generated modules (`types`,
//! `resources`) are the crate's other half; each of their files begins with `@generated`.

mod batches_ext;
pub(crate) mod clients;
#[cfg(doctest)]
mod compile_fail;
mod conversation;
mod files_ext;
mod message_params;
pub(crate) mod message_stream;
