"""Property-based run of schemathesis over Wagtail's own operations of /api/v3/openapi.json, in process.

The project's routers have their own gate with every check (`test_contract.py`). Wagtail's operations document
only their successes, so for those this run checks what a client relies on: no 5xx, and bodies as documented
(what `--checks all` finds there is in the README, with the upstream issue to raise). The number of examples per operation is bounded so the suite stays quick; raise it with
`KVM_SCHEMATHESIS_EXAMPLES` for a deeper run.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from pages.actions import PublishVersionAction
from pages.models import ActivityPage
from tests.api.test_contract import project_path_regex

EXAMPLES = int(os.environ.get("KVM_SCHEMATHESIS_EXAMPLES", "8"))


# Loaded once, at collection, from the app itself. (schemathesis' lazy `from_fixture` loader does not work with
# pytest 9, which dropped the node attribute it renames.)
schema = schemathesis.openapi.from_wsgi("/api/v3/openapi.json", get_wsgi_application())
schema = schema.exclude(path_regex=project_path_regex())
# Wagtail fixes the snippets' `{type}` when its API module is imported; snippets registered later (the districts,
# from `wagtail_hooks`) are not in it, and with none before it `{type}` is documented as the empty string, which no
# request can match.
_snippet_type = next(
    (
        parameter["schema"]
        for parameter in schema.raw_schema["paths"]
        .get("/api/v3/snippets/{type}/", {})
        .get("get", {})
        .get("parameters", [])
        if parameter["name"] == "type"
    ),
    {},
)
if _snippet_type.get("const") == "":
    schema = schema.exclude(path_regex=r"^/api/v3/snippets/")


@pytest.fixture
def api_data(db, published_document):
    """A document with two versions for the operations to find, and a WSGI handler that leaves the test's
    database connection open. Returns the real ids that generated path parameters are pointed at."""
    document = published_document(calls=2, activities_per_call=2)
    call = document.get_children().first()
    activity = ActivityPage.objects.child_of(call).first()
    activity.status = "running"
    activity.save_revision().publish()
    PublishVersionAction(document, note="Tweede versie", skip_permission_check=True).execute()
    # The WSGI handler would close the test's database connection after each request (and with it the test's
    # transaction); Django's own test client disconnects these receivers for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "page_id": [document.pk, call.pk, activity.pk],
            "document_id": [document.pk],
            "number": [1, 2],
            "old": [1, 2],
            "new": [2, 1],
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def aim_at_real_objects(case, real_ids: dict[str, list[int]]) -> None:
    """Point three in four generated ids at real pages and versions, so that successful answers (and the
    submissions behind them) are checked too, not only "not found"."""
    parameters = case.path_parameters or {}
    for name, ids in real_ids.items():
        value = parameters.get(name)
        if type(value) is int and value >= 1 and value % 4:
            parameters[name] = ids[value % len(ids)]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_answers_match_the_schema(case, api_data):
    aim_at_real_objects(case, api_data)
    checks = [not_a_server_error, response_schema_conformance]
    # Every WSGI server (gunicorn, runserver) and Django's test client set REMOTE_ADDR; werkzeug's does not.
    response = case.call(environ_base={"REMOTE_ADDR": "127.0.0.1"})
    case.validate_response(response, checks=checks)
