"""The dispatch desk's side of a ticket: what the caller said and where (as this person
may see it), and the unit to send it to (the routing rule's, the least busy of its crews);
and each person's saved views of the desk."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from dispatch.desk.models import DeskView
from dispatch.routing.services import route_for, takes_work
from dispatch.workorders.models import ACTIVE_WORK
from dispatch.workorders.services import work_by_unit
from hotline.callers.privacy import address_for
from hotline.core import error_catalog
from hotline.core.errors import NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.permissions import scope_for
from hotline.tickets.models import Status, Ticket
from hotline.units.models import Unit
from hotline.users.models import User

# The desk's two lists: waiting for dispatch, and with a unit (static/js/core/vocab.js).
DESK_STATUSES = (Status.NEW, Status.RETURNED, Status.DISPATCHED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE)
MATTER_CHARS = 160  # two lines of a card; the ticket page has the rest
MAX_VIEWS = 30

error_catalog.define({
    "too_many_views": _l("at most %(max)s saved views; delete one first"),
    "view_exists": _l("a view of this name was saved meanwhile; try again"),
})


def unit_loads(unit_ids=None) -> dict[int, int]:
    """Open work orders per unit (the load the board shows): unit id -> count."""
    return work_by_unit(db.session, ACTIVE_WORK, unit_ids)


def suggest(category_id: int | None, area: str | None, loads: dict[int, int], avoid: int | None = None) -> dict | None:
    """The unit the routing rules name for this category and area (route_for: the rule
    the real routing applies); when that unit has crews taking work, the least loaded of
    them (ties: by code), since crews do the work a branch is given; not `avoid` (the unit
    that returned the ticket) while there is another. None: no rule."""
    unit, rule = route_for(category_id, area)
    if unit is None:
        return None
    candidates = sorted((c for c in unit.children if takes_work(c)), key=lambda u: u.code) or [unit]
    candidates = [c for c in candidates if c.id != avoid] or candidates
    best = min(candidates, key=lambda u: loads.get(u.id, 0))  # min keeps the first of equals
    return {
        "unit": best.code,
        "load": loads.get(best.id, 0),
        "candidates": [u.code for u in candidates],
        "rule": {"id": rule.id, "category": rule.category.code, "area": rule.area, "unit": unit.code},
    }


def _matter(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MATTER_CHARS else text[: MATTER_CHARS - 1].rstrip() + "…"


def desk_details(viewer: User, numbers: list[str] | None = None) -> list[dict]:
    """For each open desk ticket (all, or these numbers): its matter, shortened; its
    address as the viewer may see it (hotline/callers/privacy.py: a dispatcher sees the
    street only on a confidential ticket); its area; and for one waiting for dispatch the
    suggested unit. The live card (hotline/live/views.py) carries none of these: it goes
    to whole rooms, wall boards too."""
    stmt = select(Ticket).options(joinedload(Ticket.category)).where(Ticket.status.in_(DESK_STATUSES))
    if numbers is not None:
        stmt = stmt.where(Ticket.number.in_(numbers))
    scope = scope_for(viewer)
    if not scope.whole_center:
        stmt = stmt.where(Ticket.unit_id.in_(scope.unit_ids or {-1}))
    tickets = db.session.scalars(stmt).all()
    loads = unit_loads()
    db.session.scalars(select(Unit).options(selectinload(Unit.children))).all()  # the tree once, not per rule
    routed: dict[tuple, dict | None] = {}
    out = []
    for t in tickets:
        item = {
            "number": t.number,
            "version": t.version,
            "matter": _matter(t.matter),
            "address": address_for(viewer, t),
            "area": t.area,
            "suggestion": None,
        }
        if t.status in (Status.NEW, Status.RETURNED):
            avoid = t.unit_id if t.status == Status.RETURNED else None  # it just said "not ours"
            key = (t.category_id, t.area or None, avoid)
            if key not in routed:
                routed[key] = suggest(t.category_id, t.area, loads, avoid)
            item["suggestion"] = routed[key]
        out.append(item)
    return out


# --- saved views --------------------------------------------------------------------------------


def view_dict(view: DeskView) -> dict:
    return {"id": view.id, "name": view.name, "filters": view.filters}


def my_views(user: User) -> list[DeskView]:
    return db.session.scalars(select(DeskView).where(DeskView.user_id == user.id).order_by(DeskView.name)).all()


def save_view(user: User, name: str, filters: dict) -> tuple[DeskView, bool]:
    """Save under this name; a view of the same name is replaced. Returns (view, created)."""
    view = db.session.scalar(select(DeskView).where(DeskView.user_id == user.id, DeskView.name == name))
    created = view is None
    if created:
        count = db.session.scalar(select(func.count()).where(DeskView.user_id == user.id))
        if count >= MAX_VIEWS:
            raise ValidationFailed.at("name", "too_many_views", max=MAX_VIEWS)
        view = DeskView(user_id=user.id, name=name)
    view.filters = filters
    try:  # the same name saved twice at once (two tabs): one view, and a 422 for the other
        with db.session.begin_nested():
            db.session.add(view)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed.at("name", "view_exists") from None
    return view, created


def delete_view(user: User, view_id: int) -> None:
    """Only one's own: another person's view is not found (not 403)."""
    view = db.session.get(DeskView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound("not_found", what=_l("saved view"), id=view_id)
    db.session.delete(view)
    db.session.flush()
