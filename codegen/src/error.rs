use std::fmt;

/// A problem found in the OpenAPI document, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// A JSON pointer into the document (`#/paths/~1v1~1models/get`) or a file position.
    pub location: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Error {
    pub(crate) fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Escapes one segment of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub(crate) fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
