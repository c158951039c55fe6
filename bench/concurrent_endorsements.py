"""Submissions: 500 readers with distinct addresses endorse one activity at once, then all confirm by their email link.

Against gunicorn on PostgreSQL (production settings, see `_endorsement_settings.py` for the two changes), each reader
does what a browser does: GET the endorse form (CSRF cookie and token, the signed "shown at" stamp), wait out the
minimum fill time, POST. The confirmation emails land in an outbox folder; each reader's link is taken from its
email and POSTed (the confirm button), all at once, and 50 of them a second time. Afterwards the document must show
exactly 500 more endorsements for the activity and the database must hold 500 confirmed rows for 500 addresses.
Loopback only, bounded in count (the readers) and time (every request has a timeout). Exits non-zero on any error.

    python bench/concurrent_endorsements.py [--readers 500] [--workers 3]
"""

import argparse
import asyncio
import email
import email.policy
import html
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import Response, fetch
from load_document import BENCH_VAR, Gunicorn, environment, manage, recreate_database

FILL_SECONDS = 2.2  # just over the forms' default minimum fill time (MIN_FILL_SECONDS = 2)
# A burst of 500 queues behind a few workers; a browser waits minutes, so the readers wait up to two.
PATIENCE = 120.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_ENDORSEMENTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kvm_bench_endorsements"
        ),
        help="a PostgreSQL database this script may drop and re-create",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    return parser.parse_args()


def document_count(body: str, activity_id: int) -> int:
    found = re.search(rf'id="activiteit-{activity_id}"[\s\S]*?data-endorsement-count="(\d+)"', body)
    assert found, f"no count for activity {activity_id} on the document"
    return int(found.group(1))


def cookie(response: Response, name: str) -> str:
    for value in response.headers.get("set-cookie", []):
        if value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie")


