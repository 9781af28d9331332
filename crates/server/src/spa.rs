//! Serves the built SPA: hashed assets cached for a year (precompressed brotli/gzip when
//! the client accepts it), index.html never cached, and every client route answered with
//! index.html so deep links and reloads work.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::Context;
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use doctor_desk_api::preload;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

#[derive(Clone)]
pub struct Spa {
    dir: PathBuf,
    /// index.html, read once at start: the build does not change under a running server.
    page: Bytes,
    /// Where each lazy part's pack is (`lazy-parts.json`, written by `cargo xtask split`).
    parts: Arc<HashMap<String, String>>,
}

/// The build's list of lazy parts and their packs, checked against the parts the server
/// names to pages: a renamed part would otherwise just stop being fetched early.
fn load_parts(dir: &Path) -> anyhow::Result<HashMap<String, String>> {
    let path = dir.join("lazy-parts.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (build the SPA with `cargo xtask build`)",
            path.display()
        )
    })?;
    let parts: HashMap<String, String> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a list of parts", path.display()))?;
    for part in preload::parts::ALL {
        anyhow::ensure!(
            parts.contains_key(part),
            "the build has no lazy part {part} (src/pages/lazy.rs and \
             doctor_desk_api::preload::parts must name the same parts)"
        );
    }
    Ok(parts)
}

impl Spa {
    pub fn load(dir: &Path) -> anyhow::Result<Spa> {
        let index_path = dir.join("index.html");
        let index = std::fs::read_to_string(&index_path).with_context(|| {
            format!("cannot read {} (build the SPA first)", index_path.display())
        })?;
        Ok(Spa {
            dir: dir.to_owned(),
            page: Bytes::from(index),
            parts: Arc::new(load_parts(dir)?),
        })
    }

    /// SHA-256 (base64) of each inline `<script>` of the page, for the CSP.
    pub fn inline_script_hashes(&self) -> Vec<String> {
        let mut hashes: Vec<String> =
            inline_scripts(std::str::from_utf8(&self.page).unwrap_or_default())
                .into_iter()
                .map(|s| STANDARD.encode(Sha256::digest(s.as_bytes())))
                .collect();
        hashes.sort();
        hashes.dedup();
        hashes
    }

    pub fn router(&self) -> Router {
        let index = get(index_html).with_state(self.clone());
        let files = ServeDir::new(&self.dir)
            .append_index_html_on_directories(false)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(index);
        Router::new()
            .fallback_service(files)
            .layer(middleware::from_fn(cache_control))
    }
}

