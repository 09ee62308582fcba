"""Bot API requests checked against the published spec (bot/sandbox/spec/api.json): names, required fields, types."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).parent / "spec" / "api.json"
PRIMITIVES = ("Integer", "Float", "Boolean", "String")
# Fields whose fixed value in a subtype ("must be chat", 'always "kicked"') tells the subtypes apart.
DISCRIMINATORS = ("type", "status", "source")
_LITERAL = re.compile(r'(?:must be|always)\s+"?([a-z_]+)"?')
_INTEGER = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d+)?")
# Telegram's own words when a required parameter is missing.
MISSING = {
    "text": "message text is empty",
    "chat_id": "chat_id is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "message_id": "message identifier is not specified",
    "question": "poll question must be non-empty",
    "options": "poll options must be non-empty",
    "callback_query_id": "query is too old and response timeout expired or query ID is invalid",
}
PARSE_NAMES = {"reply_markup": "reply keyboard markup", "entities": "entities", "caption_entities": "entities"}


class ApiError(Exception):
    """A refused request: Telegram's error_code, description and optional retry_after."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(text: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Upload:
    """A file sent in a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


class _Mismatch(Exception):
    """A value that does not fit a type; `path` and `message` describe where and why."""

    def __init__(self, path: str, message: str, *, kind: str = "type") -> None:
        super().__init__(f'field "{path}" {message}')
        self.path = path
        self.message = message
        self.kind = kind  # "type", "json", "required" or "literal"

    def weight(self, union_path: str) -> int:
        """How telling this failure is when it is one alternative of a union at `union_path`."""
        if self.kind == "literal":
            return 0
        if self.kind == "required" and self.path.rsplit(".", 1)[0] == union_path:
            return 1
        return 2 + self.path.count(".") + self.path.count("[")


class ApiSpec:
    """The Bot API spec: method lookup and request validation."""

    def __init__(self, data: dict) -> None:
        self.methods: dict[str, dict] = data["methods"]
        self.types: dict[str, dict] = data["types"]
        self.version: str = data.get("version", "")
        self._by_lower = {name.lower(): name for name in self.methods}

    def method_name(self, name: str) -> str | None:
        """The spec's spelling of a method name (Telegram ignores case), or None if there is no such method."""
        return self._by_lower.get(name.lower())

    def type_fields(self, type_name: str) -> list[dict]:
        """The fields of an object type."""
        return self.types[type_name].get("fields", [])

    def validate(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        """Check `raw` parameters against the method's fields; return them converted to their types."""
        params: dict[str, Any] = {}
        for spec_field in self.methods[method].get("fields", []):
            name = spec_field["name"]
            value = raw.get(name)
            if value is None or value == "":
                if spec_field["required"]:
                    raise bad_request(MISSING.get(name, f"{name} is empty"))
                continue
            try:
                params[name] = self._convert(value, spec_field["types"], name, decode=True)
            except _Mismatch as mismatch:
                if mismatch.path == name and mismatch.kind == "json":
                    raise bad_request(f"can't parse {PARSE_NAMES.get(name, name)} JSON object") from None
                raise bad_request(str(mismatch)) from None
        return params

    def _convert(self, value: Any, types: list[str], path: str, *, decode: bool = False) -> Any:
        """The value as the first of `types` it fits; raise _Mismatch if it fits none.

        `decode`: the value is a request parameter, where objects and arrays come as JSON strings.
        """
        failures: list[_Mismatch] = []
        for type_name in types:
            try:
                return self._convert_one(value, type_name, path, decode=decode)
            except _Mismatch as mismatch:
                failures.append(mismatch)
        raise _best_failure(failures, path, types)

    def _convert_one(self, value: Any, type_name: str, path: str, *, decode: bool) -> Any:
        if type_name.startswith("Array of "):
            items = _json(value, path) if decode else value
            if not isinstance(items, list):
                raise _Mismatch(path, f"must be of type {type_name}")
            item_type = type_name[len("Array of ") :]
            return [
                self._convert_one(item, item_type, f"{path}[{index}]", decode=False) for index, item in enumerate(items)
            ]
        if type_name in PRIMITIVES:
            return _primitive(value, type_name, path)
        if type_name == "InputFile":
            if not isinstance(value, Upload):
                raise _Mismatch(path, "must be a file uploaded with multipart/form-data")
            return value
        spec_type = self.types.get(type_name)
        if spec_type is None:
            raise _Mismatch(path, f"has unknown type {type_name}")
        if "subtypes" in spec_type:
            return self._convert(value, spec_type["subtypes"], path, decode=decode)
        return self._convert_object(value, type_name, path, decode=decode)

    def _convert_object(self, value: Any, type_name: str, path: str, *, decode: bool) -> dict:
        obj = _json(value, path) if decode else value
        if not isinstance(obj, dict):
            raise _Mismatch(path, f"must be of type {type_name}")
        converted = dict(obj)
        for spec_field in self.type_fields(type_name):
            name = spec_field["name"]
            inner = obj.get(name)
            if inner is None:
                if spec_field["required"]:
                    raise _Mismatch(f"{path}.{name}", f"is required in {type_name}", kind="required")
                continue
            converted[name] = self._convert(inner, spec_field["types"], f"{path}.{name}")
            literal = _literal(spec_field) if name in DISCRIMINATORS else None
            if literal is not None and converted[name] != literal:
                raise _Mismatch(f"{path}.{name}", f'must be "{literal}" in {type_name}', kind="literal")
        return converted


@cache
def load_spec(path: Path = SPEC_PATH) -> ApiSpec:
    """The spec read from api.json (read once per process)."""
    return ApiSpec(json.loads(path.read_text(encoding="utf-8")))


def _literal(spec_field: dict) -> str | None:
    match = _LITERAL.search(spec_field.get("description", ""))
    return match.group(1) if match else None


def _json(value: Any, path: str) -> Any:
    """Form fields carry objects and arrays as JSON strings."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _Mismatch(path, "is not valid JSON", kind="json") from None


def _primitive(value: Any, type_name: str, path: str) -> Any:
    if type_name == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    elif type_name == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif type_name == "Float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
            return float(value)
    elif type_name == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
            return value.strip().lower() in ("true", "1")
        if value in (0, 1):
            return bool(value)
    raise _Mismatch(path, f"must be of type {type_name}")


def _best_failure(failures: list[_Mismatch], path: str, types: list[str]) -> _Mismatch:
    """The most telling reason why no alternative of a union matched."""
    if len(failures) == 1:
        return failures[0]
    if any(f.kind == "json" and f.path == path for f in failures):
        return _Mismatch(path, "is not valid JSON", kind="json")
    best = max(failures, key=lambda f: f.weight(path))
    if best.weight(path) >= 1 and best.path != path:
        return best
    return _Mismatch(path, f"must be of type {' or '.join(types)}")
