-- When each background job last ran, and which server instance ran it. Several instances
-- on one database claim each run here in one statement, so a job runs once per period,
-- not once per instance.

CREATE TABLE job_runs (
    job      TEXT PRIMARY KEY,
    ran_at   INTEGER NOT NULL,
    instance TEXT NOT NULL
);
