"""The top bar's links, contributed by each part in its `init_app`.

A link is shown to a person only if the page's own `@require` lets them in (read
from the view function), so the bar never offers a page that answers 403. Orders:
daily work 10-110 (intake, callbacks, desk, deadlines, board, crew, seat, roster,
handover, duty log), settings 200 and up.

Beside a link, the number of things waiting there for this person (callbacks due,
missed deadlines nobody acknowledged, escalations): each part adds its own counts,
naming the link by its endpoint, so the bar imports no domain. A count is one
indexed COUNT, read at most CAP + 1 rows deep and shown as "99+" beyond."""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.exc import SQLAlchemyError

from hotline.core.counting import count_rows

log = logging.getLogger(__name__)

_KEY = "hotline.nav"
_COUNTS = "hotline.nav_counts"
CAP = 99


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    order: int
    only: frozenset | None = None  # shown to fewer roles than the page admits (the crew page for crews)


def add(app: Flask, *items: NavItem) -> None:
    app.extensions.setdefault(_KEY, []).extend(items)


def may_open(user, endpoint: str) -> bool:
    """The roles the page's `@require` admits; a page without one is never linked."""
    allowed = getattr(current_app.view_functions.get(endpoint), "allowed_roles", None)
    return allowed is not None and user.role in allowed


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    items = current_app.extensions.get(_KEY, [])
    return sorted(
        (i for i in items if may_open(current_user, i.endpoint) and (i.only is None or current_user.role in i.only)),
        key=lambda i: i.order,
    )


@dataclass(frozen=True)
class NavCount:
    endpoint: str  # the link it stands beside
    count: Callable[[Any], int]  # the signed-in user -> how many wait (capped_count)
    title: object  # a lazy string with %(num)s: what the number means
    tone: str = "due"  # due | breach | escalation: the badge's colour
    only: frozenset | None = None  # counted for these roles only (others act elsewhere)


@dataclass(frozen=True)
class Badge:
    num: int
    text: str
    title: str
    tone: str


def add_count(app: Flask, *counts: NavCount) -> None:
    app.extensions.setdefault(_COUNTS, []).extend(counts)


def capped_count(stmt: Select) -> int:
    """How many rows `stmt` gives, counting no further than CAP + 1."""
    return count_rows(stmt, CAP)


def nav_badges(endpoint: str) -> list[Badge]:
    """The non-zero counts beside one link of the bar, for the signed-in person."""
    if not current_user.is_authenticated:
        return []
    cache = g.setdefault("nav_badges", {})
    if endpoint not in cache:
        badges = []
        for c in current_app.extensions.get(_COUNTS, []):
            if c.endpoint != endpoint or (c.only is not None and current_user.role not in c.only):
                continue
            try:
                num = c.count(current_user)
            except SQLAlchemyError:  # an error page drawn after the database failed: no counts, not a second error
                log.exception("navigation count for %s failed", endpoint)
                num = 0
            if num:
                text = f"{CAP}+" if num > CAP else str(num)
                badges.append(Badge(num, text, str(c.title) % {"num": text}, c.tone))
        cache[endpoint] = badges
    return cache[endpoint]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["nav_badges"] = nav_badges
