-- PostgreSQL form of the SQLite migration 0010_next_follow_up.sql (same name, same schema).
-- My patients by their next follow-up visit, and found by the phone's last 4 digits,
-- without a scan of every patient of mine.

-- The phone search: the few patients (of the whole platform) whose phone ends in those
-- digits, then for each whether they are mine. `patients/list.rs` writes the same
-- expression, `substr(p.phone, -4)`, so SQLite can use it.
-- PG: substr(x, -4) does NOT mean "the last 4" in PostgreSQL (a start before the string
-- just shortens the length; with no length it answers the whole string). right(x, 4) is
-- SQLite's substr(x, -4), also for strings shorter than 4. The query must write
-- `right(p.phone, 4)` for PostgreSQL to use this index.
CREATE INDEX patients_by_phone_tail ON patients(right(phone, 4));

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
-- PG: MIN over TEXT uses the column's collation (the database default unless "C"); for
-- 'YYYY-MM-DD' strings every collation gives SQLite's (binary) order.
-- The one computation every trigger below stores: the patient's earliest open visit.
CREATE FUNCTION doctor_patients_store_next(doctor BIGINT, patient BIGINT) RETURNS void
LANGUAGE sql AS $$
    UPDATE doctor_patients SET next_follow_up = (
        SELECT MIN(f.due_on) FROM follow_ups f
        WHERE f.doctor_id = doctor AND f.patient_id = patient
          AND f.state IN ('planned', 'reminded'))
    WHERE doctor_id = doctor AND patient_id = patient;
$$;
CREATE FUNCTION doctor_patients_next_on_visit_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM doctor_patients_store_next(NEW.doctor_id, NEW.patient_id);
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER doctor_patients_next_on_visit_insert AFTER INSERT ON follow_ups
FOR EACH ROW
WHEN (NEW.state IN ('planned', 'reminded'))
EXECUTE FUNCTION doctor_patients_next_on_visit_insert();

-- A visit reminded, done, missed or moved. Its doctor and patient are its plan's and never
-- change; should they, both the old and the new patient are recomputed.
-- PG: SQLite's `a IS NOT b` is `a IS DISTINCT FROM b`.
CREATE FUNCTION doctor_patients_next_on_visit_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM doctor_patients_store_next(NEW.doctor_id, NEW.patient_id);
    IF OLD.doctor_id IS DISTINCT FROM NEW.doctor_id OR OLD.patient_id IS DISTINCT FROM NEW.patient_id THEN
        PERFORM doctor_patients_store_next(OLD.doctor_id, OLD.patient_id);
    END IF;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER doctor_patients_next_on_visit_update
AFTER UPDATE OF state, due_on, doctor_id, patient_id ON follow_ups
FOR EACH ROW
WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.due_on IS DISTINCT FROM NEW.due_on
  OR OLD.doctor_id IS DISTINCT FROM NEW.doctor_id OR OLD.patient_id IS DISTINCT FROM NEW.patient_id)
EXECUTE FUNCTION doctor_patients_next_on_visit_update();

CREATE FUNCTION doctor_patients_next_on_visit_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM doctor_patients_store_next(OLD.doctor_id, OLD.patient_id);
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER doctor_patients_next_on_visit_delete AFTER DELETE ON follow_ups
FOR EACH ROW
WHEN (OLD.state IN ('planned', 'reminded'))
EXECUTE FUNCTION doctor_patients_next_on_visit_delete();

-- Visits written before the patient's row (a loader, fixtures): the row starts right.
-- PG: a trigger's WHEN cannot hold a subquery in PostgreSQL, so SQLite's
-- `WHEN EXISTS (…)` is the IF at the top of the function (same effect).
CREATE FUNCTION doctor_patients_next_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM follow_ups f
               WHERE f.doctor_id = NEW.doctor_id AND f.patient_id = NEW.patient_id
                 AND f.state IN ('planned', 'reminded')) THEN
        PERFORM doctor_patients_store_next(NEW.doctor_id, NEW.patient_id);
    END IF;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER doctor_patients_next_on_insert AFTER INSERT ON doctor_patients
FOR EACH ROW EXECUTE FUNCTION doctor_patients_next_on_insert();
