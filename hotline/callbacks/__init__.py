"""Callbacks (回访): calling the caller back after a ticket is resolved."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.callbacks import api, models, receivers, routes  # noqa: F401

    app.register_blueprint(routes.bp)
    add(app, NavItem("callbacks.queue", _l("Callbacks"), 30))
