"""The one place the supporters app reads its options: `settings.KVM_SUPPORTERS`, a dict, with these defaults."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # How long a confirmation link (double opt-in, export, erasure) stays valid.
    "TOKEN_MAX_AGE_SECONDS": 7 * 24 * 3600,
    # A form submitted faster than this after it was shown is treated as a bot (and silently ignored).
    "MIN_FILL_SECONDS": 2,
    # django-ratelimit rates ("count/period") per client IP address and per email address.
    "RATE_PER_IP": "20/h",
    "RATE_PER_EMAIL": "5/h",
    # Reacting by email: replies go to "<REPLY_LOCAL_PART>+<signed reference>@<REPLY_DOMAIN>"; the plain
    # "<REPLY_LOCAL_PART>@<REPLY_DOMAIN>" is the document's. Empty domain: no Reply-To is set on outgoing mail.
    # The site's settings fill REPLY_DOMAIN from the REPLY_TO_DOMAIN environment variable.
    "REPLY_DOMAIN": "",
    "REPLY_LOCAL_PART": "reactie",
    # An unconfirmed sender gets at most one confirmation mail in this many seconds, however often they write.
    "EMAIL_CONFIRM_INTERVAL_SECONDS": 24 * 3600,
}


def supporters_setting(name: str) -> Any:
    """Return one option of the supporters app; unknown names are a configuration error."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(
            f"KVM_SUPPORTERS has no option {name!r}; known options: {', '.join(DEFAULTS)}."
        )
    options = getattr(settings, "KVM_SUPPORTERS", {})
    if not isinstance(options, dict):
        raise ImproperlyConfigured("KVM_SUPPORTERS must be a dict.")
    return options.get(name, DEFAULTS[name])
