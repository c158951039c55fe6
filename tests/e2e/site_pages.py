"""The five public pages the design is judged on (document, activity, overview, comparison, subscribe)."""

from pages.actions import PublishVersionAction
from pages.models import ActivityPage, DocumentPage


def judged_pages(live_site) -> dict[str, str]:
    """The demo document with a second version (so a comparison exists); name → absolute URL."""
    document = DocumentPage.objects.get(slug="calls-to-action")
    activity = ActivityPage.objects.descendant_of(document).order_by("path").first()
    activity.status = "running"
    activity.needs_people = "Twee gespreksleiders en iemand die notuleert"
    activity.save_revision().publish()
    PublishVersionAction(document, note="Een activiteit loopt nu.", skip_permission_check=True).execute()
    return {
        "document": live_site.url("/"),
        "activity": live_site.url(activity.url),
        "activities": live_site.url("/activiteiten/"),
        "comparison": live_site.url("/versies/1...2/"),
        "subscribe": live_site.url("/nieuwsbrief/"),
    }
