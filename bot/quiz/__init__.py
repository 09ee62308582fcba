"""The IHL and Movement quiz on Telegram's quiz polls: its questions, read from content/quiz."""
