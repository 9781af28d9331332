//! The statuses that shared layers and extractors answer, declared on every operation
//! they guard in one place instead of in a hundred annotations: a generated client must
//! know every status an operation can answer, and these ones are not the handler's choice.
//!
//! Who may call an operation is declared as an OpenAPI security requirement (the session
//! cookie with the role as its "scope", the patient cookie, the CSRF header), so clients
//! see it and the 401/403 statuses follow from it. `tests/openapi_statuses.rs` checks the
//! requirements against what the server really answers.

use utoipa::openapi::{
    header::HeaderBuilder,
    path::{Operation, PathItem},
    request_body::RequestBody,
    response::ResponseBuilder,
    schema::{AdditionalProperties, KnownFormat, ObjectBuilder, Schema, SchemaFormat},
    security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme},
    ContentBuilder, Object, OpenApi, Ref, RefOr, Required, Response, Type,
};

/// Who may call an operation: what its extractors demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// No account: health, sign-up/in, the agreements' texts, public post pages.
    Public,
    /// Any signed-in account (`SignedIn`).
    Session,
    /// A doctor who accepted the current agreements (`Doctor`).
    Doctor,
    /// Hospital staff (`Reviewer`).
    Reviewer,
    /// A patient signed in with the patient cookie (`Patient`).
    Patient,
}

pub const SESSION_SCHEME: &str = "session";
pub const PATIENT_SCHEME: &str = "patient_session";
pub const CSRF_SCHEME: &str = "csrf";

/// Operations that need no account, or any account rather than a role; every other path
/// takes `Patient` under `/patient/`, `Reviewer` under `/review/` and `Doctor` elsewhere.
/// A route whose extractor differs from this rule must be listed here: the test of this
/// module signs out, and in with each role, and compares.
const EXCEPTIONS: &[(&str, &str, Guard)] = &[
    ("get", "/health", Guard::Public),
    ("get", "/agreements/current", Guard::Public),
    ("get", "/agreements/{kind}/{version}", Guard::Public),
    (
        "post",
        "/agreements/{kind}/{version}/acceptance",
        Guard::Session,
    ),
    ("post", "/auth/sms-codes", Guard::Public),
    ("post", "/auth/register", Guard::Public),
    ("post", "/auth/login", Guard::Public),
    ("post", "/auth/logout", Guard::Public),
    ("post", "/auth/password-reset", Guard::Public),
    // Recovery by appeal: the doctor has lost the phone, so cannot sign in.
    ("post", "/appeals", Guard::Public),
    ("get", "/me", Guard::Session),
    ("get", "/me/acceptances", Guard::Session),
    // An account's own security: reviewers have passwords and devices too, and a doctor
    // with an agreement pending can still lock a lost phone out.
    ("put", "/me/password", Guard::Session),
    ("put", "/me/phone", Guard::Session),
    ("get", "/me/sessions", Guard::Session),
    ("delete", "/me/sessions", Guard::Session),
    ("delete", "/me/sessions/{id}", Guard::Session),
    // Withdrawing the health-data consent must not need the agreements' gate either.
    ("post", "/me/consent-withdrawals", Guard::Session),
    ("post", "/me/consents", Guard::Session),
    // Leaving must not need the agreements' gate: a doctor who refuses new terms may go.
    ("get", "/me/deletion", Guard::Session),
    ("post", "/me/deletion", Guard::Session),
    ("delete", "/me/deletion", Guard::Session),
    // Reviewers sign in too: their own trail is theirs to read.
    ("get", "/me/activity", Guard::Session),
    ("get", "/me/notifications", Guard::Session),
    ("post", "/me/notifications/read", Guard::Session),
    ("get", "/files/{id}", Guard::Session),
    ("get", "/dev/sms-outbox", Guard::Public),
    ("get", "/dev/sms-notices", Guard::Public),
    ("post", "/patient/auth/login", Guard::Public),
    ("post", "/patient/auth/logout", Guard::Public),
];

/// Operations that never reach the database (so never answer 503 `busy`).
const WITHOUT_DATABASE: &[(&str, &str)] =
    &[("get", "/dev/sms-outbox"), ("get", "/dev/sms-notices")];

/// The guard of `method path` (a path of the document, e.g. `/api/v1/posts/{id}`).
pub fn guard(method: &str, path: &str) -> Guard {
    let Some(rest) = path.strip_prefix(doctor_desk_api::API_PREFIX) else {
        return Guard::Public; // the public pages of posts
    };
    if let Some((_, _, g)) = EXCEPTIONS
        .iter()
        .find(|(m, p, _)| *m == method && *p == rest)
    {
        *g
    } else if rest.starts_with("/patient/") {
        Guard::Patient
    } else if rest.starts_with("/review/") {
        Guard::Reviewer
    } else {
        Guard::Doctor
    }
}

