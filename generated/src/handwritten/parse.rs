//! Structured outputs as a Rust type: `client.messages().parse::<T>(params)` asks for JSON
//! that fits `T`'s schema and returns the reply together with the decoded `T`.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use serde::de::DeserializeOwned;

#[cfg(feature = "schemars")]
use crate::MessageCreateParams;
use crate::handwritten::message_stream::MessageStream;
use crate::runtime::Error;
use crate::{Message, StopReason};

/// A reply and its output decoded into `T`.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed<T> {
    /// The reply as it came (its text is the JSON that `output` was decoded from).
    pub message: Message,
    /// The reply's output, decoded.
    pub output: T,
}

impl<T: DeserializeOwned> Parsed<T> {
    /// Decodes the text of `message` (its text blocks, joined) into a `T`.
    ///
    /// A reply that stopped for `refusal` or `max_tokens` is an error of that kind whatever
    /// its text: a refusal's text is not the requested JSON, and a truncated one is not
    /// complete.
    pub fn from_message(message: Message) -> Result<Parsed<T>, ParseError> {
        match message.stop_reason {
            Some(StopReason::Refusal) => return Err(ParseError::Refusal(Box::new(message))),
            Some(StopReason::MaxTokens) => return Err(ParseError::MaxTokens(Box::new(message))),
            _ => {}
        }
        match serde_json::from_str::<T>(&message.text()) {
            Ok(output) => Ok(Parsed { message, output }),
            Err(error) => Err(ParseError::Invalid {
                message: Box::new(message),
                error,
            }),
        }
    }
}

/// Why `messages().parse::<T>()` (or `stream_parse`) has no `T` to give. Every kind that got
/// a reply keeps it.
#[derive(Debug)]
#[non_exhaustive]
pub enum ParseError {
    /// The type's schema cannot be used for a structured output; no request was sent.
    Schema(crate::SchemaError),
    /// The request failed.
    Request(Error),
    /// The model refused (stop reason `refusal`); the reply's text says why, when it says.
    Refusal(Box<Message>),
    /// The reply reached `max_tokens` before its JSON was complete.
    MaxTokens(Box<Message>),
    /// The reply's text does not decode into the type.
    Invalid {
        /// The reply.
        message: Box<Message>,
        /// What the JSON decoder reported.
        error: serde_json::Error,
    },
}

impl ParseError {
    /// The reply, for the kinds that got one.
    pub fn message(&self) -> Option<&Message> {
        match self {
            ParseError::Refusal(message)
            | ParseError::MaxTokens(message)
            | ParseError::Invalid { message, .. } => Some(message),
            ParseError::Schema(_) | ParseError::Request(_) => None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Schema(error) => error.fmt(f),
            ParseError::Request(error) => error.fmt(f),
            ParseError::Refusal(_) => {
                f.write_str("the model refused to answer (stop reason refusal)")
            }
            ParseError::MaxTokens(message) => write!(
                f,
                "the reply reached max_tokens after {} output tokens, before its JSON was complete",
                message.usage.output_tokens
            ),
            ParseError::Invalid { error, .. } => {
                write!(
                    f,
                    "the reply's JSON does not fit the requested type: {error}"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ParseError::Schema(error) => Some(error),
            ParseError::Request(error) => Some(error),
            ParseError::Invalid { error, .. } => Some(error),
            ParseError::Refusal(_) | ParseError::MaxTokens(_) => None,
        }
    }
}

impl From<Error> for ParseError {
    fn from(error: Error) -> Self {
        ParseError::Request(error)
    }
}

/// A streamed reply whose output is decoded into `T` once complete, from
/// `messages().stream_parse::<T>()` (with the `schemars` feature).
///
/// It is a [`MessageStream`] (it dereferences to one: read its events, `next_piece()` or
/// `snapshot()` as usual); [`final_parsed`](Self::final_parsed) reads the rest and decodes.
#[derive(Debug)]
pub struct ParsedStream<T> {
    stream: MessageStream,
    output: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> ParsedStream<T> {
    /// Reads the rest of the stream and decodes the complete reply as
    /// [`Parsed::from_message`] does.
    pub async fn final_parsed(self) -> Result<Parsed<T>, ParseError> {
        Parsed::from_message(self.stream.final_message().await?)
    }

    /// The underlying message stream.
    pub fn into_inner(self) -> MessageStream {
        self.stream
    }
}

impl<T> Deref for ParsedStream<T> {
    type Target = MessageStream;

    fn deref(&self) -> &MessageStream {
        &self.stream
    }
}

impl<T> DerefMut for ParsedStream<T> {
    fn deref_mut(&mut self) -> &mut MessageStream {
        &mut self.stream
    }
}

/// `params` with its output format set to the JSON of `T` (other output settings kept).
#[cfg(feature = "schemars")]
fn with_format<T: schemars::JsonSchema>(
    mut params: MessageCreateParams,
) -> Result<MessageCreateParams, ParseError> {
    let format = crate::JsonOutputFormatParam::from_type::<T>().map_err(ParseError::Schema)?;
    let config = params.output_config.take().unwrap_or_default();
    Ok(params.output_config(config.format(format)))
}

#[cfg(feature = "schemars")]
impl crate::resources::MessagesApi<'_> {
    /// Creates a message whose output is JSON of `T`'s schema, and decodes it: sets
    /// `output_config.format` to the schema of `T` (see [`schema_for`](crate::schema_for);
    /// other output settings are kept), sends the request, and decodes the reply's text.
    ///
    /// A refusal, a reply cut by `max_tokens`, and text that does not decode are
    /// [`ParseError`]s that keep the reply.
    ///
    /// ```no_run
    /// use anthropic_openapi::{Client, MessageCreateParams, MessageParam};
    /// use schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// struct Contact {
    ///     name: String,
    ///     email: Option<String>,
    /// }
    ///
    /// # async fn run(client: Client) -> Result<(), anthropic_openapi::ParseError> {
    /// let question = "Extract the contact: Ada Lovelace, ada@example.com";
    /// let params = MessageCreateParams::new("claude-sonnet-4-5", [MessageParam::user(question)], 1024);
    /// let contact = client.messages().parse::<Contact>(params).await?.output;
    /// println!("{} <{}>", contact.name, contact.email.unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn parse<T: DeserializeOwned + schemars::JsonSchema>(
        &self,
        params: MessageCreateParams,
    ) -> Result<Parsed<T>, ParseError> {
        let message = self.create(with_format::<T>(params)?).await?;
        Parsed::from_message(message)
    }

    /// [`parse`](Self::parse), streamed: returns a [`ParsedStream`] whose events arrive as
    /// with [`stream`](Self::stream), and whose
    /// [`final_parsed`](ParsedStream::final_parsed) decodes the complete reply.
    pub async fn stream_parse<T: DeserializeOwned + schemars::JsonSchema>(
        &self,
        params: MessageCreateParams,
    ) -> Result<ParsedStream<T>, ParseError> {
        let stream = self.stream(with_format::<T>(params)?).await?;
        Ok(ParsedStream {
            stream,
            output: PhantomData,
        })
    }
}
