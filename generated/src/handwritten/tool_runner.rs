//! The tool-use loop, run for the program: call the model, answer every tool call of its
//! reply with the matching [`FunctionTool`], send the results back, and repeat until the model
//! is done.

use std::collections::VecDeque;
use std::fmt;
use std::future::IntoFuture;

use futures::future::BoxFuture;

use crate::handwritten::function_tool::FunctionTool;
use crate::handwritten::tool_run_stream::ToolRunStream;
use crate::runtime::Error;
use crate::{
    Client, ContentBlockParam, Message, MessageCreateParams, MessageParam, StopReason,
    ToolResultBlockParam, ToolUseBlock,
};

/// How many requests a [`ToolRunner`] makes at most, unless told otherwise.
pub const DEFAULT_MAX_TURNS: usize = 10;

/// Runs the tool-use loop of one conversation. Get one from
/// [`client.messages().tool_runner(params, tools)`](crate::resources::MessagesApi::tool_runner).
///
/// Each turn sends the conversation so far and reads the reply. Then:
///
/// - stop reason `tool_use`: every tool call of the reply is answered, concurrently, by the
///   tool of that name (a call of a tool the runner does not have, an input that does not
///   decode, and a function's error are answered with an `is_error` result, so that the model
///   can react); the reply goes into the conversation as the assistant's turn, every block of
///   it, and the results as the next user turn; the runner asks again;
/// - stop reason `pause_turn` (a server tool paused a long turn): the reply goes into the
///   conversation and the runner asks again, so that the model continues it;
/// - any other stop reason (`end_turn`, `max_tokens`, `refusal`, …): the run is over, and the
///   reply is its [`final_message`](ToolRun::final_message).
///
/// A reply that names a container (code execution) has its id sent with the next requests.
/// At most [`max_turns`](Self::max_turns) requests are made ([`DEFAULT_MAX_TURNS`] by
/// default); a run that needs more ends with [`ToolRunError::MaxTurns`], which keeps the
/// conversation, the results of the last tool calls included.
///
/// Await the runner for the outcome, or call [`stream`](Self::stream) to see every event as
/// it arrives.
#[derive(Clone, Debug)]
pub struct ToolRunner {
    pub(crate) engine: Engine,
}

impl crate::resources::MessagesApi<'_> {
    /// A [`ToolRunner`] for `params`, whose tools are `tools` (their definitions are added to
    /// `params.tools`, after any tools already there, such as server tools).
    ///
    /// ```no_run
    /// use anthropic_openapi::{Client, FunctionTool, MessageCreateParams, MessageParam};
    /// use schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// /// The current weather in a city.
    /// #[derive(Deserialize, JsonSchema)]
    /// struct GetWeather {
    ///     city: String,
    /// }
    ///
    /// async fn get_weather(input: GetWeather) -> String {
    ///     format!("{}: 17 °C, light rain", input.city)
    /// }
    ///
    /// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let params = MessageCreateParams::new(
    ///     "claude-sonnet-4-5",
    ///     [MessageParam::user("What's the weather in Paris?")],
    ///     1024,
    /// );
    /// let tools = [FunctionTool::new("get_weather", get_weather)?];
    /// let run = client.messages().tool_runner(params, tools).max_turns(5).await?;
    /// println!("{}", run.final_message().text());
    /// # Ok(())
    /// # }
    /// ```
    pub fn tool_runner(
        &self,
        params: MessageCreateParams,
        tools: impl IntoIterator<Item = FunctionTool>,
    ) -> ToolRunner {
        ToolRunner {
            engine: Engine::new(self.client.clone(), params, tools.into_iter().collect()),
        }
    }
}

impl ToolRunner {
    /// At most this many requests (at least 1).
    pub fn max_turns(mut self, max_turns: usize) -> ToolRunner {
        self.engine.max_turns = max_turns.max(1);
        self
    }

