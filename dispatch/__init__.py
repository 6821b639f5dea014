"""Dispatch: work orders to units and crews (派单, 转办, 退回), routing rules, the
desk, the wall board's and the crew phone's pages."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add
from hotline.core.permissions import Role


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from dispatch import api, pages, receivers  # noqa: F401 - routes and signal receivers
    from dispatch.desk import api as desk_api, models as desk_models  # noqa: F401 - the desk's routes, its table
    from dispatch.routing import models as routing_models  # noqa: F401 - the tables
    from dispatch.routing import pages as routing_pages  # noqa: F401 - /settings/routing
    from dispatch.workorders import models as workorder_models  # noqa: F401

    app.register_blueprint(pages.bp)
    add(
        app,
        NavItem("dispatch.desk", _l("Dispatch desk"), 40),
        NavItem("dispatch.board", _l("Wall board"), 60),
        NavItem("dispatch.crew", _l("My work orders"), 70, only=frozenset({Role.CREW})),
        NavItem("settings.routing_rules", _l("Routing"), 205),
    )
