//! The JSON rendering of a grade (schema in `docs/json.md`).

use super::GradeReport;

/// The report as pretty-printed JSON, ending with a newline.
pub fn grade(report: &GradeReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
    s.push('\n');
    s
}
