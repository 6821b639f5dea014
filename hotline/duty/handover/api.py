"""Handover endpoints of the JSON API: everything the handover pages do."""
from flask import jsonify, request, url_for
from flask_login import current_user

from hotline.core.api import bp, committed, json_body
from hotline.core.extensions import db
from hotline.core.openapi import operation
from hotline.core.permissions import (
    HANDOVER,
    MANAGE_CHECKLIST,
    OVERRIDE_HANDOVER,
    READ_CHECKLIST,
    require,
)
from hotline.core.validation import parse, parse_query
from hotline.duty.handover import checksum, services, standing
from hotline.duty.handover.schemas import (
    AddendumIn,
    AddendumOut,
    ChecklistOut,
    ChecklistSave,
    HandoverOpen,
    HandoverOut,
    HandoverOverrideIn,
    HandoverSign,
    HandoverSummaryPageOut,
    HandoverUpdate,
    ItemReview,
    StandingClose,
    StandingItemIn,
    StandingItemListOut,
    StandingItemOut,
    StandingItemsQuery,
    VerificationOut,
    VersionIn,
)
from hotline.duty.handover.search import HandoverQuery, find_handovers
from hotline.duty.handover.serialize import (
    addendum_view,
    handover_detail,
    handover_summary,
    standing_view,
)


def _detail(h, status: int = 200, headers: dict | None = None):
    return committed(handover_detail(h, current_user), status, headers)


@bp.get("/v1/handovers")
@operation("Find handovers: words (notes, next steps, reviews, addenda, ticket number or matter), period, status",
           query=HandoverQuery, response=HandoverSummaryPageOut, returns="A page of handover summaries")
@require(HANDOVER)
def list_handovers():
    query = parse_query(HandoverQuery, request.args)
    items, total = find_handovers(query)
    return jsonify(items=[handover_summary(h) for h in items], total=total, page=query.page, per_page=query.per_page)


@bp.post("/v1/handovers")
@operation("The outgoing person opens a handover; the system fills in the shift's tickets, emergencies, deadlines, "
           "escalations, standing items and the checklist", body=HandoverOpen, response=HandoverOut, status=201,
           returns="The new handover", errors=[409])
@require(HANDOVER)
def open_handover():
    data = parse(HandoverOpen, json_body())
    h = services.open_handover(current_user, data.incoming)
    return _detail(h, 201, {"Location": url_for("api.get_handover", handover_id=h.id)})


@bp.get("/v1/handovers/<int:handover_id>")
@operation("One handover: items, counts, overrides, addenda, what refuses it now, and its checksum check once signed",
           response=HandoverOut, returns="The handover")
@require(HANDOVER)
def get_handover(handover_id: int):
    return jsonify(handover_detail(services.get_handover(handover_id), current_user))


@bp.patch("/v1/handovers/<int:handover_id>")
@operation("The outgoing person (or a supervisor) edits notes, next steps, counts, the incoming person. Withdraws any "
           "signature; 409 once signed (add an addendum) or on a stale version", body=HandoverUpdate,
           response=HandoverOut, returns="The handover")
@require(HANDOVER)
def update_handover(handover_id: int):
    data = parse(HandoverUpdate, json_body())
    h = services.update_handover(services.get_handover(handover_id), data, current_user)
    return _detail(h)


@bp.post("/v1/handovers/<int:handover_id>/refresh")
@operation("Collect the items again (work that came in meanwhile); written next steps stay", body=VersionIn,
           response=HandoverOut, returns="The handover")
@require(HANDOVER)
def refresh_handover(handover_id: int):
    data = parse(VersionIn, json_body())
    h = services.refresh(services.get_handover(handover_id), current_user, data.version)
    return _detail(h)


@bp.post("/v1/handovers/<int:handover_id>/items/<int:item_id>/review")
@operation("The incoming person acknowledges an item, or disputes it with a note", body=ItemReview,
           response=HandoverOut, returns="The handover")
@require(HANDOVER)
def review_handover_item(handover_id: int, item_id: int):
    data = parse(ItemReview, json_body())
    h = services.get_handover(handover_id)
    services.review_item(h, item_id, data.decision, data.note, current_user, data.version)
    return _detail(h)


@bp.post("/v1/handovers/<int:handover_id>/acknowledge-all")
@operation("The incoming person acknowledges every item still to review, in one call; disputed items stay "
           "disputed. The version is the one the person read: nothing changed since is acknowledged (409)",
           body=VersionIn, response=HandoverOut, returns="The handover")
@require(HANDOVER)
def acknowledge_all_handover_items(handover_id: int):
    data = parse(VersionIn, json_body())
    h = services.get_handover(handover_id)
    services.acknowledge_all(h, current_user, data.version)
    return _detail(h)


