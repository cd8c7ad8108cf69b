//! The send path: every request goes through [`ClientCore::execute`], which makes attempts,
//! sorts their responses and retries what may be retried.

use std::time::Duration;

use futures::StreamExt;
use futures::future::Either;
use reqwest::Url;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::core::ClientCore;
use super::prepare::{
    ACCEPT_ANY, ACCEPT_JSON, ACCEPT_JSONL, ACCEPT_SSE, RETRY_COUNT, Target, retry_count_value,
    set_multipart_headers,
};
use super::response::{
    Failure, Inspected, StreamKind, check_stream_response, content_type_is, header_request_id,
    inspect_response, read_error_response, read_json_response,
};
use crate::error::{ApiError, Error, Result, from_json_slice, quoted, redact_url};
use crate::jsonl::JsonlStream;
use crate::options::ApiResponse;
use crate::platform::Attempt;
use crate::request::{Body, BodyFault, ByteStream, EncodedMultipart, Request};
use crate::retry::retry_delay;
use crate::sse::SseStream;

/// When a call must be over, and the deadline it was given (for the error).
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: tokio::time::Instant,
    given: Duration,
}

impl Deadline {
    /// The deadline of a call starting now; `None` without one (or one too far to count).
    fn start(given: Option<Duration>) -> Option<Deadline> {
        let given = given?;
        let at = tokio::time::Instant::now().checked_add(given)?;
        Some(Deadline { at, given })
    }

    fn error(self) -> Error {
        Error::DeadlineExceeded(self.given)
    }
}

/// Runs `fut`, failing with [`Error::DeadlineExceeded`] if `deadline` passes first.
async fn within<T>(deadline: Option<Deadline>, fut: impl Future<Output = Result<T>>) -> Result<T> {
    match deadline {
        None => fut.await,
        Some(d) => tokio::time::timeout_at(d.at, fut)
            .await
            .unwrap_or_else(|_| Err(d.error())),
    }
}

