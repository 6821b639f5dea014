"""Who sees a caller in full: hotline/callers/privacy.py, and the API that applies it."""
import json

import pytest

from hotline.callers.privacy import can_see_caller, mask_name, mask_phone
from hotline.core.extensions import db
from hotline.users.models import Role
from hotline.users.services import create_token, create_user

FULL = True
MASKED = False

# role -> sees the caller in full on an ordinary ticket (no unit / own unit / other unit)
ORDINARY = {
    "operator": (FULL, FULL, FULL),
    "supervisor": (FULL, FULL, FULL),
    "manager": (FULL, FULL, FULL),
    "dispatcher": (MASKED, MASKED, MASKED),
    "admin": (MASKED, MASKED, MASKED),
    "crew": (MASKED, FULL, MASKED),
}


@pytest.mark.parametrize("role", sorted(ORDINARY))
def test_ordinary_ticket_visibility_by_role(role, new_ticket, user_of, units):
    no_unit = new_ticket(channel="web", caller={"phone": "13800138000"})
    own = new_ticket(channel="web", caller={"phone": "13800138000"}, unit="north")
    other = new_ticket(channel="web", caller={"phone": "13800138000"}, unit="south")
    viewer = user_of(role)
    assert tuple(can_see_caller(viewer, t) for t in (no_unit, own, other)) == ORDINARY[role]


def test_every_role_has_a_masking_rule():
    assert {r.value for r in Role} <= set(ORDINARY) | {"board"}  # board: see test_board_never_sees_callers


def test_board_never_sees_callers(new_ticket, ctx):
    if "board" not in {r.value for r in Role}:
        pytest.skip("no board role")
    board = create_user("wall", "pw", Role("board"))
    assert not can_see_caller(board, new_ticket(unit="north"))


def test_confidential_ticket_only_for_its_operator(new_ticket, user_of, units, ctx):
    """Supervisors and managers see a confidential caller only by an audited reveal."""
    t = new_ticket(confidential=True, unit="north")
    other_operator = create_user("operator2", "pw", Role.OPERATOR)
    crew_of_unit = user_of("crew")
    assert can_see_caller(user_of("operator"), t)
    assert not can_see_caller(user_of("supervisor"), t)
    assert not can_see_caller(user_of("manager"), t)
    assert not can_see_caller(other_operator, t)
    assert not can_see_caller(crew_of_unit, t)
    assert not can_see_caller(user_of("dispatcher"), t)
    assert not can_see_caller(user_of("admin"), t)


def test_masks():
    assert mask_phone("+8613800138000") == "138****8000"
    assert mask_phone("+85221234567") == "+852 ****4567"
    assert mask_phone("+862787654321") == "027****4321"  # a landline as dialled, trunk 0 kept
    assert mask_phone("12345678") == "****5678"
    assert mask_phone("1234") == "****"
    assert mask_phone(None) is None
    assert mask_name("王小明") == "王**"
    assert mask_name("Wang Fang") == "W***"
    assert mask_name("王") == "*"
    assert mask_name(None) is None


def _detail(api_as, number):
    r = api_as.get(f"/api/v1/tickets/{number}")
    assert r.status_code == 200, r.json
    return r.json["caller"]


def test_api_masks_for_the_dispatcher_and_shows_the_operator(api, users):
    r = api("operator").post(
        "/api/v1/tickets",
        json={"category": "repair", "matter": "Broken meter", "unit": "north",
              "caller": {"phone": "138 0013 8000", "name": "王小明"}},
    )
    assert r.status_code == 201, r.json
    number = r.json["number"]
    assert _detail(api("operator"), number) == {
        "phone": "+8613800138000", "display_phone": "138 0013 8000", "name": "王小明", "masked": False,
    }
    masked = _detail(api("dispatcher"), number)
    assert masked == {"phone": "138****8000", "display_phone": "138****8000", "name": "王**", "masked": True}
    assert _detail(api("crew"), number)["masked"] is False  # its own unit's ticket
    # The list masks too: no full number anywhere in the dispatcher's answer.
    listing = json.dumps(api("dispatcher").get("/api/v1/tickets").json, ensure_ascii=False)
    assert "13800138000" not in listing and "王小明" not in listing


def test_api_confidential_ticket_masked_for_another_operator(app, api, users):
    r = api("operator").post(
        "/api/v1/tickets",
        json={"category": "complaint", "matter": "About my neighbour", "confidential": True,
              "caller": {"phone": "13800138000", "name": "李四"}},
    )
    number = r.json["number"]
    with app.app_context():
        _, secret = create_token(create_user("operator2", "pw", Role.OPERATOR), "t")
        db.session.commit()
    other = api("operator")
    other.headers = {"Authorization": f"Bearer {secret}"}
    assert _detail(other, number)["masked"] is True
    assert _detail(api("supervisor"), number)["masked"] is True  # until an audited reveal
    assert _detail(api("supervisor"), number)["revealable"] is True
    assert _detail(api("operator"), number)["masked"] is False
    # The caller-history lookup must not give the confidential caller's name away either.
    body = json.dumps(other.get("/api/v1/callers/13800138000/tickets").json, ensure_ascii=False)
    assert "李四" not in body
