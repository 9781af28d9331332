//! The release build of the SPA, plus brotli and gzip copies that the server hands to
//! clients that accept them.

use std::{fs, path::Path, process::Command};

use crate::project_root;

/// The pages Trunk builds besides index.html (the doctor app), each into `dist/<dir>/`,
/// served under `/<dir>/` (see `doctor_desk_api::bundle`).
pub const OTHER_BUNDLES: [(&str, &str); 3] = [
    ("account.html", "account"),
    ("onboarding.html", "onboarding"),
    ("review.html", "review"),
];

/// Builds every bundle: the doctor app into `dist/` first (Trunk empties `dist/` when it
/// builds it), then the others into their folders.
pub fn spa() -> Result<(), String> {
    let root = project_root();
    trunk(&["build", "--release"])?;
    precompress(&root.join("dist"))?;
    for (page, dir) in OTHER_BUNDLES {
        let dist = format!("dist/{dir}");
        let public_url = format!("/{dir}/");
        trunk(&[
            "build",
            page,
            "--release",
            "--dist",
            &dist,
            "--public-url",
            &public_url,
        ])?;
        precompress(&root.join(&dist))?;
    }
    Ok(())
}

fn trunk(args: &[&str]) -> Result<(), String> {
    println!("xtask: trunk {}", args.join(" "));
    let status = Command::new("trunk")
        .args(args)
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .current_dir(project_root())
        .status()
        .map_err(|e| format!("cannot run trunk: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("trunk {} failed ({status})", args.join(" ")))
    }
}

fn precompress(dist: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        // index.html is served from memory by the server; the rest is served from disk.
        if !matches!(ext, "js" | "wasm" | "css" | "svg") {
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

#[cfg(test)]
mod tests {
    use crate::project_root;

    /// account.html, onboarding.html and review.html are index.html for the other bundles: they may differ
    /// in the binary they build and their title, nothing else (so the skeleton,
    /// CSP-relevant scripts and meta tags cannot drift apart).
    #[test]
    fn other_pages_mirror_the_doctor_page() {
        let read = |name: &str| std::fs::read_to_string(project_root().join(name)).unwrap();
        let normalise = |page: String| {
            page.lines()
                .filter(|l| !l.contains("data-bin=") && !l.contains("<title>"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let doctor = read("index.html");
        assert!(doctor.contains(r#"data-bin="doctor-desk""#));
        for (page, bin) in super::OTHER_BUNDLES {
            let other = read(page);
            assert!(other.contains(&format!(r#"data-bin="{bin}""#)), "{page}");
            assert_eq!(normalise(doctor.clone()), normalise(other), "{page}");
        }
    }
}
