"""What the project's wagtail-modeladmin listings share, so that every one reads as good Dutch.

- `DutchCreateView`: the create page says `model_admin.create_title` ("Nieuwe doelgroep", "Nieuw adres"): Dutch
  needs the article's gender, which modeladmin's "Nieuw" + verbose name cannot know.
- `yes_no(value)`: "Ja" / "Nee" for a boolean column, never "True" / "False".
"""

from django.utils.translation import gettext as _
from wagtail_modeladmin.views import CreateView


class DutchCreateView(CreateView):
    """modeladmin's create view, titled with the ModelAdmin's `create_title` when it has one."""

    def get_page_title(self):
        return getattr(self.model_admin, "create_title", None) or super().get_page_title()

    def get_page_subtitle(self):
        return "" if getattr(self.model_admin, "create_title", None) else super().get_page_subtitle()


def yes_no(value) -> str:
    return _("Ja") if value else _("Nee")
