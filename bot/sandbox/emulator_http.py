"""The HTTP side of the emulated Bot API: request parameters, tokens and answers as Telegram shapes them."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bot.sandbox.emulator_spec import ApiError, Upload, bad_request

_WELL_FORMED_TOKEN = re.compile(r"\d+:[\w-]+")


def check_token(token: str, expected: str) -> None:
    """Telegram: 401 for a token that looks right but is not, 404 for a malformed one."""
    if token != expected:
        raise ApiError(401, "Unauthorized") if _WELL_FORMED_TOKEN.fullmatch(token) else ApiError(404, "Not Found")


def error_response(error: ApiError) -> web.Response:
    """The JSON body and status Telegram answers a refused request with."""
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.code)


async def read_params(request: web.Request) -> dict[str, Any]:
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
