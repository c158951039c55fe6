"""The delivery report on a mailing's page: what the provider's webhooks said, each recipient once per line, against
the bulk senders' thresholds, with a chart and its table; and no open or click tracking asked of any provider."""

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.users.models import UserProfile

from newsletter.deliverability import Standing
from newsletter.models import Delivery, DeliveryStatus, TrackingEvent
from newsletter.selectors import mailing_delivery_report
from newsletter.sending import mailing_send
from newsletter.testing_mailgun import MailgunStandIn

from .conftest import (
    post_event,
    postmark_bounce,
    postmark_delivered,
    postmark_time,
    postmark_unsubscribed,
)

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def figures(page) -> dict[str, dict[str, str]]:
    """{line: {"label", "detail", "count", "percent", "standing", "standing_key", "norm"}} as the report's table
    shows them."""

    def part(row, selector: str) -> str:
        found = row.select_one(selector)
        return text(found) if found else ""

    return {
        row["data-figure"]: {
            "label": part(row, ".figure-label"),
            "detail": part(row, ".figure-detail"),
            "count": part(row, "td[data-value=count]"),
            "percent": part(row, "td[data-value=percent]"),
            "standing": part(row, ".figure-standing"),
            "standing_key": (row.select_one("[data-standing]") or {}).get("data-standing"),
            "norm": part(row, ".figure-norm"),
        }
        for row in page.select(".delivery-report table.delivery-figures tbody tr")
    }


def chart_table(page) -> tuple[list[str], list[list[int]]]:
    """(column headings, rows of counts) of the chart's accessible table."""
    table = page.select_one(".delivery-report details.delivery-chart-table table")
    headings = [text(th) for th in table.select("thead th")][1:]
    rows = [[int(td.get_text()) for td in tr.select("td")] for tr in table.select("tbody tr")]
    return headings, rows


