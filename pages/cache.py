"""A full-page cache for anonymous readers that a publish can never leave stale.

Every cached page is stored under the current *generation*, a token in the cache. Anything that can change a public
page (a publish, unpublish, move, delete or privacy change of any page, a site change, a new version) replaces the
generation once its transaction commits, so every page cached before it is skipped from then on. Other apps whose
data shows on public pages (counts, lists) call `invalidate_public_pages()` after they commit a change.

Only the routes named in `PAGE_CACHE_ROUTES` are cached (an allow-list: pages reached through a token never are),
and only plain anonymous GETs: no cookie but the CSRF and language cookies (so no session, no flash
message), and a 200 response that sets no cookie and is not marked private. The key holds the scheme, host, full
path and language.

Pages with forms are cached too: the middleware sits inside Django's CsrfViewMiddleware, stores the page with a
placeholder where the CSRF token was, and puts the reader's own token back on every hit (`get_token`, so the CSRF
middleware sets the reader's cookie on the way out). Each reader keeps a valid token of their own.
"""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.checks import Warning as CheckWarning
from django.core.checks import register
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re

from .conf import pages_setting

logger = logging.getLogger(__name__)

GENERATION_KEY = "kvm:page-cache:generation"
CSRF_PLACEHOLDER = b"__kvm_csrf_token__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_UNCACHEABLE_CACHE_CONTROL = {"private", "no-cache", "no-store"}


def _cache():
    return caches[pages_setting("PAGE_CACHE_ALIAS")]


def current_generation() -> str:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY) or ""
    return generation


def _new_generation() -> None:
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_public_pages() -> None:
    """Stop serving every cached page, once the current transaction (if any) commits."""
    if pages_setting("PAGE_CACHE_SECONDS"):
        transaction.on_commit(_new_generation)


def cacheable_route(path: str) -> bool:
    """Whether `path` resolves to a route named in `PAGE_CACHE_ROUTES`."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in pages_setting("PAGE_CACHE_ROUTES")


class PublicPageCacheMiddleware:
    """Serves anonymous GETs of public pages from the cache; see the module docstring for what is cached.

    Put it right after CsrfViewMiddleware: a hit skips the view and the database; the middleware outside it
    (security headers, CSP, CSRF cookie) still runs on every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = pages_setting("PAGE_CACHE_SECONDS")
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        cache = _cache()
        key = self._key(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            if CSRF_PLACEHOLDER in content:
                content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode("ascii"))
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = [(name, value) for name, value in response.items()]
            content = _CSRF_INPUT.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content)
            cache.set(key, (response.status_code, headers, content), timeout=seconds)
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        if request.method != "GET":
            return False
        if not cacheable_route(request.path_info):
            return False
        ignored = {
            settings.CSRF_COOKIE_NAME,
            settings.LANGUAGE_COOKIE_NAME,
            *pages_setting("PAGE_CACHE_IGNORED_COOKIES"),
        }
        return set(request.COOKIES) <= ignored

    @staticmethod
    def _cacheable_response(response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        directives = cc_delim_re.split(response.get("Cache-Control", ""))
        if {part.split("=")[0].strip().lower() for part in directives} & _UNCACHEABLE_CACHE_CONTROL:
            return False
        return "*" not in response.get("Vary", "")

    @staticmethod
    def _key(request) -> str:
        # LocaleMiddleware (outside this one) has chosen the language from the cookie and Accept-Language.
        parts = (request.build_absolute_uri(), getattr(request, "LANGUAGE_CODE", ""))
        digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        return f"kvm:page-cache:{current_generation()}:{digest}"


def connect_invalidation() -> None:
    """Invalidate on every change Wagtail or this app can make to what anonymous readers see."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from .signals import version_published

    def receiver(sender=None, **kwargs):
        if not kwargs.get("raw"):
            invalidate_public_pages()

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move, version_published):
        signal.connect(receiver, dispatch_uid=f"kvm-page-cache-{id(signal)}", weak=False)
    for model in (Site, PageViewRestriction):
        post_save.connect(
            receiver, sender=model, dispatch_uid=f"kvm-page-cache-save-{model.__name__}", weak=False
        )
        post_delete.connect(
            receiver, sender=model, dispatch_uid=f"kvm-page-cache-del-{model.__name__}", weak=False
        )

    def page_deleted(sender, instance, **kwargs):
        if isinstance(instance, Page):
            invalidate_public_pages()

    post_delete.connect(page_deleted, dispatch_uid="kvm-page-cache-delete-page", weak=False)


@register()
def check_shared_cache(app_configs, **kwargs):
    """The cache must be shared by every process, or one process's publish leaves the others' pages stale."""
    if not pages_setting("PAGE_CACHE_SECONDS"):
        return []
    backend = settings.CACHES.get(pages_setting("PAGE_CACHE_ALIAS"), {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            CheckWarning(
                "The page cache uses a per-process cache; a publish only invalidates the process it happens in.",
                hint="Use a shared cache (e.g. set REDIS_URL) or run a single process.",
                id="pages.W001",
            )
        ]
    return []
