"""Callbacks (回访): calling the caller back after a ticket is resolved."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavCount, NavItem, add, add_count


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.callbacks import api, models, receivers, routes, services  # noqa: F401

    app.register_blueprint(routes.bp)
    add(app, NavItem("callbacks.queue", _l("Callbacks"), 30))
    add_count(app, NavCount("callbacks.queue", services.due_count, _l("%(num)s callbacks due now"), "due"))
