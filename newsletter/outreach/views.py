"""The public answer page behind the "Ja" and "Nee" links: a GET shows it, a POST records the answer.

A link in an email never changes anything by itself (mail scanners follow links). Bad or tampered links are a 400.
"""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from supporters.models import Contact
from supporters.tokens import InvalidToken

from .forms import AnswerForm
from .links import read_answer_token
from .services import answer_record, current_answer


def _page(request, template: str, context: dict, *, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, f"newsletter/outreach/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = read_answer_token(token)
    except InvalidToken:
        return _page(request, "answer_invalid.html", {}, status=400)
    contact = Contact.objects.select_related("organisation").filter(pk=link.contact_id).first()
    if contact is None:
        return _page(request, "answer_invalid.html", {}, status=400)
    context = {"token": token, "name": contact.name, "party": getattr(contact.organisation, "name", "")}
    if request.method != "POST":
        current = current_answer(contact_id=contact.pk)
        initial = {"answer": link.answer}
        if current is not None:
            initial.update(
                message=current.message,
                preferred_contact=current.preferred_contact,
                show_name=current.show_name,
            )
        return _page(
            request,
            "answer.html",
            {**context, "form": AnswerForm(initial=initial), "current": current},
        )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, "answer.html", {**context, "form": form}, status=400)
    recorded = answer_record(link=link, **form.cleaned_data)
    if recorded is None:
        return _page(request, "answer_invalid.html", {}, status=400)
    return _page(
        request,
        "answered.html",
        {**context, "answer": recorded.get_answer_display(), "is_yes": recorded.answer == "yes"},
    )
