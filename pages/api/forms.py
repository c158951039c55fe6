"""Django forms as JSON bodies of the headless API, so that a form and its endpoint validate the same way.

`form_schema` documents a form's fields in the OpenAPI schema (type, required, length, choices, label as
description); the form itself still does the validating, and `form_problem` turns its errors into one Dutch
problem detail. Endpoints therefore accept exactly what the site's form accepts, with the same messages.
"""

from typing import Any

from django import forms
from ninja import Schema
from pydantic import Field, create_model

from .problems import FIELD_MESSAGES, GENERIC_FIELD_MESSAGE, INVALID_INPUT, ApiProblem

# Django's messages that quote the value ("… is geen van de beschikbare keuzes"), said without it.
VALUE_FREE_MESSAGES = {
    "invalid_choice": FIELD_MESSAGES["literal_error"],
    "invalid_list": FIELD_MESSAGES["list_type"],
}


def _description(field: forms.Field) -> str:
    parts = [str(part) for part in (field.label, field.help_text) if part]
    return " ".join(parts)


def form_schema(
    form_class: type[forms.Form],
    *,
    name: str,
    exclude: tuple[str, ...] = (),
    form_kwargs: dict[str, Any] | None = None,
) -> type[Schema]:
    """A ninja schema with one property per form field; required exactly where the form requires a value.

    Built from an unbound instance (`form_kwargs` passed on), because forms may set labels or choices in
    `__init__`; choices that come from the database belong in `form_kwargs` or stay undocumented (an empty list).
    """
    fields: dict[str, Any] = {}
    for field_name, field in form_class(**(form_kwargs or {})).fields.items():
        if field_name in exclude:
            continue
        extra: dict[str, Any] = {}
        annotation: Any = str
        default: Any = ... if field.required else ""
        if isinstance(field, forms.BooleanField):
            annotation = bool
            default = ... if field.required else False
            if field.required:
                extra["const"] = True
        elif isinstance(field, forms.MultipleChoiceField):
            annotation = list[str]
            default = ... if field.required else []
            choices = [str(value) for value, _label in field.choices if value != ""]
            if choices:
                extra["items"] = {"type": "string", "enum": choices}
        elif isinstance(field, forms.ChoiceField):
            extra["enum"] = [str(value) for value, _label in field.choices if value != ""]
        else:
            if getattr(field, "max_length", None):
                extra["maxLength"] = field.max_length
            if isinstance(field, forms.EmailField):
                extra["format"] = "email"
        fields[field_name] = (
            annotation,
            Field(default, description=_description(field), json_schema_extra=extra or None),
        )
    return create_model(name, __base__=Schema, **fields)


def _messages(error: forms.ValidationError) -> list[str]:
    """The form's own messages, except where they would repeat the submitted value (markup, personal data)."""
    if error.params and "%(value)" in str(error.message):
        return [str(VALUE_FREE_MESSAGES.get(error.code, GENERIC_FIELD_MESSAGE))]
    return list(error.messages)


def form_problem(form: forms.Form, *, loc: tuple[str, ...] = ("body",)) -> ApiProblem:
    """A 422 problem listing every error of a bound, invalid form, with the form's own (Dutch) messages."""
    errors = [
        {
            "type": error.code or "invalid",
            "loc": [*loc, field] if field != forms.forms.NON_FIELD_ERRORS else list(loc),
            "msg": message,
        }
        for field, field_errors in form.errors.as_data().items()
        for error in field_errors
        for message in _messages(error)
    ]
    return ApiProblem(422, str(INVALID_INPUT), errors=errors)
