"""Duty: rosters (排班), seats (坐席), the signed handover (交接班) and the duty log
(值班日志). Lower to higher: rosters, seats, handover, dutylog."""
import os

from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add
from hotline.core.permissions import Role


def init_app(app) -> None:
    # The incoming person is expected this many minutes before the shift (seeds: 10 to 20;
    # DOMAIN: 5 to 30 by center); arriving later is recorded on the handover as lateness.
    app.config.setdefault("HOTLINE_HANDOVER_ARRIVE_EARLY_MINUTES",
                          int(os.environ.get("HOTLINE_HANDOVER_ARRIVE_EARLY_MINUTES", "15")))
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.audit import settings_watch
    from hotline.duty import settings_pages  # noqa: F401 - shifts and seats on /settings
    from hotline.duty.dutylog import api as dutylog_api  # noqa: F401
    from hotline.duty.dutylog import models as dutylog_models
    from hotline.duty.dutylog import routes as dutylog_routes
    from hotline.duty.handover import api as handover_api  # noqa: F401
    from hotline.duty.handover import labels
    from hotline.duty.handover import models as handover_models
    from hotline.duty.handover import routes as handover_routes
    from hotline.duty.rosters import api as rosters_api  # noqa: F401
    from hotline.duty.rosters import models as rosters_models
    from hotline.duty.rosters import routes as rosters_routes
    from hotline.duty.seats import api as seats_api  # noqa: F401
    from hotline.duty.seats import models as seats_models
    from hotline.duty.seats import routes as seats_routes

    for bp in (rosters_routes.bp, seats_routes.bp, handover_routes.bp, dutylog_routes.bp):
        app.register_blueprint(bp)
    settings_watch.watch(rosters_models.ShiftTemplate, rosters_models.ShiftStaffing, seats_models.Seat,
                         handover_models.ChecklistItem)
    add(
        app,
        # center staff may read the shifts, but it is a settings page: linked for who sets them up or plans
        NavItem("settings.duty_shifts", _l("Shifts and seats"), 220, only=frozenset({Role.ADMIN, Role.SUPERVISOR, Role.MANAGER})),
        NavItem("seats.seat", _l("My seat"), 80),
        NavItem("rosters.roster", _l("Roster"), 90),
        NavItem("handover.index", _l("Handover"), 100),
        NavItem("dutylog.index", _l("Duty log"), 110),
    )
