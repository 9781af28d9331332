//! Photos are made small in the browser before upload: a 12-megapixel phone photo becomes
//! a JPEG of at most 2 MB and 2560 px on its longest side, turned upright (the browser
//! applies the EXIF orientation when decoding) and without its metadata (no GPS position
//! leaves the phone). PDFs are sent as they are.

use js_sys::{Function, Promise};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlCanvasElement};

pub const MAX_SIDE: f64 = 2560.0;
pub const MAX_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// A file ready to upload.
#[derive(Clone)]
pub struct Prepared {
    pub blob: Blob,
    pub file_name: String,
    pub is_pdf: bool,
    pub original_bytes: f64,
    pub bytes: f64,
    /// Pixel size after scaling (photos only).
    pub width: u32,
    pub height: u32,
    pub millis: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrepareError {
    /// Not a photo or PDF.
    Unsupported,
    /// A photo this browser cannot decode (e.g. HEIC on some phones).
    Unreadable,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

pub async fn prepare(file: &web_sys::File) -> Result<Prepared, PrepareError> {
    let started = now();
    let kind = file.type_();
    let original_bytes = file.size();
    if kind == "application/pdf" || file.name().to_ascii_lowercase().ends_with(".pdf") {
        return Ok(Prepared {
            blob: file.clone().into(),
            file_name: file.name(),
            is_pdf: true,
            original_bytes,
            bytes: original_bytes,
            width: 0,
            height: 0,
            millis: now() - started,
        });
    }
    if !kind.is_empty() && !kind.starts_with("image/") {
        return Err(PrepareError::Unsupported);
    }
    let window = web_sys::window().ok_or(PrepareError::Unreadable)?;
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(|_| PrepareError::Unreadable)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| PrepareError::Unreadable)?
        .unchecked_into();
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    if w < 1.0 || h < 1.0 {
        return Err(PrepareError::Unreadable);
    }
    let mut scale = (MAX_SIDE / w.max(h)).min(1.0);
    let mut quality = 0.85;
    loop {
        let (cw, ch) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
        let blob = encode(&bitmap, cw as u32, ch as u32, quality).await?;
        if blob.size() <= MAX_BYTES || (quality <= 0.5 && scale <= 0.25) {
            bitmap.close();
            let base = file.name();
            let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(&base);
            return Ok(Prepared {
                bytes: blob.size(),
                blob,
                file_name: format!("{stem}.jpg"),
                is_pdf: false,
                original_bytes,
                width: cw as u32,
                height: ch as u32,
                millis: now() - started,
            });
        }
        // Too big still: lower the quality first, then the size.
        if quality > 0.55 {
            quality -= 0.15;
        } else {
            scale *= 0.8;
        }
    }
}

async fn encode(
    bitmap: &web_sys::ImageBitmap,
    w: u32,
    h: u32,
    quality: f64,
) -> Result<Blob, PrepareError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(PrepareError::Unreadable)?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| PrepareError::Unreadable)?
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or(PrepareError::Unreadable)?
        .unchecked_into();
    // Photos of documents on a white background: JPEG has no transparency.
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| PrepareError::Unreadable)?;
    let blob = JsFuture::from(Promise::new(&mut |resolve: Function, _reject: Function| {
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            callback.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(quality),
        );
    }))
    .await
    .map_err(|_| PrepareError::Unreadable)?;
    blob.dyn_into::<Blob>()
        .map_err(|_| PrepareError::Unreadable)
}
