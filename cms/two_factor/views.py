"""The code page after signing in, and the editor's own set-up page (Account → Tweestapsverificatie)."""

import django_otp
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import devices
from .forms import CodeForm

WRONG_CODE = _(
    "Deze code klopt niet of is verlopen. Probeer het opnieuw; na een paar fouten moet u even wachten."
)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


@require_http_methods(["GET", "POST"])
def verify(request):
    """Ask for a code (app or backup) once per session; `django_otp.match_token` throttles repeated failures."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    return TemplateResponse(request, "cms/two_factor/verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def settings_view(request):
    """Status, and the three things an editor does here: turn it on, get new backup codes, turn it off."""
    user = request.user
    action = request.POST.get("action")
    form = CodeForm(request.POST if action in {"confirm", "disable"} else None)
    context = {"form": form}
    if action == "start":
        devices.enrolment_start(user=user)
        return redirect("kvm_two_factor")
    if action == "confirm" and form.is_valid():
        pending = devices.enrolment_pending(user)
        if pending is not None and pending.verify_token(form.cleaned_data["code"]):
            context["backup_codes"] = devices.enrolment_confirm(device=pending)
            django_otp.login(request, pending)
            messages.success(request, _("Tweestapsverificatie staat aan."))
        else:
            form.add_error("code", WRONG_CODE)
    if action == "renew" and user.is_verified():
        context["backup_codes"] = devices.backup_codes_renew(user=user)
    if action == "disable" and form.is_valid():
        if django_otp.match_token(user, form.cleaned_data["code"]) is not None:
            devices.two_factor_disable(user=user)
            messages.success(request, _("Tweestapsverificatie staat uit."))
            return redirect("kvm_two_factor")
        form.add_error("code", WRONG_CODE)

    pending = None if devices.two_factor_enabled(user) else devices.enrolment_pending(user)
    context.update(
        enabled=devices.two_factor_enabled(user),
        backup_codes_left=devices.backup_codes_left(user),
        enrolment=devices.enrolment_shown(pending) if pending else None,
    )
    return TemplateResponse(request, "cms/two_factor/settings.html", context)
