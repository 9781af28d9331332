//! Size report of the built SPA. What a doctor on a slow mobile network waits for is the
//! first load: the wasm, its JS glue and the CSS, as transferred (brotli).

use std::fs;

use crate::{
    build::{brotli, gzip},
    project_root,
};

/// First-load budget, brotli bytes.
pub const FIRST_LOAD_BUDGET: usize = 300 * 1000;

/// Prints the report of every bundle; returns the largest first-load brotli total of
/// the bundles doctors load (the budgeted figure; the reviewer console, on hospital
/// desktops, is reported but not budgeted).
pub fn report(print: bool) -> Result<usize, String> {
    let doctor = bundle(&project_root().join("dist"), "doctor app", print)?;
    let mut largest = doctor;
    for (_, dir) in crate::build::OTHER_BUNDLES {
        let path = project_root().join("dist").join(dir);
        if path.exists() {
            let total = bundle(&path, &format!("{dir} bundle (dist/{dir})"), print)?;
            if dir != "review" {
                largest = largest.max(total);
            }
        }
    }
    if print {
        println!(
            "budget: largest doctor-facing first-load brotli {} of {} bytes ({:.0}%)",
            largest,
            FIRST_LOAD_BUDGET,
            largest as f64 * 100.0 / FIRST_LOAD_BUDGET as f64
        );
    }
    Ok(largest)
}

fn bundle(dist: &std::path::Path, title: &str, print: bool) -> Result<usize, String> {
    let mut rows = Vec::new();
    for entry in fs::read_dir(dist)
        .map_err(|e| format!("no dist/ ({e}): run `cargo xtask build` first"))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".br") || name.ends_with(".gz") || !entry.path().is_file() {
            continue;
        }
        let data = fs::read(entry.path()).map_err(|e| e.to_string())?;
        rows.push((name, data.len(), gzip(&data).len(), brotli(&data).len()));
    }
    rows.sort();
    let first_load =
        |name: &str| name.ends_with(".wasm") || name.ends_with(".js") || name.ends_with(".css");
    let total = rows
        .iter()
        .filter(|r| first_load(&r.0))
        .fold((0, 0, 0), |acc, r| (acc.0 + r.1, acc.1 + r.2, acc.2 + r.3));
    if print {
        println!("\n{title}");
        println!(
            "{:<44} {:>10} {:>10} {:>10}",
            "file", "raw", "gzip -9", "brotli 11"
        );
        for (name, raw, gz, br) in &rows {
            println!("{name:<44} {raw:>10} {gz:>10} {br:>10}");
        }
        println!(
            "{:<44} {:>10} {:>10} {:>10}",
            "first load (wasm + js + css)", total.0, total.1, total.2
        );
    }
    Ok(total.2)
}
