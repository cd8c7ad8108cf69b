//! Decoding of the main response types from arbitrary bytes.
//!
//! Every input is decoded as each type below, the way the client decodes a response body.
//! Failing is fine. When decoding succeeds:
//!
//! - encoding the value and decoding the result must give the same value back (unknown
//!   properties, variants and enum values are kept, so nothing may be lost or changed);
//! - decoding the same document from a `serde_json::Value` (the buffered path the generated
//!   unions take when their tag is not the first property) must give the same value too.

#![no_main]

use std::fmt::Debug;

use anthropic_openapi::*;
use anthropic_openapi_fuzz::assert_round_trip;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn check<T>(data: &[u8], document: Option<&Value>)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let Ok(value) = serde_json::from_slice::<T>(data) else {
        return;
    };
    assert_round_trip(&value);
    // A body that decodes as `T` is one JSON document, so it also parsed as a `Value`.
    let document = document.expect("decoded as a type but not as a JSON value");
    match serde_json::from_value::<T>(document.clone()) {
        Ok(buffered) => assert_eq!(
            buffered,
            value,
            "{} decodes differently from a Value",
            std::any::type_name::<T>()
        ),
        Err(e) => panic!(
            "{} decodes from text but not from a Value: {e}",
            std::any::type_name::<T>()
        ),
    }
}

macro_rules! check_all {
    ($data:expr, $document:expr; $($ty:ty),* $(,)?) => {
        $(check::<$ty>($data, $document);)*
    };
}

fuzz_target!(|data: &[u8]| {
    let document = serde_json::from_slice::<Value>(data).ok();
    let document = document.as_ref();
    check_all!(data, document;
        // Messages and streaming
        Message,
        MessageStreamEvent,
        ContentBlock,
        MessageTokensCount,
        ErrorResponse,
        // Batches
        MessageBatch,
        MessageBatchList,
        MessageBatchIndividualResponse,
        DeletedMessageBatch,
        // Models
        Model,
        ModelInfo,
        ModelInfoList,
        // Files
        FileMetadata,
        FileList,
        DeletedFile,
        // Legacy completions
        Completion,
        CompletionStreamEvent,
        // Admin API
        Organization,
        User,
        UserList,
        Invite,
        InviteList,
        ApiKey,
        ApiKeyList,
        Workspace,
        WorkspaceList,
        WorkspaceMember,
        MessagesUsageReport,
        CostReport,
        ClaudeCodeUsageReport,
    );
});
