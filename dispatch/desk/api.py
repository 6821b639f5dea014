"""The dispatch desk's endpoints: the cards' details (matter, address, suggested unit),
several tickets dispatched at once, and each person's saved views."""
from flask import jsonify, request
from flask_login import current_user

from dispatch.desk import services
from dispatch.desk.schemas import (
    BulkDispatchIn,
    BulkDispatchOut,
    DeskDetailsOut,
    DeskDetailsQuery,
    DeskViewId,
    DeskViewIn,
    DeskViewListOut,
    DeskViewOut,
)
from dispatch.workorders.services import dispatch_many
from hotline.core.api import bp, committed, json_body
from hotline.core.errors import say
from hotline.core.extensions import db
from hotline.core.openapi import operation
from hotline.core.permissions import DISPATCH, require
from hotline.core.validation import parse, parse_query
from hotline.tickets.access import visible_ticket
from hotline.tickets.serialize import ticket_summary
from hotline.tickets.workflow import steps_available
from hotline.units.services import find_unit


@bp.get("/v1/desk/tickets")
@operation("The dispatch desk's details of its open tickets: what the caller said, the address as this person "
           "may see it, the area, and for one waiting for dispatch the unit the routing rules and the units' "
           "load suggest", query=DeskDetailsQuery, response=DeskDetailsOut, returns="Details, by ticket",
           description="The live card (board snapshot, ticket events) has no caller's words and the street only; "
                       "the desk asks here for the tickets it shows, again when a ticket's version changes.")
@require(DISPATCH)
def desk_tickets():
    query = parse_query(DeskDetailsQuery, request.args)
    return jsonify(items=services.desk_details(current_user, query.number))


def _result(item: dict) -> dict:
    if item["ok"]:
        ticket = item["ticket"]
        return {"number": item["number"], "ok": True, "status": 200,
                "ticket": {**ticket_summary(ticket, current_user), "steps": steps_available(ticket)}}
    exc = item["error"]
    out = {"number": item["number"], "ok": False, "status": exc.status, "error": exc.message, "code": exc.code,
           "message": say(exc)}
    if "current" in item:
        out["current"] = item["current"]
    return out


@bp.post("/v1/desk/dispatch")
@operation("Dispatch several tickets to one unit at once (派单): each as a single dispatch, per-item answers",
           body=BulkDispatchIn, response=BulkDispatchOut, returns="Each ticket's result",
           description="Items are independent: a stale `version` (409), a ticket no longer waiting (409) or one "
                       "not found (404) is that item's answer and the others are dispatched; a 409 carries the "
                       "ticket as it now stands in `current`. Bad input (an unknown unit, a ticket listed twice, "
                       "none or more than 50) is a 422 and nothing is dispatched.")
@require(DISPATCH)
def desk_dispatch():
    data = parse(BulkDispatchIn, json_body())
    unit = find_unit(data.unit)
    done = dispatch_many([(i.number, i.version) for i in data.tickets], unit, current_user, data.instructions,
                         lambda number: visible_ticket(number, current_user))
    for item in done:  # the refused ones as they now stand (read before the commit expires them)
        if not item["ok"] and item["status"] == 409:
            t = visible_ticket(item["number"], current_user)
            item["current"] = {**ticket_summary(t, current_user), "steps": steps_available(t)}
    results = [_result(i) for i in done]
    ok = sum(r["ok"] for r in results)
    return committed({"unit": unit.code, "dispatched": ok, "failed": len(results) - ok, "results": results})


@bp.get("/v1/desk/views")
@operation("My saved views of the dispatch desk", response=DeskViewListOut, returns="Views, by name")
@require(DISPATCH)
def desk_views():
    return jsonify(items=[services.view_dict(v) for v in services.my_views(current_user)])


@bp.post("/v1/desk/views")
@operation("Save a view of the desk (its filters) under a name; the same name replaces it", body=DeskViewIn,
           response=DeskViewOut, status={201: "Saved, new", 200: "Saved over the view of this name"})
@require(DISPATCH)
def save_desk_view():
    data = parse(DeskViewIn, json_body())
    view, created = services.save_view(current_user, data.name, data.filters.model_dump(exclude_none=True))
    return committed(services.view_dict(view), 201 if created else 200)


@bp.delete("/v1/desk/views/<int:view_id>")
@operation("Delete one of my saved views", path=DeskViewId, status=204, returns="Deleted")
@require(DISPATCH)
def delete_desk_view(view_id: int):
    services.delete_view(current_user, view_id)
    db.session.commit()
    return "", 204
