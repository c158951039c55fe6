"""Wagtail admin views for mailings (archive, progress, decisions) and for previewing and test-sending an email."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import mailings, preview
from .deliverability import report_chart
from .forms import PreviewForm, TestSendForm
from .models import Delivery, DeliveryStatus, Mailing, MailingStatus
from .selectors import mailing_archive, mailing_delivery_report, status_counts, uncertain_batches

DONE_STATUSES = (
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.SUPPRESSED,
    DeliveryStatus.UNCERTAIN,
)


class NewsletterAdminView(WagtailAdminTemplateMixin, TemplateView):
    """Base for the newsletter's admin pages: a required permission and the admin's page furniture."""

    permission = "newsletter.view_mailing"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("newsletter_admin:mailings"), "label": _("Verzendingen")},
            *(
                [{"url": "", "label": self.get_page_title()}]
                if self.get_page_title() != _("Verzendingen")
                else []
            ),
        ]


class MailingIndexView(NewsletterAdminView):
    """The archive: every mailing, newest first, with its counts and a link to the version's web page."""

    template_name = "newsletter/admin/mailing_index.html"
    page_title = gettext_lazy("Verzendingen")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(mailing_archive(), 25).get_page(self.request.GET.get("p"))
        counts: dict[int, dict[str, int]] = {}
        rows = (
            Delivery.objects.filter(mailing__in=[m.pk for m in page])
            .values("mailing_id", "status")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts.setdefault(row["mailing_id"], {})[row["status"]] = row["n"]
        for mailing in page:
            mailing.counts = counts.get(mailing.pk, {})
        context.update({"page_obj": page, "mailings": list(page)})
        return context


class MailingDetailView(NewsletterAdminView):
    """One mailing: counts by status, progress, pause/resume/cancel, the delivery report, the uncertain decision,
    the recipients."""

    template_name = "newsletter/admin/mailing_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.mailing = get_object_or_404(Mailing.objects.select_related("version__document"), pk=kwargs["pk"])

    def get_page_title(self):
        return _("Verzending van versie %(number)s") % {"number": self.mailing.version.number}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = status_counts(mailing=self.mailing)
        total = sum(counts.values())
        status_filter = self.request.GET.get("status", "")
        deliveries = self.mailing.deliveries.select_related("audience").order_by("id")
        if status_filter in DeliveryStatus.values:
            deliveries = deliveries.filter(status=status_filter)
        page = Paginator(deliveries, 50).get_page(self.request.GET.get("p"))
        report = mailing_delivery_report(mailing_id=self.mailing.pk)
        context.update(
            {
                "mailing": self.mailing,
                "report": report,
                "chart": report_chart(report),
                "counts": [(value, label, counts[value]) for value, label in DeliveryStatus.choices],
                "total": total,
                "done": sum(counts[s] for s in DONE_STATUSES),
                "uncertain": uncertain_batches(mailing=self.mailing),
                "events": list(self.mailing.events.all()),
                "page_obj": page,
                "status_filter": status_filter,
                "statuses": DeliveryStatus.choices,
                "can_change": self.request.user.has_perm("newsletter.change_mailing"),
                "is_sending": self.mailing.status == MailingStatus.SENDING,
            }
        )
        return context


ACTIONS = {
    "pause": (mailings.mailing_pause, gettext_lazy("De verzending is gepauzeerd.")),
    "resume": (mailings.mailing_resume, gettext_lazy("De verzending gaat verder.")),
    "cancel": (mailings.mailing_cancel, gettext_lazy("De verzending is geannuleerd.")),
}


class MailingActionView(NewsletterAdminView):
    """POST only: pause, resume or cancel a mailing, or decide about an uncertain batch."""

    permission = "newsletter.change_mailing"
    http_method_names = ["post"]

    def post(self, request, pk):
        mailing = get_object_or_404(Mailing, pk=pk)
        action = request.POST.get("action", "")
        detail = reverse("newsletter_admin:mailing", args=[mailing.pk])
        if action in ACTIONS:
            service, message = ACTIONS[action]
            if service(mailing=mailing):
                messages.success(request, message)
            else:
                messages.warning(request, _("Dat kan niet in deze toestand van de verzending."))
            return HttpResponseRedirect(detail)
        if action in ("resend_uncertain", "mark_uncertain_sent"):
            try:
                batch = uuid.UUID(request.POST["batch"]) if request.POST.get("batch") else None
            except ValueError:
                batch = None
            if action == "resend_uncertain":
                count = mailings.uncertain_resend(mailing=mailing, batch=batch)
                messages.success(
                    request, _("%(count)s ontvangers krijgen de e-mail opnieuw.") % {"count": count}
                )
            else:
                count = mailings.uncertain_mark_sent(mailing=mailing, batch=batch)
                messages.success(
                    request, _("%(count)s ontvangers gemarkeerd als verzonden.") % {"count": count}
                )
            return HttpResponseRedirect(detail)
        messages.error(request, _("Onbekende actie."))
        return HttpResponseRedirect(detail)


class PreviewView(NewsletterAdminView):
    """The email for any audience, as the next version would send it (HTML and text); and a test send to oneself."""

    template_name = "newsletter/admin/preview.html"
    page_title = gettext_lazy("Voorbeeld van de nieuwsbrief")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or PreviewForm(self.request.GET or None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            version = preview.preview_version(document=form.cleaned_data["document"])
            context["version"] = version
            context["email"] = preview.preview_email(
                version=version,
                audience=form.cleaned_data["audience"],
                first_time=form.cleaned_data["first_time"],
                name=self.request.user.get_full_name(),
            )
            context["can_test_send"] = self.request.user.has_perm("newsletter.send_test_email")
            context["test_to"] = kwargs.get("test_to") or self.request.user.email
        context["test_errors"] = kwargs.get("test_errors", [])
        return context

    def post(self, request):
        if not request.user.has_perm("newsletter.send_test_email"):
            raise PermissionDenied
        form = TestSendForm(request.POST)
        if not form.is_valid():
            preview_form = PreviewForm(request.POST)
            errors = [str(message) for messages_ in form.errors.values() for message in messages_]
            return self.render_to_response(
                self.get_context_data(
                    form=preview_form, test_errors=errors, test_to=request.POST.get("to", "")
                )
            )
        version = preview.preview_version(document=form.cleaned_data["document"])
        for address in form.cleaned_data["to"]:
            preview.test_send(
                version=version,
                audience=form.cleaned_data["audience"],
                first_time=form.cleaned_data["first_time"],
                to=address,
                name=request.user.get_full_name(),
            )
        messages.success(
            request,
            _("De testmail is verstuurd naar %(addresses)s.")
            % {"addresses": ", ".join(form.cleaned_data["to"])},
        )
        query = urlencode(
            {key: request.POST[key] for key in ("document", "audience", "first_time") if key in request.POST}
        )
        return HttpResponseRedirect(f"{reverse('newsletter_admin:preview')}?{query}")


def version_mailing(request, version_id: int):
    """The progress page of a version's mailing, reached from the "published" message before the background task
    has created the mailing: until then it says so and looks again."""
    if not request.user.has_perm("newsletter.view_mailing"):
        raise PermissionDenied
    mailing = Mailing.objects.filter(version_id=version_id).first()
    if mailing is not None:
        return redirect("newsletter_admin:mailing", pk=mailing.pk)
    return TemplateResponse(
        request,
        "newsletter/admin/mailing_pending.html",
        {"page_title": _("Verzending wordt voorbereid"), "header_icon": "mail"},
    )
