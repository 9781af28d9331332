//! The release build of the SPA, plus brotli and gzip copies that the server hands to
//! clients that accept them.

use std::{fs, path::Path, process::Command};

use crate::project_root;

/// Builds the app into `dist/` (Trunk, whose post-build hook splits the wasm: split.rs).
pub fn spa() -> Result<(), String> {
    trunk(&["build", "--release"])?;
    precompress(&project_root().join("dist"))
}

fn trunk(args: &[&str]) -> Result<(), String> {
    println!("xtask: trunk {}", args.join(" "));
    crate::run_command(
        Command::new("trunk")
            .args(args)
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .current_dir(project_root()),
    )
}

fn precompress(dist: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        // index.html is served from memory by the server; the rest is served from disk.
        if !matches!(ext, "js" | "wasm" | "bin" | "css" | "svg") {
            continue;
        }
        let data = fs::read(&path).map_err(|e| e.to_string())?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        fs::write(dist.join(format!("{name}.br")), brotli(&data)).map_err(|e| e.to_string())?;
        fs::write(dist.join(format!("{name}.gz")), gzip(&data)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = ::brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    ::brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("in-memory brotli");
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("in-memory gzip");
    encoder.finish().expect("in-memory gzip")
}
