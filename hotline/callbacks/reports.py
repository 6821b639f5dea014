"""Callback rate, satisfaction rate, solved rate and on-time rate per unit or category,
counted by SQL from the callback rows and their callback clocks (never stored, never typed).

A callback belongs to the period in which it was opened, i.e. the ticket was resolved.
- callback rate: reached / opened
- satisfaction rate: (very satisfied + satisfied) / reached with a satisfaction
- solved rate: solved / reached with an answer on solved
- on-time rate: clocks met / clocks settled (stopped, or breached) — a pending callback
  counts once its deadline has been missed."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from hotline.callbacks.models import SATISFIED, Callback, CallbackStatus, Satisfaction
from hotline.core.extensions import db
from hotline.sla.models import SlaClock, Stage
from hotline.tickets.models import Category
from hotline.units.models import Unit


@dataclass
class RateRow:
    key: str | None  # unit or category code; None: no unit
    name_en: str
    name_zh: str
    opened: int = 0
    reached: int = 0
    unreachable: int = 0
    pending: int = 0
    satisfaction: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Satisfaction})
    answered: int = 0  # reached with a satisfaction
    solved: int = 0
    solved_answered: int = 0
    on_time: int = 0
    timed: int = 0  # clocks with an outcome

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def callback_rate(self):
        return self._rate(self.reached, self.opened)

    @property
    def satisfaction_rate(self):
        return self._rate(sum(self.satisfaction[s.value] for s in SATISFIED), self.answered)

    @property
    def solved_rate(self):
        return self._rate(self.solved, self.solved_answered)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.timed)

    def add(self, other: "RateRow") -> None:
        for name in ("opened", "reached", "unreachable", "pending", "answered", "solved", "solved_answered", "on_time", "timed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for level, n in other.satisfaction.items():
            self.satisfaction[level] += n

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "opened": self.opened,
            "reached": self.reached,
            "unreachable": self.unreachable,
            "pending": self.pending,
            "satisfaction": dict(self.satisfaction),
            "answered": self.answered,
            "solved": self.solved,
            "callback_rate": self.callback_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "solved_rate": self.solved_rate,
            "on_time_rate": self.on_time_rate,
            "on_time": self.on_time,
            "timed": self.timed,
        }


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def rates(resolved_from: datetime | None, resolved_to: datetime | None, by: str) -> tuple[list[RateRow], RateRow]:
    """One row per unit (by='unit') or category (by='category'), busiest first, and the total."""
    if by == "category":
        group = (Category.code, Category.name_en, Category.name_zh)
        join = (Category, Category.id == Callback.category_id)
    else:
        group = (Unit.code, Unit.name, Unit.name)
        join = (Unit, Unit.id == Callback.unit_id)
    met = and_(
        SlaClock.breached_at.is_(None),
        SlaClock.stopped_at.is_not(None),
        SlaClock.consumed_seconds <= SlaClock.budget_seconds + SlaClock.extended_seconds,
    )
    columns = [
        func.count(Callback.id),
        _count(Callback.status == CallbackStatus.DONE),
        _count(Callback.status == CallbackStatus.UNREACHABLE),
        _count(Callback.status == CallbackStatus.PENDING),
        *(_count(Callback.satisfaction == s) for s in Satisfaction),
        _count(and_(Callback.status == CallbackStatus.DONE, Callback.satisfaction.is_not(None))),
        _count(and_(Callback.status == CallbackStatus.DONE, Callback.solved.is_(True))),
        _count(and_(Callback.status == CallbackStatus.DONE, Callback.solved.is_not(None))),
        _count(met),
        _count(or_(SlaClock.breached_at.is_not(None), SlaClock.stopped_at.is_not(None))),
    ]
    stmt = (
        select(*group, *columns)
        .select_from(Callback)
        .outerjoin(*join)
        .outerjoin(
            SlaClock,
            and_(SlaClock.ticket_id == Callback.ticket_id, SlaClock.cycle == Callback.cycle, SlaClock.stage == Stage.CALLBACK),
        )
        .group_by(*group)
        .order_by(func.count(Callback.id).desc(), group[0])
    )
    if resolved_from is not None:
        stmt = stmt.where(Callback.created_at >= resolved_from)
    if resolved_to is not None:
        stmt = stmt.where(Callback.created_at < resolved_to)
    levels = [s.value for s in Satisfaction]
    rows, total = [], RateRow(key=None, name_en="All", name_zh="合计")
    for key, name_en, name_zh, opened, reached, unreachable, pending, *rest in db.session.execute(stmt):
        per_level, (answered, solved, solved_answered, on_time, timed) = rest[: len(levels)], rest[len(levels):]
        row = RateRow(
            key=key, name_en=name_en or "—", name_zh=name_zh or "—",
            opened=opened, reached=reached, unreachable=unreachable, pending=pending,
            satisfaction=dict(zip(levels, per_level)),
            answered=answered, solved=solved, solved_answered=solved_answered, on_time=on_time, timed=timed,
        )
        rows.append(row)
        total.add(row)
    return rows, total
