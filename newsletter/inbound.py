"""Reacting by email: the provider's inbound webhook → one stored message → (in the background) one reaction.

Mounting: only the inbound URL of the provider named by `settings.INBOUND_EMAIL_PROVIDER` ("postmark",
"mailgun", "amazon_ses") exists (`inbound_webhook_urls()`); anymail authenticates it with
ANYMAIL["WEBHOOK_SECRET"] (basic auth) like the tracking webhooks, Mailgun's also with its signing key.

Receiving (`inbound_message_received`, on anymail's `inbound` signal): the message is stored once — keyed by its
Message-ID, else the provider's id — with what processing needs (sender, recipient, subject, body, a few
headers, attachment names and sizes, never their content); a second delivery of the same mail changes nothing.
Then a django-q2 task processes it by id (`inbound_message_process`): machine mail (auto-replies, bounces, our own
mail, oversized or spam) is set aside with its reason; anything else becomes a reaction of kind "per e-mail"
through `supporters.services.email_reaction_submit`, linked to what the signed Reply-To address says it answers
(a newsletter delivery: the version and, for candidates, the contact and party; a change notice: the version and
the activity), or to the document whose contact address it was sent to. The body is dropped once processed.
"""

import datetime as dt
import functools
import hashlib
import logging
from email.utils import getaddresses, parseaddr

from anymail.exceptions import AnymailConfigurationError, AnymailError
from anymail.signals import AnymailInboundEvent
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, path, re_path
from django.utils import timezone
from django_q.tasks import async_task
from wagtail.models import Page

from pages.models import DocumentPage
from supporters import services as supporter_services
from supporters.models import ChangeNotice
from supporters.personal_data import PersonalDataSource, record_ref
from supporters.replies import reply_reference

from . import inbound_mail
from .conf import newsletter_setting
from .models import (
    Delivery,
    InboundIgnoreReason,
    InboundMessage,
    InboundStatus,
    Subscriber,
    SubscriberSource,
)

logger = logging.getLogger(__name__)

BODY_LIMIT = 200_000  # characters of body kept until processing; a reaction holds at most 2,000


def _inbound_views() -> dict[str, list[tuple[str, bool, type]]]:
    from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
    from anymail.webhooks.mailgun import MailgunInboundWebhookView
    from anymail.webhooks.postmark import PostmarkInboundWebhookView

    return {
        "postmark": [("postmark/inbound/", False, PostmarkInboundWebhookView)],
        # Mailgun posts parsed fields to .../inbound/ or the raw MIME to .../inbound_mime/.
        "mailgun": [(r"^mailgun/inbound(_mime)?/$", True, MailgunInboundWebhookView)],
        "amazon_ses": [("amazon_ses/inbound/", False, AmazonSESInboundWebhookView)],
    }


INBOUND_PROVIDERS = ("postmark", "mailgun", "amazon_ses")


def inbound_provider() -> str:
    """The configured inbound provider ("" for none); an unknown name is a configuration error."""
    name = (getattr(settings, "INBOUND_EMAIL_PROVIDER", "") or "").strip().lower()
    if name and name not in INBOUND_PROVIDERS:
        raise ImproperlyConfigured(
            f"INBOUND_EMAIL_PROVIDER={name!r} is not supported; choose one of {', '.join(INBOUND_PROVIDERS)}."
        )
    return name


