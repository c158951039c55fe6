"""Public views: the three forms, the confirmation page (one POST button), change answers, export and erasure.

Views parse input, apply abuse protection and call services; they never write themselves. A bad, expired or
tampered token answers 400 with a Dutch explanation and stores nothing. CSRF protects every form except the
token pages, where the signed token is the authorisation (mail clients may open them without cookies).
"""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from . import intake, selectors, services
from .forms import ChangeItemForm, DataRequestForm, RegistrationForm
from .models import ChangeNotice
from .protection import RATE_LIMITED_MESSAGE, mail_allowed, rate_limited, retry_after_seconds
from .services.notifications import CHANGE_PURPOSE
from .services.privacy import ERASE_PURPOSE, EXPORT_PURPOSE
from .services.registrations import registration_from_cancel_token
from .services.submissions import ChangeAnswer, pending_submission
from .tokens import InvalidToken, read_token


def _target_or_404(page_id: int, types: tuple[type, ...] = intake.TARGET_TYPES) -> Page:
    page = intake.public_target(page_id, types)
    if page is None:
        raise Http404
    return page


def _source_url(request, page: Page) -> str:
    return request.META.get("HTTP_REFERER") or page.get_full_url(request) or ""


def invalid_token(request) -> HttpResponse:
    return render(
        request,
        "supporters/message.html",
        {
            "title": _("Deze link werkt niet (meer)"),
            "text": _(
                "De link is verlopen, onvolledig overgenomen of al vervangen door een nieuwere. Er is niets "
                "opgeslagen. Vul het formulier opnieuw in om een nieuwe link te ontvangen."
            ),
        },
        status=400,
    )


def too_many(request) -> HttpResponse:
    response = render(
        request,
        "supporters/message.html",
        {"title": _("Even geduld"), "text": RATE_LIMITED_MESSAGE},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds())
    return response


def _submission(request, page_id: int, *, kind: intake.SubmissionKind, form_id: str, title: str):
    """GET shows the form on its own page; POST takes the submission in through `supporters.intake`."""
    page = _target_or_404(page_id, kind.page_types)
    context = {"page": page, "form_id": form_id, "title": title % {"title": page.title}}
    if request.method != "POST":
        return render(request, "supporters/form_page.html", {**context, "form": kind.form_class()})
    form = kind.form_class(request.POST)
    outcome = intake.submission_take(
        request, kind=kind, page=page, form=form, source_url=_source_url(request, page)
    )
    if outcome is intake.Outcome.INVALID:
        return render(request, "supporters/form_page.html", {**context, "form": form}, status=400)
    if outcome is intake.Outcome.RATE_LIMITED:
        return too_many(request)
    # Identical for new, known, already confirmed and bot submissions.
    return render(
        request,
        "supporters/message.html",
        {
            "page": page,
            "title": _("Bijna klaar: kijk in uw e-mail"),
            "text": intake.ACCEPTED_MESSAGE,
            "back_url": page.url,
        },
    )


@require_http_methods(["GET", "POST"])
def endorse(request, page_id: int):
    return _submission(
        request, page_id, kind=intake.ENDORSE, form_id="endorse-form", title=_("Steun “%(title)s”")
    )


@require_http_methods(["GET", "POST"])
def signup(request, page_id: int):
    return _submission(
        request, page_id, kind=intake.SIGN_UP, form_id="signup-form", title=_("Aanmelden voor “%(title)s”")
    )


@require_http_methods(["GET", "POST"])
def react(request, page_id: int):
    return _submission(
        request, page_id, kind=intake.REACT, form_id="reaction-form", title=_("Reageren op “%(title)s”")
    )


def reactions(request, page_id: int):
    """Approved reactions on a page (the document links here; call and activity pages show them inline)."""
    page = _target_or_404(page_id)
    return render(
        request,
        "supporters/reactions.html",
        {"page": page, "reactions": selectors.approved_reactions(target_id=page.pk)},
    )


