//! Builds the app's wasm split into on-demand chunks: Trunk's post-build hook
//! (`cargo xtask split`, see Trunk.toml), so every Trunk build — release, debug,
//! `trunk serve` — goes through it. Trunk keeps index.html, CSS and assets; this writes
//! the main module, its JS, the chunk loader and the chunks into one folder named after
//! their content (`wasm-<hash>/`: the chunks' own names are not content-hashed, the folder
//! makes long caching safe) and puts the loading tags into index.html.
//!
//! Steps (see ../shared/TOOLCHAIN.md, "Code splitting"): link with relocations kept,
//! `wasm-split-cli` cuts the module at each `#[lazy]` function, `wasm-bindgen` makes the
//! JS glue (keeping the function table the loader needs; its imports' names shortened and
//! unused exports dropped, `bindgen_trim.rs`), `wasm-opt` shrinks each part in
//! release builds, and each lazy part's files are packed into one download
//! (`lazy_parts.rs`).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use sha2::{Digest, Sha256};

use crate::{
    cargo,
    lazy_parts::{extend_loader, lazy_parts, parts_manifest, write_pack, write_stand_in},
    project_root, run_command,
};

const APP: &str = "doctor-desk";
/// The loader wasm-split writes beside the main module.
pub const LOADER: &str = "__wasm_split.js";
/// The loader's stand-in in the first load (`lazy_parts::write_stand_in`).
pub const STAND_IN: &str = "parts.js";
/// The lazy parts' styles (style/parts.css), beside their wasm: not in the first load.
pub const PARTS_CSS: &str = "parts.css";
/// Which files each lazy part needs, for the server to name them to the page.
const PARTS_MANIFEST: &str = "lazy-parts.json";
/// The id of boot.js's script tag, where the server adds what the page should download.
const BOOT_ID: &str = "dd-boot";

pub fn run() -> Result<(), String> {
    let staging = PathBuf::from(
        std::env::var("TRUNK_STAGING_DIR")
            .map_err(|_| "`cargo xtask split` runs as Trunk's post_build hook (Trunk.toml)")?,
    );
    let release = std::env::var("TRUNK_PROFILE").as_deref() == Ok("release");
    let public_url = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".into());

    let linked = link(release)?;
    let work = target_dir().join("split");
    let _ = fs::remove_dir_all(&work);
    let (split_dir, out) = (work.join("split"), work.join("out"));
    run_command(
        Command::new("wasm-split-cli")
            .arg("--out-name")
            .arg(APP)
            .arg(&linked)
            .arg(&split_dir),
    )?;
    run_command(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
            .arg("--out-dir")
            .arg(&out)
            .args(["--out-name", APP])
            .arg(split_dir.join(format!("{APP}.wasm"))),
    )?;
    crate::bindgen_trim::trim(
        &out.join(format!("{APP}_bg.wasm")),
        &out.join(format!("{APP}.js")),
        &format!("./{APP}_bg.js"),
    )?;
    for entry in read_dir(&split_dir)? {
        let name = file_name(&entry);
        if name != format!("{APP}.wasm") {
            fs::copy(&entry, out.join(&name)).map_err(|e| format!("copy {name}: {e}"))?;
        }
    }
    let parts = lazy_parts(
        &fs::read_to_string(out.join(LOADER)).map_err(|e| format!("read {LOADER}: {e}"))?,
    )?;
    extend_loader(&out.join(LOADER), &parts)?;
    write_stand_in(&out, APP, &parts)?;
    fs::copy(
        project_root().join("style").join(PARTS_CSS),
        out.join(PARTS_CSS),
    )
    .map_err(|e| format!("copy style/{PARTS_CSS}: {e}"))?;
    if release {
        for wasm in read_dir(&out)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        {
            // Measured on the main module (brotli, against `-Oz` alone): flattening and
            // re-looping the control flow first, then `-Oz` three times, −1.1 KB; with the
            // low 1 KB of memory declared unused, so constant addresses fold into the
            // loads' offsets, −0.9 KB more. (Rust puts the 1 MB stack first, growing down
            // towards 0: that kilobyte is only reached by a stack about to overflow.)
            run_command(
                Command::new("wasm-opt")
                    .args([
                        "--low-memory-unused",
                        "--flatten",
                        "--rereloop",
                        "-Oz",
                        "-Oz",
                        "-Oz",
                        "--enable-bulk-memory",
                        "--enable-nontrapping-float-to-int",
                        "--strip-debug",
                        "--strip-producers",
                    ])
                    .arg(&wasm)
                    .arg("-o")
                    .arg(&wasm),
            )?;
        }
    }

    if release {
        minify(&out)?;
    }
    for part in &parts {
        write_pack(&out, part)?;
    }

    let folder = format!("wasm-{}", content_hash(&out)?);
    let dest = staging.join(&folder);
    fs::create_dir_all(&dest).map_err(|e| format!("create {}: {e}", dest.display()))?;
    for file in read_dir(&out)? {
        fs::copy(&file, dest.join(file_name(&file))).map_err(|e| e.to_string())?;
    }
    let index = staging.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("read index.html: {e}"))?;
    let base = format!("{}{folder}", with_slash(&public_url));
    fs::write(&index, with_loader(&html, &base)?).map_err(|e| e.to_string())?;
    fs::write(staging.join(PARTS_MANIFEST), parts_manifest(&parts, &base))
        .map_err(|e| e.to_string())?;
    println!("xtask split: {folder}/ ({} files)", read_dir(&dest)?.len());
    Ok(())
}

