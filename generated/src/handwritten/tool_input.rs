//! A tool call's input as the program's own type, and the error to send back to the model
//! when it does not fit.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::{ToolResultBlockParam, ToolUseBlock};

impl ToolUseBlock {
    /// Decodes the call's `input` into `T`, reading the JSON in place (the input is not
    /// copied).
    ///
    /// When the input does not fit `T` (a missing or mistyped property), the
    /// [`ToolInputError`] names the tool and the call, and
    /// [`to_tool_result`](ToolInputError::to_tool_result) turns it into the `is_error` result
    /// that tells the model what was wrong.
    ///
    /// ```
    /// use anthropic_openapi::{ToolResultBlockParam, ToolUseBlock};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Weather {
    ///     location: String,
    /// }
    ///
    /// # let call: ToolUseBlock = serde_json::from_str(r#"{"type": "tool_use", "id": "toolu_1",
    /// #   "name": "get_weather", "input": {"location": "Paris"}}"#).unwrap();
    /// let result = match call.input_as::<Weather>() {
    ///     Ok(input) => ToolResultBlockParam::new(call.id.as_str())
    ///         .content(format!("sunny in {}", input.location)),
    ///     Err(e) => e.to_tool_result(),
    /// };
    /// assert_eq!(result.is_error, None);
    /// ```
    pub fn input_as<T: DeserializeOwned>(&self) -> Result<T, ToolInputError> {
        T::deserialize(&self.input).map_err(|e| ToolInputError {
            tool_name: self.name.clone(),
            tool_use_id: self.id.clone(),
            message: e.to_string(),
        })
    }
}

/// A tool call whose input did not decode into the type the program expected, from
/// [`ToolUseBlock::input_as`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolInputError {
    tool_name: String,
    tool_use_id: String,
    message: String,
}

impl ToolInputError {
    /// The name of the tool that was called.
    pub fn tool_name(&self) -> &str {
        &self.tool_name
    }

    /// The id of the call (`toolu_…`), which its result must name.
    pub fn tool_use_id(&self) -> &str {
        &self.tool_use_id
    }

    /// What the JSON decoder reported, such as ``missing field `unit` ``.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The result that answers the call with this error: `is_error: true`, for the call's
    /// id, with a text saying what was wrong with the input, so that the model can call the
    /// tool again with a corrected input. Convert it with `.into()` where a
    /// [`ContentBlockParam`](crate::ContentBlockParam) is expected.
    pub fn to_tool_result(&self) -> ToolResultBlockParam {
        ToolResultBlockParam::new(self.tool_use_id.as_str())
            .content(format!(
                "Invalid input for tool `{}`: {}",
                self.tool_name, self.message
            ))
            .is_error(true)
    }
}

impl fmt::Display for ToolInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the input of tool `{}` (call {}) does not fit the expected type: {}",
            self.tool_name, self.tool_use_id, self.message
        )
    }
}

impl std::error::Error for ToolInputError {}
