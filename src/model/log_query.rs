//! The question every log reader asks: `GET /api/log?run=&after=&limit=&keep=`.
//!
//! It has two doors on the server, the `read_log` server function (the page's
//! entry point, typed arguments) and the poll's hot path (the raw query
//! string, no server-function layer), and both go through this type: one set
//! of defaults, limits and error messages, whichever door a request took.

use super::ApiError;

/// `run`, the cursor `after`, at most `limit` lines, and for a reader that
/// draws only its newest `keep` lines, a summary of the older ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogQuery {
    pub run: u64,
    /// Lines with `seq > after` (default 0: from the start).
    pub after: u64,
    /// 1..=[`LogQuery::MAX_LIMIT`], default [`LogQuery::DEFAULT_LIMIT`].
    pub limit: u32,
    /// At least 1 when given.
    pub keep: Option<u64>,
}

impl LogQuery {
    /// Lines a reply carries when the reader does not say.
    pub const DEFAULT_LIMIT: u32 = 500;
    /// The most lines one reply may carry: a bound on the reply's size and on
    /// the time one read holds a file reader.
    pub const MAX_LIMIT: u32 = 5_000;

    /// Checks the arguments as the server function receives them.
    pub fn new(run: u64, after: Option<u64>, limit: Option<u32>, keep: Option<u64>) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if limit == 0 || limit > Self::MAX_LIMIT {
            return Err(ApiError::bad_request(format!("limit must be between 1 and {}, got {limit}", Self::MAX_LIMIT)));
        }
        if keep == Some(0) {
            return Err(ApiError::bad_request("keep must be at least 1 (the lines the reader draws)"));
        }
        Ok(LogQuery { run, after: after.unwrap_or(0), limit, keep })
    }

    /// Parses a raw query string (`run=3&after=10&limit=500`). Every value is
    /// a plain decimal number; a key given twice is refused; keys it does not
    /// know, empty pairs and optional keys given empty (`keep=`) are ignored,
    /// as the server function's decoder ignores them.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let (mut run, mut after, mut limit, mut keep) = (None, None, None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "run" => &mut run,
                "after" => &mut after,
                "limit" => &mut limit,
                "keep" => &mut keep,
                _ => continue,
            };
            if value.is_empty() && key != "run" {
                continue;
            }
            if slot.is_some() {
                return Err(ApiError::bad_request(format!("bad query: `{key}` is given more than once")));
            }
            *slot = Some(number(key, value)?);
        }
        let run = run.ok_or_else(|| ApiError::bad_request("missing argument: run"))?;
        let limit = limit.map(|l| u32::try_from(l).unwrap_or(u32::MAX));
        Self::new(run, after, limit, keep)
    }
}

/// A query value as an unsigned decimal number (every endpoint that takes a
/// run id or a cursor in its query string reads it here, so they refuse a bad
/// one alike).
pub fn number(key: &str, value: &str) -> Result<u64, ApiError> {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<u64>() {
        Ok(n) if digits => Ok(n),
        _ => Err(ApiError::bad_request(format!("bad query: {key}: expected a whole number, got `{value}`"))),
    }
}

/// An optional query value as [`number`]: absent is `None`, but present and
/// empty (`?after=`) is a mistake like any other that is not a number.
/// Server functions take such arguments as text and read them here: their
/// decoder would take an empty value for an absent one.
pub fn optional_number(key: &str, value: Option<&str>) -> Result<Option<u64>, ApiError> {
    value.map(|v| number(key, v)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(run: u64, after: u64, limit: u32, keep: Option<u64>) -> Result<LogQuery, ApiError> {
        Ok(LogQuery { run, after, limit, keep })
    }

    #[test]
    fn the_query_the_page_sends_and_its_defaults() {
        assert_eq!(LogQuery::parse("run=3&after=10&limit=500"), q(3, 10, 500, None));
        assert_eq!(LogQuery::parse("limit=7&run=3"), q(3, 0, 7, None));
        assert_eq!(LogQuery::parse("run=3"), q(3, 0, 500, None));
        assert_eq!(LogQuery::parse("run=3&after=0&limit=2000&keep=10000"), q(3, 0, 2000, Some(10_000)));
        // a trailing `&` and keys it does not know change nothing
        assert_eq!(LogQuery::parse("run=3&after=2&limit=5&"), q(3, 2, 5, None));
        assert_eq!(LogQuery::parse("run=3&_=1712345"), q(3, 0, 500, None));
    }

    #[test]
    fn every_bad_query_is_a_400_that_names_the_argument() {
        for (query, says) in [
            ("", "missing argument: run"),
            ("after=1", "missing argument: run"),
            ("run=abc", "run: expected a whole number, got `abc`"),
            ("run=+3", "run: expected a whole number, got `+3`"),
            ("run", "run: expected a whole number, got ``"),
            ("run=99999999999999999999", "run: expected a whole number"),
            ("run=3&run=4", "`run` is given more than once"),
            ("run=3&limit=0", "limit must be between 1 and 5000, got 0"),
            ("run=3&limit=5001", "limit must be between 1 and 5000, got 5001"),
            ("run=3&limit=99999999999", "limit must be between 1 and 5000"),
            ("run=3&keep=0", "keep must be at least 1"),
        ] {
            let err = LogQuery::parse(query).expect_err(query);
            assert_eq!(err.status(), 400, "{query}");
            assert!(err.message().contains(says), "{query}: {}", err.message());
        }
    }

    #[test]
    fn the_server_function_arguments_meet_the_same_rules() {
        assert_eq!(LogQuery::new(3, None, None, None), q(3, 0, 500, None));
        assert_eq!(LogQuery::new(3, Some(4), Some(5_000), Some(1)), q(3, 4, 5_000, Some(1)));
        assert_eq!(LogQuery::new(3, None, Some(0), None).unwrap_err(), LogQuery::parse("run=3&limit=0").unwrap_err());
        assert_eq!(LogQuery::new(3, None, None, Some(0)).unwrap_err(), LogQuery::parse("run=3&keep=0").unwrap_err());
    }
}
