"""Outreach writes: record an answer (keeping the history), send the one reminder, plan it as a django-q2 task."""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_q.models import Schedule

from pages.cache import invalidate_public_pages
from supporters.models import Contact

from ..conf import newsletter_setting
from ..links import LinkBuilder, recipient_token
from ..models import Delivery, Mailing
from ..render import render_message
from ..replies import delivery_reply_headers
from ..transport import send_email
from .links import AnswerLink, AnswerLinkBuilder
from .models import DialogueAnswer, Reminder
from .selectors import reminder_due

logger = logging.getLogger(__name__)

REMINDER_TASK = "newsletter.outreach.tasks.send_reminders"


def answer_record(
    *, link: AnswerLink, answer: str, message: str = "", preferred_contact: str = "", show_name: bool = False
) -> DialogueAnswer | None:
    """Record a person's answer once: the same answer again changes nothing; a different one becomes the current
    answer and the earlier stays in the history. None when the contact no longer exists."""
    fields = {
        "answer": answer,
        "message": message.strip(),
        "preferred_contact": preferred_contact.strip(),
        "show_name": show_name,
    }
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(pk=link.contact_id).first()
        if contact is None:
            return None
        current = DialogueAnswer.objects.filter(contact=contact, is_current=True).first()
        if current is not None and all(getattr(current, key) == value for key, value in fields.items()):
            return current
        if current is not None:
            DialogueAnswer.objects.filter(pk=current.pk).update(is_current=False)
        mailing_id = Mailing.objects.filter(pk=link.mailing_id).values_list("pk", flat=True).first()
        recorded = DialogueAnswer.objects.create(contact=contact, mailing_id=mailing_id, **fields)
    invalidate_public_pages()
    return recorded


def current_answer(*, contact_id: int) -> DialogueAnswer | None:
    return DialogueAnswer.objects.filter(contact_id=contact_id, is_current=True).first()


def _reminder_email(delivery: Delivery, *, links: LinkBuilder, answers: AnswerLinkBuilder):
    token = recipient_token(subscriber_id=delivery.subscriber_id, audience_key=delivery.audience.key)
    name = delivery.name
    context = {
        "greeting": _("Beste %(name)s,") % {"name": name} if name else _("Beste lezer,"),
        "sent_on": date_format(timezone.localtime(delivery.sent_at), "j F Y"),
        "version_url": delivery.mailing.version.full_url,
        "unsubscribe_url": links.unsubscribe(token),
        **answers.both(contact_id=delivery.subscriber.contact_id, mailing_id=delivery.mailing_id),
    }
    email = render_message(
        "newsletter/email/reminder.html",
        context,
        subject=_("Herinnering: ons verzoek om een gesprek"),
    )
    headers = {
        "List-Unsubscribe": links.list_unsubscribe_header(token),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        **delivery_reply_headers(delivery_id=delivery.pk),  # a reply is linked like one to the first mail
    }
    return email, headers


def reminders_send(*, mailing_id: int, days: int | None = None) -> int:
    """Send the one reminder to each outreach recipient of the mailing who has not answered `days` days after it
    was sent to them. A reminder row is claimed (unique per delivery) before sending, so nobody gets two, even when
    the task runs twice or a worker dies mid-way; a failed send is recorded, not retried."""
    mailing = Mailing.objects.select_related("version__document").filter(pk=mailing_id).first()
    if mailing is None:
        return 0
    days = newsletter_setting("REMINDER_AFTER_DAYS") if days is None else days
    due = reminder_due(mailing=mailing, sent_before=timezone.now() - dt.timedelta(days=days))
    links, answers = LinkBuilder(), AnswerLinkBuilder()
    sent = 0
    for delivery in due.select_related("audience", "mailing__version__document"):
        try:
            reminder = Reminder.objects.create(delivery=delivery)
        except IntegrityError:  # another run claimed this one
            continue
        try:
            email, headers = _reminder_email(delivery, links=links, answers=answers)
            send_email(email, to=delivery.email, name=delivery.name, headers=headers)
        except Exception as error:  # recorded for the editor; the reminder is not sent twice
            logger.warning("Reminder for delivery %s failed", delivery.pk, exc_info=True)
            Reminder.objects.filter(pk=reminder.pk).update(last_error=str(error)[:2000])
            continue
        Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def reminder_schedule(*, mailing: Mailing, days: int) -> Schedule:
    """Plan the reminder as a django-q2 task, `days` days after the mailing was sent (now, if that has passed).
    Planning again for the same mailing moves the one schedule."""
    start = mailing.finished_at or mailing.frozen_at or timezone.now()
    run_at = max(timezone.now(), start + dt.timedelta(days=days))
    schedule, _created = Schedule.objects.update_or_create(
        name=f"outreach-reminder-{mailing.pk}",
        defaults={
            "func": REMINDER_TASK,
            "args": repr((mailing.pk, days)),
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": run_at,
        },
    )
    return schedule
