//! A tool the program runs itself: its definition, sent to the model, and an async function
//! of its typed input that answers each call. The [`ToolRunner`](crate::ToolRunner) runs
//! them.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;

use crate::{
    Tool, ToolResultBlockParam, ToolResultContent, ToolResultContentBlockParam, ToolUseBlock,
};

/// What a tool's function returns for one call: content for the model, or an error that is
/// sent as an `is_error` result so that the model can react to it.
///
/// Functions return anything that converts into it: a `String` or `&str`, a list of content
/// blocks (`Vec<ToolResultContentBlockParam>`), a [`ToolResultContent`], or a `Result` of one
/// of those whose error is anything that displays (its text becomes the error result).
#[derive(Clone, Debug, PartialEq)]
pub enum ToolOutput {
    /// The call succeeded with this content.
    Content(ToolResultContent),
    /// The call failed; the text says why.
    Error(String),
}

impl From<String> for ToolOutput {
    fn from(text: String) -> Self {
        ToolOutput::Content(text.into())
    }
}

impl From<&str> for ToolOutput {
    fn from(text: &str) -> Self {
        ToolOutput::Content(text.into())
    }
}

impl From<Vec<ToolResultContentBlockParam>> for ToolOutput {
    fn from(blocks: Vec<ToolResultContentBlockParam>) -> Self {
        ToolOutput::Content(blocks.into())
    }
}

impl From<ToolResultContent> for ToolOutput {
    fn from(content: ToolResultContent) -> Self {
        ToolOutput::Content(content)
    }
}

impl<T: Into<ToolOutput>, E: fmt::Display> From<Result<T, E>> for ToolOutput {
    fn from(result: Result<T, E>) -> Self {
        match result {
            Ok(output) => output.into(),
            Err(error) => ToolOutput::Error(error.to_string()),
        }
    }
}

impl ToolOutput {
    /// The `tool_result` block that answers the call `tool_use_id` with this output.
    pub fn into_result(self, tool_use_id: impl Into<String>) -> ToolResultBlockParam {
        let result = ToolResultBlockParam::new(tool_use_id);
        match self {
            ToolOutput::Content(content) => result.content(content),
            ToolOutput::Error(text) => result.content(text).is_error(true),
        }
    }
}

type Handler = dyn Fn(&ToolUseBlock) -> BoxFuture<'static, ToolResultBlockParam> + Send + Sync;

/// A tool definition together with the async function that answers its calls.
///
/// The function takes the call's input decoded into its own type `T`. An input that does not
/// decode is answered without calling it, by the `is_error` result of
/// [`ToolInputError::to_tool_result`](crate::ToolInputError::to_tool_result), which tells the
/// model what was wrong so that it can call again.
///
/// A function that panics is not caught: the panic reaches the task that runs the tool
/// runner, as any panic in a future does. Return an error instead to tell the model.
///
/// Cheap to clone: clones share the function.
#[derive(Clone)]
pub struct FunctionTool {
    definition: Tool,
    handler: Arc<Handler>,
}

impl fmt::Debug for FunctionTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FunctionTool")
            .field("definition", &self.definition)
            .finish_non_exhaustive()
    }
}

impl FunctionTool {
    /// A tool named `name` whose input is a `T`: the definition is
    /// [`Tool::for_input::<T>(name)`](Tool::for_input) (a strict tool; its schema from `T`,
    /// its description from `T`'s doc comment), and `function` answers each call.
    ///
    /// ```
    /// use anthropic_openapi::FunctionTool;
    /// use schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// /// The current weather in a city.
    /// #[derive(Deserialize, JsonSchema)]
    /// struct GetWeather {
    ///     city: String,
    /// }
    ///
    /// async fn get_weather(input: GetWeather) -> Result<String, String> {
    ///     match input.city.as_str() {
    ///         "Paris" => Ok("17 °C, light rain".into()),
    ///         other => Err(format!("no weather data for {other}")),
    ///     }
    /// }
    ///
    /// let tool = FunctionTool::new("get_weather", get_weather)?;
    /// assert_eq!(tool.definition().name, "get_weather");
    /// # Ok::<(), anthropic_openapi::SchemaError>(())
    /// ```
    #[cfg(feature = "schemars")]
    pub fn new<T, F, Fut>(
        name: impl Into<String>,
        function: F,
    ) -> Result<FunctionTool, crate::SchemaError>
    where
        T: DeserializeOwned + schemars::JsonSchema + Send + 'static,
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: Into<ToolOutput>,
    {
        Ok(FunctionTool::with_definition(
            Tool::for_input::<T>(name)?,
            function,
        ))
    }

    /// A tool with a definition of your own (any schema, any settings) whose calls `function`
    /// answers, with each call's input decoded into a `T`.
    pub fn with_definition<T, F, Fut>(definition: Tool, function: F) -> FunctionTool
    where
        T: DeserializeOwned + Send + 'static,
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: Into<ToolOutput>,
    {
        let function = Arc::new(function);
        let handler = move |call: &ToolUseBlock| -> BoxFuture<'static, ToolResultBlockParam> {
            let id = call.id.clone();
            match call.input_as::<T>() {
                Err(error) => Box::pin(futures::future::ready(error.to_tool_result())),
                Ok(input) => {
                    let output = function(input);
                    Box::pin(async move { output.await.into().into_result(id) })
                }
            }
        };
        FunctionTool {
            definition,
            handler: Arc::new(handler),
        }
    }

    /// Sets the description the model reads (replacing the one from the input type's doc
    /// comment).
    pub fn description(mut self, description: impl Into<String>) -> FunctionTool {
        self.definition.description = Some(description.into());
        self
    }

    /// The definition sent to the model.
    pub fn definition(&self) -> &Tool {
        &self.definition
    }

    /// The name the model calls the tool by.
    pub fn name(&self) -> &str {
        &self.definition.name
    }

    /// Answers one call: decodes its input and runs the function, or answers with the
    /// decoding error.
    pub fn call(&self, call: &ToolUseBlock) -> impl Future<Output = ToolResultBlockParam> + Send {
        (self.handler)(call)
    }
}
