-- Hardening after trying to break it (issue 11).

-- Counters that must hold under concurrent requests: one row per hit, counted and
-- inserted in one statement (`rate_limit::take`), so 40 requests at once cannot all pass.
CREATE TABLE rate_hits (
    id     INTEGER PRIMARY KEY,
    bucket TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX rate_hits_by_key ON rate_hits(bucket, key, at);

-- Replaced by rate_hits (sign-in failures are now counted per phone and client IP).
DROP TABLE login_failures;

-- Idle timeout: a remembered session unused for a week ends.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE INDEX patient_sessions_by_expiry ON patient_sessions(expires_at);

-- One acceptance per doctor and version: a double submit must not leave two legal records.
-- Rows are append-only, so earlier duplicates are folded into the first one once, here.
DROP TRIGGER agreement_acceptances_no_delete;
DELETE FROM agreement_acceptances
 WHERE id NOT IN (SELECT MIN(id) FROM agreement_acceptances GROUP BY account_id, version_id);
CREATE TRIGGER agreement_acceptances_no_delete BEFORE DELETE ON agreement_acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
CREATE UNIQUE INDEX agreement_acceptances_once ON agreement_acceptances(account_id, version_id);
