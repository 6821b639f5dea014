"""Tickets (工单): intake, the state machine, the timeline, search, categories."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.tickets import api, caller_api, category_api, labels, models, routes, settings_pages  # noqa: F401

    labels.init_app(app)
    app.register_blueprint(routes.bp)
    add(
        app,
        NavItem("tickets.console", _l("Console"), 10),
        NavItem("tickets.ticket_list", _l("Tickets"), 20),
        NavItem("settings.categories", _l("Categories"), 200),
    )
