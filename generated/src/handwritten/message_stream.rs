//! A streamed message that is assembled, event by event, into the final [`Message`].
//!
//! Written by hand (not generated). [`MessageStream`] wraps the typed event stream returned
//! by [`MessagesApi::create_stream`](crate::resources::MessagesApi::create_stream): it hands
//! every event on unchanged and, as each one passes, folds it into a snapshot of the message
//! so far. Once the stream is over, the snapshot is the same [`Message`] the non-streaming
//! [`MessagesApi::create`](crate::resources::MessagesApi::create) would have returned.
//!
//! ```no_run
//! use anthropic_openapi::{Client, MessageCreateParams, MessageParam, Piece};
//! use futures::StreamExt as _;
//!
//! # async fn run() -> anthropic_openapi::Result<()> {
//! let client = Client::from_env()?;
//! let params = MessageCreateParams::new(
//!     "claude-sonnet-4-5",
//!     vec![MessageParam::user("Write a haiku about rust")],
//!     1024,
//! );
//!
//! // Print the text as it arrives.
//! let mut text = client.messages().stream(params.clone()).await?.text_stream();
//! while let Some(piece) = text.next().await {
//!     print!("{}", piece?);
//! }
//!
//! // Or print text and thinking as they arrive, then read the message, usage included.
//! let mut stream = client.messages().stream(params.clone()).await?;
//! while let Some(piece) = stream.next_piece().await {
//!     match piece? {
//!         Piece::Text(text) => print!("{text}"),
//!         Piece::Thinking(thinking) => eprint!("{thinking}"),
//!         _ => {}
//!     }
//! }
//! println!("{} output tokens", stream.final_message().await?.usage.output_tokens);
//!
//! // Or wait for the whole message.
//! let message = client.messages().stream(params).await?.final_message().await?;
//! println!("{:?}", message.stop_reason);
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::stream::FusedStream;
use serde_json::{Map, Value};

use crate::runtime::{ApiError, Error, Result, SseStream};
use crate::types::{
    ContentBlock, ContentBlockDelta, ContentBlockDeltaEvent, Message, MessageDeltaEvent,
    MessageStreamEvent,
};

/// The most of a tool's buffered input JSON quoted in an error message, in bytes.
const MAX_QUOTED_JSON: usize = 2000;

/// A stream of message events that also builds the message they describe.
///
/// Items are the events of the underlying [`SseStream`], passed through unchanged (events and
/// deltas of types this crate does not know included). While they pass, a snapshot
/// [`Message`] is kept up to date:
///
/// - `message_start` sets the snapshot;
/// - `content_block_start` puts the block at its `index`;
/// - `text_delta` appends to the text block's `text`, `thinking_delta` to the thinking block's
///   `thinking`, `signature_delta` sets its `signature`, `citations_delta` appends to the text
///   block's `citations` (creating the list);
/// - `input_json_delta` fragments are buffered per block and parsed into the block's `input`
///   at `content_block_stop` (an empty buffer gives `{}`);
/// - `message_delta` sets `stop_reason`, `stop_sequence` and `stop_details` (and `container`
///   when given) and updates the usage: `output_tokens` always, the other counters when the
///   delta reports them;
/// - `message_stop` marks the message complete.
///
/// An event that cannot be applied (an event before `message_start`, a delta for a block that
/// was never started or of the wrong kind, tool input that is not valid JSON) is reported as
/// an [`Error::Stream`] in place of the event. The stream ends after its first error.
#[derive(Debug)]
pub struct MessageStream {
    events: SseStream<MessageStreamEvent>,
    state: Accumulator,
    finished: bool,
}

impl MessageStream {
    /// Wraps a stream of message events, such as the one returned by
    /// [`MessagesApi::create_stream`](crate::resources::MessagesApi::create_stream).
    pub fn new(events: SseStream<MessageStreamEvent>) -> Self {
        MessageStream {
            events,
            state: Accumulator::default(),
            finished: false,
        }
    }

    /// The message as accumulated from the events received so far; `None` before
    /// `message_start`.
    ///
    /// The `input` of a tool call is filled in when its block ends; until then its text so
    /// far is available from [`partial_json`](Self::partial_json).
    pub fn snapshot(&self) -> Option<&Message> {
        self.state.message.as_ref()
    }

    /// The input JSON received so far for the content block at `index`, while that block is
    /// still streaming (between its first `input_json_delta` and its `content_block_stop`).
    pub fn partial_json(&self, index: usize) -> Option<&str> {
        self.state.json.get(&index).map(String::as_str)
    }

    /// Whether `message_stop` has been received, so that the snapshot is the final message.
    pub fn is_complete(&self) -> bool {
        self.state.stopped
    }

