//! Installs the tools the build and the tests need, at the versions that work together
//! (see shared TOOLCHAIN notes): idempotent, so a warm machine pays only a few checks.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::project_root;

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132";
const WASM_SPLIT_VERSION: &str = "0.2.4";
const ESBUILD_VERSION: &str = "0.28.2";
const MOTO_VERSION: &str = "5.2.1";

/// What `cargo xtask run` and `build` need.
pub fn ensure_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    ensure_wasm_split()?;
    ensure_trunk()?;
    esbuild()?;
    Ok(())
}

/// esbuild from npm, for the release JS glue: Trunk's
/// own minifier cannot parse what wasm-bindgen and wasm-split write.
pub fn esbuild() -> Result<PathBuf, String> {
    ensure_npm_package(
        &project_root().join("target/tools/esbuild"),
        "esbuild",
        ESBUILD_VERSION,
        "bin/esbuild",
    )
}

/// What `cargo xtask test` needs on top: clippy, rustfmt and both browser engines.
pub fn ensure_test_tools() -> Result<(), String> {
    ensure_build_tools()?;
    for component in ["rustfmt", "clippy"] {
        if !output_of("rustup", &["component", "list", "--installed"]).contains(component) {
            run_install("rustup", &["component", "add", component])?;
        }
    }
    ensure_browsers()
}

fn ensure_wasm_target() -> Result<(), String> {
    if output_of("rustup", &["target", "list", "--installed"]).contains("wasm32-unknown-unknown") {
        return Ok(());
    }
    run_install("rustup", &["target", "add", "wasm32-unknown-unknown"])
}

/// The CLI must match the wasm-bindgen of Cargo.lock exactly.
fn ensure_wasm_bindgen() -> Result<(), String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let version =
        locked_version(&lock, "wasm-bindgen").ok_or("Cargo.lock has no wasm-bindgen entry")?;
    let have = output_of("wasm-bindgen", &["--version"]);
    let runner = output_of("wasm-bindgen-test-runner", &["--version"]);
    if have.split_whitespace().nth(1) == Some(version.as_str()) && runner.contains(&version) {
        return Ok(());
    }
    // Not --locked: its lockfile pins a webpki-roots release the registry no longer has.
    run_install(
        "cargo",
        &["install", "wasm-bindgen-cli", "--version", &version],
    )
}

/// The splitter cargo-leptos uses (`wasm-split-cli` from `wasm_split_cli_support`; the
/// crate named `wasm-split-cli` is another project's).
fn ensure_wasm_split() -> Result<(), String> {
    let installed = output_of("cargo", &["install", "--list"]);
    if installed.contains(&format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}")) {
        return Ok(());
    }
    run_install(
        "cargo",
        &[
            "install",
            "--locked",
            "wasm_split_cli_support",
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
        ],
    )
}

fn ensure_trunk() -> Result<(), String> {
    if output_of("trunk", &["--version"]).contains(TRUNK_VERSION) {
        return Ok(());
    }
    run_install(
        "cargo",
        &["install", "--locked", &format!("trunk@{TRUNK_VERSION}")],
    )
}

/// wasm-opt from npm's binaryen: Debian's old one produces wasm that does not start.
fn ensure_wasm_opt() -> Result<(), String> {
    if output_of("wasm-opt", &["--version"]).contains(&format!("version {BINARYEN_VERSION}")) {
        return Ok(());
    }
    if output_of("npm", &["--version"]).is_empty() {
        return Err("wasm-opt (binaryen 132) is missing and npm is not installed: install Node.js and npm, then run `npm install -g binaryen@132.0.0`".into());
    }
    run_install(
        "npm",
        &["install", "-g", &format!("binaryen@{BINARYEN_VERSION}.0.0")],
    )?;
    let now = output_of("wasm-opt", &["--version"]);
    if now.contains(&format!("version {BINARYEN_VERSION}")) {
        Ok(())
    } else {
        Err(format!(
            "wasm-opt on PATH is `{}` after installing binaryen {BINARYEN_VERSION} from npm: put npm's global bin first on PATH",
            now.trim()
        ))
    }
}

/// WebKitGTK's MiniBrowser: the stand-in for iOS Safari and the iOS WeChat browser.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// Both browser engines of the end-to-end tests, their WebDriver servers, Xvfb for WebKit,
/// Mesa (WebKit aborts without EGL) and a CJK font.
pub fn ensure_browsers() -> Result<(), String> {
    let on_path = |bin: &str| {
        std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(bin).is_file()))
            .unwrap_or(false)
    };
    let ready = ["chromium", "chromedriver", "WebKitWebDriver", "Xvfb"]
        .iter()
        .all(|b| on_path(b))
        && std::path::Path::new(MINIBROWSER).exists()
        && std::path::Path::new("/usr/lib/x86_64-linux-gnu/dri").exists()
        && has_cjk_font();
    if ready {
        return Ok(());
    }
    apt_install(
        "the browser tests need Chromium + chromedriver, WebKitGTK's WebDriver and \
         MiniBrowser, Xvfb, Mesa and a CJK font",
        &[
            "chromium",
            "chromium-driver",
            "webkit2gtk-driver",
            "xvfb",
            "libgl1-mesa-dri",
            "fonts-wqy-microhei",
        ],
    )
}

