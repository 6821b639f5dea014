"""Which units a person works for."""
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.units.models import Unit


def member_unit_ids(user) -> set[int]:
    """A person's own unit and the units below it (a branch sees its crews' work)."""
    if user.unit_id is None:
        return set()
    children = db.session.scalars(select(Unit.id).where(Unit.parent_id == user.unit_id)).all()
    return {user.unit_id, *children}
