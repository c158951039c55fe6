"""How long cutting a version of a document with 200 activities takes (snapshot + change list + insert).

Usage: python bench/version_cut.py [--activities 200] [--runs 20]. Set DATABASE_URL to measure on PostgreSQL.
"""

import argparse
import statistics
import time

from _django import setup
from _document import build_document


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup("version_cut")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pages.actions import PublishVersionAction
    from pages.models import ActivityPage

    document = build_document(activities=args.activities, calls=args.calls)

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
