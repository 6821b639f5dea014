"""The center's standing items (未办事项: equipment faults, superiors' instructions,
documents, messages carried from shift to shift until closed) and the checklist of
things counted at each handover (keys, radios...)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.core.outbox import add_event
from hotline.duty.handover.models import ChecklistItem, StandingItem
from hotline.duty.handover.schemas import ChecklistSave, StandingItemIn
from hotline.users.models import User

error_catalog.define({
    "standing_item_closed": _l("standing item %(id)s is already closed"),
    "no_checklist_item": _l("no checklist item %(id)s"),
})


def open_standing_items() -> list[StandingItem]:
    return db.session.scalars(
        select(StandingItem).where(StandingItem.closed_at.is_(None)).order_by(StandingItem.opened_at)
    ).all()


def recent_standing_items(limit: int = 50) -> list[StandingItem]:
    return db.session.scalars(select(StandingItem).order_by(StandingItem.id.desc()).limit(limit)).all()


def add_standing_item(data: StandingItemIn, actor: User) -> StandingItem:
    item = StandingItem(
        kind=data.kind, title=data.title, body=data.body or None, source=data.source or None,
        opened_at=clock.now(), opened_by_id=actor.id,
    )
    db.session.add(item)
    db.session.flush()
    _announce_standing(item, actor)
    return item


def close_standing_item(item_id: int, note: str, actor: User, expected_version: int) -> StandingItem:
    item = get_or_404(StandingItem, item_id, _l("standing item"))
    check_version(item, expected_version, what=_l("standing item"), required=True)
    if not item.is_open:
        raise Conflict("standing_item_closed", id=item_id)
    item.closed_at, item.closed_by_id, item.close_note = clock.now(), actor.id, note
    db.session.flush()
    _announce_standing(item, actor)
    return item


def _announce_standing(item: StandingItem, actor: User) -> None:
    """`standing_item.changed` for the handover list pages open in the center, sent after the
    commit. Ids, state and who only, as `handover.changed`."""
    add_event(db.session, "standing_item.changed", {
        "id": item.id, "version": item.version, "status": "open" if item.is_open else "closed",
        "kind": item.kind.value, "by": {"username": actor.username, "display_name": actor.display_name},
    }, [])


def active_checklist() -> list[ChecklistItem]:
    return db.session.scalars(
        select(ChecklistItem).where(ChecklistItem.active).order_by(ChecklistItem.sort_order, ChecklistItem.id)
    ).all()


def all_checklist() -> list[ChecklistItem]:
    return db.session.scalars(select(ChecklistItem).order_by(ChecklistItem.sort_order, ChecklistItem.id)).all()


def save_checklist(data: ChecklistSave) -> list[ChecklistItem]:
    """The list as given, in that order; lines left out stop being counted (kept for old records)."""
    existing = {c.id: c for c in all_checklist()}
    seen = set()
    for n, line in enumerate(data.items):
        if line.id is not None:
            row = existing.get(line.id)
            if row is None:
                raise ValidationFailed.at(f"items.{n}.id", "no_checklist_item", id=line.id)
        else:
            row = ChecklistItem()
            db.session.add(row)
        row.name, row.expected, row.active, row.sort_order = line.name, line.expected, line.active, (n + 1) * 10
        seen.add(row.id)
    for row_id, row in existing.items():
        if row_id not in seen:
            row.active = False
    db.session.flush()
    return all_checklist()
