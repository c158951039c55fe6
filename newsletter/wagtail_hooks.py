"""Admin wiring only: the newsletter menu (audiences, subscribers, subscriptions, suppressions, mailings, preview),
admin URLs, permissions, and the extension hooks the pages app declares (audiences, subscribe form)."""

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from pages.extensions import PAGE_SECTIONS, VERSION_AUDIENCES
from pages.models import DocumentPage

from . import admin_urls
from .forms import AudienceAdminForm, SubscribeForm
from .models import Audience, Subscriber, Subscription, Suppression


class BuiltinAudiencePermissionHelper(PermissionHelper):
    """The four built-in audiences cannot be deleted: code and imports refer to them by key."""

    def user_can_delete_obj(self, user, obj):
        return not obj.is_builtin and super().user_can_delete_obj(user, obj)


class AudienceAdmin(ModelAdmin):
    """Audiences: the built-in four and any the editors add (for example one per district)."""

    model = Audience
    menu_label = _("Doelgroepen")
    menu_icon = "group"
    list_display = ("name", "key", "template", "is_public", "position")
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


class SubscriberAdmin(ModelAdmin):
    """Subscribers: who may receive the newsletter, with consent and preferences."""

    model = Subscriber
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
    menu_label = _("Inschrijvingen")
    menu_icon = "list-ul"
    list_display = ("subscriber", "audience", "created_at", "unsubscribed_at")
    list_filter = ("audience",)
    search_fields = ("subscriber__email", "subscriber__name")
    panels = [FieldPanel("subscriber"), FieldPanel("audience"), FieldPanel("unsubscribed_at")]


class SuppressionAdmin(ModelAdmin):
    """Suppressed addresses (bounces, complaints, rejections): they get nothing until they subscribe again."""

    model = Suppression
    menu_label = _("Geblokkeerde adressen")
    menu_icon = "warning"
    list_display = ("email", "reason", "detail", "created_at")
    list_filter = ("reason",)
    search_fields = ("email",)
    panels = [FieldPanel("email"), FieldPanel("reason"), FieldPanel("detail")]


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with one permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class NewsletterGroup(ModelAdminGroup):
    """The "Nieuwsbrief" menu: mailings first, then the lists behind them."""

    menu_label = _("Nieuwsbrief")
    menu_icon = "mail"
    menu_order = 250
    items = (AudienceAdmin, SubscriberAdmin, SubscriptionAdmin, SuppressionAdmin)

    def get_submenu_items(self):
        return [
            PermissionMenuItem(
                _("Verzendingen"),
                reverse("newsletter_admin:mailings"),
                icon_name="mail",
                order=0,
                permission="newsletter.view_mailing",
            ),
            PermissionMenuItem(
                _("Voorbeeld en testmail"),
                reverse("newsletter_admin:preview"),
                icon_name="view",
                order=1,
                permission="newsletter.view_mailing",
            ),
            *super().get_submenu_items(),
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
