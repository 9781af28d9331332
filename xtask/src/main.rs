//! `cargo xtask <command>`: the project's commands, runnable on a fresh machine.
//!
//! - `run`   install what is missing, build the SPA, start the server with demo data
//! - `test`  every check and test suite; ends with `N passed, N failed`
//! - `build` build the SPA into `dist/` (with precompressed copies)
//! - `split` Trunk's post-build hook: the app's wasm split into on-demand chunks
//! - `size`  raw / gzip / brotli sizes of `dist/` and of the first load
//! - `audit` the proof suites: authorization, races, uploads, conformance, faults, XSS, a11y
//! - `bench` benchmarks that print figures (`bench inbox`, `bench web`)

mod audit;
mod bench_web;
mod bindgen_trim;
mod build;
mod lazy_parts;
mod postgres;
mod size;
mod split;
mod steps;
mod tools;

use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let result = match command.as_str() {
        "run" => run(&rest),
        "test" => steps::test(&rest),
        "build" => tools::ensure_build_tools().and_then(|_| build::spa()),
        "size" => size::report(true).map(|_| ()),
        "split" => split::run(),
        "bench" => bench(&rest),
        "audit" => audit::run(&rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  run [server flags]   build the SPA and serve it with demo data (http://127.0.0.1:8080)\n  test [suite …]       run every check and test suite (or only the named ones: {})\n  build                build the SPA into dist/\n  size                 print the size report of dist/\n  audit [suite …]      the proof suites (authz, races, uploads, conformance, faults, xss, a11y): cases tried, passed, failed\n  bench inbox [flags]  inbox list / send / patient list throughput and latency, event delivery latency\n  bench dom            patient send -> doctor's screen delay in Chromium (builds dist/ if missing)\n  bench web [flags]    Lighthouse (mobile, slow 4G) of the release SPA: --runs N, --pages login,home,inbox,consultation, --no-build, --trace",
                steps::SUITES.join(", ")
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a benchmark: `web` is Lighthouse on the release SPA (see bench_web.rs); any other
/// target is the server's own (release build, fresh temporary database), and the flags
/// after the target go to it (`--consultations`, `--messages`, `--clients`, `--seconds`, …).
fn bench(args: &[String]) -> Result<(), String> {
    let Some(target) = args.first() else {
        return Err("which benchmark? `cargo xtask bench inbox` or `cargo xtask bench web`".into());
    };
    // The web benchmark drives a browser, not the server's own benchmark code.
    if target == "web" {
        return bench_web::run(&args[1..]);
    }
    if target == "dom" {
        return bench_dom();
    }
    run_command(
        std::process::Command::new(env!("CARGO"))
            .args([
                "run",
                "--release",
                "--quiet",
                "-p",
                "doctor-desk-server",
                "--",
                "bench",
            ])
            .arg(target)
            .args(&args[1..])
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "error".into()),
            )
            .current_dir(project_root()),
    )
    .map_err(|e| format!("bench {target}: {e}"))
}

/// The delay from a patient's send to the doctor's screen in a real browser: an ignored
/// case of the e2e suite (it has the server, browser and sign-up fixtures), run alone.
fn bench_dom() -> Result<(), String> {
    tools::ensure_test_tools()?;
    let dist = project_root().join("dist");
    if !dist.join("index.html").exists() {
        build::spa()?;
    }
    run_command(
        std::process::Command::new(env!("CARGO"))
            .args([
                "test",
                "--quiet",
                "-p",
                "doctor-desk",
                "--test",
                "e2e",
                "--",
            ])
            .args([
                "--ignored",
                "--nocapture",
                "patient_message_to_doctor_screen",
            ])
            .env("DOCTOR_DESK_DIST", &dist)
            .current_dir(project_root()),
    )
    .map_err(|e| format!("bench dom: {e}"))
}

/// Builds everything and serves it; extra arguments go to the server (`--addr`, `--data-dir`,
/// `--database-url`, …; the same settings are read from env vars, see the README).
fn run(server_args: &[String]) -> Result<(), String> {
    tools::ensure_build_tools()?;
    build::spa()?;
    let root = project_root();
    let mut args: Vec<String> = vec![
        "run".into(),
        "--release".into(),
        "--quiet".into(),
        "-p".into(),
        "doctor-desk-server".into(),
        "--".into(),
        "--dev".into(),
        "--demo".into(),
        "--dist".into(),
        root.join("dist").display().to_string(),
    ];
    // `cargo xtask run -- --addr …` and `cargo xtask run --addr …` both work.
    args.extend(server_args.iter().skip_while(|a| *a == "--").cloned());
    println!("Starting the server (first build of the release server takes a few minutes)…");
    run_command(
        std::process::Command::new(cargo())
            .args(&args)
            .current_dir(&root),
    )
}

/// Runs a command to its end; the error names the program when it cannot start or fails.
pub fn run_command(command: &mut std::process::Command) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} failed ({status})"))
    }
}

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
