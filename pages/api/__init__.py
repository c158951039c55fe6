"""The living document in the headless API (Wagtail's API v3): the documents router and Dutch problem details.

The site adds these to Wagtail's one API instance, so that there is one schema for everything (see `cms/api.py`):
``api.add_router("/living-documents/", pages.api.router)``, ``install_problem_handlers(api)`` and
``api.parser = StrictJSONParser()``. Other apps' routers
(`supporters.api`, `newsletter.api`) raise `ApiProblem` and describe their errors with `problem_responses`.
"""

from .documents import router
from .forms import form_problem, form_schema
from .parser import StrictJSONParser
from .problems import ApiProblem, install_problem_handlers, problem, problem_responses

__all__ = [
    "ApiProblem",
    "StrictJSONParser",
    "form_problem",
    "form_schema",
    "install_problem_handlers",
    "problem",
    "problem_responses",
    "router",
]
