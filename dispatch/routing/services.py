"""Routing a new ticket to a unit by the rules, and editing the rules.

`route_for` is the one answer to "which unit gets a ticket of this category and area":
the real routing of a new ticket and the settings page's preview both ask it, so the
preview cannot disagree with what happens."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dispatch.routing.models import RoutingRule
from hotline.audit.services import changes, record
from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.tickets.models import Category, Ticket
from hotline.units.models import Area, Unit
from hotline.units.services import unit_by_code

error_catalog.define({
    "rule_exists": _l("there is a rule for this category and area already"),
    "category_inactive": _l("category '%(code)s' is not active"),
})

RULE = _l("routing rule")

def takes_work(unit: Unit) -> bool:
    """A unit a rule may send work to: active, and taking work orders."""
    return bool(unit.active and unit.takes_work_orders)


def route_for(category_id: int | None, area: str | None) -> tuple[Unit | None, RoutingRule | None]:
    """The unit a new ticket of this category and area goes to, and the rule that names
    it. A rule for the area beats one for any area; an inactive rule, or one whose unit
    takes no work, is passed over. (None, None): no rule, the ticket stays at the center."""
    if category_id is None:
        return None, None
    area = area or None
    rules = db.session.scalars(
        select(RoutingRule).where(
            RoutingRule.category_id == category_id,
            RoutingRule.active,
            RoutingRule.area.is_(None) if area is None else (RoutingRule.area == area) | RoutingRule.area.is_(None),
        )
    ).all()
    for rule in sorted(rules, key=lambda r: r.area is None):
        if takes_work(rule.unit):
            return rule.unit, rule
    return None, None


def unit_for(ticket: Ticket) -> Unit | None:
    """The unit the rules name for a new ticket."""
    return route_for(ticket.category_id, ticket.area)[0]


# --- reading -----------------------------------------------------------------------------------


def all_rules() -> list[RoutingRule]:
    """Every rule, by category (its order on the pages), then 'any area' first, then by area."""
    return db.session.scalars(
        select(RoutingRule)
        .join(Category, Category.id == RoutingRule.category_id)
        .order_by(Category.sort_order, Category.id, RoutingRule.area.is_not(None), RoutingRule.area)
    ).all()


def get_rule(rule_id: int) -> RoutingRule:
    return get_or_404(RoutingRule, rule_id, RULE)


def known_areas() -> list[str]:
    """Area names to offer: the areas of the SLA settings and those rules already name."""
    names = set(db.session.scalars(select(Area.name)))
    names |= set(db.session.scalars(select(RoutingRule.area).distinct().where(RoutingRule.area.is_not(None))))
    return sorted(names)


def rule_view(rule: RoutingRule) -> dict:
    return {
        "id": rule.id,
        "category": rule.category.code,
        "area": rule.area,
        "unit": rule.unit.code,
        "active": rule.active,
        "version": rule.version,
    }


def preview_view(category: Category, area: str | None) -> dict:
    unit, rule = route_for(category.id, area)
    return {
        "category": category.code,
        "area": area or None,
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "rule": rule_view(rule) if rule else None,
    }


# --- editing -----------------------------------------------------------------------------------


def find_category(code: str, field: str = "category") -> Category:
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise ValidationFailed.at(field, "unknown_category", code=code)
    return category


def _state(rule: RoutingRule) -> dict:
    return {"category": rule.category.code, "area": rule.area, "unit": rule.unit.code, "active": rule.active}


def _check(rule: RoutingRule) -> None:
    """An active rule names an active category and a unit that takes work; no two rules
    share a category and area (the database's unique key lets two 'any area' rules by:
    NULLs differ there)."""
    if rule.active and not rule.category.active:
        raise ValidationFailed.at("category", "category_inactive", code=rule.category.code)
    if rule.active and not takes_work(rule.unit):
        raise ValidationFailed.at("unit", "unit_takes_no_work", code=rule.unit.code)
    same_area = RoutingRule.area.is_(None) if rule.area is None else RoutingRule.area == rule.area
    others = select(RoutingRule.id).where(RoutingRule.category_id == rule.category.id, same_area)
    if rule.id is not None:
        others = others.where(RoutingRule.id != rule.id)
    clash = db.session.scalar(others)
    if clash is not None:
        raise ValidationFailed.at("area", "rule_exists")


def _write(rule: RoutingRule) -> None:
    """Flush the rule; another admin's same rule written since `_check` looked (two
    transactions at once on PostgreSQL) meets the database's unique keys: the same refusal."""
    try:
        with db.session.begin_nested():
            db.session.add(rule)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed.at("area", "rule_exists") from None


def create_rule(data) -> RoutingRule:
    """`data`: a RoutingRuleIn."""
    with db.session.no_autoflush:
        rule = RoutingRule(category=find_category(data.category), area=data.area or None,
                           unit=unit_by_code(data.unit), active=data.active)
        _check(rule)
    _write(rule)
    record("routing.create", target=rule, detail=changes({}, _state(rule)))
    return rule


def update_rule(rule_id: int, data) -> RoutingRule:
    """`data`: a RoutingRulePatch; only the fields sent change."""
    rule = get_rule(rule_id)
    check_version(rule, data.version, what=RULE, required=True)
    before = _state(rule)
    sent = data.model_fields_set
    with db.session.no_autoflush:
        if "category" in sent:
            rule.category = find_category(data.category)
        if "area" in sent:
            rule.area = data.area or None
        if "unit" in sent:
            rule.unit = unit_by_code(data.unit)
        if "active" in sent and data.active is not None:
            rule.active = data.active
        _check(rule)
    detail = changes(before, _state(rule))
    if detail:
        _write(rule)
        record("routing.update", target=rule, detail=detail)
    return rule


def delete_rule(rule_id: int, version: int | None = None) -> None:
    """Rules hold no history (the tickets they routed keep their work orders): a rule
    may be deleted; its last state stays in the audit log."""
    rule = get_rule(rule_id)
    check_version(rule, version, what=RULE)
    record("routing.delete", target=rule, detail=changes(_state(rule), {}))
    db.session.delete(rule)
    db.session.flush()
