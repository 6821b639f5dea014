"""Settings pages for admins: the categories a ticket can have (the routing rules that
send each to a unit are dispatch's: /settings/routing)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from hotline.core.errors import Conflict, ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.permissions import MANAGE_ROUTING, require
from hotline.core.web import settings_bp
from hotline.tickets.categories import save_category
from hotline.tickets.models import Category, Priority

bp = settings_bp


@bp.route("/categories", methods=["GET", "POST"])
@require(MANAGE_ROUTING)
def categories():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            save_category(request.form)
            db.session.commit()
            flash(_("Category saved."), "ok")
            return redirect(url_for("settings.categories"))
        except (ValidationFailed, Conflict) as exc:
            db.session.rollback()
            errors, status = page_errors(exc), exc.status
    items = db.session.scalars(select(Category).order_by(Category.sort_order, Category.id)).all()
    return render_template(
        "settings/categories.html", categories=items, priorities=list(Priority), errors=errors, form=request.form
    ), status
