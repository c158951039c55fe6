"""The site's design in a real browser: phone and desktop layouts without sideways scrolling, targets of at least
24×24 CSS px (WCAG 2.5.8), the "Doe mee" choices working without JavaScript, axe-core on the judged pages."""

import pytest

from .site_pages import judged_pages
from .support import E2E, check_accessibility, screenshot

pytestmark = E2E

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (box.right > width + 0.5 || (box.left < -0.5 && box.right > 0)) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth - width, elements: out.slice(0, 10)};
}"""

SMALL_CONTROLS = """() => {
  const small = [];
  const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, button, summary');
  for (const el of controls) {
    if (el.closest('.kvm-hp, [hidden], .honeypot')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    if (box.width < 24 || box.height < 24) {
      small.push(`${el.tagName.toLowerCase()}#${el.id || el.name || ''} ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
    }
  }
  return small;
}"""

OPEN_ALL = (
    "() => document.querySelectorAll('details').forEach((d) => { d.removeAttribute('name'); d.open = true; })"
)


@pytest.mark.parametrize("width", WIDTHS)
def test_document_activity_and_comparison_fit_the_screen_with_big_enough_targets(page, live_site, width):
    urls = judged_pages(live_site)
    page.set_viewport_size(WIDTHS[width])
    for name in ("document", "activity", "comparison", "activities", "subscribe"):
        response = page.goto(urls[name])
        assert response.status == 200, name
        page.evaluate(OPEN_ALL)
        overflow = page.evaluate(OVERFLOWING)
        assert overflow["scroll"] <= 0 and overflow["elements"] == [], f"{name} at {width}: {overflow}"
        assert page.evaluate(SMALL_CONTROLS) == [], f"{name} at {width}: controls under 24×24 px"
        if name in ("document", "activity", "comparison"):
            path = screenshot(page, f"design-{name}-{width}")
            assert path.stat().st_size > 10_000
        assert page.console_errors == [], f"{name}: {page.console_errors}"


def test_desktop_uses_its_width_with_a_sticky_table_of_contents(page, live_site):
    urls = judged_pages(live_site)
    page.set_viewport_size(WIDTHS["desktop"])
    page.goto(urls["document"])
    toc = page.locator(".toc").bounding_box()
    text = page.locator("article.document").bounding_box()
    assert toc["x"] + toc["width"] <= text["x"], "the contents sit beside the text"
    assert text["x"] + text["width"] > 1000
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    assert 0 <= page.locator(".toc").bounding_box()["y"] < 100, "the contents stay in view while reading"
    page.set_viewport_size(WIDTHS["phone"])
    toc = page.locator(".toc").bounding_box()
    text = page.locator("article.document").bounding_box()
    assert toc["y"] + toc["height"] <= text["y"], "one column on a phone"


def test_doe_mee_choices_work_without_javascript(browser, live_site):
    urls = judged_pages(live_site)
    context = browser.new_context(java_script_enabled=False, viewport=WIDTHS["phone"], locale="nl-NL")
    page = context.new_page()
    page.goto(urls["activity"])
    block = page.locator("section.doe-mee")
    assert block.count() == 1
    for form_id in ("endorse-form", "signup-form", "reaction-form"):
        assert not page.locator(f"#{form_id}").is_visible()
    page.get_by_text("Meedoen aan deze activiteit").click()
    assert page.locator("#signup-form").is_visible()
    assert not page.locator("#endorse-form").is_visible()
    consent = page.locator("#signup-form input[name=consent]")
    box = consent.bounding_box()
    label = page.locator("#signup-form label[for=signup-consent]").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    assert label["x"] > box["x"] + box["width"] - 1 and abs(label["y"] - box["y"]) < 12, (
        "label beside the box"
    )
    # A form sent back incomplete shows the errors at the top and next to their fields.
    page.locator("#signup-form button[type=submit]").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a").count() >= 3
    assert page.locator(".field-name .errorlist").is_visible()
    screenshot(page, "design-form-errors-phone")
    context.close()


def test_judged_pages_have_no_axe_violations(page, live_site):
    for name, url in judged_pages(live_site).items():
        page.goto(url)
        check_accessibility(page)
        page.evaluate(OPEN_ALL)
        check_accessibility(page)
        assert page.console_errors == [], f"{name}: {page.console_errors}"