@bp.post("/v1/handovers/<int:handover_id>/sign")
@operation("Sign as the outgoing or incoming person (own password again). The tickets are collected again first: "
           "one that came in after the opening is added (to be reviewed; it passes to the incoming person with the "
           "others). Refused (409, with `blockers` naming the ticket numbers, `tickets`, and `current_version`) while "
           "an emergency or missed deadline that came in meanwhile is not reviewed, an emergency has no plan, the "
           "checklist is incomplete, the incoming person is not signed in for the next shift, or flagged items are "
           "not acknowledged. The second signature locks the record, computes its checksum and passes every carried "
           "ticket to the incoming person", body=HandoverSign, response=HandoverOut, returns="The handover")
@require(HANDOVER)
def sign_handover(handover_id: int):
    data = parse(HandoverSign, json_body())
    try:
        h = services.sign(services.get_handover(handover_id), current_user, data.password, data.version)
    except services.Refused:
        db.session.commit()  # what came in meanwhile stays on the handover, to be reviewed
        raise
    return _detail(h)


@bp.post("/v1/handovers/<int:handover_id>/override")
@operation("A supervisor lets the handover go ahead despite the refusals standing now, with a recorded reason",
           body=HandoverOverrideIn, response=HandoverOut, status=201, returns="The handover")
@require(OVERRIDE_HANDOVER)
def override_handover(handover_id: int):
    data = parse(HandoverOverrideIn, json_body())
    h = services.get_handover(handover_id)
    services.override(h, data.reason, current_user, data.version)
    return _detail(h, 201)


@bp.post("/v1/handovers/<int:handover_id>/addenda")
@operation("Add a remark to a signed handover, marked as an addendum; the signed record never changes",
           body=AddendumIn, response=AddendumOut, status=201, returns="The addendum", errors=[409])
@require(HANDOVER)
def add_handover_addendum(handover_id: int):
    data = parse(AddendumIn, json_body())
    addendum = services.add_addendum(services.get_handover(handover_id), data.body, current_user)
    view = addendum_view(addendum)
    return committed(view, 201)


@bp.get("/v1/handovers/<int:handover_id>/verify")
@operation("Recompute the SHA-256 of the signed content (and of each addendum) and compare with the stored ones",
           response=VerificationOut, returns="The check")
@require(HANDOVER)
def verify_handover(handover_id: int):
    return jsonify(checksum.verify(services.get_handover(handover_id)).as_dict())


@bp.get("/v1/standing-items")
@operation("The center's standing items (equipment faults, instructions, documents, messages): open ones, or all=1 "
           "for recent", query=StandingItemsQuery, response=StandingItemListOut, returns="Standing items")
@require(HANDOVER)
def list_standing_items():
    show_all = request.args.get("all") in ("1", "true")
    items = standing.recent_standing_items() if show_all else standing.open_standing_items()
    return jsonify(items=[standing_view(s) for s in items])


@bp.post("/v1/standing-items")
@operation("Record a standing item; it stays on every handover until closed", body=StandingItemIn,
           response=StandingItemOut, status=201, returns="The item")
@require(HANDOVER)
def add_standing_item():
    data = parse(StandingItemIn, json_body())
    item = standing.add_standing_item(data, current_user)
    view = standing_view(item)
    return committed(view, 201)


@bp.post("/v1/standing-items/<int:item_id>/close")
@operation("Close a standing item with a note", body=StandingClose, response=StandingItemOut, returns="The item")
@require(HANDOVER)
def close_standing_item(item_id: int):
    data = parse(StandingClose, json_body())
    item = standing.close_standing_item(item_id, data.note, current_user, data.version)
    view = standing_view(item)
    return committed(view)


def _checklist_view():
    return [{"id": c.id, "name": c.name, "expected": c.expected, "active": c.active} for c in standing.all_checklist()]


@bp.get("/v1/handover-checklist")
@operation("What is counted at each handover, with the expected numbers", response=ChecklistOut,
           returns="Checklist lines", operation_id="getHandoverChecklist")
@require(READ_CHECKLIST)
def get_checklist():
    return jsonify(items=_checklist_view())


@bp.put("/v1/handover-checklist")
@operation("Replace the checklist (supervisor): lines left out stop being counted", body=ChecklistSave,
           response=ChecklistOut, returns="Checklist lines", operation_id="saveHandoverChecklist")
@require(MANAGE_CHECKLIST)
def save_checklist():
    data = parse(ChecklistSave, json_body())
    standing.save_checklist(data)
    items = _checklist_view()
    return committed({"items": items})
