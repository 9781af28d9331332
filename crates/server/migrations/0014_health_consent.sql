-- The separate consent to process health data (PIPL), withdrawn and given again from
-- 我的协议: an append-only record beside the acceptances. The latest row decides; with no
-- row, the consent given with the privacy policy holds.
CREATE TABLE health_consents (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    given       INTEGER NOT NULL CHECK (given IN (0, 1)),
    at          INTEGER NOT NULL,
    client_ip   TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL
);
CREATE INDEX health_consents_by_account ON health_consents(account_id, id);
CREATE TRIGGER health_consents_no_update BEFORE UPDATE ON health_consents
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
CREATE TRIGGER health_consents_no_delete BEFORE DELETE ON health_consents
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
