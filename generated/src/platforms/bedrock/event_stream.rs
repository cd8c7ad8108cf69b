//! Bedrock's streamed body: AWS event-stream frames (`application/vnd.amazon.eventstream`),
//! decoded with `aws-smithy-eventstream` and turned into the server-sent events the
//! first-party API sends, so that the typed events and `MessageStream` work unchanged.
//!
//! A `chunk` event carries `{"bytes": "<base64 of one API event's JSON>"}`; it becomes
//! `event: <its type>` and `data: <its JSON>`. An `exception` frame (`:exception-type`, a JSON
//! payload with `message`) becomes an [`Error::Api`] with the status Bedrock documents for that
//! exception, after the events decoded before it; an `error` frame (`:error-code`,
//! `:error-message`) becomes an [`Error::Stream`]. Either ends the stream.

use std::collections::VecDeque;

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use bytes::{Buf, Bytes, BytesMut};
use futures::StreamExt;

use crate::runtime::{ApiError, ByteStream, Error, ErrorType, Result};

/// The content type of a Bedrock response stream.
pub(super) const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// The most bytes held for one frame: AWS event-stream messages are at most 16 MiB.
const MAX_FRAME: usize = 16 * 1024 * 1024 + 16;

/// Decodes a Bedrock response stream into `text/event-stream` bytes.
pub(super) fn decode(body: ByteStream, request_id: Option<String>) -> ByteStream {
    let state = State {
        body,
        buf: BytesMut::new(),
        decoder: MessageFrameDecoder::new(),
        out: VecDeque::new(),
        request_id,
        done: false,
    };
    Box::pin(futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.out.pop_front() {
                return Some((item, state));
            }
            if state.done {
                return None;
            }
            match state.body.next().await {
                None => {
                    state.done = true;
                    if !state.buf.is_empty() {
                        state.out.push_back(Err(Error::Stream(format!(
                            "the event stream ended inside a frame ({} bytes left)",
                            state.buf.len()
                        ))));
                    }
                }
                Some(Err(e)) => {
                    state.done = true;
                    state.out.push_back(Err(e));
                }
                Some(Ok(chunk)) => state.feed(&chunk),
            }
        }
    }))
}

struct State {
    body: ByteStream,
    buf: BytesMut,
    decoder: MessageFrameDecoder,
    /// Decoded items not yet handed out.
    out: VecDeque<Result<Bytes>>,
    request_id: Option<String>,
    done: bool,
}

impl State {
    /// Adds a chunk and decodes every frame it completes; the events decoded from it are
    /// handed out as one piece of text, followed by the error that ended the stream, if any.
    fn feed(&mut self, chunk: &[u8]) {
        self.buf.extend_from_slice(chunk);
        let mut text = Vec::new();
        let mut failure = None;
        loop {
            match self.decoder.decode_frame(&mut self.buf) {
                Ok(DecodedFrame::Incomplete) => break,
                Ok(DecodedFrame::Complete(message)) => match self.translate(&message, &mut text) {
                    Ok(()) => {}
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                },
                Err(e) => {
                    failure = Some(Error::Stream(format!("invalid event-stream frame: {e}")));
                    break;
                }
            }
        }
        if failure.is_none() && self.buf.remaining() > MAX_FRAME {
            failure = Some(Error::Stream(format!(
                "an event-stream frame is longer than {MAX_FRAME} bytes"
            )));
        }
        if !text.is_empty() {
            self.out.push_back(Ok(Bytes::from(text)));
        }
        if let Some(e) = failure {
            self.done = true;
            self.buf.clear();
            self.out.push_back(Err(e));
        }
    }

    /// Appends the server-sent event of one frame to `text`, or returns the error it reports.
    fn translate(&self, message: &Message, text: &mut Vec<u8>) -> Result<()> {
        match header(message, ":message-type").unwrap_or("event") {
            "event" => {
                if header(message, ":event-type") != Some("chunk") {
                    return Ok(()); // Not an event of the Messages API: skipped, as the SDKs do.
                }
                let chunk: Chunk = serde_json::from_slice(message.payload()).map_err(|e| {
                    Error::Stream(format!("a Bedrock chunk is not the JSON expected: {e}"))
                })?;
                let data = aws_smithy_types::base64::decode(&chunk.bytes).map_err(|e| {
                    Error::Stream(format!("a Bedrock chunk's bytes are not base64: {e}"))
                })?;
                let kind = serde_json::from_slice::<EventType>(&data)
                    .ok()
                    .and_then(|t| t.kind)
                    .unwrap_or_else(|| "completion".to_string());
                text.extend_from_slice(b"event: ");
                text.extend_from_slice(kind.as_bytes());
                text.push(b'\n');
                for line in data.split(|&b| b == b'\n') {
                    text.extend_from_slice(b"data: ");
                    text.extend_from_slice(line);
                    text.push(b'\n');
                }
                text.push(b'\n');
                Ok(())
            }
            "exception" => Err(Error::Api(self.exception(message))),
            "error" => Err(Error::Stream(format!(
                "Bedrock stream error {}: {}",
                header(message, ":error-code").unwrap_or("UnknownError"),
                header(message, ":error-message").unwrap_or("(no message)")
            ))),
            other => Err(Error::Stream(format!(
                "an event-stream frame of unknown message type {other:?}"
            ))),
        }
    }

