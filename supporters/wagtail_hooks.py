"""Admin wiring: the document-page hooks, the inbox and partner-network listings, moderation URLs, the dashboard."""

from django.contrib.admin import SimpleListFilter
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from pages.extensions import (
    EVENT_COUNTS,
    EVENT_SECTIONS,
    ITEM_EXTRAS,
    PAGE_CONTEXT,
    PAGE_SECTIONS,
    PUBLIC_COUNTS,
)
from pages.modeladmin import DutchCreateView, yes_no
from pages.spreadsheets import SafeExportModelAdmin

from . import admin_views, event_admin_views, sections, selectors
from .models import Contact, Endorsement, Organisation, Reaction, SignUp
from .services import registrations

SUPPORTER_EMAIL_PERMISSION = "supporters.view_supporter_email"
CONTACT_EMAIL_PERMISSION = "supporters.view_contact_email"

hooks.register(PAGE_CONTEXT, sections.page_context)
hooks.register(ITEM_EXTRAS, sections.item_extras)
hooks.register(PAGE_SECTIONS, sections.page_sections)
hooks.register(PUBLIC_COUNTS, sections.public_counts)
hooks.register(EVENT_COUNTS, registrations.event_counts)
hooks.register(EVENT_SECTIONS, sections.event_section)


@hooks.register("register_admin_urls")
def register_supporters_admin_urls():
    return [
        path("supporters/reacties/<int:pk>/", admin_views.reaction_review, name="supporters_reaction_review"),
        path(
            "supporters/contacten/importeren/",
            admin_views.contacts_import_view,
            name="supporters_contacts_import",
        ),
        path("supporters/bijeenkomsten/", event_admin_views.event_index, name="supporters_events"),
        path(
            "supporters/bijeenkomsten/<int:event_id>/",
            event_admin_views.event_registrations,
            name="supporters_event_registrations",
        ),
        path(
            "supporters/bijeenkomsten/<int:event_id>/csv/",
            event_admin_views.event_csv,
            name="supporters_event_csv",
        ),
        path(
            "supporters/bijeenkomsten/<int:event_id>/presentielijst/",
            event_admin_views.event_attendance,
            name="supporters_event_attendance",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_events_menu_item():
    return MenuItem(
        _("Aanmeldingen bijeenkomsten"),
        reverse("supporters_events"),
        icon_name="date",
        order=260,
        name="supporters-events",
    )


@hooks.register("construct_main_menu")
def hide_events_menu_item(request, menu_items):
    if not request.user.has_perm(event_admin_views.VIEW_PERMISSION):
        menu_items[:] = [item for item in menu_items if item.name != "supporters-events"]


class TargetFilter(SimpleListFilter):
    """Filter submissions by the page they are about (only pages that have some are offered)."""

    title = _("pagina")
    parameter_name = "pagina"
    field = "target_id"

    def lookups(self, request, model_admin):
        ids = model_admin.model.objects.values_list(self.field, flat=True).distinct()
        return list(Page.objects.filter(pk__in=ids).order_by("path").values_list("pk", "title"))

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.field: int(value)})
        return queryset


class ActivityFilter(TargetFilter):
    """Filter sign-ups by activity."""

    title = _("activiteit")
    field = "activity_id"


class NoCreatePermissionHelper(PermissionHelper):
    """Submissions come from the public; editors moderate them but do not make them up."""

    def user_can_create(self, user):
        return False


class ReactionButtonHelper(ButtonHelper):
    """Adds a "review" button to each row of the inbox."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        buttons.insert(
            0,
            {
                "url": reverse("supporters_reaction_review", args=[obj.pk]),
                "label": _("Beoordelen"),
                "classname": "button button-small",
                "title": _("Goedkeuren, afwijzen, verwerken of er een activiteit van maken"),
            },
        )
        return buttons


class EmailColumnMixin:
    """Shows (and exports) the email column only to users with `email_permission`."""

    email_permission = SUPPORTER_EMAIL_PERMISSION

    def _with_email(self, request, fields):
        fields = list(fields)
        if request.user.has_perm(self.email_permission):
            fields.insert(min(2, len(fields)), "email")
        return fields

    def get_list_display(self, request):
        return self._with_email(request, super().get_list_display(request))

    def get_list_export(self, request):
        return self._with_email(request, super().get_list_export(request))

    def get_search_fields(self, request):
        return self._with_email(request, super().get_search_fields(request))


def _target_title(obj) -> str:
    return obj.target.title if obj.target_id and obj.target else "—"


class ReactionAdmin(EmailColumnMixin, SafeExportModelAdmin):
    """The editors' inbox: reactions and suggestions, filterable by page, status and kind."""

    model = Reaction
    menu_label = _("Inbox")
    menu_icon = "mail"
    list_display = ("created_at", "kind", "status", "about", "answers", "excerpt", "name", "activity")
    list_filter = ("status", "kind", TargetFilter)
    list_export = ("created_at", "kind", "status", "about", "answers", "subject", "text", "name", "activity")
    search_fields = ("text", "name")
    export_filename = "reacties"
    permission_helper_class = NoCreatePermissionHelper
    button_helper_class = ReactionButtonHelper
    panels = [
        FieldPanel("status"),
        FieldPanel("activity"),
        FieldPanel("editor_note"),
        FieldPanel("kind", read_only=True),
        FieldPanel("text", read_only=True),
        FieldPanel("name", read_only=True),
        FieldPanel("email", read_only=True, permission=SUPPORTER_EMAIL_PERMISSION),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("target", "activity", "version", "contact__organisation")
        )

    def about(self, obj):
        return _target_title(obj)

    about.short_description = _("over")

    @staticmethod
    def answers(obj):
        """What an emailed reaction answers: the version and, for a candidate, who and which party."""
        parts = []
        if obj.version_id:
            parts.append(_("versie %(number)s") % {"number": obj.version.number})
        if obj.contact_id:
            contact = obj.contact
            party = f" ({contact.organisation.name})" if contact.organisation_id else ""
            parts.append(f"{contact.name}{party}")
        return " · ".join(parts) or "—"

    answers.short_description = _("antwoord op")

    def excerpt(self, obj):
        return Truncator(obj.text).chars(120)

    excerpt.short_description = _("tekst")


