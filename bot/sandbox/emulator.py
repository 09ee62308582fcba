"""An in-process Telegram Bot API server for the tests and the sandbox: the real bot talks to it over HTTP."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Iterable

from aiohttp import web

from bot.sandbox.emulator_http import check_token, error_response, read_params
from bot.sandbox.emulator_methods import IMPLEMENTED, MESSAGE_METHODS, NEW_MESSAGE_METHODS, BotApiMethods
from bot.sandbox.emulator_models import ApiCall, BotMessage, Chat
from bot.sandbox.emulator_polls import normalize_legacy_poll
from bot.sandbox.emulator_spec import ApiError, bad_request, load_spec
from bot.sandbox.emulator_state import TelegramState
from bot.sandbox.emulator_users import EmulatedGroup, EmulatedUser
from bot.sandbox.emulator_waiting import ReplyWaiting, Signal
from bot.sandbox.emulator_webhook import Webhook

__all__ = ["ApiCall", "BotMessage", "EmulatedGroup", "EmulatedUser", "TelegramEmulator"]

log = logging.getLogger(__name__)

MAX_UPLOAD = 60 * 1024 * 1024
MAX_POLL_TIMEOUT = 50
# Served by the emulator itself rather than BotApiMethods: they wait, or start and stop deliveries.
SERVER_METHODS = frozenset({"getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"})
WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"


class TelegramEmulator(ReplyWaiting):
    """The Bot API on 127.0.0.1 (a free port), with emulated users and groups to talk to the bot.

    Point the bot at it with Application.builder().base_url(emulator.base_url).base_file_url(emulator.base_file_url).

    Waiting for replies: when the bot runs in this process and reports each handled update (runner.serving with
    emulator=...), collect_reply returns as soon as the bot has handled the update. Otherwise (a bot in another
    process) it waits until the chat has been quiet for `settle` seconds.
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
        # Seconds between delivering a message and answering the call: the send is done on Telegram's
        # side but still "in flight" for the bot (what a stop or a crash must not turn into a duplicate).
        self.answer_delay = 0.0
        self.reply_timeout = reply_timeout
        self.calls: list[ApiCall] = []
        bot_user = {"id": self.bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username}
        self.state = TelegramState(bot_user)
        self._spec = load_spec()
        self._methods = BotApiMethods(self.state, self._spec)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._new_updates = Signal()
        self._activity = Signal()
        self._last_activity = 0.0
        self.state.on_update = self._on_new_update
        self.webhook = Webhook(self.state, self._on_webhook_change)
        self.bot_attached = False
        self._attached_from = 1  # the first update_id the attached bot will report on

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
        await self.webhook.close()
        for record in self.state.polls.values():
            if record.closer is not None:
                record.closer.cancel()
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

    @property
    def paid(self) -> list[ApiCall]:
        """The accepted calls sent with allow_paid_broadcast."""
        return [call for call in self.calls if call.ok and call.paid]

    def set_rate_limit(
        self,
        per_second: float | None,
        *,
        retry_after: int = 1,
        paid_per_second: float = 1000,
        group_per_minute: int | None = 20,
    ) -> None:
        """Answer 429 past Telegram's flood limits; per_second=None turns every limit off (the default).

        Messages past `per_second` (all chats together) are refused for `retry_after` s. Messages sent with
        allow_paid_broadcast count against `paid_per_second` instead. New messages to one group count against
        `group_per_minute` too (Telegram allows about 20; None: no such limit), refused until one leaves the minute.
        """
        self.state.flood.configure(
            per_second, retry_after, paid_per_second=paid_per_second, group_per_minute=group_per_minute
        )

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

    def group(self, chat_id: int, title: str, members: Iterable[EmulatedUser] = ()) -> EmulatedGroup:
        """A group chat with the bot in it (created on first use; group ids are negative).

        Users join it with group.add(user), or by sending a message in it.
        """
        if chat_id >= 0:
            raise ValueError(f"a group id is negative, not {chat_id}")
        self.state.chats.setdefault(chat_id, Chat(chat_id, "group", title=title))
        group = EmulatedGroup(self, chat_id, title)
        for member in members:
            group.add(member)
        return group

    # --- updates and waiting -------------------------------------------------------------------

    def inject_update(self, kind: str, payload: dict) -> int:
        """Queue an update of type `kind` (e.g. "message") for the bot; return its update_id."""
        return self.state.add_update(kind, payload)

    def serves(self, base_url: str) -> bool:
        """Whether a bot with this API address (base_url plus token) talks to this emulator."""
        return self._port is not None and base_url.startswith(self.base_url)

    def _on_new_update(self) -> None:
        self._new_updates.notify()
        self.webhook.wake()

    def _on_webhook_change(self) -> None:
        self._new_updates.notify()  # a waiting getUpdates now answers 409
        self._activity.notify()  # a delivered update ends waits in collect_reply

    # --- HTTP ----------------------------------------------------------------------------------

    async def _on_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        spelled = request.match_info["method"]
        method = self._spec.method_name(spelled) or spelled
        raw: dict[str, Any] = {}
        paid = False
        try:
            raw = await read_params(request)
            check_token(request.match_info["token"], self.token)
            if self._spec.method_name(spelled) is None:
                raise ApiError(404, "Not Found")
            if method not in SERVER_METHODS and method not in IMPLEMENTED:
                raise bad_request(f"method not supported by the emulator: {method}")
            if method == "sendPoll":
                raw = normalize_legacy_poll(raw)
            raw = self._spec.validate(method, raw)
            paid = method in MESSAGE_METHODS and raw.get("allow_paid_broadcast") is True
            result = await self._serve(method, raw) if method in SERVER_METHODS else self._call(method, raw, arrived)
        except ApiError as error:
            return self._refuse(method, raw, arrived, error, paid)
        except Exception as exc:
            # A bug in the emulator must show up in `refused`, not pass for one of Telegram's answers.
            log.exception("the emulator failed on %s", method)
            bug = ApiError(500, f"Internal Server Error: emulator bug: {exc!r}")
            return self._refuse(method, raw, arrived, bug, paid)
        self.calls.append(ApiCall(method, raw, arrived, paid=paid))
        self._note_activity(method)
        if self.answer_delay and method in MESSAGE_METHODS:
            await asyncio.sleep(self.answer_delay)
        return web.json_response({"ok": True, "result": result})

    def _refuse(self, method: str, params: dict[str, Any], arrived: float, error: ApiError, paid: bool) -> web.Response:
        self.calls.append(ApiCall(method, params, arrived, False, error.code, error.description, paid=paid))
        chat_id, query_id = self._methods.concerned(method, params)
        self.state.record("refused", chat_id, query_id=query_id)
        self._note_activity(method)
        return error_response(error)

    async def _serve(self, method: str, params: dict[str, Any]) -> Any:
        """The methods that belong to the server: getUpdates and the webhook's."""
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "setWebhook":
            return await self.webhook.set_webhook(params)
        if method == "deleteWebhook":
            return await self.webhook.delete_webhook(params)
        return self.webhook.get_webhook_info(params)

    def _call(self, method: str, params: dict[str, Any], arrived: float) -> Any:
        if method in MESSAGE_METHODS:
            chat_id, _ = self._methods.concerned(method, params)
            group_id = chat_id if method in NEW_MESSAGE_METHODS and chat_id is not None and chat_id < 0 else None
            wait = self.state.flood.check(arrived, paid=params.get("allow_paid_broadcast") is True, group_id=group_id)
            if wait is not None:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        return self._methods.handler(method)(params)

    def _note_activity(self, method: str) -> None:
        if method != "getUpdates":
            self._last_activity = time.monotonic()
        self._activity.notify()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        """getUpdates: confirm by offset, then long-poll up to `timeout` seconds for updates."""
        if self.webhook.active:
            raise ApiError(409, WEBHOOK_CONFLICT)
        if "allowed_updates" in params:
            self.state.allowed_updates = frozenset(params["allowed_updates"]) or None
        self.state.confirm(params.get("offset"))
        limit = min(max(params.get("limit", 100), 1), 100)
        deadline = time.monotonic() + min(max(params.get("timeout", 0), 0), MAX_POLL_TIMEOUT)
        while True:
            if self.webhook.active:  # set while this call waited
                raise ApiError(409, WEBHOOK_CONFLICT)
            batch = self.state.take_updates(limit, time.monotonic())
            self._activity.notify()  # fetches and dropped updates end waits in collect_reply
            remaining = deadline - time.monotonic()
            if batch or self._closing or remaining <= 0:
                return batch
            await self._new_updates.wait(remaining)

    async def _on_file(self, request: web.Request) -> web.Response:
        try:
            check_token(request.match_info["token"], self.token)
        except ApiError as error:
            return error_response(error)
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
