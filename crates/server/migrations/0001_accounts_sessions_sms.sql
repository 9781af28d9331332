-- Accounts: every signed-up doctor, and hospital staff with extra roles.
CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    phone               TEXT    NOT NULL UNIQUE,
    password_hash       TEXT    NOT NULL,
    display_name        TEXT,
    verification_status TEXT    NOT NULL DEFAULT 'unverified',
    created_at          INTEGER NOT NULL -- unix seconds, UTC (as every time in this database)
);

CREATE TABLE account_roles (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('doctor', 'reviewer')),
    PRIMARY KEY (account_id, role)
);

-- Only a SHA-256 of the session token is stored: a leaked database opens no session.
CREATE TABLE sessions (
    token_hash  BLOB    PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ip          TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL
);
CREATE INDEX sessions_by_account ON sessions(account_id);

-- Every code ever sent: also the record the per-phone and per-IP limits count.
CREATE TABLE sms_codes (
    id              INTEGER PRIMARY KEY,
    phone           TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('register', 'login', 'reset')),
    code_hash       BLOB    NOT NULL,
    ip              TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sms_codes_by_phone ON sms_codes(phone, created_at);
CREATE INDEX sms_codes_by_ip ON sms_codes(ip, created_at);

-- Failed sign-ins per phone, for the lockout.
CREATE TABLE login_failures (
    phone TEXT    NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_by_phone ON login_failures(phone, at);
