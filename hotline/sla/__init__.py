"""Deadlines (SLA): the engine (calendars, clocks, sweep, escalations, scheduler),
supervision (alerts, extensions, on-time rates), settings (policies, calendars,
areas) and the panel on the ticket page."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add, add_count


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.audit import settings_watch
    from hotline.core.extensions import db
    from hotline.sla import labels, models, receivers  # noqa: F401 - words, tables, signal receivers
    from hotline.sla.engine import cli, hooks
    from hotline.sla.list_column import DEADLINE
    from hotline.sla.nav_counts import COUNTS
    from hotline.sla.panel import api as panel_api  # noqa: F401
    from hotline.sla.panel import pages as panel_pages
    from hotline.sla.settings import api as settings_api  # noqa: F401
    from hotline.sla.settings import pages as settings_pages
    from hotline.sla.supervision import api as supervision_api  # noqa: F401
    from hotline.sla.supervision import pages as supervision_pages
    from hotline.tickets.columns import add_column

    hooks.install(db.session)
    add_column(app, DEADLINE)
    settings_watch.watch(models.Policy, models.Calendar, models.CalendarDay)
    cli.register_cli(app)
    app.register_blueprint(panel_pages.bp)
    app.register_blueprint(supervision_pages.bp)
    add(
        app,
        NavItem("settings.sla_policies", _l("SLA policies"), 210),
        NavItem("sla.supervise", _l("Deadlines"), 50),
    )
    add_count(app, *COUNTS)
