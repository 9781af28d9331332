use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand};
use doctor_desk_api::{
    agreements::{AgreementKind, PublishRequest},
    Lang,
};
use doctor_desk_server::{
    agreements::samples::title_of, demo, error::AppError, Config, SystemClock,
};

/// Doctor Desk server: the REST API on SQLite or PostgreSQL, and the built SPA.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on.
    #[arg(
        long,
        env = "DOCTOR_DESK_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    addr: String,
    /// Directory for the database file and uploads.
    #[arg(
        long,
        env = "DOCTOR_DESK_DATA_DIR",
        default_value = "data",
        global = true
    )]
    data_dir: PathBuf,
    /// The database: an SQLite URL (default <data-dir>/doctor-desk.db) or PostgreSQL,
    /// `postgres://user:password@host:port/database`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Where uploads are stored: a folder (default <data-dir>/files) or an S3-compatible
    /// object store, `s3://bucket/prefix`, set up by the usual AWS_* variables
    /// (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ALLOW_HTTP for an endpoint without TLS).
    #[arg(long, env = "DOCTOR_DESK_FILES", global = true)]
    files: Option<String>,
    /// The built SPA to serve (output of `trunk build`).
    #[arg(long, env = "DOCTOR_DESK_DIST", global = true)]
    dist: Option<PathBuf>,
    /// Development mode: SMS codes go to an in-memory outbox at /api/v1/dev/sms-outbox.
    #[arg(long, env = "DOCTOR_DESK_DEV", global = true)]
    dev: bool,
    /// Create the demo accounts when the database is new.
    #[arg(long, env = "DOCTOR_DESK_DEMO", global = true)]
    demo: bool,
    /// Mark cookies Secure (when served over https).
    #[arg(long, env = "DOCTOR_DESK_SECURE_COOKIES", global = true)]
    secure_cookies: bool,
    /// Trust X-Forwarded-For for the client IP (only behind your own proxy).
    #[arg(long, env = "DOCTOR_DESK_TRUST_PROXY", global = true)]
    trust_proxy: bool,
    /// With --trust-proxy: how many proxies of yours stand in front (the client IP is the
    /// entry the outermost one appended to X-Forwarded-For).
    #[arg(
        long,
        env = "DOCTOR_DESK_TRUSTED_PROXIES",
        default_value_t = 1,
        global = true
    )]
    trusted_proxies: usize,
    /// Allow --dev on an address other than loopback (the SMS outbox is open to anyone).
    #[arg(long, env = "DOCTOR_DESK_DEV_ALLOW_REMOTE", global = true)]
    dev_allow_remote: bool,
    /// The compliance word lists for posts (the format of crates/server/data/compliance.txt,
    /// which is built in and used without this flag).
    #[arg(long, env = "DOCTOR_DESK_COMPLIANCE_RULES", global = true)]
    compliance_rules: Option<PathBuf>,
    /// Where the public post pages are reached, e.g. https://desk.example.cn (their share
    /// links start with it); without it, the request's Host.
    #[arg(long, env = "DOCTOR_DESK_PUBLIC_ORIGIN", global = true)]
    public_origin: Option<String>,
    /// How long a request waits for a database held by another writer before it answers
    /// 503 busy (milliseconds).
    #[arg(
        long,
        env = "DOCTOR_DESK_DB_BUSY_TIMEOUT_MS",
        default_value_t = 5000,
        global = true
    )]
    db_busy_timeout_ms: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Patient traffic through the HTTP API of a running dev server (see `--url`).
    Simulate {
        /// The running server (started with --dev, whose SMS outbox gives the codes).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// How many patients.
        #[arg(long, default_value_t = 20)]
        patients: usize,
        /// Actions per second, over all patients.
        #[arg(long, default_value_t = 1.0)]
        rate: f64,
        /// The doctor they consult (the demo doctor is 1).
        #[arg(long, default_value_t = 1)]
        doctor_id: i64,
        /// Stop after this many seconds (default: until Ctrl-C).
        #[arg(long)]
        seconds: Option<u64>,
    },
    /// Benchmarks on a fresh temporary database (prints figures; `cargo xtask bench`).
    Bench {
        #[command(subcommand)]
        what: BenchTarget,
    },
    /// Administration on the database, without a running server.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
}

