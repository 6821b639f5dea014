"""The unit tree in the JSON API: the desk and the board read it, admins change it."""
from flask import jsonify, request

from hotline.core.api import bp, committed, json_body
from hotline.core.openapi import operation
from hotline.core.permissions import DISPATCH, MANAGE_UNITS, READ_BOARD, require
from hotline.core.validation import parse, parse_query
from hotline.units import admin
from hotline.units.schemas import (
    UnitIn,
    UnitListOut,
    UnitOut,
    UnitQuery,
    UnitUpdate,
    UnitVersion,
)

READ_UNITS = READ_BOARD | DISPATCH | MANAGE_UNITS
_RULES = {409: "Stale version, or not allowed in the unit's current state (active units under it...)"}


@bp.get("/v1/units")
@operation("The unit tree, flat in tree order (each unit followed by those under it); active units "
           "unless inactive=true", query=UnitQuery, response=UnitListOut, returns="Units")
@require(READ_UNITS)
def units():
    query = parse_query(UnitQuery, request.args)
    return jsonify(items=[admin.unit_view(u, d) for u, d in admin.tree(include_inactive=query.inactive)])


@bp.get("/v1/units/<int:unit_id>")
@operation("One unit", response=UnitOut, returns="The unit")
@require(READ_UNITS)
def get_unit(unit_id: int):
    return jsonify(admin.unit_view(admin.get_unit(unit_id)))


@bp.post("/v1/units")
@operation("Create a unit (admin): the center is the root, a branch sits under the center, a crew under a "
           "branch...", body=UnitIn, response=UnitOut, status=201, returns="The unit")
@require(MANAGE_UNITS)
def create_unit():
    unit = admin.create_unit(parse(UnitIn, json_body()))
    return committed(admin.unit_view(unit), 201)


@bp.patch("/v1/units/<int:unit_id>")
@operation("Change a unit (admin): only the fields sent; a new parent moves it with the units under it "
           "(never under itself or one of them)", body=UnitUpdate, response=UnitOut, returns="The unit",
           errors=_RULES)
@require(MANAGE_UNITS)
def update_unit(unit_id: int):
    unit = admin.get_unit(unit_id)
    unit = admin.update_unit(unit, parse(UnitUpdate, json_body()))
    return committed(admin.unit_view(unit))


@bp.post("/v1/units/<int:unit_id>/deactivate")
@operation("Deactivate a unit (admin): it gets no new work; refused while active units are under it. "
           "Nothing is deleted", body=UnitVersion, response=UnitOut, returns="The unit", errors=_RULES)
@require(MANAGE_UNITS)
def deactivate_unit(unit_id: int):
    unit = admin.get_unit(unit_id)
    unit = admin.deactivate_unit(unit, parse(UnitVersion, json_body()).version)
    return committed(admin.unit_view(unit))


@bp.post("/v1/units/<int:unit_id>/reactivate")
@operation("Reactivate a unit (admin); refused while the unit above it is deactivated", body=UnitVersion,
           response=UnitOut, returns="The unit", errors=_RULES)
@require(MANAGE_UNITS)
def reactivate_unit(unit_id: int):
    unit = admin.get_unit(unit_id)
    unit = admin.reactivate_unit(unit, parse(UnitVersion, json_body()).version)
    return committed(admin.unit_view(unit))
