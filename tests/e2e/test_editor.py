"""An editor logs into the Wagtail admin in the browser, renames an activity, publishes, and readers see it."""

import re

import pytest

from pages.models import ActivityPage, DocumentPage

from .support import E2E, screenshot

pytestmark = E2E


@pytest.fixture
def page_cache_on(settings):
    settings.KVM_PAGES = {**settings.KVM_PAGES, "PAGE_CACHE_SECONDS": 300}


def log_in(page, live_site, username: str, password: str) -> None:
    page.goto(live_site.url("/admin/"))
    assert "/admin/login/" in page.url
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    page.click('form button[type="submit"]')
    page.wait_for_url(re.compile(r"/admin/$"))


def test_editor_publishes_a_new_activity_title_and_readers_see_it(
    page, live_site, editor, editor_password, page_cache_on
):
    document = DocumentPage.objects.get(slug="calls-to-action")
    activity = ActivityPage.objects.descendant_of(document).order_by("path").first()
    old_title, new_title = activity.title, "Buurtgesprek over inspraak in Oost"

    # Readers have seen (and the page cache holds) the old title.
    page.goto(live_site.url(activity.url))
    assert page.locator("h1").inner_text() == old_title
    page.goto(live_site.url("/"))
    assert page.get_by_role("link", name=old_title).count() == 1

    log_in(page, live_site, editor.username, editor_password)
    page.goto(live_site.url(f"/admin/pages/{activity.pk}/edit/"))
    page.fill("#id_title", new_title)
    footer = page.locator("footer .actions--primary")
    footer.locator(".w-dropdown__toggle").click()
    footer.locator('button[name="action-publish"]').click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    assert page.locator(".messages").inner_text().strip()
    screenshot(page, "admin-after-publish")
    assert page.console_errors == [], page.console_errors

    activity.refresh_from_db()
    assert activity.title == new_title and activity.live and not activity.has_unpublished_changes

    reader = page.context.browser.new_context()
    try:
        public = reader.new_page()
        public.goto(live_site.url(activity.url))
        assert public.locator("h1").inner_text() == new_title
        public.goto(live_site.url("/"))
        assert public.get_by_role("link", name=new_title).count() == 1
        assert public.get_by_role("link", name=old_title).count() == 0
    finally:
        reader.close()
