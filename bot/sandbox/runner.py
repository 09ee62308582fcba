"""Run an Application inside an existing event loop (the sandbox and the tests do this)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from telegram import Update
from telegram.ext import Application


@asynccontextmanager
async def serving(application: Application, *, poll_timeout: int = 1) -> AsyncIterator[Application]:
    """Start polling as run_polling would (post_init included) and stop cleanly on exit."""
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
