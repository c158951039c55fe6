"""Django forms as JSON bodies of the headless API, so that a form and its endpoint validate the same way.

`form_schema` documents a form's fields in the OpenAPI schema (type, required, length, pattern, choices,
`minItems`, format, label as description) and enforces what pydantic can before the form runs; the form itself
still does the rest (formats, choices from the database), and `form_problem` turns its errors into one Dutch
problem detail. Endpoints therefore accept exactly what the site's form accepts, with the same messages.
"""

import re
from typing import Annotated, Any

from django import forms
from ninja import Schema
from pydantic import BeforeValidator, Field, create_model

from .problems import (
    FIELD_MESSAGES,
    GENERIC_FIELD_MESSAGE,
    INVALID_INPUT,
    NO_NUL,
    NOT_BLANK,
    PATTERN_MESSAGES,
    ApiProblem,
)

# Django's messages that quote the value ("… is geen van de beschikbare keuzes"), said without it.
VALUE_FREE_MESSAGES = {
    "invalid_choice": FIELD_MESSAGES["literal_error"],
    "invalid_list": FIELD_MESSAGES["list_type"],
}


def _whole_number(value: Any) -> Any:
    """JSON Schema counts `2.0` as an integer; pass it on as `2` (strict mode still refuses `"2"` and `true`)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


# Keys of choices that come from the database (slugs).
KEY_PATTERN = r"^[-a-zA-Z0-9_]+$"


def _description(field: forms.Field) -> str:
    parts = [str(part) for part in (field.label, field.help_text) if part]
    return " ".join(parts)


def _choices(field: forms.ChoiceField) -> list[str]:
    return [str(value) for value, _label in field.choices if value != ""]


def _property(field: forms.Field, *, choice_max_length: int) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """(annotation, pydantic constraints, JSON-schema-only keywords) of one form field.

    Types are enforced by pydantic in strict mode (no `1` for `true`). Lengths and patterns count the raw value
    as JSON Schema does (`check_body`, before the form strips whitespace); formats, choices and `minItems` are
    the form's own rules. Every one of them answers 422, all errors of a submission in one answer.
    """
    extra: dict[str, Any] = {}
    if isinstance(field, forms.BooleanField):
        if field.required:
            extra["const"] = True
        return bool, {"strict": True}, extra
    if isinstance(field, forms.MultipleChoiceField):
        choices = _choices(field)
        items: dict[str, Any] = {"type": "string"}
        if choices:
            items["enum"] = choices
        else:
            items.update(pattern=KEY_PATTERN, maxLength=choice_max_length)
        extra["items"] = items
        if field.required:
            extra["minItems"] = 1
        return list[str], {"strict": True}, extra
    if isinstance(field, forms.ChoiceField):
        extra["enum"] = _choices(field)
        return str, {"strict": True}, extra
    if isinstance(field, forms.IntegerField):
        for key, value in (("minimum", field.min_value), ("maximum", field.max_value)):
            if value is not None:
                extra[key] = value
        return (WholeNumber if field.required else WholeNumber | None), {"strict": True}, extra
    # Length and pattern in the schema only: `check_body` enforces them on the raw value together with the
    # form, so that one answer lists every error of the submission.
    extra["pattern"] = NOT_BLANK if field.required else NO_NUL
    if getattr(field, "max_length", None):
        extra["maxLength"] = field.max_length
    if isinstance(field, forms.EmailField):
        extra["format"] = "email"
    return str, {"strict": True}, extra


def form_schema(
    form_class: type[forms.Form],
    *,
    name: str,
    exclude: tuple[str, ...] = (),
    form_kwargs: dict[str, Any] | None = None,
    choice_max_length: int = 50,
) -> type[Schema]:
    """A ninja schema with one property per form field; required exactly where the form requires a value.

    Built from an unbound instance (`form_kwargs` passed on), because forms may set labels or choices in
    `__init__`. Choices that come from the database (an empty list here) are documented as keys
    (`KEY_PATTERN`, at most `choice_max_length` long) and checked by the form.
    """
    fields: dict[str, Any] = {}
    for field_name, field in form_class(**(form_kwargs or {})).fields.items():
        if field_name in exclude:
            continue
        annotation, constraints, extra = _property(field, choice_max_length=choice_max_length)
        if field.required:
            default: Any = ...
        else:
            default = (
                False
                if annotation is bool
                else []
                if annotation == list[str]
                else None
                if annotation == (WholeNumber | None)
                else ""
            )
        fields[field_name] = (
            annotation,
            Field(default, description=_description(field), json_schema_extra=extra or None, **constraints),
        )
    model = create_model(name, __base__=Schema, **fields)
    model.raw_rules = {
        field_name: (extra.get("maxLength"), extra.get("pattern"))
        for field_name, (_annotation, info) in fields.items()
        if (extra := info.json_schema_extra or {}).get("pattern")
    }
    return model


def check_body(data: Schema, form: forms.Form, *, loc: tuple[str, ...] = ("body", "data")) -> None:
    """Raise the 422 problem if a text value breaks the schema's `maxLength` or `pattern` as sent (raw, before
    the form strips it), listing the form's own errors of the other fields in the same answer."""
    errors = []
    for name, (max_length, pattern) in getattr(type(data), "raw_rules", {}).items():
        value = getattr(data, name)
        if max_length is not None and len(value) > max_length:
            errors.append(
                {
                    "type": "string_too_long",
                    "loc": [*loc, name],
                    "msg": str(FIELD_MESSAGES["string_too_long"]),
                }
            )
        elif pattern and not re.search(pattern, value):
            message = PATTERN_MESSAGES.get(pattern, GENERIC_FIELD_MESSAGE)
            errors.append({"type": "string_pattern_mismatch", "loc": [*loc, name], "msg": str(message)})
    if not errors:
        return
    refused = {error["loc"][-1] for error in errors}
    form.is_valid()
    others = [error for error in form_problem(form, loc=loc).errors or [] if error["loc"][-1] not in refused]
    raise ApiProblem(422, str(INVALID_INPUT), errors=errors + others)


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
