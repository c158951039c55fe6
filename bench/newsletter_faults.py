#!/usr/bin/env python
"""Provider faults: a 2,000-recipient send while the provider answers 5xx to 20 % of calls and times out on 5 %.

The loopback stand-in (`newsletter.testing.ProviderStandIn`) plays Postmark; anymail's real Postmark backend talks
to it over HTTP. A call that times out was accepted by the stand-in but answered too late, as a provider under
load does: the ledger must then mark its recipients uncertain, never send them again. The send runs the worker's
own task function, round after round as the retry schedule would (with a 1 s backoff instead of 30 s so the run
stays short), until the mailing is done.

Checks: every recipient ends sent (and received by the stand-in exactly once), uncertain or failed, with the
reason in the ledger; nobody is received twice; no failed recipient was received at all. Prints the time, the
provider calls and faults, the retries and the final status counts; exits non-zero when a check fails.

    python bench/newsletter_faults.py [--recipients 2000] [--seed 8]

Database: PostgreSQL `kvm_bench_faults` on 127.0.0.1 (dropped and re-created; BENCH_FAULTS_DATABASE_URL), else an
SQLite file in var/bench/. Results also go to var/bench/newsletter_faults.json.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from newsletter_send import environment, recreate_database  # noqa: E402

RESULTS = ROOT / "var" / "bench" / "newsletter_faults.json"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/kvm_bench_faults"
ROUNDS = 200  # bound on send rounds; a healthy run needs a handful
SECONDS = 300  # bound on the whole send


def database_url() -> str:
    url = os.environ.get("BENCH_FAULTS_DATABASE_URL", DEFAULT_PG)
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
        return url
    except Exception:
        path = ROOT / "var" / "bench" / "newsletter_faults.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--error-rate", type=float, default=0.20)
    parser.add_argument("--timeout-rate", type=float, default=0.05)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    from newsletter.testing import ProviderStandIn

    url = database_url()
    provider = ProviderStandIn(
        error_rate=args.error_rate, timeout_rate=args.timeout_rate, hang_seconds=2.5, seed=args.seed
    )
    with provider:
        os.environ.update(environment(url, provider.url))
        recreate_database(url)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from newsletter import ledger
        from newsletter.mailings import mailing_create, mailing_freeze
        from newsletter.models import (
            Audience,
            DeliveryStatus,
            MailingStatus,
            Subscriber,
            Subscription,
        )
        from newsletter.sending import mailing_send
        from pages.actions import PublishVersionAction
        from pages.models import DocumentPage

        settings.KVM_NEWSLETTER = {
            **settings.KVM_NEWSLETTER,
            "BATCH_SIZE": args.batch_size,
            "MAX_ATTEMPTS": 5,
            "RETRY_BACKOFF_SECONDS": 1,
            "RETRY_BACKOFF_MAX_SECONDS": 4,
        }
        settings.ANYMAIL = {**settings.ANYMAIL, "REQUESTS_TIMEOUT": 1.0}
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        audience = Audience.objects.create(key="bench-faults", name="Bench faults")
        now = timezone.now()
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"lezer{n:05d}@example.org", name=f"Lezer {n}", confirmed_at=now)
            for n in range(args.recipients)
        )
        Subscription.objects.bulk_create(Subscription(subscriber=p, audience=audience) for p in people)
        document = DocumentPage.objects.get()
        version = PublishVersionAction(document, note="Storingstest.", skip_permission_check=True).execute()
        mailing = mailing_create(version=version, audience_keys=["bench-faults"])
        mailing_freeze(mailing_id=mailing.pk)
        print(
            f"Database: {connection.vendor}; {args.recipients} recipients; batches of {args.batch_size}; "
            f"stand-in: {args.error_rate:.0%} 5xx, {args.timeout_rate:.0%} time-outs",
            flush=True,
        )

        started = time.monotonic()
        rounds = 0
        while rounds < ROUNDS and time.monotonic() - started < SECONDS:
            mailing.refresh_from_db()
            if mailing.status != MailingStatus.SENDING:
                break
            rounds += 1
            mailing_send(mailing_id=mailing.pk)
            wake = ledger.next_wakeup_at(mailing_id=mailing.pk)
            if wake is not None:
                time.sleep(min(5.0, max(0.0, (wake - timezone.now()).total_seconds())))
        seconds = time.monotonic() - started
        mailing.refresh_from_db()

        rows = list(mailing.deliveries.values_list("email", "status", "attempts", "last_error"))
        statuses = Counter(status for _e, status, _a, _r in rows)
        received = provider.received
        faults = Counter(call["fault"] or "ok" for call in provider.calls)
        reasons = Counter(
            f"{status}: {error.splitlines()[0][:90]}" for _e, status, _a, error in rows if status != "sent"
        )
        report = {
            "database": connection.vendor,
            "recipients": args.recipients,
            "batch_size": args.batch_size,
            "seconds": round(seconds, 1),
            "send_rounds": rounds,
            "mailing_status": mailing.status,
            "provider_calls": len(provider.calls),
            "provider_answers": dict(faults),
            "retries": sum(max(0, attempts - 1) for _e, _s, attempts, _r in rows),
            "statuses": dict(statuses),
            "received_by_provider": sum(received.values()),
            "received_twice": len(provider.duplicates()),
            "reasons": dict(reasons.most_common(5)),
        }

    problems = []
    if set(statuses) - {DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN, DeliveryStatus.FAILED}:
        problems.append(f"rows left in other statuses: {dict(statuses)}")
    if len(rows) != args.recipients:
        problems.append(f"{len(rows)} ledger rows for {args.recipients} recipients")
    if provider.duplicates():
        problems.append(f"{len(provider.duplicates())} recipients received twice")
    sent_not_received = [e for e, s, _a, _r in rows if s == "sent" and received[e] != 1]
    if sent_not_received:
        problems.append(f"{len(sent_not_received)} marked sent but not received exactly once")
    failed_received = [e for e, s, _a, _r in rows if s == "failed" and received[e]]
    if failed_received:
        problems.append(f"{len(failed_received)} marked failed but received")
    if any(not error for _e, s, _a, error in rows if s != "sent"):
        problems.append("a recipient not sent has no reason in the ledger")
    if mailing.status == MailingStatus.SENDING:
        problems.append("the mailing did not finish within the bounds")

    print(json.dumps(report, indent=2, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
