"""`import_contacts` of 100,000 contacts into an audience: wall time and queries, and that all are subscribed.

    DATABASE_URL=postgres://… python bench/contacts_import.py [--rows 100000]

The target (issue 12): <= 30 s on the project's 2-core machine, and every row an active member of the audience
when the command returns (nothing left to a background task).
"""

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _django import setup


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup("contacts_import")

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsletter.models import Audience, Subscriber, Subscription
    from supporters.models import Contact

    # Not `.delete()`: Wagtail's reference index asks two queries per deleted object (ten minutes here).
    with connection.cursor() as cursor:
        for model in (Subscription, Subscriber, Contact):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - table names
    allies = Audience.objects.get(key="allies")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as csv:
        csv.write("naam,email,organisatie,rol\n")
        for n in range(args.rows):
            csv.write(f"Bondgenoot {n},bondgenoot{n:06d}@example.org,Organisatie {n % 250},\n")
    out = io.StringIO()
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        call_command("import_contacts", csv.name, "--audience", "allies", stdout=out)
    elapsed = time.monotonic() - started
    Path(csv.name).unlink()
    members = Subscription.objects.filter(audience=allies, unsubscribed_at__isnull=True).count()
    print(out.getvalue().strip())
    print(
        f"{args.rows:,} rows imported in {elapsed:.1f} s ({args.rows / elapsed:,.0f} rows/s), "
        f"{len(queries)} queries; {members:,} active in 'allies' when the command returned"
    )
    ok = members == args.rows and (args.rows < 100_000 or elapsed <= 30)
    print("OK" if ok else "FAILED: target is every row subscribed, in <= 30 s for 100,000")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
