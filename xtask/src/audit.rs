//! `cargo xtask audit [suite …]`: the proof suites that try to break the whole product
//! (authorization matrix, races, uploads, API conformance, faults, XSS and accessibility in
//! a real browser). Each suite is a test target that prints one figures line,
//! `AUDIT <suite> tried=N passed=N failed=N`; this runner installs the tools they need,
//! runs them and prints the table. `cargo xtask test` runs them all as its `audit` suite.

use std::{path::PathBuf, time::Instant};

use crate::{cargo, postgres, project_root, steps, steps::Tally, tools};

const SCHEMATHESIS_VERSION: &str = "4.32.5";
const AXE_VERSION: &str = "4.14.1";

#[derive(Clone, Copy, PartialEq)]
enum Runs {
    /// `crates/server/tests/audit_<name>.rs`: real server, HTTP only.
    Server,
    /// A module of `tests/audit.rs`: real server and headless Chromium (needs dist/).
    Browser,
}

const SUITES: &[(&str, Runs)] = &[
    ("authz", Runs::Server),
    ("races", Runs::Server),
    ("uploads", Runs::Server),
    ("conformance", Runs::Server),
    ("faults", Runs::Server),
    ("xss", Runs::Browser),
    ("a11y", Runs::Browser),
];

/// Server suites that run a second time on PostgreSQL: who may touch what, what holds
/// under concurrent requests, what an upload is, whether every answer is the documented
/// one, and a kill under traffic (`faults` runs only its restart part there: the others
/// break SQLite's own file). The browser suites run on both.
const ON_POSTGRES_TOO: &[&str] = &["authz", "races", "uploads", "conformance", "faults"];

fn names() -> String {
    SUITES
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `cargo xtask audit [suite …]`.
pub fn run(args: &[String]) -> Result<(), String> {
    for a in args {
        if !SUITES.iter().any(|(n, _)| n == a) {
            return Err(format!("unknown audit suite `{a}`; suites: {}", names()));
        }
    }
    let selected: Vec<&str> = SUITES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| args.is_empty() || args.iter().any(|a| a == n))
        .collect();
    if selected
        .iter()
        .any(|n| SUITES.iter().any(|(s, k)| s == n && *k == Runs::Browser))
    {
        tools::ensure_browsers()?;
    }
    let started = Instant::now();
    let (tally, figures) = run_selected(&selected);
    let failed = print_table(&selected, &figures);
    println!("total time {:.1}s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 || failed {
        return Err("the audit found failures (listed above)".into());
    }
    Ok(())
}

/// The `audit` suite of `cargo xtask test`: every audit suite; counted by test results.
pub fn suite() -> Tally {
    let all: Vec<&str> = SUITES.iter().map(|(n, _)| *n).collect();
    let (mut tally, figures) = run_selected(&all);
    if print_table(&all, &figures) && tally.failed == 0 {
        // A suite that printed no figures did not run to its end.
        tally.add(Tally::one(false));
    }
    tally
}

/// The server's test targets that are not audit suites (the `api` suite).
pub fn api_test_targets() -> Vec<String> {
    let dir = project_root().join("crates/server/tests");
    let mut targets: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".rs").map(str::to_owned))
                .filter(|n| !n.starts_with("audit_"))
                .collect()
        })
        .unwrap_or_default();
    targets.sort();
    targets
}

