//! Suite files: the parsed model, how it is loaded and validated, and the
//! errors that point into the user's file. Nothing here runs anything; the
//! `engine` evaluates what this module produces.

/// A problem in a suite file, with its position and a hint.
pub mod error;
/// Reading and validating a suite file: every problem with file, line and column.
pub mod loader;
/// The suite file format as Rust types (TOML, one file per suite).
pub mod model;
/// Byte offset → line and column.
pub mod position;
/// Database targets after `--env` overrides and secrets are applied.
pub mod targets;
/// Variables, `{{name}}` templates and their precedence.
pub mod vars;

pub use error::{SuiteError, SuiteErrors};
pub use loader::{load, load_with, parse, parse_with, LoadedSuite};
pub use model::{Case, Step, Suite};
