"""Phone numbers normalized to E.164, so every spelling of a number is one caller."""
import phonenumbers
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed

error_catalog.define({
    "not_a_phone_number": _l("not a phone number"),
    "not_a_possible_phone_number": _l("not a possible phone number"),
})


def default_region() -> str:
    return current_app.config["HOTLINE_REGION"] if has_app_context() else "CN"


def normalize_phone(raw: str, field: str = "phone") -> str:
    """'138 0013 8000', '+86-138-0013-8000', '13800138000' -> '+8613800138000'."""
    try:
        number = phonenumbers.parse(raw, default_region())
    except phonenumbers.NumberParseException:
        raise ValidationFailed.at(field, "not_a_phone_number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationFailed.at(field, "not_a_possible_phone_number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str) -> str | None:
    """For search boxes: the E.164 form if the text is a phone number, else None."""
    digits = sum(c.isdigit() for c in raw)
    if digits < 7:
        return None
    try:
        return normalize_phone(raw)
    except ValidationFailed:
        return None


def display_phone(e164: str) -> str:
    """A national, readable form for the center's own region."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == default_region()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
