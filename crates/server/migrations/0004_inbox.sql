-- The consultation inbox: patients (from the platform's patient app) and their sessions
-- and uploads, 图文 consultations and their messages, the doctor's service settings and
-- quick replies, the event log behind `GET /events`, and an append-only audit log.

-- Patients sign in with SMS codes of their own purpose.
CREATE TABLE sms_codes_new (
    id              INTEGER PRIMARY KEY,
    phone           TEXT    NOT NULL,
    purpose         TEXT    NOT NULL CHECK (purpose IN ('register', 'login', 'reset', 'patient_login')),
    code_hash       BLOB    NOT NULL,
    ip              TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sms_codes_new SELECT * FROM sms_codes;
DROP TABLE sms_codes;
ALTER TABLE sms_codes_new RENAME TO sms_codes;
CREATE INDEX sms_codes_by_phone ON sms_codes(phone, created_at);
CREATE INDEX sms_codes_by_ip ON sms_codes(ip, created_at);

CREATE TABLE patients (
    id         INTEGER PRIMARY KEY,
    phone      TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    sex        TEXT    NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE patient_sessions (
    token_hash BLOB    PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Files patients upload (records, photos): stored beside the doctors' files.
CREATE TABLE patient_files (
    id           TEXT    PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients(id),
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE consultation_settings (
    doctor_id           INTEGER PRIMARY KEY REFERENCES accounts(id),
    enabled             INTEGER NOT NULL,
    price_fen           INTEGER NOT NULL,
    daily_limit         INTEGER NOT NULL,
    greeting            TEXT    NOT NULL,
    follow_up_questions INTEGER NOT NULL
);

CREATE TABLE quick_replies (
    id        INTEGER PRIMARY KEY,
    doctor_id INTEGER NOT NULL REFERENCES accounts(id),
    title     TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    position  INTEGER NOT NULL
);
CREATE INDEX quick_replies_by_doctor ON quick_replies(doctor_id, position);

CREATE TABLE consultations (
    id               INTEGER PRIMARY KEY,
    doctor_id        INTEGER NOT NULL REFERENCES accounts(id),
    patient_id       INTEGER NOT NULL REFERENCES patients(id),
    status           TEXT    NOT NULL CHECK (status IN ('new', 'ongoing', 'closed', 'declined')),
    complaint        TEXT    NOT NULL,
    prior_hospital   TEXT    NOT NULL,
    prior_diagnosis  TEXT    NOT NULL,
    prior_visited_on TEXT    NOT NULL,
    price_fen        INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    accepted_at      INTEGER,
    closed_at        INTEGER,
    -- When the server closes it if nobody acts; NULL once it cannot expire.
    deadline_at      INTEGER,
    close_reason     TEXT CHECK (close_reason IN ('advice', 'not_accepted', 'no_reply')),
    decline_reason   TEXT,
    decline_text     TEXT,
    refunded         INTEGER NOT NULL DEFAULT 0,
    advice           TEXT,    -- JSON of the structured advice
    follow_ups_left  INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    doctor_unread    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consultations_inbox ON consultations(doctor_id, status, last_activity_at DESC, id DESC);
CREATE INDEX consultations_activity ON consultations(doctor_id, last_activity_at DESC, id DESC);
CREATE INDEX consultations_by_patient ON consultations(patient_id);
CREATE INDEX consultations_deadline ON consultations(deadline_at) WHERE deadline_at IS NOT NULL;

-- Evidence of the offline diagnosis and other photos of the request.
CREATE TABLE consultation_files (
    consultation_id INTEGER NOT NULL REFERENCES consultations(id),
    file_id         TEXT    NOT NULL REFERENCES patient_files(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('outpatient_record', 'discharge_summary', 'diagnosis_certificate', 'image')),
    position        INTEGER NOT NULL,
    PRIMARY KEY (consultation_id, position)
);

-- Chat logs are kept (≥ 3 years) as they were written.
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations(id),
    sender          TEXT    NOT NULL CHECK (sender IN ('doctor', 'patient', 'system')),
    client_id       TEXT,
    text            TEXT,
    image_file_id   TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (consultation_id, sender, client_id)
);
CREATE INDEX messages_by_consultation ON messages(consultation_id, id);

-- What `GET /events` sends, in order; a client resumes after the last id it saw.
CREATE TABLE inbox_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id       INTEGER NOT NULL,
    consultation_id INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    message_id      INTEGER,
    at              INTEGER NOT NULL
);
CREATE INDEX inbox_events_by_doctor ON inbox_events(doctor_id, id);

-- Who did what to a consultation, when (Art. 24: every step recorded and traceable).
CREATE TABLE consultation_audit (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL,
    actor           TEXT    NOT NULL,   -- doctor:<id>, patient:<id> or system
    action          TEXT    NOT NULL,
    detail          TEXT    NOT NULL,
    at              INTEGER NOT NULL
);
CREATE INDEX consultation_audit_by_consultation ON consultation_audit(consultation_id, id);

CREATE TRIGGER consultation_audit_no_update BEFORE UPDATE ON consultation_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER consultation_audit_no_delete BEFORE DELETE ON consultation_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'messages are kept as written'); END;
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'messages are kept as written'); END;
