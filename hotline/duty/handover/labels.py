"""Names a person reads on the handover and duty log pages, translated lazily."""
from flask_babel import lazy_gettext as _l

from hotline.core.labels import define

FLAG = {
    "emergency": _l("Emergency"),
    "overdue": _l("Past deadline"),
    "due_soon": _l("Deadline near"),
    "escalated": _l("Escalated"),
    "carried": _l("Carried over"),
    "arrived": _l("Came in during the handover"),
}
REVIEW = {"pending": _l("To review"), "acknowledged": _l("Acknowledged"), "disputed": _l("Disputed")}
STANDING_KIND = {
    "equipment_fault": _l("Equipment fault"),
    "instruction": _l("Superior's instruction"),
    "document": _l("Document"),
    "message": _l("Message from another department"),
}
ENTRY_KIND = {
    "event": _l("Event"),
    "call": _l("Call of note"),
    "visit": _l("Visit"),
    "fault": _l("Fault"),
    "other": _l("Other"),
    "handover": _l("Handover"),
}
STATUS = {"draft": _l("Draft"), "signed": _l("Signed")}

# Templates call flag_label(), review_label(), standing_label(), entry_kind_label(), handover_status_label().
for _kind, _table in (("flag", FLAG), ("review", REVIEW), ("standing", STANDING_KIND), ("entry_kind", ENTRY_KIND),
                      ("handover_status", STATUS)):
    define(_kind, _table)
