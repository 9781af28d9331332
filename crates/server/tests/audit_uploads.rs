//! Audit suite "uploads" (issue 15): every upload route over a real socket gets hostile
//! files (polyglots, PDF with JavaScript, SVG with script, decompression bombs), broken
//! ones, the size limit and one byte more, hostile file names and part headers, and broken
//! forms. Each must be refused with a 4xx in the error shape leaving nothing behind (no
//! row, no file), or be stored under a random name and served back as what its content
//! is, `nosniff`, sandboxed, PDFs as attachments, byte for byte. Prints
//! `AUDIT uploads tried=.. passed=.. failed=..`.

mod common;
#[path = "audit/uploads_payloads.rs"]
mod uploads_payloads;
#[path = "audit/wire.rs"]
mod wire;

use std::{collections::BTreeSet, sync::Arc};

use common::{patient, posts::draft, TestApp};
use serde_json::json;
use uploads_payloads::{samples, Expect, Route, Sample, NAME_MARKER};
use wire::{get, orphans, upload, Answer, Checks, Payload, Who, Wire};

struct UploadRoute {
    path: String,
    /// Text fields the route needs besides the file.
    fields: &'static [(&'static str, &'static str)],
    patient: bool,
    takes: Route,
}

struct Ctx {
    app: TestApp,
    wire: Wire,
    doctor: Who,
    patient: Who,
}

async fn setup() -> (Ctx, Vec<UploadRoute>) {
    let app = TestApp::new().await;
    let (doctor, patient_who, post_id) = {
        let mut d = app.doctor("13911117001").await;
        let post = draft(&mut d, json!({})).await["id"].as_i64().unwrap();
        let p = patient(&app, "13722227001", "王五").await;
        (Who::of(&d), Who::of(&p), post)
    };
    let image = Route {
        takes_pdf: false,
        needs_size: false,
    };
    let record = Route {
        takes_pdf: true,
        needs_size: false,
    };
    let routes = vec![
        UploadRoute {
            path: "/api/v1/files".into(),
            fields: &[],
            patient: false,
            takes: image,
        },
        UploadRoute {
            path: "/api/v1/me/avatar".into(),
            fields: &[],
            patient: false,
            takes: image,
        },
        UploadRoute {
            path: "/api/v1/me/documents".into(),
            fields: &[("kind", "other"), ("caption", "进修证明")],
            patient: false,
            takes: record,
        },
        UploadRoute {
            path: "/api/v1/patient/files".into(),
            fields: &[],
            patient: true,
            takes: record,
        },
        UploadRoute {
            path: format!("/api/v1/posts/{post_id}/images"),
            fields: &[],
            patient: false,
            takes: Route {
                takes_pdf: false,
                needs_size: true,
            },
        },
    ];
    let wire = Wire::start(&app).await;
    let ctx = Ctx {
        app,
        wire,
        doctor,
        patient: patient_who,
    };
    (ctx, routes)
}