    /// The response's `request-id`, when known.
    pub fn request_id(&self) -> Option<&str> {
        self.events.request_id()
    }

    /// The headers of the streamed response.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        self.events.headers()
    }

    /// The rate limits the response reported in its `anthropic-ratelimit-*` headers.
    pub fn rate_limits(&self) -> crate::RateLimits {
        self.events.rate_limits()
    }

    /// Reads the rest of the stream and returns the complete message.
    ///
    /// Fails with the stream's first error, or with an [`Error::Stream`] if the stream ended
    /// before `message_stop`.
    pub async fn final_message(mut self) -> Result<Message> {
        use futures::StreamExt as _;
        while let Some(item) = self.next().await {
            item?;
        }
        self.state.into_message()
    }

    /// Reads the rest of the stream and returns the text of the complete message: the text of
    /// all its text blocks, concatenated in order (empty when it has none).
    ///
    /// Fails as [`final_message`](Self::final_message) does.
    pub async fn final_text(self) -> Result<String> {
        Ok(self.final_message().await?.text())
    }

    /// Only the text of the message, as it arrives: one item per `text_delta`, in order.
    ///
    /// Errors are passed on, and end the stream. It takes the `MessageStream`, so the
    /// assembled message (its stop reason and usage) is out of reach afterwards;
    /// [`next_piece`](Self::next_piece) and [`pieces`](Self::pieces) borrow it instead.
    pub fn text_stream(self) -> impl Stream<Item = Result<String>> + Send + Unpin + 'static {
        use futures::StreamExt as _;
        self.filter_map(|item| {
            futures::future::ready(match item {
                Ok(MessageStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
                    delta: ContentBlockDelta::TextDelta(delta),
                    ..
                })) => Some(Ok(delta.text)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
        })
    }
}

impl Stream for MessageStream {
    type Item = Result<MessageStreamEvent>;

    // `#[inline]`: decoding the stream's events, that is the whole message and content type
    // tree, is compiled in the program that polls a `MessageStream`, as it is for the
    // endpoint methods (see `codegen::emit::resources`), and not in this crate.
    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        let item = match Pin::new(&mut this.events).poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => {
                this.finished = true;
                return Poll::Ready(None);
            }
            Poll::Ready(Some(Err(e))) => Err(e),
            Poll::Ready(Some(Ok(MessageStreamEvent::Error(event)))) => {
                // The SSE decoder already turns `error` events into errors; this is a fallback.
                let body = serde_json::to_vec(&event).unwrap_or_default();
                let request_id = this.events.request_id().map(str::to_owned);
                Err(Error::Api(ApiError::from_response(200, request_id, &body)))
            }
            Poll::Ready(Some(Ok(event))) => this.state.apply(&event).map(|()| event),
        };
        if item.is_err() {
            this.finished = true;
        }
        Poll::Ready(Some(item))
    }
}

impl FusedStream for MessageStream {
    fn is_terminated(&self) -> bool {
        self.finished
    }
}

impl crate::resources::MessagesApi<'_> {
    /// Create a message, streamed: sends the request with `stream: true` and returns a
    /// [`MessageStream`], which yields the events as they arrive and assembles the final
    /// [`Message`] (see [`MessageStream::final_message`] and [`MessageStream::text_stream`]).
    ///
    /// `POST /v1/messages`. Written by hand on top of
    /// [`create_stream`](Self::create_stream).
    pub async fn stream(&self, body: crate::MessageCreateParams) -> Result<MessageStream> {
        Ok(MessageStream::new(self.create_stream(body).await?))
    }
}

/// The message being assembled.
#[derive(Debug, Default)]
struct Accumulator {
    /// The snapshot; `None` until `message_start`.
    message: Option<Message>,
    /// Input JSON received so far, by content block index, for blocks not yet stopped.
    json: HashMap<usize, String>,
    /// `message_stop` was received.
    stopped: bool,
}

