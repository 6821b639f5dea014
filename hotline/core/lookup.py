"""Finding a row by its id, or the 404 that says what was not found."""
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.core.validation import MAX_INT


def get_or_404(model, ident, what):
    """`what` names the row in the message: a lazy_gettext noun, `_l("handover")`. An integer
    id beyond 64 bits names nothing (the database would raise OverflowError on it)."""
    too_big = isinstance(ident, int) and not -MAX_INT - 1 <= ident <= MAX_INT
    row = None if too_big else db.session.get(model, ident)
    if row is None:
        raise NotFound("not_found", what=what, id=ident)
    return row
