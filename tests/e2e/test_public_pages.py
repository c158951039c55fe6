"""Readers' pages in a real browser: no WCAG 2.2 A/AA violations, no CSP violations, phone and desktop layouts."""

import pytest

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, CallPage, DocumentPage

from .support import DESKTOP, E2E, PHONE, check_accessibility, run_axe, screenshot

pytestmark = E2E


def open_page(page, url: str):
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return response


def demo_urls(live_site) -> dict[str, str]:
    document = DocumentPage.objects.get(slug="calls-to-action")
    call = CallPage.objects.child_of(document).order_by("number").first()
    activity = ActivityPage.objects.descendant_of(document).order_by("path").first()
    activity.title = f"{activity.title} (bijgewerkt)"
    activity.status = "running"
    activity.save_revision().publish()
    PublishVersionAction(document, note="Een activiteit loopt nu.", skip_permission_check=True).execute()
    return {
        "document": live_site.url("/"),
        "call": live_site.url(call.url),
        "activity": live_site.url(activity.url),
        "version-history": live_site.url("/versies/"),
        "version": live_site.url("/versies/1/"),
        "comparison": live_site.url("/versies/1...2/"),
    }


def test_public_pages_have_no_accessibility_or_policy_violations(page, live_site):
    for name, url in demo_urls(live_site).items():
        open_page(page, url)
        check_accessibility(page)
        assert page.console_errors == [], f"{name}: {page.console_errors}"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_document_screenshots_at_phone_and_desktop_width(page, live_site, width):
    page.set_viewport_size(PHONE if width == "phone" else DESKTOP)
    open_page(page, live_site.url("/"))
    assert page.locator("h1").inner_text().strip()
    assert page.locator("section.call").count() == 5
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the page scrolls sideways"
    path = screenshot(page, f"document-{width}")
    assert path.stat().st_size > 10_000


def test_the_accessibility_check_does_find_violations(page):
    """The harness itself: a page with known faults must fail, or a clean report above means nothing."""
    page.set_content(
        '<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="#"></a></body></html>'
    )
    found = {violation["id"] for violation in run_axe(page)}
    assert {"image-alt", "html-has-lang", "document-title", "link-name"} <= found


def test_hostile_query_strings_execute_nothing(page, live_site):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    payloads = ['"><script>alert(1)</script>', "<img src=x onerror=alert(2)>", "javascript:alert(3)"]
    for path in ("/", "/versies/", "/versies/1/"):
        for payload in payloads:
            page.goto(f"{live_site.url(path)}?van={payload}&tot={payload}&q={payload}", wait_until="load")
    assert dialogs == []