#[derive(Subcommand)]
enum BenchTarget {
    /// The inbox list and sending at many concurrent clients, event delivery latency, and
    /// one doctor's patient list (first page, by next follow-up, phone and name search, a
    /// tag) with many patients.
    Inbox {
        #[arg(long, default_value_t = 100_000)]
        consultations: u64,
        #[arg(long, default_value_t = 1_000_000)]
        messages: u64,
        #[arg(long, default_value_t = 100)]
        doctors: u64,
        /// Concurrent clients for the list and send figures.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Open conversations for the delivery figure.
        #[arg(long, default_value_t = 200)]
        conversations: usize,
        /// Event streams of as many more doctors, held open for the memory per stream
        /// and the delivery figure again (0: skip).
        #[arg(long, default_value_t = 10_000)]
        streams: usize,
        /// Patients of the one doctor whose patient list is measured (0: no such figures).
        #[arg(long, default_value_t = 50_000)]
        patients: u64,
        /// How long each measurement runs.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Used by `bench inbox`: holds one event stream open per session token read from
    /// stdin (up to an empty line) until stdin closes.
    #[command(hide = true)]
    HoldStreams {
        #[arg(long)]
        url: String,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Create a reviewer account (or give an existing account the reviewer role) and print
    /// a one-time password for it.
    CreateReviewer {
        #[arg(long)]
        phone: String,
    },
    /// The retention job: carry out the account deletions whose 7-day cooling-off is over,
    /// and remove deleted accounts' chat logs kept 3 years. The server runs it too.
    Purge {
        /// Print what it would remove, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Publish a new version of the service agreement or the privacy policy. Doctors must
    /// accept it before they can go on working. The title is the file's first `# ` heading.
    PublishAgreement {
        /// `service-agreement` or `privacy-policy`.
        #[arg(long)]
        kind: String,
        /// Semantic version, higher than the current one, e.g. 1.1.0.
        #[arg(long)]
        version: String,
        /// The zh-CN text, in Markdown.
        #[arg(long)]
        file: PathBuf,
        /// One paragraph: what changed from the previous version (zh-CN).
        #[arg(long)]
        summary: String,
        /// The English text, in Markdown (optional).
        #[arg(long, requires = "summary_en")]
        file_en: Option<PathBuf>,
        /// What changed, in English (with --file-en).
        #[arg(long, requires = "file_en")]
        summary_en: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let mut config = Config {
        database_url: cli.database_url,
        files: cli.files,
        files_options: doctor_desk_server::config::StoreSettings(
            std::env::vars()
                .filter(|(key, _)| key.starts_with("AWS_"))
                .map(|(key, value)| (key.to_ascii_lowercase(), value))
                .collect(),
        ),
        dist_dir: cli.dist,
        dev: cli.dev,
        demo_data: cli.demo,
        secure_cookies: cli.secure_cookies,
        trust_proxy: cli.trust_proxy,
        trusted_proxies: cli.trusted_proxies,
        dev_allow_remote: cli.dev_allow_remote,
        compliance_rules: cli.compliance_rules,
        public_origin: cli.public_origin,
        db_busy_timeout: std::time::Duration::from_millis(cli.db_busy_timeout_ms),
        ..Config::new(cli.data_dir)
    };
    if config.dev {
        // Simulated patients all come from this machine; there is no real SMS to protect.
        config.limits.sms_ip_per_hour = 1_000_000;
        config.limits.sms_requests_per_ip_per_hour = 1_000_000;
    }
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, &cli.addr).await,
        Command::Bench {
            what:
                BenchTarget::Inbox {
                    consultations,
                    messages,
                    doctors,
                    clients,
                    conversations,
                    streams,
                    patients,
                    seconds,
                },
        } => {
            doctor_desk_server::bench::inbox(doctor_desk_server::bench::Options {
                consultations,
                messages,
                doctors,
                clients,
                conversations,
                patients,
                streams,
                seconds,
                database_url: config.database_url.clone(),
            })
            .await
        }
        Command::Bench {
            what: BenchTarget::HoldStreams { url },
        } => doctor_desk_server::bench::hold_streams(&url).await,
        Command::Simulate {
            url,
            patients,
            rate,
            doctor_id,
            seconds,
        } => {
            doctor_desk_server::simulate::run(
                &url,
                patients,
                rate,
                doctor_id,
                seconds.map(std::time::Duration::from_secs),
            )
            .await
        }
        Command::Admin {
            task:
                AdminTask::PublishAgreement {
                    kind,
                    version,
                    file,
                    summary,
                    file_en,
                    summary_en,
                },
        } => {
            let kind = AgreementKind::parse(&kind).ok_or_else(|| {
                anyhow::anyhow!("--kind must be `service-agreement` or `privacy-policy`")
            })?;
            let read = |path: &PathBuf| {
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))
            };
            let body = read(&file)?;
            let body_en = file_en.as_ref().map(read).transpose()?.unwrap_or_default();
            let title = |body: &str, path: &PathBuf| {
                title_of(body).with_context(|| format!("{} has no `# ` title line", path.display()))
            };
            let request = PublishRequest {
                kind: Some(kind),
                version,
                title: title(&body, &file)?,
                change_summary: summary,
                title_en: match &file_en {
                    Some(path) => title(&body_en, path)?,
                    None => String::new(),
                },
                body,
                change_summary_en: summary_en.unwrap_or_default(),
                body_en,
            };
            let (_, state) = doctor_desk_server::app(config, Arc::new(SystemClock)).await?;
            match doctor_desk_server::agreements::publish::publish(&state, None, &request).await {
                Ok(published) => {
                    println!(
                        "Published {} {} ({}). Doctors must accept it at their next step.",
                        published.kind.as_str(),
                        published.version,
                        published.title
                    );
                    Ok(())
                }
                Err(AppError::Validation(errors)) => {
                    for (field, error) in errors {
                        eprintln!("{field}: {}", error.message(Lang::En));
                    }
                    anyhow::bail!("not published")
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Admin {
            task: AdminTask::Purge { dry_run },
        } => {
            let (_, state) = doctor_desk_server::app(config, Arc::new(SystemClock)).await?;
            let report = doctor_desk_server::account::retention::run(&state, dry_run).await?;
            print!("{report}");
            Ok(())
        }
        Command::Admin {
            task: AdminTask::CreateReviewer { phone },
        } => {
            let (_, state) = doctor_desk_server::app(config, Arc::new(SystemClock)).await?;
            let created = doctor_desk_server::admin::create_reviewer(&state, &phone).await?;
            match created {
                Some(password) => println!(
                    "Reviewer {phone} created. One-time password: {password}\nSign in with it and set a new password at once (忘记密码 / reset password)."
                ),
                None => println!("{phone} already had an account; it now has the reviewer role."),
            }
            Ok(())
        }
    }
}

async fn serve(config: Config, addr: &str) -> anyhow::Result<()> {
    let demo_data = config.demo_data;
    let dev = config.dev;
    let running = doctor_desk_server::spawn(config, addr, Arc::new(SystemClock)).await?;
    println!("Doctor Desk is running at {}", running.url());
    if demo_data {
        println!(
            "Demo doctor:   phone {} password {}",
            demo::DOCTOR_PHONE,
            demo::DOCTOR_PASSWORD
        );
        println!(
            "Demo reviewer: phone {} password {}",
            demo::REVIEWER_PHONE,
            demo::REVIEWER_PASSWORD
        );
    }
    if dev {
        println!(
            "Dev mode: SMS codes are readable at {}/api/v1/dev/sms-outbox?phone=…",
            running.url()
        );
    }
    shutdown_signal().await;
    println!("Shutting down…");
    running.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
