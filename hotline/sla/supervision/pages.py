"""The supervisor's pages: the live list of warnings and breaches, and its export."""
from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.core import clock, labels
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.permissions import SUPERVISE_SLA, require
from hotline.core.validation import parse_query
from hotline.sla.labels import AUDIENCE, STAGE
from hotline.sla.models import AlertKind
from hotline.sla.supervision import reports
from hotline.sla.supervision.schemas import AlertQuery
from hotline.tickets.models import Category
from hotline.units.models import Unit

bp = Blueprint("sla", __name__)

KIND = {AlertKind.WARNING: _l("Warning"), AlertKind.BREACH: _l("Breach")}


def _category_names() -> dict[str, str]:
    loc = current_locale()
    return {c.code: c.name(loc) for c in db.session.scalars(select(Category).order_by(Category.sort_order)).all()}


@bp.get("/sla")
@require(SUPERVISE_SLA)
def supervise():
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.code)).all()
    return render_template(
        "sla/supervise.html",
        units=[{"code": u.code, "name": u.name, "parent": u.parent.code if u.parent else None} for u in units],
        category_names=_category_names(),
        stages={code: str(label) for code, label in STAGE.items()},
        kinds={k.value: str(label) for k, label in KIND.items()},
        audiences={k: str(v) for k, v in AUDIENCE.items()},
    )


@bp.get("/sla/alerts.csv")
@require(SUPERVISE_SLA)
def alerts_csv():
    query = parse_query(AlertQuery, request.args)
    names = {
        "kind": {k.value: str(v) for k, v in KIND.items()},
        "stage": {k: str(v) for k, v in STAGE.items()},
        "category": _category_names(),
    }

    def label(kind: str, code: str | None) -> str:
        if kind == "priority":
            return labels.label("priority", code)
        return names[kind].get(code, code or "")

    headers = [_("Alert"), _("Kind"), _("Stage"), _("Ticket"), _("Priority"), _("Category"), _("Unit"),
               _("Due"), _("Alert time"), _("Acknowledged"), _("Acknowledged by"), _("Comment")]
    stamp = clock.local().strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(reports.alerts_csv(query, headers, label)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="sla-alerts-{stamp}.csv"'},
    )
