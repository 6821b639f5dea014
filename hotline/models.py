"""Every model, imported once so that relationships and migrations see them all."""
from hotline.callers.models import Caller, CallerAddress  # noqa: F401
from hotline.calls.models import Call  # noqa: F401
from hotline.core.events import LiveEvent  # noqa: F401
from hotline.tickets.models import Category, Ticket, TicketEvent, TicketNote, TicketSequence  # noqa: F401
from hotline.units.models import Unit  # noqa: F401
from hotline.users.models import ApiToken, LoginEvent, User  # noqa: F401
from dispatch.routing.models import RoutingRule  # noqa: F401
from dispatch.workorders.models import WorkOrder  # noqa: F401
from hotline.sla.models import Alert, Area, Calendar, CalendarDay, Escalation, EscalationStep, Extension, Pause, Policy, SlaClock  # noqa: F401
from hotline.callbacks.models import Callback, CallbackAttempt  # noqa: F401
from hotline.duty.rosters.models import Roster, RosterAssignment, RosterChange, ShiftRequest, ShiftStaffing, ShiftTemplate  # noqa: F401
from hotline.duty.seats.models import AwayEntry, Seat, SeatSession  # noqa: F401
from hotline.duty.handover.models import ChecklistItem, Handover, HandoverAddendum, HandoverCount, HandoverItem, HandoverOverride, StandingItem  # noqa: F401
from hotline.duty.dutylog.models import DutyLogEntry, DutyLogReview  # noqa: F401