    /// Runs the loop to its end, each reply fetched whole.
    pub async fn run(mut self) -> Result<ToolRun, ToolRunError> {
        let engine = &mut self.engine;
        loop {
            let request = engine.next_request()?;
            let reply = match engine.client.messages().create(request).await {
                Ok(reply) => reply,
                Err(error) => return Err(engine.failed(error)),
            };
            let (_results, go_on) = engine.take_reply(reply).await;
            if !go_on {
                return Ok(engine.finish());
            }
        }
    }

    /// Runs the loop with every reply streamed: the stream yields each reply's events as they
    /// arrive, then the reply itself, then the result of each of its tool calls (see
    /// [`RunEvent`]). It ends after the final reply, or with an error as its last item.
    pub fn stream(self) -> ToolRunStream {
        ToolRunStream::new(self.engine)
    }
}

impl IntoFuture for ToolRunner {
    type Output = Result<ToolRun, ToolRunError>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    /// Awaiting a runner is [`run`](ToolRunner::run).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// What a streamed run yields (see [`ToolRunner::stream`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RunEvent {
    /// An event of the reply being streamed, as [`MessageStream`](crate::MessageStream)
    /// yields it.
    Stream(crate::MessageStreamEvent),
    /// A reply, complete (the same `Message` a request without streaming returns).
    Reply(Message),
    /// The result that answers one tool call of the last reply.
    ToolResult {
        /// The call.
        call: ToolUseBlock,
        /// Its result, as sent back to the model.
        result: ToolResultBlockParam,
    },
}

/// The conversation of a run: the messages as the last request sent them, followed by the
/// turns added since, and every reply in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
    /// The conversation: the messages the run started from, then, for each reply, the
    /// assistant's turn (every block of it) and the user turn of tool results that answered
    /// it.
    pub messages: Vec<MessageParam>,
    /// Every reply of the model, in order.
    pub replies: Vec<Message>,
}

/// A finished run: the final reply, and how the conversation got there.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolRun {
    // Holds at least one reply.
    transcript: Transcript,
}

impl ToolRun {
    /// The last reply, whose stop reason ended the run (`end_turn`, `max_tokens`,
    /// `refusal`, …).
    pub fn final_message(&self) -> &Message {
        self.transcript
            .replies
            .last()
            .expect("a finished run has a reply")
    }

    /// Every reply, the final one last.
    pub fn replies(&self) -> &[Message] {
        &self.transcript.replies
    }

    /// The whole conversation, ending with the final reply as the assistant's turn: ready to
    /// be extended with the next user turn.
    pub fn messages(&self) -> &[MessageParam] {
        &self.transcript.messages
    }

    /// The conversation and the replies.
    pub fn into_transcript(self) -> Transcript {
        self.transcript
    }
}

/// A run that did not finish. Either way, the conversation so far is kept.
#[derive(Debug)]
#[non_exhaustive]
pub enum ToolRunError {
    /// The run made `max_turns` requests and the last reply still asked for tools (or
    /// paused). The transcript ends with the results that answered its calls, so that a new
    /// run from `transcript.messages` continues where this one stopped.
    MaxTurns {
        /// The limit that was reached.
        max_turns: usize,
        /// The conversation and the replies so far.
        transcript: Transcript,
    },
    /// A request failed.
    Request {
        /// Why (boxed, to keep the error small).
        error: Box<Error>,
        /// The conversation and the replies before the failed request.
        transcript: Transcript,
    },
}

impl ToolRunError {
    /// The conversation and the replies so far.
    pub fn transcript(&self) -> &Transcript {
        match self {
            ToolRunError::MaxTurns { transcript, .. }
            | ToolRunError::Request { transcript, .. } => transcript,
        }
    }
}

impl fmt::Display for ToolRunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolRunError::MaxTurns { max_turns, .. } => write!(
                f,
                "the tool runner stopped after {max_turns} requests, and the model still asked \
                 for tools"
            ),
            ToolRunError::Request { error, transcript } => write!(
                f,
                "request {} of the tool runner failed: {error}",
                transcript.replies.len() + 1
            ),
        }
    }
}

impl std::error::Error for ToolRunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ToolRunError::Request { error, .. } => Some(error.as_ref()),
            ToolRunError::MaxTurns { .. } => None,
        }
    }
}

