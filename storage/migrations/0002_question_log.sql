-- What staff need to improve the knowledge base: questions the bot could not answer and
-- votes on its answers. No user id and no name are stored, only the text and its language.
CREATE TABLE question_log (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('unknown', 'unsure', 'like', 'dislike')),
    question    TEXT,                    -- what was asked (NULL for a 👍, which needs no text)
    lang        TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    entry_id    TEXT,                    -- the entry the vote is about
    created_at  TEXT NOT NULL
);
CREATE INDEX question_log_kind ON question_log (kind, created_at);
