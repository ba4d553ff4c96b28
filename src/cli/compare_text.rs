//! A comparison as the terminal shows it (`livesmoke compare`, `run
//! --compare-with`): the verdict, then each case that changed, worst first,
//! with what changed; the cases that stayed the same as one count.

use crate::model::{Change, Comparison};
use std::io::Write;

pub fn render(c: &Comparison, color: bool) -> String {
    let paint = |code: &str, text: String| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text };
    let env = c.head.env.as_deref().map(|e| format!(", env {e}")).unwrap_or_default();
    let verdict = if c.worse { paint("1;31", "worse".into()) } else { paint("1;32", "nothing got worse".into()) };
    let mut out = format!("compare #{} → #{} ({}{env}): {verdict}\n", c.base.id, c.head.id, c.head.suite);
    let mut same = 0;
    for d in &c.cases {
        let side = |s: &Option<crate::model::comparison::CaseSide>| s.as_ref().map(|s| s.outcome.as_str());
        let what = match d.change {
            Change::Same => {
                same += 1;
                continue;
            }
            Change::New => format!("new, {}", side(&d.head).unwrap_or("?")),
            Change::Removed => format!("removed (was {})", side(&d.base).unwrap_or("?")),
            _ if side(&d.base) != side(&d.head) => {
                format!("{} → {}", side(&d.base).unwrap_or("?"), side(&d.head).unwrap_or("?"))
            }
            _ => String::new(),
        };
        let tag = format!("{:<8}", d.change.as_str());
        let tag = match d.change {
            Change::Worse | Change::New => paint("31", tag),
            Change::Better => paint("32", tag),
            _ => tag,
        };
        out.push_str(&format!("  {tag} {}{}{what}\n", d.name, if what.is_empty() { "" } else { ": " }));
        for s in &d.slower {
            out.push_str(&format!("           slower {}: {} ms → {} ms\n", s.step, s.base_ms, s.head_ms));
        }
        for cap in &d.captures {
            let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "—".into());
            out.push_str(&format!("           {}: {} → {}\n", cap.name, v(&cap.base), v(&cap.head)));
        }
    }
    if same > 0 {
        out.push_str(&format!("  {same} case(s) the same\n"));
    }
    out
}

pub fn print(c: &Comparison, color: bool) {
    let _ = std::io::stdout().lock().write_all(render(c, color).as_bytes());
}
