"""Admin views of the outreach: the per-party overview (with bars and a CSV export), one person's timeline, and
planning the reminder."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pages.spreadsheets import csv_writer

from ..admin_views import NewsletterAdminView
from .forms import ReminderForm
from .models import Reminder
from .selectors import (
    outreach_contacts,
    outreach_mailings,
    party_overview,
    people_status,
    planned_reminder,
    timeline,
)
from .services import reminder_schedule


def _chosen_mailing(request):
    """The mailing the editor picked (`?verzending=`), else the newest outreach mailing, else None."""
    mailings = outreach_mailings()
    chosen = request.GET.get("verzending", "")
    if chosen.isdigit():
        return mailings.filter(pk=int(chosen)).first()
    return mailings.first()


class OutreachView(NewsletterAdminView):
    """Per party: candidates reached and bounced, answers yes / no / none, the leader's answer, messages."""

    template_name = "newsletter/admin/outreach.html"
    page_title = gettext_lazy("Kandidaten en fractieleiders")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = _chosen_mailing(self.request)
        parties = party_overview(mailing=mailing)
        reminders = None
        if mailing is not None:
            reminders = {
                "sent": Reminder.objects.filter(delivery__mailing=mailing, sent_at__isnull=False).count(),
                "schedule": planned_reminder(mailing=mailing),
            }
        context.update(
            {
                "mailing": mailing,
                "mailings": list(outreach_mailings()[:50]),
                "parties": parties,
                "reminder_form": kwargs.get("reminder_form") or ReminderForm(),
                "reminders": reminders,
                "can_change": self.request.user.has_perm("newsletter.change_mailing"),
                "csv_query": f"?verzending={mailing.pk}" if mailing else "",
            }
        )
        return context

    def post(self, request):
        """Plan the reminder for the chosen mailing."""
        if not request.user.has_perm("newsletter.change_mailing"):
            messages.error(request, _("U mag geen herinneringen plannen."))
            return HttpResponseRedirect(request.get_full_path())
        mailing = _chosen_mailing(request)
        form = ReminderForm(request.POST)
        if mailing is None or not form.is_valid():
            messages.error(request, _("Kies een verzending en een aantal dagen."))
            return self.render_to_response(self.get_context_data(reminder_form=form))
        schedule = reminder_schedule(mailing=mailing, days=form.cleaned_data["days"])
        messages.success(
            request,
            _("De herinnering gaat op %(when)s naar wie dan nog niet heeft geantwoord.")
            % {"when": timezone.localtime(schedule.next_run).strftime("%d-%m-%Y %H:%M")},
        )
        return HttpResponseRedirect(f"{reverse('outreach_admin:outreach')}?verzending={mailing.pk}")


class OutreachCsvView(NewsletterAdminView):
    """The overview as CSV: one row per candidate or party leader (no email addresses)."""

    def get(self, request):
        mailing = _chosen_mailing(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kandidaten-en-fractieleiders.csv"'
        writer = csv_writer(response)
        writer.writerow(
            [
                _("partij"),
                _("plaats"),
                _("naam"),
                _("rol"),
                _("verzending"),
                _("afgeleverd"),
                _("afgemeld"),
                _("herinnerd"),
                _("antwoord"),
                _("bericht"),
                _("liefst contact via"),
                _("beantwoord op"),
            ]
        )
        yes, no = _("ja"), _("nee")
        for person in people_status(mailing=mailing):
            writer.writerow(
                [
                    person.party,
                    person.position or "",
                    person.name,
                    person.role_label,
                    person.status_label,
                    yes if person.delivered else no,
                    yes if person.unsubscribed else no,
                    yes if person.reminded else no,
                    person.answer_label if person.answer else "",
                    person.message,
                    person.preferred_contact,
                    timezone.localtime(person.answered_at).isoformat() if person.answered_at else "",
                ]
            )
        return response


class OutreachPersonView(NewsletterAdminView):
    """One candidate's or party leader's timeline: sent, delivered, provider reports, reminder, answers."""

    template_name = "newsletter/admin/outreach_person.html"
    header_icon = "user"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.contact = get_object_or_404(outreach_contacts().select_related("organisation"), pk=kwargs["pk"])

    def get_page_title(self):
        return self.contact.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("outreach_admin:outreach"), "label": _("Kandidaten en fractieleiders")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"contact": self.contact, "timeline": timeline(contact=self.contact)})
        return context
