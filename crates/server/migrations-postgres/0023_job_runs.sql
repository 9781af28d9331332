-- PostgreSQL form of the SQLite migration 0023_job_runs.sql (same name, same schema).
-- When each background job last ran, and which server instance ran it. Several instances
-- on one database claim each run here in one statement, so a job runs once per period,
-- not once per instance. `finished_at` stays NULL while a run goes on: a run whose
-- instance stopped half-way is claimed again after a while instead of waiting a period.

CREATE TABLE job_runs (
    job         TEXT PRIMARY KEY,
    ran_at      BIGINT NOT NULL,
    instance    TEXT NOT NULL,
    finished_at BIGINT
);
