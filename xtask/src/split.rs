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
    let parts = lazy_parts(
        &fs::read_to_string(out.join(LOADER)).map_err(|e| format!("read {LOADER}: {e}"))?,
    )?;
    extend_loader(&out.join(LOADER), &parts)?;
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
fn extend_loader(loader: &Path, parts: &[Part]) -> Result<(), String> {
    const FETCH: &str = "const src = fetch(new URL(";
    let mut js = fs::read_to_string(loader).map_err(|e| format!("read {LOADER}: {e}"))?;
    if !js.contains(FETCH) {
        return Err(format!(
            "{LOADER} no longer fetches chunks with `{FETCH}`: update extend_loader"
        ));
    }
    js = js.replace(FETCH, "const src = __ddFetchChunk(new URL(");
    // Each part's loader starts with its pack (packs.js).
    let mut pack_files = serde_json::Map::new();
    for part in parts {
        let export = format!(
            "export const __wasm_split_load_{} = wrapAsyncCb(makeLoad(",
            part.split
        );
        if js.matches(&export).count() != 1 {
            return Err(format!(
                "{LOADER} does not load {} with `{export}`",
                part.name
            ));
        }
        js = js.replace(
            &export,
            &format!(
                "export const __wasm_split_load_{} = __ddPart({:?}, makeLoad(",
                part.split, part.name
            ),
        );
        pack_files.insert(part.name.clone(), part.files.clone().into());
    }
    fs::write(
        loader,
        format!(
            "{}\nconst __ddPackFiles = {};\n{}\n{js}",
            include_str!("chunk_retry.js"),
            serde_json::Value::Object(pack_files),
            include_str!("packs.js"),
        ),
    )
    .map_err(|e| e.to_string())
}

/// One `part_<name>.bin` with the part's files (the format is in packs.js).
fn write_pack(dir: &Path, part: &Part) -> Result<(), String> {
    let mut header = Vec::new();
    let mut body = Vec::new();
    for file in &part.files {
        let bytes = fs::read(dir.join(file)).map_err(|e| format!("read {file}: {e}"))?;
        header.push(serde_json::json!([file, bytes.len()]));
        body.extend(bytes);
    }
    let header = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    let mut pack = u32::try_from(header.len())
        .map_err(|_| "pack header too long")?
        .to_le_bytes()
        .to_vec();
    pack.extend(header);
    pack.extend(body);
    fs::write(dir.join(format!("part_{}.bin", part.name)), pack).map_err(|e| e.to_string())
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
    Ok(format!(
        "{}{tags}{}",
        &html[..first_link],
        &html[first_link..]
    ))
}

/// A part that loads on demand: its name (its `#[lazy]` function's), wasm-split's name
/// for it (the name and a number) and its files, its own module first.
struct Part {
    name: String,
    split: String,
    files: Vec<String>,
}

/// The parts, read off wasm-split's loader, where each is an
/// `export const __wasm_split_load_<name>_<n> = …` naming its module and then the shared
/// chunks it waits for (`[__chunk_9, __chunk_10]`).
fn lazy_parts(loader: &str) -> Result<Vec<Part>, String> {
    const EXPORT: &str = "export const __wasm_split_load_";
    let mut parts = Vec::new();
    for (start, _) in loader.match_indices(EXPORT) {
        let rest = &loader[start + EXPORT.len()..];
        let end = rest
            .find("]));")
            .ok_or("a part's loader has no chunk list")?;
        let text = &rest[..end];
        let split = text[..text.find(' ').unwrap_or(0)].to_owned();
        // wasm-split adds a number to the name (`_14521855410617576629`).
        let name = split
            .rsplit_once('_')
            .filter(|(_, n)| n.bytes().all(|b| b.is_ascii_digit()))
            .map_or(split.as_str(), |(name, _)| name)
            .to_owned();
        let own = format!("split_{split}.wasm");
        if !text.contains(&format!("\"./{own}\"")) {
            return Err(format!("the loader of {name} does not fetch {own}"));
        }
        let chunks = text[text.rfind('[').ok_or("no chunk list")? + 1..]
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.strip_prefix("__chunk_")
                    .map(|n| format!("chunk_{n}.wasm"))
                    .ok_or(format!("{name} waits for {c}, not a chunk"))
            });
        let files = std::iter::once(Ok(own))
            .chain(chunks)
            .collect::<Result<_, _>>()?;
        parts.push(Part { name, split, files });
    }
    if parts.is_empty() {
        return Err(format!("{LOADER} lists no lazy parts"));
    }
    Ok(parts)
}

