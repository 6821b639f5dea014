"""Phone numbers normalized to E.164, so every spelling of a number is one caller.

A caller's number must be a real number of its region (phonenumbers' `is_valid_number`:
`000000`, `12345678` without an area code, `1111111`, `123` are refused), or one of the region's
service numbers named below (110 police, 119 fire, 120 ambulance, 12345 the city hotline, 95598 power...).
Those are accepted: a call transferred to the hotline from the police (110) or the city
hotline (12345) arrives with that number as its caller ID, and the ticket must say where it
came from. They are stored like any number (+86110) and shown with their name: "110 (police)"."""
import phonenumbers
from flask import current_app, has_app_context, has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed

error_catalog.define({
    "not_a_phone_number": _l("not a phone number"),
    "not_a_possible_phone_number": _l("not a possible phone number"),
})

def N_(text: str) -> str:  # noqa: N802 - Babel's marker: extracted, translated where shown
    return text


# Service numbers by region: national number -> what it is, in English (translated where shown:
# numbers are also shown outside any request, in events and exports).
SERVICE_NUMBERS = {
    "CN": {
        "110": N_("police"),
        "119": N_("fire"),
        "120": N_("ambulance"),
        "122": N_("traffic police"),
        "999": N_("Red Cross ambulance"),
        "12110": N_("police (text)"),
        "12345": N_("city hotline"),
        "12315": N_("consumer complaints"),
        "12319": N_("urban services hotline"),
        "12306": N_("railway"),
        "12333": N_("labour and social security"),
        "12348": N_("legal aid"),
        "12369": N_("environment hotline"),
        "12395": N_("water rescue"),
        "95598": N_("power supply"),
    },
}


def default_region() -> str:
    return current_app.config["HOTLINE_REGION"] if has_app_context() else "CN"


def service_name(number: phonenumbers.PhoneNumber) -> str | None:
    """What a service number is ('police'), or None for any other number."""
    region = phonenumbers.region_code_for_country_code(number.country_code)
    return SERVICE_NUMBERS.get(region, {}).get(phonenumbers.national_significant_number(number))


def _acceptable(number: phonenumbers.PhoneNumber) -> bool:
    return phonenumbers.is_valid_number(number) or service_name(number) is not None


def _local_landline(raw: str) -> phonenumbers.PhoneNumber | None:
    """A landline typed without its area code ('8550 1101'), as operators do for callers
    in their own city: the center's area code (HOTLINE_AREA_CODE, e.g. 27) makes it whole."""
    area = current_app.config.get("HOTLINE_AREA_CODE") if has_app_context() else None
    digits = "".join(c for c in raw if c.isdigit())
    if not area or len(digits) != len(raw.replace(" ", "").replace("-", "")) or not 7 <= len(digits) <= 8:
        return None
    try:
        number = phonenumbers.parse(f"0{area}{digits}", default_region())
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str, field: str = "phone") -> str:
    """'138 0013 8000', '+86-138-0013-8000', '13800138000' -> '+8613800138000'; '110' -> '+86110';
    '85501101' in a center whose area code is 27 -> '+862785501101'."""
    try:
        number = phonenumbers.parse(raw, default_region())
    except phonenumbers.NumberParseException:
        raise ValidationFailed.at(field, "not_a_phone_number") from None
    if not _acceptable(number):
        number = _local_landline(raw) or number
    if not _acceptable(number):
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


def national_digits(e164: str) -> tuple[str, str]:
    """The digits a person of this center dials, for masking: ("", "13800138000") for a number of
    the center's region (a landline keeps its trunk 0: "02787654321"), ("+852 ", "21234567") for
    another region's; an unparseable value as its digits."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return "", e164.lstrip("+")
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = "".join(ch for ch in national if ch.isdigit())
    if phonenumbers.region_code_for_number(number) == default_region():
        return "", digits
    return f"+{number.country_code} ", digits


def display_phone(e164: str) -> str:
    """A national, readable form for the center's own region; a service number with its name."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    name = service_name(number)
    if name is not None:
        return f"{phonenumbers.national_significant_number(number)} ({gettext(name) if has_request_context() else name})"
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == default_region()
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
