"""Who may see a caller's phone, name and address, on every path (every seed: caller
data is confidential; 001: who revealed it is recorded).

The defaults, by role, for one ticket:

| role | ordinary ticket | confidential ticket (GB/T 33358) |
|---|---|---|
| operator who took the call | full | full |
| another operator | full | masked, street-level address |
| supervisor, manager | full | masked; full only by an explicit reveal with a typed reason (audited `caller.reveal`) |
| dispatcher, admin | masked | masked, street-level address |
| crew of the ticket's unit | full | masked (the full address: the crew goes there) |
| crew of another unit | does not see the ticket at all | idem |
| wall board | never a caller; addresses at street level only, on every ticket | idem |

What each ticket shows is its own snapshot (`Ticket.caller_name`, `Ticket.address`),
as given on that call, never the caller record's latest name: the caller card and the
history are built from the tickets the viewer may see in full. Search matches phone,
name or address only on the tickets where the viewer would see them in full (no
oracle); a role that sees masked phones searches by the full number with a reason
(audited `ticket.phone_search`, the number kept as a keyed hash and masked).
Live events reach whole rooms (the center room: boards too): they carry no caller and
only the street.
"""
import re
from dataclasses import dataclass

from hotline.callers.phones import national_digits
from hotline.core.permissions import Role, scope_for
from hotline.users.models import User

# Roles that talk to callers. Dispatchers and admins work on the matter, not the person.
_SEES_CALLERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.MANAGER})
# Roles that may reveal a confidential caller on purpose, with a reason.
REVEALERS = frozenset({Role.SUPERVISOR, Role.MANAGER})


@dataclass(frozen=True)
class CallerSight:
    """Which tickets' callers a person sees in full, as data (the ticket search builds
    its SQL from it, can_see_caller its answer): ordinary tickets all (`ordinary_units`
    None), of these units, or none (empty); confidential ones only those taken by
    `own_confidential` (an operator's id)."""

    ordinary_units: frozenset[int] | None
    own_confidential: int | None
    sees_every_address: bool  # full addresses on ordinary tickets (not the board)
    address_units: frozenset[int] | None  # confidential tickets of these units: full address (a crew)


def caller_sight(user: User) -> CallerSight:
    if user.role in _SEES_CALLERS:
        own = user.id if user.role == Role.OPERATOR else None
        return CallerSight(None, own, True, frozenset())
    if user.role == Role.CREW:
        units = frozenset(scope_for(user).unit_ids or ())
        return CallerSight(units, None, True, units)
    return CallerSight(frozenset(), None, user.role != Role.BOARD, frozenset())


def can_see_caller(user: User, ticket) -> bool:
    """Full identity on this ticket, without asking (see the table above)."""
    sight = caller_sight(user)
    if ticket.confidential:
        return sight.own_confidential is not None and ticket.operator_id == sight.own_confidential
    return sight.ordinary_units is None or ticket.unit_id in sight.ordinary_units


def can_reveal(user: User, ticket) -> bool:
    """May this person ask for the full identity on purpose (a reason, audited)?"""
    return user.role in REVEALERS


def sees_full_address(user: User, ticket) -> bool:
    sight = caller_sight(user)
    if not ticket.confidential:
        return sight.sees_every_address
    return can_see_caller(user, ticket) or (ticket.unit_id is not None and ticket.unit_id in sight.address_units)


def address_for(user: User, ticket) -> str | None:
    """The ticket's address as this person may see it: in full, or its street only."""
    return ticket.address if sees_full_address(user, ticket) else street_level(ticket.address)


def needs_reason_to_search_phone(user: User) -> bool:
    """Roles that see masked phones search by a full number only with a recorded reason."""
    return user.role not in _SEES_CALLERS


# The house number and what follows it: 88号, 3栋, 2单元, 1201室 (Arabic or Chinese numerals).
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_NUMBER = re.compile(r"[\d０-９]|[零〇一二三四五六七八九十百千]+[号號栋棟幢座单單元室楼樓层層]")
_UNIT_WORDS = {"flat", "apt", "apt.", "apartment", "room", "rm", "rm.", "unit", "suite", "floor", "fl", "fl.",
               "no", "no.", "house", "building", "bldg", "block", "blk", "#"}


def street_level(address: str | None) -> str | None:
    """At most the street of an address: '朝阳区建国路88号华贸3栋1201室' -> '朝阳区建国路',
    '12 Elm Road, Flat 3, Leeds' -> 'Elm Road, Leeds'. The wall board and every live
    event show no more."""
    if not address:
        return address
    text = address.strip()
    if _CJK.search(text):
        cut = _CJK_NUMBER.search(text)
        return (text[: cut.start()] if cut else text).strip(" ,，、-") or None
    parts = []
    for segment in text.split(","):
        words = [w for w in segment.split() if not any(c.isdigit() for c in w) and w.lower() not in _UNIT_WORDS]
        if words:
            parts.append(" ".join(words))
    return ", ".join(parts) or None


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    prefix, digits = national_digits(phone)  # as dialled: 138****8000, not the E.164 861****8000
    if len(digits) <= 4:
        return prefix + "*" * len(digits)
    return prefix + (f"{digits[:3]}****{digits[-4:]}" if len(digits) > 8 else f"****{digits[-4:]}")


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * min(len(name) - 1, 3) if len(name) > 1 else "*"