/// `{"<part>": "<base>/part_<part>.bin"}`: where each part's pack is, for the server.
fn parts_manifest(parts: &[Part], base: &str) -> String {
    let packs: serde_json::Map<_, _> = parts
        .iter()
        .map(|p| (p.name.clone(), format!("{base}/part_{}.bin", p.name).into()))
        .collect();
    serde_json::to_string_pretty(&packs).unwrap_or_default()
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
        assert!(
            out.find("dd-boot").unwrap() < out.find("stylesheet").unwrap(),
            "a stylesheet before it would hold the boot script back"
        );
        assert!(with_loader("<html><head></head></html>", "/w").is_err());
    }

    #[test]
    fn each_part_is_read_off_the_loader_with_its_chunks() {
        let loader = r#"const __chunk_9 = makeLoad(() => {}, []);
export const __wasm_split_load_onboarding_view_145 = wrapAsyncCb(makeLoad(() => {
    const src = __ddFetchChunk(new URL("./split_onboarding_view_145.wasm", import.meta.url));
}
, [__chunk_9, __chunk_10]));
export const __wasm_split_load_review_queue_view_145 = wrapAsyncCb(makeLoad(() => {
    const src = __ddFetchChunk(new URL("./split_review_queue_view_145.wasm", import.meta.url));
}
, []));"#;
        let parts = lazy_parts(loader).unwrap();
        let read: Vec<_> = parts
            .iter()
            .map(|p| (p.name.as_str(), p.split.as_str(), p.files.join(" ")))
            .collect();
        assert_eq!(
            read,
            [
                (
                    "onboarding_view",
                    "onboarding_view_145",
                    "split_onboarding_view_145.wasm chunk_9.wasm chunk_10.wasm".into()
                ),
                (
                    "review_queue_view",
                    "review_queue_view_145",
                    "split_review_queue_view_145.wasm".into()
                )
            ]
        );
        let manifest: serde_json::Value =
            serde_json::from_str(&parts_manifest(&parts, "/wasm-ab")).unwrap();
        assert_eq!(
            manifest,
            serde_json::json!({
                "onboarding_view": "/wasm-ab/part_onboarding_view.bin",
                "review_queue_view": "/wasm-ab/part_review_queue_view.bin"
            })
        );
        assert!(lazy_parts("no parts here").is_err());
    }

    #[test]
    fn a_pack_holds_each_file_after_its_header() {
        let dir = std::env::temp_dir().join(format!("dd-pack-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.wasm"), b"AAA").unwrap();
        fs::write(dir.join("b.wasm"), b"BB").unwrap();
        let part = Part {
            name: "p".into(),
            split: "p_1".into(),
            files: vec!["a.wasm".into(), "b.wasm".into()],
        };
        write_pack(&dir, &part).unwrap();
        let pack = fs::read(dir.join("part_p.bin")).unwrap();
        let _ = fs::remove_dir_all(&dir);
        let length = u32::from_le_bytes(pack[..4].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&pack[4..4 + length]).unwrap();
        assert_eq!(header, serde_json::json!([["a.wasm", 3], ["b.wasm", 2]]));
        assert_eq!(&pack[4 + length..], b"AAABB");
    }
}
