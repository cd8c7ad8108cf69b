//! [`Call`]: what a generated JSON endpoint method returns.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::ApiResponse;
use crate::client::ClientCore;
use crate::error::Result;
use crate::request::Request;

/// A prepared API call. Await it for the decoded response body, or call
/// [`Call::with_response`] to also get the status, headers and `request-id`:
///
/// ```no_run
/// # use anthropic_openapi::{Client, ModelsListParams};
/// # async fn run(client: Client) -> anthropic_openapi::Result<()> {
/// let page = client.models().list(ModelsListParams::new()).await?;
/// let response = client.models().list(ModelsListParams::new()).with_response().await?;
/// println!("{} models, request {:?}", page.data.len(), response.request_id);
/// # Ok(())
/// # }
/// ```
///
/// Nothing is sent until it is awaited.
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<T> {
    core: ClientCore,
    request: Result<Request>,
    output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<T> {
    /// Prepares a call; an error in building the request is returned when it is awaited.
    /// Called by the generated endpoint methods.
    #[doc(hidden)]
    pub fn new(core: ClientCore, request: Result<Request>) -> Self {
        Call {
            core,
            request,
            output: PhantomData,
        }
    }

    /// Sends the request and returns the decoded body together with the HTTP status, the
    /// response headers and the `request-id`.
    pub async fn with_response(self) -> Result<ApiResponse<T>> {
        self.core.send_json_with_response(self.request?).await
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            // Borrowed where it is rather than moved to a local, which the future would have
            // to make room for as well.
            match self.request {
                Ok(ref request) => {
                    let (data, _, _) = self.core.receive_json(request).await?;
                    Ok(data)
                }
                Err(e) => Err(e),
            }
        })
    }
}