/// The state of a run, shared by the awaited and the streamed forms.
#[derive(Clone, Debug)]
pub(crate) struct Engine {
    pub(crate) client: Client,
    params: MessageCreateParams,
    tools: Vec<FunctionTool>,
    max_turns: usize,
    turns: usize,
    transcript: Transcript,
}

impl Engine {
    fn new(client: Client, mut params: MessageCreateParams, tools: Vec<FunctionTool>) -> Engine {
        if !tools.is_empty() {
            let offered = params.tools.get_or_insert_with(Vec::new);
            offered.extend(tools.iter().map(|t| t.definition().clone().into()));
        }
        let messages = std::mem::take(&mut params.messages);
        Engine {
            client,
            params,
            tools,
            max_turns: DEFAULT_MAX_TURNS,
            turns: 0,
            transcript: Transcript {
                messages,
                replies: Vec::new(),
            },
        }
    }

    /// The next request, or the error that ends the run when the limit is reached.
    pub(crate) fn next_request(&mut self) -> Result<MessageCreateParams, ToolRunError> {
        if self.turns >= self.max_turns {
            return Err(ToolRunError::MaxTurns {
                max_turns: self.max_turns,
                transcript: self.transcript.clone(),
            });
        }
        self.turns += 1;
        let mut request = self.params.clone();
        request.messages = self.transcript.messages.clone();
        Ok(request)
    }

    /// The error for a failed request.
    pub(crate) fn failed(&self, error: Error) -> ToolRunError {
        ToolRunError::Request {
            error: Box::new(error),
            transcript: self.transcript.clone(),
        }
    }

    /// Takes a reply into the conversation, answers its tool calls when it stopped for them,
    /// and says whether the run goes on.
    pub(crate) async fn take_reply(
        &mut self,
        reply: Message,
    ) -> (Vec<(ToolUseBlock, ToolResultBlockParam)>, bool) {
        if let Some(container) = &reply.container {
            self.params.container = Some(container.id.clone());
        }
        self.transcript.messages.push(MessageParam::from(&reply));
        let stop = reply.stop_reason.clone();
        let calls: Vec<ToolUseBlock> = reply.tool_uses().cloned().collect();
        self.transcript.replies.push(reply);
        match stop {
            Some(StopReason::ToolUse) if !calls.is_empty() => {
                let results = futures::future::join_all(calls.iter().map(|c| self.answer(c))).await;
                let blocks: Vec<ContentBlockParam> = results
                    .iter()
                    .cloned()
                    .map(ContentBlockParam::from)
                    .collect();
                self.transcript.messages.push(MessageParam::user(blocks));
                (calls.into_iter().zip(results).collect(), true)
            }
            Some(StopReason::PauseTurn) => (Vec::new(), true),
            _ => (Vec::new(), false),
        }
    }

    /// The result of one call.
    async fn answer(&self, call: &ToolUseBlock) -> ToolResultBlockParam {
        match self.tools.iter().find(|t| t.name() == call.name) {
            Some(tool) => tool.call(call).await,
            None => ToolResultBlockParam::new(call.id.as_str())
                .content(format!(
                    "There is no tool named `{}`. The tools are: {}.",
                    call.name,
                    self.tools
                        .iter()
                        .map(|t| format!("`{}`", t.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .is_error(true),
        }
    }

    /// The finished run.
    pub(crate) fn finish(&mut self) -> ToolRun {
        ToolRun {
            transcript: std::mem::take(&mut self.transcript),
        }
    }

    pub(crate) fn transcript(&self) -> &Transcript {
        &self.transcript
    }
}

/// Results queued for a streamed run, as events.
pub(crate) fn result_events(
    reply: &Message,
    results: Vec<(ToolUseBlock, ToolResultBlockParam)>,
) -> VecDeque<RunEvent> {
    let mut queue = VecDeque::with_capacity(results.len() + 1);
    queue.push_back(RunEvent::Reply(reply.clone()));
    queue.extend(
        results
            .into_iter()
            .map(|(call, result)| RunEvent::ToolResult { call, result }),
    );
    queue
}
