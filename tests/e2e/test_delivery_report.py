"""The delivery report on a mailing's admin page in a real browser: drawn without a browser error or a violation of
the admin's Content-Security-Policy, and without WCAG 2.2 A/AA violations (axe-core)."""

import datetime as dt

from django.utils import timezone

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
