-- News, second version:
-- * a draft is not a broadcast: it lives in announcement_drafts until staff send or schedule it,
--   and only then gets a number (abandoned drafts no longer show in /broadcasts or use up numbers);
-- * alerts: several regions, a "valid until" time, loud or quiet, Telegram's paid broadcast;
-- * deliveries can expire (an alert not delivered before its valid-until time is not sent late).

CREATE TABLE broadcasts_v2 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    topic         TEXT NOT NULL CHECK (topic IN ('news', 'alerts', 'events', 'trainings')),
    lang          TEXT CHECK (lang IN ('kk', 'ru', 'en')),      -- only people using this language; NULL: everyone
    regions       TEXT,                                         -- JSON list of region codes; NULL: all of Kazakhstan
    photo_file_id TEXT,
    author_id     INTEGER,                                      -- the staff member; NULL from the command line
    author_lang   TEXT CHECK (author_lang IN ('kk', 'ru', 'en')),
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'queued', 'sending', 'paused', 'done', 'cancelled')),
    priority      INTEGER NOT NULL DEFAULT 0,                   -- alerts 1: served before everything else
    quiet         INTEGER NOT NULL DEFAULT 1 CHECK (quiet IN (0, 1)),  -- sent with disable_notification
    paid          INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),   -- Telegram's paid broadcast (allow_paid_broadcast)
    valid_until   TEXT,                                         -- ISO UTC; recipients not reached by then are skipped
    created_at    TEXT NOT NULL,
    scheduled_at  TEXT,
    started_at    TEXT,
    finished_at   TEXT,
    total         INTEGER NOT NULL DEFAULT 0,
    progress_chat_id    INTEGER,
    progress_message_id INTEGER
);
INSERT INTO broadcasts_v2 (id, topic, lang, regions, photo_file_id, author_id, author_lang, status, priority, quiet,
    created_at, scheduled_at, started_at, finished_at, total, progress_chat_id, progress_message_id)
SELECT id, topic, lang, CASE WHEN region IS NULL THEN NULL ELSE json_array(region) END, photo_file_id, author_id,
    author_lang, status, topic = 'alerts', topic != 'alerts', created_at, scheduled_at, started_at, finished_at, total,
    progress_chat_id, progress_message_id
FROM broadcasts WHERE status != 'draft';

CREATE TABLE broadcast_texts_v2 (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts_v2 (id) ON DELETE CASCADE,
    lang         TEXT NOT NULL CHECK (lang IN ('any', 'kk', 'ru', 'en')),
    text         TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, lang)
) WITHOUT ROWID;
INSERT INTO broadcast_texts_v2 SELECT t.* FROM broadcast_texts t JOIN broadcasts_v2 b ON b.id = t.broadcast_id;

CREATE TABLE deliveries_v2 (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts_v2 (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    lang         TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'expired')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    sent_at      TEXT,
    PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;
INSERT INTO deliveries_v2 SELECT d.* FROM deliveries d JOIN broadcasts_v2 b ON b.id = d.broadcast_id;

DROP TABLE announce_drafts;
DROP TABLE deliveries;
DROP TABLE broadcast_texts;
DROP TABLE broadcasts;
ALTER TABLE broadcasts_v2 RENAME TO broadcasts;
ALTER TABLE broadcast_texts_v2 RENAME TO broadcast_texts;
ALTER TABLE deliveries_v2 RENAME TO deliveries;
CREATE INDEX broadcasts_status ON broadcasts (status, priority, scheduled_at);
CREATE INDEX deliveries_status ON deliveries (broadcast_id, status, user_id);

-- What a staff member is writing in /announce, until they send or schedule it (one per person).
CREATE TABLE announcement_drafts (
    admin_id      INTEGER PRIMARY KEY,
    step          TEXT NOT NULL,                 -- what the bot waits for: text, text:<lang>, audience, preview, schedule, valid_until
    texts         TEXT NOT NULL DEFAULT '{}',    -- JSON: language ('any', kk, ru, en) -> Telegram HTML
    photo_file_id TEXT,
    topic         TEXT NOT NULL DEFAULT 'news' CHECK (topic IN ('news', 'alerts', 'events', 'trainings')),
    lang          TEXT CHECK (lang IN ('kk', 'ru', 'en')),
    regions       TEXT,                          -- JSON list; NULL: all of Kazakhstan
    quiet         INTEGER,                       -- NULL: the topic's default (alerts ring, the rest are quiet)
    paid          INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    valid_until   TEXT,                          -- alerts: ISO UTC; NULL: the default from the moment it is sent
    updated_at    TEXT NOT NULL
);
