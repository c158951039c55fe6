"""The headless API's interactive documentation works in a real browser under the site's Content-Security-Policy."""

from .support import E2E, screenshot

pytestmark = E2E


def test_api_docs_render_every_operation_without_policy_violations(page, live_site):
    response = page.goto(live_site.url("/api/v3/docs/"))
    assert response is not None and response.status == 200
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    summaries = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert any("/api/v3/living-documents/{document_id}/" in text for text in summaries)
    assert any("/api/v3/supporters/pages/{page_id}/endorsements/" in text for text in summaries)
    assert page.console_errors == []
    screenshot(page, "api-docs")
