"""Admin wiring only: the newsletter menu (audiences, subscribers, subscriptions, suppressions, mailings, preview,
and what other apps add through `extensions.NEWSLETTER_MENU_ITEMS`), admin URLs, permissions, and the extension
hooks the pages app declares (audiences, subscribe form)."""

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from pages.extensions import (
    PAGE_SECTIONS,
    VERSION_AUDIENCES,
    VERSION_NOTIFY_PREVIEW,
    VERSION_PUBLISHED_LINKS,
)
from pages.modeladmin import DutchCreateView, yes_no
from pages.models import DocumentPage

from . import admin_urls
from .extensions import NEWSLETTER_MENU_ITEMS, VIEW_MAILING, PermissionMenuItem
from .forms import AudienceAdminForm, SubscribeForm
from .models import Audience, InboundMessage, Subscriber, Subscription, Suppression


class BuiltinAudiencePermissionHelper(PermissionHelper):
    """The four built-in audiences cannot be deleted: code and imports refer to them by key."""

    def user_can_delete_obj(self, user, obj):
        return not obj.is_builtin and super().user_can_delete_obj(user, obj)


class AudienceAdmin(ModelAdmin):
    """Audiences: the built-in four and any the editors add (for example one per district)."""

    model = Audience
    create_view_class = DutchCreateView
    create_title = _("Nieuwe doelgroep")
    menu_label = _("Doelgroepen")
    menu_icon = "group"
    list_display = ("name", "key", "template", "public", "position")
    permission_helper_class = BuiltinAudiencePermissionHelper
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("key"),
            FieldPanel("description"),
            FieldPanel("template"),
            FieldPanel("is_public"),
            FieldPanel("position"),
        ],
        base_form_class=AudienceAdminForm,
    )

    def public(self, obj):
        return yes_no(obj.is_public)

    public.short_description = _("openbaar")


class SubscriberAdmin(ModelAdmin):
    """Subscribers: who may receive the newsletter, with consent and preferences."""

    model = Subscriber
    create_view_class = DutchCreateView
    create_title = _("Nieuwe abonnee")
    menu_label = _("Abonnees")
    menu_icon = "user"
    list_display = ("email", "name", "frequency", "confirmed_at", "unsubscribed_at", "source")
    list_filter = ("source", "frequency", "subscriptions__audience")
    search_fields = ("email", "name")
    inspect_view_enabled = True
    panels = [
        FieldPanel("email"),
        FieldPanel("name"),
        FieldPanel("frequency"),
        FieldPanel("confirmed_at"),
        FieldPanel("unsubscribed_at"),
        FieldPanel("source"),
        FieldPanel("consent_wording"),
    ]


class SubscriptionAdmin(ModelAdmin):
    """Subscriptions: who is on which audience, and who unsubscribed from it."""

    model = Subscription
    create_view_class = DutchCreateView
    create_title = _("Nieuwe inschrijving")
    menu_label = _("Inschrijvingen")
    menu_icon = "list-ul"
    list_display = ("subscriber", "audience", "created_at", "unsubscribed_at")
    list_filter = ("audience",)
    search_fields = ("subscriber__email", "subscriber__name")
    panels = [FieldPanel("subscriber"), FieldPanel("audience"), FieldPanel("unsubscribed_at")]


class SuppressionAdmin(ModelAdmin):
    """Suppressed addresses (bounces, complaints, rejections): they get nothing until they subscribe again."""

    model = Suppression
    create_view_class = DutchCreateView
    create_title = _("Nieuw geblokkeerd adres")
    menu_label = _("Geblokkeerde adressen")
    menu_icon = "warning"
    list_display = ("email", "reason", "detail", "created_at")
    list_filter = ("reason",)
    search_fields = ("email",)
    panels = [FieldPanel("email"), FieldPanel("reason"), FieldPanel("detail")]


class ReadOnlyPermissionHelper(PermissionHelper):
    """Received mail is a record: it is looked at, never created or edited by hand."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False


class InboundMessageAdmin(ModelAdmin):
    """Every email received through the inbound webhook: which became a reaction, and why others did not."""

    model = InboundMessage
    menu_label = _("Ontvangen e-mails")
    menu_icon = "mail"
    list_display = ("received_at", "status", "ignore_reason", "from_name", "subject", "size", "reaction")
    list_filter = ("status", "ignore_reason", "esp")
    search_fields = ("subject", "from_name")
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    inspect_view_fields = (
        "received_at",
        "esp",
        "status",
        "ignore_reason",
        "from_name",
        "recipient",
        "subject",
        "size",
        "attachments",
        "reaction",
        "processed_at",
    )


class NewsletterGroup(ModelAdminGroup):
    """The "Nieuwsbrief" menu: mailings first, then the lists behind them."""

    menu_label = _("Nieuwsbrief")
    menu_icon = "mail"
    menu_order = 250
    items = (
        AudienceAdmin,
        SubscriberAdmin,
        SubscriptionAdmin,
        SuppressionAdmin,
        InboundMessageAdmin,
    )

    def get_submenu_items(self):
        return [
            PermissionMenuItem(
                _("Verzendingen"),
                reverse("newsletter_admin:mailings"),
                icon_name="mail",
                order=0,
                permission=VIEW_MAILING,
            ),
            PermissionMenuItem(
                _("Voorbeeld en testmail"),
                reverse("newsletter_admin:preview"),
                icon_name="view",
                order=1,
                permission=VIEW_MAILING,
            ),
            *super().get_submenu_items(),
            *(item for fn in hooks.get_hooks(NEWSLETTER_MENU_ITEMS) for item in fn()),
        ]


modeladmin_register(NewsletterGroup)


@hooks.register("register_admin_urls")
def register_newsletter_admin_urls() -> list:
    return [path("nieuwsbrief/", include(admin_urls, namespace="newsletter_admin"))]


@hooks.register("register_permissions")
def register_mailing_permissions() -> QuerySet:
    return Permission.objects.filter(
        content_type__app_label="newsletter",
        codename__in=["view_mailing", "change_mailing", "send_test_email"],
    )


@hooks.register(VERSION_NOTIFY_PREVIEW)
def version_notify_preview(document, *, number, audiences, is_major) -> tuple[int, list[str]] | None:
    from .selectors import audience_preview

    if not audiences:
        return None
    preview = audience_preview(
        document_id=document.pk, number=number, audience_keys=audiences, is_major=is_major
    )
    return preview.total, preview.lines()


@hooks.register(VERSION_PUBLISHED_LINKS)
def version_published_links(version) -> list[tuple[str, str]]:
    if not version.audiences:
        return []
    return [
        (_("Voortgang van de verzending"), reverse("newsletter_admin:version_mailing", args=[version.pk]))
    ]


@hooks.register(VERSION_AUDIENCES)
def version_audiences() -> list[tuple[str, str]]:
    return list(Audience.objects.values_list("key", "name"))


@hooks.register(PAGE_SECTIONS)
def subscribe_section(request, page, context) -> str | None:
    """The subscribe form at the end of the document (no query: it offers the residents list only)."""
    if not isinstance(page, DocumentPage):
        return None
    form = SubscribeForm(audience_choices=[("residents", str(_("Bewoners")))])
    return render_to_string("newsletter/includes/subscribe_section.html", {"form": form}, request=request)
