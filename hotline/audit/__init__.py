"""The audit log (审计日志): an append-only record of who did what that a center must
be able to answer for later: sign-ins and failures, settings and routing changes,
user and token changes, approvals, and every reveal of a confidential caller.

Every domain records through `hotline.audit.services.record`, in the same transaction
as the act it describes (an act rolled back leaves no entry). Admins and managers read
it at /audit (filtered, paged, exported as CSV) and at GET /api/v1/audit."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add


def init_app(app) -> None:
    # Imported on registration: the table, the words, the routes.
    from hotline.audit import api, labels, models, pages, settings_watch  # noqa: F401
    from hotline.core.extensions import db

    settings_watch.install(db.session)

    app.register_blueprint(pages.bp)
    add(app, NavItem("audit.log_page", _l("Audit log"), 240))
