"""Caller numbers: real numbers of the region, or its named service numbers."""
import pytest

from hotline.callers.phones import display_phone, normalize_phone
from hotline.core.errors import ValidationFailed

GOOD = {"category": "repair", "matter": "Meter broken"}


@pytest.mark.parametrize("raw", ["000000", "0000000000", "00000000000", "1111111", "8888888", "123", "12",
                                 "12345678", "010-1234567", "+86 000 0000 0000", "99999"])
def test_impossible_numbers_are_refused(ctx, raw):
    with pytest.raises(ValidationFailed) as refused:
        normalize_phone(raw, "caller.phone")
    assert refused.value.problems["caller.phone"].code in ("not_a_possible_phone_number", "not_a_phone_number")


@pytest.mark.parametrize("raw,e164,shown", [
    ("13800138000", "+8613800138000", "138 0013 8000"),
    ("027-87654321", "+862787654321", "027 8765 4321"),
    ("+86-138-0013-8000", "+8613800138000", "138 0013 8000"),
])
def test_real_numbers_are_normalized(ctx, raw, e164, shown):
    assert normalize_phone(raw) == e164 and display_phone(e164) == shown


@pytest.mark.parametrize("raw,shown", [("110", "110 (police)"), ("119", "119 (fire)"), ("120", "120 (ambulance)"),
                                       ("122", "122 (traffic police)"), ("12345", "12345 (city hotline)"),
                                       ("95598", "95598 (power supply)")])
def test_service_numbers_are_accepted_and_named(ctx, raw, shown):
    """A call transferred from 110 or 12345 carries that caller ID: it is accepted, and named."""
    assert display_phone(normalize_phone(raw)) == shown


def test_the_api_refuses_an_impossible_caller_number_with_its_code(api, users):
    r = api("operator").post("/api/v1/tickets", json={**GOOD, "caller": {"phone": "000000"}})
    assert r.status_code == 422 and r.json["codes"] == {"caller.phone": "not_a_possible_phone_number"}, r.json


def test_a_ticket_from_the_police_shows_where_it_came_from(api, users, client):
    r = api("operator").post("/api/v1/tickets", json={**GOOD, "caller": {"phone": "110"}},
                             headers={"Accept-Language": "en"})
    assert r.status_code == 201, r.json
    assert (r.json["caller"]["phone"], r.json["caller"]["display_phone"]) == ("+86110", "110 (police)")
    zh = api("supervisor").get(f"/api/v1/tickets/{r.json['number']}", headers={"Accept-Language": "zh-CN"})
    assert zh.json["caller"]["display_phone"] == "110 (报警)"


def test_a_local_landline_without_its_area_code_is_the_centers_own(app):
    app.config["HOTLINE_AREA_CODE"] = "27"
    with app.test_request_context():
        assert normalize_phone("8550 1101") == "+862785501101"
        assert normalize_phone("027-8550-1101") == "+862785501101"
        with pytest.raises(ValidationFailed):
            normalize_phone("000000")  # still no number, with or without an area code
    app.config["HOTLINE_AREA_CODE"] = ""
    with app.test_request_context(), pytest.raises(ValidationFailed):
        normalize_phone("85501101")  # no area code configured: refused, not guessed
