"""Admin wiring for the living document: the "publish new version" view, its buttons and its audit-log action."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from . import admin_views
from .actions import LOG_ACTION
from .models import District, DocumentPage


@hooks.register("register_admin_urls")
def register_publish_version_url():
    return [
        path(
            "documents/<int:page_id>/publish-version/",
            admin_views.publish_version,
            name="pages_publish_version",
        )
    ]


def _publish_version_button(page, user, priority: int):
    if page.specific_class is DocumentPage and page.permissions_for_user(user).can_publish():
        yield Button(
            _("Nieuwe versie publiceren"),
            reverse("pages_publish_version", args=[page.pk]),
            icon_name="doc-full",
            priority=priority,
            attrs={"data-kvm-action": "publish-version"},
        )


@hooks.register("register_page_header_buttons")
def publish_version_header_button(page, user, view_name, next_url=None):
    yield from _publish_version_button(page, user, priority=5)


@hooks.register("register_page_listing_buttons")
def publish_version_listing_button(page, user, next_url=None):
    yield from _publish_version_button(page, user, priority=5)


@hooks.register("register_log_actions")
def register_version_log_actions(actions):
    def message(log_entry):
        return _("Versie %(number)s gepubliceerd") % {"number": log_entry.data.get("number", "?")}

    actions.register_action(LOG_ACTION, _("Versie gepubliceerd"), message)


# Districts are an editable list (Snippets → Stadsdelen); events choose one.
register_snippet(District)


@hooks.register("insert_global_admin_css")
def admin_listing_css():
    """Listings that wrap between words at 1366 px instead of overlapping or breaking words (pages/admin.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("pages/admin.css"))
