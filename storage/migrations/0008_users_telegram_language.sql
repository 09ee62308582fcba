-- The language of a person's Telegram app, remembered when they write: messages the bot starts
-- itself (a staff card, an error notice, a status change) come in it until they choose one in /language.
ALTER TABLE users ADD COLUMN telegram_language TEXT CHECK (telegram_language IN ('kk', 'ru', 'en'));
