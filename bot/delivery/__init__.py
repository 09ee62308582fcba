"""Sending what the services decided: a Telegram-free courier interface, its Telegram adapter, the notice outbox worker."""
