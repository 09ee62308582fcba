"""Webhook mode: setWebhook, deleteWebhook, getWebhookInfo, and the delivery of updates to the bot's URL.

Real Telegram requires an https URL on port 443, 80, 88 or 8443. The emulator also accepts http and any port, but
only for a loopback host (127.0.0.0/8, localhost, ::1), as a self-hosted Bot API server in --local mode does; in
production a TLS-terminating proxy sits in front of the bot. Other hosts are refused: the emulator never sends
anything off this machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from typing import Any, Callable
from urllib.parse import urlsplit

import aiohttp

from bot.sandbox.emulator_spec import bad_request
from bot.sandbox.emulator_state import TelegramState, update_kind

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_PORTS = frozenset({80, 88, 443, 8443})
DEFAULT_MAX_CONNECTIONS = 40
# Retries of a failed delivery: short, because the bot under test is on this machine.
FIRST_RETRY_DELAY = 0.05
LONGEST_RETRY_DELAY = 1.0
DELIVERY_TIMEOUT = 30.0
_SECRET = re.compile(r"[A-Za-z0-9_-]*")


class Webhook:
    """Telegram's side of a webhook: its settings and a task that POSTs pending updates to the URL."""

    def __init__(self, state: TelegramState, on_change: Callable[[], None]) -> None:
        self.state = state
        self._on_change = on_change  # wakes getUpdates (now refused) and the waits on delivered updates
        self.url = ""
        self.secret_token = ""
        self.max_connections = DEFAULT_MAX_CONNECTIONS
        self.ip_address: str | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    @property
    def active(self) -> bool:
        """A webhook is set: getUpdates is refused and updates go to the URL."""
        return bool(self.url)

    def wake(self) -> None:
        """New updates may be waiting."""
        self._wake.set()

    # --- the API methods -----------------------------------------------------------------------

    async def set_webhook(self, p: dict[str, Any]) -> bool:
        """setWebhook (an empty url removes the webhook)."""
        url = p.get("url") or ""
        if not url:
            return await self.delete_webhook(p)
        secret = p.get("secret_token") or ""
        _check_url(url)
        if len(secret) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        await self._stop()
        if p.get("drop_pending_updates"):
            self.state.drop_pending()
        if "allowed_updates" in p:
            self.state.allowed_updates = frozenset(p["allowed_updates"]) or None
        self.url = url
        self.secret_token = secret
        # Telegram clamps max_connections into 1-100 rather than refusing it.
        self.max_connections = min(max(p.get("max_connections", DEFAULT_MAX_CONNECTIONS), 1), 100)
        self.ip_address = p.get("ip_address")
        self.last_error_date = self.last_error_message = None
        self._task = asyncio.create_task(self._deliver(), name="emulator-webhook")
        self._on_change()
        return True

    async def delete_webhook(self, p: dict[str, Any]) -> bool:
        """deleteWebhook: back to getUpdates; may drop pending updates."""
        await self._stop()
        self.url = ""
        self.secret_token = ""
        self.ip_address = None
        if p.get("drop_pending_updates"):
            self.state.drop_pending()
        self._on_change()
        return True

    def get_webhook_info(self, p: dict[str, Any]) -> dict:
        """getWebhookInfo."""
        self.state.discard_unwanted()
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.pending),
        }
        if self.active:
            info["max_connections"] = self.max_connections
            if self.ip_address:
                info["ip_address"] = self.ip_address
            if self.state.allowed_updates is not None:
                info["allowed_updates"] = sorted(self.state.allowed_updates)
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def close(self) -> None:
        """Stop delivering (the emulator is stopping)."""
        await self._stop()

    # --- delivery ------------------------------------------------------------------------------

    async def _stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _deliver(self) -> None:
        """Start a delivery for each pending update whose chat has none on its way, up to max_connections."""
        in_flight: dict[int, asyncio.Task] = {}
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                while True:
                    self._wake.clear()
                    self.state.discard_unwanted()
                    waiting_chats: set[tuple] = set()
                    for update in self.state.pending:
                        key = _order_key(update)
                        if key in waiting_chats:
                            continue  # an earlier update of this chat goes first
                        waiting_chats.add(key)
                        update_id = update["update_id"]
                        if update_id not in in_flight and len(in_flight) < self.max_connections:
                            in_flight[update_id] = asyncio.create_task(self._deliver_one(session, update))
                            in_flight[update_id].add_done_callback(lambda _, u=update_id: self._done(in_flight, u))
                    await self._wake.wait()
            finally:
                for task in in_flight.values():
                    task.cancel()
                await asyncio.gather(*in_flight.values(), return_exceptions=True)

    def _done(self, in_flight: dict[int, asyncio.Task], update_id: int) -> None:
        in_flight.pop(update_id, None)
        self._wake.set()

    async def _deliver_one(self, session: aiohttp.ClientSession, update: dict) -> None:
        """POST one update until the bot accepts it (any 2xx answer), retrying with a growing delay."""
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        delay = FIRST_RETRY_DELAY
        while True:
            error = await self._post(session, update, headers)
            if error is None:
                self.state.mark_delivered(update["update_id"])
                self._on_change()
                return
            self.last_error_date = int(time.time())
            self.last_error_message = error
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_DELAY)

    async def _post(self, session: aiohttp.ClientSession, update: dict, headers: dict[str, str]) -> str | None:
        """Deliver once; None on success, else the error as getWebhookInfo reports it."""
        try:
            async with session.post(self.url, json=update, headers=headers, ssl=False) as response:
                await response.read()
                if 200 <= response.status <= 299:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except (TimeoutError, asyncio.TimeoutError):
            return "Timeout expired"
        except aiohttp.ClientError:
            return "Webhook connection closed"


def _check_url(url: str) -> None:
    """Telegram's checks of a webhook URL, with the emulator's exception for loopback hosts."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    try:
        port = parts.port
    except ValueError:
        raise bad_request("invalid webhook URL specified") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("invalid webhook URL specified")
    if _is_loopback(parts.hostname):
        return  # like a --local Bot API server: http and any port
    if parts.scheme == "http":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (port or 443) not in TELEGRAM_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    raise bad_request("bad webhook: the emulator delivers webhooks only to 127.0.0.1 or localhost")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _order_key(update: dict) -> tuple:
    """Updates with the same key are delivered one at a time, in order (Telegram queues them per chat)."""
    payload = update[update_kind(update)]
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    if chat:
        return ("chat", chat["id"])
    user = payload.get("from") or payload.get("user")
    if user:
        return ("user", user["id"])
    return ("update", update["update_id"])
