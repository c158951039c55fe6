"""The API's contract: the conventions every operation of the project's routers follows in the OpenAPI schema.

Front-end developers generate clients from `/api/v3/openapi.json`, and `make test` runs schemathesis with every
check over the project's routers (`tests/api/test_contract.py`), so the schema must say exactly what each
operation does. A router of the project (any router on the API whose views are not Wagtail's own) follows these
rules; the helpers here make each one a single call:

1. **Parameters.** Ids in the path are `IdPath(description)` (1 … 2³¹−1, the range of the id columns). Lists are
   paginated with `@paginate(ContractPagination)`: `limit` 1 … `WAGTAILAPI_LIMIT_MAX`, `offset` 0 … 2³¹−1, both
   in the schema; a number out of range answers 400 (never reaches the database). Bodies are ninja schemas with
   real constraints, or `pages.api.form_schema(Form)` for a Django form (lengths, enums, formats, `minItems`,
   patterns; enforced by pydantic before the form runs, so schema and validation agree).
2. **Answers.** `openapi_extra=operation(example=…, problems=(404, 422), …)` documents the success example and
   each problem answer with the one shared `Problem` schema (RFC 9457, `application/problem+json`);
   `RATE_LIMITED` (429) carries `Retry-After`. Every status an operation can answer is listed.
3. **Security.** Public reads and public actions are anonymous: `install_contract` gives every project operation
   without `auth=` the explicit `security: []`. An operation that needs a token passes
   `auth=BearerTokenAuth()` and gets Wagtail's bearer scheme (and 401/403 problems).
4. **Bodies are JSON only.** `StrictJSONParser` answers 415 to any other `Content-Type`;
   `install_contract` documents 415 on every project operation with a request body.
5. **Names.** `operation_id="<router>_<action>"` (stable: clients name their functions after it), one tag per
   router, Dutch summaries.
6. **Links.** `operation(links=…)` adds OpenAPI links (`link(...)`) from an answer to the operations its ids
   lead to, so schemathesis' stateful phase follows them (documents → a document → its versions → endorse).

`install_contract(api)` (called once in `cms/api.py`) applies the automatic parts when the schema is generated,
and bounds Wagtail's own list pagination in the same way (Wagtail passes any offset to the database).
"""

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Schema
from wagtail.api.v3.errors import PROBLEM_JSON
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination, _get_max_limit
from wagtail.api.validators import SiteFilterValidator

from .problems import ApiProblem, problem_title

# Page ids, version numbers and offsets: the range of a 32-bit integer column. Larger can only be "not found".
MAX_ID = 2**31 - 1
MAX_OFFSET = 2**31 - 1
DEFAULT_LIMIT = 20
PROBLEM_REF = "#/components/schemas/Problem"
RATE_LIMITED = 429

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "Een fout als problem detail (RFC 9457), met een Nederlandse titel en uitleg.",
    "type": "object",
    "properties": {
        "type": {
            "type": "string",
            "description": "Een URI die het soort fout noemt; `about:blank` als geen.",
        },
        "title": {"type": "string", "description": "Korte Nederlandse omschrijving van de status."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "Wat er mis is, in het Nederlands."},
        "errors": {
            "type": "array",
            "description": "Per veld wat er mis is (bij 400 en 422); herhaalt nooit de ingestuurde waarde.",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "description": "Een vaste foutcode, voor programma's."},
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        "description": "Waar de fout zit, bijvoorbeeld `['body', 'data', 'email']`.",
                    },
                    "msg": {"type": "string", "description": "Wat er mis is, in het Nederlands."},
                },
                "required": ["type", "loc", "msg"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Na hoeveel seconden een nieuw verzoek kans heeft (RFC 9110, 10.2.3).",
        "required": False,
        "schema": {"type": "integer", "minimum": 0},
    }
}


def IdPath(description: str) -> Any:
    """A required id in the path, 1 … 2³¹−1: anything else is a 422 problem, never a database error."""
    return Path(..., ge=1, le=MAX_ID, description=description)


