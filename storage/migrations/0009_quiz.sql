-- Quiz rounds played in a private chat or a group, kept so that a round resumes after a restart.
-- Only the Telegram user id (and, in a group, the first name for the score table) is kept about a player;
-- /forget_me deletes their private rounds, their answers and their name.

CREATE TABLE quiz_rounds (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,                -- the player's id in a private chat; a group's id (negative)
    kind        TEXT NOT NULL CHECK (kind IN ('private', 'group')),
    lang        TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
    topic       TEXT NOT NULL,                   -- a file name of content/quiz, or 'mixed'
    position    INTEGER NOT NULL DEFAULT 0,      -- the question being asked now (0-based)
    status      TEXT NOT NULL CHECK (status IN ('playing', 'finished', 'stopped')),
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
-- One round at a time in a chat: a second start cannot make two.
CREATE UNIQUE INDEX quiz_rounds_one_playing ON quiz_rounds (chat_id) WHERE status = 'playing';
CREATE INDEX quiz_rounds_chat ON quiz_rounds (chat_id, id);

-- The questions of a round in the order asked, with the order their options are shown in.
CREATE TABLE quiz_round_questions (
    round_id     INTEGER NOT NULL REFERENCES quiz_rounds (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    question_id  TEXT NOT NULL,
    option_order TEXT NOT NULL,                  -- e.g. '2,0,1': the content's option 2 is shown first
    poll_id      TEXT,                           -- set once the poll is sent
    message_id   INTEGER,
    closes_at    REAL,                           -- group polls: when Telegram closes it (Unix time)
    PRIMARY KEY (round_id, position)
) WITHOUT ROWID;
CREATE UNIQUE INDEX quiz_round_questions_poll ON quiz_round_questions (poll_id);

-- One answer per player and question; `chosen` is the content's option index (not the shown one).
CREATE TABLE quiz_answers (
    round_id    INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    chosen      INTEGER NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (round_id, position, user_id),
    FOREIGN KEY (round_id, position) REFERENCES quiz_round_questions (round_id, position) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX quiz_answers_user ON quiz_answers (user_id);

-- The players of a group round, by first name for its score table.
CREATE TABLE quiz_players (
    round_id    INTEGER NOT NULL REFERENCES quiz_rounds (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    first_name  TEXT NOT NULL,
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;
CREATE INDEX quiz_players_user ON quiz_players (user_id);
