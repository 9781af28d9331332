-- Patient management: which patients are a doctor's own, the doctor's tags on them, private
-- notes with every earlier text kept, doctor-recorded clinical facts, and an append-only
-- log of everything a doctor does to a patient's file.

-- A patient is the doctor's from the first consultation the doctor accepted. Kept by
-- triggers, so every way a consultation gets accepted (the API, demo data, a bench
-- loader) agrees, and the list is one indexed range instead of a scan of consultations.
CREATE TABLE doctor_patients (
    doctor_id            INTEGER NOT NULL REFERENCES accounts(id),
    patient_id           INTEGER NOT NULL REFERENCES patients(id),
    since                INTEGER NOT NULL,
    -- When the patient asked for the most recent consultation the doctor accepted.
    last_consultation_at INTEGER NOT NULL,
    conditions           TEXT    NOT NULL DEFAULT '',
    allergies            TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (doctor_id, patient_id)
) WITHOUT ROWID;
CREATE INDEX doctor_patients_by_last ON doctor_patients(doctor_id, last_consultation_at DESC, patient_id DESC);
CREATE INDEX doctor_patients_by_since ON doctor_patients(doctor_id, since DESC, patient_id DESC);

INSERT INTO doctor_patients (doctor_id, patient_id, since, last_consultation_at)
SELECT doctor_id, patient_id, MIN(accepted_at), MAX(created_at)
FROM consultations WHERE accepted_at IS NOT NULL
GROUP BY doctor_id, patient_id;

CREATE TRIGGER doctor_patients_on_accept AFTER UPDATE OF accepted_at ON consultations
WHEN NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NULL
BEGIN
    INSERT OR IGNORE INTO doctor_patients (doctor_id, patient_id, since, last_consultation_at)
    VALUES (NEW.doctor_id, NEW.patient_id, NEW.accepted_at, NEW.created_at);
    UPDATE doctor_patients SET last_consultation_at = MAX(last_consultation_at, NEW.created_at)
    WHERE doctor_id = NEW.doctor_id AND patient_id = NEW.patient_id;
END;

CREATE TRIGGER doctor_patients_on_insert AFTER INSERT ON consultations
WHEN NEW.accepted_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO doctor_patients (doctor_id, patient_id, since, last_consultation_at)
    VALUES (NEW.doctor_id, NEW.patient_id, NEW.accepted_at, NEW.created_at);
    UPDATE doctor_patients SET last_consultation_at = MAX(last_consultation_at, NEW.created_at)
    WHERE doctor_id = NEW.doctor_id AND patient_id = NEW.patient_id;
END;

CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    doctor_id  INTEGER NOT NULL REFERENCES accounts(id),
    name       TEXT    NOT NULL,
    color      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (doctor_id, name)
);

CREATE TABLE patient_tags (
    tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    doctor_id  INTEGER NOT NULL,
    patient_id INTEGER NOT NULL,
    PRIMARY KEY (tag_id, patient_id)
) WITHOUT ROWID;
CREATE INDEX patient_tags_by_patient ON patient_tags(doctor_id, patient_id);

-- Private notes: the current text here, every earlier one in note_versions.
CREATE TABLE patient_notes (
    id         INTEGER PRIMARY KEY,
    doctor_id  INTEGER NOT NULL REFERENCES accounts(id),
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    text       TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX patient_notes_by_patient ON patient_notes(doctor_id, patient_id, created_at DESC, id DESC);

CREATE TABLE note_versions (
    note_id    INTEGER NOT NULL REFERENCES patient_notes(id),
    version    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    written_at INTEGER NOT NULL,
    written_by INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (note_id, version)
) WITHOUT ROWID;

CREATE TRIGGER note_versions_no_update BEFORE UPDATE ON note_versions
BEGIN SELECT RAISE(ABORT, 'earlier texts of a note are kept as written'); END;
CREATE TRIGGER note_versions_no_delete BEFORE DELETE ON note_versions
BEGIN SELECT RAISE(ABORT, 'earlier texts of a note are kept as written'); END;

-- Who did what to a patient's file (tags, notes, clinical facts, revealing the phone).
CREATE TABLE patient_audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id  INTEGER NOT NULL,
    patient_id INTEGER,
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX patient_audit_by_patient ON patient_audit(doctor_id, patient_id, id);

CREATE TRIGGER patient_audit_no_update BEFORE UPDATE ON patient_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER patient_audit_no_delete BEFORE DELETE ON patient_audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
