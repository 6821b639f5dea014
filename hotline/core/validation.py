"""Input shapes, validated before any rule runs: one message per field path."""
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from hotline.core.errors import ValidationFailed

_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t", "\r"}


def _no_control_chars(value: str) -> str:
    if any(c in _CONTROL for c in value):
        raise ValueError("contains control characters")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads as a type
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_chars),
    ]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def parse(model: type[BaseModel], data) -> BaseModel:
    """Validate or raise ValidationFailed with one message per field path."""
    if not isinstance(data, dict):
        raise ValidationFailed({"": "the body must be a JSON object"})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or ""
            fields.setdefault(path, err["msg"])
        raise ValidationFailed(fields) from None


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
