"""The one reminder: only to those who have not answered after N days, never to the unsubscribed or bounced,
at most once per person per version (a database constraint), planned as a django-q2 schedule."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.models import Schedule

from newsletter.feedback import tracking_event_process
from newsletter.links import RecipientLink
from newsletter.models import Delivery, TrackingEvent
from newsletter.outreach import tasks
from newsletter.outreach.links import AnswerLink
from newsletter.outreach.models import Reminder
from newsletter.outreach.services import answer_record
from newsletter.services import unsubscribe
from supporters.models import Contact

pytestmark = pytest.mark.django_db


def sent_days_ago(days: int) -> None:
    Delivery.objects.update(sent_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def eleven_days_later(outreach_sent, outbox):
    """Version 1 went out 11 days ago; Bram answered, Eva unsubscribed, Cas bounced. The outbox is emptied."""
    _document, _version, mailing = outreach_sent
    sent_days_ago(11)
    bram = Contact.objects.get(email="bram@example.org")
    answer_record(link=AnswerLink(contact_id=bram.pk, mailing_id=mailing.pk, answer="no"), answer="no")
    eva = Delivery.objects.get(email="eva@example.org")
    unsubscribe(link=RecipientLink(subscriber_id=eva.subscriber_id, audience_key="candidates"))
    cas = Delivery.objects.get(email="cas@example.org")
    event = TrackingEvent.objects.create(
        esp="postmark", event_id="b1", event_type="bounced", recipient=cas.email, delivery_ref=str(cas.pk)
    )
    tracking_event_process(event_pk=event.pk)
    for path in outbox.glob("*.eml"):
        path.unlink()
    return mailing


def test_only_non_responders_still_on_the_list_get_one_reminder(eleven_days_later, read_outbox):
    assert tasks.send_reminders(eleven_days_later.pk, 10) == 2
    mails = read_outbox()
    assert set(mails) == {"anna@example.org", "dewi@example.org"}  # the two party leaders
    message, soup, text = mails["dewi@example.org"]
    assert "Herinnering" in message["Subject"]
    assert "Beste Dewi Bakker," in text
    assert soup.select_one("a.answer-yes")["href"].startswith("https://")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_at_most_one_reminder_per_person_per_version(eleven_days_later, read_outbox, outbox):
    tasks.send_reminders(eleven_days_later.pk, 10)
    for path in outbox.glob("*.eml"):
        path.unlink()
    assert tasks.send_reminders(eleven_days_later.pk, 10) == 0
    assert read_outbox() == {}
    delivery = Delivery.objects.get(email="anna@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(delivery=delivery)
    assert Reminder.objects.count() == 2


def test_not_before_n_days(outreach_sent, read_outbox, outbox):
    _document, _version, mailing = outreach_sent
    for path in outbox.glob("*.eml"):
        path.unlink()
    sent_days_ago(9)
    assert tasks.send_reminders(mailing.pk, 10) == 0
    assert tasks.send_reminders(mailing.pk) == 0  # the default is 10 days
    sent_days_ago(10)
    assert tasks.send_reminders(mailing.pk) == 5
    assert len(read_outbox()) == 5


def test_an_answer_after_planning_still_prevents_the_reminder(eleven_days_later, read_outbox):
    anna = Contact.objects.get(email="anna@example.org")
    answer_record(
        link=AnswerLink(contact_id=anna.pk, mailing_id=eleven_days_later.pk, answer="yes"), answer="yes"
    )
    tasks.send_reminders(eleven_days_later.pk, 10)
    assert set(read_outbox()) == {"dewi@example.org"}


def test_the_editor_plans_the_reminder_as_a_django_q_schedule(client, admin_user, outreach_sent):
    _document, _version, mailing = outreach_sent
    client.force_login(admin_user)
    response = client.post(f"/admin/nieuwsbrief/kandidaten/?verzending={mailing.pk}", {"days": "10"})
    assert response.status_code == 302
    schedule = Schedule.objects.get(name=f"outreach-reminder-{mailing.pk}")
    assert schedule.func == "newsletter.outreach.tasks.send_reminders"
    assert schedule.schedule_type == Schedule.ONCE
    assert eval(schedule.args) == (mailing.pk, 10)  # noqa: S307 - django-q stores args as a repr
    expected = (mailing.finished_at or mailing.frozen_at) + dt.timedelta(days=10)
    assert abs(schedule.next_run - expected) < dt.timedelta(seconds=5)
    client.post(f"/admin/nieuwsbrief/kandidaten/?verzending={mailing.pk}", {"days": "3"})
    assert Schedule.objects.filter(func="newsletter.outreach.tasks.send_reminders").count() == 1
    assert (
        "Gepland op" in client.get(f"/admin/nieuwsbrief/kandidaten/?verzending={mailing.pk}").content.decode()
    )
    assert (
        client.post(f"/admin/nieuwsbrief/kandidaten/?verzending={mailing.pk}", {"days": "-1"}).status_code
        == 200
    )
