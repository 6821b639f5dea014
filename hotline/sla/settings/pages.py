"""Settings pages for SLA policies, working calendars and areas. Admins edit;
supervisors and managers see the same pages read-only. The forms post to the same
services as the API; a form with errors comes back with what was typed and a message
beside each field."""
from datetime import date, datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from hotline.core import clock as app_clock
from hotline.core.errors import Conflict, NotFound, ValidationFailed, first_part, page_errors
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.permissions import MANAGE_SETTINGS, READ_SLA_SETTINGS, can, require
from hotline.core.validation import parse
from hotline.core.web import settings_bp as bp
from hotline.sla.models import Stage
from hotline.sla.settings import services as svc
from hotline.sla.settings.schemas import (
    AreaIn,
    AreaUpdate,
    CalendarDayIn,
    CalendarIn,
    CalendarUpdate,
    PolicyIn,
    PolicyUpdate,
)
from hotline.tickets.models import Category, Priority

STAGE_NAMES = {
    Stage.ACCEPT: _l("Accept (签收)"),
    Stage.ARRIVE: _l("Arrive on site (到场)"),
    Stage.REPLY: _l("Reply to the caller (答复)"),
    Stage.RESOLVE: _l("Resolve (办结)"),
    Stage.CALLBACK: _l("Call back (回访)"),
}
UNITS = ("min", "h", "d")
GRID_DAYS = 60

def _errors(exc) -> dict[str, str]:
    """Per field; `hours.0.1` and the like are shown beside the hours field."""
    return page_errors(exc, key=first_part)


# --- how targets read --------------------------------------------------------------------------