@pytest.fixture
def sent_mailing(provider, frozen_mailing, webhook_secret):
    """sent_mailing(n, people=()) → a mailing of a new version to every resident (n new ones "lezer0000i@…" and
    the (email, name) `people`), handed to the provider stand-in."""

    def build(n: int, *, people=()):
        mailing = frozen_mailing(n, people=people)
        mailing_send(mailing_id=mailing.pk)
        assert set(mailing.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
        return mailing

    return build


@pytest.fixture
def view_only_editor(make_editor):
    """An editor who may look at mailings but not pause, resume or cancel them."""
    editor = make_editor()
    editor.groups.get().permissions.add(Permission.objects.get(codename="view_mailing"))
    return type(editor).objects.get(pk=editor.pk)


def one_click_unsubscribe(client, provider, email: str) -> None:
    """What a mail client does with the List-Unsubscribe header the recipient got (RFC 8058)."""
    message = next(m for m in provider.messages if email in m["to"])
    url = message["headers"]["List-Unsubscribe"].split(",")[0].strip("<> ")
    response = client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200


def test_the_editor_sees_what_the_provider_reported_against_the_thresholds(
    client, provider, sent_mailing, view_only_editor
):
    mailing = sent_mailing(40)
    rows = list(mailing.deliveries.order_by("email"))
    sent_hour = rows[0].sent_at.replace(minute=0, second=0, microsecond=0)

    def hour(n: int, minute: int = 0) -> str:
        """The provider's time of a report in the n-th hour after the hour of the send."""
        return postmark_time(sent_hour + dt.timedelta(hours=n, minutes=minute))

    for row in rows[:36]:
        assert post_event(client, postmark_delivered(row, at=hour(1, 1))).status_code == 200
    post_event(client, postmark_delivered(rows[0], at=hour(1, 1)))  # replayed: the same event again
    post_event(client, postmark_delivered(rows[1], at=hour(2, 10)))  # repeated: a second report of one
    post_event(client, postmark_bounce(rows[36], event_id=1001, at=hour(1, 2)))
    post_event(client, postmark_bounce(rows[36], event_id=1001, at=hour(1, 2)))  # replayed
    post_event(client, postmark_bounce(rows[37], event_id=1002, kind="SoftBounce", at=hour(2, 5)))
    post_event(client, postmark_bounce(rows[2], event_id=1003, kind="SpamComplaint", at=hour(3, 10)))
    post_event(client, postmark_unsubscribed(rows[3], at=hour(3, 5)))
    one_click_unsubscribe(client, provider, rows[4].email)
    assert TrackingEvent.objects.filter(delivery__isnull=True).count() == 0

    client.force_login(view_only_editor)
    page = soup(client.get(f"/admin/nieuwsbrief/{mailing.pk}/"))

    report = page.select_one("section.delivery-report")
    assert text(report.h2) == "Afleverrapport"
    shown = figures(page)
    assert {key: (line["count"], line["percent"]) for key, line in shown.items()} == {
        "sent": ("40", ""),
        "delivered": ("36", "90,00 %"),
        "hard_bounced": ("1", "2,50 %"),
        "soft_bounced": ("1", "2,50 %"),
        "complained": ("1", "2,50 %"),
        "unsubscribed": ("1", "2,50 %"),
        "unsubscribed_link": ("1", "2,50 %"),
    }
    assert shown["complained"]["label"] == "Als spam gemeld"
    assert shown["complained"]["norm"] == "Google en Yahoo (2024): onder 0,1 % blijven, nooit 0,3 % of meer"
    assert (shown["complained"]["standing"], shown["complained"]["standing_key"]) == ("te hoog", "over")
    assert shown["hard_bounced"]["norm"].startswith("let op vanaf 2 % ")
    assert "te hoog vanaf 5 % (Amazon SES" in shown["hard_bounced"]["norm"]
    assert (shown["hard_bounced"]["standing"], shown["hard_bounced"]["standing_key"]) == ("let op", "warning")
    assert shown["delivered"]["standing"] == "" and shown["delivered"]["norm"] == ""
    assert shown["unsubscribed_link"]["label"] == "Afgemeld via onze eigen link"
    assert shown["unsubscribed_link"]["detail"] == (
        "afmeldlink of voorkeurenpagina, na deze e-mail en vóór een volgende"
    )
    assert shown["unsubscribed"]["label"] == "Afgemeld bij de provider"
    assert "Gmail meldt klachten niet per bericht" in text(report)

    chart = report.select_one("figure.delivery-chart")
    assert "Per uur" in text(chart.figcaption)
    series = chart.select("tr[data-series]")
    assert [s["data-series"] for s in series] == [
        "delivered",
        "hard_bounced",
        "soft_bounced",
        "complained",
        "unsubscribed",
    ]
    assert {svg["viewbox"] for svg in chart.select("svg")} == {"0 0 40 40"}  # the send's hour and three more
    assert {svg["aria-hidden"] for svg in chart.select("svg")} == {"true"}
    assert not report.select("[style], script, style")
    headings, counts = chart_table(page)
    keys = ["delivered", "hard_bounced", "soft_bounced", "complained", "unsubscribed"]
    assert headings == [shown[key]["label"] for key in keys]
    # Hours with reports only, each recipient in the hour of its first report of each kind.
    assert counts == [[36, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 1]]
    times = [tr.select_one("th time")["datetime"] for tr in report.select("details tbody tr")]
    assert [dt.datetime.fromisoformat(t) for t in times] == [
        sent_hour + dt.timedelta(hours=n) for n in (1, 2, 3)
    ]
    assert not page.select("form.mailing-actions button")  # viewing only


@pytest.mark.parametrize(
    ("line", "reported", "sent", "standing"),
    [
        ("complained", 0, 1000, Standing.OK),
        ("complained", 1, 1001, Standing.OK),
        ("complained", 1, 1000, Standing.WARNING),
        ("complained", 2, 1000, Standing.WARNING),
        ("complained", 3, 1001, Standing.WARNING),
        ("complained", 3, 1000, Standing.OVER),
        ("hard_bounced", 19, 1000, Standing.OK),
        ("hard_bounced", 20, 1000, Standing.WARNING),
        ("hard_bounced", 49, 1000, Standing.WARNING),
        ("hard_bounced", 50, 1000, Standing.OVER),
    ],
)
def test_the_standing_turns_at_the_published_thresholds(frozen_mailing, line, reported, sent, standing):
    mailing = frozen_mailing(0)
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        Delivery(mailing=mailing, email=f"r{n}@example.org", status=DeliveryStatus.SENT, sent_at=now)
        for n in range(sent)
    )
    event_type = {"complained": "complained", "hard_bounced": "bounced"}[line]
    TrackingEvent.objects.bulk_create(
        TrackingEvent(esp="postmark", event_id=f"e{n}", event_type=event_type, delivery=row, occurred_at=now)
        for n, row in enumerate(rows[:reported])
    )

    report = mailing_delivery_report(mailing_id=mailing.pk)

    assert report.sent == sent
    assert report.line(line).count == reported
    assert report.line(line).standing is standing


