"""The audit log page and its export (admins and managers)."""
from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _

from hotline.audit import log
from hotline.audit.labels import AUDIT_ACTION
from hotline.audit.schemas import AuditQuery
from hotline.audit.services import record
from hotline.core import clock
from hotline.core.errors import ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.labels import label
from hotline.core.permissions import READ_AUDIT, require
from hotline.core.validation import parse_query
from hotline.core.web import filter_args

bp = Blueprint("audit", __name__)


def action_label(code: str) -> str:
    return label("audit_action", code)


@bp.get("/audit")
@require(READ_AUDIT)
def log_page():
    try:
        query = parse_query(AuditQuery, filter_args(request.args))
    except ValidationFailed as exc:
        return _page([], None, page_errors(exc)), 422
    rows, next_before = log.audit_page(query)
    return _page(rows, next_before, {})


def _page(rows, next_before, errors):
    filters = {k: v for k, v in request.args.items() if k != "before" and v}  # for the export and the pager
    return render_template("audit/log.html", rows=rows, next_before=next_before, errors=errors, filters=filters,
                           actions=_action_choices(), detail_lines=log.detail_lines, action_label=action_label)


@bp.get("/audit.csv")
@require(READ_AUDIT)
def export_csv():
    args = filter_args(request.args)
    query = parse_query(AuditQuery, args)  # a bad filter is a 422 before the download starts
    record("audit.export", detail=args.to_dict() or None)
    db.session.commit()
    headers = [_("Entry"), _("Time"), _("Actor"), _("Username"), _("Address"), _("Action"), _("Code"),
               _("Acted on"), _("Acted-on id"), _("Ticket"), _("Reason"), _("Detail")]
    stamp = clock.local().strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(log.audit_csv(query, headers, action_label)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


def _action_choices() -> list[tuple[str, str]]:
    """What the action filter offers: each family ('user.') and each known code, in words."""
    codes = sorted(AUDIT_ACTION)
    families = sorted({c.split(".")[0] + "." for c in codes})
    return [(f, _("all %(family)s*", family=f)) for f in families] + [(c, action_label(c)) for c in codes]
