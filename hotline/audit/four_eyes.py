"""Four eyes: whoever asked for something does not decide it.

An SLA extension (hotline.sla) and a swap or leave request (hotline.duty.rosters) are
decided by another supervisor: the one who asked, or the colleague a swap names, answers
403 with the code `own_request`, in the API and on the pages that call it. The decisions
themselves are audited by their services (sla.extension_decide, roster.request_decide)."""
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.errors import Forbidden

error_catalog.define({
    "own_request": _l("You cannot decide a request of your own: another supervisor must decide it."),
})


def check_not_own(actor, *parties) -> None:
    """Refuse (403 own_request) when `actor` is one of the `parties` (users or None)."""
    if any(p is not None and p.id == actor.id for p in parties):
        raise Forbidden("own_request")
