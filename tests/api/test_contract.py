"""The API's contract: schemathesis with every check over the project's routers, and the schema conventions.

The gate runs the schemathesis CLI (`--checks all`, every phase: examples, coverage, fuzzing and the stateful
phase that follows the schema's links) against a live server holding a published document with two versions.
It selects the project's routers generically — every router on the API whose views are not Wagtail's
(`pages.api.contract.project_prefixes`) — so routers other apps add are covered as soon as they are mounted.
`KVM_SCHEMATHESIS_EXAMPLES` raises the number of generated cases per operation for a deeper run.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest

from cms.api import api
from pages.actions import PublishVersionAction
from pages.api.contract import MAX_OFFSET, PROBLEM_REF, project_prefixes
from pages.models import ActivityPage

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("KVM_SCHEMATHESIS_EXAMPLES", "10"))
METHODS = ("get", "post", "put", "patch", "delete")


def project_path_regex() -> str:
    """The gate's selection: the path prefixes of the project's routers under the API's root."""
    root = api.get_root_path({}).rstrip("/")
    prefixes = "|".join(re.escape(prefix.strip("/")) for prefix in project_prefixes(api))
    return rf"^{re.escape(root)}/({prefixes})/"


def openapi(client) -> dict:
    return client.get("/api/v3/openapi.json").json()


def project_operations(schema: dict):
    selection = re.compile(project_path_regex())
    for path, operations in schema["paths"].items():
        if selection.match(path):
            for method, details in operations.items():
                if method in METHODS:
                    yield path, method, details


@pytest.fixture
def api_world(make_document, make_event):
    """A document with two versions, an event with two parts and a public audience; the real ids the gate points
    generated ids at."""
    from newsletter.models import Audience

    document = make_document(calls=2, activities_per_call=2)
    PublishVersionAction(document, note="Eerste versie", skip_permission_check=True).execute()
    call = document.get_children().first()
    activity = ActivityPage.objects.child_of(call).first()
    activity.status = "running"
    activity.save_revision().publish()
    PublishVersionAction(document, note="Tweede versie", skip_permission_check=True).execute()
    Audience.objects.update_or_create(key="residents", defaults={"name": "Bewoners", "is_public": True})
    event = make_event(
        activity, parts=[("inloop", "19:00", "19:30", 500), ("dialoogsessie", "19:30", "21:00", 500)]
    )
    return {
        "parts": list(event.activity.event_parts.values_list("pk", flat=True)),
        "path": {
            "event_id": [event.pk],
            "page_id": [document.pk, call.pk, activity.pk],
            "document_id": [document.pk],
            "number": [1, 2],
            "old": [1, 2],
            "new": [2, 1],
        },
        "audiences": list(Audience.objects.filter(is_public=True).values_list("key", flat=True)),
    }


@pytest.mark.echoed_submissions
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_all_checks_on_the_project_routers_finds_nothing(
    live_server, api_world, settings, tmp_path
):
    # Schema-valid submissions must be accepted, so the limits that protect the site do not bite here (their
    # 429 is documented and tested in tests/supporters).
    settings.KVM_SUPPORTERS = {
        **getattr(settings, "KVM_SUPPORTERS", {}),
        "RATE_PER_IP": "1000000/h",
        "RATE_PER_EMAIL": "1000000/h",
    }
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_server.url}/api/v3/openapi.json",
        "--checks",
        "all",
        "--include-path-regex",
        project_path_regex(),
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "18",
        "--workers",
        "1",
        "--no-color",
        "--suppress-health-check",
        "all",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "KVM_REAL_IDS": json.dumps(api_world),
    }
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    report = result.stdout + result.stderr
    print(report[report.find("SUMMARY") :])  # shown with -s or on failure: what was covered
    assert "Stateful" in report, report
    assert result.returncode == 0, report


def test_the_gate_selects_every_project_router_and_none_of_wagtails():
    prefixes = project_prefixes(api)
    assert {"/living-documents/", "/supporters/", "/newsletter/"} <= set(prefixes)
    regex = re.compile(project_path_regex())
    assert regex.match("/api/v3/living-documents/")
    assert regex.match("/api/v3/newsletter/subscriptions/")
    assert not regex.match("/api/v3/pages/")
    assert not regex.match("/api/v3/images/")


def test_every_project_operation_states_its_contract(client):
    schema = openapi(client)
    seen = 0
    operation_ids = set()
    for path, method, details in project_operations(schema):
        seen += 1
        label = f"{method.upper()} {path}"
        assert details.get("operationId"), label
        operation_ids.add(details["operationId"])
        assert details.get("tags"), label
        assert details.get("security") == [], f"{label}: public, so anonymous"
        responses = details["responses"]
        successes = [status for status in responses if status.startswith("2")]
        assert len(successes) == 1, label
        assert "example" in responses[successes[0]]["content"]["application/json"], label
        for status, answer in responses.items():
            if status >= "400":
                media = answer["content"]["application/problem+json"]
                assert media["schema"] == {"$ref": PROBLEM_REF}, f"{label} {status}"
        if "requestBody" in details:
            assert "415" in responses, label
            assert "example" in details["requestBody"]["content"]["application/json"], label
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"], label
    assert seen >= 13
    assert len(operation_ids) == seen


def _validate(value, subschema: dict, schema: dict) -> None:
    jsonschema_rs.Draft202012Validator(
        {**subschema, "components": schema["components"]}, validate_formats=True
    ).validate(value)


def test_every_example_matches_its_own_schema(client):
    schema = openapi(client)
    for _path, _method, details in project_operations(schema):
        for answer in details["responses"].values():
            media = answer.get("content", {}).get("application/json", {})
            if "example" in media:
                _validate(media["example"], media["schema"], schema)
        body = details.get("requestBody", {}).get("content", {}).get("application/json")
        if body and "example" in body:
            _validate(body["example"], body["schema"], schema)


def test_the_example_changes_when_a_field_is_renamed(client):
    """The example check above can fail: an example with a renamed field no longer matches."""
    schema = openapi(client)
    answer = schema["paths"]["/api/v3/living-documents/"]["get"]["responses"]["200"]
    media = answer["content"]["application/json"]
    renamed = json.loads(json.dumps(media["example"]).replace('"latest_version"', '"newest_version"'))
    with pytest.raises(jsonschema_rs.ValidationError):
        _validate(renamed, media["schema"], schema)


def test_list_bounds_are_in_the_schema(client):
    schema = openapi(client)
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/v3/living-documents/"]["get"]["parameters"]
    }
    assert parameters["limit"]["minimum"] == 1
    assert parameters["limit"]["maximum"] == 100
    assert parameters["offset"] == {**parameters["offset"], "minimum": 0, "maximum": MAX_OFFSET}
    subscription = schema["components"]["schemas"]["SubscriptionIn"]["properties"]
    assert subscription["audiences"]["minItems"] == 1
    assert subscription["email"]["format"] == "email"
    assert subscription["frequency"]["enum"] == ["every", "major"]
