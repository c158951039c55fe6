"""What an email template adds to render → personalise, looked up by the template's key.

The send loop and the preview ask `personaliser_for(audience)` and never know who answers. An app that adds email
templates (the outreach to candidates) registers one `Personaliser` for their keys in its `ready()`; every other
template gets `Personaliser()` itself, which adds nothing.
"""

from collections.abc import Iterable
from typing import Any


class BatchValues:
    """Per-recipient merge values for the rows of one mailing; subclasses read a whole batch in a fixed number of
    queries."""

    def values(self, subscriber_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        return {}


class Personaliser:
    """Contract for a template's additions; this base adds nothing.

    Subclasses may override:
    - `variant_context(version=, audience=)`: extra render context, the same for every recipient of a variant
      (merge markers from `render.marker` for the per-person values);
    - `batch_values(mailing_id=)`: a `BatchValues` giving each recipient's values for those markers;
    - `sample_values()`: the values of a made-up recipient, for the preview and the test mail.
    """

    def variant_context(self, *, version, audience) -> dict[str, Any]:
        return {}

    def batch_values(self, *, mailing_id: int) -> BatchValues:
        return BatchValues()

    def sample_values(self) -> dict[str, str]:
        return {}


_NOTHING = Personaliser()
_registry: dict[str, Personaliser] = {}


def personaliser_register(*, templates: Iterable[str], personaliser: Personaliser) -> None:
    for key in templates:
        _registry[key] = personaliser


def personaliser_for(audience) -> Personaliser:
    return _registry.get(getattr(audience, "template", ""), _NOTHING)