def problem_answer(status: int) -> dict[str, Any]:
    """The OpenAPI response object of one problem status, referring to the shared `Problem` schema."""
    answer: dict[str, Any] = {
        "description": problem_title(status),
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if status == RATE_LIMITED:
        answer["headers"] = RETRY_AFTER
    return answer


def link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link: the answer's values (runtime expressions such as `$response.body#/id`) as parameters."""
    return {"operationId": operation_id, "description": description, "parameters": parameters}


def operation(
    *,
    example: Any = None,
    status: int = 200,
    problems: Iterable[int] = (),
    body_example: Any = None,
    links: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`openapi_extra` for a project operation: its success example and links, and its problem answers."""
    success: dict[str, Any] = {}
    if example is not None:
        success["content"] = {"application/json": {"example": example}}
    if links:
        success["links"] = links
    responses: dict[Any, Any] = {status: success} if success else {}
    responses.update({code: problem_answer(code) for code in problems})
    extra: dict[str, Any] = {"responses": responses}
    if body_example is not None:
        extra["requestBody"] = {"content": {"application/json": {"example": body_example}}}
    return extra


def paged(items: list[Any]) -> dict[str, Any]:
    """The example of a paginated answer holding `items`."""
    return {"count": len(items), "items": items}


def _bound_problem(name: str, value: int, minimum: int, maximum: float) -> ApiProblem:
    return ApiProblem(
        400,
        _("%(name)s moet tussen %(min)s en %(max)s liggen.")
        % {"name": name, "min": minimum, "max": int(maximum)},
        errors=[
            {
                "type": "less_than_equal" if value > maximum else "greater_than_equal",
                "loc": ["query", name],
                "msg": _("Dit getal is te groot.") if value > maximum else _("Dit getal is te klein."),
            }
        ],
    )


def check_page_bounds(pagination: Any) -> None:
    """Refuse a `limit` or `offset` outside the documented range with a 400 problem, before any query runs."""
    max_limit = _get_max_limit()
    if pagination.limit > max_limit:
        raise ApiProblem(
            400,
            _("Vraag hoogstens %(max)s items tegelijk op (limit).") % {"max": int(max_limit)},
            errors=[
                {"type": "less_than_equal", "loc": ["query", "limit"], "msg": _("Dit getal is te groot.")}
            ],
        )
    if pagination.offset > MAX_OFFSET:
        raise _bound_problem("offset", pagination.offset, 0, MAX_OFFSET)


def _limit_field() -> Any:
    max_limit = _get_max_limit()
    extra = {} if max_limit == float("inf") else {"maximum": int(max_limit)}
    return Field(
        DEFAULT_LIMIT,
        ge=1,
        description="Hoeveel items dit antwoord hoogstens bevat.",
        json_schema_extra=extra or None,
    )


class ContractPagination(WagtailLimitOffsetPagination):
    """Wagtail's limit/offset pagination with both bounds in the schema; out of range is a 400 problem."""

    class Input(Schema):
        limit: int = _limit_field()
        offset: int = Field(
            0,
            ge=0,
            description="Hoeveel items over te slaan.",
            json_schema_extra={"maximum": MAX_OFFSET},
        )

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any) -> dict[str, Any]:
        check_page_bounds(pagination)
        return super().paginate_queryset(queryset, pagination, request, **params)


def _bound_wagtail_pagination() -> None:
    """Wagtail's own lists share the bounds: an offset the database cannot hold is a 400, not a 500."""
    original = WagtailLimitOffsetPagination.paginate_queryset
    if getattr(original, "kvm_bounded", False):
        return

    def paginate_queryset(self, queryset, pagination, request, **params):
        check_page_bounds(pagination)
        return original(self, queryset, pagination, request, **params)

    paginate_queryset.kvm_bounded = True  # type: ignore[attr-defined]
    WagtailLimitOffsetPagination.paginate_queryset = paginate_queryset


def _check_wagtail_site_filter() -> None:
    """Wagtail's `site` filter (`hostname` or `hostname:port`) looks the port up as a number unchecked, so a
    `site=host:abc` was a 500; it is a 422 problem like any other invalid parameter."""
    prop = SiteFilterValidator.__dict__["query"]  # the cached_property behind the computed field
    original = prop.func
    if getattr(original, "kvm_checked", False):
        return

    def query(self):
        result = original(self)
        if result and "port" in result and not re.fullmatch(r"[0-9]{1,5}", result["port"]):
            raise ApiProblem(
                422,
                _(
                    "Geef bij `site` een hostnaam, eventueel met een poortnummer: `voorbeeld.nl` of `voorbeeld.nl:8000`."
                ),
            )
        return result

    query.kvm_checked = True  # type: ignore[attr-defined]
    prop.func = query


def project_operations(api: NinjaAPI) -> Iterator[tuple[str, Any]]:
    """(router prefix, ninja operation) for every operation whose view is not Wagtail's own."""
    for prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                if not op.view_func.__module__.startswith("wagtail."):
                    yield prefix, op


def project_prefixes(api: NinjaAPI) -> list[str]:
    """The path prefixes (as mounted, e.g. `/living-documents/`) of the project's routers, in order added."""
    return list(dict.fromkeys(prefix for prefix, _op in project_operations(api)))


def _apply_conventions(schema: dict[str, Any], operation_ids: set[str]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for operations in schema.get("paths", {}).values():
        for details in operations.values():
            if details.get("operationId") not in operation_ids:
                continue
            details.setdefault("security", [])
            if "requestBody" in details:
                details["responses"].setdefault("415", problem_answer(415))
    return schema


def install_contract(api: NinjaAPI) -> None:
    """Apply the automatic conventions to `api`'s schema, and bound Wagtail's pagination. Call once."""
    _bound_wagtail_pagination()
    _check_wagtail_site_filter()
    generate = api.get_openapi_schema

    def get_openapi_schema(*args: Any, **kwargs: Any):
        schema = generate(*args, **kwargs)
        operation_ids = {
            op.operation_id or api.get_openapi_operation_id(op) for _prefix, op in project_operations(api)
        }
        return _apply_conventions(schema, operation_ids)

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]


def problem_responses(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` documenting only problem answers (see `operation` for examples and links too)."""
    return operation(problems=statuses)
