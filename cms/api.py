"""The site's headless API: Wagtail's API v3 instance with the project's routers added, one OpenAPI schema.

Wagtail's own routers (pages, images, documents, snippets, …) are registered on the same instance by Wagtail's
apps. Routers must be added before `api.urls` is first read, so `cms/urls.py` imports `api` from here.
"""

from wagtail.api.v3.api import api

import newsletter.api
import newsletter.outreach.api
import pages.api
import supporters.api

api.title = "Kracht van Mokum API"
api.description = (
    "Het levende document van Kracht van Mokum, zijn versies en de openbare acties (steunen, aanmelden, "
    "reageren, abonneren). Fouten zijn problem details (RFC 9457, application/problem+json) in het Nederlands."
)

pages.api.install_problem_handlers(api)
pages.api.install_contract(api)
api.parser = pages.api.StrictJSONParser()
api.add_router("/living-documents/", pages.api.router)
api.add_router("/agenda/", pages.api.events_router)
api.add_router("/supporters/", supporters.api.router)
api.add_router("/newsletter/", newsletter.api.router)
api.add_router("/candidates/", newsletter.outreach.api.router)
