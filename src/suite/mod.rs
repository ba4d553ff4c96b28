//! Suite files: the typed model, how it is loaded and validated, and the
//! errors that point into the user's file. Nothing here runs anything; the
//! `engine` evaluates what this module produces, and never sees TOML.

/// Data-driven cases: `matrix` and `rows = { csv = … }` into one case per instance.
mod case_data;
/// A problem in a suite file, with its position and a hint; how any message
/// that points into a suite file is written.
pub mod error;
/// What the loader has at hand while it checks a file: positions, targets, problems.
mod load_context;
/// Reading and validating a suite file: every problem with file, line and column.
pub mod loader;
/// The typed suite: cases, variables, database targets as declared.
pub mod model;
/// Byte offset → line and column; the span a step carries.
pub mod position;
/// The file as TOML spells it (serde), private to the loader.
mod raw;
/// A step as the engine runs it: SQL or HTTP, parsed.
pub mod step;
/// `include` files and named step lists taken in with `use`.
mod step_lists;
/// One step table → a typed step.
mod step_loader;
/// Database targets after `--env` overrides and secrets are applied.
pub mod targets;
/// Reading a file a suite names: regular files only, size-capped.
pub mod text_file;
/// Variables, `{{name}}` templates and their precedence.
pub mod vars;

pub use error::{SuiteError, SuiteErrors};
pub use loader::{load, load_with, parse, parse_with};
pub use model::{Case, LoadedSuite, Suite};
pub use position::Span;
pub use step::{Step, StepKind};
