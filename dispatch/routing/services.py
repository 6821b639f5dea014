"""Routing a new ticket to a unit by the rules."""
from sqlalchemy import select

from hotline.extensions import db
from hotline.tickets.models import Ticket
from dispatch.routing.models import RoutingRule


def unit_for(ticket: Ticket):
    """The unit the rules name: a rule for the ticket's area beats one for any area."""
    rules = db.session.scalars(
        select(RoutingRule).where(
            RoutingRule.category_id == ticket.category_id,
            RoutingRule.active,
            (RoutingRule.area == ticket.area) | RoutingRule.area.is_(None),
        )
    ).all()
    rules.sort(key=lambda r: r.area is None)
    for rule in rules:
        if rule.unit.active:
            return rule.unit
    return None
