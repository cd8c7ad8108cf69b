//! The streamed form of a tool run: a [`Stream`] of [`RunEvent`]s, each reply's events as
//! they arrive, then the reply, then the results of its tool calls.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::FusedStream;
use futures::{FutureExt as _, Stream, StreamExt as _};

use crate::Message;
use crate::handwritten::message_stream::MessageStream;
use crate::handwritten::tool_runner::{Engine, RunEvent, ToolRunError, Transcript, result_events};

/// A tool run whose replies are streamed, from [`ToolRunner::stream`](crate::ToolRunner::stream).
///
/// Items are [`RunEvent`]s: for each reply, its events as they arrive
/// ([`RunEvent::Stream`]), then the reply, complete ([`RunEvent::Reply`]), then the result of
/// each of its tool calls ([`RunEvent::ToolResult`]). The stream ends after the final reply;
/// a run that cannot finish ends with a [`ToolRunError`] as its last item. Between items,
/// [`transcript`](Self::transcript) has the conversation so far.
///
/// ```no_run
/// use anthropic_openapi::{Client, FunctionTool, MessageCreateParams, MessageParam, RunEvent};
/// use futures::StreamExt as _;
///
/// # async fn run(client: Client, params: MessageCreateParams, tools: Vec<FunctionTool>)
/// #     -> Result<(), anthropic_openapi::ToolRunError> {
/// let mut run = client.messages().tool_runner(params, tools).stream();
/// while let Some(event) = run.next().await {
///     match event? {
///         RunEvent::Reply(reply) => println!("assistant: {}", reply.text()),
///         RunEvent::ToolResult { call, result } => println!("{} -> {:?}", call.name, result.content),
///         _ => {}
///     }
/// }
/// println!("{} replies", run.transcript().replies.len());
/// # Ok(())
/// # }
/// ```
pub struct ToolRunStream {
    /// The run, between items; `None` while `pending` works on it.
    state: Option<Box<State>>,
    pending: Option<BoxFuture<'static, Step>>,
}

type Step = (Box<State>, Option<Result<RunEvent, ToolRunError>>);

struct State {
    engine: Engine,
    phase: Phase,
    queue: VecDeque<RunEvent>,
}

enum Phase {
    /// The next request is to be sent.
    Ask,
    /// A reply is streaming.
    Streaming(Box<MessageStream>),
    /// The run is over.
    Done,
}

impl fmt::Debug for ToolRunStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolRunStream")
            .field(
                "transcript",
                &self.state.as_ref().map(|s| s.engine.transcript()),
            )
            .finish_non_exhaustive()
    }
}

impl ToolRunStream {
    pub(crate) fn new(engine: Engine) -> ToolRunStream {
        ToolRunStream {
            state: Some(Box::new(State {
                engine,
                phase: Phase::Ask,
                queue: VecDeque::new(),
            })),
            pending: None,
        }
    }

    /// The conversation and the replies so far. Read between items: while an item is being
    /// produced (a poll returned `Pending`), it is empty.
    pub fn transcript(&self) -> &Transcript {
        static EMPTY: Transcript = Transcript {
            messages: Vec::new(),
            replies: Vec::new(),
        };
        self.state
            .as_ref()
            .map_or(&EMPTY, |state| state.engine.transcript())
    }

    /// The last complete reply so far (after the stream ends, the final one).
    pub fn final_message(&self) -> Option<&Message> {
        self.transcript().replies.last()
    }
}

impl State {
    async fn step(mut self: Box<Self>) -> Step {
        let item = self.advance().await;
        (self, item)
    }

    async fn advance(&mut self) -> Option<Result<RunEvent, ToolRunError>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(Ok(event));
            }
            match &mut self.phase {
                Phase::Done => return None,
                Phase::Ask => {
                    let request = match self.engine.next_request() {
                        Ok(request) => request,
                        Err(error) => {
                            self.phase = Phase::Done;
                            return Some(Err(error));
                        }
                    };
                    match self.engine.client.messages().stream(request).await {
                        Ok(stream) => self.phase = Phase::Streaming(Box::new(stream)),
                        Err(error) => {
                            self.phase = Phase::Done;
                            return Some(Err(self.engine.failed(error)));
                        }
                    }
                }
                Phase::Streaming(stream) => match stream.next().await {
                    Some(Ok(event)) => return Some(Ok(RunEvent::Stream(event))),
                    Some(Err(error)) => {
                        self.phase = Phase::Done;
                        return Some(Err(self.engine.failed(error)));
                    }
                    None => {
                        let Phase::Streaming(stream) =
                            std::mem::replace(&mut self.phase, Phase::Done)
                        else {
                            unreachable!("the phase was just matched");
                        };
                        let reply = match stream.final_message().await {
                            Ok(reply) => reply,
                            Err(error) => return Some(Err(self.engine.failed(error))),
                        };
                        let shown = reply.clone();
                        let (results, go_on) = self.engine.take_reply(reply).await;
                        self.queue = result_events(&shown, results);
                        if go_on {
                            self.phase = Phase::Ask;
                        }
                    }
                },
            }
        }
    }
}

impl Stream for ToolRunStream {
    type Item = Result<RunEvent, ToolRunError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(state) = this.state.take() else {
                return Poll::Ready(None);
            };
            this.pending = Some(state.step().boxed());
        }
        let pending = this.pending.as_mut().expect("a step is pending");
        match pending.poll_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((state, item)) => {
                this.pending = None;
                this.state = Some(state);
                Poll::Ready(item)
            }
        }
    }
}

impl FusedStream for ToolRunStream {
    fn is_terminated(&self) -> bool {
        self.pending.is_none()
            && self
                .state
                .as_ref()
                .is_none_or(|s| matches!(s.phase, Phase::Done) && s.queue.is_empty())
    }
}
