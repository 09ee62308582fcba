"""Run an Application inside an existing event loop (the sandbox and the tests do this)."""

from __future__ import annotations

from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, AsyncIterator, Iterator

from telegram import Update
from telegram.ext import Application

if TYPE_CHECKING:
    from bot.sandbox.emulator import TelegramEmulator


@asynccontextmanager
async def serving(
    application: Application, *, poll_timeout: int = 1, emulator: TelegramEmulator | None = None
) -> AsyncIterator[Application]:
    """Start polling as run_polling would (post_init included) and stop cleanly on exit.

    With `emulator` (the one the application talks to), the bot reports each handled update to it, so the
    emulator's waits end exactly when the bot is done instead of after a quiet window.
    """
    with attached(application, emulator):
        await application.initialize()
        try:
            if application.post_init:
                await application.post_init(application)
            await application.updater.start_polling(
                poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )
            await application.start()
            try:
                yield application
            finally:
                if application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
                if application.post_stop:
                    await application.post_stop(application)
        finally:
            await application.shutdown()
            if application.post_shutdown:
                await application.post_shutdown(application)


@contextmanager
def attached(application: Application, emulator: TelegramEmulator | None) -> Iterator[None]:
    """Have the application's update processor tell the emulator when each update is handled.

    Does nothing without an emulator, when the processor has no `on_handled` hook (PTB's own processors), or
    when the application talks to another Bot API server: the emulator then keeps waiting for a quiet window.
    """
    processor = application.update_processor
    if emulator is None or not hasattr(processor, "on_handled") or not emulator.serves(application.bot.base_url):
        yield
        return
    processor.on_handled = emulator.note_handled
    emulator.attach_bot()
    try:
        yield
    finally:
        emulator.detach_bot()
        processor.on_handled = None