/// The route's text fields put in front of the sample's form.
fn with_fields(payload: &Payload, fields: &[(&str, &str)]) -> Payload {
    match payload {
        Payload::Multipart { boundary, body } => {
            let mut front = Vec::new();
            for (name, value) in fields {
                front.extend(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            front.extend(body);
            Payload::Multipart {
                boundary: boundary.clone(),
                body: front,
            }
        }
        other => other.clone(),
    }
}

/// Everything an upload may leave: rows of files, documents and post images, the avatar,
/// and the names in the files directory.
async fn traces(app: &TestApp) -> (Vec<i64>, Option<String>, BTreeSet<String>) {
    let mut rows = Vec::new();
    for table in ["files", "patient_files", "documents", "post_images"] {
        rows.push(
            doctor_desk_server::db::query_scalar::<i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&app.state.db)
                .await
                .unwrap(),
        );
    }
    let avatar: Option<String> =
        doctor_desk_server::db::query_scalar("SELECT MAX(avatar_file_id) FROM accounts")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let names = std::fs::read_dir(app.state.config.data_dir.join("files"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    (rows, avatar, names)
}

fn error_shaped(a: &Answer) -> bool {
    a.json["error"]["code"]
        .as_str()
        .is_some_and(|c| !c.is_empty())
        && a.json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
}

/// Sends one sample to one route and checks what happened.
async fn try_upload(ctx: Arc<Ctx>, route: Arc<UploadRoute>, sample: Arc<Sample>) -> Checks {
    let mut c = Checks::default();
    let who = if route.patient {
        &ctx.patient
    } else {
        &ctx.doctor
    };
    let expect = (sample.expect)(route.takes);
    let before = traces(&ctx.app).await;
    let mut call = upload(
        who,
        route.path.clone(),
        with_fields(&sample.payload, route.fields),
    );
    if let Payload::Json(_) = sample.payload {
        call.payload = sample.payload.clone();
    }
    let answer = ctx.wire.send(call).await;
    let after = traces(&ctx.app).await;
    c.that(
        "the answer repeats the hostile file name",
        !String::from_utf8_lossy(&answer.bytes).contains(NAME_MARKER),
    );
    let stored_as = match expect {
        Expect::Stored(t) => Some(t),
        Expect::StoredOrMalformed(t) if answer.status != 400 => Some(t),
        _ => None,
    };
    let Some(content_type) = stored_as else {
        let refused = match expect {
            Expect::Refused(status, code) => answer.status == status && answer.code() == code,
            _ => (400..500).contains(&answer.status),
        };
        c.that(
            &format!(
                "refused as {expect:?}: got {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.bytes)
            ),
            refused && error_shaped(&answer),
        );
        c.eq("rows and files after the refusal", &after, &before);
        return c;
    };
    c.that(
        &format!(
            "stored: got {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.bytes)
        ),
        answer.status == 201,
    );
    if answer.status != 201 {
        return c;
    }
    let new: Vec<&String> = after.2.difference(&before.2).collect();
    c.eq("new files on disk", new.len(), 1);
    c.that(
        &format!("stored names are random ids: {new:?}"),
        new.iter().all(|n| {
            n.len() >= 20
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }),
    );
    c.eq(
        "new file rows",
        after.0[0] + after.0[1] - before.0[0] - before.0[1],
        1,
    );
    if let Some(t) = answer.json["content_type"].as_str() {
        c.eq("content type answered", t, content_type);
    }
    let fetch = if let Some(url) = answer.json["url"].as_str() {
        get(&Who::anonymous(), url)
    } else {
        let id = answer.json["file_id"].as_str().unwrap_or("missing");
        c.that(
            &format!("the stored file is the answered id {id}"),
            new.iter().any(|n| *n == id),
        );
        let base = if route.patient {
            "/api/v1/patient/files"
        } else {
            "/api/v1/files"
        };
        get(who, format!("{base}/{id}"))
    };
    let served = ctx.wire.send(fetch).await;
    c.eq("served status", served.status, 200);
    c.eq(
        "served content type",
        served.header("content-type"),
        content_type,
    );
    c.eq(
        "nosniff",
        served.header("x-content-type-options"),
        "nosniff",
    );
    c.that(
        &format!("sandboxed: {}", served.header("content-security-policy")),
        served.header("content-security-policy").contains("sandbox")
            && served
                .header("content-security-policy")
                .contains("default-src 'none'"),
    );
    let disposition = served.header("content-disposition");
    c.that(
        &format!("disposition {disposition:?} for {content_type}"),
        disposition.starts_with("attachment")
            || (content_type.starts_with("image/") && disposition.starts_with("inline")),
    );
    c.that("served byte for byte", served.bytes == sample.bytes);
    c
}

/// After everything: no file without its row, no hostile name in the database or beside
/// the data dir.
async fn nothing_left(ctx: Arc<Ctx>) -> Checks {
    let mut c = Checks::default();
    c.eq(
        "files on disk without a row",
        orphans(&ctx.app).await,
        Vec::<String>::new(),
    );
    let dir = &ctx.app.state.config.data_dir;
    for db in ["doctor-desk.db", "doctor-desk.db-wal"] {
        let bytes = std::fs::read(dir.join(db)).unwrap_or_default();
        c.that(
            &format!("{db} holds a client's file name"),
            !bytes
                .windows(NAME_MARKER.len())
                .any(|w| w == NAME_MARKER.as_bytes()),
        );
    }
    // Where a traversing name would have landed: the data dir, its parent, /tmp.
    for place in [
        dir.clone(),
        dir.join(".."),
        dir.join("files"),
        "/tmp".into(),
    ] {
        let hits: Vec<String> = std::fs::read_dir(&place)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.contains(NAME_MARKER))
                    .collect()
            })
            .unwrap_or_default();
        c.eq(
            &format!("names from a client in {}", place.display()),
            hits,
            vec![],
        );
    }
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_uploads() {
    let (ctx, routes) = setup().await;
    let ctx = Arc::new(ctx);
    let mut audit = wire::Audit::new("uploads");
    let samples: Vec<Arc<Sample>> = samples().into_iter().map(Arc::new).collect();
    for route in routes.into_iter().map(Arc::new) {
        for sample in &samples {
            let name = format!("{} -> {}", sample.name, route.path);
            audit
                .case(
                    &name,
                    try_upload(ctx.clone(), route.clone(), sample.clone()),
                )
                .await;
        }
    }
    audit
        .case(
            "nothing left behind, no client file name kept",
            nothing_left(ctx.clone()),
        )
        .await;
    audit.finish();
}
