"""Routing a new ticket to a unit by the rules."""
from sqlalchemy import select

from dispatch.routing.models import RoutingRule
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.tickets.models import Category, Ticket
from hotline.units.services import find_unit


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


def all_rules() -> list[RoutingRule]:
    return db.session.scalars(select(RoutingRule).order_by(RoutingRule.category_id, RoutingRule.area)).all()


def save_rule(data) -> RoutingRule:
    """Create or update the rule for (category, area). Rules are deactivated, never deleted."""
    category = db.session.scalar(select(Category).where(Category.code == data.category))
    if category is None:
        raise ValidationFailed.at("category", "unknown_category", code=data.category)
    unit = find_unit(data.unit)
    area = data.area or None
    rule = db.session.scalar(
        select(RoutingRule).where(
            RoutingRule.category_id == category.id,
            RoutingRule.area.is_(None) if area is None else RoutingRule.area == area,
        )
    )
    if rule is None:
        rule = RoutingRule(category_id=category.id, area=area, unit_id=unit.id)
        db.session.add(rule)
    rule.unit_id, rule.active = unit.id, data.active
    db.session.flush()
    return rule


def rule_view(rule: RoutingRule) -> dict:
    return {
        "id": rule.id,
        "category": rule.category.code,
        "area": rule.area,
        "unit": rule.unit.code,
        "active": rule.active,
    }
