"""Administering the unit tree: create, edit, move, deactivate, reactivate. Never delete:
a unit with history is deactivated, and then gets no new work (`find_unit` refuses it).

The tree's rules: the center is the root (one center, no parent, never moved or
deactivated); every other unit sits under a parent of a kind that may hold it (a crew
under a branch...); a unit never moves under itself or a unit below it; nothing is
added or moved under a deactivated unit, and a unit is deactivated only once nothing
active is left under it. Each change is in the audit log."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from hotline.audit.services import changes, record
from hotline.core import error_catalog
from hotline.core.error_catalog import Term
from hotline.core.errors import (
    Conflict,
    NotFound,
    Problem,
    ValidationFailed,
    check_version,
)
from hotline.core.extensions import db
from hotline.units.models import Area, Unit, UnitKind
from hotline.units.schemas import UnitIn, UnitUpdate
from hotline.units.services import unit_by_code

K = UnitKind
# The kinds of unit each kind may sit under.
PARENT_KINDS: dict[UnitKind, tuple[UnitKind, ...]] = {
    K.CENTER: (),
    K.BRANCH: (K.CENTER,),
    K.CREW: (K.BRANCH, K.DEPARTMENT, K.ENFORCEMENT),
    K.OFFICE: (K.CENTER, K.BRANCH),
    K.ENFORCEMENT: (K.CENTER, K.BRANCH),
    K.SPOKESPERSON: (K.CENTER, K.BRANCH),
    K.DEPARTMENT: (K.CENTER, K.BRANCH),
}
EDITABLE = ("code", "name", "phone", "on_call_phone", "areas", "takes_work_orders")
_MAX_ID = 2**63 - 1

error_catalog.define({
    "unit_cycle": _l("a unit cannot move under itself or a unit below it"),
    "center_is_root": _l("the center is the root of the tree: it has no parent"),
    "one_center": _l("there is a center already (%(code)s)"),
    "parent_required": _l("a unit of this kind (%(kind)s) needs a parent unit"),
    "parent_kind": _l("a unit of kind %(kind)s cannot sit under one of kind %(parent_kind)s"),
    "parent_inactive": _l("unit %(code)s is deactivated"),
    "unit_has_active_children": _l(
        "unit %(code)s still has active units under it (%(children)s): move or deactivate them first"),
    "center_stays_active": _l("the center cannot be deactivated"),
    "unit_inactive_already": _l("unit %(code)s is deactivated already"),
    "unit_active_already": _l("unit %(code)s is active already"),
    "unknown_area": _l("unknown area '%(name)s'"),
    "may_not_be_empty": _l("may not be empty"),
})


# --- reading the tree --------------------------------------------------------------------------


def tree(include_inactive: bool = True) -> list[tuple[Unit, int]]:
    """Every unit with its depth, in tree order: each unit followed by the units under it
    (the center first, then any other roots, siblings by code)."""
    units = db.session.scalars(select(Unit).options(selectinload(Unit.areas)).order_by(Unit.code)).all()
    below: dict[int | None, list[Unit]] = {}
    for unit in units:
        below.setdefault(unit.parent_id, []).append(unit)
    roots = sorted(below.get(None, []), key=lambda u: (u.kind != K.CENTER, u.code))
    out: list[tuple[Unit, int]] = []
    stack = [(u, 0) for u in reversed(roots)]
    while stack:
        unit, depth = stack.pop()
        out.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(below.get(unit.id, [])))
    return [(u, d) for u, d in out if include_inactive or u.active]


def descendant_ids(unit: Unit) -> set[int]:
    """The ids of every unit below `unit`, at any depth."""
    found: set[int] = set()
    level = {unit.id}
    while level:
        level = set(db.session.scalars(select(Unit.id).where(Unit.parent_id.in_(level)))) - found
        found |= level
    return found


def depth_of(unit: Unit) -> int:
    depth, seen = 0, {unit.id}
    while unit.parent is not None and unit.parent.id not in seen:
        unit = unit.parent
        seen.add(unit.id)
        depth += 1
    return depth


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id) if 0 < unit_id <= _MAX_ID else None
    if unit is None:
        raise NotFound("not_found", what=_l("unit"), id=unit_id)
    return unit


def parent_choices(unit: Unit | None = None) -> list[tuple[Unit, int]]:
    """Active units that may hold `unit` (or, for a new unit, any unit that may hold
    some kind): never the unit itself nor one below it."""
    excluded = {unit.id, *descendant_ids(unit)} if unit is not None else set()
    kinds = set(PARENT_KINDS[unit.kind]) if unit is not None else {k for ks in PARENT_KINDS.values() for k in ks}
    return [(u, d) for u, d in tree(include_inactive=False) if u.id not in excluded and u.kind in kinds]


def all_areas() -> list[Area]:
    return db.session.scalars(select(Area).order_by(Area.name)).all()


# --- the rules --------------------------------------------------------------------------------


def _check_place(kind: UnitKind, parent: Unit | None, unit: Unit | None = None) -> None:
    """Whether a unit of `kind` may sit under `parent` (`unit`: the one moving)."""
    if kind == K.CENTER:
        if parent is not None:
            raise ValidationFailed.at("parent", "center_is_root")
        return
    if parent is None:
        raise ValidationFailed.at("parent", "parent_required", kind=Term("unit_kind", kind.value))
    if unit is not None and (parent.id == unit.id or parent.id in descendant_ids(unit)):
        raise ValidationFailed.at("parent", "unit_cycle")
    if parent.kind not in PARENT_KINDS[kind]:
        raise ValidationFailed.at(
            "parent", "parent_kind", kind=Term("unit_kind", kind.value), parent_kind=Term("unit_kind", parent.kind.value)
        )
    if not parent.active:
        raise ValidationFailed.at("parent", "parent_inactive", code=parent.code)


def _check_code_free(code: str, unit: Unit | None = None) -> None:
    other = db.session.scalar(select(Unit.id).where(Unit.code == code))
    if other is not None and (unit is None or other != unit.id):
        raise ValidationFailed.at("code", "code_taken")


def _areas(names: list[str]) -> list[Area]:
    wanted = list(dict.fromkeys(names))
    found = {a.name: a for a in db.session.scalars(select(Area).where(Area.name.in_(wanted)))} if wanted else {}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise ValidationFailed({"areas": Problem("unknown_area", name=unknown[0])})
    return sorted(found.values(), key=lambda a: a.name)


def snapshot(unit: Unit) -> dict:
    """What the audit log compares before and after a change."""
    return {
        "code": unit.code, "name": unit.name, "kind": unit.kind.value,
        "parent": unit.parent.code if unit.parent else None,
        "phone": unit.phone, "on_call_phone": unit.on_call_phone,
        "areas": [a.name for a in unit.areas], "takes_work_orders": unit.takes_work_orders, "active": unit.active,
    }


# --- changes ---------------------------------------------------------------------------------


def create_unit(data: UnitIn) -> Unit:
    with db.session.no_autoflush:
        _check_code_free(data.code)
        parent = unit_by_code(data.parent, "parent") if data.parent else None
        if data.kind == K.CENTER:
            center = db.session.scalar(select(Unit).where(Unit.kind == K.CENTER))
            if center is not None:
                raise ValidationFailed.at("kind", "one_center", code=center.code)
        _check_place(data.kind, parent)
        unit = Unit(
            code=data.code, name=data.name, kind=data.kind, parent=parent, phone=data.phone,
            on_call_phone=data.on_call_phone, takes_work_orders=data.takes_work_orders, areas=_areas(data.areas),
        )
    db.session.add(unit)
    db.session.flush()
    record("unit.create", target=unit, detail=changes({}, snapshot(unit)))
    return unit


def update_unit(unit: Unit, data: UnitUpdate) -> Unit:
    """Edit what was sent; a new `parent` moves the unit (an entry of its own in the log)."""
    check_version(unit, data.version, what=_l("unit"), required=True)
    sent = data.model_fields_set
    empty = {name: Problem("may_not_be_empty") for name in ("code", "name", "areas", "takes_work_orders")
             if name in sent and getattr(data, name) is None}
    if empty:
        raise ValidationFailed(empty)
    before = snapshot(unit)
    with db.session.no_autoflush:
        if "parent" in sent:
            parent = unit_by_code(data.parent, "parent") if data.parent else None
            if parent != unit.parent:
                _check_place(unit.kind, parent, unit)
                unit.parent = parent
        if "code" in sent and data.code != unit.code:
            _check_code_free(data.code, unit)
        for name in ("code", "name", "phone", "on_call_phone", "takes_work_orders"):
            if name in sent:
                setattr(unit, name, getattr(data, name))
        if "areas" in sent:
            areas = _areas(data.areas)
            if areas != list(unit.areas):
                unit.areas = areas
                flag_modified(unit, "name")  # the areas live in another table: a new version all the same
    after = snapshot(unit)
    db.session.flush()
    if before["parent"] != after["parent"]:
        record("unit.move", target=unit, detail=changes({"parent": before["parent"]}, {"parent": after["parent"]}))
    edited = changes({k: before[k] for k in EDITABLE}, {k: after[k] for k in EDITABLE})
    if edited:
        record("unit.update", target=unit, detail=edited)
    return unit


def deactivate_unit(unit: Unit, version: int) -> Unit:
    check_version(unit, version, what=_l("unit"), required=True)
    if unit.kind == K.CENTER:
        raise Conflict("center_stays_active")
    if not unit.active:
        raise Conflict("unit_inactive_already", code=unit.code)
    active_children = [c.code for c in unit.children if c.active]
    if active_children:
        raise Conflict("unit_has_active_children", code=unit.code, children=", ".join(active_children))
    unit.active = False
    db.session.flush()
    record("unit.deactivate", target=unit, detail=changes({"active": True}, {"active": False}))
    return unit


def reactivate_unit(unit: Unit, version: int) -> Unit:
    check_version(unit, version, what=_l("unit"), required=True)
    if unit.active:
        raise Conflict("unit_active_already", code=unit.code)
    if unit.parent is not None and not unit.parent.active:
        raise Conflict("parent_inactive", code=unit.parent.code)
    unit.active = True
    db.session.flush()
    record("unit.reactivate", target=unit, detail=changes({"active": False}, {"active": True}))
    return unit


def unit_view(unit: Unit, depth: int | None = None) -> dict:
    return {
        "id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind.value,
        "parent": unit.parent.code if unit.parent else None, "parent_id": unit.parent_id,
        "depth": depth_of(unit) if depth is None else depth,
        "phone": unit.phone, "on_call_phone": unit.on_call_phone, "areas": [a.name for a in unit.areas],
        "takes_work_orders": unit.takes_work_orders, "active": unit.active, "version": unit.version,
    }
