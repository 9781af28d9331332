-- Deleting one's own account (注销): the request, its 7-day cooling-off, its end
-- (cancelled, or carried out by the retention job). At most one open request an account.
CREATE TABLE account_deletions (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    requested_at INTEGER NOT NULL,
    effective_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    completed_at INTEGER,
    client_ip    TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE UNIQUE INDEX account_deletions_open ON account_deletions(account_id)
    WHERE cancelled_at IS NULL AND completed_at IS NULL;
CREATE INDEX account_deletions_due ON account_deletions(effective_at)
    WHERE cancelled_at IS NULL AND completed_at IS NULL;

-- Set when the retention job has carried out a deletion: the row stays (consultations,
-- acceptances and audit logs keep pointing at it) with no phone, password or name.
ALTER TABLE accounts ADD COLUMN deleted_at INTEGER;

-- Chat logs stay as written, except that the retention job removes those of a deleted
-- account once kept long enough (the job checks the 3 years; the database that the
-- account is deleted and the consultation closed).
DROP TRIGGER messages_no_delete;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
WHEN NOT EXISTS (SELECT 1 FROM consultations c JOIN accounts a ON a.id = c.doctor_id
                  WHERE c.id = OLD.consultation_id AND c.closed_at IS NOT NULL
                    AND a.deleted_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'messages are kept as written'); END;
