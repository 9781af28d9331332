//! The compliance word lists the server checks posts against: built in
//! (`data/compliance.txt`) or the hospital's own file (`--compliance-rules`), read once at
//! start. A file that does not parse stops the start: a server that silently checked
//! against nothing would let every post through.

use std::path::Path;

use anyhow::Context;
use doctor_desk_api::posts::compliance::{self, Finding, Rules};

/// The lists the server was built with.
pub const BUILT_IN: &str = include_str!("../../data/compliance.txt");

/// The lists at `path`, or the built-in ones.
pub fn load(path: Option<&Path>) -> anyhow::Result<Rules> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the compliance rules {}", path.display()))?;
            Rules::parse(&text).map_err(|e| {
                anyhow::anyhow!("the compliance rules {} do not parse: {e}", path.display())
            })
        }
        None => Rules::parse(BUILT_IN)
            .map_err(|e| anyhow::anyhow!("the built-in compliance rules do not parse: {e}")),
    }
}

/// Everything the check finds in a title and body.
pub fn findings(rules: &Rules, title: &str, body: &str) -> Vec<Finding> {
    compliance::check(rules, title, body)
}

/// The findings that stop a submission: errors, and warnings the doctor did not keep.
pub fn blocking<'a>(findings: &'a [Finding], kept: &[String]) -> Vec<&'a Finding> {
    compliance::blocking(findings, kept)
}
