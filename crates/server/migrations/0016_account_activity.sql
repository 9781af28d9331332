-- What happens to an account that no other table records: sign-ins (and wrong
-- passwords), sign-outs, password and phone changes, devices signed out, deletion asked
-- for and cancelled. With the acceptances, consent records and the two audit logs it is
-- the doctor's own activity trail (`GET /me/activity`). Append-only.
CREATE TABLE account_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('sign_in', 'security')),
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    ip         TEXT    NOT NULL,
    user_agent TEXT    NOT NULL
);
CREATE INDEX account_events_by_account ON account_events(account_id, at);
CREATE TRIGGER account_events_no_update BEFORE UPDATE ON account_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER account_events_no_delete BEFORE DELETE ON account_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A doctor's own consultation decisions, newest first, without reading every one's log.
CREATE INDEX consultation_audit_by_actor ON consultation_audit(actor, at);