/// The servers API suites start of their own: nginx and openssl for the one behind
/// `deploy/nginx`'s proxy configuration (`crates/server/tests/deploy_proxy.rs`), and
/// PostgreSQL for the one that checks `migrations-postgres/` (`postgres_schema.rs`).
pub fn ensure_test_servers() -> Result<(), String> {
    let runs = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let postgres = std::fs::read_dir("/usr/lib/postgresql")
        .map(|mut d| d.any(|e| e.is_ok_and(|e| e.path().join("bin/initdb").exists())))
        .unwrap_or(false);
    if runs("openssl", "version") && runs("nginx", "-v") && postgres {
        return Ok(());
    }
    apt_install(
        "the API suites need nginx, openssl and PostgreSQL",
        &["nginx-light", "openssl", "postgresql"],
    )
}

/// Debian packages, as root; otherwise says what `what` needs.
fn apt_install(what: &str, packages: &[&str]) -> Result<(), String> {
    let debian = std::path::Path::new("/etc/debian_version").exists();
    let root = output_of("id", &["-u"]).trim() == "0";
    if !(debian && root) {
        return Err(format!(
            "{what} (Debian: apt-get install {})",
            packages.join(" ")
        ));
    }
    run_install("apt-get", &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend_from_slice(packages);
    run_install("apt-get", &args)
}

/// `file` of npm package `name@version`, installed under `prefix` when missing or of
/// another version (Lighthouse for `bench web`, axe-core for the audit).
pub fn ensure_npm_package(
    prefix: &Path,
    name: &str,
    version: &str,
    file: &str,
) -> Result<PathBuf, String> {
    let package = prefix.join("node_modules").join(name);
    let wanted = package.join(file);
    let installed = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    if installed.as_deref() == Some(version) && wanted.exists() {
        return Ok(wanted);
    }
    if output_of("npm", &["--version"]).is_empty() {
        return Err(format!(
            "{name} is missing and npm is not installed: install Node.js and npm, then run \
             `npm install --prefix {} {name}@{version}`",
            prefix.display()
        ));
    }
    std::fs::create_dir_all(prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    run_install(
        "npm",
        &[
            "install",
            "--prefix",
            &prefix.display().to_string(),
            "--no-audit",
            "--no-fund",
            &format!("{name}@{version}"),
        ],
    )?;
    if wanted.exists() {
        Ok(wanted)
    } else {
        Err(format!(
            "npm installed {name} but {} is missing",
            wanted.display()
        ))
    }
}

/// A PyPI package (`name` with its extras, e.g. `moto[server]`) at `version`, in a
/// virtualenv of its own at `venv`; answers the path of its program `bin`.
pub fn ensure_pip_package(
    venv: &Path,
    name: &str,
    version: &str,
    bin: &str,
) -> Result<PathBuf, String> {
    let program = venv.join("bin").join(bin);
    let pip = venv.join("bin/pip").display().to_string();
    let package = name.split('[').next().unwrap_or(name);
    if program.exists()
        && output_of(&pip, &["show", package])
            .lines()
            .any(|l| l == format!("Version: {version}"))
    {
        return Ok(program);
    }
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| !output_of(p, &["--version"]).is_empty())
        .ok_or(format!(
            "{name} needs Python 3.9+: install python3 (with venv)"
        ))?;
    let venv_s = venv.display().to_string();
    // Cleared: a virtualenv left half-made, or moved with target/ (its scripts name the old
    // path), would not run its pip.
    if run_install(python, &["-m", "venv", "--clear", &venv_s]).is_err() {
        // Debian ships venv (ensurepip) in a package of its own.
        let debian = Path::new("/etc/debian_version").exists();
        let root = output_of("id", &["-u"]).trim() == "0";
        let hint = format!(
            "`python3 -m venv` failed: {name} needs a virtualenv \
             (Debian/Ubuntu: apt-get install python3-venv)"
        );
        if !(debian && root) {
            return Err(hint);
        }
        run_install("apt-get", &["update", "-qq"])?;
        run_install(
            "apt-get",
            &[
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "python3-venv",
            ],
        )
        .map_err(|e| format!("{hint}: {e}"))?;
        run_install(python, &["-m", "venv", "--clear", &venv_s])
            .map_err(|e| format!("{hint}: {e}"))?;
    }
    run_install(
        &pip,
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("{name}=={version}"),
        ],
    )?;
    Ok(program)
}

/// moto's stand-alone S3 server (PyPI), which the object-store suite starts
/// (`crates/server/tests/files_store.rs`, told where by `MOTO_SERVER`).
pub fn ensure_moto() -> Result<PathBuf, String> {
    ensure_pip_package(
        &project_root().join("target/tools/moto"),
        "moto[server]",
        MOTO_VERSION,
        "moto_server",
    )
}

/// Chinese text in screenshots needs a CJK font.
fn has_cjk_font() -> bool {
    output_of("fc-list", &[":lang=zh"]).lines().count() > 0
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let end = lock[start..].find('"')?;
    Some(lock[start..start + end].to_owned())
}

/// Stdout of a command, or "" when it cannot run.
pub fn output_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

pub fn run_install(program: &str, args: &[&str]) -> Result<(), String> {
    println!("xtask: installing: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_locked_versions() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.80\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(lock, "wasm-bindgen-futures").as_deref(),
            Some("0.4.80")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }
}