def _tolerant(view):
    """Read the whole body before anymail does, so a mail with large attachments is not refused by Django's
    2.5 MB form limit (its size is judged after parsing); a body anymail cannot parse is the sender's error
    (400), not ours (500)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest()
        if length > 3 * newsletter_setting("INBOUND_MAX_BYTES"):
            return HttpResponse(status=413)
        if request.method == "POST" and not hasattr(request, "_body"):
            request._body = request.read()
        try:
            return view(request, *args, **kwargs)
        except (
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            UnicodeDecodeError,
            AnymailError,
            AnymailConfigurationError,  # e.g. a tracking webhook pointed at the inbound URL
        ):
            logger.warning("Malformed inbound webhook at %s", request.path, exc_info=True)
            return HttpResponseBadRequest()

    return wrapped


def inbound_webhook_urls(provider: str | None = None) -> list[URLPattern]:
    """The inbound webhook URL(s) of the configured provider only (others are not mounted: 404)."""
    provider = inbound_provider() if provider is None else provider
    if not provider:
        return []
    patterns = []
    for route, is_regex, view_class in _inbound_views()[provider]:
        make = re_path if is_regex else path
        patterns.append(make(route, _tolerant(view_class.as_view()), name=f"{provider}_inbound_webhook"))
    return patterns


# --- receiving: store once ---


def _message_key(esp_name: str, event: AnymailInboundEvent, message) -> str:
    message_id = " ".join(str(message.get("Message-ID") or "").split()).strip()
    if message_id:
        return ("mid:" + message_id)[:255]
    if event.event_id:
        return f"esp:{esp_name}:{event.event_id}"[:255]
    raw = f"{message.get('From')}|{message.get('Date')}|{message.get('Subject')}|{message.text or ''}"
    return "sha256:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def _text(value, limit: int) -> str:
    text = str(value or "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")[:limit]


def _sender(message) -> tuple[str, str]:
    sender = message.from_email
    if isinstance(sender, list):
        sender = sender[0] if sender else None
    if sender is None:
        name, address = parseaddr(str(message.get("From") or ""))
        return name, address.strip().lower()
    return str(sender.display_name or ""), str(sender.addr_spec or "").strip().lower()


def _recipients(message) -> list[str]:
    found = [message.envelope_recipient] if message.envelope_recipient else []
    for header in ("To", "Cc", "Delivered-To", "X-Original-To", "Bcc"):
        values = [str(value) for value in message.get_all(header) or []]
        found += [address for _name, address in getaddresses(values)]
    return [address.strip().lower() for address in found if address and "@" in address]


def _size(message) -> int:
    try:
        return len(message.as_bytes())
    except Exception:
        return len(str(message).encode("utf-8", "replace"))


def inbound_message_record(*, esp_name: str, event: AnymailInboundEvent) -> int | None:
    """Store the message once; its id when new, None when this mail was stored before."""
    message = event.message
    name, address = _sender(message)
    recipients = _recipients(message)
    recipient = next((r for r in recipients if reply_reference(r)), recipients[0] if recipients else "")
    attachments, has_report = inbound_mail.parts_summary(message)
    headers = inbound_mail.kept_headers(message)
    headers["x-kvm-envelope-sender"] = message.envelope_sender
    headers["x-kvm-has-report"] = has_report
    headers["x-kvm-spam"] = message.spam_detected
    size = _size(message)
    too_large = size > newsletter_setting("INBOUND_MAX_BYTES")
    fields = {
        "esp": _text(esp_name, 40),
        "from_name": _text(name, 200),
        "from_email": _text(address, 254) or None,
        "recipient": _text(recipient, 254),
        "subject": _text(message.subject, 200),
        "body_text": "" if too_large else _text(message.text, BODY_LIMIT),
        "body_html": "" if too_large else _text(message.html, BODY_LIMIT),
        "headers": headers,
        "attachments": attachments,
        "size": min(size, 2**31 - 1),
    }
    if too_large:
        fields.update(status=InboundStatus.IGNORED, ignore_reason=InboundIgnoreReason.TOO_LARGE)
        fields["processed_at"] = timezone.now()
    try:
        with transaction.atomic():
            stored = InboundMessage.objects.create(
                message_key=_message_key(esp_name, event, message), **fields
            )
    except IntegrityError:
        return None
    return None if too_large else stored.pk


def inbound_message_received(*, esp_name: str, event: AnymailInboundEvent) -> None:
    message_pk = inbound_message_record(esp_name=esp_name, event=event)
    if message_pk is not None:
        transaction.on_commit(lambda: async_task("newsletter.tasks.process_inbound_message", message_pk))


# --- processing: by id, in the background ---


def _document_for(address: str) -> Page | None:
    documents = DocumentPage.objects.live().order_by("path")
    return (address and documents.filter(contact_email__iexact=address).first()) or documents.first()


def inbound_link(message: InboundMessage) -> dict:
    """What the mail answers, from its signed reply address: target page, version and contact (or the document)."""
    link = {"target": None, "version": None, "contact": None}
    reference = reply_reference(message.recipient)
    if reference is not None:
        kind, pk = reference
        if kind == "d":
            delivery = (
                Delivery.objects.filter(pk=pk)
                .select_related("mailing__version__document", "subscriber__contact__organisation")
                .first()
            )
            if delivery is not None:
                version = delivery.mailing.version
                link.update(target=version.document, version=version)
                subscriber = delivery.subscriber
                link["contact"] = subscriber.contact if subscriber and subscriber.contact_id else None
        elif kind == "c":
            notice = ChangeNotice.objects.filter(pk=pk).select_related("version__document").first()
            if notice is not None:
                activity = Page.objects.filter(pk__in=notice.activity_ids or []).order_by("path").first()
                link.update(target=activity or notice.version.document, version=notice.version)
    if link["target"] is None:
        link["target"] = _document_for(message.recipient)
    return link


def _reason(message: InboundMessage) -> str:
    headers = message.headers or {}
    if not message.from_email:
        return InboundIgnoreReason.NO_SENDER
    machine = inbound_mail.machine_reason(
        from_email=message.from_email,
        headers=headers,
        envelope_sender=headers.get("x-kvm-envelope-sender"),
        has_report=bool(headers.get("x-kvm-has-report")),
    )
    if machine:
        return machine
    if headers.get("x-kvm-spam") is True:
        return InboundIgnoreReason.SPAM
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    earlier = (
        InboundMessage.objects.filter(from_email=message.from_email, received_at__gte=hour_ago)
        .exclude(pk=message.pk)
        .count()
    )
    if earlier >= newsletter_setting("INBOUND_PER_SENDER_PER_HOUR"):
        return InboundIgnoreReason.RATE_LIMITED
    return ""


def _opted_in(email: str) -> bool:
    """A subscriber who confirmed the newsletter themselves (double opt-in); an imported address never opted in."""
    return Subscriber.objects.filter(
        email=email, confirmed_at__isnull=False, source=SubscriberSource.FORM
    ).exists()


def inbound_message_process(*, message_pk: int) -> None:
    """Turn one stored message into a reaction, or set it aside with the reason; processing twice is harmless."""
    with transaction.atomic():
        message = (
            InboundMessage.objects.select_for_update()
            .filter(pk=message_pk, status=InboundStatus.RECEIVED)
            .first()
        )
        if message is None:
            return
        reason = _reason(message)
        text = "" if reason else inbound_mail.new_text(text=message.body_text, html=message.body_html)
        if not reason and not text:
            reason = InboundIgnoreReason.EMPTY
        if reason:
            message.status, message.ignore_reason = InboundStatus.IGNORED, reason
        else:
            link = inbound_link(message)
            message.reaction = supporter_services.email_reaction_submit(
                target=link["target"],
                name=message.from_name,
                email=message.from_email,
                text=text,
                subject=message.subject,
                version=link["version"],
                contact=link["contact"],
                attachments=message.attachments,
                sender_confirmed=_opted_in(message.from_email),
                source=f"e-mail aan {message.recipient}" if message.recipient else "e-mail",
            )
            message.status = InboundStatus.REACTION
        message.body_text = message.body_html = ""
        message.processed_at = timezone.now()
        message.save()
    logger.info("Inbound message %s: %s %s", message_pk, message.status, message.ignore_reason)


# --- privacy: self-contained, connected to supporters' export and erasure signals ---


def inbound_personal_data(*, email: str) -> list[dict]:
    """The received emails from this address (never their bodies, which are dropped once processed)."""
    email = supporter_services.normalise_email(email)
    return [
        {
            "record": record_ref(row),
            "ontvangen op": row.received_at.isoformat(),
            "aan": row.recipient,
            "naam": row.from_name,
            "onderwerp": row.subject,
            "status": row.get_status_display(),
            "reden": row.get_ignore_reason_display() if row.ignore_reason else "",
            "bijlagen (niet bewaard)": row.attachments,
        }
        for row in InboundMessage.objects.filter(from_email=email).order_by("received_at")
    ]


def inbound_personal_data_erase(*, email: str) -> int:
    """Remove every received email from this address (the reactions they became are erased by supporters)."""
    email = supporter_services.normalise_email(email)
    return InboundMessage.objects.filter(from_email=email).delete()[0]


@register(Tags.security, deploy=True)
def inbound_webhook_check(app_configs, **kwargs) -> list:
    """An inbound webhook without authentication would let anyone fill the moderation inbox."""
    try:
        provider = inbound_provider()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="newsletter.E017")]
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    problems = []
    if provider and not anymail.get("WEBHOOK_SECRET"):
        problems.append(
            Error(
                f"INBOUND_EMAIL_PROVIDER={provider!r} is set without ANYMAIL['WEBHOOK_SECRET'].",
                hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' and give the provider the inbound URL with "
                "those credentials.",
                id="newsletter.E018",
            )
        )
    if provider == "mailgun" and not (
        anymail.get("MAILGUN_WEBHOOK_SIGNING_KEY") or anymail.get("MAILGUN_API_KEY")
    ):
        problems.append(
            Error(
                "Mailgun's inbound webhook needs ANYMAIL['MAILGUN_WEBHOOK_SIGNING_KEY'] to check signatures.",
                id="newsletter.E019",
            )
        )
    return problems


def _inbound_collect(person) -> dict:
    return inbound_personal_data(email=person.email)


def _inbound_erase(person) -> None:
    inbound_personal_data_erase(email=person.email)


def _inbound_names(email: str) -> list[str]:
    email = supporter_services.normalise_email(email)
    return list(
        InboundMessage.objects.filter(from_email=email)
        .exclude(from_name="")
        .values_list("from_name", flat=True)
    )


INBOUND_SOURCE = PersonalDataSource(
    section="ontvangen e-mails",
    models=("newsletter.InboundMessage",),
    collect=_inbound_collect,
    erase=_inbound_erase,
    names=_inbound_names,
)