def _mailing_with_reports(sent_mailing, client, provider, n: int, *, people=()):
    """A sent mailing (see `sent_mailing`), each kind of report among its recipients, spread over three hours."""
    mailing = sent_mailing(n, people=people)
    rows = list(mailing.deliveries.order_by("email"))
    n = len(rows)
    start = rows[0].sent_at
    for index, row in enumerate(rows):
        at = postmark_time(start + dt.timedelta(minutes=index * 180 // n))
        post_event(client, postmark_delivered(row, at=at))
    post_event(client, postmark_bounce(rows[0], event_id=1, at=postmark_time(start)))
    post_event(client, postmark_bounce(rows[1], event_id=2, kind="SoftBounce", at=postmark_time(start)))
    post_event(client, postmark_bounce(rows[2], event_id=3, kind="SpamComplaint", at=postmark_time(start)))
    post_event(client, postmark_unsubscribed(rows[3], at=postmark_time(start)))
    one_click_unsubscribe(client, provider, rows[4].email)
    return mailing


def test_the_report_takes_the_same_queries_for_a_small_and_a_larger_mailing(
    client, provider, sent_mailing, admin_user, django_assert_num_queries
):
    small = _mailing_with_reports(sent_mailing, client, provider, 6)
    more = [(f"meer{n:03d}@example.org", f"Meer {n}") for n in range(60)]
    # 60 more and the 2 of the first who are still on the list (not suppressed, bounced or unsubscribed)
    larger = _mailing_with_reports(sent_mailing, client, provider, 0, people=more)

    for mailing, n in ((small, 6), (larger, 62)):
        assert mailing.deliveries.count() == n
        with django_assert_num_queries(2):
            report = mailing_delivery_report(mailing_id=mailing.pk)
        assert (report.sent, report.line("delivered").count) == (n, n)
        assert report.line("unsubscribed_link").count == 1

    client.force_login(admin_user)
    client.get(f"/admin/nieuwsbrief/{small.pk}/")  # the first request of a session reads more (user, profile)
    page_queries = []
    for mailing in (small, larger):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/admin/nieuwsbrief/{mailing.pk}/").status_code == 200
        page_queries.append(len(queries))
    assert page_queries[0] == page_queries[1]


def test_an_unsubscribe_by_our_link_counts_for_the_last_email_before_it(client, provider, sent_mailing):
    first = sent_mailing(2)
    second = sent_mailing(0, people=[("nieuw@example.org", "Nieuw")])  # the two of the first, and one more
    one_click_unsubscribe(client, provider, "lezer00001@example.org")  # the link does not name the email

    assert mailing_delivery_report(mailing_id=first.pk).line("unsubscribed_link").count == 0
    assert mailing_delivery_report(mailing_id=second.pk).line("unsubscribed_link").count == 1


def test_a_mailing_with_nothing_sent_yet_shows_an_empty_report(client, frozen_mailing, view_only_editor):
    mailing = frozen_mailing(3)
    client.force_login(view_only_editor)
    page = soup(client.get(f"/admin/nieuwsbrief/{mailing.pk}/"))
    shown = figures(page)
    assert shown["sent"]["count"] == "0"
    assert {line["percent"] for key, line in shown.items() if key != "sent"} == {"—"}
    assert shown["complained"]["standing"] == "nog niets verzonden"
    assert shown["complained"]["standing_key"] is None
    assert not page.select(".delivery-report figure, .delivery-report details")
    assert text(page.select_one(".delivery-chart-empty")) == (
        "De provider heeft over deze verzending nog niets gemeld."
    )


def test_the_report_in_english(client, provider, sent_mailing, admin_user):
    mailing = sent_mailing(3)
    rows = list(mailing.deliveries.order_by("email"))
    post_event(client, postmark_delivered(rows[0], at=postmark_time(rows[0].sent_at)))
    post_event(client, postmark_bounce(rows[1], event_id=7, kind="SpamComplaint"))  # dated a month before
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(admin_user)

    page = soup(client.get(f"/admin/nieuwsbrief/{mailing.pk}/"))

    report = page.select_one("section.delivery-report")
    assert text(report.h2) == "Delivery report"
    shown = figures(page)
    assert shown["complained"]["label"] == "Marked as spam"
    assert shown["complained"]["percent"] == "33.33%"
    assert shown["complained"]["norm"] == "Google and Yahoo (2024): stay below 0.1%, never 0.3% or more"
    assert shown["complained"]["standing"] == "too high"
    assert shown["unsubscribed_link"]["label"] == "Unsubscribed through our own link"
    assert text(report.select_one("details summary")) == "The chart as a table"
    assert text(report.select_one("figure figcaption")).startswith("Per day, from ")


def test_no_provider_is_asked_to_track_opens_or_clicks(client, provider, sent_mailing, settings, monkeypatch):
    bodies = []
    request = requests.Session.request

    def recording(session, method, url, *args, **kwargs):
        bodies.append(kwargs.get("data"))
        return request(session, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    sent_mailing(3)
    messages = []
    for body in map(json.loads, bodies):
        common = {k: v for k, v in body.items() if k != "Messages"} if isinstance(body, dict) else {}
        batch = body.get("Messages", [body]) if isinstance(body, dict) else body
        messages += [{**common, **message} for message in batch]
    assert len(messages) == 3
    assert {(m["TrackOpens"], m["TrackLinks"]) for m in messages} == {(False, "None")}

    with MailgunStandIn(keep_messages=True, domains={"krachtvanmokum.nl"}) as mailgun:
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {"MAILGUN_API_KEY": "key-test", "MAILGUN_API_URL": mailgun.api_url}
        sent_mailing(0, people=[("ander@example.org", "Ander")])  # the three before and one more
    assert len(mailgun.messages) == 4
    for message in mailgun.messages:
        assert message["options"]["tracking-opens"] == "no"
        assert message["options"]["tracking-clicks"] == "no"