class EndorsementAdmin(EmailColumnMixin, SafeExportModelAdmin):
    """Endorsements, with their messages waiting for moderation."""

    model = Endorsement
    menu_label = _("Steunbetuigingen")
    menu_icon = "pick"
    list_display = (
        "created_at",
        "name",
        "about",
        "organisation_name",
        "visibility",
        "confirmed",
        "message_review",
    )
    list_filter = ("message_status", "visibility", "organisation", TargetFilter)
    list_export = (
        "created_at",
        "confirmed_at",
        "name",
        "about",
        "organisation_name",
        "visibility",
        "message",
        "message_status",
    )
    search_fields = ("name", "organisation_name", "message")
    export_filename = "steunbetuigingen"
    permission_helper_class = NoCreatePermissionHelper
    panels = [
        FieldPanel("message_status"),
        FieldPanel("name", read_only=True),
        FieldPanel("email", read_only=True, permission=SUPPORTER_EMAIL_PERMISSION),
        FieldPanel("organisation_name", read_only=True),
        FieldPanel("organisation", read_only=True),
        FieldPanel("visibility", read_only=True),
        FieldPanel("message", read_only=True),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target", "organisation")

    def about(self, obj):
        return _target_title(obj)

    about.short_description = _("steunt")

    def confirmed(self, obj):
        return yes_no(obj.confirmed_at)

    confirmed.short_description = _("bevestigd")

    def message_review(self, obj):
        if not obj.message:
            return ""
        return format_html("{}: {}", obj.get_message_status_display(), Truncator(obj.message).chars(80))

    message_review.short_description = _("boodschap")


class SignUpAdmin(EmailColumnMixin, SafeExportModelAdmin):
    """Sign-ups to organise or help, per activity and role, with the waiting list."""

    model = SignUp
    menu_label = _("Aanmeldingen")
    menu_icon = "group"
    list_display = ("created_at", "name", "activity", "role", "on_waitlist", "confirmed_at", "availability")
    list_filter = ("role", "waitlisted", ActivityFilter)
    list_export = ("created_at", "confirmed_at", "name", "activity", "role", "waitlisted", "availability")
    search_fields = ("name", "availability")
    export_filename = "aanmeldingen"
    permission_helper_class = NoCreatePermissionHelper
    panels = [
        FieldPanel("waitlisted"),
        FieldPanel("name", read_only=True),
        FieldPanel("email", read_only=True, permission=SUPPORTER_EMAIL_PERMISSION),
        FieldPanel("role", read_only=True),
        FieldPanel("availability", read_only=True),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity")

    def on_waitlist(self, obj):
        return yes_no(obj.waitlisted)

    on_waitlist.short_description = _("wachtlijst")


class OrganisationAdmin(SafeExportModelAdmin):
    """The partner network's organisations."""

    model = Organisation
    create_view_class = DutchCreateView
    create_title = _("Nieuwe organisatie")
    menu_label = _("Organisaties")
    menu_icon = "site"
    list_display = ("name", "kind", "district", "website")
    list_filter = ("kind", "district")
    list_export = ("name", "kind", "district", "website")
    search_fields = ("name", "district")
    export_filename = "organisaties"


class ContactAdmin(EmailColumnMixin, SafeExportModelAdmin):
    """The partner network's contacts; their email addresses only for editors with the permission."""

    model = Contact
    email_permission = CONTACT_EMAIL_PERMISSION
    create_view_class = DutchCreateView
    create_title = _("Nieuwe contactpersoon")
    menu_label = _("Contactpersonen")
    menu_icon = "user"
    list_display = ("name", "organisation", "role", "legal_basis")
    list_filter = ("role", "legal_basis", "organisation__kind", "organisation")
    list_export = ("name", "organisation", "role", "position", "legal_basis")
    search_fields = ("name", "organisation__name", "notes")
    export_filename = "contactpersonen"
    panels = [
        FieldPanel("name"),
        FieldPanel("email", permission=CONTACT_EMAIL_PERMISSION),
        FieldPanel("organisation"),
        FieldPanel("role"),
        FieldPanel("position"),
        FieldPanel("legal_basis"),
        FieldPanel("notes"),
    ]

    index_template_name = "supporters/admin/contact_index.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@modeladmin_register
class SupportersGroup(ModelAdminGroup):
    """One "Supporters" menu for the inbox, endorsements, sign-ups and the partner network."""

    menu_label = _("Supporters")
    menu_icon = "group"
    menu_order = 250
    items = (ReactionAdmin, EndorsementAdmin, SignUpAdmin, OrganisationAdmin, ContactAdmin)


class SupportersDashboardPanel(Component):
    """The editors' dashboard: per activity, confirmed endorsements and sign-ups per role."""

    name = "supporters_dashboard"
    order = 150
    template_name = "supporters/admin/dashboard_panel.html"

    def get_context_data(self, parent_context=None):
        return {"rows": selectors.dashboard_rows()}


@hooks.register("construct_homepage_panels")
def add_supporters_dashboard(request, panels):
    if request.user.has_perm("supporters.view_endorsement") or request.user.has_perm(
        "supporters.change_endorsement"
    ):
        panels.append(SupportersDashboardPanel())
