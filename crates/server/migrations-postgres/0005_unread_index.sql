-- PostgreSQL form of the SQLite migration 0005_unread_index.sql (same name, same schema).
-- The inbox shows the total of unread patient messages on every list request; only a
-- few consultations have any, so index just those.
CREATE INDEX consultations_unread ON consultations(doctor_id) WHERE doctor_unread > 0;
