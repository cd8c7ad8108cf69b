//! The pieces of a streamed message as they arrive (text, thinking, tool input, citations),
//! read from a [`MessageStream`] that goes on assembling the message.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

use crate::handwritten::message_stream::MessageStream;
use crate::runtime::Result;
use crate::types::{ContentBlockDelta, ContentBlockDeltaEvent, MessageStreamEvent, TextCitation};

/// One piece of a streamed message's content, as it arrives: what a program shows or
/// collects while the message streams, without matching on events and deltas.
///
/// More kinds of piece may be added; a `match` needs a `_` arm.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Piece {
    /// Text to append to the reply (a `text_delta`).
    Text(String),
    /// Thinking to append to the visible reasoning (a `thinking_delta`).
    Thinking(String),
    /// A fragment of the JSON input of the tool call in content block `index` (an
    /// `input_json_delta`). The fragments of a block, joined, are its input; the call's name
    /// and id are in [`MessageStream::snapshot`] at that index from the start of the block.
    ToolInput {
        /// The content block the input belongs to.
        index: usize,
        /// The next fragment of the input's JSON text.
        partial_json: String,
    },
    /// A citation supporting the text of content block `index` (a `citations_delta`).
    Citation {
        /// The text block the citation belongs to.
        index: usize,
        /// The citation.
        citation: TextCitation,
    },
}

impl Piece {
    /// The piece an event carries, if it carries one.
    fn from_event(event: MessageStreamEvent) -> Option<Piece> {
        let MessageStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent { delta, index, .. }) =
            event
        else {
            return None;
        };
        // The index was checked when the event was applied to the snapshot.
        let index = usize::try_from(index).ok()?;
        Some(match delta {
            ContentBlockDelta::TextDelta(d) => Piece::Text(d.text),
            ContentBlockDelta::ThinkingDelta(d) => Piece::Thinking(d.thinking),
            ContentBlockDelta::InputJsonDelta(d) => Piece::ToolInput {
                index,
                partial_json: d.partial_json,
            },
            ContentBlockDelta::CitationsDelta(d) => Piece::Citation {
                index,
                citation: d.citation,
            },
            ContentBlockDelta::SignatureDelta(_) | ContentBlockDelta::Unknown(_) => return None,
        })
    }
}

impl MessageStream {
    /// The next piece of the message's content, reading events until one carries a piece:
    /// `None` once the stream is over. Errors end the stream, as for its events.
    ///
    /// The stream keeps assembling the message meanwhile, so that after the last piece
    /// [`final_message`](Self::final_message) (or [`snapshot`](Self::snapshot)) gives the
    /// whole message, with its stop reason and usage.
    ///
    /// ```no_run
    /// use anthropic_openapi::{Client, MessageCreateParams, MessageParam, Piece};
    ///
    /// # async fn run(client: Client) -> anthropic_openapi::Result<()> {
    /// let params = MessageCreateParams::new("claude-sonnet-4-5", [MessageParam::user("Hi")], 1024);
    /// let mut stream = client.messages().stream(params).await?;
    /// while let Some(piece) = stream.next_piece().await {
    ///     match piece? {
    ///         Piece::Text(text) => print!("{text}"),
    ///         Piece::Thinking(thinking) => eprint!("{thinking}"),
    ///         _ => {}
    ///     }
    /// }
    /// let message = stream.final_message().await?;
    /// println!("\n{} output tokens", message.usage.output_tokens);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_piece(&mut self) -> Option<Result<Piece>> {
        futures::future::poll_fn(|cx| poll_piece(self, cx)).await
    }

    /// The pieces of the message's content as a stream, borrowing this one: the items of
    /// [`next_piece`](Self::next_piece), for stream combinators. When it is dropped, this
    /// stream can still be read, and gives the assembled message.
    pub fn pieces(&mut self) -> impl Stream<Item = Result<Piece>> + Send + Unpin + '_ {
        Pieces { stream: self }
    }
}

/// Polls `stream` for events until one carries a piece, or the stream ends.
fn poll_piece(stream: &mut MessageStream, cx: &mut Context<'_>) -> Poll<Option<Result<Piece>>> {
    loop {
        match Pin::new(&mut *stream).poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            Poll::Ready(Some(Ok(event))) => {
                if let Some(piece) = Piece::from_event(event) {
                    return Poll::Ready(Some(Ok(piece)));
                }
            }
        }
    }
}

/// The stream of [`MessageStream::pieces`].
struct Pieces<'a> {
    stream: &'a mut MessageStream,
}

impl Stream for Pieces<'_> {
    type Item = Result<Piece>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_piece(self.stream, cx)
    }
}
