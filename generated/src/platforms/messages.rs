//! [`PlatformMessages`]: the typed Messages methods of a platform client. The requests are
//! built as the first-party client builds them (`POST /v1/messages`, with `stream` set by the
//! method); the client's platform rewrites them on the way out.

use std::marker::PhantomData;

use crate::runtime::{Call, ClientCore, Request, Result, SseStream};
use crate::{
    Message, MessageCountTokensParams, MessageCreateParams, MessageStream, MessageStreamEvent,
    MessageTokensCount,
};

/// A platform that serves token counting (`POST /v1/messages/count_tokens`), so that its
/// client has [`PlatformMessages::count_tokens`].
pub trait CountsTokens {}

/// The Messages methods of a platform client `P`: `client.messages()`.
pub struct PlatformMessages<'a, P> {
    core: &'a ClientCore,
    platform: PhantomData<fn() -> P>,
}

impl<P> Clone for PlatformMessages<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for PlatformMessages<'_, P> {}

impl<P> std::fmt::Debug for PlatformMessages<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformMessages")
            .field("core", self.core)
            .finish()
    }
}

impl<'a, P> PlatformMessages<'a, P> {
    pub(crate) fn new(core: &'a ClientCore) -> Self {
        PlatformMessages {
            core,
            platform: PhantomData,
        }
    }

    /// Create a message: the whole reply at once. As on the first-party client, a request
    /// whose `max_tokens` could take longer than ten minutes is refused unless a timeout was
    /// set (stream it instead).
    pub fn create(&self, body: MessageCreateParams) -> Call<Message> {
        let mut body = body;
        body.stream = None;
        body.extra.remove("stream");
        let request = Request::new(reqwest::Method::POST, "/v1/messages".to_string())
            .json_body(&body)
            .and_then(|request| {
                self.core.check_nonstreaming(body.max_tokens)?;
                Ok(request)
            });
        Call::new(self.core.clone(), request)
    }

    /// Create a message, streamed: the typed events as they arrive (decoded from the
    /// platform's framing where it has its own).
    pub async fn create_stream(
        &self,
        body: MessageCreateParams,
    ) -> Result<SseStream<MessageStreamEvent>> {
        let mut body = body;
        body.stream = Some(true);
        body.extra.remove("stream");
        let request =
            Request::new(reqwest::Method::POST, "/v1/messages".to_string()).json_body(&body)?;
        self.core.send_sse(request).await
    }

    /// Create a message, streamed into a [`MessageStream`], which also assembles the final
    /// [`Message`].
    pub async fn stream(&self, body: MessageCreateParams) -> Result<MessageStream> {
        Ok(MessageStream::new(self.create_stream(body).await?))
    }
}

impl<P: CountsTokens> PlatformMessages<'_, P> {
    /// Count the tokens of a request, where the platform counts them.
    pub fn count_tokens(&self, body: MessageCountTokensParams) -> Call<MessageTokensCount> {
        let request = Request::new(
            reqwest::Method::POST,
            "/v1/messages/count_tokens".to_string(),
        )
        .json_body(&body);
        Call::new(self.core.clone(), request)
    }
}
