-- Follow-up care after a consultation (诊后随访): plan templates (built-in and each
-- doctor's own), a patient's plans and their visits, and the reminders patients get.

-- doctor_id NULL: a built-in template every doctor sees.
CREATE TABLE follow_up_templates (
    id         INTEGER PRIMARY KEY,
    doctor_id  INTEGER REFERENCES accounts(id),
    name       TEXT    NOT NULL,
    every      INTEGER NOT NULL CHECK (every BETWEEN 1 AND 52),
    unit       TEXT    NOT NULL CHECK (unit IN ('weeks', 'months')),
    visits     INTEGER NOT NULL CHECK (visits BETWEEN 1 AND 12),
    message    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX follow_up_templates_by_doctor ON follow_up_templates(doctor_id, id);

INSERT INTO follow_up_templates (doctor_id, name, every, unit, visits, message, created_at) VALUES
    (NULL, '高血压', 4, 'weeks', 3,
     '请按时复诊：带上近期家庭血压记录（早晚各一次），并告知用药情况和有无头晕等不适。', 0),
    (NULL, '2 型糖尿病', 12, 'weeks', 2,
     '请按时复诊：复查空腹血糖和糖化血红蛋白，带上近期血糖记录，并告知有无低血糖。', 0),
    (NULL, '术后复查', 1, 'months', 3,
     '请按时术后复查：带上出院小结，如伤口红肿、发热或疼痛加重请及时线下就诊。', 0);

CREATE TABLE follow_up_plans (
    id          INTEGER PRIMARY KEY,
    doctor_id   INTEGER NOT NULL REFERENCES accounts(id),
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    -- The template it was made from (kept as made: templates are not edited).
    template_id INTEGER REFERENCES follow_up_templates(id),
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX follow_up_plans_by_patient ON follow_up_plans(doctor_id, patient_id, created_at DESC, id DESC);

-- One visit of a plan. doctor_id and patient_id are the plan's, copied for the lists.
CREATE TABLE follow_ups (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES follow_up_plans(id),
    doctor_id      INTEGER NOT NULL,
    patient_id     INTEGER NOT NULL,
    due_on         TEXT    NOT NULL,   -- China date, YYYY-MM-DD
    message        TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'planned'
                   CHECK (state IN ('planned', 'reminded', 'done', 'missed')),
    reminded_at    INTEGER,            -- the latest reminder
    reminder_count INTEGER NOT NULL DEFAULT 0,
    finished_at    INTEGER,            -- done or missed
    outcome_note   TEXT    NOT NULL DEFAULT ''
);
-- The lists and their counts: one doctor's visits by state and due date.
CREATE INDEX follow_ups_by_doctor ON follow_ups(doctor_id, state, due_on, id);
-- The done list: newest finished first.
CREATE INDEX follow_ups_finished ON follow_ups(doctor_id, finished_at DESC, id DESC)
    WHERE state IN ('done', 'missed');
CREATE INDEX follow_ups_by_plan ON follow_ups(plan_id, due_on, id);
CREATE INDEX follow_ups_by_patient ON follow_ups(doctor_id, patient_id, due_on);
-- The sweep that marks visits missed 7 days after their due date.
CREATE INDEX follow_ups_open ON follow_ups(due_on) WHERE state IN ('planned', 'reminded');

-- What the patient app shows: a visit's reminder, or a doctor's reminder to everyone
-- with one of their tags. Kept as sent.
CREATE TABLE patient_reminders (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patients(id),
    doctor_id    INTEGER NOT NULL REFERENCES accounts(id),
    follow_up_id INTEGER REFERENCES follow_ups(id),
    tag_id       INTEGER,              -- no reference: a tag may be deleted later
    message      TEXT    NOT NULL,
    due_on       TEXT,
    sent_at      INTEGER NOT NULL,
    -- When the SMS went out; NULL when it failed (the app shows the reminder anyway).
    sms_sent_at  INTEGER
);
CREATE INDEX patient_reminders_by_patient ON patient_reminders(patient_id, sent_at DESC, id DESC);
