"""Finding a row by its id, or the 404 that says what was not found."""
from hotline.core.errors import NotFound
from hotline.core.extensions import db


def get_or_404(model, ident, what: str):
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(f"no {what} {ident}")
    return row
