//! The suite's tally: every check is a case; failures are collected (not asserted one by
//! one) so one run lists all of them, then `finish` prints the AUDIT line and panics.

use std::sync::{Arc, Mutex};

/// A case's name, and why it failed (`None`: it passed).
type Case = (String, Option<String>);

#[derive(Clone, Default)]
pub struct Report {
    cases: Arc<Mutex<Vec<Case>>>,
}

impl Report {
    /// One case: passes when `ok`; `why` says what was seen when it does not.
    pub fn check(&self, name: &str, ok: bool, why: impl FnOnce() -> String) {
        let failure = (!ok).then(why);
        let mark = if failure.is_some() { "FAIL" } else { "ok  " };
        println!("  {mark} {name}");
        if let Some(why) = &failure {
            println!("       {why}");
        }
        self.cases.lock().unwrap().push((name.to_owned(), failure));
    }

    pub fn fail(&self, name: &str, why: String) {
        self.check(name, false, || why);
    }

    /// Prints `AUDIT <suite> tried=.. passed=.. failed=..` and panics listing every failure.
    pub fn finish(&self, suite: &str) {
        let cases = self.cases.lock().unwrap();
        let failed: Vec<_> = cases
            .iter()
            .filter_map(|(name, f)| f.as_ref().map(|why| format!("{name}: {why}")))
            .collect();
        println!(
            "AUDIT {suite} tried={} passed={} failed={}",
            cases.len(),
            cases.len() - failed.len(),
            failed.len()
        );
        if !failed.is_empty() {
            panic!(
                "{} of {} {suite} cases failed:\n  {}",
                failed.len(),
                cases.len(),
                failed.join("\n  ")
            );
        }
    }
}

/// At most `n` items of a list for a failure message, and how many there were.
pub fn some<T: std::fmt::Debug>(items: &[T], n: usize) -> String {
    let shown: Vec<_> = items.iter().take(n).collect();
    format!("{} in all, e.g. {shown:?}", items.len())
}
