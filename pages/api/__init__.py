"""The living document in the headless API (Wagtail's API v3): the documents router and Dutch problem details.

The site adds these to Wagtail's one API instance, so that there is one schema for everything (see `cms/api.py`):
``api.add_router("/living-documents/", pages.api.router)``, ``install_problem_handlers(api)`` and
``api.parser = StrictJSONParser()`` and ``install_contract(api)``. Other apps' routers (`supporters.api`,
`newsletter.api`, …) raise `ApiProblem` and follow the schema conventions of `pages.api.contract`.
"""

from .contract import (
    MAX_ID,
    ContractPagination,
    IdPath,
    install_contract,
    link,
    operation,
    paged,
    problem_responses,
)
from .documents import router
from .events import router as events_router
from .forms import check_body, form_problem, form_schema
from .parser import StrictJSONParser
from .problems import ApiProblem, install_problem_handlers, problem

__all__ = [
    "MAX_ID",
    "ApiProblem",
    "ContractPagination",
    "IdPath",
    "StrictJSONParser",
    "check_body",
    "events_router",
    "form_problem",
    "form_schema",
    "install_contract",
    "install_problem_handlers",
    "link",
    "operation",
    "paged",
    "problem",
    "problem_responses",
    "router",
]
