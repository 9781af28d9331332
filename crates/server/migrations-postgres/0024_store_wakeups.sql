-- Several server instances on one PostgreSQL (issue 18). The events table stays the source
-- of truth; these triggers let any instance serve any doctor from it, and keep what the
-- triggers of 0010 store right when two instances write at once. (SQLite needs none of
-- them: one writer, one process. The schema check in tests/postgres_schema.rs knows them.)

-- A doctor's events get their ids in commit order. A stream resumes after the last id it
-- saw; an id taken at INSERT by one transaction could otherwise commit after a larger one
-- that a stream had already read past. Transactions recording events for one doctor take
-- turns from their first event to their commit, and the id is drawn once the turn is held.
CREATE FUNCTION inbox_events_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('events ' || NEW.doctor_id, 0));
    NEW.id := nextval(pg_get_serial_sequence('inbox_events', 'id'));
    RETURN NEW;
END
$$;
CREATE TRIGGER inbox_events_in_order BEFORE INSERT ON inbox_events
    FOR EACH ROW EXECUTE FUNCTION inbox_events_in_order();

-- Wakes the doctor's streams on every instance once the events are committed (a
-- notification is delivered on commit, once per doctor and transaction).
CREATE FUNCTION inbox_events_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('doctor_desk_events', NEW.doctor_id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER inbox_events_wake AFTER INSERT ON inbox_events
    FOR EACH ROW EXECUTE FUNCTION inbox_events_wake();

-- A session that ended (signed out, replaced, purged, its account deleted) ends its
-- streams on every instance.
CREATE FUNCTION sessions_end_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('doctor_desk_sessions', encode(OLD.token_hash, 'hex'));
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_end_wake AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_end_wake();

-- One patient's visits change one transaction at a time. The triggers of 0010 store the
-- patient's next open visit, computed from the visits a statement sees; two transactions
-- (two instances) changing visits of one patient at once could each miss the other's and
-- leave it stale. Each waits here for the other to commit, and then sees its visits.
CREATE FUNCTION follow_ups_one_at_a_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_advisory_xact_lock(
            hashtextextended('visits ' || OLD.doctor_id || ' ' || OLD.patient_id, 0));
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    PERFORM pg_advisory_xact_lock(
        hashtextextended('visits ' || NEW.doctor_id || ' ' || NEW.patient_id, 0));
    RETURN NEW;
END
$$;
CREATE TRIGGER follow_ups_one_at_a_time BEFORE INSERT OR UPDATE OR DELETE ON follow_ups
    FOR EACH ROW EXECUTE FUNCTION follow_ups_one_at_a_time();
