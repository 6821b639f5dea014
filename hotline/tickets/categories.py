"""Editing categories, for the settings page and the API. Nothing is deleted: a category
no longer used is deactivated. Every change goes to the audit log."""
from flask_babel import lazy_gettext as _l
from pydantic import Field
from sqlalchemy import select

from hotline.audit.services import changes, record
from hotline.core import error_catalog
from hotline.core.errors import NotFound, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.validation import Strict, Text, parse
from hotline.tickets.models import Category, Priority

error_catalog.define({"no_such_category": _l("no such category")})

CATEGORY = _l("category")
CODE = Field(pattern=r"^[a-z][a-z0-9_]*$", description="lower-case letters, digits and _ (fixed once made, in the API)")
SORT_ORDER = Field(100, ge=0, le=10000, description="lower comes first in lists")
_FIELDS = ("code", "name_en", "name_zh", "default_priority", "answerable_on_call", "active", "sort_order")


class CategoryIn(Strict):
    code: Text(40, 1) = CODE
    name_en: Text(80, 1)
    name_zh: Text(80, 1)
    default_priority: Priority = Priority.NORMAL
    answerable_on_call: bool = Field(False, description="a consultation: an answer on the call closes the ticket")
    active: bool = True
    sort_order: int = SORT_ORDER


class CategoryPatch(Strict):
    """Only the fields sent change."""

    name_en: Text(80, 1) | None = None
    name_zh: Text(80, 1) | None = None
    default_priority: Priority | None = None
    answerable_on_call: bool | None = None
    active: bool | None = None
    sort_order: int | None = Field(None, ge=0, le=10000)
    version: int = Field(description="the version last read (409 when it changed meanwhile)")


class CategoryForm(Strict):
    """The settings page's form: every field at once, the code too."""

    id: int | None = None
    version: int | None = None
    code: Text(40, 1) = CODE
    name_en: Text(80, 1)
    name_zh: Text(80, 1)
    default_priority: Priority = Priority.NORMAL
    answerable_on_call: bool = False
    active: bool = False
    sort_order: int = SORT_ORDER


def _state(category: Category) -> dict:
    return {f: getattr(category, f) for f in _FIELDS} | {"default_priority": category.default_priority.value}


def _refuse_taken_code(code: str, category_id: int | None) -> None:
    with db.session.no_autoflush:
        clash = db.session.scalar(select(Category.id).where(Category.code == code))
    if clash is not None and clash != category_id:
        raise ValidationFailed.at("code", "code_taken")


def find_category(code: str) -> Category:
    """Any category by its code (active or not), or the 404."""
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise NotFound("not_found", what=CATEGORY, id=code)
    return category


def create_category(data: CategoryIn) -> Category:
    _refuse_taken_code(data.code, None)
    category = Category(**{f: getattr(data, f) for f in _FIELDS})
    db.session.add(category)
    db.session.flush()
    record("category.create", target=category, detail=changes({}, _state(category)))
    return category


def update_category(category: Category, values: dict, version: int | None, *, required: bool = True) -> Category:
    """Change the fields in `values` (a field name -> its new value)."""
    check_version(category, version, what=CATEGORY, ident=category.code, required=required)
    if "code" in values:
        _refuse_taken_code(values["code"], category.id)
    before = _state(category)
    for field, value in values.items():
        setattr(category, field, value)
    detail = changes(before, _state(category))
    if detail:
        db.session.flush()
        record("category.update", target=category, detail=detail)
    return category


def patch_category(code: str, data: CategoryPatch) -> Category:
    values = {f: getattr(data, f) for f in data.model_fields_set if f != "version" and getattr(data, f) is not None}
    return update_category(find_category(code), values, data.version)


def category_view(c: Category) -> dict:
    return {
        "code": c.code,
        "name_en": c.name_en,
        "name_zh": c.name_zh,
        "answerable_on_call": c.answerable_on_call,
        "default_priority": c.default_priority.value,
        "active": c.active,
        "sort_order": c.sort_order,
        "version": c.version,
    }


# --- the settings page's form ---------------------------------------------------------------------


def save_category(form) -> Category:
    raw = {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
    raw["answerable_on_call"] = "answerable_on_call" in form
    raw["active"] = "active" in form
    for key in ("id", "version", "sort_order"):
        if key in raw:
            raw[key] = int(raw[key]) if str(raw[key]).isdigit() else -1
    data = parse(CategoryForm, raw)
    if data.id is None:
        return create_category(CategoryIn(**{f: getattr(data, f) for f in _FIELDS}))
    category = db.session.get(Category, data.id) if 0 < data.id < 2**63 else None
    if category is None:
        raise ValidationFailed.at("id", "no_such_category")
    return update_category(category, {f: getattr(data, f) for f in _FIELDS}, data.version, required=False)