/// Adds the security schemes, each operation's requirement and the shared statuses.
pub fn declare_shared_statuses(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SESSION_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            doctor_desk_api::SESSION_COOKIE,
            "The session of a doctor or reviewer (`POST /api/v1/auth/login`). The required \
             role is the requirement's scope: `doctor` (who also accepted the current \
             agreements) or `reviewer`; none means any account.",
        ))),
    );
    components.add_security_scheme(
        PATIENT_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::inbox::patients::PATIENT_COOKIE,
            "A patient's session (`POST /api/v1/patient/auth/login`)",
        ))),
    );
    components.add_security_scheme(
        CSRF_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            doctor_desk_api::CSRF_HEADER,
            &format!(
                "Double-submit CSRF token: the value of the `{}` cookie that every response \
                 hands out, echoed on every POST, PUT, PATCH and DELETE under /api/",
                doctor_desk_api::CSRF_COOKIE
            ),
        ))),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            declare(method, path, op);
        }
    }
    tighten_schemas(doc);
}

const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// utoipa names unsigned and small integers by format (`uint32`, `int16`, ...) without
/// bounds, and clients or fuzzers that do not know those formats would send numbers the
/// Rust type refuses (with 400): the bounds are spelled out.
fn tighten_schemas(doc: &mut OpenApi) {
    fn walk(value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                // utoipa 5 spells the unsigned ones `u-int32`: the usual name is restored.
                let format = map
                    .get("format")
                    .and_then(Value::as_str)
                    .map(|f| f.replace('-', ""));
                let range: Option<(i64, u64)> = match format.as_deref() {
                    Some("int8") => Some((i8::MIN.into(), i8::MAX as u64)),
                    Some("int16") => Some((i16::MIN.into(), i16::MAX as u64)),
                    Some("uint8") => Some((0, u8::MAX.into())),
                    Some("uint16") => Some((0, u16::MAX.into())),
                    Some("uint32") => Some((0, u32::MAX.into())),
                    Some("uint64") => Some((0, u64::MAX)),
                    _ => None,
                };
                if let (Some((min, max)), Some(format)) = (range, format) {
                    map.insert("format".into(), format.into());
                    let low = map.get("minimum").and_then(Value::as_i64).unwrap_or(min);
                    map.insert("minimum".into(), low.max(min).into());
                    let high = map.get("maximum").and_then(Value::as_u64).unwrap_or(max);
                    map.insert("maximum".into(), high.min(max).into());
                }
                // `format` alone only annotates in OpenAPI 3.1; serde's dates need the shape.
                if map.get("format").and_then(Value::as_str) == Some("date") {
                    map.entry("pattern").or_insert_with(|| DATE_PATTERN.into());
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(&*doc).expect("the document is JSON");
    walk(&mut value);
    *doc = serde_json::from_value(value).expect("the document reads back");
}

fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

fn declare(method: &str, path: &str, op: &mut Operation) {
    let guard = guard(method, path);
    let state_changing = matches!(method, "post" | "put" | "patch" | "delete");
    let csrf = state_changing && path.starts_with("/api/");
    let mut requirement = match guard {
        Guard::Public => None,
        Guard::Session => Some(SecurityRequirement::new(
            SESSION_SCHEME,
            Vec::<String>::new(),
        )),
        Guard::Doctor => Some(SecurityRequirement::new(SESSION_SCHEME, ["doctor"])),
        Guard::Reviewer => Some(SecurityRequirement::new(SESSION_SCHEME, ["reviewer"])),
        Guard::Patient => Some(SecurityRequirement::new(
            PATIENT_SCHEME,
            Vec::<String>::new(),
        )),
    };
    if csrf {
        requirement = Some(match requirement {
            Some(r) => r.add(CSRF_SCHEME, Vec::<String>::new()),
            None => SecurityRequirement::new(CSRF_SCHEME, Vec::<String>::new()),
        });
    }
    op.security = requirement.map(|r| vec![r]);

    let params = op.parameters.as_deref().unwrap_or_default();
    let has_path_param = path.contains('{');
    let has_params = !params.is_empty() || has_path_param;
    if let Some(body) = op.request_body.as_mut() {
        describe_form(path, body);
    }
    let body = op.request_body.as_ref().map(body_kind);

    let mut add = |status: &str, code: &str, text: &str| add_status(op, status, code, text);
    match body {
        Some(Body::Json { checked_type }) => {
            add(
                "400",
                "malformed_body",
                "the body is not JSON of the request's shape",
            );
            add(
                "413",
                "payload_too_large",
                "the body is larger than the server takes",
            );
            if checked_type {
                add(
                    "415",
                    "unsupported_media_type",
                    "the body is not sent as `application/json`",
                );
            }
        }
        Some(Body::Upload) => {
            add("400", "malformed_body", "the body is not a multipart form");
            add("413", "payload_too_large", "the file is larger than 10 MB");
            add(
                "415",
                "unsupported_file_type",
                "the file is not of a type this upload takes",
            );
            add(
                "507",
                "storage_full",
                "the server's disk is full: the file was not stored",
            );
        }
        None => {}
    }
    if has_params {
        add(
            "400",
            "malformed_body",
            "a path or query parameter is not of its type",
        );
    }
    if guard != Guard::Public {
        add(
            "401",
            "unauthorized",
            "not signed in, or the session has ended",
        );
    }
    match guard {
        Guard::Doctor => {
            add("403", "forbidden", "the account is not a doctor's");
            add(
                "403",
                "agreement_required",
                "the current agreements are not accepted yet",
            );
        }
        Guard::Reviewer => add("403", "forbidden", "the account is not a reviewer's"),
        _ => {}
    }
    if csrf {
        add(
            "403",
            "csrf_failed",
            "the `x-csrf-token` header does not echo the `dd_csrf` cookie",
        );
    }
    if has_path_param {
        add("404", "not_found", "no such object, or not one of yours");
    }
    add(
        "500",
        "internal",
        "an unexpected error (logged with the request id)",
    );
    if !WITHOUT_DATABASE
        .iter()
        .any(|(m, p)| *m == method && path.strip_prefix(doctor_desk_api::API_PREFIX) == Some(p))
    {
        // SQLite answers SQLITE_FULL to any write once the disk is full.
        if state_changing {
            add(
                "507",
                "storage_full",
                "the server's disk is full: nothing was changed",
            );
        }
        add(
            "503",
            "busy",
            "the database stayed locked; retry after `Retry-After` seconds",
        );
        if let Some(RefOr::T(response)) = op.responses.responses.get_mut("503") {
            response
                .headers
                .entry("Retry-After".into())
                .or_insert_with(|| {
                    HeaderBuilder::new()
                        .schema(Object::with_type(Type::Integer))
                        .description(Some("Seconds to wait before retrying"))
                        .build()
                });
        }
    }
}

/// The fields of an upload form, which the annotations name only in prose: each upload
/// takes the file as `file`; a licence document also its `kind` and details.
fn describe_form(path: &str, body: &mut RequestBody) {
    let Some(content) = body.content.get_mut("multipart/form-data") else {
        return;
    };
    if content.schema.is_some() {
        return;
    }
    let text = || Object::with_type(Type::String);
    let mut form = ObjectBuilder::new().property(
        "file",
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/octet-stream"),
    );
    form = form.required("file");
    if path.ends_with("/me/documents") {
        form = form
            .property("kind", text())
            .required("kind")
            .property("number", text())
            .property(
                "expires_on",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
            )
            .property("caption", text());
    }
    form = form.additional_properties(Some(AdditionalProperties::FreeForm(false)));
    content.schema = Some(RefOr::T(Schema::Object(form.build())));
    body.required = Some(Required::True);
}

enum Body {
    /// `AppJson` checks the content type; an optional body is read as bytes and is not.
    Json {
        checked_type: bool,
    },
    Upload,
}

fn body_kind(body: &RequestBody) -> Body {
    if body.content.contains_key("multipart/form-data") {
        Body::Upload
    } else {
        Body::Json {
            checked_type: body.required == Some(Required::True),
        }
    }
}

/// Declares `status` with the error body, or adds `code` to the statuses' description
/// when the operation declares it already for codes of its own.
fn add_status(op: &mut Operation, status: &str, code: &str, text: &str) {
    let line = format!("`{code}`: {text}");
    match op.responses.responses.get_mut(status) {
        // A page's own answer (HTML) is not the API's error body.
        Some(RefOr::T(response))
            if !response.content.is_empty()
                && !response.content.contains_key("application/json") => {}
        Some(RefOr::T(response)) => {
            if response.description.is_empty() {
                response.description = line;
            } else if !response.description.contains(&format!("`{code}`")) {
                response.description = format!("{}; {line}", response.description);
            }
            if response.content.is_empty() {
                *response = error_response(&response.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            op.responses
                .responses
                .insert(status.to_owned(), RefOr::T(error_response(&line)));
        }
    }
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}
