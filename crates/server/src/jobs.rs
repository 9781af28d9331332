//! The background jobs and when they run. Every instance of the server ticks; the tick
//! that claims a job's period in the database (`job_runs`, one atomic statement) runs it,
//! so with several instances on one database each job still runs once per period:
//! the deadline sweep every 30 seconds, the housekeeping once a day.

use std::time::Duration;

use rand::RngCore;
use tokio::task::JoinHandle;

use crate::{account, error::AppResult, housekeeping, inbox, state::AppState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Deadlines close and refund consultations, warn of closes, and carry out account
    /// deletions whose cooling-off ended: whether or not anybody looks.
    Deadlines,
    /// `housekeeping::daily`: purges, the day's notifications, retention, missed visits.
    Daily,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Deadlines => "deadlines",
            Job::Daily => "daily",
        }
    }

    /// How long after a run the next one is due.
    pub fn period(self) -> Duration {
        match self {
            Job::Deadlines => Duration::from_secs(30),
            Job::Daily => Duration::from_secs(24 * 3600),
        }
    }

    /// How long a run that never finished keeps its claim: longer than any run takes.
    fn abandoned_after(self) -> Duration {
        match self {
            Job::Deadlines => Duration::from_secs(5 * 60),
            Job::Daily => Duration::from_secs(30 * 60),
        }
    }

    /// How often each instance asks whether the job is due: often enough that a run is not
    /// late by much after the instance that ran it last has gone.
    fn tick(self) -> Duration {
        match self {
            Job::Deadlines => Duration::from_secs(30),
            Job::Daily => Duration::from_secs(10 * 60),
        }
    }

    async fn run(self, state: &AppState) {
        match self {
            Job::Deadlines => {
                if let Err(e) = inbox::deadlines::sweep(state).await {
                    tracing::warn!(error = %e, "deadline sweep failed");
                }
                if let Err(e) = inbox::deadlines::warn_close(state).await {
                    tracing::warn!(error = %e, "warning of close deadlines failed");
                }
                // A deletion takes effect when its cooling-off ends, not at the next daily run.
                if let Err(e) = account::retention::carry_out_due(state, false).await {
                    tracing::warn!(error = %e, "carrying out due account deletions failed");
                }
            }
            Job::Daily => housekeeping::daily(state).await,
        }
    }
}

/// A name for this instance in `job_runs` (which one ran a job, for whoever looks).
pub fn instance_name() -> String {
    let mut raw = [0u8; 4];
    rand::thread_rng().fill_bytes(&mut raw);
    format!("pid {} {}", std::process::id(), hex::encode(raw))
}

/// Claims the job's current period for `instance`, answering the claimed run's start:
/// `Some` for exactly one caller per period, whichever instance it runs in. A run still
/// going is never joined by a second; one started `abandoned_after` ago that never
/// finished (its instance stopped) is claimed again.
pub async fn claim(state: &AppState, job: Job, instance: &str) -> AppResult<Option<i64>> {
    let now = state.clock.unix();
    // A second early: ticks a period apart must not miss each other by a second.
    let due = now - job.period().as_secs() as i64 + 1;
    let abandoned = now - job.abandoned_after().as_secs() as i64;
    let claimed: Option<i64> = crate::db::query_scalar(
        "INSERT INTO job_runs (job, ran_at, instance) VALUES (?1, ?2, ?3)
         ON CONFLICT (job) DO UPDATE
            SET ran_at = excluded.ran_at, instance = excluded.instance, finished_at = NULL
          WHERE (job_runs.finished_at IS NOT NULL AND job_runs.ran_at <= ?4)
             OR (job_runs.finished_at IS NULL AND job_runs.ran_at <= ?5)
         RETURNING ran_at",
    )
    .bind(job.name())
    .bind(now)
    .bind(instance)
    .bind(due)
    .bind(abandoned)
    .fetch_optional(&state.db)
    .await?;
    Ok(claimed)
}

/// Runs the job if this instance claims its period; answers whether it ran.
pub async fn run_if_due(state: &AppState, job: Job, instance: &str) -> bool {
    match claim(state, job, instance).await {
        Ok(Some(ran_at)) => {
            job.run(state).await;
            let finished = crate::db::query(
                "UPDATE job_runs SET finished_at = ? WHERE job = ? AND instance = ? AND ran_at = ?",
            )
            .bind(state.clock.unix())
            .bind(job.name())
            .bind(instance)
            .bind(ran_at)
            .execute(&state.db)
            .await;
            if let Err(e) = finished {
                tracing::warn!(error = %e, job = job.name(), "could not record a job's end");
            }
            true
        }
        Ok(None) => false,
        Err(e) => {
            tracing::warn!(error = %e, job = job.name(), "could not claim a background job");
            false
        }
    }
}

/// Starts the ticks of every job; abort the handles to stop them.
pub fn start(state: &AppState) -> Vec<JoinHandle<()>> {
    let instance = instance_name();
    [Job::Deadlines, Job::Daily]
        .into_iter()
        .map(|job| {
            let (state, instance) = (state.clone(), instance.clone());
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(job.tick());
                loop {
                    tick.tick().await;
                    run_if_due(&state, job, &instance).await;
                }
            })
        })
        .collect()
}
