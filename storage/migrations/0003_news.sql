-- News and alerts: who opted in to what, and a durable outbox of announcements.

-- One row per person who opened their subscription settings; the language is the one they
-- used then (users.language wins once they choose one in /language).
CREATE TABLE subscribers (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    region      TEXT,                                -- a code from content/regions.yaml; NULL: all of Kazakhstan
    language    TEXT NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    updated_at  TEXT NOT NULL
);

-- The topics a person opted in to (no row: not subscribed).
CREATE TABLE subscriptions (
    user_id     INTEGER NOT NULL REFERENCES subscribers (user_id) ON DELETE CASCADE,
    topic       TEXT NOT NULL CHECK (topic IN ('news', 'alerts', 'events', 'trainings')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (topic, user_id)
) WITHOUT ROWID;
CREATE INDEX subscriptions_user ON subscriptions (user_id);

-- An announcement: drafted by staff in Telegram or queued from the command line.
CREATE TABLE broadcasts (
    id            INTEGER PRIMARY KEY,
    topic         TEXT NOT NULL CHECK (topic IN ('news', 'alerts', 'events', 'trainings')),
    lang          TEXT CHECK (lang IN ('kk', 'ru', 'en')),  -- only people using this language; NULL: everyone
    region        TEXT,                                     -- only people in this region (or with none); NULL: everyone
    photo_file_id TEXT,                                     -- sent as a photo with the text as its caption
    author_id     INTEGER,                                  -- the staff member; NULL from the command line
    author_lang   TEXT CHECK (author_lang IN ('kk', 'ru', 'en')),  -- the language of their progress messages
    status        TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'queued', 'sending', 'paused', 'done', 'cancelled')),
    created_at    TEXT NOT NULL,
    scheduled_at  TEXT,                                     -- ISO 8601 UTC; NULL: as soon as possible
    started_at    TEXT,
    finished_at   TEXT,
    total         INTEGER NOT NULL DEFAULT 0,               -- recipients when sending started
    progress_chat_id    INTEGER,                            -- the staff message edited with the progress
    progress_message_id INTEGER
);
CREATE INDEX broadcasts_status ON broadcasts (status, scheduled_at);

-- The text of an announcement per language; 'any' is the version for everyone else.
CREATE TABLE broadcast_texts (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    lang         TEXT NOT NULL CHECK (lang IN ('any', 'kk', 'ru', 'en')),
    text         TEXT NOT NULL,                             -- Telegram HTML, already validated
    PRIMARY KEY (broadcast_id, lang)
) WITHOUT ROWID;

-- One row per recipient, written as each message's result comes back.
CREATE TABLE deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    lang         TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'blocked')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    sent_at      TEXT,
    PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;
CREATE INDEX deliveries_status ON deliveries (broadcast_id, status, user_id);

-- Where a staff member is in the /announce flow, so a restart does not lose it.
CREATE TABLE announce_drafts (
    admin_id     INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    step         TEXT NOT NULL,                             -- text, text:<lang>, audience, preview, schedule
    updated_at   TEXT NOT NULL
);
