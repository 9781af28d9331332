-- Posts: health-education articles, answers to patients' public questions and
-- announcements. A post is one working copy the doctor edits (with a version that each
-- save raises, so a stale save is refused) plus the revisions submitted for review; the
-- approved one the public page shows is `published_revision_id`.

-- Patients' public questions, which doctors answer with posts of kind 'answer'.
CREATE TABLE questions (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    text       TEXT    NOT NULL,
    department TEXT,
    asked_at   INTEGER NOT NULL,
    closed_at  INTEGER            -- no longer open for answers (NULL: open)
);
-- GET /questions: the open ones, newest first.
CREATE INDEX questions_open ON questions(asked_at DESC, id DESC) WHERE closed_at IS NULL;

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    doctor_id     INTEGER NOT NULL REFERENCES accounts(id),
    -- The working copy.
    kind          TEXT    NOT NULL CHECK (kind IN ('article', 'answer', 'announcement')),
    question_id   INTEGER REFERENCES questions(id),
    title         TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL DEFAULT '',
    cover         TEXT,                           -- /p/img/{file id}, an image of this post
    ai_assisted   INTEGER NOT NULL DEFAULT 0,
    kept_warnings TEXT    NOT NULL DEFAULT '[]',  -- JSON array of finding keys
    version       INTEGER NOT NULL DEFAULT 1,
    status        TEXT    NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'in_review', 'rejected', 'published', 'withdrawn')),
    -- The refusal of the last submission; cleared by the next one.
    rejection_reason TEXT,
    rejection_note   TEXT NOT NULL DEFAULT '',
    rejected_at      INTEGER,
    -- The public side: set by the first approval, kept from then on (the slug too).
    slug                  TEXT UNIQUE,
    published_revision_id INTEGER REFERENCES post_revisions(id),
    published_at          INTEGER,   -- first publication
    public_updated_at     INTEGER,   -- approval of the revision shown
    withdrawn_at          INTEGER,   -- the doctor took the public page down (410)
    views                 INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,  -- the last save of the working copy
    deleted_at    INTEGER            -- deleted: gone everywhere, its public page 410
);
-- My posts, newest save first; the tab counts read the same range.
CREATE INDEX posts_by_doctor ON posts(doctor_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL;

-- A snapshot of the working copy as submitted, and the hospital's decision on it. Never
-- changed after the decision: the public page shows exactly what was approved.
CREATE TABLE post_revisions (
    id            INTEGER PRIMARY KEY,
    post_id       INTEGER NOT NULL REFERENCES posts(id),
    version       INTEGER NOT NULL,  -- the working copy's version it was taken from
    kind          TEXT    NOT NULL,
    question_id   INTEGER REFERENCES questions(id),
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    html          TEXT    NOT NULL,  -- rendered and sanitised at submission
    cover         TEXT,
    ai_assisted   INTEGER NOT NULL,
    findings      TEXT    NOT NULL,  -- JSON: the server's compliance findings
    kept_warnings TEXT    NOT NULL,  -- JSON: the keys of those the doctor kept
    submitted_at  INTEGER NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'in_review'
                  CHECK (state IN ('in_review', 'approved', 'rejected', 'withdrawn')),
    decided_at    INTEGER,           -- approved, rejected or withdrawn
    decided_by    INTEGER REFERENCES accounts(id),
    reason        TEXT,
    note          TEXT    NOT NULL DEFAULT ''
);
-- One submission in review per post, whatever races.
CREATE UNIQUE INDEX post_revisions_pending ON post_revisions(post_id) WHERE state = 'in_review';
-- The reviewers' queue, oldest first.
CREATE INDEX post_revisions_queue ON post_revisions(submitted_at, id) WHERE state = 'in_review';
-- Published answers to a question.
CREATE INDEX post_revisions_by_question ON post_revisions(question_id) WHERE question_id IS NOT NULL;

-- Images uploaded for a post, served publicly at /p/img/{file_id} (the files row holds
-- the content type; the name is random, so unguessable).
CREATE TABLE post_images (
    file_id    TEXT    PRIMARY KEY REFERENCES files(id),
    post_id    INTEGER NOT NULL REFERENCES posts(id),
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX post_images_by_post ON post_images(post_id);
