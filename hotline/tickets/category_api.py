"""Ticket categories in the JSON API: everyone who works tickets lists them; admins
create and change them (never delete: a category no longer used is deactivated)."""
from flask import jsonify, request
from sqlalchemy import select

from hotline.core.api import bp, committed, json_body
from hotline.core.extensions import db
from hotline.core.openapi import operation
from hotline.core.permissions import (
    CREATE_TICKET,
    MANAGE_ROUTING,
    READ_TICKETS,
    require,
)
from hotline.core.validation import parse, parse_query
from hotline.tickets import categories
from hotline.tickets.categories import CategoryIn, CategoryPatch
from hotline.tickets.models import Category
from hotline.tickets.schemas import CategoryListOut, CategoryOut, CategoryQuery


@bp.get("/v1/categories")
@operation("Ticket categories in their order: the active ones, or all with all=true",
           query=CategoryQuery, response=CategoryListOut, returns="Categories")
@require(READ_TICKETS | CREATE_TICKET | MANAGE_ROUTING)
def list_categories():
    query = parse_query(CategoryQuery, request.args)
    stmt = select(Category).order_by(Category.sort_order, Category.id)
    if not query.all:
        stmt = stmt.where(Category.active)
    return jsonify(items=[categories.category_view(c) for c in db.session.scalars(stmt)])


@bp.post("/v1/categories")
@operation("Create a category (admin)", body=CategoryIn, response=CategoryOut, status=201, returns="The category")
@require(MANAGE_ROUTING)
def create_category():
    data = parse(CategoryIn, json_body())
    return committed(categories.category_view(categories.create_category(data)), 201)


@bp.patch("/v1/categories/<code>")
@operation("Change a category (admin): names, default priority, active, order; only the fields sent "
           "(the code is fixed)", body=CategoryPatch, response=CategoryOut, returns="The category")
@require(MANAGE_ROUTING)
def update_category(code: str):
    data = parse(CategoryPatch, json_body())
    return committed(categories.category_view(categories.patch_category(code, data)))
