-- PostgreSQL form of the SQLite migration 0020_patient_counts.sql (same name, same schema).
-- How many patients each doctor has, and how many carry each tag: the patient list's total
-- and the tag list's counts, read from one row instead of counting tens of thousands of
-- index entries on every first page. Kept by triggers in the transaction of each change,
-- so every way of writing the rows (the API, demo data, a bench loader) keeps them exact.

CREATE TABLE patient_counts (
    -- PG: a rowid alias in SQLite, so an identity column by the translation rule; the value
    -- is always the doctor's account id in practice.
    doctor_id BIGINT  PRIMARY KEY REFERENCES accounts(id),
    patients  BIGINT  NOT NULL
);
INSERT INTO patient_counts (doctor_id, patients)
SELECT doctor_id, COUNT(*) FROM doctor_patients GROUP BY doctor_id;

-- PG: in ON CONFLICT … DO UPDATE the existing row's column is written qualified
-- (patient_counts.patients), as PostgreSQL would find a bare name ambiguous with EXCLUDED.
CREATE FUNCTION patient_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO patient_counts (doctor_id, patients) VALUES (NEW.doctor_id, 1)
    ON CONFLICT (doctor_id) DO UPDATE SET patients = patient_counts.patients + 1;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER patient_counts_on_insert AFTER INSERT ON doctor_patients
FOR EACH ROW EXECUTE FUNCTION patient_counts_on_insert();

CREATE FUNCTION patient_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE patient_counts SET patients = patients - 1 WHERE doctor_id = OLD.doctor_id;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER patient_counts_on_delete AFTER DELETE ON doctor_patients
FOR EACH ROW EXECUTE FUNCTION patient_counts_on_delete();

ALTER TABLE tags ADD COLUMN patients BIGINT NOT NULL DEFAULT 0;
UPDATE tags SET patients = (SELECT COUNT(*) FROM patient_tags pt WHERE pt.tag_id = tags.id);

CREATE FUNCTION tag_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tags SET patients = patients + 1 WHERE id = NEW.tag_id;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER tag_counts_on_insert AFTER INSERT ON patient_tags
FOR EACH ROW EXECUTE FUNCTION tag_counts_on_insert();

CREATE FUNCTION tag_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tags SET patients = patients - 1 WHERE id = OLD.tag_id;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER tag_counts_on_delete AFTER DELETE ON patient_tags
FOR EACH ROW EXECUTE FUNCTION tag_counts_on_delete();
