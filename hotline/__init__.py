"""Hotline: call-center ticketing and dispatch.

The factory lists the parts, lower to higher; each registers its own routes, CLI
commands, signal receivers and navigation in its `init_app`. Receivers of one signal
run in this order (dispatch routes a new emergency before sla escalates it)."""
from flask import Flask

import dispatch
from hotline import (
    audit,
    callbacks,
    callers,
    calls,
    core,
    demo,
    duty,
    live,
    sla,
    tickets,
    units,
    users,
)
from hotline.core.config import PROJECT_ROOT, load_config

PARTS = (audit, units, users, callers, calls, tickets, dispatch, sla, callbacks, duty, live, demo)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=False,
    )
    app.config.update(load_config())
    app.config.update(overrides or {})
    core.init_app(app)
    for part in PARTS:
        part.init_app(app)
    core.finish(app)
    return app
