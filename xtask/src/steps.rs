//! `cargo xtask test`: every check and test suite in order, one summary at the end.
//! Each cargo test binary's `test result:` line is counted; a check that is not a test
//! runner (fmt, clippy, the build, the size budget) counts as one test.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::{audit, build, cargo, postgres, project_root, size, tools};

pub const SUITES: &[&str] = &[
    "fmt", "clippy", "unit", "api", "build", "browser", "e2e", "audit",
];

/// API suites that run once: `postgres_schema` compares SQLite's schema with PostgreSQL's;
/// `session_cache` tests the cache of signed-in checks, which only SQLite's commit hooks
/// keep (on PostgreSQL every check reads the database); `instances` runs two instances on
/// PostgreSQL whatever the pass, and so does `deploy_instances` (the deployment as
/// written); `deploy_proxy` is about nginx, not the store.
const RUN_ONCE: &[&str] = &[
    "postgres_schema",
    "session_cache",
    "instances",
    "deploy_proxy",
    "deploy_instances",
];

#[derive(Default, Clone, Copy)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

impl Tally {
    pub fn one(ok: bool) -> Tally {
        if ok {
            Tally {
                passed: 1,
                failed: 0,
            }
        } else {
            Tally {
                passed: 0,
                failed: 1,
            }
        }
    }
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

pub fn test(args: &[String]) -> Result<(), String> {
    let selected: Vec<&str> = if args.is_empty() {
        SUITES.to_vec()
    } else {
        for a in args {
            if !SUITES.contains(&a.as_str()) {
                return Err(format!(
                    "unknown suite `{a}`; suites: {}",
                    SUITES.join(", ")
                ));
            }
        }
        SUITES
            .iter()
            .copied()
            .filter(|s| args.iter().any(|a| a == s))
            .collect()
    };

    let mut results: Vec<(&str, Tally, Duration)> = Vec::new();
    let started = Instant::now();
    match tools::ensure_test_tools() {
        Ok(()) => {
            for suite in &selected {
                banner(suite);
                let t0 = Instant::now();
                let tally = run_suite(suite);
                results.push((suite, tally, t0.elapsed()));
            }
        }
        Err(e) => {
            eprintln!("xtask: tools: {e}");
            results.push(("tools", Tally::one(false), started.elapsed()));
        }
    }

    let mut total = Tally::default();
    println!(
        "\n{:<10} {:>7} {:>7} {:>9}",
        "suite", "passed", "failed", "time"
    );
    for (suite, tally, time) in &results {
        println!(
            "{suite:<10} {:>7} {:>7} {:>8.1}s",
            tally.passed,
            tally.failed,
            time.as_secs_f64()
        );
        total.add(*tally);
    }
    println!("total time {:.1}s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

fn banner(suite: &str) {
    println!("\n==== {suite} ====");
}

fn run_suite(suite: &str) -> Tally {
    let c = cargo();
    match suite {
        "fmt" => check(&c, &["fmt", "--all", "--check"], &[]),
        "clippy" => {
            let mut t = check(
                &c,
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
                &[],
            );
            t.add(check(
                &c,
                &[
                    "clippy",
                    "-p",
                    "doctor-desk",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
                &[],
            ));
            t
        }
        "unit" => tests(
            &c,
            &[
                "test",
                "--workspace",
                "--exclude",
                "doctor-desk",
                "--lib",
                "--bins",
            ],
            &[],
        ),
        // The audit's targets run in the audit suite, with its tools.
        "api" => {
            let targets = audit::api_test_targets();
            let mut args = vec!["test", "-p", "doctor-desk-server"];
            for t in &targets {
                args.extend(["--test", t.as_str()]);
            }
            // The servers some suites start (S3, nginx, PostgreSQL); without them those
            // suites fail, saying why.
            if let Err(e) = tools::ensure_test_servers() {
                eprintln!("xtask: {e}");
            }
            let moto = tools::ensure_moto()
                .inspect_err(|e| eprintln!("xtask: {e}"))
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let (postgres, _cluster) = postgres::for_suites();
            let env = [
                ("MOTO_SERVER", moto.as_str()),
                (postgres::URL_VAR, &postgres),
            ];
            let mut tally = tests(&c, &args, &env);
            // Every suite again with the app on PostgreSQL, but those about SQLite itself.
            let mut args = vec!["test", "-p", "doctor-desk-server"];
            for t in targets.iter().filter(|t| !RUN_ONCE.contains(&t.as_str())) {
                args.extend(["--test", t.as_str()]);
            }
            let env = [
                ("MOTO_SERVER", moto.as_str()),
                (postgres::URL_VAR, &postgres),
                postgres::ON_POSTGRES,
            ];
            tally.add(tests(&c, &args, &env));
            tally
        }
        "build" => {
            let built = build::spa();
            if let Err(e) = &built {
                eprintln!("xtask: {e}");
            }
            let mut t = Tally::one(built.is_ok());
            let budget = size::report(true).map(|br| br <= size::FIRST_LOAD_BUDGET);
            if let Ok(false) = budget {
                eprintln!(
                    "xtask: first-load brotli total is over the {} byte budget",
                    size::FIRST_LOAD_BUDGET
                );
            }
            t.add(Tally::one(budget == Ok(true)));
            t
        }
        "browser" => tests(
            &c,
            &[
                "test",
                "-p",
                "doctor-desk",
                "--target",
                "wasm32-unknown-unknown",
                "--tests",
            ],
            &[],
        ),
        "e2e" => {
            let dist = project_root().join("dist");
            if !dist.join("index.html").exists() {
                eprintln!("xtask: dist/ is missing: the e2e suite needs the build suite (or `cargo xtask build`)");
                return Tally::one(false);
            }
            let dist = dist.display().to_string();
            // Two instances behind nginx on one PostgreSQL and one S3 bucket (the
            // `two_instances_flow` case).
            if let Err(e) = tools::ensure_test_servers() {
                eprintln!("xtask: {e}");
            }
            let moto = tools::ensure_moto()
                .inspect_err(|e| eprintln!("xtask: {e}"))
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let (postgres, _cluster) = postgres::for_suites();
            let env = [
                ("DOCTOR_DESK_DIST", dist.as_str()),
                (postgres::URL_VAR, &postgres),
                ("MOTO_SERVER", &moto),
            ];
            let args = ["test", "-p", "doctor-desk", "--test", "e2e"];
            let mut tally = tests(&c, &args, &env);
            // Every flow again with its server on PostgreSQL (the two-instance flow is
            // always there).
            let mut env = env.to_vec();
            env.push(postgres::ON_POSTGRES);
            let again = [&args[..], &["--", "--skip", "two_instances_flow"]].concat();
            tally.add(tests(&c, &again, &env));
            tally
        }
        "audit" => audit::suite(),
        _ => unreachable!("suite names are checked"),
    }
}

/// A command that is one check.
fn check(program: &str, args: &[&str], env: &[(&str, &str)]) -> Tally {
    let (ok, _, _) = stream(program, args, env);
    Tally::one(ok)
}

/// A cargo test run: counts every binary's `test result:` line.
fn tests(program: &str, args: &[&str], env: &[(&str, &str)]) -> Tally {
    tests_with_figures(program, args, env).0
}

/// `tests`, and the `AUDIT …` lines the tests printed (see audit.rs).
pub fn tests_with_figures(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Tally, Vec<String>) {
    let mut full: Vec<&str> = args.to_vec();
    full.insert(1, "--no-fail-fast");
    let (ok, counted, figures) = stream(program, &full, env);
    let tally = match counted {
        // Failed before any test ran (a compile error): count the suite as one failure.
        None => Tally::one(false),
        Some(t) if !ok && t.failed == 0 => Tally {
            passed: t.passed,
            failed: 1,
        },
        Some(t) => t,
    };
    (tally, figures)
}

/// Runs a command, echoing its output; sums `test result:` lines and keeps `AUDIT` lines.
fn stream(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (bool, Option<Tally>, Vec<String>) {
    println!("$ {program} {}", args.join(" "));
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(project_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xtask: cannot run {program}: {e}");
            return (false, None, Vec::new());
        }
    };
    let mut counted: Option<Tally> = None;
    let mut figures = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if line.starts_with("AUDIT ") {
                figures.push(line.clone());
            }
            if let Some(t) = parse_test_result(&line) {
                counted.get_or_insert_with(Tally::default).add(t);
            }
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, counted, figures)
}

/// `test result: ok. 12 passed; 0 failed; 0 ignored; …` → (12, 0).
fn parse_test_result(line: &str) -> Option<Tally> {
    let rest = &line[line.find("test result:")? + "test result:".len()..];
    let number_before = |word: &str| -> Option<u64> {
        rest.split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches(|c: char| !c.is_ascii_digit())
                    .strip_suffix(word)
            })
            .and_then(|n| n.trim().parse().ok())
    };
    Some(Tally {
        passed: number_before("passed")?,
        failed: number_before("failed")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cargo_test_results() {
        let t = parse_test_result("test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s").unwrap();
        assert_eq!((t.passed, t.failed), (12, 0));
        let t = parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored").unwrap();
        assert_eq!((t.passed, t.failed), (3, 2));
        assert!(parse_test_result("running 3 tests").is_none());
    }
}
