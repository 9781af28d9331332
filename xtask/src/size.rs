//! Size report of the built SPA. What a doctor on a slow mobile network waits for is the
//! first load: the page, the main wasm module, its JS glue, the chunk loader's stand-in
//! and the CSS, as transferred (brotli). The lazy routes' chunks (`split_*.wasm`, and
//! `chunk_*.wasm` shared between them) and the chunk loader come later, when a lazy page
//! is first opened (or the browser is idle).

use std::{fs, path::Path};

use crate::{
    build::{brotli, gzip},
    project_root,
};

/// First-load budget, brotli bytes: the measured 246.8 KB (registration, password reset
/// and the consultation as lazy routes; 298.6 KB before them) plus 10 KB, then 262 KB
/// when the post editor came (measured 256.5 → 261.0 KB: its four lazy routes, two
/// navigation entries, their chunk loaders and its CSS, about 1.3 KB of it; its code and
/// texts are all in its own parts). Later: the account pages' texts, two lazy routes and
/// the check for a session ended elsewhere added 1.9 KB; minifying the JS glue (esbuild)
/// took 3.9 KB off: 259.0 KB. Then 265 KB: account deletion, my activity and
/// notifications (three lazy routes, the banner and the unread count in the shell, and
/// their texts, which stay in the main module's data like every string literal) took it
/// to 263.2 KB. Then sign-in became a lazy part (the sign-in forms and the form field,
/// SMS code and password components with it: 264.8 → 240.6 KB) and JSON went to the
/// browser's own parser (serde-wasm-bindgen, no serde_json in the wasm): 237.3 KB. The
/// sign-in page's heading came back to the main module (its largest paint, /login's LCP
/// 3.60 → 2.69 s): 239.3 KB, so 249 KB. The chunk loader left the first load for its
/// stand-in (parts.js; the loader comes at the first lazy part): 234.3 KB, so 245 KB. The
/// inbox's frame and early rows in the page (+0.9 KB) and the parts' styles out of the
/// first load (-2.6 KB, style/parts.css): 233.0 KB, so 243 KB. Then wasm-bindgen's output
/// trimmed (short import names, no wasm-streams exports or classes: -6.7 KB), wasm-opt
/// flattening first (-3.1 KB), answers read by our own deserializer whose errors carry no
/// text (-12.0 KB) and the contract's times without chrono's general parser (-5.6 KB):
/// 205.6 KB, so 216 KB. Then one type for every route's view (-1.2 KB), the request
/// pipeline made once for every type of answer (-2.0 KB), leptos_router's server-only
/// route listing out of the browser build (-2.7 KB), the closures' exports renamed and one
/// resource type for every page's fetches (-1.9 KB): 197.8 KB, so 208 KB.
pub const FIRST_LOAD_BUDGET: usize = 208 * 1000;

/// Prints the report; returns the first-load brotli total (the budgeted figure).
pub fn report(print: bool) -> Result<usize, String> {
    let dist = project_root().join("dist");
    let mut rows = Vec::new();
    collect(&dist, "", &mut rows)?;
    rows.sort();
    let first_load = |name: &str| {
        let file = name.rsplit('/').next().unwrap_or(name);
        (file.ends_with(".css") && file != crate::split::PARTS_CSS)
            || (file.ends_with(".js") && file != crate::split::LOADER)
            || file == "doctor-desk_bg.wasm"
            || file == "index.html"
    };
    let sum = |pick: &dyn Fn(&str) -> bool| {
        rows.iter()
            .filter(|r| pick(&r.0))
            .fold((0, 0, 0), |acc, r| (acc.0 + r.1, acc.1 + r.2, acc.2 + r.3))
    };
    let first = sum(&first_load);
    let chunks = sum(&|name: &str| name.ends_with(".wasm") && !first_load(name));
    let packs: Vec<_> = rows.iter().filter(|r| r.0.ends_with(".bin")).collect();
    if print {
        println!(
            "{:<48} {:>10} {:>10} {:>10}",
            "file", "raw", "gzip -9", "brotli 11"
        );
        for (name, raw, gz, br) in &rows {
            println!("{name:<48} {raw:>10} {gz:>10} {br:>10}");
        }
        let line = |title: &str, t: (usize, usize, usize)| {
            println!("{title:<48} {:>10} {:>10} {:>10}", t.0, t.1, t.2)
        };
        line("first load (page, main wasm, js, css)", first);
        line("chunks, loaded on demand (all together)", chunks);
        // A part's first visit downloads its pack: its module and every chunk it needs.
        for (name, raw, gz, br) in packs {
            let part = name.rsplit('/').next().unwrap_or(name);
            line(&format!("first visit of {part}"), (*raw, *gz, *br));
        }
        println!(
            "budget: first-load brotli {} of {} bytes ({:.0}%)",
            first.2,
            FIRST_LOAD_BUDGET,
            first.2 as f64 * 100.0 / FIRST_LOAD_BUDGET as f64
        );
    }
    Ok(first.2)
}

fn collect(
    dir: &Path,
    prefix: &str,
    rows: &mut Vec<(String, usize, usize, usize)>,
) -> Result<(), String> {
    for entry in fs::read_dir(dir)
        .map_err(|e| format!("no dist/ ({e}): run `cargo xtask build` first"))?
        .flatten()
    {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &format!("{name}/"), rows)?;
            continue;
        }
        if name.ends_with(".br") || name.ends_with(".gz") {
            continue;
        }
        let data = fs::read(&path).map_err(|e| e.to_string())?;
        rows.push((name, data.len(), gzip(&data).len(), brotli(&data).len()));
    }
    Ok(())
}
