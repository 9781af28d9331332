-- My patients by their next follow-up visit, and found by the phone's last 4 digits,
-- without a scan of every patient of mine.

-- The phone search: the few patients (of the whole platform) whose phone ends in those
-- digits, then for each whether they are mine. `patients/list.rs` writes the same
-- expression, `substr(p.phone, -4)`, so SQLite can use it.
CREATE INDEX patients_by_phone_tail ON patients(substr(phone, -4));

-- The due date (China, YYYY-MM-DD) of the patient's earliest open (planned or reminded)
-- visit of one of my plans; NULL when there is none. Kept by the triggers below, so every
-- way a visit is planned, reminded, finished or swept agrees, like doctor_patients itself.
ALTER TABLE doctor_patients ADD COLUMN next_follow_up TEXT;

UPDATE doctor_patients SET next_follow_up = (
    SELECT MIN(f.due_on) FROM follow_ups f
    WHERE f.doctor_id = doctor_patients.doctor_id AND f.patient_id = doctor_patients.patient_id
      AND f.state IN ('planned', 'reminded'));

-- `sort=next_follow_up` reads two ranges in turn: the patients with an open visit, soonest
-- first (then by id), and after them the patients without one, by last consultation like
-- the default order.
CREATE INDEX doctor_patients_by_next_follow_up
    ON doctor_patients(doctor_id, next_follow_up, patient_id)
    WHERE next_follow_up IS NOT NULL;
-- (next_follow_up, always NULL here, makes the index answer `next_follow_up IS NULL` by
-- itself, so a page's ids are read from the index alone.)
CREATE INDEX doctor_patients_without_follow_up
    ON doctor_patients(doctor_id, last_consultation_at DESC, patient_id DESC, next_follow_up)
    WHERE next_follow_up IS NULL;

-- Each trigger computes the value afresh from the patient's visits (a few rows, read by
-- follow_ups_by_patient), so no order of changes can leave it stale.
CREATE TRIGGER doctor_patients_next_on_visit_insert AFTER INSERT ON follow_ups
WHEN NEW.state IN ('planned', 'reminded')
BEGIN
    UPDATE doctor_patients SET next_follow_up = (
        SELECT MIN(f.due_on) FROM follow_ups f
        WHERE f.doctor_id = NEW.doctor_id AND f.patient_id = NEW.patient_id
          AND f.state IN ('planned', 'reminded'))
    WHERE doctor_id = NEW.doctor_id AND patient_id = NEW.patient_id;
END;

-- A visit reminded, done, missed or moved. Its doctor and patient are its plan's and never
-- change; should they, both the old and the new patient are recomputed.
CREATE TRIGGER doctor_patients_next_on_visit_update
AFTER UPDATE OF state, due_on, doctor_id, patient_id ON follow_ups
WHEN OLD.state IS NOT NEW.state OR OLD.due_on IS NOT NEW.due_on
  OR OLD.doctor_id IS NOT NEW.doctor_id OR OLD.patient_id IS NOT NEW.patient_id
BEGIN
    UPDATE doctor_patients SET next_follow_up = (
        SELECT MIN(f.due_on) FROM follow_ups f
        WHERE f.doctor_id = NEW.doctor_id AND f.patient_id = NEW.patient_id
          AND f.state IN ('planned', 'reminded'))
    WHERE doctor_id = NEW.doctor_id AND patient_id = NEW.patient_id;
    UPDATE doctor_patients SET next_follow_up = (
        SELECT MIN(f.due_on) FROM follow_ups f
        WHERE f.doctor_id = OLD.doctor_id AND f.patient_id = OLD.patient_id
          AND f.state IN ('planned', 'reminded'))
    WHERE doctor_id = OLD.doctor_id AND patient_id = OLD.patient_id
      AND (OLD.doctor_id IS NOT NEW.doctor_id OR OLD.patient_id IS NOT NEW.patient_id);
END;

CREATE TRIGGER doctor_patients_next_on_visit_delete AFTER DELETE ON follow_ups
WHEN OLD.state IN ('planned', 'reminded')
BEGIN
    UPDATE doctor_patients SET next_follow_up = (
        SELECT MIN(f.due_on) FROM follow_ups f
        WHERE f.doctor_id = OLD.doctor_id AND f.patient_id = OLD.patient_id
          AND f.state IN ('planned', 'reminded'))
    WHERE doctor_id = OLD.doctor_id AND patient_id = OLD.patient_id;
END;

-- Visits written before the patient's row (a loader, fixtures): the row starts right.
CREATE TRIGGER doctor_patients_next_on_insert AFTER INSERT ON doctor_patients
WHEN EXISTS (SELECT 1 FROM follow_ups f
             WHERE f.doctor_id = NEW.doctor_id AND f.patient_id = NEW.patient_id
               AND f.state IN ('planned', 'reminded'))
BEGIN
    UPDATE doctor_patients SET next_follow_up = (
        SELECT MIN(f.due_on) FROM follow_ups f
        WHERE f.doctor_id = NEW.doctor_id AND f.patient_id = NEW.patient_id
          AND f.state IN ('planned', 'reminded'))
    WHERE doctor_id = NEW.doctor_id AND patient_id = NEW.patient_id;
END;