fn run_selected(selected: &[&str]) -> (Tally, Vec<Figures>) {
    let c = cargo();
    let mut tally = Tally::default();
    let mut lines = Vec::new();
    let runs = |kind: Runs| -> Vec<&str> {
        selected
            .iter()
            .copied()
            .filter(|n| SUITES.iter().any(|(s, k)| s == n && *k == kind))
            .collect()
    };

    let server = runs(Runs::Server);
    if !server.is_empty() {
        let mut env: Vec<(&str, String)> = Vec::new();
        if server.contains(&"conformance") {
            match ensure_schemathesis() {
                Ok(bin) => env.push(("SCHEMATHESIS", bin.display().to_string())),
                Err(e) => eprintln!("xtask: {e}"),
            }
        }
        let targets: Vec<String> = server.iter().map(|n| format!("audit_{n}")).collect();
        let mut args = vec!["test", "-p", "doctor-desk-server"];
        for t in &targets {
            args.extend(["--test", t.as_str()]);
        }
        // The long suites are #[ignore]d so that a plain `cargo test` passes without their
        // tools; here they are meant to run.
        args.extend(["--", "--nocapture", "--include-ignored"]);
        let (postgres, _cluster) = postgres::for_suites();
        env.push((postgres::URL_VAR, postgres));
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (t, l) = steps::tests_with_figures(&c, &args, &env);
        tally.add(t);
        lines.extend(l);
        // Again with the app on PostgreSQL: the ones about rules the store must hold.
        let again: Vec<String> = server
            .iter()
            .filter(|n| ON_POSTGRES_TOO.contains(n))
            .map(|n| format!("audit_{n}"))
            .collect();
        if !again.is_empty() {
            let mut args = vec!["test", "-p", "doctor-desk-server"];
            for t in &again {
                args.extend(["--test", t.as_str()]);
            }
            args.extend(["--", "--nocapture", "--include-ignored"]);
            let mut env = env.clone();
            env.push(postgres::ON_POSTGRES);
            let (t, l) = steps::tests_with_figures(&c, &args, &env);
            tally.add(t);
            lines.extend(l);
        }
    }

    let browser = runs(Runs::Browser);
    if !browser.is_empty() {
        let dist = project_root().join("dist");
        if !dist.join("index.html").exists() {
            eprintln!("xtask: dist/ is missing: the browser audits need `cargo xtask build`");
            tally.add(Tally::one(false));
        } else {
            let mut env = vec![("DOCTOR_DESK_DIST", dist.display().to_string())];
            match ensure_axe() {
                Ok(js) => env.push(("AXE_CORE_JS", js.display().to_string())),
                Err(e) => eprintln!("xtask: {e}"),
            }
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut filters: Vec<String> = browser.iter().map(|n| format!("{n}::")).collect();
            if browser.contains(&"xss") {
                // The corpus's own test: it has the payloads it claims.
                filters.push("payloads::".into());
            }
            let mut args = vec!["test", "-p", "doctor-desk", "--test", "audit", "--"];
            args.extend(filters.iter().map(String::as_str));
            args.extend(["--nocapture", "--include-ignored"]);
            let (t, l) = steps::tests_with_figures(&c, &args, &env);
            tally.add(t);
            lines.extend(l);
            // Again with the server on PostgreSQL.
            let (postgres, _cluster) = postgres::for_suites();
            let mut env = env.clone();
            env.extend([
                (postgres::URL_VAR, postgres.as_str()),
                postgres::ON_POSTGRES,
            ]);
            let (t, l) = steps::tests_with_figures(&c, &args, &env);
            tally.add(t);
            lines.extend(l);
        }
    }
    (
        tally,
        lines.iter().filter_map(|l| Figures::parse(l)).collect(),
    )
}

/// One `AUDIT <suite> tried=N passed=N failed=N` line.
#[derive(Debug, PartialEq)]
struct Figures {
    suite: String,
    tried: u64,
    passed: u64,
    failed: u64,
}

impl Figures {
    fn parse(line: &str) -> Option<Figures> {
        let mut words = line.strip_prefix("AUDIT ")?.split_whitespace();
        let suite = words.next()?.to_owned();
        let mut number = |key: &str| -> Option<u64> {
            words
                .next()?
                .strip_prefix(key)?
                .strip_prefix('=')?
                .parse()
                .ok()
        };
        Some(Figures {
            suite,
            tried: number("tried")?,
            passed: number("passed")?,
            failed: number("failed")?,
        })
    }
}

/// Prints cases per suite (a suite may print several lines: they add up); true when a
/// suite failed cases or printed nothing.
fn print_table(selected: &[&str], figures: &[Figures]) -> bool {
    let mut bad = false;
    println!(
        "\n{:<12} {:>7} {:>7} {:>7}",
        "audit", "tried", "passed", "failed"
    );
    for suite in selected {
        let own: Vec<&Figures> = figures.iter().filter(|f| f.suite == *suite).collect();
        if own.is_empty() {
            println!(
                "{suite:<12} {:>7} {:>7} {:>7}  (no figures: it did not finish)",
                "-", "-", "-"
            );
            bad = true;
            continue;
        }
        let sum = |f: fn(&Figures) -> u64| own.iter().map(|x| f(x)).sum::<u64>();
        let (tried, passed, failed) = (sum(|f| f.tried), sum(|f| f.passed), sum(|f| f.failed));
        bad |= failed > 0;
        println!("{suite:<12} {tried:>7} {passed:>7} {failed:>7}");
    }
    bad
}

/// schemathesis (PyPI) in a virtualenv of its own under target/, pinned.
fn ensure_schemathesis() -> Result<PathBuf, String> {
    tools::ensure_pip_package(
        &project_root().join("target/audit/schemathesis"),
        "schemathesis",
        SCHEMATHESIS_VERSION,
        "schemathesis",
    )
}

/// axe-core (npm): the script the accessibility audit injects into each page.
fn ensure_axe() -> Result<PathBuf, String> {
    tools::ensure_npm_package(
        &project_root().join("target/audit/node"),
        "axe-core",
        AXE_VERSION,
        "axe.min.js",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_figures_lines() {
        assert_eq!(
            Figures::parse("AUDIT authz tried=612 passed=610 failed=2"),
            Some(Figures {
                suite: "authz".into(),
                tried: 612,
                passed: 610,
                failed: 2
            })
        );
        assert_eq!(Figures::parse("AUDIT authz tried=1"), None);
        assert_eq!(Figures::parse("test authz ... ok"), None);
    }

    #[test]
    fn audit_targets_are_not_api_targets() {
        let api = api_test_targets();
        assert!(api.iter().any(|t| t == "platform"));
        assert!(api.iter().all(|t| !t.starts_with("audit_")));
    }
}
