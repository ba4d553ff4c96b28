//! One [`LogLine`] as one line of a run's JSONL file, written by hand.
//!
//! The log writer encodes every line the producers log, so this is the
//! hottest code on its thread: serde's generic path escapes every key and
//! goes through a serializer per field, about a fifth of the writer's time.
//! The output is byte for byte what `serde_json::to_writer` gives
//! for the same line (a test holds it to that); the rare fields (a case's
//! end, text that needs escaping) still go through serde_json.

use crate::model::LogLine;

/// Appends `line` as JSON (no newline) to `out`.
pub fn encode(line: &LogLine, out: &mut Vec<u8>) {
    let mut n = itoa::Buffer::new();
    out.extend_from_slice(b"{\"seq\":");
    out.extend_from_slice(n.format(line.seq).as_bytes());
    out.extend_from_slice(b",\"ts\":");
    out.extend_from_slice(n.format(line.ts).as_bytes());
    out.extend_from_slice(b",\"level\":\"");
    out.extend_from_slice(line.level.as_str().as_bytes());
    out.extend_from_slice(b"\",\"msg\":");
    string(&line.msg, out);
    if let Some(case) = &line.case {
        out.extend_from_slice(b",\"case\":");
        string(case, out);
    }
    if let Some(phase) = line.phase {
        out.extend_from_slice(b",\"phase\":\"");
        out.extend_from_slice(phase.as_str().as_bytes());
        out.push(b'"');
    }
    if let Some(step) = line.step {
        out.extend_from_slice(b",\"step\":");
        out.extend_from_slice(n.format(step).as_bytes());
    }
    if let Some(end) = &line.end {
        out.extend_from_slice(b",\"end\":");
        serde_json::to_writer(&mut *out, end).expect("a CaseEnd always serialises");
    }
    if line.dropped > 0 {
        out.extend_from_slice(b",\"dropped\":");
        out.extend_from_slice(n.format(line.dropped).as_bytes());
    }
    out.push(b'}');
}

/// A JSON string: copied as is when nothing in it needs escaping (the usual
/// log message), else escaped exactly as serde_json escapes it.
fn string(s: &str, out: &mut Vec<u8>) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("a string always serialises");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseEnd, Level, Phase};

    fn encoded(line: &LogLine) -> String {
        let mut out = Vec::new();
        encode(line, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn writes_what_serde_writes() {
        let plain = LogLine {
            seq: 1,
            ts: 1_764_000_000_123,
            level: Level::Info,
            msg: "bench line 1".into(),
            case: None,
            phase: None,
            step: None,
            end: None,
            dropped: 0,
        };
        let full = LogLine {
            seq: u64::MAX,
            ts: -5,
            level: Level::Critical,
            msg: "quote \" backslash \\ tab \t newline \n bell \u{7} 中文 <script>".into(),
            case: Some("a \"case\"".into()),
            phase: Some(Phase::Teardown),
            step: Some(u32::MAX),
            end: Some(CaseEnd { outcome: crate::model::CaseOutcome::Failed, ms: 12, cleanup_ok: false, lang: None }),
            dropped: 0,
        };
        let mut lines = vec![plain.clone(), full, LogLine::gap(99, 7, 3)];
        for level in Level::ALL {
            lines.push(LogLine { level, ..plain.clone() });
        }
        for phase in [Phase::Preflight, Phase::Setup, Phase::Step, Phase::Undo, Phase::Teardown] {
            lines.push(LogLine { phase: Some(phase), step: Some(0), ..plain.clone() });
        }
        for line in &lines {
            assert_eq!(encoded(line), serde_json::to_string(line).unwrap());
            assert_eq!(&serde_json::from_str::<LogLine>(&encoded(line)).unwrap(), line);
        }
    }
}
