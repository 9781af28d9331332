-- PostgreSQL form of the SQLite migration 0022_inbox_counts.sql (same name, same schema).
-- How many consultations each doctor has in each inbox tab: the list's tab bar, read from
-- one row instead of counting the doctor's whole history (closed ones pile up for years)
-- on every list. Kept by triggers in the transaction of each change, as patient_counts.
-- The tabs: new; ongoing; closed (closed and declined).

CREATE TABLE inbox_counts (
    -- PG: a rowid alias in SQLite, so an identity column by the translation rule; the value
    -- is always the doctor's account id in practice.
    doctor_id BIGINT  PRIMARY KEY REFERENCES accounts(id),
    new       BIGINT  NOT NULL DEFAULT 0,
    ongoing   BIGINT  NOT NULL DEFAULT 0,
    closed    BIGINT  NOT NULL DEFAULT 0
);
-- PG: SQLite sums the 0/1 of a comparison; PostgreSQL sums a CASE (SUM of integer is bigint).
INSERT INTO inbox_counts (doctor_id, new, ongoing, closed)
SELECT doctor_id, SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'ongoing' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status NOT IN ('new', 'ongoing') THEN 1 ELSE 0 END)
  FROM consultations GROUP BY doctor_id;

-- PG: a comparison used as 0/1 is cast, (… = …)::int. Inside these PL/pgSQL functions a
-- bare `new` would be the NEW row, not the column, so the column is always written
-- inbox_counts.new (or excluded.new); SET targets and the column list may stay bare.
CREATE FUNCTION inbox_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inbox_counts (doctor_id, new, ongoing, closed)
    VALUES (NEW.doctor_id, (NEW.status = 'new')::int, (NEW.status = 'ongoing')::int,
            (NEW.status NOT IN ('new', 'ongoing'))::int)
    ON CONFLICT (doctor_id) DO UPDATE SET
        new = inbox_counts.new + excluded.new,
        ongoing = inbox_counts.ongoing + excluded.ongoing,
        closed = inbox_counts.closed + excluded.closed;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER inbox_counts_on_insert AFTER INSERT ON consultations
FOR EACH ROW EXECUTE FUNCTION inbox_counts_on_insert();

CREATE FUNCTION inbox_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE inbox_counts SET
        new = inbox_counts.new - (OLD.status = 'new')::int,
        ongoing = inbox_counts.ongoing - (OLD.status = 'ongoing')::int,
        closed = inbox_counts.closed - (OLD.status NOT IN ('new', 'ongoing'))::int
    WHERE doctor_id = OLD.doctor_id;
    INSERT INTO inbox_counts (doctor_id, new, ongoing, closed)
    VALUES (NEW.doctor_id, (NEW.status = 'new')::int, (NEW.status = 'ongoing')::int,
            (NEW.status NOT IN ('new', 'ongoing'))::int)
    ON CONFLICT (doctor_id) DO UPDATE SET
        new = inbox_counts.new + excluded.new,
        ongoing = inbox_counts.ongoing + excluded.ongoing,
        closed = inbox_counts.closed + excluded.closed;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER inbox_counts_on_update AFTER UPDATE OF status, doctor_id ON consultations
FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.doctor_id IS DISTINCT FROM NEW.doctor_id)
EXECUTE FUNCTION inbox_counts_on_update();

CREATE FUNCTION inbox_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE inbox_counts SET
        new = inbox_counts.new - (OLD.status = 'new')::int,
        ongoing = inbox_counts.ongoing - (OLD.status = 'ongoing')::int,
        closed = inbox_counts.closed - (OLD.status NOT IN ('new', 'ongoing'))::int
    WHERE doctor_id = OLD.doctor_id;
    RETURN NULL;  -- AFTER trigger: the value is ignored
END;
$$;
CREATE TRIGGER inbox_counts_on_delete AFTER DELETE ON consultations
FOR EACH ROW EXECUTE FUNCTION inbox_counts_on_delete();
