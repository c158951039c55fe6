"""A worker killed with SIGKILL in the middle of a send, then restarted: the mailing finishes within 60 s of the
restart without an operator, nobody gets the version twice, and nobody is missing except the recipients of the
batch(es) in the provider's hands — one per sender, or one in all when they take turns at the provider
(ONE_HAND_OVER_AT_A_TIME) — which are marked uncertain. And an import followed at once by a publish reaches
everyone imported.

Real `manage.py qcluster` processes on the test's PostgreSQL database (they get its name through DATABASE_URL),
anymail's real Postmark backend, and the loopback stand-in counting every recipient it receives.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsletter.models import DeliveryStatus, Mailing, MailingStatus, Subscriber, Subscription
from newsletter.testing import ProviderStandIn
from pages.actions import PublishVersionAction

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 2000
BATCH_SIZE = 100

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="The crash test needs PostgreSQL: real worker processes share the test database with this one "
        "(SQLite's test database lives in this process's memory).",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url() -> str:
    db = connection.settings_dict
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db.get('HOST') or '127.0.0.1'}:{port}/{db['NAME']}"


def start_worker(provider: ProviderStandIn, log: Path, *, one_hand_over: bool = False) -> subprocess.Popen:
    env = {
        "KVM_ONE_HAND_OVER": "1" if one_hand_over else "0",
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.newsletter.worker_settings",
        "DATABASE_URL": database_url(),
        "KVM_STANDIN_URL": provider.url,
        "KVM_BATCH_SIZE": str(BATCH_SIZE),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the sentinel, its workers, pusher and monitor
        )


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def wait_for(condition, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}.\n--- worker log (tail) ---\n{tail}")


@pytest.mark.parametrize(
    "one_hand_over", [False, True], ids=["senders-side-by-side", "one-hand-over-at-a-time"]
)
def test_a_killed_worker_neither_sends_twice_nor_skips_anyone(
    make_document, audiences, tmp_path, monkeypatch, django_capture_on_commit_callbacks, one_hand_over
):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue for the real workers instead of running inline

    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"ontvanger{n:05d}@example.org", name=f"Ontvanger {n}", confirmed_at=now)
        for n in range(RECIPIENTS)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=subscriber, audience=audiences["residents"]) for subscriber in subscribers
    )
    document = make_document(calls=2, activities_per_call=2)
    log = tmp_path / "qcluster.log"
    workers: list[subprocess.Popen] = []

    with ProviderStandIn(latency=0.1) as provider:
        try:
            workers.append(start_worker(provider, log, one_hand_over=one_hand_over))
            with django_capture_on_commit_callbacks(execute=True):
                version = PublishVersionAction(
                    document, note="Crashtest.", audiences=["residents"], skip_permission_check=True
                ).execute()

            wait_for(
                lambda: provider.total >= RECIPIENTS * 0.3 and provider.in_flight > 0,
                timeout=90,
                what="the send to be under way",
                log=log,
            )
            kill(workers[0])  # SIGKILL, the whole cluster: no chance to clean up or record anything
            received_at_kill = provider.total
            assert received_at_kill < RECIPIENTS, "the send finished before the kill; the test proves nothing"

            workers.append(
                start_worker(provider, log, one_hand_over=one_hand_over)
            )  # at once: the dead worker's leases still run
            mailing = Mailing.objects.get(version=version)

            def finished() -> bool:
                mailing.refresh_from_db()
                return mailing.status == MailingStatus.DONE

            # The broker redelivers lost tasks only after 600 s here: the newsletter's watchdog must do it.
            wait_for(finished, timeout=60, what="the restarted worker to finish the mailing", log=log)
        finally:
            for worker in workers:
                kill(worker, signal.SIGTERM)

    rows = dict(mailing.deliveries.values_list("email", "status"))
    assert len(rows) == RECIPIENTS
    uncertain = {email for email, status in rows.items() if status == DeliveryStatus.UNCERTAIN}
    sent = {email for email, status in rows.items() if status == DeliveryStatus.SENT}
    assert sent | uncertain == set(rows), "every recipient is sent or uncertain; nothing pending or failed"

    assert provider.duplicates() == {}, "nobody received the version twice"
    received = set(provider.received)
    assert received <= set(rows)
    assert sent <= received, "everything the ledger calls sent reached the provider"
    assert set(rows) - received <= uncertain, "nobody is missing except recipients marked uncertain"
    assert provider.total > received_at_kill, "the restarted worker went on sending"

    # The batch(es) in the provider's hands when the cluster died: uncertain, never resent. One per sender — or,
    # with its two senders taking turns at the provider, one at most.
    batches = set(mailing.deliveries.filter(status=DeliveryStatus.UNCERTAIN).values_list("batch", flat=True))
    most = 1 if one_hand_over else 2
    assert 1 <= len(batches) <= most and 0 < len(uncertain) <= BATCH_SIZE * most

    # The watchdog's decisions are kept for the mailing's page.
    notes = " ".join(mailing.events.values_list("message", flat=True))
    assert f"{len(uncertain)} ontvanger(s) op “onzeker” gezet" in notes


def test_an_import_then_a_publish_at_once_reaches_everyone_imported(
    make_document, audiences, tmp_path, monkeypatch
):
    from django.core.management import call_command
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    imported = 3000
    csv = tmp_path / "bondgenoten.csv"
    csv.write_text(
        "naam,email,organisatie,rol\n"
        + "".join(
            f"Bondgenoot {n},bondgenoot{n:05d}@example.org,Organisatie {n % 40},\n" for n in range(imported)
        ),
        encoding="utf-8",
    )
    document = make_document(calls=1, activities_per_call=1)
    log = tmp_path / "qcluster.log"
    with ProviderStandIn() as provider:
        worker = start_worker(provider, log)
        try:
            call_command("import_contacts", str(csv), "--audience", "allies", stdout=open(os.devnull, "w"))  # noqa: SIM115
            call_command(
                "publish_version",
                "--document",
                document.slug,
                "--note",
                "Na de import.",
                "--notify",
                "allies",
                stdout=open(os.devnull, "w"),  # noqa: SIM115
            )

            def finished() -> bool:
                return Mailing.objects.filter(version__document=document, status=MailingStatus.DONE).exists()

            wait_for(finished, timeout=120, what="the mailing to finish", log=log)
            mailing = Mailing.objects.get(version__document=document)
        finally:
            kill(worker, signal.SIGTERM)
    expected = {f"bondgenoot{n:05d}@example.org" for n in range(imported)}
    assert mailing.recipient_count == imported
    assert set(provider.received) == expected
    assert provider.duplicates() == {}
