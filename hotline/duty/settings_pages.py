"""Settings pages for duty: shift templates with their head counts per role, and seats.
Admins edit; whoever may read them through the API (center staff) sees the same pages
read-only. The forms go through the roster and seat services; a form with errors comes
back with what was typed and a message beside each field."""
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from hotline.core import clock
from hotline.core.errors import Conflict, NotFound, ValidationFailed, first_part, page_errors
from hotline.core.extensions import db
from hotline.core.permissions import MANAGE_DUTY_SETUP, READ_ROSTER, can, require
from hotline.core.validation import parse
from hotline.core.web import settings_bp as bp
from hotline.duty.rosters import services as rosters
from hotline.duty.rosters.schemas import ShiftTemplateIn
from hotline.duty.seats import services as seats
from hotline.duty.seats.schemas import SeatIn

READ_DUTY_SETUP = READ_ROSTER | MANAGE_DUTY_SETUP  # as GET /api/v1/shift-templates and /api/v1/seats

def _number_or_text(text: str):
    text = (text or "").strip()
    return int(text) if text.isdigit() else text


def _time(text: str) -> str:
    """ "8:30" or "08：30" -> "08:30"; anything else goes on as typed, for the schema to refuse."""
    text = (text or "").strip().replace("：", ":")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    return f"{int(match[1]):02d}:{match[2]}" if match else text


# --- shift templates ---------------------------------------------------------------------------


def _template_input(form) -> tuple[dict, list]:
    """The schema's input from the form, and the role of each staffing line (for errors).
    A role with both boxes empty is not staffed; min empty with a max given means 0."""
    staffing, roles = [], []
    for role in rosters.ROSTERED_ROLES:
        low, high = form.get(f"min_{role.value}", "").strip(), form.get(f"max_{role.value}", "").strip()
        if low or high:
            staffing.append({"role": role.value, "min": _number_or_text(low) if low else 0,
                             "max": _number_or_text(high) if high else None})
            roles.append(role)
    raw = {
        "code": form.get("code", ""), "name_en": form.get("name_en", ""), "name_zh": form.get("name_zh", ""),
        "starts": _time(form.get("starts", "")), "ends": _time(form.get("ends", "")),
        "sort_order": _number_or_text(form.get("sort_order", "")) if form.get("sort_order", "").strip() else 100,
        "active": "active" in form, "staffing": staffing,
    }
    return raw, roles


def _template_errors(exc, roles: list) -> dict[str, str]:
    """Per form field: `staffing.1.max` is shown beside the max box of the second staffed role."""
    def key(path: str) -> str:
        parts = path.split(".")
        if parts[0] == "staffing" and len(parts) >= 3 and parts[1].isdigit() and int(parts[1]) < len(roles):
            return f"{'max' if parts[2] == 'max' else 'min'}_{roles[int(parts[1])].value}"
        return parts[0]

    return page_errors(exc, key)


def _shifts_page(errors=None, status=200):
    templates = rosters.all_templates()
    active = [t for t in templates if t.active]
    return render_template(
        "settings/duty_shifts.html",
        templates=templates,
        staffing={t.id: {s.role.value: s for s in t.staffing} for t in templates},
        heads={t.id: sorted(t.staffing, key=lambda s: rosters.ROSTERED_ROLES.index(s.role)) for t in templates},
        coming=rosters.coming_assignments(clock.local().date()),
        around_the_clock=rosters.covers_whole_day(active),
        roles=rosters.ROSTERED_ROLES,
        this_month=f"{clock.local():%Y-%m}",
        errors=errors or {},
        form=request.form,
        editable=can(MANAGE_DUTY_SETUP),
    ), status


@bp.get("/duty/shifts")
@require(READ_DUTY_SETUP)
def duty_shifts():
    return _shifts_page()


@bp.post("/duty/shifts")
@require(MANAGE_DUTY_SETUP)
def save_duty_shift():
    form = request.form
    raw, roles = _template_input(form)
    try:
        data = parse(ShiftTemplateIn, raw)
        if form.get("id"):
            version = form.get("version", "")
            rosters.update_template(int(form["id"]) if form["id"].isdigit() else -1, data,
                                    int(version) if version.isdigit() else None)
        else:
            rosters.create_template(data)
        db.session.commit()
    except (ValidationFailed, Conflict, NotFound) as exc:
        db.session.rollback()
        return _shifts_page(_template_errors(exc, roles), exc.status)
    flash(_("Shift %(code)s saved. Coverage of every roster, published ones included, is checked against it from now on.",
            code=raw["code"]), "ok")
    return redirect(url_for("settings.duty_shifts") + (f"#shift-{form['id']}" if form.get("id", "").isdigit() else ""))


# --- seats -------------------------------------------------------------------------------------


def _seats_page(errors=None, status=200):
    items = seats.all_seats()
    return render_template(
        "settings/duty_seats.html",
        seats=items,
        taken={s.id: seats.occupant(s) for s in items},
        errors=errors or {},
        form=request.form,
        editable=can(MANAGE_DUTY_SETUP),
    ), status


@bp.get("/duty/seats")
@require(READ_DUTY_SETUP)
def duty_seats():
    return _seats_page()


@bp.post("/duty/seats")
@require(MANAGE_DUTY_SETUP)
def save_duty_seat():
    form = request.form
    raw = {
        "code": form.get("code", ""), "name": form.get("name", ""),
        "sort_order": _number_or_text(form.get("sort_order", "")) if form.get("sort_order", "").strip() else 100,
        "active": "active" in form,
    }
    try:
        data = parse(SeatIn, raw)
        if form.get("id"):
            version = form.get("version", "")
            seats.update_seat(int(form["id"]) if form["id"].isdigit() else -1, data,
                              int(version) if version.isdigit() else None)
        else:
            seats.create_seat(data)
        db.session.commit()
    except (ValidationFailed, Conflict, NotFound) as exc:
        db.session.rollback()
        return _seats_page(page_errors(exc, key=first_part), exc.status)
    flash(_("Seat %(code)s saved.", code=raw["code"]), "ok")
    return redirect(url_for("settings.duty_seats"))
