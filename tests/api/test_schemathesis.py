"""Property-based run of schemathesis against /api/v3/openapi.json, in process, as an anonymous client.

For every operation of the one schema (Wagtail's and the project's), schemathesis generates requests from the
schema (valid and invalid ones) and checks that none gets a 5xx and that every documented answer matches its
schema. The number of examples per operation is bounded so the suite stays quick; raise it with
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
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wagtail.snippets.models import get_snippet_models

from pages.actions import PublishVersionAction
from pages.models import ActivityPage

EXAMPLES = int(os.environ.get("KVM_SCHEMATHESIS_EXAMPLES", "8"))
# The project's own operations document every status and media type they answer; Wagtail's document only
# their successes, so for those the run checks what a client relies on: no 5xx, and bodies as documented.
OWN_PATHS = ("/api/v3/living-documents/", "/api/v3/supporters/", "/api/v3/newsletter/")


# Loaded once, at collection, from the app itself. (schemathesis' lazy `from_fixture` loader does not work with
# pytest 9, which dropped the node attribute it renames.)
schema = schemathesis.openapi.from_wsgi("/api/v3/openapi.json", get_wsgi_application())
if not get_snippet_models():
    # Without snippet models Wagtail documents the snippets' `{type}` as the empty string: no request can match.
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
    if case.operation.path.startswith(OWN_PATHS):
        checks += [status_code_conformance, content_type_conformance]
    # Every WSGI server (gunicorn, runserver) and Django's test client set REMOTE_ADDR; werkzeug's does not.
    response = case.call(environ_base={"REMOTE_ADDR": "127.0.0.1"})
    case.validate_response(response, checks=checks)
