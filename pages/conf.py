"""The one place the pages app reads its options: `settings.KVM_PAGES`, a dict, with these defaults."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # Public address used in links that leave the site (feeds, emails). Falls back to settings.BASE_URL.
    "BASE_URL": None,
    # How many versions the Atom feed lists.
    "FEED_LENGTH": 50,
    # The path of the seed text that `load_demo` builds the demo document from.
    "DEMO_SOURCE": None,
    # Full-page cache for anonymous readers (`pages.cache.PublicPageCacheMiddleware`): seconds, 0 = off.
    "PAGE_CACHE_SECONDS": 0,
    # The cache alias it uses. Shared by every process (e.g. Redis) when there is more than one.
    "PAGE_CACHE_ALIAS": "default",
    # The routes (URL names) whose pages may be cached: an allow-list, so a new view (and every page reached
    # through a token: preferences, confirmations, a candidate's answers, data requests) is never cached unless
    # it is named here. Wagtail's `wagtail_serve` covers the document, its calls and activities and their
    # version pages. The API is not listed: its answers vary by Origin (CORS) and show counts that change
    # without a publish.
    "PAGE_CACHE_ROUTES": (
        "wagtail_serve",
        "robots_txt",
        "sitemap",
        "pages:compare",
        "pages:agenda",
        "pages:agenda_feed",
        "pages:agenda_archive",
        "pages:agenda_district",
        "pages:agenda_district_feed",
        "pages:agenda_activity_feed",
        "pages:event",
        "pages:event_ics",
        "newsletter:subscribe",
        "outreach:candidates",
        "outreach:candidates_party",
    ),
    # A request with any cookie but the CSRF and language cookies (a session, a flash message) is someone's own
    # view and is not cached. Name here further cookies that never change a page (e.g. a cookie-consent flag).
    "PAGE_CACHE_IGNORED_COOKIES": (),
}


def pages_setting(name: str) -> Any:
    """Return one option of the pages app; unknown names are a configuration error, not a silent None."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"KVM_PAGES has no option {name!r}; known options: {', '.join(DEFAULTS)}.")
    options = getattr(settings, "KVM_PAGES", {})
    if not isinstance(options, dict):
        raise ImproperlyConfigured("KVM_PAGES must be a dict.")
    value = options.get(name, DEFAULTS[name])
    if name == "BASE_URL" and not value:
        value = getattr(settings, "BASE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
        if not value:
            raise ImproperlyConfigured(
                "Set BASE_URL (or KVM_PAGES['BASE_URL']) to the public address of the site."
            )
        value = value.rstrip("/")
    return value
