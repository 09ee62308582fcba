-- Staff teach the bot from Telegram: a question it could not answer is attached to an entry as a
-- new phrasing, used by the search at once. The question log remembers which questions are settled.

ALTER TABLE question_log ADD COLUMN resolved TEXT;  -- the entry a question was taught to, or 'none' (dismissed)

CREATE TABLE taught_phrasings (
    id          INTEGER PRIMARY KEY,
    entry_id    TEXT NOT NULL,
    lang        TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    question    TEXT NOT NULL,          -- as asked, personal data masked
    taught_by   INTEGER,                -- the staff member's Telegram id
    created_at  TEXT NOT NULL,
    UNIQUE (entry_id, lang, question)
);
