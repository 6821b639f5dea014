"""Names a person reads on the handover and duty log pages, translated lazily."""
from flask_babel import lazy_gettext as _l

FLAG = {
    "emergency": _l("Emergency"),
    "overdue": _l("Past deadline"),
    "due_soon": _l("Deadline near"),
    "escalated": _l("Escalated"),
    "carried": _l("Carried over"),
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


def label(table: dict, code) -> str:
    key = getattr(code, "value", code)
    return str(table.get(key, key))


def template_labels() -> dict:
    return {
        "flag_label": lambda c: label(FLAG, c),
        "review_label": lambda c: label(REVIEW, c),
        "standing_label": lambda c: label(STANDING_KIND, c),
        "entry_kind_label": lambda c: label(ENTRY_KIND, c),
        "handover_status_label": lambda c: label(STATUS, c),
    }