impl Accumulator {
    /// Folds one event into the snapshot.
    fn apply(&mut self, event: &MessageStreamEvent) -> Result<()> {
        match event {
            MessageStreamEvent::MessageStart(start) => {
                if self.message.is_some() {
                    return Err(stream_error(
                        "received a second message_start in the same stream".to_string(),
                    ));
                }
                self.message = Some(start.message.clone());
            }
            MessageStreamEvent::MessageDelta(delta) => {
                apply_message_delta(started(&mut self.message, "message_delta")?, delta);
            }
            MessageStreamEvent::MessageStop(_) => {
                started(&mut self.message, "message_stop")?;
                self.stopped = true;
            }
            MessageStreamEvent::ContentBlockStart(start) => {
                let index = block_index(start.index, "content_block_start")?;
                let message = started(&mut self.message, "content_block_start")?;
                let count = message.content.len();
                if index < count {
                    message.content[index] = start.content_block.clone();
                } else if index == count {
                    message.content.push(start.content_block.clone());
                } else {
                    return Err(stream_error(format!(
                        "content_block_start for index {index}, but the message has only \
                         {count} content block(s) before it"
                    )));
                }
                self.json.remove(&index);
            }
            MessageStreamEvent::ContentBlockDelta(delta) => self.apply_block_delta(delta)?,
            MessageStreamEvent::ContentBlockStop(stop) => {
                let index = block_index(stop.index, "content_block_stop")?;
                let message = started(&mut self.message, "content_block_stop")?;
                let block = block_at(message, index, "content_block_stop")?;
                if let Some(buffer) = self.json.remove(&index) {
                    set_input(block, index, &buffer)?;
                }
            }
            MessageStreamEvent::Ping(_)
            | MessageStreamEvent::Error(_)
            | MessageStreamEvent::Unknown(_) => {}
        }
        Ok(())
    }

    /// Applies a `content_block_delta` to the block it names.
    fn apply_block_delta(&mut self, event: &ContentBlockDeltaEvent) -> Result<()> {
        if let ContentBlockDelta::Unknown(_) = event.delta {
            return Ok(()); // a delta type added later: passed on, not applied
        }
        let kind = event.delta.tag();
        let index = block_index(event.index, kind)?;
        let message = started(&mut self.message, kind)?;
        let block = block_at(message, index, kind)?;
        let applied = match (&event.delta, block) {
            (ContentBlockDelta::TextDelta(d), ContentBlock::Text(text)) => {
                text.text.push_str(&d.text);
                true
            }
            (ContentBlockDelta::ThinkingDelta(d), ContentBlock::Thinking(thinking)) => {
                thinking.thinking.push_str(&d.thinking);
                true
            }
            (ContentBlockDelta::SignatureDelta(d), ContentBlock::Thinking(thinking)) => {
                thinking.signature.clone_from(&d.signature);
                true
            }
            (ContentBlockDelta::CitationsDelta(d), ContentBlock::Text(text)) => {
                text.citations
                    .get_or_insert_with(Vec::new)
                    .push(d.citation.clone());
                true
            }
            (
                ContentBlockDelta::InputJsonDelta(d),
                ContentBlock::ToolUse(_)
                | ContentBlock::ServerToolUse(_)
                | ContentBlock::Unknown(_),
            ) => {
                self.json
                    .entry(index)
                    .or_default()
                    .push_str(&d.partial_json);
                true
            }
            (delta, ContentBlock::Unknown(Value::Object(fields))) => {
                apply_to_unknown_block(delta, fields)
            }
            _ => false,
        };
        if applied {
            Ok(())
        } else {
            Err(stream_error(format!(
                "{kind} for content block {index}, which is a {} block",
                block_at(started(&mut self.message, kind)?, index, kind)?.tag()
            )))
        }
    }

    /// The final message, if `message_stop` was received.
    fn into_message(self) -> Result<Message> {
        match (self.message, self.stopped) {
            (Some(message), true) => Ok(message),
            (Some(_), false) => Err(stream_error(
                "the stream ended before message_stop".to_string(),
            )),
            (None, _) => Err(stream_error(
                "the stream ended without a message_start".to_string(),
            )),
        }
    }
}

/// Applies a `message_delta` event to the message.
fn apply_message_delta(message: &mut Message, event: &MessageDeltaEvent) {
    let delta = &event.delta;
    message.stop_reason.clone_from(&delta.stop_reason);
    message.stop_sequence.clone_from(&delta.stop_sequence);
    message.stop_details.clone_from(&delta.stop_details);
    if delta.container.is_some() {
        message.container.clone_from(&delta.container);
    }
    for (key, value) in &delta.extra {
        message.extra.insert(key.clone(), value.clone());
    }

    let usage = &event.usage;
    let total = &mut message.usage;
    total.output_tokens = usage.output_tokens;
    if let Some(input_tokens) = usage.input_tokens {
        total.input_tokens = input_tokens;
    }
    if usage.cache_creation_input_tokens.is_some() {
        total.cache_creation_input_tokens = usage.cache_creation_input_tokens;
    }
    if usage.cache_read_input_tokens.is_some() {
        total.cache_read_input_tokens = usage.cache_read_input_tokens;
    }
    if usage.server_tool_use.is_some() {
        total.server_tool_use.clone_from(&usage.server_tool_use);
    }
    if usage.output_tokens_details.is_some() {
        total
            .output_tokens_details
            .clone_from(&usage.output_tokens_details);
    }
    for (key, value) in &usage.extra {
        total.extra.insert(key.clone(), value.clone());
    }
}

