-- Searching my patients by part of the name from the few who share its first two
-- characters, not by reading every one of my names: each name's single characters and
-- pairs of characters, as an index of mine. Chinese names are 2–4 characters, so a pair
-- is rare among even tens of thousands of patients. `patients/list.rs` searches it, and
-- checks every candidate's whole name (a search of 3 characters: a pair narrows, the
-- name decides).
CREATE TABLE patient_name_grams (
    doctor_id  INTEGER NOT NULL,
    gram       TEXT    NOT NULL,
    patient_id INTEGER NOT NULL,
    PRIMARY KEY (doctor_id, gram, patient_id)
) WITHOUT ROWID;

-- Positions in a name, for the triggers (which cannot count with a WITH clause). Names
-- are at most 30 characters (`validate::person_name`); 100 leaves room.
CREATE TABLE name_positions (i INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
INSERT INTO name_positions SELECT i FROM n;

INSERT OR IGNORE INTO patient_name_grams (doctor_id, gram, patient_id)
SELECT dp.doctor_id, substr(dp.name, n.i, 1), dp.patient_id
  FROM doctor_patients dp JOIN name_positions n ON n.i <= length(dp.name)
UNION ALL
SELECT dp.doctor_id, substr(dp.name, n.i, 2), dp.patient_id
  FROM doctor_patients dp JOIN name_positions n ON n.i < length(dp.name);

-- Every new row of mine gets its name by the update in migration 0011's insert trigger,
-- so this one trigger serves new patients and renamed ones alike (no WHEN: that update
-- may write the name the row already had).
CREATE TRIGGER patient_name_grams_on_name AFTER UPDATE OF name ON doctor_patients
BEGIN
    DELETE FROM patient_name_grams
     WHERE doctor_id = OLD.doctor_id AND patient_id = OLD.patient_id
       AND gram IN (SELECT substr(OLD.name, i, 1) FROM name_positions WHERE i <= length(OLD.name)
                    UNION ALL
                    SELECT substr(OLD.name, i, 2) FROM name_positions WHERE i < length(OLD.name));
    INSERT OR IGNORE INTO patient_name_grams (doctor_id, gram, patient_id)
    SELECT NEW.doctor_id, substr(NEW.name, i, 1), NEW.patient_id
      FROM name_positions WHERE i <= length(NEW.name)
    UNION ALL
    SELECT NEW.doctor_id, substr(NEW.name, i, 2), NEW.patient_id
      FROM name_positions WHERE i < length(NEW.name);
END;

CREATE TRIGGER patient_name_grams_on_delete AFTER DELETE ON doctor_patients
BEGIN
    DELETE FROM patient_name_grams
     WHERE doctor_id = OLD.doctor_id AND patient_id = OLD.patient_id
       AND gram IN (SELECT substr(OLD.name, i, 1) FROM name_positions WHERE i <= length(OLD.name)
                    UNION ALL
                    SELECT substr(OLD.name, i, 2) FROM name_positions WHERE i < length(OLD.name));
END;

-- The name index of migration 0011 was read whole by every search; nothing reads it now.
DROP INDEX doctor_patients_by_name;
