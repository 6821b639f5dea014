"""Which units a person works for."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.units.models import Unit, UnitKind

UNKNOWN_UNIT = "unknown_unit"
error_catalog.define({
    UNKNOWN_UNIT: _l("unknown unit '%(code)s'"),
    "unit_takes_no_work": _l("unit '%(code)s' takes no work orders"),
})


def member_unit_ids(user) -> set[int]:
    """A person's own unit and the units below it (a branch sees its crews' work)."""
    if user.unit_id is None:
        return set()
    children = db.session.scalars(select(Unit.id).where(Unit.parent_id == user.unit_id)).all()
    return {user.unit_id, *children}


def audience(session, *unit_ids: int | None) -> list[int]:
    """The rooms a unit's event goes to besides the center: the unit and the unit
    above it (a branch sees its crews' work)."""
    out: set[int] = set()
    for unit_id in filter(None, unit_ids):
        out.add(unit_id)
        unit = session.get(Unit, unit_id)
        if unit and unit.parent_id:
            out.add(unit.parent_id)
    return sorted(out)


def unit_by_code(code: str, field: str = "unit") -> Unit:
    """Any unit, active or not, by its code; or the field error naming it."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise ValidationFailed.at(field, UNKNOWN_UNIT, code=code)
    return unit


def find_unit(code: str, field: str = "unit", *, for_work: bool = True) -> Unit:
    """An active unit by its code (one that takes work orders, unless `for_work` is
    False: a person may belong to the center); or the field error that names it."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not unit.active:
        raise ValidationFailed.at(field, UNKNOWN_UNIT, code=code)
    if for_work and not unit.takes_work_orders:
        raise ValidationFailed.at(field, "unit_takes_no_work", code=code)
    return unit


def center_name() -> str | None:
    """The name the center goes by: HOTLINE_CENTER_NAME, else its root unit's name."""
    configured = current_app.config.get("HOTLINE_CENTER_NAME")
    if configured:
        return configured
    root = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.CENTER, Unit.parent_id.is_(None)).limit(1))
    return root.name if root else None
