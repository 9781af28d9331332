//! Doctor Desk REST API: axum + SQLite. `app` builds the router (tests call it directly);
//! `spawn` runs it on a socket (end-to-end tests and the binary).

pub mod account;
pub mod admin;
pub mod agreements;
pub mod auth;
pub mod bench;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
mod dev;
pub mod error;
pub mod extractor;
pub mod files;
pub mod follow_ups;
mod health;
pub mod housekeeping;
pub mod inbox;
pub mod jobs;
pub mod markdown;
pub mod onboarding;
pub mod openapi;
pub mod patients;
pub mod posts;
pub mod rate_limit;
mod rejection;
mod review;
pub mod security;
pub mod simulate;
pub mod sms;
pub mod spa;
pub mod state;

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use axum::{
    http::HeaderValue,
    middleware,
    routing::{any, get},
    Json, Router,
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use config::{Config, Limits};
pub use state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Doctor Desk API", description = "REST API of Doctor Desk (医生工作台)"),
    tags(
        (name = "auth", description = "Sign-up, sign-in and the signed-in doctor"),
        (name = "account", description = "The signed-in account's own security: password, phone number, devices signed in"),
        (name = "agreements", description = "Service agreement and privacy policy: versions and acceptances"),
        (name = "system", description = "Health"),
        (name = "onboarding", description = "Profile, licence documents and verification"),
        (name = "review", description = "The hospital's review of submissions (reviewers only)"),
        (name = "files", description = "Uploaded files"),
        (name = "inbox", description = "Consultations, messages, service settings, events"),
        (name = "patients", description = "My patients: records, tags, private notes, clinical facts, timeline"),
        (name = "follow-ups", description = "Follow-up plans and visits (诊后随访), reminders to patients, the doctor's today"),
        (name = "posts", description = "Posts: drafts saved by version, images, preview, the compliance check, submission for review, withdrawal; patients' public questions to answer"),
        (name = "public", description = "Public pages of published posts and their images (plain HTML, no account, outside /api/v1)"),
        (name = "patient", description = "The patient side that feeds the inbox (the platform's patient app)"),
        (name = "dev", description = "Development servers only"),
    )
)]
struct ApiDoc;

/// The `/api/v1` routes and their OpenAPI document, built from the same declarations so
/// an endpoint cannot exist without being documented.
pub fn api(dev: bool) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut v1 = OpenApiRouter::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(agreements::router())
        .merge(onboarding::router())
        .merge(inbox::router())
        .merge(patients::router())
        .merge(follow_ups::router())
        .merge(posts::router())
        .merge(review::router())
        .merge(files::router());
    if dev {
        v1 = v1.merge(dev::router());
    }
    let (v1, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(doctor_desk_api::API_PREFIX, v1)
        // Shared links live outside the API: short, and served before the SPA's fallback.
        .merge(posts::public_router())
        .split_for_parts();
    // What shared layers and extractors answer, declared once for every operation.
    openapi::declare_shared_statuses(&mut doc);
    (v1, doc)
}

/// Opens the database, seeds demo data when asked, and builds the whole app.
pub async fn app(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<(Router, AppState)> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let watch = Arc::new(db::TableWatch::new(auth::session::tables_read()));
    let db::Database {
        pool: db,
        reads,
        writes,
    } = db::connect(
        &config.database_url(),
        config.db_busy_timeout,
        watch.clone(),
    )
    .await?;
    let rules = posts::rules::load(config.compliance_rules.as_deref())?;
    let files = files::FileStore::open(
        &config.data_dir,
        config.files.as_deref(),
        &config.files_options.0,
        std::time::Duration::from_secs(config.limits.file_store_timeout_secs),
    )?;
    files.check().await?;
    let sms: Arc<dyn sms::SmsSender> = if config.dev {
        Arc::new(sms::DevOutbox::default())
    } else {
        Arc::new(sms::NoGateway)
    };
    let state = AppState {
        db,
        reads: reads.map(Arc::new),
        writes: writes.map(Arc::new),
        config: Arc::new(config),
        clock,
        sms,
        hub: Arc::default(),
        next_deadline: Arc::default(),
        writer: Arc::default(),
        sessions: Arc::new(auth::session_cache::SessionCache::new(watch)),
        rules: Arc::new(rules),
        files,
    };
    if let db::Pool::Postgres(pool) = &state.db {
        // Other instances' changes wake this one's streams.
        inbox::relay::start(pool.clone(), &state.hub);
    }
    if state.config.demo_data {
        demo::seed(&state).await?;
    }
    let unpublished = agreements::unpublished_kinds(&state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !unpublished.is_empty() {
        let kinds: Vec<&str> = unpublished.iter().map(|k| k.as_str()).collect();
        tracing::warn!(
            "not published yet: {}; doctors cannot be asked to accept it until it is \
             (doctor-desk-server admin publish-agreement)",
            kinds.join(", ")
        );
    }
    Ok((router(state.clone())?, state))
}

fn router(state: AppState) -> anyhow::Result<Router> {
    let (v1, doc) = api(state.config.dev);
    let doc = Arc::new(doc);
    let api = v1
        .route(
            "/api/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        // Unknown API paths answer in the API's error shape, never with the SPA.
        .route("/api/{*rest}", any(error::api_not_found))
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state.clone());

    let (spa, csp) = match &state.config.dist_dir {
        Some(dir) => {
            let spa = spa::Spa::load(dir)?;
            let csp = security::content_security_policy(&spa.inline_script_hashes());
            (spa.router(), csp)
        }
        None => (
            Router::new().fallback(error::api_not_found),
            security::content_security_policy(&[]),
        ),
    };
    let csp = HeaderValue::from_str(&csp).context("CSP is not a header value")?;

    Ok(api
        .merge(spa)
        .layer(middleware::from_fn(rejection::own_shape))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::csrf,
        ))
        .layer(middleware::from_fn(error::render))
        .layer(middleware::from_fn_with_state(
            security::Policy {
                csp,
                hsts: state.config.secure_cookies,
            },
            security::headers,
        )))
}

/// A server running in the background; stops when `stop` is called or it is dropped.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `addr` (use port 0 for a free one) and serves until stopped.
pub async fn spawn(config: Config, addr: &str, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    // Dev mode hands every SMS code to whoever asks (the outbox): only on this machine.
    if config.dev && !config.dev_allow_remote && !addr.ip().is_loopback() {
        anyhow::bail!(
            "--dev serves the SMS outbox to anyone who can reach {addr}: listen on 127.0.0.1 \
             or add --dev-allow-remote if that network is yours alone"
        );
    }
    let (app, state) = app(config, clock).await?;
    tracing::info!("files are stored in the {}", state.files.describe());
    match housekeeping::remove_partial_uploads(&state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "removed uploads interrupted by a crash"),
        Err(e) => tracing::warn!(error = %e, "could not look for interrupted uploads"),
    }
    let jobs = jobs::start(&state);
    let (tx, rx) = oneshot::channel::<()>();
    let hub = state.hub.clone();
    let handle = tokio::spawn(async move {
        let served = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = rx.await;
            hub.close();
        })
        .await;
        for job in jobs {
            job.abort();
        }
        if let Err(e) = served {
            tracing::error!(error = %e, "server stopped with an error");
        }
    });
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        handle: Some(handle),
    })
}
