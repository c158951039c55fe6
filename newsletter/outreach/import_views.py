"""Admin view of the official candidate lists: upload a Kiesraad EML_NL 230b file (the same parser and service
as `manage.py import_candidates`) and see what changed; a refused file says why and stores nothing."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..admin_views import NewsletterAdminView
from .candidate_lists import candidate_lists_import
from .candidate_models import Election
from .eml import MAX_BYTES, EmlRefused, parse_candidate_lists


class CandidateListsUploadForm(forms.Form):
    """The file and, optionally, the name the election gets here."""

    file = forms.FileField(
        label=gettext_lazy("Kandidatenlijsten van de Kiesraad (EML_NL 230b, .eml.xml)"),
        help_text=gettext_lazy("Bijvoorbeeld Kandidatenlijsten_GR2026_Amsterdam.eml.xml."),
    )
    election = forms.CharField(
        label=gettext_lazy("Naam van de verkiezing (leeg: die uit het bestand)"),
        max_length=200,
        required=False,
    )


class CandidateListsImportView(NewsletterAdminView):
    """Upload page, with the elections already read."""

    permission = "newsletter.add_candidate"
    template_name = "newsletter/admin/candidate_lists_import.html"
    page_title = gettext_lazy("Kandidatenlijsten inlezen")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CandidateListsUploadForm())
        context["elections"] = Election.objects.all()
        context["report"] = self.request.session.pop("kvm_candidate_import_report", None)
        return context

    def post(self, request, *args, **kwargs):
        form = CandidateListsUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise EmlRefused(_("Het bestand is groter dan 20 MB; dat is geen kandidatenlijst."))
            lists = parse_candidate_lists(upload.read())
        except EmlRefused as error:
            form.add_error("file", _("Niet ingelezen: %(reason)s") % {"reason": error})
            return self.render_to_response(self.get_context_data(form=form), status=400)
        report = candidate_lists_import(lists=lists, election_name=form.cleaned_data["election"])
        request.session["kvm_candidate_import_report"] = report.lines()
        messages.success(request, _("De kandidatenlijsten zijn ingelezen."))
        return HttpResponseRedirect(reverse("newsletter_candidates:import"))
