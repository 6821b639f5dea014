"""Who may see a caller's phone and name in full (every seed: caller data is confidential)."""
from hotline.core.permissions import Role, scope_for
from hotline.users.models import User

# Roles that talk to callers. Dispatchers and admins work on the matter, not the person.
_SEES_CALLERS = {Role.OPERATOR, Role.SUPERVISOR, Role.MANAGER}


def can_see_caller(user: User, ticket) -> bool:
    """Full identity on this ticket? A confidential request (GB/T 33358) narrows it
    to the operator who took the call and supervisors."""
    if ticket.confidential:
        return user.role in (Role.SUPERVISOR, Role.MANAGER) or (
            user.role == Role.OPERATOR and ticket.operator_id == user.id
        )
    if user.role in _SEES_CALLERS:
        return True
    # A crew calls the caller to agree a visit, but only for its own unit's work.
    return user.role == Role.CREW and ticket.unit_id is not None and scope_for(user).sees_unit(ticket.unit_id)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = phone.lstrip("+")
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) > 8 else f"****{digits[-4:]}"


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * min(len(name) - 1, 3) if len(name) > 1 else "*"
