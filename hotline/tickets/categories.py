"""Editing categories. Nothing is deleted: a category no longer used is deactivated."""
from flask_babel import lazy_gettext as _l
from pydantic import Field
from sqlalchemy import select

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.core.validation import Strict, Text, parse
from hotline.tickets.models import Category, Priority

error_catalog.define({"no_such_category": _l("no such category")})


class CategoryForm(Strict):
    id: int | None = None
    code: Text(40, 1) = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_en: Text(80, 1)
    name_zh: Text(80, 1)
    default_priority: Priority = Priority.NORMAL
    answerable_on_call: bool = False
    active: bool = False
    sort_order: int = Field(100, ge=0, le=10000)


def save_category(form) -> Category:
    raw = {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
    raw["answerable_on_call"] = "answerable_on_call" in form
    raw["active"] = "active" in form
    if "id" in raw:
        raw["id"] = int(raw["id"]) if str(raw["id"]).isdigit() else -1
    if "sort_order" in raw:
        raw["sort_order"] = int(raw["sort_order"]) if str(raw["sort_order"]).isdigit() else -1
    data = parse(CategoryForm, raw)
    clash = db.session.scalar(select(Category).where(Category.code == data.code))
    if data.id is None:
        if clash:
            raise ValidationFailed.at("code", "code_taken")
        category = Category()
        db.session.add(category)
    else:
        category = db.session.get(Category, data.id)
        if category is None:
            raise ValidationFailed.at("id", "no_such_category")
        if clash and clash.id != category.id:
            raise ValidationFailed.at("code", "code_taken")
    for field in ("code", "name_en", "name_zh", "default_priority", "answerable_on_call", "active", "sort_order"):
        setattr(category, field, getattr(data, field))
    return category