CONFIRM_TEXTS = {
    "agenda": (_("Bevestig uw aanmelding voor de bijeenkomst"), _("U bent aangemeld")),
    "steun": (_("Bevestig uw steun"), _("Uw steun telt mee")),
    "aanmelding": (_("Bevestig uw aanmelding"), _("U bent aangemeld")),
    "reactie": (_("Bevestig uw reactie"), _("Dank u, uw reactie is ontvangen")),
}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm(request, kind: str, token: str):
    """GET shows one confirm button (so link scanners confirm nothing); POST confirms, harmlessly twice."""
    try:
        submission = pending_submission(kind=kind, token=token)
    except InvalidToken:
        return invalid_token(request)
    ask, done = CONFIRM_TEXTS[kind]
    target = getattr(submission, "target", None) or getattr(submission, "activity", None)
    event = getattr(submission, "event", None)
    if event is not None:
        target = event.activity
    if request.method != "POST":
        return render(
            request,
            "supporters/confirm.html",
            {
                "title": ask,
                "target": target,
                "event": event,
                "submission": submission,
                "preview": selectors.confirmation_preview(submission=submission),
                "button": _("Ja, ik bevestig"),
            },
        )
    try:
        result = services.submission_confirm(kind=kind, token=token)
    except InvalidToken:
        return invalid_token(request)
    context = {
        "title": done,
        "target": target,
        "event": event,
        "result": result,
        "submission": result.submission,
    }
    if event is not None:
        context["rows"] = list(result.submission.parts.select_related("part"))
    return render(request, "supporters/confirmed.html", context)


