"""python-telegram-bot's rate limiter sharing the SendBudget: every call the bot makes is paced here.

Answers to people wait their turn in the budget and are retried after a RetryAfter as often as
Telegram asks (they are never dropped); groups keep under Telegram's 20 messages a minute.
"""

from __future__ import annotations

import datetime as dtm
import logging
import warnings
from typing import Any, Callable, Coroutine

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.delivery.budget import SendBudget

log = logging.getLogger(__name__)
# The calls Telegram's flood control counts: each one produces or changes a message.
_COUNTED_PREFIXES = ("send", "edit", "copy", "forward")
# Telegram allows about 20 messages a minute in one group; keep one spare.
GROUP_MESSAGES_PER_MINUTE = 19
# A reply is retried after RetryAfter this many times at most (each after the wait Telegram
# asked for): in practice forever, but a server that never recovers must not hang a handler.
REPLY_RETRIES = 100


class PacedSend:
    """Marker passed as rate_limit_args by a worker that paced the call itself and handles RetryAfter."""


PACED = PacedSend()


def retry_seconds(exc: RetryAfter) -> float:
    """The seconds Telegram asked to wait (PTB gives an int or a timedelta, with a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def is_counted(endpoint: str) -> bool:
    """Tell whether Telegram counts this API method against the flood limit."""
    return endpoint.startswith(_COUNTED_PREFIXES) and endpoint != "sendChatAction"


class BudgetedRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (group limits) for every call; message calls also share the SendBudget.

    Paced calls (rate_limit_args=PACED) skip it: their worker paced them and handles RetryAfter
    itself. (AIORateLimiter would otherwise retry them on its own, and `rate_limit_args=0`
    cannot turn that off: it falls back to max_retries.)
    """

    def __init__(self, budget: SendBudget) -> None:
        # The overall pace is the budget's; AIORateLimiter keeps only the per-group limit.
        super().__init__(overall_max_rate=0, group_max_rate=GROUP_MESSAGES_PER_MINUTE, group_time_period=60,
                         max_retries=REPLY_RETRIES)
        self.budget = budget

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        """Pace the call, and close the shared gate when Telegram answers RetryAfter."""
        if rate_limit_args is PACED:
            return await callback(*args, **kwargs)
        if not is_counted(endpoint):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        budget = self.budget

        async def counted(*a: Any, **kw: Any) -> Any:
            sending = await budget.for_answer()
            try:
                return await callback(*a, **kw)
            except RetryAfter as exc:
                budget.close_for(retry_seconds(exc))
                log.info("Telegram asked to wait %.0f s; the reply waits and is sent then", retry_seconds(exc))
                raise
            finally:
                budget.sent(sending)

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
