"""How long the comparison of two versions of a 200-activity document takes: the page, `.../nu/` and the API.

Usage: python bench/compare.py [--activities 200] [--runs 30] [--no-postgres]. Runs on a fresh SQLite file, then
again on a freshly created PostgreSQL database (BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/kvm_bench_compare). With DATABASE_URL set, only on that database.
Reports the median, p95 and the query count per request (which must not depend on the document's size).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

from _django import setup


def build(activities: int, calls: int):
    from wagtail.models import Page, Site

    from pages.actions import PublishVersionAction
    from pages.models import ActivityPage, CallPage, DocumentPage

    for stale in DocumentPage.objects.filter(slug="bench-compare"):
        stale.delete()  # a PostgreSQL database kept from an earlier run
    root = Page.get_first_root_node()
    document = DocumentPage(title="Bench", slug="bench-compare", intro="<p>Inleiding</p>")
    root.add_child(instance=document)
    document.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": document, "hostname": "localhost"}
    )
    per_call = activities // calls
    for number in range(1, calls + 1):
        call = CallPage(
            title=f"Call {number}",
            slug=f"call-{number}",
            number=number,
            body=[
                {"type": "paragraph", "value": "<p>Tekst van de call.</p><ul><li>een</li><li>twee</li></ul>"}
            ],
        )
        document.add_child(instance=call)
        call.save_revision().publish()
        for index in range(per_call):
            activity = ActivityPage(
                title=f"Activiteit {number}.{index}",
                slug=f"a-{number}-{index}",
                description="<p>" + "Een activiteit met een beschrijving van enige lengte. " * 8 + "</p>"
                "<p>Een tweede alinea met wat er nodig is.</p>",
                when_text="maandelijks",
                district="Oost",
            )
            call.add_child(instance=activity)
            activity.save_revision().publish()
    PublishVersionAction(document, note="Eerste", skip_permission_check=True).execute()
    # One activity in ten changes: its place, its description (a new paragraph) and every tenth its title.
    for count, activity in enumerate(ActivityPage.objects.descendant_of(document).order_by("path")):
        if count % 10:
            continue
        activity.location = "De Balie, Kleine-Gartmanplantsoen 10"
        activity.description += "<p>Een nieuwe alinea.</p>"
        if count % 20 == 0:
            activity.title += " (gewijzigd)"
        activity.save_revision().publish()
    PublishVersionAction(document, note="Tweede", skip_permission_check=True).execute()
    for count, activity in enumerate(ActivityPage.objects.descendant_of(document).order_by("path")[:5]):
        activity.when_text = f"{count + 3} maart 2027"
        activity.save_revision().publish()
    return DocumentPage.objects.get(pk=document.pk)


def measure(client, url: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return sorted(timings), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true", help="only the database this run was given")
    args = parser.parse_args()
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kvm_bench_compare")
    given = "DATABASE_URL" in os.environ
    setup("compare")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    document = build(args.activities, args.calls)
    client = Client(HTTP_HOST="localhost")
    base = document.path_on_site()
    targets = [
        ("page versies/1...2/", f"{base}versies/1...2/"),
        ("page versies/2...nu/", f"{base}versies/2...nu/"),
        ("API compare 1 → 2", f"/api/v3/living-documents/{document.pk}/versions/1/compare/2/"),
    ]
    print(f"compare: {args.activities} activities, {args.runs} runs each, on {connection.vendor}")
    for label, url in targets:
        timings, queries = measure(client, url, args.runs)
        print(
            f"  {label:<22} median {statistics.median(timings) * 1000:6.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:6.1f} ms, {queries} queries"
        )
    sys.stdout.flush()
    if postgres and not given and not args.no_postgres:
        from load_document import recreate_database

        recreate_database(postgres)
        env = {**os.environ, "DATABASE_URL": postgres}
        code = subprocess.call([sys.executable, __file__, *sys.argv[1:], "--no-postgres"], env=env)
        if code:
            raise SystemExit(code)


if __name__ == "__main__":
    main()
