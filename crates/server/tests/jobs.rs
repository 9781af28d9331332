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
    let ran_by: String =
        doctor_desk_server::db::query_scalar("SELECT instance FROM job_runs WHERE job = 'daily'")
            .fetch_one(&b.state.db)
            .await
            .unwrap();
    assert!(ran_by.starts_with("instance "), "{ran_by}");

    advance(Duration::seconds(20));
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 0, "within its 30 s");
    // A tick a second early (the ticks' own jitter) still catches its period.
    advance(Duration::seconds(9));
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 1, "30 s later, once");

    advance(Duration::hours(23));
    assert_eq!(ticks(&a, &b, Job::Daily).await, 0, "the day is not over");
    assert_eq!(ticks(&a, &b, Job::Deadlines).await, 1);
    advance(Duration::hours(1));
    assert_eq!(ticks(&a, &b, Job::Daily).await, 1, "the next day, once");
    assert_eq!(ticks(&a, &b, Job::Daily).await, 0);
}

#[tokio::test]
async fn a_run_whose_instance_stopped_is_claimed_again_not_a_day_later() {
    let a = TestApp::new().await;
    let url = a.state.config.database_url();
    let b = TestApp::with_config(|c| c.database_url = Some(url)).await;
    // Instance a claims the day's run and stops before it ends.
    assert!(jobs::claim(&a.state, Job::Daily, "instance a")
        .await
        .unwrap()
        .is_some());
    b.clock.advance(Duration::minutes(10));
    assert_eq!(
        jobs::claim(&b.state, Job::Daily, "instance b")
            .await
            .unwrap(),
        None,
        "a run still going is not joined"
    );
    b.clock.advance(Duration::minutes(25));
    assert!(
        jobs::run_if_due(&b.state, Job::Daily, "instance b").await,
        "half an hour on, b takes it over"
    );
    let (by, finished): (String, Option<i64>) = doctor_desk_server::db::query_as(
        "SELECT instance, finished_at FROM job_runs WHERE job = 'daily'",
    )
    .fetch_one(&b.state.db)
    .await
    .unwrap();
    assert_eq!(by, "instance b");
    assert!(finished.is_some(), "its end is recorded");
}
