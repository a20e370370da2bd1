//! The one error type of bad input (a line on stderr, exit status 2): the bottom of `input/`,
//! so that every input module can fail without depending on another.

/// A bad input: printed as one line, exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}
