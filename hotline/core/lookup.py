"""Finding a row by its id, or the 404 that says what was not found."""
from hotline.core.errors import NotFound
from hotline.core.extensions import db


def get_or_404(model, ident, what):
    """`what` names the row in the message: a lazy_gettext noun, `_l("handover")`."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound("not_found", what=what, id=ident)
    return row
