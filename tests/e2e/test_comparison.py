"""The comparison of versions in a real browser: axe-clean, the change list on a phone's first screen, links land."""

import pytest

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, DocumentPage

from .support import DESKTOP, E2E, PHONE, check_accessibility, screenshot

pytestmark = E2E


def edit_demo() -> DocumentPage:
    """An editor's afternoon: a new place and paragraph, a new status, one activity gone; then one more publish."""
    document = DocumentPage.objects.get(slug="calls-to-action")
    activities = list(ActivityPage.objects.descendant_of(document).order_by("path"))
    first = activities[0]
    first.location = "De Balie, Kleine-Gartmanplantsoen 10"
    first.description = (first.description or "") + "<p>Het diabat vindt plaats in De Balie.</p>"
    first.save_revision().publish()
    second = activities[1]
    second.status = "running"
    second.save_revision().publish()
    activities[2].delete()
    PublishVersionAction(document, note="Plaats bekend.", skip_permission_check=True).execute()
    later = ActivityPage.objects.get(pk=activities[3].pk)
    later.when_text = "3 maart 2027"
    later.save_revision().publish()
    return document


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_comparison_pages_are_accessible_and_the_change_list_comes_first(page, live_site, width):
    edit_demo()
    viewport = PHONE if width == "phone" else DESKTOP
    page.set_viewport_size(viewport)
    for path in ("/versies/1...2/", "/versies/2...nu/"):
        response = page.goto(live_site.url(path))
        assert response is not None and response.status == 200, path
        check_accessibility(page)
        assert page.console_errors == [], page.console_errors
        first_change = page.locator(".change-list li").first
        assert first_change.is_visible()
        assert first_change.bounding_box()["y"] < viewport["height"], (
            "the change list is below the first screen"
        )
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, "the page scrolls sideways"
    screenshot(page, f"comparison-now-{width}")


def test_change_links_land_on_visible_places_and_everything_can_be_opened(page, live_site):
    edit_demo()
    page.set_viewport_size(PHONE)
    page.goto(live_site.url("/versies/1...2/"))
    links = page.locator(".change-list a")
    assert links.count() >= 4
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("() => location.hash") == target
        assert page.locator(target).is_visible(), target
    folded = page.locator("details.compare-item:not([open])")
    assert folded.count() > 0
    page.locator(".comparison-toggle a").click()
    page.wait_for_load_state()
    assert page.locator("details.compare-item:not([open])").count() == 0
    check_accessibility(page)


def test_the_version_line_leads_to_the_pending_changes_in_english(browser, live_site):
    edit_demo()
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_site.url("/"))
        line = page.locator(".version-line")
        assert line.get_attribute("data-version-state") == "changed"
        line.locator("a.version-line-changed").click()
        page.wait_for_load_state()
        assert page.url.endswith("/versies/2...nu/")
        assert page.locator("#changes-title").inner_text() == "What has changed"
        assert "3 maart 2027" in page.locator(".change-list").inner_text()
        check_accessibility(page)
    finally:
        context.close()
