-- People who have talked to the bot. No names are kept: only what the bot needs.
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,                 -- Telegram user id
    language    TEXT CHECK (language IN ('kk', 'ru', 'en')),  -- chosen in the bot; NULL until chosen
    first_seen  TEXT NOT NULL,                       -- ISO 8601, UTC
    last_seen   TEXT NOT NULL,
    blocked     INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),  -- the user blocked the bot
    blocked_at  TEXT
);
