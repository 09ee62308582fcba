"""Crash points for the tests of what survives a kill -9: inactive unless BOT_CRASH_AT names one.

A test starts the bot as a separate process with BOT_CRASH_AT=<point>; the process then kills
itself with SIGKILL at exactly that moment (no timing guesswork), and the test restarts it.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    """Die here, as by kill -9, when BOT_CRASH_AT is `name`."""
    if os.environ.get("BOT_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
