-- Volunteer applications, second version:
-- * ids are never reused (AUTOINCREMENT): a staff card left from an erased application can never
--   act on someone else's;
-- * `revision` counts every change of a draft, so a button made for an older state is refused;
-- * notifications (staff cards, the applicant's confirmation, replacing erased posts) are written
--   in the same transaction as the change that causes them and delivered by a worker.

CREATE TABLE applications_v2 (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN
                         ('draft', 'submitted', 'contacted', 'accepted', 'declined', 'withdrawn')),
    lang             TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    step             TEXT,                        -- the question being asked now; NULL when none
    selection        TEXT,                        -- ticks of a multi-choice question not yet confirmed (JSON)
    revision         INTEGER NOT NULL DEFAULT 0,  -- +1 on every change; buttons carry it
    confirming       TEXT,                        -- 'cancel' while "cancel the application?" is asked
    consent_version  TEXT,
    consent_at       TEXT,
    full_name        TEXT,
    birth_date       TEXT,
    guardian_consent TEXT,
    phone            TEXT,
    region           TEXT,
    interests        TEXT,
    languages        TEXT,
    availability     TEXT,
    experience       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    submitted_at     TEXT
);
INSERT INTO applications_v2 (id, user_id, status, lang, step, selection, consent_version, consent_at, full_name,
    birth_date, guardian_consent, phone, region, interests, languages, availability, experience, created_at,
    updated_at, submitted_at)
SELECT id, user_id, status, lang, step, selection, consent_version, consent_at, full_name, birth_date,
    guardian_consent, phone, region, interests, languages, availability, experience, created_at, updated_at,
    submitted_at
FROM applications;
DROP TABLE applications;
ALTER TABLE applications_v2 RENAME TO applications;
CREATE UNIQUE INDEX applications_one_open ON applications (user_id)
    WHERE status IN ('draft', 'submitted', 'contacted');
CREATE INDEX applications_status ON applications (status, submitted_at);
CREATE INDEX applications_user ON applications (user_id, status);

-- Messages the bot owes someone because of a change in the database. Rendered when sent, so no
-- personal data is copied here: a card is drawn from its application, which an erasure deletes
-- (and its pending card with it).
CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL CHECK (kind IN ('staff_card', 'text', 'replace_post')),
    chat_id        INTEGER NOT NULL,
    application_id INTEGER REFERENCES applications (id) ON DELETE CASCADE,  -- staff_card only
    message_id     INTEGER,                      -- replace_post: the message to edit
    text_key       TEXT,                         -- text, replace_post: a UI text key
    params         TEXT NOT NULL DEFAULT '{}',   -- JSON: the key's placeholders (ids and statuses, never personal data)
    lang           TEXT,                         -- NULL: the recipient's stored language
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);
CREATE INDEX notifications_pending ON notifications (status, id);
