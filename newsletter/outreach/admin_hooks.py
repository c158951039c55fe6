"""Admin wiring of the official candidate lists: the menu "Kandidatenlijsten" (upload a Kiesraad file, the
candidates with "nog geen adres" and the form to add one, the party lists with their secretariat's address).
Imported by `newsletter.wagtail_hooks`."""

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from .candidate_lists import candidate_address_set, party_secretariat_set
from .candidate_models import Candidate, PartyList
from .import_views import CandidateListsImportView


class CandidateAdminForm(WagtailAdminModelForm):
    """The candidate as the list has them, plus a new address (the current one is never shown here)."""

    new_email = forms.EmailField(
        label=_("E-mailadres toevoegen of vervangen"),
        required=False,
        help_text=_("Komt op de kandidatenlijst van de nieuwsbrief; verschijnt nooit op de site."),
    )

    def save(self, commit=True):
        candidate = super().save(commit=commit)
        email = self.cleaned_data.get("new_email")
        if commit and email:
            candidate_address_set(candidate=candidate, email=email)
        return candidate


class PartyListAdminForm(WagtailAdminModelForm):
    def save(self, commit=True):
        party_list = super().save(commit=commit)
        if commit:
            party_secretariat_set(party_list=party_list, email=self.cleaned_data.get("contact_email", ""))
        return party_list


class CandidateAdmin(ModelAdmin):
    """Every candidate on the imported lists; "nog geen adres" until the CSV import or an editor adds one."""

    model = Candidate
    menu_label = _("Kandidaten")
    menu_icon = "user"
    list_display = ("full_name", "party_list", "position", "address_status", "on_list")
    list_filter = ("party_list__election", "party_list", "on_list")
    search_fields = ("last_name", "first_name", "initials")
    edit_handler = ObjectList(
        [
            FieldPanel("position", read_only=True),
            FieldPanel("initials", read_only=True),
            FieldPanel("first_name", read_only=True),
            FieldPanel("prefix", read_only=True),
            FieldPanel("last_name", read_only=True),
            FieldPanel("locality", read_only=True),
            FieldPanel("new_email"),
        ],
        base_form_class=CandidateAdminForm,
    )

    def address_status(self, obj):
        return _("adres bekend") if obj.contact_id else _("nog geen adres")

    address_status.short_description = _("adres")


class PartyListAdmin(ModelAdmin):
    """The parties' lists per election, with the secretariat's address."""

    model = PartyList
    menu_label = _("Partijen")
    menu_icon = "group"
    list_display = ("number", "registered_name", "election", "on_ballot")
    list_filter = ("election",)
    edit_handler = ObjectList(
        [FieldPanel("registered_name", read_only=True), FieldPanel("contact_email")],
        base_form_class=PartyListAdminForm,
    )


class CandidateListsGroup(ModelAdminGroup):
    """The menu "Kandidatenlijsten"."""

    menu_label = _("Kandidatenlijsten")
    menu_icon = "group"
    menu_order = 260
    items = (CandidateAdmin, PartyListAdmin)

    def get_submenu_items(self):
        upload = MenuItem(
            _("Kieslijst inlezen"), reverse("newsletter_candidates:import"), icon_name="upload", order=0
        )
        return [upload, *super().get_submenu_items()]


modeladmin_register(CandidateListsGroup)

urlpatterns = [path("", CandidateListsImportView.as_view(), name="import")]


@hooks.register("register_admin_urls")
def register_candidate_list_urls() -> list:
    return [path("kandidatenlijsten/", include((urlpatterns, "newsletter_candidates")))]
