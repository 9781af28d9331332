//! Builds the app's wasm split into on-demand chunks: Trunk's post-build hook
//! (`cargo xtask split`, see Trunk.toml), so every Trunk build — release, debug,
//! `trunk serve` — goes through it. Trunk keeps index.html, CSS and assets; this writes
//! the main module, its JS, the chunk loader and the chunks into one folder named after
//! their content (`wasm-<hash>/`: the chunks' own names are not content-hashed, the folder
//! makes long caching safe) and puts the loading tags into index.html.
//!
//! Steps (see ../shared/TOOLCHAIN.md, "Code splitting"): link with relocations kept,
//! `wasm-split-cli` cuts the module at each `#[lazy]` function, `wasm-bindgen` makes the
//! JS glue (keeping the function table the loader needs), `wasm-opt` shrinks each part in
//! release builds.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use sha2::{Digest, Sha256};

use crate::{cargo, project_root, run_command};

const APP: &str = "doctor-desk";
/// The loader wasm-split writes beside the main module.
const LOADER: &str = "__wasm_split.js";
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
    for entry in read_dir(&split_dir)? {
        let name = file_name(&entry);
        if name != format!("{APP}.wasm") {
            fs::copy(&entry, out.join(&name)).map_err(|e| format!("copy {name}: {e}"))?;
        }
    }
    extend_loader(&out.join(LOADER))?;
    if release {
        for wasm in read_dir(&out)?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        {
            run_command(
                Command::new("wasm-opt")
                    .args([
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
    let loader = fs::read_to_string(out.join(LOADER)).map_err(|e| e.to_string())?;
    fs::write(
        staging.join(PARTS_MANIFEST),
        parts_manifest(&loader, &base)?,
    )
    .map_err(|e| e.to_string())?;
    println!("xtask split: {folder}/ ({} files)", read_dir(&dest)?.len());
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

/// A chunk that fails to download (a phone between two cells) would otherwise end the
/// app: the Rust side expects every load to succeed. The loader instead waits for the
/// network: it shows a notice with a retry button and tries again when the doctor taps
/// it or the phone comes back online, and only then hands the chunk to the app. Its first
/// try takes the download the page started early (`boot.js`), if any.
fn extend_loader(loader: &Path) -> Result<(), String> {
    const FETCH: &str = "const src = fetch(new URL(";
    let js = fs::read_to_string(loader).map_err(|e| format!("read {LOADER}: {e}"))?;
    if !js.contains(FETCH) {
        return Err(format!(
            "{LOADER} no longer fetches chunks with `{FETCH}`: update extend_loader"
        ));
    }
    let patched = js.replace(FETCH, "const src = __ddFetchChunk(new URL(");
    fs::write(
        loader,
        format!("{}\n{patched}", include_str!("chunk_retry.js")),
    )
    .map_err(|e| e.to_string())
}

/// index.html with Trunk's skipped rust tag removed and the app's loading tags in the
/// head: module preloads for the JS, `boot.js` (which starts the wasm downloads at once,
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
    let head_end = html.find("</head>").ok_or("index.html has no </head>")?;
    // The page carries the code, not the comments.
    let boot: String = include_str!("boot.js")
        .replace("__MAIN__", &format!("{base}/{APP}_bg.wasm"))
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .collect();
    let tags = format!(
        concat!(
            r#"<link rel="modulepreload" href="{base}/{app}.js" crossorigin>"#,
            r#"<link rel="modulepreload" href="{base}/{loader}" crossorigin>"#,
            r#"<script id="{boot_id}">{boot}</script>"#,
            r#"<script type="module">import init from "{base}/{app}.js";"#,
            r#"init({{module_or_path:__ddEarly.take(__ddEarly.main)}}).then(__ddEarly.idle);</script>"#,
        ),
        base = base,
        app = APP,
        loader = LOADER,
        boot_id = BOOT_ID,
        boot = boot,
    );
    Ok(format!("{}{tags}{}", &html[..head_end], &html[head_end..]))
}

/// `{"<part>": ["<base>/split_<part>_<n>.wasm", "<base>/chunk_<k>.wasm", …]}`: each lazy
/// part's own module and every shared chunk it waits for, read off wasm-split's loader,
/// where each part is an `export const __wasm_split_load_<part>_<n> = …` naming its file
/// and then its chunks (`[__chunk_9, __chunk_10]`).
fn parts_manifest(loader: &str, base: &str) -> Result<String, String> {
    const EXPORT: &str = "export const __wasm_split_load_";
    let mut parts = serde_json::Map::new();
    for (start, _) in loader.match_indices(EXPORT) {
        let rest = &loader[start + EXPORT.len()..];
        let end = rest
            .find("]));")
            .ok_or("a part's loader has no chunk list")?;
        let text = &rest[..end];
        let name = text[..text.find(' ').unwrap_or(0)].to_owned();
        // The split's name ends in a number wasm-split adds (`_14521855410617576629`).
        let part = name
            .rsplit_once('_')
            .filter(|(_, n)| n.bytes().all(|b| b.is_ascii_digit()))
            .map_or(name.as_str(), |(part, _)| part);
        let own = format!("split_{name}.wasm");
        if !text.contains(&format!("\"./{own}\"")) {
            return Err(format!("the loader of {part} does not fetch {own}"));
        }
        let chunks = text[text.rfind('[').ok_or("no chunk list")? + 1..]
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.strip_prefix("__chunk_")
                    .map(|n| format!("{base}/chunk_{n}.wasm"))
                    .ok_or(format!("{part} waits for {c}, not a chunk"))
            });
        let files: Result<Vec<_>, _> = std::iter::once(Ok(format!("{base}/{own}")))
            .chain(chunks)
            .collect();
        parts.insert(part.to_owned(), files?.into());
    }
    if parts.is_empty() {
        return Err(format!("{LOADER} lists no lazy parts"));
    }
    serde_json::to_string_pretty(&parts).map_err(|e| e.to_string())
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
        assert!(out.find("<script").unwrap() < out.find("</head>").unwrap());
        assert!(with_loader("<html><head></head></html>", "/w").is_err());
    }

    #[test]
    fn the_manifest_lists_each_part_with_its_chunks() {
        let loader = r#"const __chunk_9 = makeLoad(() => {}, []);
export const __wasm_split_load_onboarding_view_145 = wrapAsyncCb(makeLoad(() => {
    const src = __ddFetchChunk(new URL("./split_onboarding_view_145.wasm", import.meta.url));
}
, [__chunk_9, __chunk_10]));
export const __wasm_split_load_review_queue_view_145 = wrapAsyncCb(makeLoad(() => {
    const src = __ddFetchChunk(new URL("./split_review_queue_view_145.wasm", import.meta.url));
}
, []));"#;
        let manifest: serde_json::Value =
            serde_json::from_str(&parts_manifest(loader, "/wasm-ab").unwrap()).unwrap();
        assert_eq!(
            manifest,
            serde_json::json!({
                "onboarding_view": [
                    "/wasm-ab/split_onboarding_view_145.wasm",
                    "/wasm-ab/chunk_9.wasm",
                    "/wasm-ab/chunk_10.wasm"
                ],
                "review_queue_view": ["/wasm-ab/split_review_queue_view_145.wasm"]
            })
        );
        assert!(parts_manifest("no parts here", "/w").is_err());
    }
}
