-- Volunteer applications. A draft is written answer by answer, so nothing a person typed is
-- lost when they leave or the bot restarts; the same row becomes the submitted application.
CREATE TABLE applications (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL,            -- Telegram user id of the applicant
    status           TEXT NOT NULL CHECK (status IN
                         ('draft', 'submitted', 'contacted', 'accepted', 'declined', 'withdrawn')),
    lang             TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    step             TEXT,                        -- the question being asked now; NULL when none
    selection        TEXT,                        -- ticks of a multi-choice question not yet confirmed
    consent_version  TEXT,                        -- version of the personal-data consent text agreed to
    consent_at       TEXT,                        -- when it was agreed to (ISO 8601, UTC)
    full_name        TEXT,
    birth_date       TEXT,                        -- ISO date
    guardian_consent TEXT,                        -- when a minor confirmed a parent's or guardian's consent
    phone            TEXT,                        -- E.164
    region           TEXT,                        -- id from content/regions.yaml
    interests        TEXT,                        -- comma-separated option ids
    languages        TEXT,
    availability     TEXT,
    experience       TEXT,                        -- '' when skipped
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    submitted_at     TEXT
);
-- One application in progress or under review per person: a second Submit cannot make two.
CREATE UNIQUE INDEX applications_one_open ON applications (user_id)
    WHERE status IN ('draft', 'submitted', 'contacted');
CREATE INDEX applications_status ON applications (status, submitted_at);
-- Every private message checks whether its sender is in the form.
CREATE INDEX applications_user ON applications (user_id, status);

-- Every status change: who made it and when.
CREATE TABLE application_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    status         TEXT NOT NULL,
    actor          TEXT NOT NULL CHECK (actor IN ('applicant', 'staff')),
    actor_id       INTEGER,                       -- Telegram user id of whoever made the change
    at             TEXT NOT NULL
);
CREATE INDEX application_events_app ON application_events (application_id, id);

-- Where an application was posted for staff, so the post can be updated or its data removed.
CREATE TABLE application_posts (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    chat_id        INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX application_posts_app ON application_posts (application_id);
