"""The API's JSON parser: JSON bodies only, and standard JSON minus text that cannot be stored (I-JSON, RFC 7493).

A body must say `Content-Type: application/json`; anything else is refused with 415 before it is read. A
browser sends a cross-site `text/plain` or form post without asking the API first (no CORS preflight), so
parsing such a body as JSON would let any website endorse or subscribe in a visitor's name.

A JSON string may spell a lone UTF-16 surrogate (`"\\udcff"`), which Python then holds but cannot encode: the
database, an email or even the error message that repeats it would fail with a 500. Such a body is refused as
invalid JSON (400) before any endpoint sees it.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from .problems import ApiProblem

JSON_MEDIA_TYPE = "application/json"


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
    """ninja's parser, refusing bodies that are not `application/json` (415) or hold invalid Unicode (400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != JSON_MEDIA_TYPE:
            raise ApiProblem(
                415,
                _("Stuur de inhoud als JSON, met Content-Type: application/json."),
                headers={"Accept-Post": JSON_MEDIA_TYPE},
            )
        data = json.loads(request.body)
        if not _encodable(data):
            raise ValueError("lone surrogate in a JSON string")
        return data
