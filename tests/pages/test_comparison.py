"""The comparison people read, the live page's version line, and the 404 path for bots and old links."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, ActivityStatus, CallPage, RemovedActivity

pytestmark = pytest.mark.django_db

API = "/api/v3/living-documents/"


def publish(document, note="Wijziging", **kwargs):
    return PublishVersionAction(document, note=note, skip_permission_check=True, **kwargs).execute()


def republish(page, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def first_activity() -> ActivityPage:
    return ActivityPage.objects.get(title="Activiteit 1.1")


# --- the version line --------------------------------------------------------------------------------------------


def test_version_line_says_changed_after_a_plain_publish_and_published_after_a_version(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    call, activity = CallPage.objects.get(title="Call 1"), first_activity()
    urls = [document.url, call.url, activity.url]
    for url in urls:
        line = soup(client.get(url)).select_one(".version-line")
        assert line["data-version-state"] == "published", url
        assert "sindsdien" not in line.get_text()

    republish(activity, location="De Balie")
    for url in urls:
        line = soup(client.get(url)).select_one(".version-line")
        assert line["data-version-state"] == "changed", url
        assert "Versie 1 — " in line.get_text() and "sindsdien bijgewerkt op" in line.get_text()
        assert line.select_one("a.version-line-changed")["href"] == f"{document.url}versies/1...nu/"

    publish(document, note="Tweede")
    for url in urls:
        line = soup(client.get(url)).select_one(".version-line")
        assert line["data-version-state"] == "published", url
        assert "Versie 2 — " in line.get_text()


def test_a_republish_without_a_visible_change_keeps_the_line_published(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(first_activity(), seo_title="Alleen voor zoekmachines")
    assert soup(client.get(document.url)).select_one(".version-line")["data-version-state"] == "published"


def test_compare_with_now_shows_the_pending_change(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(first_activity(), district="", location="De Balie, Kleine-Gartmanplantsoen 10")
    page = soup(client.get(f"{document.url}versies/1...nu/"))
    assert page.select_one(".change-list").get_text(strip=True) == (
        "“Activiteit 1.1” — Waar: Oost → De Balie, Kleine-Gartmanplantsoen 10."
    )
    assert page.select_one(f"#activity-{first_activity().pk}-where ins").get_text() == (
        "De Balie, Kleine-Gartmanplantsoen 10"
    )
    publish(document, note="Tweede")
    same = soup(client.get(f"{document.url}versies/2...nu/"))
    assert "De huidige tekst is gelijk aan deze versie." in same.get_text()
    assert client.get(f"{document.url}versies/9...nu/").status_code == 404


# --- the comparison ------------------------------------------------------------------------------------------------


def test_a_new_paragraph_is_its_own_block(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(
        first_activity(),
        description="<p>Beschrijving van activiteit 1.1.</p><p>Het diabat vindt plaats in De Balie.</p>",
    )
    publish(document, note="Tweede")
    text = soup(client.get(f"{document.url}versies/1...2/")).select_one(
        f"#activity-{first_activity().pk}-description"
    )
    blocks = [(p["data-diff"], p.get_text()) for p in text.select("p.diff-block")]
    assert blocks == [
        ("equal", "Beschrijving van activiteit 1.1."),
        ("insert", "Het diabat vindt plaats in De Balie."),
    ]
    assert text.select_one("p.diff-insert > ins").get_text() == "Het diabat vindt plaats in De Balie."


def test_headings_and_list_items_keep_their_structure(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    republish(
        first_activity(),
        description="<h3>Wat we doen</h3><p>We praten.</p><ul><li>koffie</li><li>thee</li></ul>",
    )
    publish(document, note="Eerste")
    republish(
        first_activity(),
        description="<h3>Wat we samen doen</h3><p>We praten.</p><ul><li>koffie</li><li>soep</li><li>thee</li></ul>",
    )
    publish(document, note="Tweede")
    text = soup(client.get(f"{document.url}versies/1...2/")).select_one(
        f"#activity-{first_activity().pk}-description"
    )
    heading = text.select_one("h3.diff-change")
    assert heading.select_one("ins").get_text() == "samen"
    assert [(li["data-diff"], li.get_text()) for li in text.select("ul > li")] == [
        ("equal", "koffie"),
        ("insert", "soep"),
        ("equal", "thee"),
    ]


def test_compare_marks_word_level_insertions_and_deletions(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(first_activity(), description="<p>Beschrijving van de buurtborrel.</p>")
    publish(document, note="Tweede")
    page = soup(client.get(f"{document.url}versies/1...2/"))
    text = page.select_one(f"#activity-{first_activity().pk}-description")
    assert [d.get_text() for d in text.select("del")] == ["activiteit 1.1."]
    assert [i.get_text() for i in text.select("ins")] == ["de buurtborrel."]


def test_what_changed_in_a_version_is_indexable_and_other_comparisons_are_not(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    for number in (1, 2, 3):
        republish(first_activity(), description=f"<p>Beschrijving {number}.</p>")
        publish(document, note=f"Versie {number}")
    republish(first_activity(), description="<p>Nog niet in een versie.</p>")

    def robots(path):
        page = soup(client.get(f"{document.url}{path}", HTTP_HOST="localhost"))
        meta = page.select_one('meta[name="robots"]')
        canonical = page.select_one('link[rel="canonical"]')
        return (meta["content"] if meta else None), (canonical["href"] if canonical else None)

    assert robots("versies/2...3/") == (None, f"http://localhost{document.url}versies/2...3/")
    assert robots("versies/2...3/?alles=1") == ("noindex", None)  # the whole text again
    assert robots("versies/1...3/") == ("noindex", None)  # another pair: repeats the two above
    assert robots("versies/3...nu/") == ("noindex", None)  # the live text changes without a version


def test_every_change_list_link_resolves_to_an_id_on_the_page(client, make_document):
    document = make_document(calls=3, activities_per_call=2)
    publish(document, note="Eerste")
    republish(document, intro="<p>Nieuwe inleiding.</p>")
    republish(CallPage.objects.get(title="Call 2"), title="Buurtdemocratie")
    republish(first_activity(), status=ActivityStatus.DONE, needs_people="Twee mensen")
    ActivityPage.objects.get(title="Activiteit 2.2").move(
        CallPage.objects.get(title="Call 3"), pos="last-child"
    )
    ActivityPage.objects.get(title="Activiteit 3.1").delete()
    CallPage.objects.get(title="Call 1").add_child(instance=ActivityPage(title="Nieuw", slug="nieuw"))
    publish(document, note="Tweede")
    page = soup(client.get(f"{document.url}versies/1...2/"))
    links = page.select(".change-list a")
    assert len(links) == 7
    for link in links:
        assert link["href"].startswith("#")
        target = page.find(id=link["href"][1:])
        assert target is not None, link["href"]
        # The target is visible: every <details> around it is open.
        assert all(d.has_attr("open") for d in target.find_parents("details")), link["href"]


def test_unchanged_items_are_folded_and_can_all_be_opened(client, make_document):
    document = make_document(calls=2, activities_per_call=2)
    publish(document, note="Eerste")
    renamed = republish(first_activity(), title="Buurtgesprek")
    publish(document, note="Tweede")
    page = soup(client.get(f"{document.url}versies/1...2/"))
    states = {d["id"]: (d["data-state"], d.has_attr("open")) for d in page.select("details.compare-item")}
    call_1, call_2 = CallPage.objects.get(title="Call 1"), CallPage.objects.get(title="Call 2")
    assert states[f"call-{call_1.pk}"] == ("changed", True)
    assert states[f"activity-{renamed.pk}"] == ("changed", True)
    assert states[f"call-{call_2.pk}"] == ("unchanged", False)
    assert states[f"activity-{ActivityPage.objects.get(title='Activiteit 1.2').pk}"] == ("unchanged", False)
    summary = page.select_one(f"#call-{call_2.pk} > summary").get_text(" ", strip=True)
    assert summary == "2. Call 2 (ongewijzigd)"
    show_all = page.select_one(".comparison-toggle a")["href"]
    everything = soup(client.get(f"{document.url}versies/1...2/{show_all}"))
    assert all(d.has_attr("open") for d in everything.select("details.compare-item"))


def test_the_change_list_comes_before_the_text_and_the_legend_does_not_rely_on_colour(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(first_activity(), title="Buurtgesprek")
    publish(document, note="Tweede")
    page = soup(client.get(f"{document.url}versies/1...2/"))
    article = page.select_one("article.comparison")
    order = [el.get("class", [""])[0] for el in article.find_all(["section"], recursive=False)]
    assert order == ["comparison-changes", "comparison-text"]
    legend = page.select_one(".diff-legend")
    assert legend.select_one("ins").get_text() == "toegevoegde tekst is onderstreept"
    assert legend.select_one("del").get_text() == "weggehaalde tekst is doorgestreept"


def test_an_english_reader_gets_the_interface_in_english(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(first_activity(), title="Buurtgesprek")
    publish(document, note="Tweede")
    page = soup(client.get(f"{document.url}versies/1...2/", headers={"accept-language": "en"}))
    assert page.select_one("#changes-title").get_text() == "What has changed"
    assert "(unchanged)" in page.get_text() or "(changed)" in page.get_text()


def _compare_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_comparison_query_count_does_not_grow_with_activities_or_versions(client, make_document):
    counts = {}
    for calls, per_call, extra_versions in ((1, 1, 0), (4, 6, 6)):
        document = make_document(calls=calls, activities_per_call=per_call)
        publish(document, note="Eerste")
        for activity in ActivityPage.objects.descendant_of(document):
            republish(activity, title=activity.title + " (nieuw)")
        publish(document, note="Tweede")
        for _ in range(extra_versions):
            publish(document)
        counts[calls] = (
            _compare_queries(client, f"{document.url}versies/1...2/"),
            _compare_queries(client, f"{document.url}versies/1...nu/"),
            _compare_queries(client, f"{API}{document.pk}/versions/1/compare/2/"),
        )
    assert counts[1] == counts[4]


# --- the API ---------------------------------------------------------------------------------------------------------


def test_api_comparison_gives_blocks_and_word_runs(client, make_document):
    document = make_document(calls=1, activities_per_call=2)
    publish(document, note="Eerste")
    republish(first_activity(), description="<p>Beschrijving van activiteit 1.1.</p><p>Nieuw.</p>")
    publish(document, note="Tweede")
    body = client.get(f"{API}{document.pk}/versions/1/compare/2/").json()
    assert body["identical"] is False
    call = body["document"]["children"][0]["items"][0]
    changed, unchanged = call["children"][0]["items"]
    assert (changed["state"], unchanged["state"]) == ("changed", "unchanged")
    description = next(f for f in changed["fields"] if f["name"] == "description")
    assert [(b["op"], b["text"]) for b in description["blocks"]] == [
        ("equal", "Beschrijving van activiteit 1.1."),
        ("insert", "Nieuw."),
    ]
    assert body["changes"][0]["anchor"] == description["anchor"]


# --- the 404 path ------------------------------------------------------------------------------------------------------


def test_a_removed_activity_is_in_the_table_and_its_old_address_explains(client, make_document):
    document = make_document(calls=1, activities_per_call=2)
    publish(document, note="Eerste")
    gone = ActivityPage.objects.get(title="Activiteit 1.2")
    old_url = gone.url
    gone.delete()
    publish(document, note="Samengevoegd met 1.1")
    marker = RemovedActivity.objects.get(path=old_url)
    assert (marker.title, marker.last_version.number, marker.removed_in.number) == ("Activiteit 1.2", 1, 2)
    response = client.get(old_url)
    assert response.status_code == 410
    assert "Samengevoegd met 1.1" in response.content.decode()


def test_an_activity_with_a_new_address_redirects_from_the_old_one(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    old_url = first_activity().url
    republish(first_activity(), slug="buurtgesprek")
    publish(document, note="Nieuwe link")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == first_activity().url


def test_an_activity_that_comes_back_leaves_the_table(client, make_document):
    document = make_document(calls=1, activities_per_call=1)
    publish(document, note="Eerste")
    republish(first_activity(), slug="tijdelijk")
    publish(document, note="Tweede")
    assert RemovedActivity.objects.count() == 1
    republish(first_activity(), slug="activiteit-1-1")
    publish(document, note="Terug")
    assert not RemovedActivity.objects.filter(path=first_activity().url).exists()
    assert client.get(first_activity().url).status_code == 200


def _not_found_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


BOT_PATHS = [
    "wp-login.php",
    "call-1/bestaat-niet/",
    "call-1/" + "a" * 3000 + "/",
    "call-1/%E2%80%AE%00/",
    "versies/1...999999999/",
    "../../etc/passwd",
    "call-1/activiteit-1-1/extra/",
]


@pytest.mark.parametrize("path", BOT_PATHS)
def test_a_404_costs_the_same_queries_with_1_and_50_versions(client, make_document, path):
    document = make_document(calls=1, activities_per_call=3)
    publish(document, note="Eerste")
    for index in range(2, 4):
        ActivityPage.objects.get(title=f"Activiteit 1.{index}").delete()
        publish(document, note=f"Versie {index}")
    url = f"{document.url}{path}"
    status, one = _not_found_queries(client, url)
    assert status == 404
    for _ in range(47):
        publish(document)
    status, fifty = _not_found_queries(client, url)
    assert status == 404
    assert fifty == one
