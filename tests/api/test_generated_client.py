"""A real generated client: openapi-typescript turns the live schema into types, `tsc --noEmit` checks a consumer.

`tests/api_client/consumer.ts` lists documents, reads a version comparison and posts an endorsement, typed only
by what `/api/v3/openapi.json` says. A breaking change to the schema (a renamed or retyped field) makes `tsc`
fail; the second test shows that by renaming one field in a copy of the schema. Needs the npm tools of
`package.json` (`make test` installs them); without them the tests skip, and fail under CI
(`KVM_REQUIRE_BROWSER=1`).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
CONSUMER = ROOT / "tests" / "api_client"

pytestmark = pytest.mark.django_db


def _require_tools() -> None:
    missing = [tool for tool in ("openapi-typescript", "tsc") if not (BIN / tool).exists()]
    if missing:
        message = f"{', '.join(missing)} not installed (run `npm ci`, or `make test`)"
        if os.environ.get("KVM_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def type_check(schema: dict, workdir: Path) -> subprocess.CompletedProcess:
    """Generate `api.d.ts` from `schema` next to a copy of the consumer, then type-check the consumer."""
    _require_tools()
    for name in ("consumer.ts", "tsconfig.json"):
        shutil.copy(CONSUMER / name, workdir / name)
    (workdir / "openapi.json").write_text(json.dumps(schema), encoding="utf-8")
    generate = subprocess.run(
        # A default makes a body field optional for the client, so defaults must not make types required.
        [
            str(BIN / "openapi-typescript"),
            "openapi.json",
            "--output",
            "api.d.ts",
            "--default-non-nullable=false",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generate.returncode == 0, generate.stdout + generate.stderr
    return subprocess.run(
        [str(BIN / "tsc"), "--noEmit", "-p", "tsconfig.json"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def live_schema(client) -> dict:
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_consumer_type_checks_against_the_live_schema(live_schema, tmp_path):
    result = type_check(live_schema, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_renamed_field_breaks_the_consumer(live_schema, tmp_path):
    summary = live_schema["components"]["schemas"]["DocumentSummary"]
    summary["properties"]["newest_version"] = summary["properties"].pop("latest_version")
    summary["required"] = [
        "newest_version" if name == "latest_version" else name for name in summary["required"]
    ]
    result = type_check(live_schema, tmp_path)
    assert result.returncode != 0
    assert "latest_version" in result.stdout
