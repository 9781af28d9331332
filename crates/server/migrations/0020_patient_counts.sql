-- How many patients each doctor has, and how many carry each tag: the patient list's total
-- and the tag list's counts, read from one row instead of counting tens of thousands of
-- index entries on every first page. Kept by triggers in the transaction of each change,
-- so every way of writing the rows (the API, demo data, a bench loader) keeps them exact.

CREATE TABLE patient_counts (
    doctor_id INTEGER PRIMARY KEY REFERENCES accounts(id),
    patients  INTEGER NOT NULL
);
INSERT INTO patient_counts (doctor_id, patients)
SELECT doctor_id, COUNT(*) FROM doctor_patients GROUP BY doctor_id;

CREATE TRIGGER patient_counts_on_insert AFTER INSERT ON doctor_patients
BEGIN
    INSERT INTO patient_counts (doctor_id, patients) VALUES (NEW.doctor_id, 1)
    ON CONFLICT (doctor_id) DO UPDATE SET patients = patients + 1;
END;

CREATE TRIGGER patient_counts_on_delete AFTER DELETE ON doctor_patients
BEGIN
    UPDATE patient_counts SET patients = patients - 1 WHERE doctor_id = OLD.doctor_id;
END;

ALTER TABLE tags ADD COLUMN patients INTEGER NOT NULL DEFAULT 0;
UPDATE tags SET patients = (SELECT COUNT(*) FROM patient_tags pt WHERE pt.tag_id = tags.id);

CREATE TRIGGER tag_counts_on_insert AFTER INSERT ON patient_tags
BEGIN
    UPDATE tags SET patients = patients + 1 WHERE id = NEW.tag_id;
END;

CREATE TRIGGER tag_counts_on_delete AFTER DELETE ON patient_tags
BEGIN
    UPDATE tags SET patients = patients - 1 WHERE id = OLD.tag_id;
END;
