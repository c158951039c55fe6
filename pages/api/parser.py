"""The API's JSON parser: standard JSON, minus text that cannot be stored or sent on (I-JSON, RFC 7493).

A JSON string may spell a lone UTF-16 surrogate (`"\\udcff"`), which Python then holds but cannot encode: the
database, an email or even the error message that repeats it would fail with a 500. Such a body is refused as
invalid JSON (400) before any endpoint sees it.
"""

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


def _encodable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(key) and _encodable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_encodable(item) for item in value)
    return True


class StrictJSONParser(Parser):
    """ninja's parser, refusing bodies with strings that are not valid Unicode (ninja answers 400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        if not _encodable(data):
            raise ValueError("lone surrogate in a JSON string")
        return data
