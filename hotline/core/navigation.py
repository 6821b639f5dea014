"""The top bar's links, contributed by each part in its `init_app`.

A link is shown to a person only if the page's own `@require` lets them in (read
from the view function), so the bar never offers a page that answers 403. Orders:
daily work 10-110 (intake, callbacks, desk, deadlines, board, crew, seat, roster,
handover, duty log), settings 200 and up."""
from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user

_KEY = "hotline.nav"


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


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