def describe_minutes(minutes: float | None, day_minutes: float | None) -> str:
    """40 -> "40 min"; 1440 round the clock -> "24 h"; 900 on a 450-minute working day ->
    "2 working days"."""
    if minutes is None:
        return "—"
    if day_minutes and minutes >= day_minutes and minutes % day_minutes == 0:
        n = int(minutes // day_minutes)
        return ngettext("%(num)d working day", "%(num)d working days", n)
    if not day_minutes and minutes > 2 * 1440 and minutes % 1440 == 0:
        n = int(minutes // 1440)
        return ngettext("%(num)d day", "%(num)d days", n)
    if minutes >= 60 and minutes % 60 == 0:
        hours = int(minutes // 60)
        if day_minutes:
            return ngettext("%(num)d working hour", "%(num)d working hours", hours)
        return _("%(n)s h", n=hours)
    if minutes > 60:
        hours, rest = divmod(minutes, 60)
        text = _("%(h)s h %(m)s min", h=int(hours), m=svc._number(rest))
        return _("%(text)s working time", text=text) if day_minutes else text
    return _("%(n)s min", n=svc._number(minutes))


def split_minutes(minutes: float | None, day_minutes: float | None) -> tuple[str, str]:
    """The amount and unit an edit form starts with."""
    if minutes is None:
        return "", "min"
    day = day_minutes or 1440
    if minutes >= day and minutes % day == 0:
        return str(int(minutes // day)), "d"
    if minutes >= 60 and minutes % 60 == 0:
        return str(int(minutes // 60)), "h"
    return str(svc._number(minutes)), "min"


def _to_minutes(amount: str, unit: str, day_minutes: float | None):
    """What the form sent as minutes; what is not a number goes on to the schema as typed."""
    try:
        value = float(amount)
    except ValueError:
        return amount
    factor = {"min": 1, "h": 60, "d": day_minutes or 1440}.get(unit, 1)
    return value * factor


# --- policies ----------------------------------------------------------------------------------


def _calendar_day_minutes() -> dict[str | None, float | None]:
    return {c.code: svc.day_minutes(c) for c in svc.all_calendars()} | {None: None}


def _policy_input(form) -> dict:
    days = _calendar_day_minutes()
    calendar = form.get("calendar") or None
    day = days.get(calendar)
    raw = {
        "category": form.get("category") or None,
        "priority": form.get("priority") or None,
        "stage": form.get("stage") or None,
        "minutes": _to_minutes(form.get("minutes", ""), form.get("minutes_unit", "min"), day) if form.get("minutes") else None,
        "minutes_outside_city": (
            _to_minutes(form["minutes_outside_city"], form.get("minutes_unit", "min"), day)
            if form.get("minutes_outside_city") else None
        ),
        "calendar": calendar,
        "warn_percent": form.get("warn_percent") or None,
        "active": "active" in form,
    }
    if form.get("id"):
        raw["version"] = form.get("version")
    return {k: v for k, v in raw.items() if v is not None or k in ("category", "priority", "calendar", "minutes_outside_city")}


def _policy_page(errors=None, status=200):
    calendars = svc.all_calendars()
    day_minutes = {c.id: svc.day_minutes(c) for c in calendars}
    rows = []
    for p in svc.all_policies():
        day = day_minutes.get(p.calendar_id)
        amount, unit = split_minutes(p.minutes, day)
        outside = ""
        if p.minutes_outside_city:  # one unit for both amounts: minutes when they differ
            outside, outside_unit = split_minutes(p.minutes_outside_city, day)
            if outside_unit != unit:
                amount, unit, outside = str(svc._number(p.minutes)), "min", str(svc._number(p.minutes_outside_city))
        rows.append({
            "p": p,
            "target": describe_minutes(p.minutes, day),
            "outside": describe_minutes(p.minutes_outside_city, day) if p.minutes_outside_city else None,
            "amount": amount, "unit": unit, "outside_amount": outside,
        })
    stages = [(stage, STAGE_NAMES[stage], [r for r in rows if r["p"].stage == stage]) for stage in Stage]
    categories = db.session.query(Category).order_by(Category.sort_order, Category.id).all()
    return render_template(
        "settings/sla_policies.html", stages=stages, calendars=calendars, categories=categories,
        priorities=list(Priority), stage_names=STAGE_NAMES, units=UNITS, errors=errors or {},
        form=request.form, editable=can(MANAGE_SETTINGS),
        day_minutes_text=", ".join(
            _("%(name)s: %(n)s min a day", name=c.name, n=svc._number(day_minutes[c.id])) for c in calendars
        ),
    ), status


@bp.get("/sla/policies")
@require(READ_SLA_SETTINGS)
def sla_policies():
    return _policy_page()


@bp.post("/sla/policies")
@require(MANAGE_SETTINGS)
def save_sla_policy():
    raw = _policy_input(request.form)
    try:
        if request.form.get("id"):
            policy_id = int(request.form["id"]) if request.form["id"].isdigit() else -1
            svc.update_policy(policy_id, parse(PolicyUpdate, raw))
        else:
            svc.create_policy(parse(PolicyIn, raw))
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _policy_page(_errors(exc), 422)
    except (Conflict, NotFound) as exc:
        db.session.rollback()
        return _policy_page(_errors(exc), exc.status)
    flash(_("Policy saved. New tickets use it from now on."), "ok")
    return redirect(url_for("settings.sla_policies"))


# --- calendars ---------------------------------------------------------------------------------


def _hours_text(hours) -> str:
    return ", ".join(f"{s}–{e}" for s, e in hours)


def _parse_hours_text(text: str):
    """ "08:30-12:00, 13:30-17:30" -> [["08:30", "12:00"], ["13:30", "17:30"]]; what does
    not split into pairs goes on as typed, for the schema to refuse with a message."""
    periods = []
    for part in text.replace("，", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        pieces = [p.strip() for p in part.replace("–", "-").replace("—", "-").replace("~", "-").split("-")]
        periods.append(pieces if len(pieces) == 2 else [part])
    return periods


def _upcoming(calendar, today: date) -> list[dict]:
    region = current_app.config.get("HOTLINE_REGION", "CN")
    language = "zh_CN" if current_locale() == "zh_CN" else "en_US"
    return svc.upcoming_days(calendar, today, GRID_DAYS, region, language)


def _grid(days: list[dict]) -> list[dict]:
    """The days as months of weeks (Monday first) for the little calendar."""
    months: list[dict] = []
    for d in days:
        key = (d["day"].year, d["day"].month)
        if not months or months[-1]["key"] != key:
            months.append({"key": key, "first": d["day"], "weeks": [[None] * 7]})
        month = months[-1]
        if d["day"].weekday() == 0 and any(month["weeks"][-1]):
            month["weeks"].append([None] * 7)
        month["weeks"][-1][d["day"].weekday()] = d
    return months


def _calendar_page(errors=None, status=200, error_for=None):
    today = app_clock.local().date()
    items = []
    for c in svc.all_calendars():
        days = _upcoming(c, today)
        items.append({
            "c": c, "hours": _hours_text(c.hours), "day_minutes": svc._number(svc.day_minutes(c)),
            "months": _grid(days), "named": [d for d in days if d["note"]],
        })
    preview = None
    if request.method == "GET" and request.args.get("preview"):
        preview = _preview(request.args)
    return render_template(
        "settings/sla_calendars.html", calendars=items, errors=errors or {}, error_for=error_for,
        form=request.form, editable=can(MANAGE_SETTINGS), today=today, preview=preview,
        describe=describe_minutes,
    ), status


def _preview(args) -> dict:
    """The deadline a clock of the given length started at the given time would have."""
    out = {"calendar_id": args.get("preview"), "from": args.get("from", ""), "amount": args.get("amount", ""), "unit": args.get("unit", "d")}
    try:
        calendar = svc.get_calendar(int(args["preview"]))
        start = datetime.fromisoformat(args["from"]) if args.get("from") else None
        minutes = _to_minutes(out["amount"], out["unit"], svc.day_minutes(calendar))
        if not isinstance(minutes, float) or minutes <= 0:
            raise ValidationFailed.at("minutes", "positive")
        result = svc.preview(calendar, start, minutes)
        out["deadline"] = datetime.fromisoformat(result["deadline"])
        out["start"] = datetime.fromisoformat(result["from"])
        out["text"] = describe_minutes(minutes, svc.day_minutes(calendar))
    except (ValueError, OverflowError):  # OverflowError: a start near year 9999
        out["error"] = _("Not a valid date.")
    except (NotFound, ValidationFailed) as exc:
        out["error"] = next(iter(_errors(exc).values()))
    return out


@bp.get("/sla/calendars")
@require(READ_SLA_SETTINGS)
def sla_calendars():
    return _calendar_page()


@bp.post("/sla/calendars")
@require(MANAGE_SETTINGS)
def save_sla_calendar():
    form = request.form
    action = form.get("action", "save")
    target = form.get("id") or "new"
    try:
        calendar_id = int(form["id"]) if form.get("id", "").isdigit() else None
        if action == "add_day":
            raw = {"day": form.get("day") or None, "working": form.get("working") == "1", "note": form.get("note") or None}
            svc.put_day(calendar_id or -1, parse(CalendarDayIn, {k: v for k, v in raw.items() if v is not None}))
            message = _("Day saved. New deadlines count it from now on.")
        elif action == "remove_day":
            try:
                day = date.fromisoformat(form.get("day", ""))
            except ValueError:
                raise NotFound("not_a_day", day=form.get("day", "")) from None
            svc.remove_day(calendar_id or -1, day)
            message = _("Day removed. New deadlines count it from now on.")
        else:
            raw = {"name": form.get("name", ""), "hours": _parse_hours_text(form.get("hours", "")),
                   "public_holidays": "public_holidays" in form}
            if calendar_id is None:
                svc.create_calendar(parse(CalendarIn, {**raw, "code": form.get("code", "")}))
            else:
                svc.update_calendar(calendar_id, parse(CalendarUpdate, {**raw, "version": form.get("version")}))
            message = _("Calendar saved. New deadlines count it from now on.")
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _calendar_page(_errors(exc), 422, f"{action}-{target}")
    except (Conflict, NotFound) as exc:
        db.session.rollback()
        return _calendar_page(_errors(exc), exc.status, f"{action}-{target}")
    flash(message, "ok")
    return redirect(url_for("settings.sla_calendars") + (f"#calendar-{calendar_id}" if calendar_id else ""))


# --- areas -------------------------------------------------------------------------------------


def _area_page(errors=None, status=200):
    return render_template(
        "settings/sla_areas.html", areas=svc.all_areas(), errors=errors or {}, form=request.form,
        editable=can(MANAGE_SETTINGS),
    ), status


@bp.get("/sla/areas")
@require(READ_SLA_SETTINGS)
def sla_areas():
    return _area_page()


@bp.post("/sla/areas")
@require(MANAGE_SETTINGS)
def save_sla_area():
    form = request.form
    raw = {"name": form.get("name", ""), "outside_city": "outside_city" in form}
    try:
        if form.get("id"):
            svc.update_area(int(form["id"]) if form["id"].isdigit() else -1, parse(AreaUpdate, raw))
        else:
            svc.create_area(parse(AreaIn, raw))
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _area_page(_errors(exc), 422)
    except NotFound as exc:
        db.session.rollback()
        return _area_page(_errors(exc), 404)
    flash(_("Area saved. New tickets in it use it from now on."), "ok")
    return redirect(url_for("settings.sla_areas"))
