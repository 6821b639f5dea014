"""Shared pieces of the web layer: the settings pages' blueprint, to which each domain
adds its own pages, and list filters from a form."""
import re
from datetime import date, datetime, time, timedelta

from flask import Blueprint
from werkzeug.datastructures import MultiDict

from hotline.core import clock

# /settings/...: categories (tickets), SLA policies and calendars (sla), shifts and seats (duty).
settings_bp = Blueprint("settings", __name__, url_prefix="/settings")


def filter_args(args: MultiDict) -> MultiDict:
    """The filter form's values as the query wants them: empty fields dropped, and a day
    (YYYY-MM-DD, center time) made a moment; 'to' includes the whole day."""
    out = MultiDict()
    for key, value in args.items(multi=True):
        if value == "":
            continue
        if key in ("from", "to") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                day = date.fromisoformat(value) + timedelta(days=1 if key == "to" else 0)
                value = datetime.combine(day, time(), tzinfo=clock.center_tz()).isoformat()
            except (ValueError, OverflowError):
                pass  # left as typed (or 9999-12-31, whose next day overflows): the query says what is wrong
        out.add(key, value)
    return out