def _change_forms(request, notice: ChangeNotice):
    endorsements, signups = selectors.change_notice_items(notice=notice)
    activities = selectors.move_choices(notice=notice)
    data = request.POST if request.method == "POST" else None
    items = [(f"e{item.pk}", item, item.target) for item in endorsements]
    items += [(f"s{item.pk}", item, item.activity) for item in signups]
    return [
        (submission, page, ChangeItemForm(data, prefix=prefix, activities=activities))
        for prefix, submission, page in items
    ]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def change(request, token: str):
    """After an activity changed: keep, move or withdraw each of the person's endorsements and sign-ups."""
    try:
        payload = read_token(CHANGE_PURPOSE, token)
    except InvalidToken:
        return invalid_token(request)
    notice = ChangeNotice.objects.filter(pk=payload.get("id")).select_related("version__document").first()
    if notice is None:
        return invalid_token(request)
    forms = _change_forms(request, notice)
    if request.method == "POST" and all(form.is_valid() for _s, _p, form in forms):
        changed = services.change_answer_apply(
            answers=[
                ChangeAnswer(
                    submission=s, action=form.cleaned_data["action"], move_to=form.cleaned_data.get("move_to")
                )
                for s, _p, form in forms
            ]
        )
        return render(
            request,
            "supporters/message.html",
            {
                "title": _("Uw keuze is verwerkt"),
                "text": _("Aangepast: %(n)s. De rest blijft zoals het was.") % {"n": changed},
            },
        )
    return render(
        request,
        "supporters/change.html",
        {"notice": notice, "version": notice.version, "forms": forms},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def data_request(request):
    """Ask for an export or erasure: the links are emailed, whatever is (or is not) stored about the address."""
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, group="supporters:data"):
            return too_many(request)
        email = form.cleaned_data["email"]
        if not form.is_probably_bot() and mail_allowed(request, group="supporters:data", email=email):
            services.personal_data_request(email=email)
        return render(
            request,
            "supporters/message.html",
            {
                "title": _("Kijk in uw e-mail"),
                "text": _(
                    "Als dit adres bij ons bekend is, of niet: u ontvangt een e-mail met een link om uw gegevens "
                    "te downloaden en een link om ze te laten verwijderen. De links zijn 7 dagen geldig."
                ),
            },
        )
    return render(
        request,
        "supporters/data_request.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _email_from(purpose: str, token: str) -> str | None:
    try:
        return services.email_from_token(purpose, token) or None
    except InvalidToken:
        return None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def data_export(request, token: str):
    email = _email_from(EXPORT_PURPOSE, token)
    if email is None:
        return invalid_token(request)
    if request.method != "POST":
        return render(
            request,
            "supporters/confirm.html",
            {
                "title": _("Uw gegevens downloaden"),
                "text": _("U krijgt een JSON-bestand met alles wat wij over uw e-mailadres bewaren."),
                "button": _("Download mijn gegevens"),
            },
        )
    data = services.personal_data_collect(email=email)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    filename = f"kracht-van-mokum-gegevens-{timezone.now():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def data_erase(request, token: str):
    email = _email_from(ERASE_PURPOSE, token)
    if email is None:
        return invalid_token(request)
    if request.method != "POST":
        return render(
            request,
            "supporters/confirm.html",
            {
                "title": _("Uw gegevens laten verwijderen"),
                "text": _(
                    "Wij verwijderen uw naam, e-mailadres, boodschappen, reacties en aanmeldingen. Uw steun blijft "
                    "alleen als anoniem getal meetellen. Dit kan niet ongedaan worden gemaakt."
                ),
                "button": _("Verwijder mijn gegevens"),
            },
        )
    services.personal_data_erase(email=email)
    return render(
        request,
        "supporters/message.html",
        {
            "title": _("Uw gegevens zijn verwijderd"),
            "text": _("Wij bewaren niets meer dat naar u herleidbaar is."),
        },
    )


@require_http_methods(["GET", "POST"])
def register(request, event_id: int):
    """An event's registration form on its own page (GET); POST takes it in through `supporters.intake`."""
    event = intake.public_event(event_id)
    if event is None:
        raise Http404
    title = _("Aanmelden voor “%(title)s”") % {"title": event.display_title}
    context = {"page": event.activity, "event": event, "form_id": "rsvp-form", "title": title}
    if request.method != "POST":
        return render(
            request, "supporters/form_page.html", {**context, "form": RegistrationForm(event=event)}
        )
    form = RegistrationForm(request.POST, event=event)
    source_url = request.META.get("HTTP_REFERER") or request.build_absolute_uri()
    outcome = intake.submission_take(
        request, kind=intake.REGISTER, page=event, form=form, source_url=source_url
    )
    if outcome is intake.Outcome.INVALID:
        return render(request, "supporters/form_page.html", {**context, "form": form}, status=400)
    if outcome is intake.Outcome.RATE_LIMITED:
        return too_many(request)
    return render(
        request,
        "supporters/message.html",
        {
            "page": event.activity,
            "title": _("Bijna klaar: kijk in uw e-mail"),
            "text": intake.ACCEPTED_MESSAGE,
            "back_url": reverse("pages:event", args=[event.pk]),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def registration_cancel(request, token: str):
    """The cancel link in every registration email: GET asks (one button), POST cancels, harmlessly twice."""
    registration = registration_from_cancel_token(token)
    if registration is None:
        return invalid_token(request)
    event = registration.event
    if request.method != "POST":
        return render(
            request,
            "supporters/confirm.html",
            {
                "title": _("Aanmelding intrekken"),
                "text": _(
                    "Wilt u zich afmelden voor “%(title)s” (%(when)s)? Uw plaats gaat dan naar wie wacht."
                )
                % {"title": event.display_title if event else "", "when": event.when if event else ""},
                "button": _("Ja, meld mij af"),
            },
        )
    services.registration_cancel(registration=registration)
    return render(
        request,
        "supporters/message.html",
        {
            "title": _("Uw aanmelding is ingetrokken"),
            "text": _("Dank u voor het laten weten. U kunt zich altijd opnieuw aanmelden."),
            "back_url": reverse("pages:event", args=[event.pk]) if event else "",
        },
    )
