-- PostgreSQL form of the SQLite migration 0011_patient_name_search.sql (same name, same schema).
-- Searching my patients by part of the name without reading every one of my patients'
-- rows in `patients`: the name is copied onto my row, and its index (which also holds the
-- id) answers which of mine match from the index alone. `patients/list.rs` searches it.
ALTER TABLE doctor_patients ADD COLUMN name TEXT NOT NULL DEFAULT '';

UPDATE doctor_patients SET name = (
    SELECT p.name FROM patients p WHERE p.id = doctor_patients.patient_id);

CREATE INDEX doctor_patients_by_name ON doctor_patients(doctor_id, name, patient_id);

-- Every way a patient becomes mine (the consultation triggers, demo data, a bench loader)
-- inserts the row without the name; it is filled in here, so none of them can forget it.
CREATE FUNCTION doctor_patients_name_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE doctor_patients SET name = (SELECT p.name FROM patients p WHERE p.id = NEW.patient_id)
    WHERE doctor_id = NEW.doctor_id AND patient_id = NEW.patient_id;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER doctor_patients_name_on_insert AFTER INSERT ON doctor_patients
FOR EACH ROW EXECUTE FUNCTION doctor_patients_name_on_insert();

-- No endpoint renames a patient today; should anything do so, every doctor's copy follows.
-- (No index leads with patient_id, so this reads all of doctor_patients: fine for a rare
-- correction, not worth an index kept up on every new patient.)
CREATE FUNCTION doctor_patients_name_on_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE doctor_patients SET name = NEW.name WHERE patient_id = NEW.id;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER doctor_patients_name_on_rename AFTER UPDATE OF name ON patients
FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION doctor_patients_name_on_rename();
