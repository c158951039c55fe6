"""What an editor controls before a mailing goes: `publish_version --dry-run` counts exactly who will then get it,
and `--send-at` publishes now but sends nothing before its time (a controllable clock), movable and cancellable."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter import mailings, tasks
from newsletter.models import (
    DeliveryStatus,
    Mailing,
    MailingStatus,
    Subscriber,
    Suppression,
    SuppressionReason,
)

pytestmark = pytest.mark.django_db


def publish_version(document, *args: str) -> str:
    out = io.StringIO()
    call_command("publish_version", "--document", document.slug, *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_counts_that_are_then_sent_and_changes_nothing(
    make_document, make_subscriber, publish, outbox, django_capture_on_commit_callbacks
):
    document = make_document(calls=1, activities_per_call=1)
    for n in range(4):
        make_subscriber(f"bewoner{n}@example.org", audiences=("residents",))
    make_subscriber("beide@example.org", audiences=("residents", "allies"))  # once, as an ally (comes first)
    make_subscriber("bondgenoot@example.org", audiences=("allies",))
    make_subscriber(
        "belangrijk@example.org", audiences=("residents",), frequency="major"
    )  # not for a minor one
    make_subscriber("geblokkeerd@example.org", audiences=("residents",))
    Suppression.objects.create(email="geblokkeerd@example.org", reason=SuppressionReason.BOUNCED)
    make_subscriber("afgemeld@example.org", audiences=("residents",)).subscriptions.update(
        unsubscribed_at=timezone.now()
    )
    publish(document, audiences=["residents"])  # version 1: the five residents then
    make_subscriber("nieuw@example.org", audiences=("residents",))

    out = publish_version(document, "--note", "Versie twee.", "--notify", "residents,allies", "--dry-run")

    assert "Proefdraai: versie 2" in out
    assert "Bewoners: 6 ontvanger(s)" in out
    assert "Bondgenoten: 2 ontvanger(s)" in out
    assert "Totaal: 7 ontvanger(s)" in out
    assert "4 krijgen ‘wat is er veranderd sinds versie 1’ (Bewoners)" in out
    assert "1 krijgen ‘de introductie voor nieuwe lezers’ (Bewoners)" in out  # nieuw@
    assert "1 krijgen ‘wat is er veranderd sinds versie 1’ (Bondgenoten)" in out  # beide@
    assert "1 krijgen ‘de introductie voor nieuwe lezers’ (Bondgenoten)" in out
    assert document.versions.count() == 1 and Mailing.objects.count() == 1, "a dry run changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        publish_version(document, "--note", "Versie twee.", "--notify", "residents,allies")
    mailing = Mailing.objects.get(version__number=2)
    assert mailing.status == MailingStatus.DONE
    assert mailing.recipient_count == 7
    assert mailing.deliveries.filter(status=DeliveryStatus.SENT).count() == 7
    assert mailing.deliveries.filter(since_number=1, audience__key="residents").count() == 4


def test_a_publish_whose_task_the_broker_loses_is_sent_by_the_watchdog(
    make_document, make_subscriber, outbox, django_capture_on_commit_callbacks, monkeypatch
):
    document = make_document(calls=1, activities_per_call=1)
    make_subscriber("lezer@example.org", audiences=("residents",))
    lost = []
    monkeypatch.setattr("newsletter.receivers.async_task", lambda *args, **kwargs: lost.append(args))
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        publish_version(document, "--note", "Redis herstart.", "--notify", "residents")
    assert lost, "the publish handed its task to the broker, which lost it (a Redis restart)"
    mailing = Mailing.objects.get()
    assert mailing.status == MailingStatus.QUEUED, "the mailing itself is in the database"

    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        tasks.watch_mailings()  # the minutely watchdog
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE
    assert list(mailing.deliveries.values_list("email", "status")) == [
        ("lezer@example.org", DeliveryStatus.SENT)
    ]
    assert len(list(outbox.glob("*.eml"))) == 1


def test_send_at_publishes_now_and_sends_nothing_before_its_time(
    make_document, make_subscriber, outbox, django_capture_on_commit_callbacks
):
    document = make_document(calls=1, activities_per_call=1)
    make_subscriber("lezer@example.org", audiences=("residents",))
    start = timezone.make_aware(dt.datetime(2030, 3, 1, 8, 0))
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            out = publish_version(
                document, "--note", "Later.", "--notify", "residents", "--send-at", "2030-03-01 09:30"
            )
        assert "Verzending gepland op 01-03-2030 09:30" in out
        mailing = Mailing.objects.get()
        assert document.versions.count() == 1, "the version is published at once"
        assert mailing.status == MailingStatus.SCHEDULED
        assert mailing.send_at == timezone.make_aware(dt.datetime(2030, 3, 1, 9, 30))
        tasks.watch_mailings()
        tasks.start_due_mailings()
    with time_machine.travel(start + dt.timedelta(minutes=89), tick=False):
        tasks.watch_mailings()
        tasks.start_due_mailings()
        mailing.refresh_from_db()
        assert mailing.status == MailingStatus.SCHEDULED and mailing.deliveries.count() == 0
        assert not any(outbox.glob("*.eml")), "nothing sent before its time"
    with time_machine.travel(start + dt.timedelta(minutes=90, seconds=1), tick=False):
        tasks.start_due_mailings()  # what the schedule armed for 09:30 runs
        tasks.start_due_mailings()  # a second run (the minutely watchdog) starts nothing twice
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE
    assert list(mailing.deliveries.values_list("email", "status")) == [
        ("lezer@example.org", DeliveryStatus.SENT)
    ]
    assert len(list(outbox.glob("*.eml"))) == 1


def test_a_planned_mailing_can_be_moved_or_cancelled_until_it_starts(
    make_document, make_subscriber, publish, outbox
):
    document = make_document(calls=1, activities_per_call=0)
    make_subscriber("lezer@example.org", audiences=("residents",))
    version = publish(document, audiences=[])
    later = timezone.now() + dt.timedelta(hours=2)
    mailing = mailings.mailing_create(version=version, audience_keys=["residents"], send_at=later)
    assert mailing.status == MailingStatus.SCHEDULED

    assert mailings.mailing_reschedule(mailing=mailing, send_at=later + dt.timedelta(days=1))
    assert not mailings.mailing_reschedule(mailing=mailing, send_at=timezone.now() - dt.timedelta(minutes=1))
    with time_machine.travel(later + dt.timedelta(minutes=1), tick=False):
        assert mailings.mailings_due() == [], "moved: not due at the old time"
    assert "Verzending verzet naar" in mailing.events.get().message

    assert mailings.mailing_cancel(mailing=mailing)
    with time_machine.travel(later + dt.timedelta(days=2), tick=False):
        assert mailings.mailings_due() == []
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.CANCELLED and mailing.deliveries.count() == 0
    assert not mailings.mailing_reschedule(mailing=mailing, send_at=later + dt.timedelta(days=3))
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize("value", ["morgen", "2001-01-01 09:00"])
def test_send_at_that_is_no_time_or_in_the_past_is_refused_in_dutch(make_document, audiences, value):
    document = make_document(calls=1, activities_per_call=0)
    with pytest.raises(CommandError, match=r"geen tijdstip|niet in de toekomst"):
        publish_version(document, "--note", "X.", "--notify", "residents", "--send-at", value)
    assert document.versions.count() == 0
