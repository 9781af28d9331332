//! The lazy parts of a split build: read off wasm-split's chunk loader, the loader
//! extended (a failed download waits for the network, a part's files come from its pack)
//! and each part's files packed into one download, `part_<name>.bin`.

use std::{fs, path::Path};

use crate::split::{LOADER, STAND_IN};

/// A part that loads on demand: its name (its `#[lazy]` function's), wasm-split's name
/// for it (the name and a number) and its files, its own module first.
pub struct Part {
    pub name: String,
    pub split: String,
    pub files: Vec<String>,
}

/// The parts, read off wasm-split's loader, where each is an
/// `export const __wasm_split_load_<name>_<n> = …` naming its module and then the shared
/// chunks it waits for (`[__chunk_9, __chunk_10]`).
pub fn lazy_parts(loader: &str) -> Result<Vec<Part>, String> {
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
pub fn parts_manifest(parts: &[Part], base: &str) -> String {
    let packs: serde_json::Map<_, _> = parts
        .iter()
        .map(|p| (p.name.clone(), format!("{base}/part_{}.bin", p.name).into()))
        .collect();
    serde_json::to_string_pretty(&packs).unwrap_or_default()
}

/// A chunk that fails to download (a phone between two cells) would otherwise end the
/// app: the Rust side expects every load to succeed. The loader instead waits for the
/// network: it shows a notice with a retry button and tries again when the doctor taps
/// it or the phone comes back online, and only then hands the chunk to the app. Its first
/// try takes the download the page started early (`boot.js`), if any.
pub fn extend_loader(loader: &Path, parts: &[Part]) -> Result<(), String> {
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
        pack_files.insert(part.name.clone(), pack_list(&part.files)?.into());
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

/// Writes the chunk loader's stand-in (`parts.js`, from stand_in.js): one export per part,
/// named as the main module imports it, that downloads the loader on its first call and
/// hands the call on. The app's JS glue then imports the stand-in instead of the loader.
pub fn write_stand_in(out: &Path, app: &str, parts: &[Part]) -> Result<(), String> {
    let mut js = include_str!("stand_in.js").to_owned();
    for part in parts {
        let name = format!("__wasm_split_load_{}", part.split);
        js += &format!("export const {name} = __ddLoadPart({name:?});\n");
    }
    fs::write(out.join(STAND_IN), js).map_err(|e| format!("write {STAND_IN}: {e}"))?;
    let glue = out.join(format!("{app}.js"));
    let text = fs::read_to_string(&glue).map_err(|e| format!("read {}: {e}", glue.display()))?;
    // Only the imports: the module name the wasm imports from stays the loader's.
    let mut replaced = text.clone();
    for quote in ['"', '\''] {
        replaced = replaced.replace(
            &format!("from {quote}./{LOADER}{quote}"),
            &format!("from {quote}./{STAND_IN}{quote}"),
        );
    }
    if replaced == text {
        return Err(format!(
            "{app}.js no longer imports ./{LOADER}: update write_stand_in"
        ));
    }
    fs::write(&glue, replaced).map_err(|e| e.to_string())
}

/// The files of a pack as packs.js reads them: its own module, then its chunks' numbers
/// as ranges (`split_a_1.wasm 28-52 60`): the table of all parts is in the first load, and
/// this spelling of it is 0.4 KB smaller there (brotli) than one name per chunk.
fn pack_list(files: &[String]) -> Result<String, String> {
    let (own, chunks) = files.split_first().ok_or("a part without files")?;
    let mut numbers = chunks
        .iter()
        .map(|f| {
            f.strip_prefix("chunk_")
                .and_then(|f| f.strip_suffix(".wasm"))
                .and_then(|n| n.parse::<u32>().ok())
                .ok_or(format!("{f} is not a chunk"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    numbers.sort_unstable();
    let mut list = own.clone();
    let mut rest = numbers.as_slice();
    while let Some(&first) = rest.first() {
        let run = rest.windows(2).take_while(|w| w[1] == w[0] + 1).count();
        let last = rest[run];
        list += &if run == 0 {
            format!(" {first}")
        } else {
            format!(" {first}-{last}")
        };
        rest = &rest[run + 1..];
    }
    Ok(list)
}

/// One `part_<name>.bin` with the part's files (the format is in packs.js).
pub fn write_pack(dir: &Path, part: &Part) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_glue_imports_each_parts_load_from_the_stand_in() {
        let out = tempfile::tempdir().unwrap();
        let glue = r#"import * as F from "./__wasm_split.js";import * as M from './__wasm_split.js';const i = {"./__wasm_split.js": F};"#;
        fs::write(out.path().join("app.js"), glue).unwrap();
        let part = |name: &str| Part {
            name: name.into(),
            split: format!("{name}_145"),
            files: vec![],
        };
        write_stand_in(out.path(), "app", &[part("me_view"), part("login_view")]).unwrap();
        assert_eq!(
            fs::read_to_string(out.path().join("app.js")).unwrap(),
            r#"import * as F from "./parts.js";import * as M from './parts.js';const i = {"./__wasm_split.js": F};"#
        );
        let stand_in = fs::read_to_string(out.path().join(STAND_IN)).unwrap();
        for name in ["me_view_145", "login_view_145"] {
            assert!(stand_in.contains(&format!(
                "export const __wasm_split_load_{name} = __ddLoadPart(\"__wasm_split_load_{name}\");"
            )));
        }
        // A glue that stopped importing the loader is a build error, not a silent no-op.
        assert!(write_stand_in(out.path(), "app", &[part("me_view")]).is_err());
    }

    #[test]
    fn a_pack_lists_its_chunks_as_ranges() {
        let files = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            pack_list(&files(&[
                "split_a_1.wasm",
                "chunk_12.wasm",
                "chunk_9.wasm",
                "chunk_10.wasm",
                "chunk_14.wasm",
                "chunk_15.wasm",
                "chunk_16.wasm"
            ]))
            .unwrap(),
            "split_a_1.wasm 9-10 12 14-16"
        );
        assert_eq!(
            pack_list(&files(&["split_b_1.wasm"])).unwrap(),
            "split_b_1.wasm"
        );
        assert!(pack_list(&files(&["split_c_1.wasm", "other.wasm"])).is_err());
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