/// Minifies the JS glue (the app's and the loader's; about 4 KB less to download on every
/// first visit, brotli-compressed; export names stay as they are) and the parts' CSS.
fn minify(out: &Path) -> Result<(), String> {
    let esbuild = crate::tools::esbuild()?;
    for file in read_dir(out)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "js" || e == "css"))
    {
        let js = file.extension().is_some_and(|e| e == "js");
        // npm leaves either the native binary or a node launcher at this path.
        let native = fs::read(&esbuild).is_ok_and(|b| b.starts_with(b"\x7fELF"));
        let mut command = if native {
            Command::new(&esbuild)
        } else {
            let mut node = Command::new("node");
            node.arg(&esbuild);
            node
        };
        command
            .arg(&file)
            .args(["--minify", "--allow-overwrite", "--log-level=warning"]);
        if js {
            command.arg("--format=esm");
        }
        run_command(command.arg(format!("--outfile={}", file.display())))?;
    }
    Ok(())
}

/// Links the app for wasm with its relocations kept (wasm-split needs them). Only the
/// app crate gets the linker flag, so the dependencies' build cache is shared with
/// every other wasm build.
fn link(release: bool) -> Result<PathBuf, String> {
    let (profile, dir) = if release {
        ("wasm-release", "wasm-release")
    } else {
        ("dev", "debug")
    };
    run_command(Command::new(cargo()).current_dir(project_root()).args([
        "rustc",
        "--package",
        APP,
        "--bin",
        APP,
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
        "--features",
        "split",
        "--",
        "-C",
        "link-arg=--emit-relocs",
    ]))
    .map_err(|e| format!("building the app's wasm: {e}"))?;
    Ok(target_dir()
        .join("wasm32-unknown-unknown")
        .join(dir)
        .join(format!("{APP}.wasm")))
}

/// index.html with Trunk's skipped rust tag removed and the app's loading tags first in
/// the head: module preloads for the JS, `boot.js` (which starts the wasm downloads at once,
/// with the lazy part the server names in its `data-now`) and the module script that
/// starts the app with the main module boot.js fetched.
fn with_loader(html: &str, base: &str) -> Result<String, String> {
    // Trunk leaves the tag in, maybe minified (`<link data-trunk data-trunk-skip rel=rust>`).
    let (start, end) = html
        .match_indices("<link")
        .filter_map(|(start, _)| Some((start, start + html[start..].find('>')? + 1)))
        .find(|&(start, end)| html[start..end].contains("data-trunk-skip"))
        .ok_or(
            "index.html has no skipped rust tag (`<link data-trunk rel=\"rust\" data-trunk-skip>`)",
        )?;
    let html = format!("{}{}", &html[..start], &html[end..]);
    // Before the stylesheet: a script after one waits for it to load (it might read
    // styles), and the downloads should start at once.
    let first_link = html
        .find("<link")
        .ok_or("index.html has no <link> in its head")?;
    // The page carries the code, not the comments.
    let boot: String = include_str!("boot.js")
        .replace("__MAIN__", &format!("{base}/{APP}_bg.wasm"))
        .replace("__LOADER__", &format!("{base}/{LOADER}"))
        .replace("__PARTS_CSS__", &format!("{base}/{PARTS_CSS}"))
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .collect();
    let tags = format!(
        concat!(
            r#"<link rel="modulepreload" href="{base}/{app}.js" crossorigin>"#,
            r#"<link rel="modulepreload" href="{base}/{stand_in}" crossorigin>"#,
            r#"<script id="{boot_id}">{boot}</script>"#,
            r#"<script type="module">import init from "{base}/{app}.js";"#,
            r#"init({{module_or_path:__ddEarly.take(__ddEarly.main)}}).then(__ddEarly.idle);</script>"#,
        ),
        base = base,
        app = APP,
        stand_in = STAND_IN,
        boot_id = BOOT_ID,
        boot = boot,
    );
    Ok(format!(
        "{}{tags}{}",
        &html[..first_link],
        &html[first_link..]
    ))
}

/// The first 16 hex digits of a SHA-256 over every file's name and content.
fn content_hash(dir: &Path) -> Result<String, String> {
    let mut files = read_dir(dir)?;
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file_name(&file).as_bytes());
        hasher.update(fs::read(&file).map_err(|e| e.to_string())?);
    }
    Ok(hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"))
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    }
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(fs::read_dir(dir)
        .map_err(|e| format!("read {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_replaces_the_skipped_rust_tag() {
        let html = r#"<html><head><link rel="stylesheet" href="/style-1.css"/><link data-trunk data-trunk-id=2 data-trunk-skip rel=rust></head><body></body></html>"#;
        let out = with_loader(html, "/wasm-abc").unwrap();
        assert!(!out.contains("rel=\"rust\""));
        assert!(out.contains(r#"import init from "/wasm-abc/doctor-desk.js""#));
        assert!(out.contains(r#"main: "/wasm-abc/doctor-desk_bg.wasm""#));
        assert!(out.contains(r#"<script id="dd-boot">"#));
        // The first load has the loader's stand-in; boot.js asks for the loader itself.
        assert!(out.contains(r#"<link rel="modulepreload" href="/wasm-abc/parts.js""#));
        assert!(!out.contains(r#"href="/wasm-abc/__wasm_split.js""#));
        assert!(out.contains(r#"link.href = "/wasm-abc/__wasm_split.js""#));
        assert!(out.find("<script").unwrap() < out.find("</head>").unwrap());
        assert!(
            out.find("dd-boot").unwrap() < out.find("stylesheet").unwrap(),
            "a stylesheet before it would hold the boot script back"
        );
        assert!(with_loader("<html><head></head></html>", "/w").is_err());
    }
}
