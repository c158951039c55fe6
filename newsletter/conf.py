"""The one place the newsletter app reads its options: `settings.KVM_NEWSLETTER`, a dict, with these defaults."""

from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

DEFAULTS: dict[str, Any] = {
    # Recipients claimed and handed to the provider per call. Postmark's bulk and batch APIs take 500 messages per
    # call, Mailgun's batch sending 1,000 recipients.
    "BATCH_SIZE": 500,
    # At most this many recipients per second for one mailing, over all its senders; None: as fast as possible.
    # The site's settings fill it from the NEWSLETTER_MAX_PER_SECOND environment variable.
    "MAX_PER_SECOND": None,
    # Send tasks started in parallel for one mailing (each claims its own batches).
    "SENDERS": 2,
    # PostgreSQL: the senders of a mailing claim, render and encode side by side but take turns at the provider,
    # so that however many die at once (a whole worker killed), at most one batch becomes uncertain. Off: each
    # sender has at most one batch in the provider's hands, so a whole worker killed leaves at most SENDERS batches
    # uncertain — and the provider calls overlap, which is most of the senders' speed (see the README's figures).
    "ONE_HAND_OVER_AT_A_TIME": False,
    # Attempts per recipient before a transient provider error becomes "failed".
    "MAX_ATTEMPTS": 5,
    # Backoff after a transient error: BASE × 2^(attempt − 1) seconds, at most MAX.
    "RETRY_BACKOFF_SECONDS": 30,
    "RETRY_BACKOFF_MAX_SECONDS": 3600,
    # How long a claimed batch belongs to its sender without news from it. A live sender renews its lease (and
    # its heartbeat) every third of this, also while it waits for the provider; a batch whose lease ran out is its
    # sender's crash: rows not yet handed over are claimed again, rows being handed over become "uncertain".
    # A dead sender is noticed within this plus django-q's scheduler cycle (30 s).
    "CLAIM_LEASE_SECONDS": 20,
    # A send task stops after this long and queues its own continuation (stay below Q_CLUSTER's timeout).
    "TASK_TIME_BUDGET_SECONDS": 120,
    # Soft bounces (mailbox full, greylisting …) suppress an address only when this many arrive within the window.
    "SOFT_BOUNCE_LIMIT": 3,
    "SOFT_BOUNCE_WINDOW_DAYS": 30,
    # Lifetime of the preference and unsubscribe links in newsletters (RFC 8058 wants them to keep working).
    "LINK_MAX_AGE_SECONDS": 2 * 365 * 24 * 3600,
    # Merge-field syntax of the provider's batch API, e.g. "{{{%s}}}" (Postmark bulk API) or "%%recipient.%s%%"
    # (Mailgun). None: recognise the configured anymail backend; "": never use provider-side merging.
    "MERGE_FIELD_FORMAT": None,
    # Email templates an audience can use: key → (template name, label); `candidate` and `party_leader` are the
    # outreach's (newsletter/outreach/).
    "EMAIL_TEMPLATES": {
        "full": ("newsletter/email/full.html", _("Volledige tekst")),
        "summary": ("newsletter/email/summary.html", _("Samenvatting met links")),
        "candidate": ("newsletter/email/candidate.html", _("Kandidaten: pleidooi en verzoek om dialoog")),
        "party_leader": ("newsletter/email/party_leader.html", _("Fractieleiders: dialoogaanbod en debat")),
    },
    # Outreach: a reminder goes to candidates and party leaders who have not answered this many days after the
    # version was sent (the editor may choose another number when planning it).
    "REMINDER_AFTER_DAYS": 10,
    # Candidates' commitments per call: how long the signed links in their mail stay valid, and after how many
    # "this call changed, do you still stand by it?" mails without an answer we stop asking about that call.
    "COMMITMENT_LINK_MAX_AGE_SECONDS": 180 * 24 * 3600,
    "COMMITMENT_MAX_ASKS": 2,
    # Domain used in List-Id headers; None: "nieuwsbrief." + the host of BASE_URL.
    "LIST_ID_DOMAIN": None,
    # The mailto: address in List-Unsubscribe; None: the address of DEFAULT_FROM_EMAIL.
    "UNSUBSCRIBE_MAILTO": None,
    # Whose tracking webhook is mounted at /nieuwsbrief/provider/<esp>/tracking/ (anymail's name, e.g. "postmark").
    # None: the provider of the anymail backend in EMAIL_BACKEND; "": none. See newsletter/webhooks.py.
    "TRACKING_PROVIDER": None,
    # Reacting by email (newsletter/inbound.py): a received mail larger than this (attachments included) becomes
    # no reaction; one sender's mails beyond this many per hour are set aside.
    "INBOUND_MAX_BYTES": 10 * 1024 * 1024,
    "INBOUND_PER_SENDER_PER_HOUR": 10,
}


def newsletter_setting(name: str) -> Any:
    """Return one option of the newsletter app; unknown names are a configuration error, not a silent None."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(
            f"KVM_NEWSLETTER has no option {name!r}; known options: {', '.join(DEFAULTS)}."
        )
    options = getattr(settings, "KVM_NEWSLETTER", {})
    if not isinstance(options, dict):
        raise ImproperlyConfigured("KVM_NEWSLETTER must be a dict.")
    value = options.get(name, DEFAULTS[name])
    positive = {
        "BATCH_SIZE",
        "SENDERS",
        "MAX_ATTEMPTS",
        "SOFT_BOUNCE_LIMIT",
        "SOFT_BOUNCE_WINDOW_DAYS",
        "INBOUND_MAX_BYTES",
        "INBOUND_PER_SENDER_PER_HOUR",
    }
    if name in positive and (not isinstance(value, int) or value < 1):
        raise ImproperlyConfigured(f"KVM_NEWSLETTER[{name!r}] must be a positive whole number.")
    if name == "LIST_ID_DOMAIN" and not value:
        from pages.conf import pages_setting

        value = "nieuwsbrief." + (urlsplit(pages_setting("BASE_URL")).hostname or "localhost")
    if name == "UNSUBSCRIBE_MAILTO" and not value:
        value = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if name == "MAX_PER_SECOND" and value is not None:
        try:
            value = float(value)
        except (TypeError, ValueError) as error:
            raise ImproperlyConfigured(
                "KVM_NEWSLETTER['MAX_PER_SECOND'] must be a number or None."
            ) from error
        value = value if value > 0 else None
    return value
