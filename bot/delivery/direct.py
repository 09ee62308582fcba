"""Broadcast messages straight over HTTP: the body serialised once per message, only chat_id changes.

A broadcast sends one message to thousands of chats. Through python-telegram-bot each send costs
several milliseconds of CPU that have nothing to do with the network: the request is rebuilt from
objects (the keyboard serialised again), httpx's connection pool looks at every open connection on
each request (a system call per connection), and the answer is parsed into a full Message. At a paid
broadcast's 1,000 messages a second that CPU is the limit. Here the JSON body is built once, the
connections are aiohttp's keep-alive pool, and only `ok`, the message id and the error are read back.

Telegram's answers become the exceptions python-telegram-bot would raise (Forbidden, BadRequest,
RetryAfter, ...), so the outcomes and their error texts are the same as the courier's other sends.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass
from http import HTTPStatus

import aiohttp
import certifi
from telegram.error import (
    BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut,
)

from bot.delivery.outgoing import Outgoing

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 15.0
# Open connections at most; a paid broadcast keeps PAID_CONCURRENCY sends in flight.
CONNECTIONS = 128
_JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Prepared:
    """A message ready to send to any chat: its method's URL and its JSON body without chat_id."""

    url: str
    rest: bytes  # b'{...}' of every parameter but chat_id

    def body(self, chat_id: int) -> bytes:
        """The whole request body for one chat."""
        return b'{"chat_id":%d,' % chat_id + self.rest[1:]


class DirectSender:
    """Sends prepared messages over one aiohttp session (opened on first use, closed by close())."""

    def __init__(self, api_url: str, connections: int = CONNECTIONS) -> None:
        self.api_url = api_url.rstrip("/")  # the Bot API address with the token: ".../bot<token>"
        self.connections = connections
        self._session: aiohttp.ClientSession | None = None

    def prepare(self, message: Outgoing, *, quiet: bool, paid: bool) -> Prepared:
        """Serialise a message once (text, keyboard, photo, sound, paid broadcast)."""
        params: dict = {"parse_mode": "HTML", "disable_notification": quiet}
        if message.photo:
            method = "sendPhoto"
            params.update(photo=message.photo, caption=message.text)
        else:
            method = "sendMessage"
            params["text"] = message.text
        if message.markup is not None:
            params["reply_markup"] = message.markup.to_dict()
        if paid:
            params["allow_paid_broadcast"] = True
        rest = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()
        return Prepared(f"{self.api_url}/{method}", rest)

    async def send(self, chat_id: int, prepared: Prepared) -> int:
        """Send to one chat; the new message's id, or the exception python-telegram-bot would raise."""
        try:
            async with self._open().post(prepared.url, data=prepared.body(chat_id), headers=_JSON) as response:
                status, payload = response.status, await response.read()
        except asyncio.TimeoutError as exc:
            raise TimedOut(f"Timed out: {exc!r}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp: {exc!r}") from exc
        if HTTPStatus.OK <= status <= 299:
            try:
                return int(json.loads(payload)["result"]["message_id"])
            except (ValueError, KeyError, TypeError) as exc:
                raise NetworkError(f"Invalid server response: {payload[:200]!r}") from exc
        raise api_error(status, payload)

    async def close(self) -> None:
        """Close the connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self.connections, ssl=_ssl_context())
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT_SECONDS,
                                            sock_read=READ_TIMEOUT_SECONDS)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self._session


def api_error(status: int, payload: bytes) -> TelegramError:
    """The exception python-telegram-bot raises for this answer (the rules of its BaseRequest)."""
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    try:
        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError:
        message += f". Parsing the server response {payload!r} failed"
    else:
        message = data.get("description") or message
        parameters = data.get("parameters")
        if parameters:
            if parameters.get("migrate_to_chat_id"):
                return ChatMigrated(parameters["migrate_to_chat_id"])
            if parameters.get("retry_after"):
                return RetryAfter(parameters["retry_after"])
            message += f". The server response contained unknown parameters: {parameters}"
    if status == HTTPStatus.FORBIDDEN:
        return Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        return BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        return Conflict(message)
    return NetworkError(message)


def _ssl_context() -> ssl.SSLContext:
    """Verify Telegram's certificate with certifi's roots, as python-telegram-bot's httpx does."""
    return ssl.create_default_context(cafile=certifi.where())
