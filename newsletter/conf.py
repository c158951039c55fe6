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
    # Attempts per recipient before a transient provider error becomes "failed".
    "MAX_ATTEMPTS": 5,
    # Backoff after a transient error: BASE × 2^(attempt − 1) seconds, at most MAX.
    "RETRY_BACKOFF_SECONDS": 30,
    "RETRY_BACKOFF_MAX_SECONDS": 3600,
    # How long a claimed batch belongs to its sender. A batch still claimed after this is its sender's crash:
    # rows not yet handed over are claimed again, rows that were being handed over become "uncertain".
    # Keep it well above the provider's HTTP timeout (ANYMAIL REQUESTS_TIMEOUT, 30 s by default).
    "CLAIM_LEASE_SECONDS": 600,
    # A send task stops after this long and queues its own continuation (stay below Q_CLUSTER's timeout).
    "TASK_TIME_BUDGET_SECONDS": 120,
    # Lifetime of the preference and unsubscribe links in newsletters (RFC 8058 wants them to keep working).
    "LINK_MAX_AGE_SECONDS": 2 * 365 * 24 * 3600,
    # Merge-field syntax of the provider's batch API, e.g. "{{{%s}}}" (Postmark bulk API) or "%%recipient.%s%%"
    # (Mailgun). None: recognise the configured anymail backend; "": never use provider-side merging.
    "MERGE_FIELD_FORMAT": None,
    # Email templates an audience can use: key → (template name, label). The candidates issue adds its own.
    "EMAIL_TEMPLATES": {
        "full": ("newsletter/email/full.html", _("Volledige tekst")),
        "summary": ("newsletter/email/summary.html", _("Samenvatting met links")),
    },
    # Domain used in List-Id headers; None: "nieuwsbrief." + the host of BASE_URL.
    "LIST_ID_DOMAIN": None,
    # The mailto: address in List-Unsubscribe; None: the address of DEFAULT_FROM_EMAIL.
    "UNSUBSCRIBE_MAILTO": None,
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
    if name in {"BATCH_SIZE", "SENDERS", "MAX_ATTEMPTS"} and (not isinstance(value, int) or value < 1):
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
