-- Reviewers created from the command line get a one-time password (issue 16): until they
-- set their own, the reviewer console answers 403 `password_change_required`.
ALTER TABLE accounts ADD COLUMN password_must_change INTEGER NOT NULL DEFAULT 0;
