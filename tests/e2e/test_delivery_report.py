"""The delivery report on a mailing's admin page in a real browser: drawn without a browser error or a violation of
the admin's Content-Security-Policy, and without WCAG 2.2 A/AA violations (axe-core)."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from newsletter.mailings import mailing_create, mailing_freeze
from newsletter.models import (
    Audience,
    Delivery,
    DeliveryStatus,
    MailingStatus,
    Subscriber,
    Subscription,
    TrackingEvent,
)
from pages.actions import PublishVersionAction
from pages.models import DocumentPage

from .support import E2E, check_accessibility, screenshot
from .test_editor import log_in

pytestmark = E2E


def test_the_admin_delivery_report_in_a_browser(page, live_site, editor, editor_password):
    residents = Audience.objects.get(key="residents")
    now = timezone.now()
    for n in range(40):
        subscriber = Subscriber.objects.create(email=f"lezer{n}@example.org", confirmed_at=now)
        Subscription.objects.create(subscriber=subscriber, audience=residents)
    version = PublishVersionAction(
        DocumentPage.objects.get(slug="calls-to-action"), note="n", skip_permission_check=True
    ).execute()
    mailing = mailing_create(version=version, audience_keys=["residents"])
    mailing_freeze(mailing_id=mailing.pk)
    sent_at = now - dt.timedelta(hours=6)
    Delivery.objects.filter(mailing=mailing).update(status=DeliveryStatus.SENT, sent_at=sent_at)
    type(mailing).objects.filter(pk=mailing.pk).update(status=MailingStatus.DONE)
    reports = ["delivered"] * 36 + ["bounced", "soft_bounced", "complained", "unsubscribed"]
    TrackingEvent.objects.bulk_create(
        TrackingEvent(
            esp="postmark",
            event_id=f"e{n}",
            event_type=event_type,
            delivery=delivery,
            occurred_at=sent_at + dt.timedelta(minutes=7 * n),
        )
        for n, (delivery, event_type) in enumerate(
            zip(Delivery.objects.filter(mailing=mailing).order_by("pk"), reports, strict=True)
        )
    )

    log_in(page, live_site, editor.username, editor_password)
    page.goto(live_site.url(f"/admin/nieuwsbrief/{mailing.pk}/"))
    report = page.locator("section.delivery-report")
    assert report.locator("[data-figure=complained] .figure-standing").inner_text() == "te hoog"
    assert report.locator("svg rect[fill='#2e7d32']").count() > 1
    report.locator("details.delivery-chart-table summary").click()
    assert report.locator("details.delivery-chart-table tbody tr").count() > 1
    screenshot(page, "admin-delivery-report")
    check_accessibility(page)
    assert page.console_errors == [], page.console_errors


def test_a_sending_mailing_keeps_its_progress_current_without_reloading_the_page(
    page, live_site, editor, editor_password
):
    """The figures follow the send in place (no meta refresh, which axe-core flags: WCAG 2.2.1); the editor can stop
    the updates; when the send is over a status message says so."""
    residents = Audience.objects.get(key="residents")
    now = timezone.now()
    for n in range(10):
        subscriber = Subscriber.objects.create(email=f"lezer{n}@example.org", confirmed_at=now)
        Subscription.objects.create(subscriber=subscriber, audience=residents)
    version = PublishVersionAction(
        DocumentPage.objects.get(slug="calls-to-action"), note="n", skip_permission_check=True
    ).execute()
    mailing = mailing_create(version=version, audience_keys=["residents"])
    mailing_freeze(mailing_id=mailing.pk)  # status "sending", nothing handed over yet
    rows = Delivery.objects.filter(mailing=mailing).order_by("pk")

    log_in(page, live_site, editor.username, editor_password)
    page.goto(live_site.url(f"/admin/nieuwsbrief/{mailing.pk}/"))
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    label = page.locator("[data-live=progress-label]")
    assert label.inner_text() == "Voortgang: 0 van 10"
    check_accessibility(page)
    page.evaluate("window.kvmLoads = (window.kvmLoads || 0) + 1")

    Delivery.objects.filter(pk__in=list(rows.values_list("pk", flat=True)[:4])).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    expect(label).to_have_text("Voortgang: 4 van 10", timeout=15_000)
    assert page.locator("[data-live=progress]").get_attribute("value") is not None
    assert page.evaluate("document.querySelector('progress').value") == 4
    assert page.evaluate("window.kvmLoads") == 1, "updated in place: the page was not loaded again"

    # Stopped by the editor: nothing changes any more.
    page.get_by_role("button", name="Niet meer bijwerken").click()
    Delivery.objects.filter(mailing=mailing, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    type(mailing).objects.filter(pk=mailing.pk).update(status=MailingStatus.DONE)
    page.wait_for_timeout(6_000)
    assert label.inner_text() == "Voortgang: 4 van 10"

    # Started again: the last figures, and the message that the send is over.
    page.get_by_role("button", name="Weer bijwerken").click()
    page.get_by_role("status").filter(has_text="De verzending loopt niet meer.").wait_for(timeout=15_000)
    assert label.inner_text() == "Voortgang: 10 van 10"
    assert page.locator("[data-live=status]").inner_text() == "verzonden"
    check_accessibility(page)
    assert page.console_errors == [], page.console_errors
