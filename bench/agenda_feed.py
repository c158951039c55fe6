"""How long the agenda's iCal feed (agenda/feed.ics) of 1,000 upcoming events takes, and how big it is.

Usage: python bench/agenda_feed.py [--events 1000] [--runs 10]. Set DATABASE_URL to measure on PostgreSQL.
"""

import argparse
import datetime as dt
import statistics
import time
import tracemalloc

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup("agenda_feed")

    import icalendar
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from wagtail.models import Page

    from pages.models import ActivityPage, CallPage, District, DocumentPage, Event, EventPart

    root = Page.get_first_root_node()
    document = DocumentPage(title="Bench", slug="bench-agenda")
    root.add_child(instance=document)
    call = CallPage(title="Call", slug="call", number=1)
    document.add_child(instance=call)
    activity = ActivityPage(title="Ontmoetingsmoment", slug="ontmoeting")
    call.add_child(instance=activity)
    EventPart.objects.create(
        activity=activity, name="dialoogsessie", starts=dt.time(19, 30), ends=dt.time(20, 30)
    )
    EventPart.objects.create(activity=activity, name="borrel", starts=dt.time(20, 30))
    districts = list(District.objects.all())
    start = timezone.now() + dt.timedelta(days=1)
    Event.objects.bulk_create(
        [
            Event(
                activity=activity,
                starts_at=start + dt.timedelta(hours=6 * i),
                ends_at=start + dt.timedelta(hours=6 * i + 2),
                district=districts[i % len(districts)],
                place_name=f"Buurthuis {i}",
                address=f"Straat {i}, Amsterdam",
                cancelled=i % 50 == 0,
                sort_order=i,
            )
            for i in range(args.events)
        ]
    )

    client = Client(HTTP_HOST="127.0.0.1")
    timings = []
    tracemalloc.start()
    for _run in range(args.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/agenda/feed.ics")
            timings.append(time.perf_counter() - started)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200, response.status_code
    parsed = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(parsed) == args.events, len(parsed)
    timings.sort()
    print(f"agenda_feed: {args.events} events, {args.runs} runs on {connection.vendor}")
    print(
        f"  median {statistics.median(timings) * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms, "
        f"{len(response.content) / 1024:.0f} kB, {len(queries)} queries, peak Python memory {peak / 2**20:.1f} MB"
    )


if __name__ == "__main__":
    main()
