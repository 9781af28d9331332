-- How many consultations each doctor has in each inbox tab: the list's tab bar, read from
-- one row instead of counting the doctor's whole history (closed ones pile up for years)
-- on every list. Kept by triggers in the transaction of each change, as patient_counts.
-- The tabs: new; ongoing; closed (closed and declined).

CREATE TABLE inbox_counts (
    doctor_id INTEGER PRIMARY KEY REFERENCES accounts(id),
    new       INTEGER NOT NULL DEFAULT 0,
    ongoing   INTEGER NOT NULL DEFAULT 0,
    closed    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO inbox_counts (doctor_id, new, ongoing, closed)
SELECT doctor_id, SUM(status = 'new'), SUM(status = 'ongoing'),
       SUM(status NOT IN ('new', 'ongoing'))
  FROM consultations GROUP BY doctor_id;

CREATE TRIGGER inbox_counts_on_insert AFTER INSERT ON consultations
BEGIN
    INSERT INTO inbox_counts (doctor_id, new, ongoing, closed)
    VALUES (NEW.doctor_id, NEW.status = 'new', NEW.status = 'ongoing',
            NEW.status NOT IN ('new', 'ongoing'))
    ON CONFLICT (doctor_id) DO UPDATE SET
        new = new + excluded.new,
        ongoing = ongoing + excluded.ongoing,
        closed = closed + excluded.closed;
END;

CREATE TRIGGER inbox_counts_on_update AFTER UPDATE OF status, doctor_id ON consultations
WHEN OLD.status IS NOT NEW.status OR OLD.doctor_id IS NOT NEW.doctor_id
BEGIN
    UPDATE inbox_counts SET
        new = new - (OLD.status = 'new'),
        ongoing = ongoing - (OLD.status = 'ongoing'),
        closed = closed - (OLD.status NOT IN ('new', 'ongoing'))
    WHERE doctor_id = OLD.doctor_id;
    INSERT INTO inbox_counts (doctor_id, new, ongoing, closed)
    VALUES (NEW.doctor_id, NEW.status = 'new', NEW.status = 'ongoing',
            NEW.status NOT IN ('new', 'ongoing'))
    ON CONFLICT (doctor_id) DO UPDATE SET
        new = new + excluded.new,
        ongoing = ongoing + excluded.ongoing,
        closed = closed + excluded.closed;
END;

CREATE TRIGGER inbox_counts_on_delete AFTER DELETE ON consultations
BEGIN
    UPDATE inbox_counts SET
        new = new - (OLD.status = 'new'),
        ongoing = ongoing - (OLD.status = 'ongoing'),
        closed = closed - (OLD.status NOT IN ('new', 'ongoing'))
    WHERE doctor_id = OLD.doctor_id;
END;
