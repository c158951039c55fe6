"""Taking in a subscription, whichever door it comes through: the site's form or the headless API.

The same steps as the supporters' submissions (`supporters.intake`): the form validates, a probable bot is answered
as if all went well while nothing happens, the per-IP limit counts (429), an address that had its share of mails
changes nothing and gets the same answer, and otherwise
`services.subscription_request` records the request and sends the confirmation link.
"""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supporters.intake import Outcome
from supporters.protection import mail_allowed, rate_limited

from .forms import CONSENT_WORDING, SubscribeForm
from .services import subscription_request

RATE_LIMIT_GROUP = "newsletter-subscribe"

# The one answer to every accepted subscription, whether the address was new, known, suppressed or a bot's.
SENT_MESSAGE = _(
    "Als dit adres zich kan aanmelden, staat er binnen enkele minuten een e-mail met een bevestigingslink klaar. "
    "Pas na uw bevestiging sturen wij u de nieuwsbrief."
)


def subscription_take(request: HttpRequest, *, form: SubscribeForm, source_url: str) -> Outcome:
    """Validate, ignore bots, rate-limit and record one subscription request."""
    if not form.is_valid():
        return Outcome.INVALID
    if form.is_probably_bot():
        return Outcome.ACCEPTED
    email = form.cleaned_data["email"]
    if rate_limited(request, group=RATE_LIMIT_GROUP):
        return Outcome.RATE_LIMITED
    if not mail_allowed(request, group=RATE_LIMIT_GROUP, email=email):
        return Outcome.ACCEPTED  # the address had its share of links; the last one sent still works
    subscription_request(
        email=email,
        name=form.cleaned_data["name"],
        audience_keys=form.cleaned_data["audiences"],
        frequency=form.cleaned_data["frequency"],
        consent_wording=str(CONSENT_WORDING),
        source_url=source_url[:500],
    )
    return Outcome.ACCEPTED
