"""The top bar: every part contributes its links, and a person sees exactly the
links whose page lets them in: never one that answers 403, none missing."""
import re

import pytest

from hotline.core.permissions import Role

ROLES = [r.value for r in Role]


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


@pytest.mark.parametrize("role", ROLES)
def test_every_link_opens_for_its_reader(app, users, session_client, role):
    client, _token = session_client(role)
    home = client.get("/", follow_redirects=True)
    links = _nav_links(home.get_data(as_text=True))
    assert links or role == "board", f"{role} sees no links"
    for href in links:
        assert client.get(href, follow_redirects=True).status_code == 200, f"{role}: {href}"


def test_each_role_sees_the_pages_of_its_work(app, users, session_client):
    expect = {
        "operator": {"/console", "/tickets", "/callbacks", "/board", "/seat", "/handover", "/duty-log"},
        "dispatcher": {"/tickets", "/dispatch", "/board", "/seat"},
        "supervisor": {"/console", "/dispatch", "/sla", "/callbacks", "/settings/sla/policies"},
        "manager": {"/console", "/dispatch", "/board", "/sla", "/tickets"},
        "crew": {"/tickets", "/crew"},
        "admin": {"/settings/categories", "/settings/sla/policies", "/settings/users"},
        "board": {"/board"},
    }
    for role, pages in expect.items():
        client, _token = session_client(role)
        links = set(_nav_links(client.get("/", follow_redirects=True).get_data(as_text=True)))
        assert pages <= links, f"{role} misses {pages - links}"
    board_links = set(_nav_links(session_client("board")[0].get("/", follow_redirects=True).get_data(as_text=True)))
    assert "/tickets" not in board_links  # the wall account gets 403 there
