"""Errors of the headless API as RFC 9457 problem details (`application/problem+json`), in Dutch.

Wagtail's API v3 already answers errors as problem details; `install_problem_handlers(api)` replaces its
handlers with ones that speak Dutch (gettext, Dutch msgids), keep Wagtail's shape (type, title, status, detail,
errors) and add `ApiProblem`, the exception the project's own endpoints raise for anything a client did wrong.
"""

import re
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError
from wagtail.api.v3.errors import problem_response
from wagtail.utils.forms import FormValidationError

TITLES = {
    400: gettext_lazy("Ongeldig verzoek"),
    401: gettext_lazy("Niet aangemeld"),
    403: gettext_lazy("Geen toegang"),
    404: gettext_lazy("Niet gevonden"),
    405: gettext_lazy("Methode niet toegestaan"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Verzoek te groot"),
    415: gettext_lazy("Niet-ondersteund mediatype"),
    422: gettext_lazy("Ongeldige invoer"),
    429: gettext_lazy("Te veel verzoeken"),
}

# Pydantic's error types, as a reader of a Dutch site would want them explained. Unknown types fall back to a
# general sentence; the type code itself stays in each error for programs.
FIELD_MESSAGES = {
    "missing": gettext_lazy("Dit veld is verplicht."),
    "string_type": gettext_lazy("Vul hier tekst in."),
    "string_too_short": gettext_lazy("Deze tekst is te kort."),
    "string_too_long": gettext_lazy("Deze tekst is te lang."),
    "string_pattern_mismatch": gettext_lazy("Deze waarde heeft niet de juiste vorm."),
    "int_type": gettext_lazy("Vul een geheel getal in."),
    "int_parsing": gettext_lazy("Vul een geheel getal in."),
    "int_from_float": gettext_lazy("Vul een geheel getal in."),
    "greater_than": gettext_lazy("Dit getal is te klein."),
    "greater_than_equal": gettext_lazy("Dit getal is te klein."),
    "less_than": gettext_lazy("Dit getal is te groot."),
    "less_than_equal": gettext_lazy("Dit getal is te groot."),
    "bool_type": gettext_lazy("Vul waar (true) of onwaar (false) in."),
    "bool_parsing": gettext_lazy("Vul waar (true) of onwaar (false) in."),
    "literal_error": gettext_lazy("Kies een van de toegestane waarden."),
    "enum": gettext_lazy("Kies een van de toegestane waarden."),
    "dict_type": gettext_lazy("Verwacht wordt een JSON-object."),
    "model_type": gettext_lazy("Verwacht wordt een JSON-object."),
    "model_attributes_type": gettext_lazy("Verwacht wordt een JSON-object."),
    "list_type": gettext_lazy("Verwacht wordt een lijst."),
    "json_invalid": gettext_lazy("Dit is geen geldige JSON."),
    "value_error": gettext_lazy("Deze waarde is ongeldig."),
    "date_parsing": gettext_lazy("Vul een datum in (JJJJ-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Vul een datum in (JJJJ-MM-DD)."),
    "datetime_parsing": gettext_lazy("Vul een datum en tijd in (ISO 8601)."),
    "extra_forbidden": gettext_lazy("Dit veld is onbekend."),
}
GENERIC_FIELD_MESSAGE = gettext_lazy("Deze waarde is ongeldig.")

# What Django's text fields accept: no NUL character (`ProhibitNullCharactersValidator`) and, when required,
# something left after stripping whitespace (`str.strip`, which also strips the separators U+001C–U+001F).
NO_NUL = r"^[^\u0000]*$"
NOT_BLANK = r"^[^\u0000]*[^\s\u0000\u001c-\u001f][^\u0000]*$"
PATTERN_MESSAGES = {NOT_BLANK: gettext_lazy("Dit veld is verplicht."), NO_NUL: GENERIC_FIELD_MESSAGE}
INVALID_INPUT = gettext_lazy("De invoer klopt niet. Per veld staat hieronder wat er mis is.")


# Wagtail's pagination refuses a too large `limit` with this English message; the number is kept.
LIMIT_TOO_HIGH = re.compile(r"^limit cannot be higher than (\d+)$")


class ApiProblem(Exception):
    """Something the client did that the API refuses, answered as one problem detail with a Dutch explanation.

    `errors` lists per-field problems as `{"loc": [...], "msg": "...", "type": "..."}`; `headers` are added to
    the response (for example `Retry-After` with a 429).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = str(detail)
        self.title = title
        self.errors = errors
        self.headers = headers or {}


def problem_title(status: int) -> str:
    if status in TITLES:
        return str(TITLES[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _("Fout")


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A problem-detail response with a Dutch title for its status."""
    response = problem_response(
        status=status, title=title or problem_title(status), detail=str(detail), errors=errors
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_error(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error without the rejected input (it may be personal data), with a Dutch message."""
    kind = str(error.get("type", ""))
    message = FIELD_MESSAGES.get(kind)
    if kind == "string_pattern_mismatch":
        message = PATTERN_MESSAGES.get((error.get("ctx") or {}).get("pattern"), message)
    return {
        "type": kind or "invalid",
        "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
        "msg": str(message) if message is not None else str(error.get("msg") or GENERIC_FIELD_MESSAGE),
    }


def validation_problem(errors: list[dict[str, Any]]) -> HttpResponse:
    return problem(422, str(INVALID_INPUT), errors=errors)


def install_problem_handlers(api: NinjaAPI) -> None:
    """Make every error of `api` a Dutch problem detail. Call once, after Wagtail registered its own handlers."""

    @api.exception_handler(ApiProblem)
    def api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem(exc.status, exc.detail, title=exc.title, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(NinjaValidationError)
    def ninja_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return validation_problem([_field_error(error) for error in exc.errors])

    @api.exception_handler(PydanticValidationError)
    def pydantic_validation_error(request: HttpRequest, exc: PydanticValidationError) -> HttpResponse:
        return validation_problem([_field_error(error) for error in exc.errors()])

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if isinstance(exc, FormValidationError):
            errors = [
                {"type": code or "invalid", "loc": list(path), "msg": str(message)}
                for path, coded_messages in exc.loc_errors
                for message, code in coded_messages
            ]
        else:
            errors = [{"type": "invalid", "loc": [], "msg": str(message)} for message in exc.messages]
        return validation_problem(errors)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # Like Wagtail: the API never trusts a session, so without a valid bearer token the answer is 401.
        if not request.user.is_authenticated:
            return problem(401, _("Hiervoor is een geldig API-token nodig (Authorization: Bearer …)."))
        return problem(403, _("U heeft geen toestemming voor deze handeling."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, _("Dit bestaat niet, of is niet openbaar."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, ApiProblem):  # ninja wraps whatever the body parser raises in a 400
            return api_problem(request, exc.__cause__)
        detail = str(exc)
        if exc.status_code == 401:
            detail = _("Hiervoor is een geldig API-token nodig (Authorization: Bearer …).")
        elif detail.startswith("Cannot parse request body"):
            detail = _("De inhoud van het verzoek is geen geldige JSON.")
        elif match := LIMIT_TOO_HIGH.match(detail):
            detail = _("Vraag hoogstens %(max)s items tegelijk op (limit).") % {"max": match.group(1)}
        return problem(exc.status_code, detail)
