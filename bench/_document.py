"""A document of a given size for the benchmarks: calls with activities whose texts have a realistic length."""


def build_document(*, activities: int = 200, calls: int = 5, slug: str = "bench"):
    """A live DocumentPage with `calls` calls and `activities` activities spread over them."""
    from wagtail.models import Page

    from pages.models import ActivityPage, CallPage, DocumentPage

    root = Page.get_first_root_node()
    document = DocumentPage(title="Bench", slug=slug, intro="<p>Inleiding</p>")
    root.add_child(instance=document)
    per_call = activities // calls
    for number in range(1, calls + 1):
        call = CallPage(
            title=f"Call {number}",
            slug=f"call-{number}",
            number=number,
            body=[{"type": "paragraph", "value": "<p>Tekst van de call.</p>"}],
        )
        document.add_child(instance=call)
        for index in range(per_call):
            call.add_child(
                instance=ActivityPage(
                    title=f"Activiteit {number}.{index}",
                    slug=f"a-{number}-{index}",
                    description="<p>" + "Een activiteit met een beschrijving van enige lengte. " * 8 + "</p>",
                    when_text="maandelijks",
                    district="Oost",
                )
            )
    return document
