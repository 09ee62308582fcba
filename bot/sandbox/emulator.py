"""An in-process Telegram Bot API server for the tests and the sandbox: the real bot talks to it over HTTP."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any, Callable

from aiohttp import web

from bot.sandbox.emulator_methods import IMPLEMENTED, MESSAGE_METHODS, BotApiMethods
from bot.sandbox.emulator_models import ApiCall, BotMessage, Chat, Event
from bot.sandbox.emulator_spec import ApiError, Upload, bad_request, load_spec
from bot.sandbox.emulator_state import TelegramState
from bot.sandbox.emulator_users import EmulatedGroup, EmulatedUser

__all__ = ["ApiCall", "BotMessage", "EmulatedGroup", "EmulatedUser", "TelegramEmulator"]

log = logging.getLogger(__name__)

MAX_UPLOAD = 60 * 1024 * 1024
MAX_POLL_TIMEOUT = 50
_WELL_FORMED_TOKEN = re.compile(r"\d+:[\w-]+")


class _Signal:
    """Wakes every task waiting for "something changed"."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake the current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Wait for the next notify() or the timeout, whichever comes first."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass


class TelegramEmulator:
    """The Bot API on 127.0.0.1 (a free port), with emulated users and groups to talk to the bot.

    Point the bot at it with Application.builder().base_url(emulator.base_url).base_file_url(emulator.base_file_url).
    """

    def __init__(
        self,
        token: str = "123456:SANDBOX",
        *,
        bot_username: str = "redcrescent_sandbox_bot",
        bot_first_name: str = "Red Crescent",
        settle: float = 0.2,
        reply_timeout: float = 10.0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.settle = settle
        self.reply_timeout = reply_timeout
        self.calls: list[ApiCall] = []
        bot_user = {"id": self.bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username}
        self.state = TelegramState(bot_user)
        self._spec = load_spec()
        self._methods = BotApiMethods(self.state, self._spec)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._new_updates = _Signal()
        self._activity = _Signal()
        self._last_activity = 0.0

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on 127.0.0.1 at a free port."""
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._on_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._on_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._closing = False

    async def stop(self) -> None:
        """Answer the waiting getUpdates calls and stop serving."""
        self._closing = True
        self._new_updates.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The bot API address without the token, for Application.builder().base_url()."""
        return f"http://127.0.0.1:{self._started_port()}/bot"

    @property
    def base_file_url(self) -> str:
        """The file download address without the token, for Application.builder().base_file_url()."""
        return f"http://127.0.0.1:{self._started_port()}/file/bot"

    def _started_port(self) -> int:
        if self._port is None:
            raise RuntimeError("the emulator is not started: use `async with TelegramEmulator() as emulator`")
        return self._port

    # --- what the bot did ----------------------------------------------------------------------

    @property
    def refused(self) -> list[ApiCall]:
        """The calls that got an error."""
        return [call for call in self.calls if not call.ok]

    @property
    def commands(self) -> dict[tuple[str, str | None], list[dict]]:
        """setMyCommands lists by (scope type, language_code or None); chat scopes read "chat:<id>"."""
        return self.state.commands

    @property
    def descriptions(self) -> dict[str | None, str]:
        """setMyDescription texts by language_code (None: the default)."""
        return self.state.descriptions

    @property
    def short_descriptions(self) -> dict[str | None, str]:
        """setMyShortDescription texts by language_code (None: the default)."""
        return self.state.short_descriptions

    @property
    def menu_buttons(self) -> dict[int | None, dict]:
        """setChatMenuButton values by chat id (None: the default)."""
        return self.state.menu_buttons

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat as they are now (edits applied, deleted ones gone)."""
        return self.state.messages_in(chat_id)

    def set_rate_limit(self, per_second: float | None, *, retry_after: int = 1) -> None:
        """Refuse message-producing calls past `per_second` (all chats together) with 429 for `retry_after` s."""
        self.state.flood.configure(per_second, retry_after)

    # --- people --------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = True,
    ) -> EmulatedUser:
        """The user with this id (created on first use, with a private chat of the same id)."""
        existing = self.state.users.get(user_id)
        if existing is not None:
            return existing
        if user_id <= 0:
            raise ValueError(f"a user id is positive, not {user_id}")
        user = EmulatedUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            started=started,
        )
        self.state.users[user_id] = user
        self.state.chats[user_id] = Chat(user_id, "private", user_json=user.json)
        return user

    def group(self, chat_id: int, title: str) -> EmulatedGroup:
        """A group chat with the bot in it (created on first use; group ids are negative)."""
        if chat_id >= 0:
            raise ValueError(f"a group id is negative, not {chat_id}")
        self.state.chats.setdefault(chat_id, Chat(chat_id, "group", title=title))
        return EmulatedGroup(self, chat_id, title)

    # --- updates and waiting -------------------------------------------------------------------

    def inject_update(self, kind: str, payload: dict) -> int:
        """Queue an update of type `kind` (e.g. "message") for the bot; return its update_id."""
        update_id = self.state.add_update(kind, payload)
        self._new_updates.notify()
        return update_id

    async def collect_reply(
        self,
        update_id: int,
        chat_id: int,
        *,
        query_id: str | None = None,
        mark: int,
        expect_reply: bool = True,
        what: str = "update",
    ) -> list[BotMessage]:
        """Wait until the bot fetched the update and answered in the chat, then until it is quiet there.

        `mark` is len(emulator.state.events) before the update was injected. Returns the bot's messages in
        the chat sent or edited since then. Without expect_reply, only waits for the fetch and the quiet.
        """
        described = f"update {update_id} ({what})"
        await self._until(
            lambda: self._fetched(update_id),
            lambda: f"the bot did not fetch {described} within {self.reply_timeout} s: is it polling?",
        )
        if update_id in self.state.dropped:
            raise AssertionError(f"{described} was dropped: not in allowed_updates, or pending updates were dropped")

        def concerns(event: Event) -> bool:
            return event.chat_id == chat_id or (query_id is not None and event.query_id == query_id)

        if expect_reply:
            await self._until(
                lambda: any(concerns(e) and e.kind != "action" for e in self.state.events[mark:]),
                lambda: f"the bot did not answer {described} within {self.reply_timeout} s",
            )
        await self._quiet(lambda: max((e.time for e in self.state.events[mark:] if concerns(e)), default=0.0))
        return self.state.changed_since(chat_id, mark)

    async def wait_until_idle(self, settle: float | None = None) -> None:
        """Wait until the bot has fetched every update and made no call (besides getUpdates) for `settle` s."""
        await self._until(
            lambda: all(self._fetched(u["update_id"]) for u in self.state.pending),
            lambda: f"the bot did not fetch all updates within {self.reply_timeout} s: is it polling?",
        )
        await self._quiet(lambda: max(self._last_activity, self.state.last_fetch), settle)

    async def wait_for_message(
        self, chat_id: int, mark: int, predicate: Callable[[BotMessage], bool], timeout: float | None = None
    ) -> BotMessage:
        """The first bot message in the chat, sent or edited since event `mark`, that satisfies `predicate`."""
        timeout = self.reply_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            changed = self.state.changed_since(chat_id, mark)
            for message in changed:
                if predicate(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [m.plain[:60] for m in changed]
                raise TimeoutError(f"no matching message in chat {chat_id} within {timeout} s; the bot sent: {seen}")
            await self._activity.wait(remaining)

    def _fetched(self, update_id: int) -> bool:
        return update_id <= self.state.fetched_up_to or update_id in self.state.dropped

    async def _until(self, condition: Callable[[], bool], failure: Callable[[], str]) -> None:
        deadline = time.monotonic() + self.reply_timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(failure())
            await self._activity.wait(remaining)

    async def _quiet(self, last_activity: Callable[[], float], settle: float | None = None) -> None:
        """Wait until `settle` seconds (default: self.settle) passed without activity; at most reply_timeout."""
        settle = self.settle if settle is None else settle
        start = time.monotonic()
        deadline = start + self.reply_timeout
        while True:
            now = time.monotonic()
            remaining = max(start, last_activity()) + settle - now
            if remaining <= 0 or now >= deadline:
                return
            await self._activity.wait(min(remaining, deadline - now))

    # --- HTTP ----------------------------------------------------------------------------------

    async def _on_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        spelled = request.match_info["method"]
        method = self._spec.method_name(spelled) or spelled
        raw: dict[str, Any] = {}
        try:
            raw = await self._read_params(request)
            self._check_token(request.match_info["token"])
            if self._spec.method_name(spelled) is None:
                raise ApiError(404, "Not Found")
            if method != "getUpdates" and method not in IMPLEMENTED:
                raise bad_request(f"method not supported by the emulator: {method}")
            raw = self._spec.validate(method, raw)
            result = await self._get_updates(raw) if method == "getUpdates" else self._call(method, raw, arrived)
        except ApiError as error:
            return self._refuse(method, raw, arrived, error)
        except Exception as exc:
            # A bug in the emulator must show up in `refused`, not pass for one of Telegram's answers.
            log.exception("the emulator failed on %s", method)
            return self._refuse(method, raw, arrived, ApiError(500, f"Internal Server Error: emulator bug: {exc!r}"))
        self.calls.append(ApiCall(method, raw, arrived))
        self._note_activity(method)
        return web.json_response({"ok": True, "result": result})

    def _refuse(self, method: str, params: dict[str, Any], arrived: float, error: ApiError) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        self.calls.append(ApiCall(method, params, arrived, False, error.code, error.description))
        chat_id, query_id = self._methods.concerned(method, params)
        self.state.record("refused", chat_id, query_id=query_id)
        self._note_activity(method)
        return web.json_response(body, status=error.code)

    def _call(self, method: str, params: dict[str, Any], arrived: float) -> Any:
        if method in MESSAGE_METHODS:
            wait = self.state.flood.check(arrived)
            if wait is not None:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        return self._methods.handler(method)(params)

    def _note_activity(self, method: str) -> None:
        if method != "getUpdates":
            self._last_activity = time.monotonic()
        self._activity.notify()

    def _check_token(self, token: str) -> None:
        if token != self.token:
            # Telegram: 401 for a token that looks right but is not, 404 for a malformed one.
            raise ApiError(401, "Unauthorized") if _WELL_FORMED_TOKEN.fullmatch(token) else ApiError(404, "Not Found")

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        """Query string plus a JSON, urlencoded or multipart body; uploads become Upload objects."""
        params: dict[str, Any] = dict(request.query)
        if not request.body_exists:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request parameters") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected as request parameters")
            params.update(body)
            return params
        uploads: dict[str, Upload] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = Upload(value.filename, value.content_type, value.file.read())
            else:
                params[key] = value
        for key, value in params.items():
            if isinstance(value, str) and value.startswith("attach://") and value[len("attach://") :] in uploads:
                params[key] = uploads[value[len("attach://") :]]
        for key, upload in uploads.items():
            params.setdefault(key, upload)
        return params

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        """getUpdates: confirm by offset, then long-poll up to `timeout` seconds for updates."""
        if "allowed_updates" in params:
            self.state.allowed_updates = frozenset(params["allowed_updates"]) or None
        self.state.confirm(params.get("offset"))
        limit = min(max(params.get("limit", 100), 1), 100)
        deadline = time.monotonic() + min(max(params.get("timeout", 0), 0), MAX_POLL_TIMEOUT)
        while True:
            batch = self.state.take_updates(limit, time.monotonic())
            self._activity.notify()  # fetches and dropped updates end waits in collect_reply
            remaining = deadline - time.monotonic()
            if batch or self._closing or remaining <= 0:
                return batch
            await self._new_updates.wait(remaining)

    async def _on_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
