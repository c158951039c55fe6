"""Abuse protection shared by every public form (and the API): honeypot, minimum fill time, rate limits.

Two limits: per visitor address (`rate_limited`: answered with 429 and `Retry-After`) and per email address
(`mail_allowed`: counts only the mails sent; beyond it nothing changes and the answer is the same).

Newsletter forms use it too: `newsletter` may read `supporters`.
"""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from .conf import supporters_setting

RATE_LIMITED_MESSAGE = _(
    "U heeft dit formulier te vaak verstuurd. Probeer het over een uur opnieuw, of mail ons als dat niet lukt."
)


class ProtectedForm(forms.Form):
    """A public form with a honeypot field and a signed 'shown at' stamp.

    `is_probably_bot()` is true when the honeypot is filled in or the form came back too fast; callers then
    answer exactly as on success and store nothing, so a bot learns nothing. With `timed=False` (clients that
    never showed the form, such as the headless API) only the honeypot counts; rate limits still apply.
    """

    website = forms.CharField(
        required=False,
        label=_("Laat dit veld leeg"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    shown_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, timed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.timed = timed
        if not self.is_bound:
            self.initial["shown_at"] = signing.dumps(time.time(), salt="kvm.form-shown-at")

    def is_probably_bot(self) -> bool:
        if self.cleaned_data.get("website"):
            return True
        if not self.timed:
            return False
        try:
            shown_at = float(signing.loads(self.cleaned_data.get("shown_at") or "", salt="kvm.form-shown-at"))
        except (signing.BadSignature, TypeError, ValueError):
            return True
        return time.time() - shown_at < supporters_setting("MIN_FILL_SECONDS")


def _email_key(email: str):
    return lambda group, request: (email or "").strip().lower()


def rate_limited(request, *, group: str) -> bool:
    """Count this submission against the per-IP limit (the address the trusted proxies report, `cms.client_ip`)."""
    return is_ratelimited(
        request, group=group, key="ip", rate=supporters_setting("RATE_PER_IP"), increment=True
    )


def mail_allowed(request, *, group: str, email: str) -> bool:
    """Count one mail to `email` against the per-address limit; False once the address has had its share.

    Callers ask only when a mail would go out and, when False, change nothing and answer as if it went: nobody can
    flood an inbox, and a stranger's posts in someone's name never get that person a 429 (nor tell the stranger
    anything). The links already mailed stay valid, because nothing about the entry changes.
    """
    return not is_ratelimited(
        request,
        group=f"{group}:email",
        key=_email_key(email),
        rate=supporters_setting("RATE_PER_EMAIL"),
        increment=True,
    )


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def retry_after_seconds() -> int:
    """The `Retry-After` of a 429: the length of the per-IP window (`RATE_PER_IP`, e.g. "20/h" → 3600)."""
    _count, _slash, period = supporters_setting("RATE_PER_IP").partition("/")
    multiple = period[:-1] or "1"
    return int(multiple) * _PERIODS[period[-1]] if multiple.isdigit() and period[-1:] in _PERIODS else 3600