async fn index_html(State(spa): State<Spa>, request: Request) -> Response {
    let path = request.uri().path();
    if is_asset_name(path) {
        // A missing asset, not a client route: do not answer it with HTML.
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    // Only whether there is a session cookie, not whether it is still good: the page
    // checks that itself, at once.
    let signed_in =
        crate::extractor::cookie_in(request.headers(), doctor_desk_api::SESSION_COOKIE).is_some();
    let mut page = spa.with_preloads(path, signed_in);
    // The sign-in page as the app draws it, before the wasm arrives (index.html's
    // `.boot-sign-in`): not with a session (the app may go on to home) nor after
    // declining the agreements (the app adds a notice between the lines).
    let declined = request
        .uri()
        .query()
        .is_some_and(|q| q.contains("declined"));
    if path == "/login" && !signed_in && !declined {
        page = with_boot(&page, "sign-in");
    }
    // The inbox's frame, with the first rows the boot script draws from its early answer
    // (index.html's `.boot-inbox`); the app shows itself in their place.
    if signed_in && preload::drawn_early(path).is_some() {
        page = with_boot(&page, "inbox");
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        Body::from(page),
    )
        .into_response()
}

/// Marks the page's root `data-boot="…"`: its boot skeleton then shows that page's frame
/// instead of "loading" (index.html and style/main.css): `sign-in`, the sign-in page's
/// heading and subtitle; `inbox`, the inbox's heading, tabs and first rows.
fn with_boot(page: &Bytes, frame: &str) -> Bytes {
    let html = std::str::from_utf8(page).unwrap_or_default();
    Bytes::from(html.replacen("<html", &format!(r#"<html data-boot="{frame}""#), 1))
}

impl Spa {
    /// The page, told what the page at `path` needs first so it downloads beside the
    /// main wasm module instead of after it, in the boot script's data (`xtask/src/boot.js`
    /// asks for them at once): the API requests the page starts with
    /// (`doctor_desk_api::preload`) in `data-api`, the pack of the lazy part it shows in
    /// `data-now`, that of the part a doctor likely opens next in `data-next` (fetched
    /// when idle), and the request whose answer it draws rows from in `data-rows`. The
    /// script's own `fetch`es, not `<link rel="preload">`s: WebKit (Safari, every iOS
    /// browser, iOS WeChat) downloads a preload and then fetches it again, and Chromium
    /// hands a preloaded answer to the app's `fetch` only a task later. A visitor
    /// without a session is sent to sign in by every page but the signed-out ones: they
    /// get the sign-in part and only the session check.
    fn with_preloads(&self, path: &str, signed_in: bool) -> Bytes {
        let html = std::str::from_utf8(&self.page).unwrap_or_default();
        let pack = |part: Option<&str>| {
            part.and_then(|p| self.parts.get(p))
                .map_or("", String::as_str)
        };
        let to_sign_in = !signed_in && !preload::is_signed_out_page(path);
        let (requests, shown, next) = if to_sign_in {
            (
                vec![preload::ME.to_owned()],
                Some(preload::parts::LOGIN),
                None,
            )
        } else {
            (
                preload::first_requests(path),
                preload::part_shown(path),
                preload::part_next(path),
            )
        };
        let api: Vec<String> = requests
            .iter()
            .map(|r| format!("{}{}", doctor_desk_api::API_PREFIX, r.replace('&', "&amp;")))
            .collect();
        let drawn = match preload::drawn_early(path) {
            Some(request) if !to_sign_in => {
                format!(
                    "{}{}",
                    doctor_desk_api::API_PREFIX,
                    request.replace('&', "&amp;")
                )
            }
            _ => String::new(),
        };
        let boot = format!(
            r#"<script id="dd-boot" data-api="{}" data-now="{}" data-next="{}" data-rows="{}">"#,
            api.join(" "),
            pack(shown),
            pack(next),
            drawn,
        );
        Bytes::from(html.replacen(r#"<script id="dd-boot">"#, &boot, 1))
    }
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Whether the path names a file of the build (routes may contain dots too, like
/// `/agreements/privacy-policy/1.2.0`).
fn is_asset_name(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    let ext = last.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    matches!(
        ext,
        "js" | "wasm"
            | "bin"
            | "css"
            | "svg"
            | "png"
            | "jpg"
            | "ico"
            | "json"
            | "map"
            | "txt"
            | "html"
            | "br"
            | "gz"
            | "webmanifest"
    )
}

/// Trunk names built assets `name-<hash>[_bg].ext`, the hash a u64 in hex without leading
/// zeros (so usually 16 digits, sometimes fewer); the app's wasm, its JS and its chunks
/// sit in a folder `wasm-<hash>/` named after their content (`xtask/src/split.rs`). Either
/// way, their content never changes.
pub fn is_hashed_asset(path: &str) -> bool {
    let is_hash =
        |hash: &str| (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit());
    let mut segments = path.trim_start_matches('/').split('/');
    if let (Some(folder), Some(file), None) = (segments.next(), segments.next(), segments.next()) {
        if folder.strip_prefix("wasm-").is_some_and(is_hash) && !file.is_empty() {
            return true;
        }
    }
    let file = path.rsplit('/').next().unwrap_or("");
    let Some((stem, _ext)) = file.split_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| is_hash(hash))
}

/// The bodies of `<script>` elements without `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            found.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/doctor-desk-3f2a9c1b0d4e5f67_bg.wasm"));
        assert!(is_hashed_asset("/doctor-desk-3f2a9c1b0d4e5f67.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(
            is_hashed_asset("/style-ee2f66691be766f.css"),
            "15 digits: a leading zero dropped"
        );
        assert!(is_hashed_asset(
            "/wasm-3f2a9c1b0d4e5f67/doctor-desk_bg.wasm"
        ));
        assert!(is_hashed_asset(
            "/wasm-3f2a9c1b0d4e5f67/split_onboarding_view.wasm"
        ));
        assert!(!is_hashed_asset("/wasm-3f2a9c1b0d4e5f67/"));
        assert!(!is_hashed_asset("/wasm-nothex/doctor-desk.js"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/login"));
        assert!(!is_hashed_asset("/x-123.js"));
    }

    #[test]
    fn routes_with_dots_are_not_assets() {
        assert!(is_asset_name("/doctor-desk-3f2a9c1b0d4e5f67_bg.wasm"));
        assert!(is_asset_name("/favicon.ico"));
        assert!(!is_asset_name("/agreements/privacy-policy/1.2.0"));
        assert!(!is_asset_name("/login"));
    }

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<head><script src="/a.js"></script><script type="module">import x;</script></head><body><script>a()</script></body>"#;
        assert_eq!(inline_scripts(html), vec!["import x;", "a()"]);
    }
}
