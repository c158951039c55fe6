#!/usr/bin/env python
"""Benchmark: send a version to 10,000 and 100,000 recipients, as the workers do, through anymail's real Postmark
backend (bulk API) or its real Mailgun backend (batch sending, `--provider mailgun`) to the loopback stand-in for
that provider (`newsletter.testing`, `newsletter.testing_mailgun`).

Two measurements per size:

- *the pipeline's parts*: the recipients frozen here, then separate sender processes (two by default, like two
  django-q2 workers on one mailing) running the worker task `newsletter.tasks.send_mailing`: recipients per
  second handed to the provider, time to freeze, peak memory of a sender, database queries per 1,000 recipients;
- *publish to last hand-over* (`--e2e`, on by default): a real `manage.py qcluster` with two workers (Redis
  broker on 127.0.0.1:6379 database 13 when it answers, else the ORM broker), started and warmed up beforehand;
  the clock runs from `PublishVersionAction.execute()` (the editor's publish, as the admin and the command do it)
  until the stand-in has the last recipient.

    python bench/newsletter_send.py [--sizes 10000,100000] [--senders 2] [--provider postmark|mailgun] [--no-e2e]

Database: DATABASE_URL when set (its database is dropped and re-created!), otherwise PostgreSQL on 127.0.0.1
(database `kvm_bench_newsletter`), otherwise an SQLite file in var/bench/. Results also go to
var/bench/newsletter_send.json.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "var" / "bench" / "newsletter_send.json"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/kvm_bench_newsletter"


PROVIDERS = {
    "postmark": lambda stand_in: {
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "bench",
        "ANYMAIL_POSTMARK_API_URL": stand_in.url,
        "ANYMAIL_POSTMARK_USE_BULK_API": "1",
    },
    "mailgun": lambda stand_in: {
        "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
        "ANYMAIL_MAILGUN_API_KEY": "bench",
        "ANYMAIL_MAILGUN_API_URL": stand_in.api_url,
    },
}


def stand_in_for(provider: str):
    if provider == "mailgun":
        from newsletter.testing_mailgun import MailgunStandIn

        return MailgunStandIn()
    from newsletter.testing import ProviderStandIn

    return ProviderStandIn()


BENCH_REDIS = "redis://127.0.0.1:6379/13"


def broker_url() -> str:
    """The bench's own Redis database when Redis answers (as in production), else "" for the ORM broker."""
    try:
        import redis

        client = redis.Redis.from_url(BENCH_REDIS, socket_connect_timeout=2)
        client.flushdb()
        return BENCH_REDIS
    except Exception:
        return ""


def environment(database_url: str, provider: str, stand_in) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.base",
        "DATABASE_URL": database_url,
        **PROVIDERS[provider](stand_in),
        "BASE_URL": "https://krachtvanmokum.example",
        "REPLY_TO_DOMAIN": "antwoord.krachtvanmokum.example",  # as the site runs: each mail its own Reply-To
        "REDIS_URL": broker_url(),  # cache and django-q2 broker, as in production
        "Q_WORKERS": "2",
        "LOG_LEVEL": "WARNING",
        "NEWSLETTER_MAX_PER_SECOND": "",
    }


def peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM, which starts afresh at exec. (`ru_maxrss` does not: a sender started by
    this orchestrator would report the orchestrator's size, which grows with the population and the stand-in's
    counters — the cause of the "growth" from 10,000 to 100,000 recipients reported before 4 December 2026.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- a sender process --


def sender(mailing_id: int) -> None:
    import django

    django.setup()
    import threading

    from django.conf import settings
    from django.db import connection
    from django.db.backends.signals import connection_created

    # One task for the whole share, however large (a worker would continue in a new task after 120 s): the
    # strictest case for memory, and no continuation left queued with no cluster to run it.
    settings.KVM_NEWSLETTER = {
        **getattr(settings, "KVM_NEWSLETTER", {}),
        "TASK_TIME_BUDGET_SECONDS": 24 * 3600,
    }

    from newsletter.tasks import send_mailing

    queries = 0
    lock = threading.Lock()

    def count(execute, sql, params, many, context):
        nonlocal queries
        with lock:
            queries += 1
        return execute(sql, params, many, context)

    def count_on(sender, connection, **kwargs):  # the lease keeper's thread has a connection of its own
        if count not in connection.execute_wrappers:
            connection.execute_wrappers.append(count)

    connection_created.connect(count_on)
    started = time.time()
    cpu = time.process_time()
    with connection.execute_wrapper(count):
        outcomes = send_mailing(mailing_id)
    print(
        json.dumps(
            {
                "started": started,
                "ended": time.time(),
                "queries": queries,
                "peak_rss_mb": peak_rss_mb(),
                "cpu_seconds": time.process_time() - cpu,
                "outcomes": outcomes,
            }
        )
    )


# -- the orchestrating process --


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
        return DEFAULT_PG
    except Exception:
        path = ROOT / "var" / "bench" / "newsletter_send.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"


def recreate_database(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(config["NAME"] + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or "postgres",
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def populate(largest: int, sizes: list[int]):
    """The demo document, and `largest` confirmed subscribers; audience "bench-N" holds the first N of them."""
    from django.core.management import call_command
    from django.utils import timezone

    from newsletter.models import Audience, Subscriber, Subscription
    from pages.models import DocumentPage

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    document = DocumentPage.objects.get()
    audiences = {size: Audience.objects.create(key=f"bench-{size}", name=f"Bench {size}") for size in sizes}
    now = timezone.now()
    for start in range(0, largest, 5000):
        people = Subscriber.objects.bulk_create(
            Subscriber(email=f"lezer{n:06d}@example.org", name=f"Lezer {n}", confirmed_at=now)
            for n in range(start, min(start + 5000, largest))
        )
        Subscription.objects.bulk_create(
            Subscription(subscriber=person, audience=audience)
            for index, person in enumerate(people, start=start)
            for size, audience in audiences.items()
            if index < size
        )
    return document


def settle() -> None:
    """What the database looks like when mailings are days apart: the previous run's dead rows vacuumed and the
    statistics current (autovacuum does this in time; here it would otherwise run during the next measurement)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure(size: int, senders: int, document, provider, env) -> dict:
    from django.db import connection

    from newsletter.mailings import mailing_create, mailing_freeze
    from newsletter.models import MailingStatus
    from pages.actions import PublishVersionAction

    settle()
    version = PublishVersionAction(document, note=f"Benchmark {size}.", skip_permission_check=True).execute()
    mailing = mailing_create(version=version, audience_keys=[f"bench-{size}"])
    received_before = provider.received.copy()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    rss_before = peak_rss_mb()
    started = time.time()
    with connection.execute_wrapper(count):
        frozen = mailing_freeze(mailing_id=mailing.pk)
    freeze_seconds = time.time() - started
    freeze_rss_growth = peak_rss_mb() - rss_before  # measured now: the stand-in thread's counters grow later
    cpu_before = time.process_time()
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--sender", str(mailing.pk)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _n in range(senders)
    ]
    reports = []
    for process in processes:
        out, _err = process.communicate(timeout=900)
        if process.returncode:
            raise SystemExit(f"a sender failed (exit {process.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    mailing.refresh_from_db()
    this_send = provider.received - received_before
    received = sum(this_send.values())
    duplicates = [address for address, n in this_send.items() if n > 1]
    send_seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    result = {
        "recipients": size,
        "frozen": frozen,
        "received_by_provider": received,
        "duplicates": len(duplicates),
        "mailing_status": mailing.status,
        "provider_calls": len(provider.calls),
        "freeze_seconds": round(freeze_seconds, 2),
        "send_seconds": round(send_seconds, 2),
        "total_seconds": round(freeze_seconds + send_seconds, 2),
        "recipients_per_second": round(size / send_seconds),
        "recipients_per_second_with_freeze": round(size / (freeze_seconds + send_seconds)),
        "queries_per_1000_sending": round(sum(r["queries"] for r in reports) / (size / 1000), 1),
        "queries_per_1000_freezing": round(queries / (size / 1000), 1),
        "sender_peak_rss_mb": round(max(r["peak_rss_mb"] for r in reports), 1),
        "sender_cpu_seconds": round(sum(r["cpu_seconds"] for r in reports), 1),
        "stand_in_cpu_seconds": round(time.process_time() - cpu_before, 1),
        "freeze_rss_growth_mb": round(freeze_rss_growth, 1),
    }
    provider.calls.clear()
    if received != size or duplicates or mailing.status != MailingStatus.DONE:
        print(json.dumps(result, indent=2))
        raise SystemExit("the send was not complete and exact")
    return result


class Cluster:
    """`manage.py qcluster` with two workers, stopped by SIGTERM to its main process (it then exits cleanly)."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Cluster":
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=open(os.environ.get("BENCH_CLUSTER_LOG", os.devnull), "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc_info) -> None:
        import signal

        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def warm_up(timeout: float = 60) -> None:
    """Wait until the cluster runs a task: its workers are up and have Django loaded."""
    from django_q.tasks import async_task, result

    task_id = async_task("math.floor", 1.5)
    if result(task_id, wait=int(timeout * 1000)) != 1:
        raise SystemExit("the qcluster did not answer")


def measure_e2e(size: int, document, provider) -> dict:
    """From the editor's publish to the stand-in receiving the last recipient, through a running qcluster."""
    from django.db import transaction

    from newsletter.models import Mailing, MailingStatus
    from pages.actions import PublishVersionAction

    settle()
    received_before = provider.received.copy()
    count_before = provider.count
    calls_before = len(provider.calls)
    started = time.monotonic()
    with transaction.atomic():  # as in a request: the mailing task is queued on commit
        version = PublishVersionAction(
            document, note=f"End-to-end {size}.", audiences=[f"bench-{size}"], skip_permission_check=True
        ).execute()
    published = time.monotonic() - started
    deadline = started + 600
    while provider.count - count_before < size:
        if time.monotonic() > deadline:
            raise SystemExit("the mailing did not reach everyone within 600 s")
        time.sleep(0.05)
    last_handover = provider.last_received_at - started
    mailing = Mailing.objects.get(version=version)
    while mailing.status != MailingStatus.DONE and time.monotonic() < deadline:
        time.sleep(0.05)
        mailing.refresh_from_db()
    this_send = provider.received - received_before
    received = sum(this_send.values())
    duplicates = [address for address, n in this_send.items() if n > 1]
    result = {
        "recipients": size,
        "publish_seconds": round(published, 2),
        "publish_to_last_handover_seconds": round(last_handover, 2),
        "recipients_per_second": round(size / last_handover),
        "frozen_after_seconds": round((mailing.frozen_at - version.published_at).total_seconds(), 2)
        if mailing.frozen_at
        else None,
        "received_by_provider": received,
        "provider_calls": len(provider.calls) - calls_before,
        "duplicates": len(duplicates),
        "mailing_status": mailing.status,
    }
    if received != size or duplicates or mailing.status != MailingStatus.DONE:
        print(json.dumps(result, indent=2))
        raise SystemExit("the end-to-end send was not complete and exact")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--provider", choices=sorted(PROVIDERS), default="postmark")
    parser.add_argument("--no-e2e", dest="e2e", action="store_false", help="skip publish-to-last-hand-over")
    parser.add_argument("--sender", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sender:
        sender(args.sender)
        return

    sizes = [int(size) for size in args.sizes.split(",")]
    url = database_url()
    with stand_in_for(args.provider) as provider:
        env = environment(url, args.provider, provider)
        os.environ.update(env)
        recreate_database(url)
        import django

        django.setup()
        from django.db import connection

        print(
            f"Database: {connection.vendor}; provider: {args.provider}; senders: {args.senders}; "
            f"CPUs: {os.cpu_count()}",
            flush=True,
        )
        started = time.time()
        document = populate(max(sizes), sizes)
        print(f"Set-up: {max(sizes)} subscribers in {time.time() - started:.0f} s", flush=True)
        results = []
        for size in sizes:
            result = measure(size, args.senders, document, provider, env)
            results.append(result)
            print(
                f"{size:>7} recipients: {result['recipients_per_second']:>6} /s handed over "
                f"({result['send_seconds']} s sending + {result['freeze_seconds']} s freezing), "
                f"{result['queries_per_1000_sending']} queries/1000 sending + "
                f"{result['queries_per_1000_freezing']} freezing, sender peak RSS {result['sender_peak_rss_mb']} MB, "
                f"{result['provider_calls']} provider calls, {result['duplicates']} duplicates",
                flush=True,
            )
        e2e = []
        if args.e2e:
            with Cluster(env):
                warm_up()
                for size in sizes:
                    result = measure_e2e(size, document, provider)
                    e2e.append(result)
                    print(
                        f"{size:>7} recipients, publish to last hand-over through a qcluster of 2 workers: "
                        f"{result['publish_to_last_handover_seconds']} s ({result['recipients_per_second']} /s; "
                        f"the publish itself {result['publish_seconds']} s, recipients frozen after "
                        f"{result['frozen_after_seconds']} s)",
                        flush=True,
                    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "provider": args.provider,
                "senders": args.senders,
                "results": results,
                "publish_to_last_handover": e2e,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