/// Applies a text, thinking, signature or citation delta to a block of a type this crate
/// does not know, by the same field names; `false` if the delta is of another kind.
fn apply_to_unknown_block(delta: &ContentBlockDelta, fields: &mut Map<String, Value>) -> bool {
    let append = |fields: &mut Map<String, Value>, key: &str, piece: &str| {
        let entry = fields
            .entry(key)
            .or_insert_with(|| Value::String(String::new()));
        match entry {
            Value::String(s) => s.push_str(piece),
            other => *other = Value::String(piece.to_string()),
        }
    };
    match delta {
        ContentBlockDelta::TextDelta(d) => append(fields, "text", &d.text),
        ContentBlockDelta::ThinkingDelta(d) => append(fields, "thinking", &d.thinking),
        ContentBlockDelta::SignatureDelta(d) => {
            fields.insert("signature".into(), Value::String(d.signature.clone()));
        }
        ContentBlockDelta::CitationsDelta(d) => {
            let citation = serde_json::to_value(&d.citation).unwrap_or(Value::Null);
            match fields.get_mut("citations") {
                Some(Value::Array(list)) => list.push(citation),
                _ => {
                    fields.insert("citations".into(), Value::Array(vec![citation]));
                }
            }
        }
        ContentBlockDelta::InputJsonDelta(_) | ContentBlockDelta::Unknown(_) => return false,
    }
    true
}

/// Parses a block's buffered input JSON into its `input`.
fn set_input(block: &mut ContentBlock, index: usize, buffer: &str) -> Result<()> {
    let parsed = if buffer.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(buffer).map_err(|e| {
            stream_error(format!(
                "the input of content block {index} ({}) is not valid JSON: {e}; received: {}",
                describe_tool(block),
                quote(buffer)
            ))
        })?
    };
    let typed = matches!(
        block,
        ContentBlock::ToolUse(_) | ContentBlock::ServerToolUse(_)
    );
    if typed && !parsed.is_object() {
        return Err(stream_error(format!(
            "the input of content block {index} ({}) is not a JSON object: {}",
            describe_tool(block),
            quote(buffer)
        )));
    }
    match (block, parsed) {
        (ContentBlock::ToolUse(tool), Value::Object(input)) => tool.input = input,
        (ContentBlock::ServerToolUse(tool), Value::Object(input)) => tool.input = input,
        (ContentBlock::Unknown(Value::Object(fields)), input) => {
            fields.insert("input".into(), input);
        }
        // Input is only buffered for the block types above.
        _ => {}
    }
    Ok(())
}

/// The type and tool name of a block, for error messages: ``tool_use `get_weather` ``.
fn describe_tool(block: &ContentBlock) -> String {
    let name = match block {
        ContentBlock::ToolUse(tool) => Some(tool.name.as_str()),
        ContentBlock::ServerToolUse(tool) => Some(tool.name.as_str()),
        ContentBlock::Unknown(value) => value.get("name").and_then(Value::as_str),
        _ => None,
    };
    match name {
        Some(name) => format!("{} `{name}`", block.tag()),
        None => block.tag().to_string(),
    }
}

/// `text` as a quoted string, shortened to about [`MAX_QUOTED_JSON`] bytes.
fn quote(text: &str) -> String {
    if text.len() <= MAX_QUOTED_JSON {
        return format!("{text:?}");
    }
    let mut end = MAX_QUOTED_JSON;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}… ({} bytes in all)", &text[..end], text.len())
}

/// The snapshot, or an error naming the event that arrived before `message_start`.
fn started<'a>(message: &'a mut Option<Message>, event: &str) -> Result<&'a mut Message> {
    message
        .as_mut()
        .ok_or_else(|| stream_error(format!("received {event} before message_start")))
}

/// An event's content block index as a `usize`.
fn block_index(index: i64, event: &str) -> Result<usize> {
    usize::try_from(index).map_err(|_| {
        stream_error(format!(
            "{event} has an invalid content block index {index}"
        ))
    })
}

/// The content block at `index`, or an error naming the event that referred to it.
fn block_at<'a>(
    message: &'a mut Message,
    index: usize,
    event: &str,
) -> Result<&'a mut ContentBlock> {
    let count = message.content.len();
    message.content.get_mut(index).ok_or_else(|| {
        stream_error(format!(
            "{event} for content block {index}, which was never started (the message has \
             {count} content block(s))"
        ))
    })
}

fn stream_error(message: String) -> Error {
    Error::Stream(message)
}