    /// The typed error of an exception frame.
    fn exception(&self, message: &Message) -> ApiError {
        let payload = String::from_utf8_lossy(message.payload()).into_owned();
        let details: ExceptionPayload =
            serde_json::from_slice(message.payload()).unwrap_or_default();
        let name = header(message, ":exception-type")
            .map(str::to_string)
            .or(details.code)
            .or(details.kind)
            .unwrap_or_else(|| "UnknownError".to_string());
        let status = exception_status(&name, details.original_status_code);
        let error_type = match status {
            429 => ErrorType::RateLimitError,
            408 => ErrorType::TimeoutError,
            503 => ErrorType::OverloadedError,
            _ => ErrorType::from_status(status),
        };
        let text = details
            .message
            .or(details.original_message)
            .unwrap_or_default();
        let mut error = ApiError::from_response(status, self.request_id.clone(), b"");
        error.error_type = error_type;
        error.message = format!("{name}: {text}");
        error.body = payload;
        error
    }
}

/// The HTTP status the Bedrock Runtime API reference gives each exception of
/// InvokeModelWithResponseStream (a model's stream error keeps the model's status).
fn exception_status(name: &str, original: Option<u16>) -> u16 {
    let lower = name.to_ascii_lowercase();
    match lower.trim_end_matches("exception") {
        "throttling" | "modelnotready" => 429,
        "validation" | "servicequotaexceeded" => 400,
        "accessdenied" => 403,
        "resourcenotfound" => 404,
        "modeltimeout" => 408,
        "serviceunavailable" => 503,
        "modelstreamerror" | "modelerror" => original.unwrap_or(424),
        _ => 500,
    }
}

/// A header of a frame, when it is a string.
fn header<'m>(message: &'m Message, name: &str) -> Option<&'m str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| match h.value() {
            HeaderValue::String(s) => Some(s.as_str()),
            _ => None,
        })
}

#[derive(serde::Deserialize)]
struct Chunk {
    bytes: String,
}

#[derive(serde::Deserialize)]
struct EventType {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct ExceptionPayload {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "Code")]
    code: Option<String>,
    #[serde(default, rename = "__type")]
    kind: Option<String>,
    #[serde(default, rename = "originalStatusCode")]
    original_status_code: Option<u16>,
    #[serde(default, rename = "originalMessage")]
    original_message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::write_message_to;
    use aws_smithy_types::event_stream::Header;

    fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
        let mut message = Message::new(Bytes::copy_from_slice(payload));
        for (name, value) in headers {
            message = message.add_header(Header::new(
                name.to_string(),
                HeaderValue::String(value.to_string().into()),
            ));
        }
        let mut out = Vec::new();
        write_message_to(&message, &mut out).unwrap();
        out
    }

    fn chunk(json: &str) -> Vec<u8> {
        let payload = format!(
            r#"{{"bytes":"{}","p":"abc"}}"#,
            aws_smithy_types::base64::encode(json)
        );
        frame(
            &[(":message-type", "event"), (":event-type", "chunk")],
            payload.as_bytes(),
        )
    }

    async fn run(pieces: Vec<Vec<u8>>) -> (String, Option<Error>) {
        let body: ByteStream = Box::pin(futures::stream::iter(
            pieces.into_iter().map(|p| Ok(Bytes::from(p))),
        ));
        let mut stream = decode(body, Some("req-1".into()));
        let mut text = String::new();
        while let Some(item) = stream.next().await {
            match item {
                Ok(bytes) => text.push_str(std::str::from_utf8(&bytes).unwrap()),
                Err(e) => return (text, Some(e)),
            }
        }
        (text, None)
    }

    #[tokio::test]
    async fn chunks_become_events_even_split_byte_by_byte() {
        let mut all = chunk(r#"{"type":"message_stop"}"#);
        all.extend(chunk(r#"{"type":"ping"}"#));
        let pieces = all.iter().map(|b| vec![*b]).collect();
        let (text, error) = run(pieces).await;
        assert!(error.is_none());
        assert_eq!(
            text,
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n\
             event: ping\ndata: {\"type\":\"ping\"}\n\n"
        );
    }

    #[tokio::test]
    async fn an_exception_ends_the_stream_after_the_events_before_it() {
        let mut all = chunk(r#"{"type":"ping"}"#);
        all.extend(frame(
            &[
                (":message-type", "exception"),
                (":exception-type", "modelStreamErrorException"),
            ],
            br#"{"message":"boom","originalStatusCode":529}"#,
        ));
        let (text, error) = run(vec![all]).await;
        assert_eq!(text, "event: ping\ndata: {\"type\":\"ping\"}\n\n");
        let Some(Error::Api(api)) = error else {
            panic!("expected an API error, got {error:?}");
        };
        assert_eq!(api.status, 529);
        assert_eq!(api.error_type, ErrorType::OverloadedError);
        assert_eq!(api.message, "modelStreamErrorException: boom");
        assert_eq!(api.request_id.as_deref(), Some("req-1"));
    }

    #[tokio::test]
    async fn a_truncated_frame_is_an_error() {
        let all = chunk(r#"{"type":"ping"}"#);
        let (_, error) = run(vec![all[..all.len() - 3].to_vec()]).await;
        assert!(matches!(error, Some(Error::Stream(_))), "{error:?}");
    }
}
