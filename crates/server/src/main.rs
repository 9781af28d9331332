use std::{path::PathBuf, sync::Arc};

use clap::{Parser, Subcommand};
use doctor_desk_server::{demo, Config, SystemClock};

/// Doctor Desk server: the REST API on SQLite, and the built SPA.
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
    /// SQLite URL; defaults to <data-dir>/doctor-desk.db.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
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
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Administration on the database, without a running server.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
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
    let config = Config {
        database_url: cli.database_url,
        dist_dir: cli.dist,
        dev: cli.dev,
        demo_data: cli.demo,
        secure_cookies: cli.secure_cookies,
        trust_proxy: cli.trust_proxy,
        ..Config::new(cli.data_dir)
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, &cli.addr).await,
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