def hidden(body: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', body)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


class Phase:
    """Latencies and failures of one phase (submitting, confirming)."""

    def __init__(self, name: str):
        self.name, self.latencies, self.failures = name, [], []
        self.started = self.ended = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    def as_dict(self) -> dict:
        return {
            "requests": len(self.latencies),
            "failures": len(self.failures),
            "first_failures": self.failures[:5],
            "seconds": round(self.ended - self.started, 2),
            "p50_ms": round(self.percentile(50), 1) if self.latencies else None,
            "p95_ms": round(self.percentile(95), 1) if self.latencies else None,
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
        }


async def timed(phase: Phase, label: str, request, expect: str) -> None:
    started = time.perf_counter()
    try:
        response = await request
    except Exception as error:
        phase.failures.append(f"{label}: {type(error).__name__}")
        return
    phase.latencies.append(time.perf_counter() - started)
    text = response.body.decode("utf-8", "replace")
    if response.status != 200 or expect not in text:
        phase.failures.append(f"{label}: HTTP {response.status}")


async def endorse(base: str, activity_id: int, number: int, phase: Phase) -> None:
    form_url = f"{base}/steun/{activity_id}/steunen/"
    try:
        form_page = await fetch(form_url, timeout=PATIENCE)
        body = form_page.body.decode()
        token, shown_at = cookie(form_page, "csrftoken"), hidden(body, "shown_at")
        middleware_token = hidden(body, "csrfmiddlewaretoken")
    except Exception as error:
        phase.failures.append(f"form {number}: {type(error).__name__}: {error}")
        return
    await asyncio.sleep(FILL_SECONDS)
    data = {
        "name": f"Lezer {number}",
        "email": f"lezer{number:04d}@example.org",
        "visibility": "count",
        "consent": "on",
        "website": "",
        "shown_at": shown_at,
        "csrfmiddlewaretoken": middleware_token,
    }
    request = fetch(
        form_url,
        method="POST",
        headers={
            "Cookie": f"csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(data).encode(),
        timeout=PATIENCE,
    )
    await timed(phase, f"endorse {number}", request, "Bijna klaar")


def confirm_paths(outbox: Path) -> dict[str, str]:
    """address → the path of the confirm link in that address's email (one email per address expected)."""
    paths: dict[str, str] = {}
    for file in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        links = re.findall(r"https?://\S+/steun/bevestigen/steun/[^\s/]+/", text)
        address = str(message["To"])
        assert len(links) == 1, f"{file.name}: {len(links)} confirm links"
        assert address not in paths, f"two confirmation emails for {address}"
        paths[address] = urlsplit(links[0]).path
    return paths


async def run_phase(phase: Phase, coroutines) -> None:
    phase.started = time.monotonic()
    await asyncio.gather(*coroutines)
    phase.ended = time.monotonic()


def confirmed_in_database(url: str, activity_id: int) -> tuple[int, int]:
    with psycopg.connect(url) as connection:
        rows, addresses = connection.execute(
            "SELECT count(*), count(DISTINCT email) FROM supporters_endorsement "
            "WHERE target_id = %s AND confirmed_at IS NOT NULL",
            [activity_id],
        ).fetchone()
    return rows, addresses


def main() -> int:
    args = parse_args()
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    outbox = Path(tempfile.mkdtemp(prefix="kvm-bench-outbox-"))
    env = environment(args, page_cache_seconds=0)
    env.update({"DJANGO_SETTINGS_MODULE": "bench._endorsement_settings", "EMAIL_OUTBOX_DIR": str(outbox)})
    print("Setting up: database, demo document, static files …", flush=True)
    recreate_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")

    submitting, confirming, again = Phase("submit"), Phase("confirm"), Phase("confirm again")
    with Gunicorn(env, args.workers) as server:
        document = asyncio.run(fetch(server.url + "/")).body.decode()
        activity_id = int(re.search(r'data-activity-id="(\d+)"', document).group(1))
        before = document_count(document, activity_id)
        print(f"  {args.readers} readers endorse activity {activity_id} at once …", flush=True)
        asyncio.run(
            run_phase(
                submitting, (endorse(server.url, activity_id, n, submitting) for n in range(args.readers))
            )
        )
        paths = confirm_paths(outbox)
        print(f"  {len(paths)} confirmation emails; every reader confirms at once …", flush=True)

        def confirm(phase, address, path, expect):
            request = fetch(server.url + path, method="POST", timeout=PATIENCE)
            return timed(phase, f"confirm {address}", request, expect)

        asyncio.run(
            run_phase(confirming, (confirm(confirming, a, p, "Uw steun telt mee") for a, p in paths.items()))
        )
        some = list(paths.items())[:50]
        asyncio.run(run_phase(again, (confirm(again, a, p, "U had dit al bevestigd") for a, p in some)))
        after = document_count(asyncio.run(fetch(server.url + "/")).body.decode(), activity_id)

    rows, addresses = confirmed_in_database(args.database_url, activity_id)
    report = {
        "readers": args.readers,
        "gunicorn_workers": args.workers,
        "machine": f"{os.cpu_count()} CPUs; clients on the same machine",
        "confirmation_emails": len(paths),
        "count_before": before,
        "count_after": after,
        "confirmed_rows": rows,
        "confirmed_addresses": addresses,
        "phases": {phase.name: phase.as_dict() for phase in (submitting, confirming, again)},
    }
    (BENCH_VAR / "concurrent_endorsements.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    problems = [f"{p.name}: {len(p.failures)} failed" for p in (submitting, confirming, again) if p.failures]
    if len(paths) != args.readers:
        problems.append(f"{len(paths)} confirmation emails for {args.readers} readers")
    if after - before != args.readers:
        problems.append(f"the document counts {after - before} new endorsements, not {args.readers}")
    if (rows, addresses) != (args.readers, args.readers):
        problems.append(f"{rows} confirmed rows for {addresses} addresses in the database")
    for problem in problems:
        print("FAILED:", problem)
    if not problems:
        print(f"OK: {args.readers} endorsements, each counted exactly once (document: {before} → {after})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
