-- Notifications: what the platform tells an account, each with where to act. `once`
-- keeps a fact from being told twice (a licence at 7 days left, visits due on a day).
-- Kept 90 days (the daily job).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT    NOT NULL,
    subject_id INTEGER,
    detail     TEXT    NOT NULL,
    link       TEXT    NOT NULL,
    once       TEXT,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_by_account ON notifications(account_id, id);
CREATE UNIQUE INDEX notifications_once ON notifications(account_id, once) WHERE once IS NOT NULL;
CREATE INDEX notifications_unread ON notifications(account_id) WHERE read_at IS NULL;
CREATE INDEX notifications_age ON notifications(created_at);
