"""The routing settings page (admins): the rules by category, a form to add or change
one, delete, and a preview that asks the very function the real routing asks."""
from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from dispatch.routing import services as routing
from dispatch.routing.models import RoutingRule
from dispatch.schemas import RoutingPreviewQuery, RoutingRuleIn, RoutingRulePatch
from hotline.core.errors import Conflict, NotFound, ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.permissions import MANAGE_ROUTING, require
from hotline.core.validation import parse
from hotline.core.web import settings_bp as bp
from hotline.tickets.models import Category
from hotline.units.models import Unit


def _rule_id(value) -> int:
    """A posted id; one that cannot exist is a 404 of the lookup, never an overflow."""
    return int(value) if str(value).isdigit() and 0 < int(value) < 2**63 else 0


def _preview(args) -> tuple[dict | None, dict]:
    """The preview asked for in the query string (category, area), or None."""
    if not args.get("category"):
        return None, {}
    try:
        query = parse(RoutingPreviewQuery, {k: v for k, v in args.items() if k in ("category", "area") and v})
        return routing.preview_view(routing.find_category(query.category), query.area), {}
    except ValidationFailed as exc:
        return None, page_errors(exc)


def _page(errors: dict | None = None, status: int = 200, editing=None, failed: str | None = None):
    """`failed`: the form that came back with `errors` ("rule" or "delete")."""
    rules = routing.all_rules()
    if editing is None and _rule_id(request.args.get("edit")):
        editing = db.session.get(RoutingRule, _rule_id(request.args["edit"]))
    units = [u for u in db.session.scalars(select(Unit).order_by(Unit.name)) if routing.takes_work(u)]
    if editing is not None and editing.unit not in units:
        units.append(editing.unit)
    preview, preview_errors = _preview(request.args)
    return render_template(
        "settings/routing.html",
        groups=[(category, list(rules)) for category, rules in groupby(rules, key=lambda r: r.category)],
        categories=db.session.scalars(select(Category).order_by(Category.sort_order, Category.id)).all(),
        units=units,
        areas=routing.known_areas(),
        editing=editing,
        errors=errors or {},
        failed=failed,
        form=request.form,
        preview=preview,
        preview_errors=preview_errors,
        loc=current_locale(),
    ), status


@bp.get("/routing")
@require(MANAGE_ROUTING)
def routing_rules():
    return _page()


@bp.post("/routing")
@require(MANAGE_ROUTING)
def save_routing_rule():
    form = request.form
    raw = {"category": form.get("category", ""), "area": form.get("area") or None, "unit": form.get("unit", ""),
           "active": "active" in form}
    editing = None
    try:
        if form.get("id"):
            editing = routing.get_rule(_rule_id(form["id"]))
            version = int(form["version"]) if form.get("version", "").isdigit() else -1
            routing.update_rule(editing.id, parse(RoutingRulePatch, {**raw, "version": version}))
            message = _("Routing rule saved. New tickets follow it from now on.")
        else:
            routing.create_rule(parse(RoutingRuleIn, raw))
            message = _("Routing rule added. New tickets follow it from now on.")
        db.session.commit()
    except (ValidationFailed, Conflict, NotFound) as exc:
        db.session.rollback()
        editing = db.session.get(RoutingRule, editing.id) if editing is not None else None
        return _page(page_errors(exc), exc.status, editing, "rule")
    flash(message, "ok")
    return redirect(url_for("settings.routing_rules"))


@bp.post("/routing/<int:rule_id>/delete")
@require(MANAGE_ROUTING)
def delete_routing_rule(rule_id: int):
    version = request.form.get("version", "")
    try:
        routing.delete_rule(_rule_id(rule_id), int(version) if version.isdigit() else None)
        db.session.commit()
    except (Conflict, NotFound) as exc:
        db.session.rollback()
        return _page(page_errors(exc), exc.status, failed="delete")
    flash(_("Routing rule deleted."), "ok")
    return redirect(url_for("settings.routing_rules"))
