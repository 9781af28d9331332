-- PostgreSQL form of the SQLite migration 0019_one_time_passwords.sql (same name, same schema).
-- Reviewers created from the command line get a one-time password (issue 16): until they
-- set their own, the reviewer console answers 403 `password_change_required`.
-- PG: a boolean stored as 0/1 (no CHECK, as in SQLite).
ALTER TABLE accounts ADD COLUMN password_must_change BIGINT NOT NULL DEFAULT 0;
