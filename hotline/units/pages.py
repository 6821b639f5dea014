"""Settings pages for admins: the unit tree, a unit's edit page. The same service as
the API (hotline/units/admin.py); a refusal comes back in the form it was made in."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hotline.core.errors import DomainError, first_part, page_errors
from hotline.core.extensions import db
from hotline.core.permissions import MANAGE_UNITS, require
from hotline.core.validation import parse
from hotline.core.web import settings_bp as bp
from hotline.units import admin
from hotline.units.models import UnitKind
from hotline.units.schemas import UnitIn, UnitUpdate, UnitVersion

SHOWN = {"code", "name", "kind", "parent", "phone", "on_call_phone", "areas", "takes_work_orders"}


def _form_values(form, *fields: str) -> dict:
    """The posted unit as the schemas take it: empty text is no value."""
    raw = {
        "code": form.get("code", ""), "name": form.get("name", ""),
        "phone": form.get("phone", "").strip() or None, "on_call_phone": form.get("on_call_phone", "").strip() or None,
        "areas": form.getlist("areas"), "takes_work_orders": "takes_work_orders" in form,
    }
    for name in fields:
        raw[name] = form.get(name) or None
    return raw


def _shown(form) -> dict:
    """The posted values, shown again beside their errors."""
    return _form_values(form, "kind", "parent")


def _errors(exc: DomainError) -> dict[str, str]:
    """A message per field shown; one a form has no field for (its version) goes to the top."""
    out: dict[str, str] = {}
    for key, message in page_errors(exc, key=first_part).items():
        out.setdefault(key if key in SHOWN else "", message)
    return out


def _tree_page(errors=None, status=200):
    values = _shown(request.form) if errors else {"kind": UnitKind.CREW.value, "takes_work_orders": True}
    return render_template(
        "settings/units.html", tree=admin.tree(), parents=admin.parent_choices(), areas=admin.all_areas(),
        kinds=list(UnitKind), errors=errors or {}, values=values,
    ), status


@bp.route("/units", methods=["GET", "POST"])
@require(MANAGE_UNITS)
def units():
    if request.method == "GET":
        return _tree_page()
    try:
        unit = admin.create_unit(parse(UnitIn, _form_values(request.form, "kind", "parent")))
        unit_id = unit.id
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _tree_page(_errors(exc), exc.status)
    flash(_("Unit added."), "ok")
    return redirect(url_for("settings.units") + f"#unit-{unit_id}")


def _unit_page(unit, errors=None, status=200, posted: str | None = None):
    values = _shown(request.form) if posted == "edit" else admin.snapshot(unit)
    return render_template(
        "settings/unit.html", unit=unit, parents=admin.parent_choices(unit), areas=admin.all_areas(),
        errors=errors or {}, posted=posted, values=values, form=request.form,
    ), status


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@require(MANAGE_UNITS)
def unit(unit_id: int):
    unit = admin.get_unit(unit_id)
    if request.method == "GET":
        return _unit_page(unit)
    fields = ("version", "parent") if "parent" in request.form else ("version",)
    try:
        admin.update_unit(unit, parse(UnitUpdate, _form_values(request.form, *fields)))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _unit_page(admin.get_unit(unit_id), _errors(exc), exc.status, "edit")
    flash(_("Unit saved."), "ok")
    return redirect(url_for("settings.unit", unit_id=unit_id))


def _set_active(unit_id: int, change, message: str):
    unit = admin.get_unit(unit_id)
    try:
        change(unit, parse(UnitVersion, {"version": request.form.get("version")}).version)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _unit_page(admin.get_unit(unit_id), _errors(exc), exc.status, "state")
    flash(message, "ok")
    return redirect(url_for("settings.unit", unit_id=unit_id))


@bp.post("/units/<int:unit_id>/deactivate")
@require(MANAGE_UNITS)
def deactivate_unit(unit_id: int):
    return _set_active(unit_id, admin.deactivate_unit, _("Unit deactivated: it gets no new work."))


@bp.post("/units/<int:unit_id>/reactivate")
@require(MANAGE_UNITS)
def reactivate_unit(unit_id: int):
    return _set_active(unit_id, admin.reactivate_unit, _("Unit reactivated."))
