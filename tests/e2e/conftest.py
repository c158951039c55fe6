"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures here; plain helpers (axe-core, screenshots, the outbox reader, constants) in `support.py`.

- `browser` (once for the e2e package) and `page` (per test): Chromium from CHROMIUM_PATH (default /usr/bin/chromium). Without it
  the tests skip with a message; with KVM_REQUIRE_BROWSER=1 (set by CI) they fail instead.
- `live_site`: the live server with the demo document (`load_demo`) as its home page, and `url(path)`.
- `support.check_accessibility(page)`: runs axe-core (node_modules/axe-core, installed by `make deps`) against WCAG 2.2
  A and AA rules and fails with a readable list of violations.
- `outbox`: mail goes to .eml files in a fresh folder; `outbox.newest(to=...)`, `Outbox.links(message)`,
  `support.show_email(page, message)` renders its HTML in the browser (for axe-core and screenshots).
- `support.screenshot(page, name)`: a full-page PNG in test-artifacts/; a failing test leaves one of its page there too.
- Every page records what the browser logs as an error (CSP violations included) in `page.console_errors`.

The live server commits for real, so these tests use a transactional database with serialized rollback: Wagtail's
root page, default site and locale (made by migrations) come back before each test.
"""

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from .support import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    LiveSite,
    Outbox,
    missing,
    screenshot,
)


@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker):
    if not CHROMIUM.exists():
        missing(f"No Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed")
    # Once Playwright's event loop runs in this thread, Django (through asgiref) hands the thread a new
    # connection object, which lacks the snapshot that serialized rollback restores: carry it over.
    with django_db_blocker.unblock():
        snapshots = {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
    # Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls stay synchronous.
    # Only while the browser is open (package scope): later tests and their subprocesses never see this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, snapshot in snapshots.items():
                connections[alias]._test_serialized_contents = snapshot
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and page.console_errors.append(f"{response.status} {response.url}")
        ),
    )
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        screenshot(page, f"failed-{request.node.name}")
    context.close()


@pytest.fixture
def live_site(live_server, settings) -> LiveSite:
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    cache.clear()
    yield LiveSite(base_url=live_server.url)
    cache.clear()


@pytest.fixture
def outbox(settings, tmp_path) -> Outbox:
    folder = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "newsletter.transport.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = folder
    return Outbox(folder)


@pytest.fixture
def editor_password() -> str:
    return "redacteur-wachtwoord-123"


@pytest.fixture
def editor(django_user_model, editor_password):
    """A superuser who logs in through the admin's login form in the browser."""
    return django_user_model.objects.create_superuser("redacteur", "redacteur@example.org", editor_password)
