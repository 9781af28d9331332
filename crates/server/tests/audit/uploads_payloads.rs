//! What the upload audit throws at every upload route: hostile files, broken ones, edge
//! sizes, hostile file names and part headers, broken forms; and what each must get.

use crate::{
    common::posts::png,
    wire::{multipart, Payload},
};

/// 10 MB: `doctor_desk_api::onboarding::MAX_UPLOAD_BYTES`.
pub const LIMIT: usize = 10 * 1024 * 1024;

/// A marker in hostile file names: it must never reach the database or the data dir.
pub const NAME_MARKER: &str = "audit-name-marker";

/// What a route must do with a payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expect {
    /// Stored, and served back with this (sniffed) content type.
    Stored(&'static str),
    /// Refused with this status and error code, nothing kept.
    Refused(u16, &'static str),
    /// A hostile form a parser may refuse (400) or read: either, but nothing unsafe.
    StoredOrMalformed(&'static str),
    /// Refused with some 4xx in the error shape, nothing kept.
    ClientError,
}

/// Which routes take which files.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// PDF records and licences (documents, a patient's records) besides images.
    pub takes_pdf: bool,
    /// Post images: the size must be readable from the header.
    pub needs_size: bool,
}

pub struct Sample {
    pub name: &'static str,
    pub payload: Payload,
    /// The file as it must come back when stored.
    pub bytes: Vec<u8>,
    pub expect: fn(Route) -> Expect,
}

/// A JPEG whose start-of-frame says `width` × `height`.
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F'];
    b.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    b.extend(height.to_be_bytes());
    b.extend(width.to_be_bytes());
    b.extend([0x01, 0x01, 0x11, 0x00]);
    b
}

/// An extended WebP (`VP8X`) header of `width` × `height`.
pub fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"RIFF\x30\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
    b.extend(&(width - 1).to_le_bytes()[..3]);
    b.extend(&(height - 1).to_le_bytes()[..3]);
    b
}

const SCRIPT: &[u8] = b"<html><body><script>alert(document.cookie)</script>\
    <img src=x onerror=alert(1)></body></html>";

fn with_script(mut head: Vec<u8>) -> Vec<u8> {
    head.extend(SCRIPT);
    head
}

fn image(content_type: &'static str) -> fn(Route) -> Expect {
    match content_type {
        "image/png" => |_| Expect::Stored("image/png"),
        "image/jpeg" => |_| Expect::Stored("image/jpeg"),
        _ => |_| Expect::Stored("image/webp"),
    }
}

/// A sample sent as an ordinary form: the file under `name` with `content_type`.
fn file(
    name: &'static str,
    bytes: Vec<u8>,
    file_name: Option<&str>,
    content_type: Option<&str>,
    expect: fn(Route) -> Expect,
) -> Sample {
    Sample {
        name,
        payload: multipart(&[], Some((file_name, content_type, &bytes))),
        bytes,
        expect,
    }
}

/// A header without a readable size: fine where the size is not read, refused where it is.
fn sizeless(r: Route, content_type: &'static str) -> Expect {
    if r.needs_size {
        Expect::Refused(415, "unsupported_file_type")
    } else {
        Expect::Stored(content_type)
    }
}

fn padded(mut head: Vec<u8>, size: usize) -> Vec<u8> {
    head.resize(size, 0x20);
    head
}

