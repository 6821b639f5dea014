"""Which roles may do what, and what a person may see. Routes, pages, socket
handlers and serializers ask here, nowhere else."""
import enum
from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_login import current_user


class Role(enum.StrEnum):
    OPERATOR = "operator"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    CREW = "crew"
    MANAGER = "manager"  # 中心主任/带班领导: the top of the escalation ladder
    BOARD = "board"  # a wall board or kiosk: reads the live board, writes nothing


O, D, S, A, C, B = Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN, Role.CREW, Role.BOARD
M = Role.MANAGER  # a manager may do all a supervisor may

CREATE_TICKET = {O, S, M}
READ_TICKETS = {O, D, S, M, C}  # a crew only its own unit's
ADD_NOTE = {O, D, S, M, C}
CANCEL_TICKET = {O, S, M}
CALLER_HISTORY = {O, S, M}
MANAGE_SETTINGS = {A}

DISPATCH = {D, S, M}  # 派单, 转办
RETURN_TICKET = {C, S, M}  # 退回: the unit, or a supervisor for it
CREW_STEPS = {C, D, S, M}  # the desk may record a step a crew radios in
READ_BOARD = {O, D, S, M, B}
READ_WORK_ORDERS = {C, D, S, M}

READ_ROSTER = {O, D, S, M}  # center staff see the roster and file swap/leave requests for themselves
DRAW_ROSTER = {S, M}  # draw, publish, decide requests
SEAT_WORK = {O, D, S}  # sign in to a seat; the duty lead 值班长 sits a seat too
MANAGE_DUTY_SETUP = {A}  # shift templates, head counts, seats: center settings like categories

HANDOVER = {O, D, S, M}  # 交接班: read, open, prepare, review, sign (the service checks whose it is)
OVERRIDE_HANDOVER = {S, M}  # let a refused handover go ahead, with a recorded reason
READ_CHECKLIST = {O, D, S, M, A}
MANAGE_CHECKLIST = {S, M, A}  # what is counted at each handover
DUTY_LOG = {O, D, S, M}  # 值班日志: write entries, read and search
REVIEW_DUTY_LOG = {S, M}  # the daily review and signature

# SLA (issue 4)
REPLY_TO_CALLER = {O, D, S, M}  # 答复
RECLASSIFY = {O, D, S, M}  # category, priority, area: the deadlines follow
PAUSE_CLOCKS = {C, D, S, M}  # waiting for the caller, for parts (a crew only its own unit's)
REQUEST_EXTENSION = {C, D, S, M}  # 延期 (a crew only its own unit's)
SUPERVISE_SLA = {S, M}  # alerts, extension decisions, on-time rates, export
ACK_ESCALATION = {C, D, S, M}  # the unit and the desk at level 1, then supervisors and managers
WORK_CALLBACKS = {O, S, M}  # 回访
READ_CALLBACK_RATES = {S, M}
READ_SLA_SETTINGS = {S, M, A}  # policies, calendars, areas: supervisors and managers read, admins edit

# Go-live administration (issue 11)
MANAGE_UNITS = {A}  # the unit tree, crews and their members
MANAGE_USERS = {A}  # nobody but an admin sees the user list
MANAGE_TOKENS = {A}  # board/kiosk and integration tokens
MANAGE_ROUTING = {A}  # categories and routing rules
READ_AUDIT = {A, M}  # the audit log and its export
REVEAL_CALLER = {S, M}  # a confidential caller in full, on purpose, with a reason (audited)


def require(roles: set[Role]):
    """Route decorator: 401 when nobody is signed in, 403 for the wrong role."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the auth-matrix test and the OpenAPI doc
        return wrapped

    return decorate


def can(roles: set[Role]) -> bool:
    return current_user.is_authenticated and current_user.role in roles


CENTER_STAFF = {O, D, S, M}  # act for the whole center
CENTER_SCREENS = CENTER_STAFF | {B}  # hear every live event of the center


@dataclass(frozen=True)
class Scope:
    """What part of the center's work a person sees: every unit's (`unit_ids` None)
    or only these units' (a crew: its own unit and the units below it)."""

    unit_ids: frozenset[int] | None

    @property
    def whole_center(self) -> bool:
        return self.unit_ids is None

    def sees_unit(self, unit_id: int | None) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def sees_any(self, unit_ids) -> bool:
        return self.unit_ids is None or bool(self.unit_ids & set(unit_ids))


WHOLE_CENTER = Scope(None)


def scope_for(user) -> Scope:
    """The one answer to 'whose work may this person see': a crew its own unit's
    (and its sub-units'), everyone else the whole center. `user.member_unit_ids()`
    comes from the users package; duck-typed so that the ground floor imports no domain."""
    if user.role == Role.CREW:
        return Scope(frozenset(user.member_unit_ids()))
    return WHOLE_CENTER
