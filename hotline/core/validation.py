"""Input shapes, validated before any rule runs: one problem per field path.

Pydantic's errors become catalog codes by their `type` and `ctx` (never by their English):
the API keeps pydantic's English in `fields`, pages show the catalog's words."""
import json
from datetime import date, datetime
from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from hotline.core import error_catalog as catalog
from hotline.core.errors import Problem, ValidationFailed

_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t", "\r"}

catalog.define({
    "required": _l("Required."),
    "not_expected": _l("Not expected here."),
    "too_short_text": _l("At least %(min_length)s characters."),
    "too_long_text": _l("At most %(max_length)s characters."),
    "too_few": _l("At least %(min_length)s needed."),
    "too_many": _l("At most %(max_length)s allowed."),
    "wrong_form": _l("Not in the expected form."),
    "more_than": _l("Must be more than %(gt)s."),
    "positive": _l("Must be more than zero."),
    "at_least": _l("At least %(ge)s."),
    "less_than": _l("Must be less than %(lt)s."),
    "at_most": _l("At most %(le)s."),
    "not_a_date": _l("Not a valid date."),
    "not_a_time": _l("Not a valid time (HH:MM)."),
    "not_whole_number": _l("Not a whole number."),
    "not_a_number": _l("Not a number."),
    "not_yes_or_no": _l("Not yes or no."),
    "not_text": _l("Not text."),
    "not_allowed_value": _l("Not one of the allowed values."),
    "invalid": _l("Not valid."),
    "control_characters": _l("Contains control characters."),
    "body_not_object": _l("the body must be a JSON object"),
    "too_big": _l("Too large a number (at most %(le)s)."),
    "date_out_of_range": _l("Must be a date from %(first)s to %(last)s."),
})

# The limits every parsed value stays within, whatever its field says: an integer the
# databases can store (SQLite and PostgreSQL BIGINT: a larger one raised OverflowError or
# NumericValueOutOfRange, a 500), a date the center's clock can convert (year 1 or 9999
# overflowed on conversion to the center's time zone). Checked in `Strict` for every field.
MAX_INT = 2**63 - 1
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

Id = Annotated[int, Field(ge=1, le=MAX_INT, description="a row's id")]

# pydantic's error type -> catalog code (the values of `ctx` are its parameters).
_PYDANTIC = {
    "missing": "required",
    "extra_forbidden": "not_expected",
    "string_too_short": "too_short_text",
    "string_too_long": "too_long_text",
    "too_short": "too_few",
    "too_long": "too_many",
    "string_pattern_mismatch": "wrong_form",
    "greater_than": "more_than",
    "greater_than_equal": "at_least",
    "less_than": "less_than",
    "less_than_equal": "at_most",
    "int_parsing": "not_whole_number",
    "int_type": "not_whole_number",
    "int_from_float": "not_whole_number",
    "float_parsing": "not_a_number",
    "float_type": "not_a_number",
    "bool_parsing": "not_yes_or_no",
    "bool_type": "not_yes_or_no",
    "string_type": "not_text",
    "enum": "not_allowed_value",
    "literal_error": "not_allowed_value",
    "time_parsing": "not_a_time",
    "time_type": "not_a_time",
    **dict.fromkeys(
        ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_past",
         "date_future", "datetime_parsing", "datetime_type", "datetime_from_date_parsing", "datetime_object_invalid",
         "datetime_past", "datetime_future", "timezone_aware", "timezone_naive"),
        "not_a_date",
    ),
}


def problem_of(error: dict) -> Problem:
    """One pydantic error as a Problem, with pydantic's English for the API. An empty
    required string (min_length 1) is "Required.", more than 0 "Must be more than zero.";
    an error type raised by our own validators (PydanticCustomError) is a catalog code already."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        code = "required"
    elif kind == "greater_than" and ctx.get("gt") == 0:
        code = "positive"
    else:
        code = kind if kind in catalog.codes() else _PYDANTIC.get(kind, "invalid")
    return Problem(code, english=error["msg"], **ctx)


def _no_control_chars(value: str) -> str:
    if any(c in _CONTROL for c in value):
        raise PydanticCustomError("control_characters", "contains control characters")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads as a type
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_chars),
    ]


def _within_limits(value):
    """`value` if every number and date in it is within the limits above, else the error."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -MAX_INT - 1 <= value <= MAX_INT:
        raise PydanticCustomError("too_big", "too large a number (at most {le})", {"le": MAX_INT})
    if isinstance(value, date) and not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        raise PydanticCustomError("date_out_of_range", "must be a date from {first} to {last}",
                                  {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _within_limits(item)
    elif isinstance(value, dict):
        for item in value.values():
            _within_limits(item)
    return value


def day_within_limits(day: date, field: str) -> date:
    """A date parsed outside a model (a path parameter) checked against the same limits."""
    if not FIRST_DAY <= (day.date() if isinstance(day, datetime) else day) <= LAST_DAY:
        raise ValidationFailed.at(field, "date_out_of_range", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    return day


def parse_day(text: str, field: str) -> date:
    """A YYYY-MM-DD path or query parameter, or 422 `not_a_date` / `date_out_of_range` at `field`."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValidationFailed.at(field, "not_a_date") from None
    return day_within_limits(day, field)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _within_limits(cls, value):
        return _within_limits(value)


class JsonBody(dict):
    """A request's JSON object (hotline.core.api.json_body): `parse` validates it as JSON,
    strictly: true is true, not "yes", "on" or 1; 5 is 5, not "5"; a date is a string."""


def parse(model: type[BaseModel], data) -> BaseModel:
    """Validate or raise ValidationFailed with one problem per field path. A JsonBody is
    validated in pydantic's strict JSON mode; form and query strings (anything else) laxly."""
    if not isinstance(data, dict):
        raise ValidationFailed.at("", "body_not_object")
    try:
        if isinstance(data, JsonBody):
            return model.model_validate_json(json.dumps(data), strict=True)
        return model.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, Problem] = {}
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or ""
            problems.setdefault(path, problem_of(err))
        raise ValidationFailed(problems) from None


def parse_query(model: type[BaseModel], args) -> BaseModel:
    """Query-string arguments: repeated keys become lists where the model wants one."""
    data = {}
    for key in args:
        values = args.getlist(key)
        field = model.model_fields.get(key) or next(
            (f for f in model.model_fields.values() if f.alias == key), None
        )
        wants_list = field is not None and "list" in str(field.annotation)
        data[key] = values if wants_list else values[-1]
    return parse(model, data)
