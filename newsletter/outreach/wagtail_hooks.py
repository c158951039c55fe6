"""Admin wiring only, of the outreach:
- the menu "Kandidatenlijsten" (upload a Kiesraad file, the candidates with "nog geen adres" and the form to add
  one, the party lists with their secretariat's address);
- in the newsletter's menu (through `newsletter.extensions.NEWSLETTER_MENU_ITEMS`): the overview of candidates and
  party leaders, and which activities show the outreach's progress on the site;
- the outreach's part of the document's pages (the extension hooks `pages` declares), and its admin URLs."""

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from pages.extensions import ITEM_EXTRAS, PAGE_CONTEXT, PAGE_SECTIONS
from pages.modeladmin import DutchCreateView

from ..extensions import NEWSLETTER_MENU_ITEMS, VIEW_MAILING, PermissionMenuItem
from . import admin_urls, sections
from .candidate_lists import candidate_address_set, party_secretariat_set
from .candidate_models import Candidate, PartyList
from .import_views import CandidateListsImportView
from .models import OutreachActivity


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


class OutreachActivityAdmin(ModelAdmin):
    """Which activities of call 1 show the outreach's progress on the site (and which one is the debate); listed
    in the newsletter's menu, not a menu of its own."""

    model = OutreachActivity
    add_to_admin_menu = False
    create_view_class = DutchCreateView
    create_title = _("Nieuwe koppeling van een activiteit aan de benadering")
    menu_label = _("Voortgang op de site")
    menu_icon = "doc-full"
    list_display = ("page", "kind")
    panels = [FieldPanel("page"), FieldPanel("kind")]


outreach_activity_admin = OutreachActivityAdmin()
outreach_activity_admin.register_with_wagtail()


@hooks.register(NEWSLETTER_MENU_ITEMS)
def newsletter_menu_items() -> list:
    overview = PermissionMenuItem(
        _("Kandidaten en fractieleiders"),
        reverse("outreach_admin:outreach"),
        icon_name="group",
        order=2,
        permission=VIEW_MAILING,
    )
    return [overview, outreach_activity_admin.get_menu_item(order=6)]


@hooks.register("register_admin_urls")
def register_outreach_admin_urls() -> list:
    return [path("nieuwsbrief/kandidaten/", include(admin_urls, namespace="outreach_admin"))]


hooks.register(PAGE_CONTEXT, sections.page_context)
hooks.register(ITEM_EXTRAS, sections.item_extras)
hooks.register(PAGE_SECTIONS, sections.page_sections)
