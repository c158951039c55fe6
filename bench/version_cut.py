"""How long cutting a version of a document with 200 activities takes (snapshot + change list + insert).

Usage: python bench/version_cut.py [--activities 200] [--runs 20]. Set DATABASE_URL to measure on PostgreSQL.
"""

import argparse
import statistics
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup("version_cut")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from pages.actions import PublishVersionAction
    from pages.models import ActivityPage, CallPage, DocumentPage

    root = Page.get_first_root_node()
    document = DocumentPage(title="Bench", slug="bench", intro="<p>Inleiding</p>")
    root.add_child(instance=document)
    per_call = args.activities // args.calls
    for number in range(1, args.calls + 1):
        call = CallPage(
            title=f"Call {number}",
            slug=f"call-{number}",
            number=number,
            body=[{"type": "paragraph", "value": "<p>Tekst van de call.</p>"}],
        )
        document.add_child(instance=call)
        for index in range(per_call):
            call.add_child(
                instance=ActivityPage(
                    title=f"Activiteit {number}.{index}",
                    slug=f"a-{number}-{index}",
                    description="<p>" + "Een activiteit met een beschrijving van enige lengte. " * 8 + "</p>",
                    when_text="maandelijks",
                    district="Oost",
                )
            )

    timings = []
    for run in range(args.runs):
        if run % 2:
            activity = ActivityPage.objects.descendant_of(document).order_by("?").first()
            activity.title += " (gewijzigd)"
            activity.save()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            PublishVersionAction(document, note="Bench", skip_permission_check=True).execute()
            timings.append(time.perf_counter() - started)
    timings.sort()
    print(f"version_cut: {args.activities} activities, {args.runs} runs on {connection.vendor}")
    print(
        f"  median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms, max {timings[-1] * 1000:.1f} ms, "
        f"{len(queries)} queries per cut"
    )


if __name__ == "__main__":
    main()