impl ClientCore {
    /// Sends `req` and decodes the JSON response body into `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        let (data, _, _) = self.receive_json(&req).await?;
        Ok(data)
    }

    /// Sends `req` and decodes the JSON response body into `T`, keeping the response's status,
    /// headers and `request-id`.
    pub async fn send_json_with_response<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<ApiResponse<T>> {
        let (data, status, headers) = self.receive_json(&req).await?;
        let request_id = header_request_id(&headers);
        Ok(ApiResponse {
            data,
            status,
            headers,
            request_id,
        })
    }

    /// Sends `req` and decodes the JSON response body into `T`; also returns the status and
    /// the response headers. (Used by [`Call`](super::Call) directly, which saves a layer of
    /// futures: each layer is moved into the next when it starts.)
    pub(crate) async fn receive_json<T: DeserializeOwned>(
        &self,
        req: &Request,
    ) -> Result<(T, u16, HeaderMap)> {
        let (status, headers, body) = self.receive_json_body(req).await?;
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &body
        };
        match from_json_slice(text) {
            Ok(data) => Ok((data, status, headers)),
            // Some gateways answer an error with a success status: the error it carries.
            Err(e) => Err(self.error_in_success(status, &headers, &body).unwrap_or(e)),
        }
    }

    /// Sends `req` and reads the whole body of its JSON response, with the status and the
    /// headers. Not generic, unlike [`ClientCore::receive_json`], which only decodes what this
    /// returns: the sending, retrying and reading are compiled once, in this crate, and not
    /// again for each response type in each crate that awaits a call.
    async fn receive_json_body(&self, req: &Request) -> Result<(u16, HeaderMap, bytes::Bytes)> {
        let rewritten = self.for_platform(req)?;
        let req = rewritten.as_ref().unwrap_or(req);
        let target = self.target_for(req)?;
        let limit = self.limits().json_body;
        let deadline = Deadline::start(self.deadline());
        within(
            deadline,
            self.execute(req, &target, ACCEPT_JSON, |resp| {
                read_json_response(resp, limit)
            }),
        )
        .await
    }

    /// The [`Error::Api`] of a success response whose body is the API's error JSON
    /// (`{"type": "error", "error": {…}}`); its status is kept in [`ApiError::status`].
    #[cold]
    fn error_in_success(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> Option<Error> {
        let keep = self.limits().error_body;
        let mut api = ApiError::from_error_body(status, header_request_id(headers), body)?
            .with_headers(headers.clone());
        if api.body.len() > keep {
            let mut end = keep;
            while !api.body.is_char_boundary(end) {
                end -= 1;
            }
            api.body.truncate(end);
        }
        Some(Error::Api(api))
    }

    /// Sends `req` and decodes the `text/event-stream` response as it arrives.
    pub async fn send_sse<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Result<SseStream<T>> {
        let req = self.for_platform(&req)?.unwrap_or(req);
        let target = self.target_for(&req)?;
        let framing = self.platform().and_then(|p| p.stream_content_type());
        let kind = match framing {
            Some(content_type) => StreamKind::EventsOr(content_type),
            None => StreamKind::Events,
        };
        let (resp, deadline) = self
            .open_stream(&req, &target, ACCEPT_SSE, Some(kind))
            .await?;
        let request_id = header_request_id(resp.headers());
        let headers = resp.headers().clone();
        let limits = self.limits();
        // A body in the platform's own framing is decoded into server-sent events.
        let framed = framing.is_some_and(|framing| content_type_is(resp.headers(), framing));
        let mut body = self.body_stream(resp, deadline);
        if framed && let Some(platform) = self.platform() {
            body = platform.decode_stream(body, request_id.clone());
        }
        Ok(SseStream::from_byte_stream(body)
            .with_headers(request_id, headers)
            .with_max_event(limits.stream_item)
            .with_max_error_body(limits.error_body))
    }

    /// Sends `req` and decodes the `application/x-jsonl` response line by line.
    pub async fn send_jsonl<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Result<JsonlStream<T>> {
        let target = self.target_for(&req)?;
        self.jsonl_from(&req, &target).await
    }

    /// Sends `req` and returns the response body as a stream of chunks.
    pub async fn send_bytes(&self, req: Request) -> Result<ByteStream> {
        let target = self.target_for(&req)?;
        let (resp, deadline) = self.open_stream(&req, &target, ACCEPT_ANY, None).await?;
        Ok(self.body_stream(resp, deadline))
    }

    /// Starts the call's deadline and sends a request whose successful response is streamed,
    /// within that deadline; the deadline goes on to bound the body.
    async fn open_stream(
        &self,
        req: &Request,
        target: &Target,
        accept: &'static str,
        kind: Option<StreamKind>,
    ) -> Result<(reqwest::Response, Option<Deadline>)> {
        let deadline = Deadline::start(self.deadline());
        let resp = within(deadline, self.send_streaming(req, target, accept, kind)).await?;
        Ok((resp, deadline))
    }

    /// Sends a request whose response is JSON Lines, and decodes it line by line.
    async fn jsonl_from<T: DeserializeOwned + Send + 'static>(
        &self,
        req: &Request,
        target: &Target,
    ) -> Result<JsonlStream<T>> {
        let (resp, deadline) = self
            .open_stream(req, target, ACCEPT_JSONL, Some(StreamKind::Lines))
            .await?;
        let request_id = header_request_id(resp.headers());
        let headers = resp.headers().clone();
        Ok(
            JsonlStream::from_byte_stream(self.body_stream(resp, deadline))
                .with_headers(request_id, headers)
                .with_max_line(self.limits().stream_item),
        )
    }

    /// Fetches an absolute URL (such as a batch's `results_url`) and decodes it as JSONL.
    ///
    /// The client's credentials and default headers are sent only when the URL has the same
    /// scheme, host and port as the base URL.
    pub async fn get_url_jsonl<T: DeserializeOwned + Send + 'static>(
        &self,
        url: &str,
    ) -> Result<JsonlStream<T>> {
        let shown = || quoted(&redact_url(url));
        let parsed =
            Url::parse(url).map_err(|e| Error::Config(format!("invalid URL {}: {e}", shown())))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "URL {} is not an http(s) URL",
                shown()
            )));
        }
        let credentials = parsed.origin() == self.inner.base_url.origin();
        let target = Target {
            url: parsed,
            credentials,
        };
        let req = Request::new(reqwest::Method::GET, target.url.path().to_string());
        self.jsonl_from(&req, &target).await
    }

    /// Sends a request whose successful response is streamed to the caller: retried until
    /// response headers with a success status arrive, never after. With a `kind`, a response
    /// whose content type says it is not that kind of stream is refused (see
    /// [`check_stream_response`]).
    async fn send_streaming(
        &self,
        req: &Request,
        target: &Target,
        accept: &'static str,
        kind: Option<StreamKind>,
    ) -> Result<reqwest::Response> {
        let limit = self.limits().error_body;
        self.execute(req, target, accept, |resp| async move {
            match kind {
                Some(kind) => check_stream_response(resp, kind, limit).await,
                None => Ok(resp),
            }
        })
        .await
    }

    /// Sends a request with retries. Each attempt (sending, then `on_success` for a success
    /// status) is bounded by the timeout; a failed attempt is retried when its [`Failure`]
    /// allows it and retries remain, after the delay the rules give. The last failure's
    /// error is returned.
    async fn execute<T, F, Fut>(
        &self,
        req: &Request,
        target: &Target,
        accept: &'static str,
        on_success: F,
    ) -> Result<T>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        // In a block, so that the future does not keep room for this map once it is moved.
        let (headers, multipart) = {
            let mut headers = self.headers(req, accept, target.credentials)?;
            let multipart = match &req.body {
                Body::Multipart(form) => {
                    let encoded = form.encode()?;
                    set_multipart_headers(&mut headers, &encoded)?;
                    Some(encoded)
                }
                _ => None,
            };
            (headers, multipart)
        };
        // The first attempt hands this map over to `reqwest`; a retry builds it again.
        let mut first_headers = Some(headers);
        let timeout = self.timeout();
        let max_retries = self.max_retries();
        let retry_after_send = self.retry_after_send();
        let error_limit = self.limits().error_body;
        // Shortened when long (an id of megabytes), as in error messages.
        let path = crate::error::clip(target.url.path(), crate::error::MAX_QUOTED);
        let mut retry: u32 = 0;
        loop {
            let span = tracing::debug_span!(
                "anthropic_request",
                method = %req.method,
                path = %path,
                attempt = retry,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let headers = match first_headers.take() {
                Some(headers) => headers,
                // Built as for the first attempt, from the same inputs: it cannot fail now.
                None => {
                    let mut headers = self.headers(req, accept, target.credentials)?;
                    if let Some(encoded) = &multipart {
                        set_multipart_headers(&mut headers, encoded)?;
                    }
                    headers
                }
            };
            let attempt = self.attempt(
                req,
                target,
                headers,
                multipart.as_ref(),
                (retry, &span, error_limit),
                &on_success,
            );
            let failure = match tokio::time::timeout(timeout, attempt)
                .instrument(span.clone())
                .await
            {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(failure)) => failure,
                Err(_) => Failure {
                    error: Error::Timeout,
                    retry: true,
                    before_send: false,
                    headers: None,
                },
            };
            let reason = failure.reason();
            // A one-shot upload stream that has started to be sent cannot be sent again.
            let resendable = multipart.as_ref().is_none_or(EncodedMultipart::can_resend);
            // Without retries after sending, only a failure to connect is retried.
            let allowed = retry_after_send || failure.before_send;
            if !failure.retry || retry >= max_retries || !resendable || !allowed {
                tracing::debug!(
                    parent: &span,
                    reason = %reason,
                    retryable = failure.retry,
                    resendable,
                    retry_after_send,
                    "request failed"
                );
                return Err(failure.error);
            }
            let delay = retry_delay(failure.response_headers(), retry, &self.inner.backoff);
            tracing::debug!(
                parent: &span,
                delay_ms = delay.as_secs_f64() * 1000.0,
                reason = %reason,
                retry = retry + 1,
                max_retries,
                "retrying request"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    /// One attempt: builds the `reqwest` request, sends it, and hands a success response to
    /// `on_success`; an error response is read into [`Error::Api`].
    ///
    /// The future of an attempt keeps room for every local that is borrowed before an
    /// `.await` and still in scope after it, so the request and the response are handled by
    /// the plain functions [`ClientCore::send_http`] and [`inspect_response`], which take
    /// them by value.
    async fn attempt<T, F, Fut>(
        &self,
        req: &Request,
        target: &Target,
        headers: HeaderMap,
        multipart: Option<&EncodedMultipart>,
        (retry, span, error_limit): (u32, &tracing::Span, usize),
        on_success: &F,
    ) -> std::result::Result<T, Failure>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = std::result::Result<T, Failure>>,
    {
        let fault = BodyFault::default();
        let body = match (&req.body, multipart) {
            (Body::Json(bytes), _) => Some(reqwest::Body::from(bytes.clone())),
            (_, Some(form)) => Some(form.body(&fault).await.map_err(Failure::fatal)?),
            _ => None,
        };
        let mut headers = headers;
        headers.insert(RETRY_COUNT, retry_count_value(retry));
        if target.credentials
            && let Some(platform) = self.platform()
        {
            let bytes: &[u8] = match &req.body {
                Body::Json(bytes) => bytes,
                _ => &[],
            };
            let mut attempt = Attempt {
                method: &req.method,
                url: &target.url,
                headers: &mut headers,
                body: bytes,
            };
            platform
                .authorize(&mut attempt)
                .await
                .map_err(Failure::fatal)?;
        }
        let sent = self.send_http(req, &target.url, headers, body).await;
        // A body that failed on its own (a file that changed size, a caller's stream error)
        // is reported as such and not retried; otherwise it is a connection error.
        let resp = sent.map_err(|e| match fault.take() {
            Some(error) => Failure::fatal(error),
            None => Failure::transport(e),
        })?;
        // Awaited after the `match`, which would otherwise keep its value alive meanwhile.
        let rest = match inspect_response(resp, span) {
            Inspected::Success(resp) => Either::Left(on_success(resp)),
            Inspected::Error(failed) => Either::Right(read_error_response(failed, error_limit)),
            Inspected::Redirect(failure) => return Err(failure),
        };
        match rest {
            Either::Left(success) => success.await,
            Either::Right(failure) => Err(failure.await),
        }
    }

    /// Sends the `reqwest` request of one attempt: `headers` (the retry count and a
    /// platform's credentials already in them), `body`.
    fn send_http(
        &self,
        req: &Request,
        url: &Url,
        headers: HeaderMap,
        body: Option<reqwest::Body>,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + use<> {
        let url = url.clone();
        if url.has_host() && url.username().is_empty() && url.password().is_none() {
            // What `RequestBuilder` makes (it also refuses a URL without a host), without
            // copying the headers one by one into a new map.
            let mut request = reqwest::Request::new(req.method.clone(), url);
            *request.headers_mut() = headers;
            *request.body_mut() = body;
            Either::Left(self.inner.http.execute(request))
        } else {
            // The builder turns the user name and password of the URL into basic
            // authentication (unless the headers have their own `Authorization`).
            let mut builder = self
                .inner
                .http
                .request(req.method.clone(), url)
                .headers(headers);
            if let Some(body) = body {
                builder = builder.body(body);
            }
            Either::Right(builder.send())
        }
    }

    /// The response body as chunks, each awaited at most the timeout, and none past the
    /// call's deadline.
    fn body_stream(&self, resp: reqwest::Response, deadline: Option<Deadline>) -> ByteStream {
        let idle = self.timeout();
        let body = resp.bytes_stream().boxed();
        Box::pin(futures::stream::unfold(
            Some(body),
            move |state| async move {
                let mut body = state?;
                let pause_end = tokio::time::Instant::now().checked_add(idle);
                // Whichever comes first: the end of the allowed pause, or the deadline.
                let (until, is_deadline) = match (pause_end, deadline) {
                    (Some(p), Some(d)) if d.at <= p => (Some(d.at), true),
                    (None, Some(d)) => (Some(d.at), true),
                    (p, _) => (p, false),
                };
                let next = match until {
                    Some(until) => tokio::time::timeout_at(until, body.next()).await,
                    None => Ok(body.next().await),
                };
                match next {
                    Err(_) => {
                        let error = match deadline {
                            Some(d) if is_deadline => d.error(),
                            _ => Error::Timeout,
                        };
                        Some((Err(error), None))
                    }
                    Ok(None) => None,
                    Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(body))),
                    Ok(Some(Err(e))) => Some((Err(Error::from(e)), None)),
                }
            },
        ))
    }
}
