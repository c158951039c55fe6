"""The site's navigation and footer for every public template: the document's sections and the editors' info pages."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from pages.models import DocumentPage
from pages.selectors import info_pages

# Sections other parts of the site may add: (key, label, routes under the document, URL names). The item appears
# only once one of its routes exists, tried in this order.
OPTIONAL_SECTIONS = [
    ("agenda", gettext_lazy("Agenda"), ["agenda"], ["agenda:index", "pages:agenda", "agenda"]),
]


def _optional(
    document: DocumentPage, home: str, subpage_routes: list[str], url_names: list[str]
) -> str | None:
    for name in subpage_routes:
        try:
            return home + document.reverse_subpage(name)
        except NoReverseMatch:
            pass
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            pass
    return None


def site_navigation(request) -> dict:
    """`site_nav` (main navigation) and `site_footer_pages`: worked out once per request, however many templates
    render with it (a page and the forms it includes each build a RequestContext)."""
    if request is None or request.path.startswith(("/admin/", "/django-admin/", "/api/")):
        return {}
    if not hasattr(request, "_site_navigation"):
        request._site_navigation = _site_navigation(request)
    return request._site_navigation


def _site_navigation(request) -> dict:
    """Three queries: the site's document, its view restrictions, its info pages."""
    site = Site.find_for_request(request)
    if site is None:
        return {}
    # The site's document: its home page, or else the first live document below it.
    root = DocumentPage.objects.live().descendant_of(site.root_page, inclusive=True).order_by("path").first()
    if root is None:
        return {}
    home = root.path_on_site()
    extra = list(info_pages(document=root))
    nav = [
        {"key": "document", "label": _("Document"), "url": home},
        {"key": "activities", "label": _("Activiteiten"), "url": home + root.reverse_subpage("activities")},
    ]
    for key, label, subpage_routes, url_names in OPTIONAL_SECTIONS:
        url = _optional(root, home, subpage_routes, url_names)
        if url:
            nav.append({"key": key, "label": str(label), "url": url})
    nav += [
        {"key": "versions", "label": _("Versies"), "url": home + root.reverse_subpage("versions")},
        {"key": "newsletter", "label": _("Nieuwsbrief"), "url": reverse("newsletter:subscribe")},
    ]
    nav += [
        {"key": f"info-{p.slug}", "label": p.title, "url": p.get_url(request)}
        for p in extra
        if p.show_in_menus
    ]
    current = request.path
    best = max(
        (item for item in nav if current.startswith(item["url"])), key=lambda i: len(i["url"]), default=None
    )
    for item in nav:
        item["current"] = item is best
    return {
        "site_nav": nav,
        "site_home": home,
        "site_document": root,
        "site_search_url": home + root.reverse_subpage("search"),
        "site_footer_pages": extra,
    }