pub fn samples() -> Vec<Sample> {
    let unsupported: fn(Route) -> Expect = |_| Expect::Refused(415, "unsupported_file_type");
    let too_big_picture: fn(Route) -> Expect = |_| Expect::Refused(422, "validation_failed");
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n\
        2 0 obj << /S /JavaScript /JS (app.alert('x');) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
        .to_vec();
    let svg =
        b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\">\
        <script>alert(document.domain)</script></svg>"
            .to_vec();
    let ok_png = png(640, 480);
    let long_name = format!("{NAME_MARKER}-{}.png", "长".repeat(110));
    let mut samples = vec![
        file(
            "JPEG header + HTML/script (polyglot)",
            with_script(jpeg(100, 80)),
            Some("x.jpg"),
            Some("image/jpeg"),
            image("image/jpeg"),
        ),
        file(
            "PNG header + HTML/script (polyglot)",
            with_script(png(100, 80)),
            Some("x.png"),
            Some("image/png"),
            image("image/png"),
        ),
        file(
            "WebP header + HTML/script (polyglot)",
            with_script(webp(100, 80)),
            Some("x.webp"),
            Some("image/webp"),
            image("image/webp"),
        ),
        file(
            "PDF with JavaScript",
            pdf,
            Some("x.pdf"),
            Some("application/pdf"),
            |r| {
                if r.takes_pdf {
                    Expect::Stored("application/pdf")
                } else {
                    Expect::Refused(415, "unsupported_file_type")
                }
            },
        ),
        file(
            "SVG with script",
            svg.clone(),
            Some("x.svg"),
            Some("image/svg+xml"),
            unsupported,
        ),
        file(
            "SVG named and typed as a PNG",
            svg,
            Some("x.png"),
            Some("image/png"),
            unsupported,
        ),
        file(
            "HTML page",
            SCRIPT.to_vec(),
            Some("x.html"),
            Some("text/html"),
            unsupported,
        ),
        file(
            "truncated JPEG (3 bytes)",
            vec![0xFF, 0xD8, 0xFF],
            Some("x.jpg"),
            Some("image/jpeg"),
            |r| sizeless(r, "image/jpeg"),
        ),
        file(
            "truncated PNG (signature only)",
            b"\x89PNG\r\n\x1a\n".to_vec(),
            Some("x.png"),
            Some("image/png"),
            |r| sizeless(r, "image/png"),
        ),
        file(
            "PNG claiming 60000x60000 (bomb)",
            padded(png(60_000, 60_000), 200),
            Some("x.png"),
            Some("image/png"),
            too_big_picture,
        ),
        file(
            "JPEG claiming 60000x60000 (bomb)",
            padded(jpeg(60_000, 60_000), 200),
            Some("x.jpg"),
            Some("image/jpeg"),
            too_big_picture,
        ),
        file(
            "WebP claiming 60000x60000 (bomb)",
            padded(webp(60_000, 60_000), 200),
            Some("x.webp"),
            Some("image/webp"),
            too_big_picture,
        ),
        file(
            "0 bytes",
            Vec::new(),
            Some("x.png"),
            Some("image/png"),
            |_| Expect::Refused(422, "empty_file"),
        ),
        file(
            "exactly the size limit",
            padded(ok_png.clone(), LIMIT),
            Some("x.png"),
            Some("image/png"),
            image("image/png"),
        ),
        file(
            "the size limit + 1",
            padded(ok_png.clone(), LIMIT + 1),
            Some("x.png"),
            Some("image/png"),
            |_| Expect::Refused(413, "payload_too_large"),
        ),
        file(
            "name with ../",
            ok_png.clone(),
            Some(&format!("../../../../{NAME_MARKER}/../etc/passwd")),
            Some("image/png"),
            image("image/png"),
        ),
        file(
            "name with a NUL",
            ok_png.clone(),
            Some(&format!("{NAME_MARKER}\0.png")),
            Some("image/png"),
            |_| Expect::StoredOrMalformed("image/png"),
        ),
        file(
            "name of 300+ characters",
            ok_png.clone(),
            Some(&long_name),
            Some("image/png"),
            image("image/png"),
        ),
        file(
            "name with an RTL override",
            ok_png.clone(),
            Some(&format!("{NAME_MARKER}\u{202E}gnp.exe")),
            Some("image/png"),
            image("image/png"),
        ),
        file(
            "PNG sent as text/html",
            ok_png.clone(),
            Some("x.html"),
            Some("text/html"),
            image("image/png"),
        ),
        file(
            "PNG sent as image/svg+xml",
            ok_png.clone(),
            Some("x.svg"),
            Some("image/svg+xml"),
            image("image/png"),
        ),
        file(
            "PNG without content type or name",
            ok_png.clone(),
            None,
            None,
            image("image/png"),
        ),
        Sample {
            name: "no file part",
            payload: multipart(&[], None),
            bytes: Vec::new(),
            expect: |_| Expect::Refused(422, "empty_file"),
        },
    ];
    // A good file, then a bad one in the same form: the first must not stay behind.
    let mut two = multipart(&[], Some((Some("a.png"), Some("image/png"), &ok_png)));
    if let Payload::Multipart { body, boundary } = &mut two {
        let end = format!("--{boundary}--\r\n");
        body.truncate(body.len() - end.len());
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.html\"\r\n\r\n").as_bytes());
        body.extend(SCRIPT);
        body.extend(format!("\r\n{end}").as_bytes());
    }
    samples.push(Sample {
        name: "a PNG, then an HTML file in one form",
        payload: two,
        bytes: Vec::new(),
        expect: unsupported,
    });
    // A form cut off in the middle of the file (no closing boundary).
    let mut cut = multipart(
        &[],
        Some((
            Some("a.png"),
            Some("image/png"),
            &padded(ok_png.clone(), 4096),
        )),
    );
    if let Payload::Multipart { body, .. } = &mut cut {
        body.truncate(2048);
    }
    samples.push(Sample {
        name: "a form cut off mid-file",
        payload: cut,
        bytes: Vec::new(),
        expect: |_| Expect::Refused(400, "malformed_body"),
    });
    samples.push(Sample {
        name: "not a multipart form (JSON)",
        payload: Payload::Json(serde_json::json!({"file": "iVBORw0KGgo="})),
        bytes: Vec::new(),
        expect: |_| Expect::ClientError,
    });
    samples
}
