//! Background jobs with several server instances on one database: each period of a job is
//! claimed by exactly one tick, whichever instance it comes from, also when they all tick
//! at once.

mod common;

use chrono::Duration;
use common::TestApp;
use doctor_desk_server::jobs::{self, Job};
use futures_util::future::join_all;

/// Forty ticks at once, half from each instance: how many ran the job.
async fn ticks(a: &TestApp, b: &TestApp, job: Job) -> usize {
    let (name_a, name_b) = ("instance a", "instance b");
    let runs = (0..40).map(|n| {
        let (app, name) = if n % 2 == 0 { (a, name_a) } else { (b, name_b) };
        jobs::run_if_due(&app.state, job, name)
    });
    join_all(runs).await.into_iter().filter(|ran| *ran).count()
}

#[tokio::test]
async fn each_period_of_a_job_runs_once_across_instances() {
    let a = TestApp::new().await;
    let url = a.state.config.database_url();
    let b = TestApp::with_config(|c| c.database_url = Some(url)).await;
    let advance = |by: Duration| {
        a.clock.advance(by);
        b.clock.advance(by);
    };

    assert_eq!(ticks(&a, &b, Job::Daily).await, 1, "the first daily run");
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 1, "the first sweep");
    let ran_by: String = sqlx::query_scalar("SELECT instance FROM job_runs WHERE job = 'daily'")
        .fetch_one(&b.state.db)
        .await
        .unwrap();
    assert!(ran_by.starts_with("instance "), "{ran_by}");

    advance(Duration::seconds(20));
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 0, "within its 30 s");
    advance(Duration::seconds(10));
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 1, "30 s later, once");

    advance(Duration::hours(23));
    assert_eq!(ticks(&a, &b, Job::Daily).await, 0, "the day is not over");
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 1);
    advance(Duration::hours(1));
    assert_eq!(ticks(&a, &b, Job::Daily).await, 1, "the next day, once");
    assert_eq!(ticks(&a, &b, Job::Daily).await, 0);
}
