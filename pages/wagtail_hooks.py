"""Admin wiring for the living document: the "publish new version" view, the ways to it (edit view header, publish
menu, page listing, dashboard) and its audit-log action."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from . import admin_views, selectors
from .actions import LOG_ACTION
from .models import District, DocumentPage


@hooks.register("register_admin_urls")
def register_publish_version_url():
    # Under pages/, so that the admin menu marks "Pagina's" (its longest matching URL) while the form is open.
    return [
        path(
            "pages/<int:page_id>/publish-version/",
            admin_views.publish_version,
            name="pages_publish_version",
        )
    ]


def publish_version_buttons(page, user, *, priority: int = 5, button: type = Button) -> list:
    """ "Nieuwe versie publiceren" for a document whose pages this editor may publish; nothing otherwise."""
    if page.specific_class is not DocumentPage or not page.permissions_for_user(user).can_publish():
        return []
    return [
        button(
            _("Nieuwe versie publiceren"),
            reverse("pages_publish_version", args=[page.pk]),
            icon_name="doc-full",
            priority=priority,
            attrs={"data-kvm-action": "publish-version"},
        )
    ]


@hooks.register("register_page_header_buttons")
def publish_version_header_button(page, user, view_name, next_url=None):
    if (
        view_name != "edit"
    ):  # the edit view shows it beside the menu (templates/wagtailadmin/…/page_edit_header.html)
        yield from publish_version_buttons(page, user)


@hooks.register("register_page_listing_buttons")
def publish_version_listing_button(page, user, next_url=None):
    yield from publish_version_buttons(page, user)


class PublishVersionMenuItem(ActionMenuItem):
    """ "Nieuwe versie publiceren…" in the editor's publish menu, beside Wagtail's own "Publiceren"."""

    name = "action-publish-version"
    label = _("Nieuwe versie publiceren…")
    icon_name = "doc-full"

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and page is not None
            and bool(publish_version_buttons(page, context["request"].user))
        )

    def get_url(self, parent_context):
        return reverse("pages_publish_version", args=[parent_context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_publish_version_menu_item():
    return PublishVersionMenuItem(order=15)


class DocumentsPanel(Component):
    """The dashboard's first panel: each living document, its latest version and waiting drafts, and the way to
    publish the next version."""

    name = "kvm_documents"
    order = 50
    template_name = "pages/admin/dashboard_panel.html"

    def __init__(self, documents):
        self.documents = documents

    def get_context_data(self, parent_context=None):
        return {"documents": self.documents}


@hooks.register("construct_homepage_panels")
def add_documents_panel(request, panels):
    documents = selectors.dashboard_documents(user=request.user)
    if documents:
        panels.append(DocumentsPanel(documents))


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
